from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from audit import checks  # noqa: F401 - registers the retention check
        from audit.receivers import connect_receivers
        from audit.selectors import register_reach

        register_reach()
        connect_receivers()
