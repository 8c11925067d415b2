"""The address of the site, as Wagtail's Site model holds it."""

from urllib.parse import urlsplit

DEFAULT_PORTS = {"https": 443, "http": 80}


def site_address(url: str) -> tuple[str, int | None]:
    """The hostname and port of Wagtail's site at ``url`` (SITE_URL): without a port in the
    URL, 443 for https and 80 for http; None for another scheme. Raises ValueError for a port
    that is not a number."""
    parts = urlsplit(url)
    return parts.hostname or "localhost", parts.port or DEFAULT_PORTS.get(parts.scheme)
