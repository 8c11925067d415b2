"""Who reaches the audit log: the school administrators (党委组织部) and superusers, all of it;
nobody else, any of it — not even their own rows, which would tell an organizer which of
their reads were noticed."""

from django.db.models import QuerySet

from accounts import roles
from audit.models import AuditEvent
from school import scoping


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    if user.is_superuser or user.groups.filter(name=roles.SCHOOL_ADMINS).exists():
        return AuditEvent.objects.all()
    return AuditEvent.objects.none()


def register_reach() -> None:
    scoping.register(AuditEvent, audit_events_visible_to)
