"""Wagtail admin screens for completion policies, certificates, class marks and bulk verification."""

import io
from decimal import Decimal, InvalidOperation

import openpyxl
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import MenuItem

from accounts.models import User
from audit.admin_views import AuditedExportMixin
from audit.services import record_export
from courses.admin_exams import xlsx_response
from courses.admin_views import managed_cohort
from courses.models import Certificate, CompletionPolicy, Enrollment, VerificationLog
from courses.scope import can_manage, learners_visible_to
from courses.selectors import cohort_progress, completion_status
from courses.services.certificates import (
    issue_certificate,
    log_verification,
    record_attendance,
    reissue_certificate,
    revoke_certificate,
    sign_off,
)
from school import scoping
from school.admin import AdminPageMixin
from school.exceptions import DomainError
from school.forms import split_numbers
from school.scoping import ListOnlyPolicy, ScopedModelViewSet
from school.spreadsheets import (
    SpreadsheetRefused,
    append_row,
    check_size,
    csv_rows,
    excerpt,
    open_workbook,
    sheet_rows,
    upload_limits,
)

# A student or staff number is short; anything longer in the list is a mistake, not a number.
NUMBER_MAX_LENGTH = 32


class CompletionPolicyViewSet(ScopedModelViewSet):
    model = CompletionPolicy
    icon = "tick-inverse"
    menu_label = _("Completion policies")
    url_prefix = "completion-policies"
    name = "completion_policies"
    list_display = [
        "__str__",
        "course",
        "exam",
        "weighted_grade",
        "require_essay",
        "require_signoff",
    ]


# --- Certificates --------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CertificateActionView(AdminPageMixin, FormView):
    """Revoke or replace a certificate, with a reason kept in its history."""

    form_class = ReasonForm
    template_name = "courses/admin/certificate_action.html"
    header_icon = "warning"
    action = "revoke"

    def dispatch(self, request, pk):
        if not request.user.has_perm("courses.change_certificate"):
            raise PermissionDenied
        self.certificate = get_object_or_404(scoping.reach(Certificate, request.user), pk=pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        label = _("Revoke %(serial)s") if self.action == "revoke" else _("Replace %(serial)s")
        return label % {"serial": self.certificate.serial}

    def form_valid(self, form):
        reason = form.cleaned_data["reason"]
        if self.action == "revoke":
            revoke_certificate(self.certificate, actor=self.request.user, reason=reason)
            messages.success(self.request, _("Revoked: it now verifies as revoked."))
        else:
            new = reissue_certificate(self.certificate, actor=self.request.user, reason=reason)
            messages.success(self.request, _("Replaced by %(serial)s.") % {"serial": new.serial})
        return redirect("certificates:index")

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.certificate, action=self.action, **kwargs)


