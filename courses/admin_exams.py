"""Wagtail admin screens for question banks, questions, exams, imports and the grading queue."""

import uuid
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton, MenuItem

from audit.admin_views import AuditedIndexView
from courses.models import Answer, Attempt, Exam, Question, QuestionBank, ReflectionEssay
from courses.questions import types as q
from courses.questions.excel import write_template
from courses.services.certificates import grade_essay
from courses.services.exams import grade_answer
from courses.services.question_import import (
    ImportRefused,
    export_bank,
    find_duplicates,
    import_questions,
    parse_file,
)
from school import scoping
from school.admin import AdminPageMixin
from school.exceptions import DomainError
from school.scoping import ListOnlyPolicy, ScopedModelForm, ScopedModelViewSet
from school.spreadsheets import SpreadsheetRefused, check_size, megabytes, upload_limits

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


# --- Questions -----------------------------------------------------------------------------------


class QuestionForm(ScopedModelForm):
    """Checks a question with the same rules the importers use (courses/questions/types.py)."""

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        options = self._live_rows("options")
        blanks = self._live_rows("blanks")
        parsed = q.ParsedQuestion(
            kind=cleaned.get("kind", ""),
            text=cleaned.get("text", ""),
            line=0,
            title=cleaned.get("title", ""),
            category=cleaned.get("category", ""),
            points=cleaned.get("points") or Decimal(0),
            difficulty=cleaned.get("difficulty", q.MEDIUM),
            options=[q.ParsedOption(row["text"], row["fraction"]) for row in options],
            multiple_scoring=cleaned.get("multiple_scoring", q.ALL_OR_NOTHING),
            correct=cleaned.get("correct_answer"),
            blanks=[
                [line.strip() for line in row["answers"].splitlines() if line.strip()]
                for row in blanks
            ],
            reference_answer=cleaned.get("reference_answer", ""),
        )
        for problem in q.problems_of(parsed):
            self.add_error(None, problem.message)
        return cleaned

    def _live_rows(self, name: str) -> list[dict]:
        formset = self.formsets[name]
        formset.is_valid()
        return [
            form.cleaned_data
            for form in formset.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]


class QuestionViewSet(ScopedModelViewSet):
    model = Question
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionForm)
    icon = "help"
    menu_label = _("Questions")
    url_prefix = "questions"
    name = "questions"
    list_display = ["__str__", "kind", "category", "difficulty", "points", "is_active"]
    list_filter = ["bank", "kind", "category", "difficulty", "is_active"]
    search_fields = ["text", "title", "category"]
    copy_view_enabled = True


# --- Banks, import and export --------------------------------------------------------------------


class BankIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(question_count=Count("questions", filter=Q(questions__is_active=True)))
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons += [
            MenuItem(
                _("Export to Excel"),
                url=reverse("question_banks:export", args=[instance.pk]),
                icon_name="download",
                priority=50,
            ),
            MenuItem(
                _("Questions"),
                url=reverse("questions:index") + f"?bank={instance.pk}",
                icon_name="help",
                priority=5,
            ),
        ]
        return buttons

    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Import questions"), url=reverse("question_banks:import"), icon_name="upload"
            ),
            HeaderButton(
                _("Excel template"), url=reverse("question_banks:template"), icon_name="download"
            ),
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    bank = forms.ModelChoiceField(
        label=_("Into the bank"), queryset=QuestionBank.objects.all(), required=False
    )
    new_bank = forms.CharField(label=_("or a new bank named"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "GIFT (.gift, .txt), Moodle XML (.xml) or the Excel template (.xlsx); "
            "at most %(limit)s MB."
        ) % {"limit": megabytes(upload_limits("questions").max_bytes)}

    def clean_file(self):
        # Before the file is read: a file over the cap is refused by its size alone.
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size, upload_limits("questions"))
        except SpreadsheetRefused as refused:
            raise forms.ValidationError(refused.message) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("bank") and not (cleaned.get("new_bank") or "").strip():
            raise forms.ValidationError(_("Choose a bank or name a new one."))
        if (
            cleaned.get("new_bank")
            and QuestionBank.objects.filter(name=cleaned["new_bank"].strip()).exists()
        ):
            self.add_error("new_bank", _("A bank with this name exists: choose it above."))
        return cleaned


def can_manage_questions(user) -> bool:
    return user.has_perm("courses.add_question")


