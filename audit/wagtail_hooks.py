from wagtail import hooks

from audit.admin_views import AuditEventViewSet


@hooks.register("register_admin_viewset")
def register_audit_admin():
    return AuditEventViewSet()
