"""Retention: at least six months, refused below that at start-up; the daily purge deletes what
is older, and is the only path that may."""

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from audit.models import Action, AuditEvent
from audit.retention import MINIMUM_RETENTION_DAYS, parse_retention_days
from audit.services import purge_expired, record
from audit.tasks import purge_audit_log


def aged(days: float) -> AuditEvent:
    return AuditEvent.objects.create(
        action=Action.LOGIN, at=timezone.now() - datetime.timedelta(days=days)
    )


def test_the_purge_deletes_only_what_is_past_the_retention(db, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    old, older = aged(366), aged(900)
    young, borderline = aged(10), aged(364)
    assert purge_audit_log() == 2
    left = set(AuditEvent.objects.exclude(action=Action.PURGE).values_list("pk", flat=True))
    assert left == {young.pk, borderline.pk}
    assert not AuditEvent.objects.filter(pk__in=[old.pk, older.pk]).exists()
    purge = AuditEvent.objects.get(action=Action.PURGE)
    assert purge.details["deleted"] == 2 and purge.details["days"] == 365
    assert purge_audit_log() == 0  # safe to repeat


def test_the_purge_goes_in_batches(db, settings):
    settings.AUDIT_RETENTION_DAYS = 200
    for _ in range(7):
        aged(300)
    assert purge_expired(batch=3) == 7
    assert not AuditEvent.objects.exclude(action=Action.PURGE).exists()


def test_the_purge_never_keeps_less_than_six_months_whatever_the_settings_say(db, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # as a test override could; start-up refuses it
    five_months = aged(150)
    assert purge_expired() == 0
    assert AuditEvent.objects.filter(pk=five_months.pk).exists()


@pytest.mark.parametrize("value", ["182", "30", "0", "-1"])
def test_a_retention_under_six_months_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="at least 183 days"):
        parse_retention_days("AUDIT_RETENTION_DAYS", value)


def test_a_retention_that_is_not_a_number_is_refused():
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        parse_retention_days("AUDIT_RETENTION_DAYS", "half a year")


def test_the_default_keeps_a_year_and_six_months_is_allowed():
    assert settings.AUDIT_RETENTION_DAYS == 365
    assert parse_retention_days("AUDIT_RETENTION_DAYS", str(MINIMUM_RETENTION_DAYS)) == 183


def test_the_site_refuses_to_start_with_a_short_retention():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "school.settings",
            "AUDIT_RETENTION_DAYS": "90",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "AUDIT_RETENTION_DAYS=90" in result.stderr


def test_the_purge_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-audit-log"]
    assert entry["task"] == "audit.tasks.purge_audit_log" and entry["schedule"] == 86400


def test_a_purge_is_recorded_even_when_nothing_was_old(db):
    record(Action.LOGIN, actor=None)
    purge_expired()
    assert AuditEvent.objects.filter(action=Action.PURGE).count() == 1