class ImportView(AdminPageMixin, FormView):
    """Step one: upload and preview every question and every problem. Step two: confirm.

    The uploaded file waits in the cache between the steps (an hour), under a token that only
    the preview page knows; confirming parses it again and imports all or nothing.
    """

    form_class = ImportForm
    template_name = "courses/admin/question_import.html"
    page_title = _("Import questions")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_questions(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read()
        result = parse_file(upload.name, data)
        bank = form.cleaned_data.get("bank")
        token = uuid.uuid4().hex
        cache.set(
            f"question-import:{token}",
            {
                "name": upload.name,
                "data": data,
                "bank": bank.pk if bank else None,
                "new_bank": (form.cleaned_data.get("new_bank") or "").strip(),
                "user": self.request.user.pk,
            },
            3600,
        )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                result=result,
                token=token,
                bank=bank,
                new_bank=form.cleaned_data.get("new_bank"),
                duplicates=find_duplicates(bank, result),
            )
        )

    def confirm(self, request):
        pending = cache.get(f"question-import:{request.POST['token']}")
        if not pending or pending["user"] != request.user.pk:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("question_banks:import")
        result = parse_file(pending["name"], pending["data"])
        if pending["bank"]:
            bank = get_object_or_404(QuestionBank, pk=pending["bank"])
        else:
            bank, _created = QuestionBank.objects.get_or_create(
                name=pending["new_bank"], defaults={"created_by": request.user}
            )
        try:
            outcome = import_questions(bank, result, actor=request.user)
        except ImportRefused as error:
            messages.error(request, str(error.detail))
            return redirect("question_banks:import")
        cache.delete(f"question-import:{request.POST['token']}")
        messages.success(
            request,
            _("%(created)d questions imported into %(bank)s; %(duplicates)d were already there.")
            % {
                "created": len(outcome.created),
                "bank": bank,
                "duplicates": len(outcome.duplicates),
            },
        )
        return redirect(reverse("questions:index") + f"?bank={bank.pk}")


def download_template(request):
    if not can_manage_questions(request.user):
        raise PermissionDenied
    return xlsx_response(write_template(), "question-bank-template.xlsx")


def export_bank_view(request, pk: int):
    if not can_manage_questions(request.user):
        raise PermissionDenied
    bank = get_object_or_404(QuestionBank, pk=pk)
    return xlsx_response(export_bank(bank), f"question-bank-{bank.pk}.xlsx")


class QuestionBankViewSet(ScopedModelViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    menu_label = _("Question banks")
    url_prefix = "question-banks"
    name = "question_banks"
    form_fields = ["name", "description"]
    list_display = ["name", Column("question_count", label=_("Questions in use")), "created_at"]
    search_fields = ["name"]
    index_view_class = BankIndexView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("import/", ImportView.as_view(), name="import"),
            path("template/", download_template, name="template"),
            path("export/<int:pk>/", export_bank_view, name="export"),
        ]


# --- Exams ---------------------------------------------------------------------------------------


