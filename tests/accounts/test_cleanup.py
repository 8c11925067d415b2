"""What log-ins leave behind is deleted once it has expired: sessions, API tokens, failures."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from knox.models import AuthToken

from accounts.tasks import clear_expired_credentials


def test_only_what_has_expired_is_deleted(learner):
    now = timezone.now()
    kept_session, gone_session = SessionStore(), SessionStore()
    for store in (kept_session, gone_session):
        store["_auth_user_id"] = str(learner.pk)
        store.create()
    Session.objects.filter(session_key=gone_session.session_key).update(
        expire_date=now - datetime.timedelta(seconds=1)
    )
    kept_token, _ = AuthToken.objects.create(learner, expiry=datetime.timedelta(hours=1))
    gone_token, _ = AuthToken.objects.create(learner, expiry=datetime.timedelta(hours=1))
    AuthToken.objects.filter(pk=gone_token.pk).update(expiry=now - datetime.timedelta(seconds=1))
    recent = AccessAttempt.objects.create(
        username="2023000001", ip_address="10.0.0.1", failures_since_start=3
    )
    old = AccessAttempt.objects.create(
        username="2023000002", ip_address="10.0.0.1", failures_since_start=3
    )
    window = datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    AccessAttempt.objects.filter(pk=old.pk).update(
        attempt_time=now - window - datetime.timedelta(minutes=1)
    )

    assert clear_expired_credentials() == {"tokens": 1, "failed_logins": 1}

    assert list(Session.objects.values_list("session_key", flat=True)) == [kept_session.session_key]
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [kept_token.pk]
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert clear_expired_credentials() == {"tokens": 0, "failed_logins": 0}  # safe to repeat


def test_the_clean_up_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-credentials"]
    assert entry["task"] == "accounts.tasks.clear_expired_credentials"
    assert entry["schedule"] == 24 * 3600