class CertificateIndexView(AuditedExportMixin, IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_valid and self.request.user.has_perm("courses.change_certificate"):
            buttons += [
                MenuItem(
                    _("Revoke"),
                    url=reverse("certificates:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                ),
                MenuItem(
                    _("Replace"),
                    url=reverse("certificates:reissue", args=[instance.pk]),
                    icon_name="repeat",
                    priority=41,
                ),
            ]
        return buttons


class CertificateInspectView(InspectView):
    template_name = "courses/admin/certificate_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = self.object.events.select_related("actor")
        return context


class CertificateViewSet(ScopedModelViewSet):
    """Certificates are issued by the system or by the 'issue' action, never typed in."""

    model = Certificate
    policy_class = ListOnlyPolicy
    copy_view_enabled = False
    inspect_view_enabled = True
    icon = "doc-full-inverse"
    menu_label = _("Certificates")
    url_prefix = "certificates"
    name = "certificates"
    form_fields = ["issue_reason"]
    list_display = ["serial", "holder_name", "holder_number", "course_title", "status", "issued_on"]
    list_filter = ["status", "course"]
    search_fields = ["serial", "holder_name", "holder_number"]
    list_export = [
        "serial",
        "holder_number",
        "holder_name",
        "course_title",
        "hours",
        "final_grade",
        "status",
        "issued_on",
        "revocation_reason",
    ]
    export_filename = "certificates"
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("revoke/<int:pk>/", CertificateActionView.as_view(action="revoke"), name="revoke"),
            path(
                "reissue/<int:pk>/", CertificateActionView.as_view(action="reissue"), name="reissue"
            ),
            path("issue/<int:pk>/", IssueView.as_view(), name="issue"),
            path("verify/", BulkVerifyView.as_view(), name="bulk_verify"),
        ]


class IssueView(AdminPageMixin, FormView):
    """Issue a certificate by hand (the learner completed offline, say), with a reason."""

    form_class = ReasonForm
    template_name = "courses/admin/certificate_action.html"
    header_icon = "doc-full-inverse"

    def dispatch(self, request, pk):
        self.enrollment = get_object_or_404(
            scoping.reach(Enrollment, request.user).select_related("user", "course", "cohort"),
            pk=pk,
        )
        cohort = self.enrollment.cohort
        if not (
            request.user.has_perm("courses.change_certificate")
            or (cohort and can_manage(request.user, cohort))
        ):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Issue a certificate to %(learner)s") % {"learner": self.enrollment.user}

    def form_valid(self, form):
        try:
            issued = issue_certificate(
                self.enrollment, actor=self.request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(self.request, str(error.detail))
            return redirect("enrollments:index")
        if issued.created:
            messages.success(
                self.request, _("Issued %(serial)s.") % {"serial": issued.certificate.serial}
            )
        else:
            messages.info(
                self.request,
                _("%(serial)s was already issued.") % {"serial": issued.certificate.serial},
            )
        return redirect("enrollments:index")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            enrollment=self.enrollment,
            action="issue",
            status=completion_status(self.enrollment),
            **kwargs,
        )


# --- Bulk verification ---------------------------------------------------------------------------


class BulkVerifyForm(forms.Form):
    numbers = forms.CharField(
        label=_("Student or staff numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2023010101\n2023010102"}),
    )
    file = forms.FileField(
        label=_("or a file"),
        required=False,
        help_text=_("An Excel (.xlsx), CSV or text file: the numbers in its first column."),
    )

    def clean(self):
        cleaned = super().clean()
        numbers = split_numbers(cleaned.get("numbers") or "")
        upload = cleaned.get("file")
        if upload:
            numbers += self._numbers_in(upload)
        numbers = list(dict.fromkeys(numbers))
        if not numbers:
            raise forms.ValidationError(_("Enter at least one number."))
        if len(numbers) > 5000:
            raise forms.ValidationError(_("At most 5000 numbers at a time."))
        cleaned["list"] = numbers
        return cleaned

    def _numbers_in(self, upload) -> list[str]:
        """The first column of the file, read within the caps of a list to verify (its size,
        checked before reading, its rows and, for an .xlsx, what it unpacks to)."""
        limits = upload_limits("verify")
        try:
            check_size(upload.size, limits)
            cells = self._first_column(upload.read(), upload.name, limits)
        except SpreadsheetRefused as refused:
            raise forms.ValidationError(refused.message) from None
        values = [
            str(int(c)) if isinstance(c, float) and c.is_integer() else str(c).strip()
            for c in cells
            if c is not None
        ]
        too_long = next((value for value in values if len(value) > NUMBER_MAX_LENGTH), None)
        if too_long is not None:
            raise forms.ValidationError(
                _("“%(value)s” is too long for a student or staff number.")
                % {"value": excerpt(too_long)}
            )
        # A heading such as 学号 in the first row is not a number to look up.
        return [
            value
            for value in values
            if value and value not in {"学号", "工号", "学号/工号", "number"}
        ]

    @staticmethod
    def _first_column(data: bytes, name: str, limits) -> list:
        if name.lower().endswith(".xlsx"):
            try:
                workbook = open_workbook(data, limits)
            except SpreadsheetRefused:
                raise
            except Exception:  # openpyxl raises many kinds for a file that is not a workbook
                raise forms.ValidationError(_("The Excel file could not be read.")) from None
            try:
                return [row[0] for _line, row in sheet_rows(workbook.worksheets[0], limits) if row]
            except SpreadsheetRefused:
                raise
            except Exception:  # a damaged sheet
                raise forms.ValidationError(_("The Excel file could not be read.")) from None
            finally:
                workbook.close()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
        try:
            return [row[0] for _line, row in csv_rows(text, limits) if row]
        except Exception:  # csv.Error: not a CSV file
            raise forms.ValidationError(_("The file could not be read as CSV.")) from None


class BulkVerifyView(AdminPageMixin, FormView):
    """Organizers check a list of people before a branch meeting: who completed which training,
    with certificate serials; exportable to Excel."""

    form_class = BulkVerifyForm
    template_name = "courses/admin/bulk_verify.html"
    page_title = _("Verify a list")
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("courses.view_certificate"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        numbers = form.cleaned_data["list"]
        found = User.objects.filter(username__in=numbers)
        learners = learners_visible_to(self.request.user)
        if learners is not None:
            # An organizer checks their own people; others are reported as out of reach.
            found = found.filter(pk__in=learners.values("pk"))
        users = {u.username: u for u in found}
        certificates: dict[int, list[Certificate]] = {}
        for certificate in Certificate.objects.filter(user__in=list(users.values())).order_by(
            "issued_on"
        ):
            certificates.setdefault(certificate.user_id, []).append(certificate)
        rows = []
        for number in numbers:
            user = users.get(number)
            held = certificates.get(user.pk, []) if user else []
            if not held:
                rows.append(
                    {
                        "number": number,
                        "name": user.full_name if user else "",
                        "known": bool(user),
                        "certificate": None,
                    }
                )
            for certificate in held:
                rows.append(
                    {
                        "number": number,
                        "name": user.full_name,
                        "known": True,
                        "certificate": certificate,
                    }
                )
                log_verification(
                    certificate.serial,
                    certificate,
                    channel=VerificationLog.Channel.BULK,
                    user=self.request.user,
                )
        scoped = learners is not None
        if self.request.POST.get("export"):
            workbook = self._workbook(rows, scoped)
            # The people named in the file, and their certificates, are written to the audit log.
            record_export(
                list(users.values()),
                actor=self.request.user,
                model=User,
                format="xlsx",
                list="certificate-check",
                numbers=len(numbers),
                certificates=[row["certificate"].pk for row in rows if row["certificate"]],
            )
            return xlsx_response(workbook, "certificate-check.xlsx")
        return self.render_to_response(self.get_context_data(form=form, rows=rows, scoped=scoped))

    def _workbook(self, rows, scoped: bool) -> bytes:
        # The same words for a number nobody has and one outside the organizer's reach.
        unknown = "（无此账号，或不在您负责的党组织中）" if scoped else "（无此账号）"
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "核验结果"
        sheet.append(["学号/工号", "姓名", "培训课程", "学时", "证书编号", "状态", "发证日期"])
        for row in rows:
            c = row["certificate"]
            # Names and numbers are people's text: written so that none becomes a formula.
            append_row(
                sheet,
                [
                    row["number"],
                    row["name"] or (unknown if not row["known"] else ""),
                    c.course_title if c else "（无结业证书）",
                    float(c.hours) if c else None,
                    c.serial if c else "",
                    c.get_status_display() if c else "",
                    c.issued_on if c else None,
                ],
            )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


# --- Class marks ----------------------------------------------------------------------------------


class CohortMarksView(AdminPageMixin, TemplateView):
    """A class's learners with their progress and completion, and the marks organizers give:
    attendance (平时成绩) and the sign-off, when the completion policy asks for them."""

    template_name = "courses/admin/cohort_marks.html"
    header_icon = "table"

    def dispatch(self, request, pk):
        self.cohort = managed_cohort(request, pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Marks of %(cohort)s") % {"cohort": self.cohort}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        live = {
            c.enrollment_id: c
            for c in Certificate.objects.filter(
                enrollment__cohort=self.cohort, status=Certificate.Status.VALID
            )
        }
        context["rows"] = [
            (row, completion_status(row.enrollment), live.get(row.enrollment.pk))
            for row in cohort_progress(self.cohort)
        ]
        context["cohort"] = self.cohort
        return context

    def post(self, request, pk):
        enrollment = get_object_or_404(
            Enrollment, pk=request.POST.get("enrollment"), cohort=self.cohort
        )
        try:
            if "attendance" in request.POST:
                try:
                    score = Decimal(request.POST["attendance"])
                except InvalidOperation:
                    raise DomainError(
                        _("Enter a mark from 0 to 100."), code="invalid_grade"
                    ) from None
                record_attendance(enrollment, actor=request.user, score=score)
            if request.POST.get("sign_off"):
                sign_off(enrollment, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error.detail))
        else:
            messages.success(request, _("Saved for %(learner)s.") % {"learner": enrollment.user})
        return redirect("cohort_marks", pk=self.cohort.pk)


class CertificatesGroup(ModelViewSetGroup):
    menu_label = _("Certificates")
    menu_icon = "doc-full-inverse"
    menu_order = 270
    items = (CertificateViewSet, CompletionPolicyViewSet)
