"""Celery tasks of the audit log."""

from celery import shared_task

from audit import services


@shared_task(acks_late=True)
def purge_audit_log() -> int:
    """Delete audit rows older than AUDIT_RETENTION_DAYS (Celery beat, daily). Safe to repeat
    and to run on several workers; returns how many rows were deleted."""
    return services.purge_expired()
