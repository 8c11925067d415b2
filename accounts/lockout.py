"""Lockout after repeated failed log-ins, on every way in (django-axes).

Every log-in — the site's form, Wagtail's admin and private-page forms, the API token endpoint —
goes through ``django.contrib.auth.authenticate``, whose first backend is axes': it refuses a
locked-out try before any password is checked, so the right password waits out the lock too,
and a refused try costs no hash. Failures are counted per account **and address**
(``LOGIN_FAILURE_LIMIT`` within ``LOGIN_LOCKOUT_MINUTES``), never per address alone: a campus
NAT puts thousands of learners behind one address on exam morning, and one of them mistyping
must not lock out the others. A guesser who spreads tries over many addresses is held by a
second, higher count per account from every address (``LOGIN_ACCOUNT_FAILURE_LIMIT``).

Tries refused during a lock are not counted (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``
off), so a lock ends when the message says it does, and one address can never put more than
``LOGIN_FAILURE_LIMIT`` failures towards the account-wide count: locking an account everywhere
takes failures from several addresses within the window.

axes sends ``axes.signals.user_locked_out(sender="axes", request, username, ip_address)`` when
a lock starts and again for each try refused while it lasts.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.forms.utils import ErrorDict
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

LOCKED_CODE = "login_locked"


def cool_off(request=None) -> timedelta:
    """How long failures count (and so how long a lock lasts): ``AXES_COOLOFF_TIME``."""
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def client_address(request) -> str | None:
    """The client's address as ClientAddressMiddleware resolved it (never X-Forwarded-For)."""
    return request.META.get("REMOTE_ADDR") or None


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with two counts: the account and address pair, and the account
    from every address at a higher threshold. axes compares what ``get_failures`` returns with
    ``AXES_FAILURE_LIMIT`` (the pair's limit), so an account over its own limit reads as a pair
    at the limit."""

    def get_failures(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        counts = AccessAttempt.objects.filter(
            username=username, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(
            account=Sum("failures_since_start"),
            pair=Sum("failures_since_start", filter=Q(ip_address=request.axes_ip_address)),
        )
        pair = counts["pair"] or 0
        account_limit = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
        if account_limit and (counts["account"] or 0) >= account_limit:
            return max(pair, settings.LOGIN_FAILURE_LIMIT)
        return pair


@dataclass(frozen=True)
class Lockout:
    """One account's failures from one address within the window (an unlock row)."""

    username: str
    ip_address: str | None
    failures: int
    last_failure: datetime
    ends_at: datetime | None  # None: failures, but no lock


def _clear_at(rows: list[tuple[datetime, int]], limit: int, window: timedelta) -> datetime | None:
    """When the failures in ``rows`` (each: its latest failure, how many) drop below ``limit``
    as they age out of ``window``; None if they already are below it."""
    total = sum(failures for _at, failures in rows)
    if not limit or total < limit:
        return None
    for at, failures in sorted(rows):
        total -= failures
        if total < limit:
            return at + window
    return None  # pragma: no cover - the loop always ends below the limit


def _ends_at(
    rows: list[tuple[str | None, datetime, int]], ip_address: str | None, window: timedelta
) -> datetime | None:
    """When an account whose failures within the window are ``rows`` (each: address, latest
    failure, how many) may log in again from ``ip_address``: None if it is not locked."""
    pair = _clear_at(
        [(at, n) for ip, at, n in rows if ip == ip_address], settings.LOGIN_FAILURE_LIMIT, window
    )
    account = _clear_at(
        [(at, n) for _ip, at, n in rows], settings.LOGIN_ACCOUNT_FAILURE_LIMIT, window
    )
    ends = [at for at in (pair, account) if at is not None]
    return max(ends) if ends else None


def lockout_ends_at(username: str | None, ip_address: str | None, *, now=None) -> datetime | None:
    """When ``username`` may log in again from ``ip_address``: None if not locked."""
    now = now or timezone.now()
    window = cool_off()
    rows = list(
        AccessAttempt.objects.filter(username=username, attempt_time__gte=now - window).values_list(
            "ip_address", "attempt_time", "failures_since_start"
        )
    )
    return _ends_at(rows, ip_address, window)


def current_lockouts(*, queryset=None, now=None) -> list[Lockout]:
    """Every account and address with failures within the window (among ``queryset``, the
    records the viewer reaches), locked ones first, newest first: what the unlock page lists.
    One query, whatever the number of rows."""
    now = now or timezone.now()
    window = cool_off()
    queryset = AccessAttempt.objects.all() if queryset is None else queryset
    by_account: dict[str, list[tuple[str | None, datetime, int]]] = {}
    for username, ip, at, failures in queryset.filter(attempt_time__gte=now - window).values_list(
        "username", "ip_address", "attempt_time", "failures_since_start"
    ):
        by_account.setdefault(username, []).append((ip, at, failures))
    found = []
    for username, rows in by_account.items():
        for ip in dict.fromkeys(ip for ip, _at, _n in rows):
            mine = [(at, n) for row_ip, at, n in rows if row_ip == ip]
            found.append(
                Lockout(
                    username=username,
                    ip_address=ip,
                    failures=sum(n for _at, n in mine),
                    last_failure=max(at for at, _n in mine),
                    ends_at=_ends_at(rows, ip, window),
                )
            )
    return sorted(found, key=lambda row: (row.ends_at is None, -row.last_failure.timestamp()))


def locked_message(ends_at: datetime | None) -> str:
    ends_at = timezone.localtime(ends_at or timezone.now() + cool_off())
    today = timezone.localdate()
    when = date_format(ends_at, "H:i" if ends_at.date() == today else "Y-m-d H:i")
    return _(
        "Too many failed log-ins. Logging in to this account is paused until %(time)s; try "
        "again then. The school administrators (党委组织部) can unlock it sooner."
    ) % {"time": when}


def retry_after(ends_at: datetime | None) -> int:
    if ends_at is None:
        return int(cool_off().total_seconds())
    return max(1, int((ends_at - timezone.now()).total_seconds()) + 1)


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out log-in form answers (``AXES_LOCKOUT_CALLABLE``): the same log-in page,
    with the lock and its end as the form's error, status 429. The site's form, Wagtail's admin
    and private-page forms all render through here."""
    ends_at = lockout_ends_at(get_client_username(request, credentials), client_address(request))
    message = locked_message(ends_at)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    response: HttpResponse
    if isinstance(original_response, TemplateResponse) and form is not None:
        form._errors = ErrorDict()  # not "wrong password": it may have been right
        form.add_error(None, message)
        response = TemplateResponse(request, original_response.template_name, context, status=429)
        response.render()
    elif request.headers.get("x-requested-with") == "XMLHttpRequest":
        response = JsonResponse({"code": LOCKED_CODE, "detail": message}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after(ends_at))
    return response
