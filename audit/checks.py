"""A system check that the retention setting was not lowered after start-up (a settings
override, a test): the settings refuse it at start-up already (audit.retention)."""

from django.conf import settings
from django.core import checks

from audit.retention import MINIMUM_RETENTION_DAYS


@checks.register()
def audit_retention(app_configs, **kwargs):
    if getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS) < MINIMUM_RETENTION_DAYS:
        return [
            checks.Error(
                f"AUDIT_RETENTION_DAYS is below {MINIMUM_RETENTION_DAYS} days.",
                hint="The audit log is kept at least six months; set e.g. 365.",
                id="audit.E001",
            )
        ]
    return []
