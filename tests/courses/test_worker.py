"""Tasks on real Celery workers, over Redis, against PostgreSQL: the deadline sweep, and a
worker killed in the middle of rendering a certificate."""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from PIL import Image

from courses.models import Attempt, Certificate, CertificateEvent
from courses.services.certificates import issue_certificate
from courses.services.exams import start_attempt
from courses.tasks import close_overdue_exam_attempts, render_certificate
from school.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
# The broker hands an unacknowledged task to another worker once this many seconds have
# passed since it was delivered (CELERY_VISIBILITY_TIMEOUT; an hour in production).
VISIBILITY_TIMEOUT = 3

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs Redis (REDIS_URL) and PostgreSQL for a worker in another process",
    ),
]


def start_worker(queue: str, **environment: str) -> subprocess.Popen:
    """A Celery worker process on ``queue``, using this test's database and media folder."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        **environment,
    }
    return subprocess.Popen(
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
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def queue():
    """A queue of this test's own, with tasks sent to the broker rather than run in process."""
    celery_app.conf.task_always_eager = False
    try:
        yield f"test-{uuid.uuid4().hex[:8]}"
    finally:
        celery_app.conf.task_always_eager = True


@pytest.fixture
def worker(queue):
    process = start_worker(queue)
    try:
        yield queue
    finally:
        stop(process)


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


def test_a_worker_killed_mid_render_leaves_one_certificate_with_one_set_of_files(
    queue, candidate, admin
):
    """SIGKILL while the picture is stored and the transaction is open; the broker hands the
    unacknowledged task to the next worker, which renders the certificate once, over the
    files the dead worker left behind."""
    # Issued as the service does it, with the render sent to this test's queue.
    with mock.patch.object(render_certificate, "delay_on_commit") as queued:
        certificate = issue_certificate(
            candidate.enrollments.get(), actor=admin, reason="线下集中培训已结业"
        ).certificate
    queued.assert_called_once_with(certificate.pk)
    folder = Path(settings.MEDIA_ROOT) / "certificates"

    def files():
        return sorted(path.name for path in folder.glob("*")) if folder.is_dir() else []

    started = time.monotonic()
    first = start_worker(queue, PAUSE_AFTER_SAVING_PNG="600")
    try:
        render_certificate.apply_async((certificate.pk,), queue=queue)
        assert wait_until(lambda: any(name.endswith(".png") for name in files()), 90)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    certificate.refresh_from_db()
    assert certificate.rendered_at is None  # its transaction died with it
    [left_behind] = files()  # … but the picture it stored is on disk

    # Once the visibility timeout has passed, a new worker takes the task up when it starts.
    time.sleep(VISIBILITY_TIMEOUT + 0.5)
    second = start_worker(queue)
    try:
        assert wait_until(
            lambda: Certificate.objects.filter(
                pk=certificate.pk, rendered_at__isnull=False
            ).exists(),
            90,
        )
        time.sleep(1)  # nothing more arrives: the task was acknowledged once
    finally:
        stop(second)
    elapsed = time.monotonic() - started

    certificate.refresh_from_db()
    assert Certificate.objects.filter(enrollment=certificate.enrollment).count() == 1
    assert files() == sorted([Path(certificate.png.name).name, Path(certificate.pdf.name).name])
    assert left_behind == Path(certificate.png.name).name  # replaced, not stored beside
    assert Image.open(certificate.png.path).size[0] > 1000
    assert Path(certificate.pdf.path).read_bytes().startswith(b"%PDF")
    assert CertificateEvent.objects.filter(certificate=certificate, action="rendered").count() == 1
    print(f"worker killed and replaced, certificate rendered in {elapsed:.1f} s")
