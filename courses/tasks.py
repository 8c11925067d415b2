"""Celery tasks: thin, idempotent wrappers over services. They take ids and re-fetch."""

import datetime

from celery import shared_task
from django.utils import timezone

from courses.models import Certificate, Enrollment
from courses.services import certificates, exams


@shared_task(acks_late=True)
def close_overdue_exam_attempts() -> int:
    """Close and grade attempts whose time is up (Celery beat, every minute). Safe to repeat
    and to run on several workers: each attempt is closed under its row lock, once."""
    return exams.close_overdue_attempts()


@shared_task(acks_late=True)
def check_completion(enrollment_id: int) -> None:
    """Issue the certificate if the enrollment now meets its completion policy. Safe to
    repeat: the enrollment's row lock and one live certificate per enrollment make a second
    run return the first one's certificate; a deleted enrollment is nothing to do."""
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is not None:
        certificates.issue_if_complete(enrollment)


# A certificate still not drawn this long after it was issued lost its render task (Redis
# restarted without its data, a task dropped): the sweep sends it again.
RENDER_OVERDUE = datetime.timedelta(minutes=10)


@shared_task(acks_late=True)
def sweep_completions() -> int:
    """Catch any completion whose event was missed, and any certificate whose drawing was lost
    (Celery beat, every ten minutes). Safe to repeat and to run beside the events: each issue
    locks its enrollment, and a certificate already drawn is left as it is."""
    issued = certificates.sweep_completions()
    overdue = Certificate.objects.filter(
        rendered_at__isnull=True, issued_at__lt=timezone.now() - RENDER_OVERDUE
    )
    for certificate_id in overdue.values_list("pk", flat=True):
        render_certificate.delay(certificate_id)
    return issued


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_certificate(certificate_id: int) -> None:
    """Draw the certificate's PNG and PDF. Nothing to do for a certificate that is gone or
    already drawn; a render cut short (a worker killed) is done again, over the files it left.
    Retried when storing the files fails (a full disk, a network share away)."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or certificate.rendered_at:
        return
    certificates.render_certificate_files(certificate)
