"""Celery tasks of the accounts: what log-ins leave behind is cleared once it is of no use."""

from importlib import import_module

from axes.models import AccessAttempt
from celery import shared_task
from django.conf import settings
from django.utils import timezone
from knox.models import AuthToken

from accounts import lockout


@shared_task(acks_late=True)
def clear_expired_credentials() -> dict[str, int]:
    """Delete what has expired (Celery beat, daily): sessions past their idle time (they no
    longer sign anyone in, but their rows would stay in the database for ever), API tokens past
    their expiry, and failed log-ins older than the lockout window (the audit log keeps the
    failures themselves). Safe to repeat and to run on several workers; returns the counts."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    now = timezone.now()
    tokens, _ = AuthToken.objects.filter(expiry__lt=now).delete()
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=now - lockout.cool_off()).delete()
    return {"tokens": tokens, "failed_logins": attempts}
