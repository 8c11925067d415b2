from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import connection
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from wagtail.contrib.redirects.views import process_import


@never_cache
def health(request):
    """For load balancers and monitoring: 200 when the database and the cache answer, else 503."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # any failure is reported, not raised
        checks["database"] = f"error: {type(error).__name__}"
    try:
        cache.set("health-check", "ok", 10)
        checks["cache"] = "ok" if cache.get("health-check") == "ok" else "error: no round trip"
    except Exception as error:
        checks["cache"] = f"error: {type(error).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says; send them to the site's mark.
    return redirect(static("img/mark.svg"), permanent=True)


def not_found(request, *args, **kwargs):
    raise Http404


def redirects_process_import(request):
    """Wagtail's second step of a redirects import, which fails with a server error when the
    signed fields of its first step are missing or forged (it reads a message attribute the
    signing error does not have): such a post is refused as bad input instead."""
    try:
        return process_import(request)
    except (KeyError, AttributeError, SuspiciousOperation):
        return HttpResponseBadRequest(
            _("This import step has expired or was not sent by the import page. Start again."),
            content_type="text/plain; charset=utf-8",
        )
