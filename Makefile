# The two commands a newcomer needs are `make run` and `make test`; the rest are their parts.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run serve test lint format typecheck migrations-check pytest messages schema worker bench bench-exam bench-certificates bench-eligibility bench-logins bench-uploads bench-search clean

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


clean:
	rm -rf $(VENV) node_modules var db.sqlite3 .pytest_cache .ruff_cache .mypy_cache
