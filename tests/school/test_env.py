import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from school.env import parse_bool, parse_database_url, parse_networks, parse_redis_url

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_url_gets_wal_and_immediate_transactions():
    config = parse_database_url("sqlite:////tmp/school.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/school.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_url_uses_the_connection_pool():
    config = parse_database_url("postgres://school:secret@db.example:5433/party_school")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "party_school")
    assert config["OPTIONS"]["pool"]["max_size"] >= 1
    assert config["CONN_MAX_AGE"] == 0


@pytest.mark.parametrize(
    "url",
    ["mysql://root@localhost/school", "localhost:5432/school", "", "postgres://user@host:5432/"],
)
def test_unusable_database_url_is_refused_with_the_variable_named(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        parse_database_url(url)


def test_trusted_proxies_are_addresses_or_networks_in_normal_form():
    assert parse_networks("TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/24 ,2001:DB8::/64,") == [
        "127.0.0.1/32",
        "10.0.0.0/24",
        "2001:db8::/64",
    ]
    assert parse_networks("TRUSTED_PROXIES", "") == []


@pytest.mark.parametrize(
    "value", ["nginx", "10.0.0.5/24", "10.0.0.0/33", "0.0.0.0/0", "::/0", "127.0.0.1:80"]
)
def test_a_trust_list_that_is_malformed_or_trusts_everyone_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        parse_networks("TRUSTED_PROXIES", value)


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/0", "rediss://cache.example:6380", "redis://h"]
)
def test_redis_url_is_accepted(url):
    assert parse_redis_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "localhost:6379",
        "http://127.0.0.1:6379",
        "redis://:6379/0",
        "redis://h:port/0",
        "redis://h/cache",
    ],
)
def test_malformed_redis_url_is_refused_with_the_variable_named(url):
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        parse_redis_url(url)


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("True", True), ("no", False), ("", False)]
)
def test_yes_no_values(raw, value):
    assert parse_bool("DEBUG", raw) is value


def test_a_yes_no_typo_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe'"):
        parse_bool("DEBUG", "maybe")


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    inherited = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in inherited}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DATABASE_URL", "mysql://root@localhost/school"), ("REDIS_URL", "localhost:6379")],
)
def test_start_fails_with_one_clear_line_on_a_bad_url(variable, value):
    result = manage("check", **{variable: value})
    assert result.returncode == 2
    assert result.stderr.startswith(f"Configuration error: {variable}")
    assert "Traceback" not in result.stderr


def production(tmp_path, **overrides: str) -> dict[str, str]:
    """The variables a production site sets (README, Configuration; deploy/OPERATIONS.md)."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-with-enough-entropy-0123456789abcdef",
        "ALLOWED_HOSTS": "dangxiao.example.edu.cn",
        "CSRF_TRUSTED_ORIGINS": "https://dangxiao.example.edu.cn",
        "SITE_URL": "https://dangxiao.example.edu.cn",
        "TRUSTED_PROXIES": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CERTIFICATE_SIGNING_KEY": settings.CERTIFICATE_SIGNING_KEY,
        **overrides,
    }


def test_deploy_check_passes_with_production_settings(tmp_path):
    """`check --deploy` at its strictest: any warning fails the test (and so CI)."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "warning"),
    [
        ({"CELERY_VISIBILITY_TIMEOUT": "5"}, "school.W002"),  # a test's value in production
        ({"SITE_URL": "http://dangxiao.example.edu.cn"}, "school.W003"),
        ({"SITE_URL": "https://elsewhere.example.edu.cn"}, "school.W004"),
    ],
)
def test_deploy_check_flags_a_production_mistake(tmp_path, overrides, warning):
    result = manage("check", "--deploy", **production(tmp_path, **overrides))
    assert warning in result.stderr + result.stdout


def test_the_database_checks_pass_on_a_database_not_yet_migrated(tmp_path):
    """`check --deploy --database default` before `migrate`: Wagtail's site table is not there
    yet, and the site check (school.W005) has nothing to compare rather than failing."""
    result = manage(
        "check",
        "--deploy",
        "--database",
        "default",
        "--fail-level",
        "WARNING",
        **production(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "Traceback" not in result.stderr


def test_deploy_check_wants_a_certificate_signing_key(tmp_path):
    result = manage("check", "--deploy", **production(tmp_path, CERTIFICATE_SIGNING_KEY=""))
    assert result.returncode != 0
    assert "courses.E001" in result.stderr + result.stdout


def test_deploy_check_flags_the_development_defaults():
    result = manage("check", "--deploy", DEBUG="true")
    assert "security.W009" in result.stderr + result.stdout  # the django-insecure- key
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on


def test_postgres_url_keeps_its_tls_options_beside_the_pool():
    config = parse_database_url(
        "postgres://school@db.example/party_school?sslmode=verify-full&sslrootcert=/etc/ca.pem"
    )
    assert config["OPTIONS"]["sslmode"] == "verify-full"
    assert config["OPTIONS"]["sslrootcert"] == "/etc/ca.pem"
    assert "pool" in config["OPTIONS"]
