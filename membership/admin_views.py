"""Wagtail admin for the organization tree, people, their development files and the roster."""

import datetime
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log

from accounts import roles
from accounts.services import change_identity
from audit.admin_views import AuditedExportMixin
from audit.models import Action
from audit.services import record as record_audit
from courses.certificates.render import find_cjk_font
from membership import records
from membership.admin_notices import PublicNoticeViewSet
from membership.dossier import dossier_pdf, dossier_xlsx
from membership.eligibility.packs import available_packs
from membership.models import DevelopmentRecord, Organization, Person, PublicNotice, Stage
from membership.roster import template_xlsx
from membership.selectors import (
    ASSESSMENT_OVERDUE,
    ELIGIBLE,
    MISSING_ONLY_TRAINING,
    access_person,
    default_pack_id,
    eligibility_of,
    eligibility_of_many,
    filter_people,
    latest_versions,
    people_in_charge_of,
    people_visible_to,
    sees_everyone,
)
from membership.services import (
    add_organization,
    add_person,
    add_record,
    correct_record,
    kind_problem,
    record_stage_change,
    update_person,
)
from membership.services.dossier import build_dossier
from membership.services.roster import import_roster
from school.admin import AdminPageMixin, ServiceErrorsMixin
from school.exceptions import DomainError
from school.forms import DateInput
from school.scoping import ScopedModelForm, ScopedModelViewSet, ScopedPermissionPolicy
from school.spreadsheets import SpreadsheetRefused, check_size, upload_limits

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


# --- Organizations -------------------------------------------------------------------------------


class OrganizersField:
    """The organizers an organization may be given: accounts of the organizer role in reach."""

    def _narrow_organizers(self):
        field = self.fields["organizers"]
        field.queryset = field.queryset.filter(groups__name=roles.ORGANIZERS).distinct()


