"""Deployment checks (`manage.py check --deploy`) that refuse a production site without the
shared services its processes need to agree with each other.

A site with DEBUG off runs several processes (gunicorn workers, perhaps on several hosts,
Celery workers and beat) that must share one cache and one broker. With a cache in each
process's own memory an import previewed on one gunicorn worker finds no preview when it is
confirmed on another, and every worker keeps its own throttle counts; with tasks run eagerly
they run inside the web requests, and no beat runs, so no overdue attempt is closed and no
scheduled page is published. These are errors, not warnings: such a site seems to work until
the second request lands on another process.

The development defaults (`make run`: no REDIS_URL, a local-memory cache, eager tasks) are
fine with DEBUG on, so nothing here is checked then.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

# Cache backends whose entries live in one process (or nowhere): each gunicorn worker would
# see its own import previews and throttle counts.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
# Kombu transports that keep the queue in the sending process: no worker ever sees a task.
IN_PROCESS_BROKERS = {"memory"}


@checks.register(checks.Tags.caches, checks.Tags.security, deploy=True)
def shared_cache_and_broker(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    if not settings.REDIS_URL:
        # One cause, one error: without REDIS_URL the settings choose the local-memory cache
        # and eager tasks together.
        return [
            checks.Error(
                "REDIS_URL is not set with DEBUG off: the cache would be each process's own "
                "memory (import previews confirmed on another worker are lost, throttles count "
                "per process) and tasks would run inside web requests with no Celery beat.",
                hint="Set REDIS_URL, e.g. redis://127.0.0.1:6379/0, and run the worker and "
                "beat of the Procfile beside the site (deploy/OPERATIONS.md).",
                id="school.E001",
            )
        ]
    problems = []
    # Every alias: the default one holds previews and throttles, the others (cached pages) are
    # emptied on publish, which must reach every process.
    for alias, config in settings.CACHES.items():
        backend = config.get("BACKEND", "")
        if backend in PER_PROCESS_CACHES:
            problems.append(
                checks.Error(
                    f"The {alias!r} cache is {backend.rsplit('.', 1)[-1]}, which each process "
                    "keeps to itself: import previews, throttle counts and cached pages would "
                    "not be shared between the site's processes.",
                    hint="Leave CACHES to the settings: with REDIS_URL set they use Redis.",
                    id="school.E002",
                )
            )
    broker = urlsplit(str(settings.CELERY_BROKER_URL or "")).scheme
    if settings.CELERY_TASK_ALWAYS_EAGER or broker in IN_PROCESS_BROKERS:
        problems.append(
            checks.Error(
                "Celery runs tasks in the calling process (CELERY_TASK_ALWAYS_EAGER, or a "
                "memory:// broker): tasks would run inside web requests and no worker or beat "
                "would ever see them.",
                hint="Leave the Celery settings to REDIS_URL: with it set, tasks go to Redis.",
                id="school.E003",
            )
        )
    return problems
