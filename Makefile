# The two commands a newcomer needs are `make run` and `make test`; the rest are their parts.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run serve test lint format typecheck migrations-check pytest messages schema worker prod-local bench bench-exam bench-certificates bench-eligibility bench-logins bench-uploads bench-search bench-exam-day clean

help:
	@echo "make run     install, migrate, load the demo school and serve http://$(HOST):$(PORT)"
	@echo "make test    install, lint, check migrations, run the test suite"
	@echo "make lint | format | typecheck | messages | schema | worker | bench | clean"

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# npm packages (package-lock.json pins them): axe-core for the browser tests' accessibility check.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is missing (scripts/ensure-system-packages installs it): the accessibility checks are skipped"; fi

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "  网上党校 / Online party school"
	@echo "  Site:   http://$(HOST):$(PORT)/"
	@echo "  Admin:  http://$(HOST):$(PORT)/admin/"
	@echo "  API:    http://$(HOST):$(PORT)/api/v1/   (docs: /api/docs/, schema: /api/schema/)"
	@echo "  Demo accounts (password dangxiao2026): admin, instructor, organizer, activist"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	@scripts/ensure-system-packages
	$(MAKE) --no-print-directory node_modules/.installed
	$(MAKE) --no-print-directory lint migrations-check
	$(PY) -m pytest -n auto

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) --no-print-directory typecheck

typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

messages: install
	$(PY) manage.py makemessages --locale zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'node_modules/*' --ignore 'artifacts/*'
	$(PY) manage.py compilemessages --locale zh_Hans --ignore '.venv/*' --ignore 'node_modules/*'

schema: install
	$(PY) manage.py spectacular --lang en --file schema/openapi.yaml

worker: install
	$(VENV)/bin/celery -A school worker --beat --loglevel INFO

# The production layout on this machine: the Procfile's web, worker and beat under honcho, with
# DEBUG off, on the local PostgreSQL (DATABASE_URL, default party_school, created if missing)
# and Redis (REDIS_URL, default database 1). SECRET_KEY and CERTIFICATE_SIGNING_KEY are made
# once in var/prod-local/ unless given. Plain http on localhost: no https redirect, no HSTS.
prod-local: install
	@mkdir -p var/prod-local && chmod 700 var/prod-local
	@test -s var/prod-local/secret-key || $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/prod-local/secret-key
	@test -s var/prod-local/certificate-signing.pem || (umask 077 && openssl genpkey -algorithm ed25519 -out var/prod-local/certificate-signing.pem)
	@set -e; \
	export PATH="$(CURDIR)/$(VENV)/bin:$$PATH" DEBUG=false HOST="$(HOST)" PORT="$(PORT)" \
		DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/party_school}" \
		REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/1}" \
		SECRET_KEY="$${SECRET_KEY:-$$(cat var/prod-local/secret-key)}" \
		CERTIFICATE_SIGNING_KEY="$${CERTIFICATE_SIGNING_KEY:-$(CURDIR)/var/prod-local/certificate-signing.pem}" \
		ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),127.0.0.1,localhost}" \
		SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" \
		SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0; \
	psql -q "$$DATABASE_URL" -c '' 2>/dev/null || createdb --maintenance-db="$${DATABASE_URL%/*}/postgres" "$${DATABASE_URL##*/}"; \
	python manage.py migrate --noinput; \
	python manage.py collectstatic --noinput -v0; \
	python manage.py check --deploy --fail-level ERROR; \
	python manage.py seed_demo --if-empty; \
	echo ""; \
	echo "  网上党校 / Online party school, production layout (web, worker, beat)"; \
	echo "  Site:   $$SITE_URL/   (Ctrl-C stops all three)"; \
	echo ""; \
	exec honcho start -f Procfile

# Benchmarks print figures; they are not tests. They need the local PostgreSQL.
bench: bench-exam bench-certificates bench-eligibility bench-logins bench-uploads bench-search

bench-exam: install
	$(PY) bench/exam_day.py --learners $(or $(LEARNERS),200) --ramp $(or $(RAMP),30)

bench-certificates: install
	$(PY) bench/certificates.py --count $(or $(COUNT),50)

bench-eligibility: install
	$(PY) bench/eligibility.py --people $(or $(PEOPLE),50000)

bench-logins: install
	$(PY) bench/logins.py --learners $(or $(LEARNERS),3000) --duration $(or $(DURATION),300)

bench-uploads: install
	$(PY) bench/uploads.py

bench-search: install
	$(PY) bench/search.py --lessons $(or $(LESSONS),400)

# Exam day at scale (issue 13): the open-loop suite, ~15 minutes; results in bench/results/.
# N examinees (3000), DURATION measured seconds of autosave per round (60); BENCH_ARGS=--quick
# for a 1-2 minute smoke run, or any other option of the script (--help).
bench-exam-day: install
	$(PY) bench/exam_day_open.py $(if $(N),--examinees $(N)) $(if $(DURATION),--autosave-seconds $(DURATION)) $(BENCH_ARGS)


clean:
	rm -rf $(VENV) node_modules var db.sqlite3 .pytest_cache .ruff_cache .mypy_cache
