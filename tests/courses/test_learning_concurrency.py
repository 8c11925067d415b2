"""Races that only a real database with row locks can show: PostgreSQL."""

import time

import pytest
from django.db import connection

from courses.models import Enrollment, LessonProgress
from courses.services.learning import enroll, record_heartbeat
from tests.concurrency import run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_parallel_heartbeats_never_earn_more_than_the_wall_time(site_pages, learner):
    Enrollment.objects.create(user=learner, course=site_pages.course)
    lessons = site_pages.lessons
    record_heartbeat(lessons[0], user=learner, visible=True)  # start the clock
    started = time.monotonic()

    def flood(n: int) -> int:
        credited = 0
        for _ in range(15):
            credited += record_heartbeat(lessons[n % 3], user=learner, visible=True).credited_ms
        return credited

    credited = sum(run_at_once(6, flood))
    wall_ms = (time.monotonic() - started) * 1000
    studied = sum(p.studied_ms for p in LessonProgress.objects.filter(user=learner))
    assert credited == studied
    assert studied <= wall_ms + 50  # a few ms of clock difference between Python and PostgreSQL


def test_enrolling_from_several_tabs_at_once_makes_one_enrollment(open_course, learner):
    results = run_at_once(6, lambda n: enroll(open_course, user=learner, actor=learner))
    assert Enrollment.objects.filter(user=learner).count() == 1
    assert sum(1 for _enrollment, created in results if created) == 1
    assert len({enrollment.pk for enrollment, _created in results}) == 1
