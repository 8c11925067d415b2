"""Reading settings from environment variables.

Every reader raises ``ImproperlyConfigured`` naming the variable and showing a valid
example, so a typo in a deployment fails at start with a message a person can act on
instead of a stack trace from deep inside a driver.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SUPPORTED_DATABASE_SCHEMES = {
    "sqlite": "sqlite",
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "pgsql": "postgresql",
}
DATABASE_URL_EXAMPLE = (
    "postgres://user:password@127.0.0.1:5432/party_school or sqlite:///db.sqlite3"
)
REDIS_URL_EXAMPLE = "redis://127.0.0.1:6379/0"
TRUSTED_PROXIES_EXAMPLE = "127.0.0.1,10.0.0.0/24"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_bool(name: str, value: str) -> bool:
    normalized = value.strip().lower()
    if normalized in _TRUE:
        return True
    if normalized in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value. Use one of: 1, 0, true, false, yes, no."
    )


def parse_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def parse_networks(name: str, value: str) -> list[str]:
    """Comma-separated addresses or CIDR networks, each written in its normal form.

    A network with host bits set (``10.0.0.5/24``) is refused rather than widened: in a trust
    list, guessing which of the two was meant could trust more than intended. So is a network
    of every address (``0.0.0.0/0``), which would let any client choose its own address.
    """
    networks = []
    for item in parse_list(value):
        try:
            network = ipaddress.ip_network(item)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or a network (write a network "
                f"as 10.0.0.0/24, not 10.0.0.5/24). Example: {TRUSTED_PROXIES_EXAMPLE}."
            ) from None
        if network.prefixlen == 0:
            raise ImproperlyConfigured(
                f"{name}: {item!r} would trust every address, so any client could choose "
                f"its own. List only your proxies, e.g. {TRUSTED_PROXIES_EXAMPLE}."
            )
        networks.append(str(network))
    return networks


def parse_database_url(url: str) -> dict[str, Any]:
    """Turn DATABASE_URL into a Django DATABASES entry; only SQLite and PostgreSQL are supported."""
    scheme = urlsplit(url).scheme if "://" in url else ""
    kind = SUPPORTED_DATABASE_SCHEMES.get(scheme)
    if kind is None:
        shown = scheme or url or "(empty)"
        raise ImproperlyConfigured(
            f"DATABASE_URL is not usable: {shown!r} is not a supported database. "
            f"The party school runs on SQLite or PostgreSQL, e.g. {DATABASE_URL_EXAMPLE}."
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL could not be read ({error}). Example: {DATABASE_URL_EXAMPLE}."
        ) from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(
            f"DATABASE_URL names no database. Example: {DATABASE_URL_EXAMPLE}."
        )
    if kind == "sqlite":
        # WAL lets readers proceed while one writer works; IMMEDIATE takes the write lock
        # when a transaction begins, so two writers queue instead of failing half-way.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        # The psycopg pool keeps connections warm for gunicorn threads and Celery workers;
        # Django requires CONN_MAX_AGE = 0 when the pool is on.
        config["CONN_MAX_AGE"] = 0
        # The URL's own options (?sslmode=verify-full&sslrootcert=…) are kept beside the pool.
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "pool": {"min_size": 1, "max_size": 10, "timeout": 10},
        }
    return config


def parse_redis_url(url: str) -> str:
    """Check REDIS_URL's shape (not whether the server answers: that is the health check's job)."""
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"REDIS_URL={url!r} is not a Redis address. Example: {REDIS_URL_EXAMPLE}."
        )
    if parts.scheme != "unix" and not parts.hostname:
        raise ImproperlyConfigured(f"REDIS_URL names no host. Example: {REDIS_URL_EXAMPLE}.")
    try:
        parts.port  # noqa: B018 - urlsplit validates the port lazily
    except ValueError:
        raise ImproperlyConfigured(
            f"REDIS_URL has an invalid port. Example: {REDIS_URL_EXAMPLE}."
        ) from None
    database = parts.path.lstrip("/")
    if parts.scheme != "unix" and database and not database.isdigit():
        raise ImproperlyConfigured(
            f"REDIS_URL database must be a number, not {database!r}. Example: {REDIS_URL_EXAMPLE}."
        )
    return url