class ExamForm(ScopedModelForm):
    """Refuses a paper the banks cannot fill, so learners never meet an exam that fails to start."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets["rules"]
        formset.is_valid()
        for form in formset.forms:
            rule = getattr(form, "cleaned_data", None)
            if not rule or rule.get("DELETE") or not rule.get("bank") or not rule.get("count"):
                continue
            questions = Question.objects.filter(
                bank=rule["bank"], kind=rule["kind"], is_active=True
            )
            if rule.get("category"):
                questions = questions.filter(category=rule["category"])
            if rule.get("difficulty"):
                questions = questions.filter(difficulty=rule["difficulty"])
            available = questions.count()
            if available < rule["count"]:
                self.add_error(
                    None,
                    _(
                        "A rule asks for %(count)d questions but %(bank)s has %(available)d that fit."
                    )
                    % {"count": rule["count"], "bank": rule["bank"], "available": available},
                )
        return cleaned


class ExamViewSet(ScopedModelViewSet):
    model = Exam
    edit_handler = ObjectList(Exam.panels, base_form_class=ExamForm)
    icon = "tasks"
    menu_label = _("Exams")
    url_prefix = "exams"
    name = "exams"
    list_display = ["title", "course", "cohort", "opens_at", "closes_at", "is_published"]
    list_filter = ["course", "is_published"]
    search_fields = ["title"]


class AttemptViewSet(ScopedModelViewSet):
    """Every sitting with its result; exportable. Attempts change only through the exam engine."""

    model = Attempt
    policy_class = ListOnlyPolicy
    copy_view_enabled = False
    icon = "doc-full"
    menu_label = _("Results")
    url_prefix = "attempts"
    name = "attempts"
    form_fields = ["status"]
    list_display = [
        Column("user", label=_("learner"), accessor="user"),
        "exam",
        "number",
        "status",
        "score",
        "max_score",
        "passed",
        "closed_at",
    ]
    list_filter = ["exam", "status", "passed"]
    search_fields = ["user__username", "user__full_name"]
    export_headings = {
        "user.username": _("student or staff number"),
        "user.full_name": _("name"),
        "exam.title": _("exam"),
    }
    list_export = [
        "user.username",
        "user.full_name",
        "exam.title",
        "number",
        "status",
        "score",
        "max_score",
        "passed",
        "started_at",
        "closed_at",
    ]
    export_filename = "exam-results"
    index_view_class = AuditedIndexView


# --- Grading queue -------------------------------------------------------------------------------


class GradeForm(forms.Form):
    answer = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(label=_("Score"), min_value=0, max_digits=6, decimal_places=2)
    feedback = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class GradingQueueView(AdminPageMixin, TemplateView):
    """Short answers waiting for a grade, oldest first; grading the last one of an attempt
    gives the attempt its final score."""

    template_name = "courses/admin/grading_queue.html"
    page_title = _("Grading queue")
    header_icon = "edit"

    def dispatch(self, request, *args, **kwargs):
        if not (
            request.user.has_perm("courses.change_answer")
            or request.user.has_perm("courses.change_reflectionessay")
        ):
            raise PermissionDenied

        return super().dispatch(request, *args, **kwargs)

    def waiting(self):
        return (
            scoping.reach(Answer, self.request.user)
            .filter(
                score__isnull=True,
                attempt_question__attempt__status=Attempt.Status.PENDING_REVIEW,
                attempt_question__snapshot__kind=q.SHORT_ANSWER,
            )
            .select_related("attempt_question__attempt__exam", "attempt_question__attempt__user")
            .order_by("attempt_question__attempt__closed_at", "pk")
        )

    def essays(self):
        return (
            scoping.reach(ReflectionEssay, self.request.user)
            .filter(score__isnull=True)
            .select_related("enrollment__user", "enrollment__course")
            .order_by("submitted_at")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("courses.change_reflectionessay"):
            context["essays"] = [
                (essay, EssayGradeForm(prefix=f"essay{essay.pk}")) for essay in self.essays()[:20]
            ]
        answers = list(self.waiting()[:20])
        context["items"] = [
            (answer, GradeForm(initial={"answer": answer.pk}, prefix=str(answer.pk)))
            for answer in answers
        ]
        context["total"] = self.waiting().count()
        return context

    def post(self, request):
        if "essay_id" in request.POST:
            return self.grade_essay(request)
        answer_id = request.POST.get("answer_id", "")
        if not answer_id.isdigit():
            messages.error(request, _("Choose an answer to grade."))
            return redirect("grading_queue")
        answer = get_object_or_404(self.waiting(), pk=answer_id)
        form = GradeForm(request.POST, prefix=answer_id)
        return self._save_grade(
            request, form, lambda data: grade_answer(answer, actor=request.user, **data)
        )

    def grade_essay(self, request):
        if not request.user.has_perm("courses.change_reflectionessay"):
            raise PermissionDenied
        essay_id = request.POST["essay_id"]
        if not essay_id.isdigit():
            messages.error(request, _("Choose an essay to grade."))
            return redirect("grading_queue")
        essay = get_object_or_404(self.essays(), pk=essay_id)
        form = EssayGradeForm(request.POST, prefix=f"essay{essay_id}")
        return self._save_grade(
            request, form, lambda data: grade_essay(essay, actor=request.user, **data)
        )

    def _save_grade(self, request, form, grade):
        if not form.is_valid():
            messages.error(request, _("Enter a score."))
        else:
            try:
                grade(
                    {"score": form.cleaned_data["score"], "feedback": form.cleaned_data["feedback"]}
                )
            except DomainError as error:
                messages.error(request, str(error.detail))
            else:
                messages.success(request, _("Graded."))
        return redirect("grading_queue")


class EssayGradeForm(forms.Form):
    score = forms.DecimalField(
        label=_("Score (out of 100)"), min_value=0, max_value=100, max_digits=5, decimal_places=1
    )
    feedback = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExamsGroup(ModelViewSetGroup):
    menu_label = _("Exams")
    menu_icon = "tasks"
    menu_order = 260
    items = (QuestionBankViewSet, QuestionViewSet, ExamViewSet, AttemptViewSet)
