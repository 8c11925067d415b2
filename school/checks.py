"""Deployment checks (`manage.py check --deploy`) for how the school runs in production: the
background work and the address printed on certificates. The security of log-in, sessions and
cookies is checked by Django's own deploy checks.

One check reads the database (Wagtail's default site): it runs only when asked for with
`manage.py check --deploy --database default`."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.db import connections, router
from django.http.request import validate_host
from wagtail.models import Site

from cms.sites import site_address

# Retries back off up to ten minutes (Celery's retry_backoff_max): a visibility timeout under
# that hands a task that is waiting to be retried to a second worker.
SHORTEST_VISIBILITY_TIMEOUT = 660


@checks.register(deploy=True)
def background_work(app_configs, **kwargs):
    if not settings.REDIS_URL:
        if not settings.DEBUG:
            # school.E001 (school/deploy_checks.py) refuses this already, saying more: one
            # cause, one message.
            return []
        return [
            checks.Warning(
                "REDIS_URL is not set: tasks run inside the web requests and no Celery beat "
                "runs, so overdue exam attempts are not closed and scheduled pages are not "
                "published.",
                hint="Set REDIS_URL and run `celery -A school worker --beat` beside the site.",
                id="school.W001",
            )
        ]
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    if timeout < SHORTEST_VISIBILITY_TIMEOUT:
        return [
            checks.Warning(
                f"CELERY_VISIBILITY_TIMEOUT is {timeout} seconds: a task still running or "
                "waiting for a retry would be handed to a second worker.",
                hint="Leave it unset (an hour) in production.",
                id="school.W002",
            )
        ]
    return []


@checks.register(deploy=True)
def site_url(app_configs, **kwargs):
    """SITE_URL is printed in every certificate's QR code: it must be the site's https address."""
    parts = urlsplit(settings.SITE_URL)
    problems = []
    if parts.scheme != "https":
        problems.append(
            checks.Warning(
                f"SITE_URL ({settings.SITE_URL}) is not an https address; certificates' QR "
                "codes and the links in e-mails point to it.",
                hint="Set SITE_URL to the public address, e.g. https://dangxiao.example.edu.cn.",
                id="school.W003",
            )
        )
    if not validate_host(parts.hostname or "", settings.ALLOWED_HOSTS):
        problems.append(
            checks.Warning(
                f"SITE_URL's host ({parts.hostname}) is not in ALLOWED_HOSTS: the addresses in "
                "QR codes and e-mails would be refused.",
                hint="Add it to ALLOWED_HOSTS.",
                id="school.W004",
            )
        )
    return problems


@checks.register(checks.Tags.database, deploy=True)
def wagtail_site(app_configs, databases=None, **kwargs):
    """Wagtail's default site must have SITE_URL's host and port: Wagtail builds the page links
    in the admin, e-mails and feeds from it, and certificates' QR codes from SITE_URL."""
    alias = router.db_for_read(Site)
    if alias not in (databases or ()):
        return []
    # Before `migrate` there is no table to read (and a failed query would spoil a transaction
    # the caller may have open): nothing to compare yet.
    if Site._meta.db_table not in connections[alias].introspection.table_names():
        return []
    site = Site.objects.using(alias).filter(is_default_site=True).first()
    try:
        host, port = site_address(settings.SITE_URL)
    except ValueError:  # a port that is not a number: SITE_URL itself is wrong, not the site
        return []
    if site is None or (site.hostname.lower(), site.port) == (host, port):
        return []
    return [
        checks.Warning(
            f"Wagtail's default site is {site.hostname}:{site.port} but SITE_URL is "
            f"{settings.SITE_URL}: the page links Wagtail makes (the admin, e-mails) and the "
            "certificates' QR codes point to different addresses.",
            hint=f"In the admin, 设置 › 站点 (Settings › Sites), give the default site the "
            f"hostname {host} and port {port}; or set SITE_URL to the site's own address.",
            id="school.W005",
        )
    ]
