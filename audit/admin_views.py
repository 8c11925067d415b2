"""The audit log in the Wagtail admin (school administrators only, read-only, searchable and
exportable), and the mixin that makes any admin list's export write its audit row."""

import django_filters
from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView

from audit.models import Action, AuditEvent
from audit.services import record_export
from school.scoping import ListOnlyPolicy, ScopedModelViewSet


class AuditedExportMixin:
    """For an admin index view with ``list_export``: the export (``?export=xlsx`` or ``csv``)
    writes an audit row — who, the format, how many rows and which — before the file leaves.
    Every admin list that exports somebody's data mixes this in (a test checks that)."""

    def as_spreadsheet(self, queryset, spreadsheet_format):
        record_export(
            queryset,
            actor=self.request.user,  # type: ignore[attr-defined]
            model=self.model,  # type: ignore[attr-defined]
            format=spreadsheet_format,
            list=self.export_filename,  # type: ignore[attr-defined]
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)  # type: ignore[misc]


class AuditedIndexView(AuditedExportMixin, IndexView):
    """Wagtail's index view, its export audited."""


def _object_types():
    labels = AuditEvent.objects.exclude(object_type="").values_list("object_type", flat=True)
    choices = []
    for label in sorted(set(labels)):
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            choices.append((label, label))
        else:
            choices.append((label, str(model._meta.verbose_name)))
    return choices


class AuditEventFilterSet(WagtailFilterSet):
    action = django_filters.MultipleChoiceFilter(label=_("action"), choices=Action.choices)
    actor = django_filters.CharFilter(
        label=_("actor"),
        method="filter_actor",
        help_text=_("A student or staff number, or the start of one."),
    )
    object_type = django_filters.ChoiceFilter(label=_("object type"), choices=_object_types)
    object = django_filters.CharFilter(
        label=_("object"),
        method="filter_object",
        help_text=_("Part of its name or number, or its id."),
    )
    at = django_filters.DateFromToRangeFilter(label=_("date"), widget=DateRangePickerWidget)
    address = django_filters.CharFilter(
        label=_("address"),
        method="filter_address",
        help_text=_("An address, or its start (e.g. 10.1.)."),
    )

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "object_type", "object", "at", "address"]

    def filter_actor(self, queryset, name, value):
        return queryset.filter(actor_label__istartswith=value.strip())

    def filter_object(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(object_id=value) | Q(object_repr__icontains=value))

    def filter_address(self, queryset, name, value):
        return queryset.filter(address__startswith=value.strip())


class AuditEventIndexView(AuditedIndexView):
    # Excel only: Wagtail's xlsx writer keeps text such as "=…" as text, never a formula, and a
    # CSV has no such guard.
    FORMATS = (IndexView.FORMAT_XLSX,)

    @property
    def header_more_buttons(self):
        return [
            button
            for button in super().header_more_buttons
            if getattr(button, "url", None) != self.csv_export_url
        ]

    def get_base_queryset(self):
        return super().get_base_queryset().order_by("-at", "-pk")


# Every field of a row, as the inspect view shows it and the export writes it.
EVENT_FIELDS = [
    "at",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "address",
    "method",
    "path",
    "changes",
    "details",
]


class AuditEventViewSet(ScopedModelViewSet):
    """Read-only: nobody adds, changes or deletes audit rows here (the policy refuses, and the
    database refuses anyway)."""

    model = AuditEvent
    policy_class = ListOnlyPolicy
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 950
    add_to_admin_menu = True
    url_prefix = "audit"
    name = "audit"
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = AuditEventIndexView
    inspect_view_fields = EVENT_FIELDS
    filterset_class = AuditEventFilterSet
    form_fields = ["action"]  # the add and edit views exist but refuse everyone
    list_per_page = 50
    list_display = [
        Column("at", label=_("when"), accessor="at"),
        Column("actor", label=_("actor"), accessor="actor_label"),
        Column("action", label=_("action"), accessor="get_action_display"),
        Column("object", label=_("object"), accessor="object_repr"),
        Column("address", label=_("address"), accessor="address"),
        Column("path", label=_("path"), accessor="path"),
    ]
    # The export adds the action's label beside its stable code.
    list_export = [*EVENT_FIELDS[:3], "get_action_display", *EVENT_FIELDS[3:]]
    export_headings = {"get_action_display": _("action"), "action": _("code")}
    export_filename = "audit-log"
