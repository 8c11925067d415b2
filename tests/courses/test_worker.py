"""The deadline sweep on a real Celery worker, over Redis, against PostgreSQL."""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from courses.models import Attempt
from courses.services.exams import start_attempt
from courses.tasks import close_overdue_exam_attempts
from school.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs Redis (REDIS_URL) and PostgreSQL for a worker in another process",
    ),
]


@pytest.fixture
def worker():
    """A Celery worker process on its own queue, using this test's database."""
    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "school",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=20)


def test_the_worker_closes_and_grades_an_overdue_attempt(worker, exam, candidate):
    attempt, _ = start_attempt(
        exam, user=candidate, now=timezone.now() - datetime.timedelta(minutes=50)
    )
    close_overdue_exam_attempts.apply_async(queue=worker)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        attempt.refresh_from_db()
        if not attempt.is_open:
            break
        time.sleep(0.5)
    assert attempt.close_reason == Attempt.CloseReason.TIME_UP
    assert attempt.status in (Attempt.Status.GRADED, Attempt.Status.PENDING_REVIEW)
