"""Every admin list that exports somebody's data writes an audit row: a viewset that adds an
export and forgets it fails here."""

from django.urls import reverse
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from audit.admin_views import AuditedExportMixin
from school import scoping


def test_every_export_of_scoped_rows_is_audited(client, admin):
    client.force_login(admin)
    client.get(reverse("wagtailadmin_home"))  # the viewsets register with the admin's URLs
    checked = []
    for viewset in viewsets.viewsets:
        if not isinstance(viewset, ModelViewSet):
            continue
        if viewset.list_export is ViewSet.UNDEFINED or not viewset.list_export:
            continue  # no export
        model = viewset.model
        if scoping.is_registered(model) and scoping.is_open(model):
            continue  # nobody's data (the curriculum, question banks)
        assert issubclass(viewset.index_view_class, AuditedExportMixin), viewset.name
        checked.append(viewset.name)
    assert {"people", "enrollments", "attempts", "certificates", "audit"} <= set(checked)