class OrganizationCreateForm(OrganizersField, ScopedModelForm):
    parent = forms.ModelChoiceField(
        label=_("Under"),
        queryset=Organization.objects.order_by("path"),
        required=False,
        help_text=_("Leave empty for a new committee at the top of the tree."),
    )

    class Meta:
        model = Organization
        fields = ["parent", "name", "kind", "branch_kind", "grade", "organizers"]
        widgets = {"organizers": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._narrow_organizers()

    def clean(self):
        cleaned = super().clean()
        kind, parent = cleaned.get("kind"), cleaned.get("parent")
        if kind:
            problem = kind_problem(parent, kind)
            if problem:
                self.add_error("kind", problem)
        return cleaned


class OrganizationEditForm(OrganizersField, ScopedModelForm):
    class Meta:
        model = Organization
        fields = ["name", "branch_kind", "grade", "organizers"]
        widgets = {"organizers": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._narrow_organizers()


class OrganizationCreateView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        organization = add_organization(
            data["parent"],
            name=data["name"],
            kind=data["kind"],
            branch_kind=data["branch_kind"],
            grade=data["grade"],
        )
        organization.organizers.set(data["organizers"])
        log(instance=organization, action="wagtail.create", content_changed=True)
        return organization


class OrganizationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().order_by("path")


class OrganizationViewSet(ScopedModelViewSet):
    model = Organization
    icon = "group"
    menu_label = _("Party organizations")
    url_prefix = "organizations"
    name = "organizations"
    creation_form_class = OrganizationCreateForm
    form_class = OrganizationEditForm
    add_view_class = OrganizationCreateView
    index_view_class = OrganizationIndexView
    list_display = [
        Column("name", label=_("name"), accessor=lambda o: "　" * (o.depth - 1) + o.name),
        "kind",
        "branch_kind",
        "grade",
    ]
    ordering = "path"
    copy_view_enabled = False


# --- People --------------------------------------------------------------------------------------

PERSON_FIELDS = [
    "organization",
    "gender",
    "ethnicity",
    "birth_date",
    "college",
    "grade",
    "class_name",
    "is_league_member",
]


class PersonEditForm(ScopedModelForm):
    """A file's details. The stage is not here: it moves only by recording a stage change; nor
    the number, which only the party committee's office changes. The name is, with a reason
    kept in the account's history, because certificates and notices carry it."""

    full_name = forms.CharField(label=_("full name"), max_length=64)
    name_change_reason = forms.CharField(
        label=_("reason for the change"),
        required=False,
        max_length=200,
        help_text=_("Required when the name changes; kept in the account's history."),
    )

    class Meta:
        model = Person
        fields = ["full_name", "name_change_reason", *PERSON_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["full_name"].initial = self.instance.user.full_name


class PersonCreateForm(ScopedModelForm):
    number = forms.RegexField(
        label=_("student or staff number"),
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        max_length=32,
        error_messages={
            "invalid": _("Use letters, digits, dots, hyphens or underscores only."),
        },
    )
    full_name = forms.CharField(
        label=_("full name"),
        max_length=64,
        help_text=_("For someone who already has an account, as the account has it."),
    )

    class Meta:
        model = Person
        fields = ["number", "full_name", *PERSON_FIELDS]


class PersonCreateView(ServiceErrorsMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        fields = {name: data[name] for name in PERSON_FIELDS if name != "organization"}
        return add_person(
            number=data["number"],
            full_name=data["full_name"],
            organization=data["organization"],
            actor=self.request.user,
            **fields,
        )


class PersonEditView(ServiceErrorsMixin, EditView):
    error_fields = {"reason": "name_change_reason"}

    def save_instance(self):
        data = self.form.cleaned_data
        person = update_person(
            self.object,
            actor=self.request.user,
            **{name: data[name] for name in PERSON_FIELDS},
        )
        if data["full_name"].strip() != person.user.full_name:
            change_identity(
                person.user,
                actor=self.request.user,
                full_name=data["full_name"],
                reason=data["name_change_reason"],
            )
        return person


class PersonPolicy(ScopedPermissionPolicy):
    """Reading a file needs it in reach; changing or deleting one needs the person in charge
    (never one's own file)."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("change", "delete"):
            return (
                self.user_has_permission(user, action)
                and people_in_charge_of(user).filter(pk=instance.pk).exists()
            )
        return super().user_has_permission_for_instance(user, action, instance)


class PersonIndexView(AuditedExportMixin, IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("user", "organization")
            .order_by("user__username")
        )

    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(_("Import a roster"), url=reverse("people:roster"), icon_name="upload"),
            HeaderButton(_("Screening"), url=reverse("people:screening"), icon_name="tasks"),
        ]


class PersonInspectView(InspectView):
    """The person's whole file on one page: records, trainings and the next stage's checks.
    Each opening is written to the audit log."""

    template_name = "membership/admin/person_file.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        on = _parse_day(self.request.GET.get("on")) or timezone.localdate()
        pack_id = self.request.GET.get("rules") or default_pack_id()
        record_audit(
            Action.PERSON_READ,
            actor=self.request.user,
            target=person,
            details={"view": "admin", "on": on, "rules": pack_id},
        )
        file_records = list(
            person.records.select_related("recorded_by", "supersedes", "superseded_by").order_by(
                "occurred_on", "recorded_at"
            )
        )
        result = eligibility_of(person, on=on, pack_id=pack_id)
        context.update(
            records=[(record, records.summary(record.details)) for record in file_records],
            next_stage=Stage(result.next_stage).label if result.next_stage else None,
            stage_changes=person.stage_changes.select_related("recorded_by").order_by(
                "effective_on"
            ),
            result=result,
            on=on,
            packs=available_packs(),
            pack_id=pack_id,
            can_override=sees_everyone(self.request.user),
            notices=notices_of(person),
        )
        return context


def notices_of(person: Person) -> list[tuple]:
    """The notices ``person`` is on, each with what it drew for them (a label, or None)."""
    entries = list(
        person.notice_entries.select_related("notice", "record").order_by("notice__starts_on")
    )
    latest = latest_versions([entry.record for entry in entries])
    return [
        (entry, records.NOTICE_OUTCOMES.get(latest[entry.record_id].details.get("outcome")))
        for entry in entries
    ]


def _parse_day(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class PersonViewSet(ScopedModelViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    url_prefix = "people"
    name = "people"
    policy_class = PersonPolicy
    creation_form_class = PersonCreateForm
    form_class = PersonEditForm
    add_view_class = PersonCreateView
    edit_view_class = PersonEditView
    index_view_class = PersonIndexView
    inspect_view_enabled = True
    inspect_view_class = PersonInspectView
    copy_view_enabled = False
    list_display = [
        Column("number", label=_("student or staff number"), accessor=lambda p: p.user.username),
        Column("name", label=_("name"), accessor=lambda p: p.user.full_name),
        "organization",
        "stage",
    ]
    list_filter = ["stage", "gender", "is_league_member"]
    search_fields = ["user__username", "user__full_name"]
    list_export = [
        "user.username",
        "user.full_name",
        "organization.name",
        "stage",
        "gender",
        "birth_date",
        "college",
        "grade",
        "class_name",
    ]
    export_headings = {
        "user.username": _("student or staff number"),
        "user.full_name": _("full name"),
        "organization.name": _("party organization"),
    }
    export_filename = "people"

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/records/new/", RecordView.as_view(), name="add_record"),
            path(
                "<int:pk>/records/<int:record_id>/correct/",
                RecordView.as_view(),
                name="correct_record",
            ),
            path("<int:pk>/stage/", StageChangeView.as_view(), name="stage_change"),
            path("<int:pk>/dossier.<str:kind>", dossier_view, name="dossier"),
            path("roster/", RosterImportView.as_view(), name="roster"),
            path("roster/template/", roster_template, name="roster_template"),
            path("screening/", ScreeningView.as_view(), name="screening"),
        ]


# --- Records and stage changes -------------------------------------------------------------------


def _names(text: str) -> list[str]:
    for separator in "、;；,，\n":
        text = text.replace(separator, "|")
    return [name.strip() for name in text.split("|") if name.strip()]


class RecordForm(forms.Form):
    """One form for every kind of record; only the details the kind holds are kept."""

    kind = forms.ChoiceField(label=_("record"))
    occurred_on = forms.DateField(label=_("date"), widget=DateInput())
    names = forms.CharField(
        label=_("names"),
        required=False,
        help_text=_("Mentors, introducers, recommenders: separated by 、"),
    )
    passed = forms.NullBooleanField(label=_("passed / approved"), required=False)
    ends_on = forms.DateField(label=_("notice ends on"), required=False, widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("outcome of the notice"),
        required=False,
        choices=[("", "—"), *records.NOTICE_OUTCOMES.items()],
    )
    months = forms.IntegerField(label=_("months"), required=False, min_value=6, max_value=12)
    audience = forms.ChoiceField(
        label=_("training for"),
        required=False,
        choices=[
            ("", "—"),
            ("activist", _("Activists")),
            ("candidate", _("Development candidates")),
        ],
    )
    hours = forms.DecimalField(
        label=_("study hours"), required=False, min_value=0, max_digits=5, decimal_places=1
    )
    days = forms.IntegerField(label=_("days"), required=False, min_value=0)
    grade = forms.DecimalField(
        label=_("grade"), required=False, min_value=0, max_value=100, max_digits=5, decimal_places=1
    )
    title = forms.CharField(label=_("title"), required=False, max_length=120)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(label=_("reason for the correction"), required=False, max_length=200)

    def __init__(self, *args, correcting=None, **kwargs):
        super().__init__(*args, **kwargs)
        decisions = set(records.DECISION_FOR_STAGE.values())
        self.fields["kind"].choices = [
            (k, v) for k, v in records.KINDS.items() if k not in decisions or correcting
        ]
        if correcting is not None:
            self.fields["kind"].disabled = True
            self.fields["reason"].required = True

    def details(self) -> dict:
        data, allowed = self.cleaned_data, records.DETAIL_KEYS[self.cleaned_data["kind"]]
        values = {
            "names": _names(data["names"]) if data["names"] else None,
            "passed": data["passed"],
            "ends_on": data["ends_on"].isoformat() if data["ends_on"] else None,
            "outcome": data["outcome"] or None,
            "months": data["months"],
            "audience": data["audience"] or None,
            "hours": str(data["hours"]) if data["hours"] is not None else None,
            "days": data["days"],
            "grade": str(data["grade"]) if data["grade"] is not None else None,
            "title": data["title"] or None,
            "note": data["note"] or None,
        }
        return {key: value for key, value in values.items() if key in allowed and value is not None}


class PersonActionMixin(AdminPageMixin):
    header_icon = "user"

    def dispatch(self, request, pk, **kwargs):
        if not request.user.has_perm("membership.add_developmentrecord"):
            raise PermissionDenied
        self.person = access_person(request.user, pk)
        return super().dispatch(request, pk, **kwargs)

    def back(self):
        return redirect("people:inspect", self.person.pk)


class RecordView(PersonActionMixin, FormView):
    form_class = RecordForm
    template_name = "membership/admin/record_form.html"

    def dispatch(self, request, pk, record_id=None):
        self.record_id = record_id
        return super().dispatch(request, pk)

    def correcting(self):
        if self.record_id is None:
            return None
        return DevelopmentRecord.objects.filter(person=self.person, pk=self.record_id).first()

    def get_page_title(self):
        return (
            _("Correct a record of %(person)s") % {"person": self.person}
            if self.record_id
            else _("Add a record to %(person)s") % {"person": self.person}
        )

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "correcting": self.correcting()}
        record = self.correcting()
        if record is not None:
            kwargs["initial"] = {"kind": record.kind, "occurred_on": record.occurred_on}
        return kwargs

    def form_valid(self, form):
        try:
            record = self.correcting()
            if record is not None:
                correct_record(
                    record,
                    occurred_on=form.cleaned_data["occurred_on"],
                    details=form.details(),
                    actor=self.request.user,
                    reason=form.cleaned_data["reason"],
                )
            else:
                add_record(
                    self.person,
                    kind=form.cleaned_data["kind"],
                    occurred_on=form.cleaned_data["occurred_on"],
                    details=form.details(),
                    actor=self.request.user,
                )
        except DomainError as error:
            form.add_error(None, str(error.detail))
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded."))
        return self.back()

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, **kwargs)


class StageChangeForm(forms.Form):
    effective_on = forms.DateField(label=_("date of the decision"), widget=DateInput())
    basis = forms.CharField(
        label=_("decided by"), max_length=200, required=False, help_text=_("e.g. 支部委员会会议")
    )
    entitled = forms.IntegerField(
        label=_("voting full members who should attend"), required=False, min_value=0
    )
    present = forms.IntegerField(label=_("present"), required=False, min_value=0)
    votes_for = forms.IntegerField(label=_("votes for"), required=False, min_value=0)
    votes_against = forms.IntegerField(label=_("votes against"), required=False, min_value=0)
    abstentions = forms.IntegerField(label=_("abstentions"), required=False, min_value=0)
    written_opinions = forms.IntegerField(
        label=_("written opinions of absentees"), required=False, min_value=0
    )
    secret_ballot = forms.BooleanField(label=_("secret ballot"), required=False, initial=True)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = forms.CharField(
        label=_("reason for overriding unmet conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for the party committee's administrators; kept in the file."),
    )

    MEETING_FIELDS = (
        "entitled",
        "present",
        "votes_for",
        "votes_against",
        "abstentions",
        "written_opinions",
        "secret_ballot",
    )

    def meeting_details(self) -> dict:
        return {
            key: self.cleaned_data[key]
            for key in self.MEETING_FIELDS
            if self.cleaned_data[key] is not None
        }


class StageChangeView(PersonActionMixin, FormView):
    form_class = StageChangeForm
    template_name = "membership/admin/stage_change.html"

    def next_stage(self):
        return (
            Stage(self.person.stage).next()
            if self.person.stage_changes.exists()
            else Stage.APPLICANT
        )

    def get_page_title(self):
        return _("Move %(person)s to the next stage") % {"person": self.person}

    def form_valid(self, form):
        stage = self.next_stage()
        meeting = records.DECISION_FOR_STAGE[stage] in (
            records.ADMISSION_MEETING,
            records.FULL_MEMBERSHIP_MEETING,
        )
        try:
            record_stage_change(
                self.person,
                to_stage=stage,
                effective_on=form.cleaned_data["effective_on"],
                actor=self.request.user,
                details=form.meeting_details() if meeting else {},
                basis=form.cleaned_data["basis"],
                note=form.cleaned_data["note"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except DomainError as error:
            form.add_error(None, str(error.detail))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Recorded: %(person)s is now %(stage)s.")
            % {"person": self.person, "stage": stage.label},
        )
        return self.back()

    def get_context_data(self, **kwargs):
        stage = self.next_stage()
        on = _parse_day(self.request.POST.get("effective_on")) or timezone.localdate()
        return super().get_context_data(
            person=self.person,
            next_stage=stage,
            result=eligibility_of(self.person, on=on) if stage else None,
            meeting=bool(stage)
            and records.DECISION_FOR_STAGE[stage]
            in (records.ADMISSION_MEETING, records.FULL_MEMBERSHIP_MEETING),
            can_override=sees_everyone(self.request.user),
            **kwargs,
        )


def dossier_view(request, pk: int, kind: str):
    """The person's file for the archive (入党材料归档), as Excel or PDF; each download is
    written to the audit log once the file is made, before it is sent."""
    person = access_person(request.user, pk)
    if kind not in ("xlsx", "pdf"):
        raise Http404
    name = f"dossier-{person.user.username}.{kind}"
    # The archive's copy is in Chinese, whatever the language of the admin.
    with translation.override(settings.LANGUAGE_CODE):
        dossier = build_dossier(person, generated_by=request.user, on=timezone.localdate())
        if kind == "xlsx":
            data, content_type = dossier_xlsx(dossier), XLSX
        else:
            data = dossier_pdf(dossier, font_path=find_cjk_font(None))
            content_type = "application/pdf"
    record_audit(
        Action.DOSSIER_DOWNLOAD, actor=request.user, target=person, details={"format": kind}
    )
    return download(data, name, content_type)


# --- Roster import -------------------------------------------------------------------------------


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Roster"),
        help_text=_("An .xlsx or .csv file (UTF-8 or GB18030) with the template's headers."),
    )

    def clean_file(self):
        # Before the file is read: a file over the cap is refused by its size alone.
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size, upload_limits("roster"))
        except SpreadsheetRefused as refused:
            raise forms.ValidationError(refused.message) from None
        return upload


class RosterImportView(AdminPageMixin, FormView):
    """Upload, see every error by row and column (nothing saved), then import all or nothing."""

    form_class = RosterForm
    template_name = "membership/admin/roster_import.html"
    page_title = _("Import a roster")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("membership.add_person"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            pending = cache.get(f"roster-import:{request.POST['token']}")
            if not pending or pending["user"] != request.user.pk:
                messages.error(request, _("The preview has expired; upload the file again."))
                return redirect("people:roster")
            result = import_roster(pending["name"], pending["data"], actor=request.user)
            if result.errors:
                return self.render_to_response(
                    self.get_context_data(form=self.get_form(), result=result)
                )
            cache.delete(f"roster-import:{request.POST['token']}")
            messages.success(
                request,
                _("Imported: %(created)d people added, %(updated)d updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("people:index")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read()
        result = import_roster(upload.name, data, actor=self.request.user, dry_run=True)
        token = uuid.uuid4().hex
        cache.set(
            f"roster-import:{token}",
            {"name": upload.name, "data": data, "user": self.request.user.pk},
            3600,
        )
        return self.render_to_response(self.get_context_data(form=form, result=result, token=token))


def roster_template(request):
    if not request.user.has_perm("membership.add_person"):
        raise PermissionDenied
    return download(template_xlsx(), "roster-template.xlsx", XLSX)


# --- Screening -----------------------------------------------------------------------------------


class ScreeningForm(forms.Form):
    which = forms.ChoiceField(
        label=_("List"),
        choices=[
            (ELIGIBLE, _("Eligible for the next stage")),
            (MISSING_ONLY_TRAINING, _("Missing only the training")),
            (ASSESSMENT_OVERDUE, _("Assessment overdue")),
        ],
    )
    on = forms.DateField(label=_("on"), widget=DateInput())
    stage = forms.ChoiceField(
        label=_("stage"), required=False, choices=[("", _("Any")), *Stage.choices]
    )


SCREENING_ROWS = 500  # shown on the page; the count says how many there are in all


class ScreeningView(AdminPageMixin, TemplateView):
    """Organizers' lists: who is ready for the next stage on a date, who lacks only the
    training, whose half-yearly assessment is overdue — within their own organizations."""

    template_name = "membership/admin/screening.html"
    page_title = _("Screening")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("membership.view_person"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ScreeningForm(
            self.request.GET or None, initial={"on": timezone.localdate(), "which": ELIGIBLE}
        )
        context["form"] = form
        if form.is_valid():
            people = people_visible_to(self.request.user)
            if form.cleaned_data["stage"]:
                people = people.filter(stage=form.cleaned_data["stage"])
            found = filter_people(people, form.cleaned_data["which"], on=form.cleaned_data["on"])
            shown = found[:SCREENING_ROWS]
            results = eligibility_of_many(shown, on=form.cleaned_data["on"])
            context["rows"] = [(person, results[person.pk]) for person in shown]
            context["count"] = len(found)
            context["can_publish"] = self.request.user.has_perm("membership.add_publicnotice")
            context["notice_kinds"] = PublicNotice.Kind.choices
            # From the candidates' list, the notice to publish is the one before admission.
            context["notice_kind"] = (
                PublicNotice.Kind.ADMISSION
                if form.cleaned_data["stage"] == Stage.CANDIDATE
                else PublicNotice.Kind.CANDIDATE
            )
        return context


class MembershipGroup(ModelViewSetGroup):
    menu_label = _("Member development")
    menu_icon = "group"
    menu_order = 240
    items = (PersonViewSet, PublicNoticeViewSet, OrganizationViewSet)
