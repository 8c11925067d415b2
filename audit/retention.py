"""How long the audit log is kept: a pure module, read by the settings at start-up.

China's Cybersecurity Law (网络安全法, article 21) and 等保 2.0 level 3 ask for network logs to
be kept for no less than six months, so nothing may configure a shorter retention. The
database's trigger on the audit table (audit/migrations/0001) holds the same floor on its
own, so a mistaken setting or a hand-written DELETE cannot remove younger rows either.
"""

from django.core.exceptions import ImproperlyConfigured

#: Six months, counted generously (the law says "不少于六个月").
MINIMUM_RETENTION_DAYS = 183


def parse_retention_days(name: str, value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number of days.") from None
    if days < MINIMUM_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"{name}={days}: the audit log must be kept at least {MINIMUM_RETENTION_DAYS} days "
            "(six months, 网络安全法 article 21). Use e.g. 365."
        )
    return days
