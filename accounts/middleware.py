"""The request-time half of the log-in rules: idle sessions end, a second factor is asked for,
an old password is changed, and every page carries the Content-Security-Policy."""

import time
from functools import cache
from urllib.parse import urlencode

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import services, two_factor

# When the session was last saved because it was used (seconds since the epoch).
SEEN_KEY = "accounts.seen"


@cache
def _prefixes() -> dict[str, str]:
    return {
        "admin": reverse("wagtailadmin_home"),
        "api": "/api/",
        "static": settings.STATIC_URL,
        "media": settings.MEDIA_URL,
        "editing_sessions": reverse("wagtailadmin_home") + "editing-sessions/",
    }


def _is_api(request) -> bool:
    return request.path_info.startswith(_prefixes()["api"])


def _with_next(url: str, request) -> str:
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


class IdleSessionMiddleware:
    """A signed-in session ends after ``SESSION_IDLE_MINUTES`` without a request, on the site and
    in the admin alike, without a write on every request.

    The session's own expiry does the ending: ``SESSION_COOKIE_AGE`` is the idle time, and a
    session that long after it was last saved signs nobody in (the daily
    ``accounts.tasks.clear_expired_credentials`` deletes its row). A session is saved
    again — moving its expiry on — only when it is used ``SESSION_TOUCH_SECONDS`` or more after
    its last save, so a learner sending a request every few seconds through an exam costs one
    small write a minute, not one per request, and a session ends between the idle time less
    the touch interval and the idle time after its last request. Wagtail's editing-session
    ping, which an open editor sends by itself, is not activity: an admin tab left open must
    time out too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and not request.path_info.startswith(_prefixes()["editing_sessions"])
            and session.get(AUTH_SESSION_KEY)
        ):
            now = int(time.time())
            if now - session.get(SEEN_KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[SEEN_KEY] = now
        return self.get_response(request)


def _second_factor_paths() -> set[str]:
    return {
        reverse("accounts_two_factor_verify"),
        reverse("accounts:logout"),
        reverse("wagtailadmin_logout"),
        reverse("wagtailadmin_javascript_catalog"),
        reverse("set_language"),
    }


class SecondFactorMiddleware:
    """After the password, an account with a second factor (or, with
    ``STAFF_SECOND_FACTOR_REQUIRED``, any account with admin access) reaches nothing but the
    code page (or the enrolment page) until it gives a current code: pages redirect there,
    session API calls answer 403 ``second_factor_required``. What the account owes is worked out
    once per session (accounts.two_factor); token API calls are checked when the token is
    issued. Comes after django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and hasattr(request, "session"):
            state = request.session.get(two_factor.SESSION_KEY)
            if state is None:
                state = request.session[two_factor.SESSION_KEY] = two_factor.requirement(user)
            if state != two_factor.NOT_NEEDED and not user.is_verified():
                # Worked out again before refusing: a device may have been removed meanwhile.
                state = request.session[two_factor.SESSION_KEY] = two_factor.requirement(user)
                if state != two_factor.NOT_NEEDED and not self._allowed(request, state):
                    return self._refuse(request, state)
        return self.get_response(request)

    def _allowed(self, request, state: str) -> bool:
        path = request.path_info
        prefixes = _prefixes()
        if path.startswith((prefixes["static"], prefixes["media"])):
            return True
        allowed = _second_factor_paths()
        if state == two_factor.ENROL:
            allowed.add(reverse("accounts_two_factor_setup"))
        return path in allowed

    def _refuse(self, request, state: str):
        if _is_api(request):
            return JsonResponse(
                {
                    "code": "second_factor_required",
                    "detail": _("Enter the code from your authenticator app first."),
                },
                status=403,
            )
        page = (
            "accounts_two_factor_setup"
            if state == two_factor.ENROL
            else "accounts_two_factor_verify"
        )
        return redirect(_with_next(reverse(page), request))


class PasswordAgeMiddleware:
    """With ``PASSWORD_MAX_AGE_DAYS`` set, a signed-in user whose password is older is sent to
    the password page before anything else (the API is left alone: its clients cannot answer a
    redirect, and their tokens were issued against the password)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PASSWORD_MAX_AGE_DAYS
            and request.user.is_authenticated
            and not _is_api(request)
            and not request.path_info.startswith((_prefixes()["static"], _prefixes()["media"]))
            and request.path_info not in self._allowed()
            and services.password_expired(request.user)
        ):
            return redirect(_with_next(reverse("accounts:password_change"), request))
        return self.get_response(request)

    @staticmethod
    def _allowed() -> set[str]:
        return {reverse("accounts:password_change"), *_second_factor_paths()}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with ``CSP_PATH_ALLOWANCES`` added where a path needs them:
    Wagtail's admin writes inline scripts (inline panels, date pickers) and inline styles, and
    Swagger UI's page an inline style element, which the rest of the site never needs."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        for prefix, allowances in settings.CSP_PATH_ALLOWANCES.items():
            if request.path_info.startswith(prefix):
                update = dict(parts.update or {})
                for directive, sources in allowances.items():
                    update[directive] = [*update.get(directive, []), *sources]
                parts.update = update
        return parts
