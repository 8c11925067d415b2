"""Wagtail admin screens for training classes (培训班) and enrollments."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets import Button
from wagtail.admin.widgets.button import MenuItem

from accounts import roles
from audit.admin_views import AuditedExportMixin
from courses.models import Cohort, Enrollment
from courses.scope import can_manage, runs_every_class
from courses.selectors import cohort_progress
from courses.services.learning import enroll_many, withdraw
from school import scoping
from school.admin import AdminPageMixin
from school.forms import split_numbers
from school.scoping import (
    ListOnlyPolicy,
    ScopedModelForm,
    ScopedModelViewSet,
    ScopedPermissionPolicy,
)


class CohortPolicy(ScopedPermissionPolicy):
    """A class in reach may be seen; only its managers (and school admins) change or delete it."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("change", "delete"):
            return self.user_has_permission(user, action) and can_manage(user, instance)
        return super().user_has_permission_for_instance(user, action, instance)


class CohortForm(ScopedModelForm):
    """A class's form: the organizers who run it are picked among organizers and school
    administrators in the user's reach (never every account of the university)."""

    class Meta:
        model = Cohort
        fields = [
            "course",
            "name",
            "starts_on",
            "ends_on",
            "required_hours",
            "description",
            "managers",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        managers = self.fields["managers"]
        managers.queryset = managers.queryset.filter(
            groups__name__in=[roles.ORGANIZERS, roles.SCHOOL_ADMINS]
        ).distinct()


class CohortIndexView(IndexView):
    @cached_property
    def managed(self) -> set[int] | None:
        """The classes the user runs (None: every class)."""
        if runs_every_class(self.request.user):
            return None
        return set(self.request.user.managed_cohorts.values_list("pk", flat=True))

    def manages(self, cohort) -> bool:
        return self.managed is None or cohort.pk in self.managed

    def get_edit_url(self, instance):
        return super().get_edit_url(instance) if self.manages(instance) else None

    def get_delete_url(self, instance):
        return super().get_delete_url(instance) if self.manages(instance) else None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not self.manages(instance):
            return buttons
        buttons.append(
            MenuItem(
                _("Marks"),
                url=reverse("cohort_marks", args=[instance.pk]),
                icon_name="table",
                priority=16,
            )
        )
        buttons.append(
            MenuItem(
                _("Enroll learners"),
                url=reverse("cohorts:enroll", args=[instance.pk]),
                icon_name="group",
                priority=15,
            )
        )
        return buttons


class CohortCreateView(CreateView):
    def save_instance(self):
        cohort = super().save_instance()
        if not runs_every_class(self.request.user):
            cohort.managers.add(self.request.user)  # an organizer runs the class they open
        return cohort


class CohortEditView(EditView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                _("Enroll learners"),
                url=reverse("cohorts:enroll", args=[self.object.pk]),
                icon_name="group",
                priority=5,
            )
        )
        return buttons


class CohortInspectView(InspectView):
    template_name = "courses/admin/cohort_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        learners = cohort_progress(self.object)
        if not can_manage(self.request.user, self.object):
            # A class of the whole university shows an organizer their own people in it.
            visible = set(
                scoping.narrow(
                    Enrollment.objects.filter(cohort=self.object), self.request.user
                ).values_list("pk", flat=True)
            )
            learners = [row for row in learners if row.enrollment.pk in visible]
        context["learners"] = learners
        context["can_manage"] = can_manage(self.request.user, self.object)
        context["enroll_url"] = reverse("cohorts:enroll", args=[self.object.pk])
        return context


def managed_cohort(request, pk) -> Cohort:
    """The class ``pk`` for a view that runs it: 404 out of reach, denied when not its manager."""
    cohort = get_object_or_404(scoping.reach(Cohort, request.user).select_related("course"), pk=pk)
    if not can_manage(request.user, cohort):
        raise PermissionDenied
    return cohort


class EnrollForm(forms.Form):
    numbers = forms.CharField(
        label=_("Student or staff numbers"),
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": "2023010101\n2023010102"}),
        help_text=_("One per line, or separated by commas, spaces or 、."),
    )

    def clean_numbers(self):
        numbers = split_numbers(self.cleaned_data["numbers"])
        if not numbers:
            raise forms.ValidationError(_("Enter at least one number."))
        if len(numbers) > 2000:
            raise forms.ValidationError(_("At most 2000 numbers at a time."))
        return numbers


class CohortEnrollView(AdminPageMixin, FormView):
    """Enroll learners in a class by pasting their numbers; says who was enrolled and who not."""

    form_class = EnrollForm
    template_name = "courses/admin/cohort_enroll.html"
    header_icon = "group"

    def dispatch(self, request, pk):
        self.cohort = managed_cohort(request, pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Enroll learners in %(cohort)s") % {"cohort": self.cohort}

    def form_valid(self, form):
        result = enroll_many(
            self.cohort, usernames=form.cleaned_data["numbers"], actor=self.request.user
        )
        messages.success(
            self.request,
            _("%(enrolled)d enrolled, %(already)d already in the class.")
            % {"enrolled": len(result.enrolled), "already": len(result.already)},
        )
        return self.render_to_response(self.get_context_data(form=form, result=result))

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, **kwargs)


class CohortViewSet(ScopedModelViewSet):
    model = Cohort
    icon = "group"
    menu_label = _("Training classes")
    url_prefix = "cohorts"
    name = "cohorts"
    policy_class = CohortPolicy
    form_class = CohortForm
    list_display = ["name", "course", "starts_on", "ends_on"]
    list_filter = ["course"]
    search_fields = ["name"]
    inspect_view_enabled = True
    index_view_class = CohortIndexView
    add_view_class = CohortCreateView
    edit_view_class = CohortEditView
    inspect_view_class = CohortInspectView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("enroll/<int:pk>/", CohortEnrollView.as_view(), name="enroll"),
        ]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class WithdrawView(AdminPageMixin, FormView):
    form_class = WithdrawForm
    template_name = "courses/admin/withdraw.html"
    header_icon = "user"

    def dispatch(self, request, pk):
        self.enrollment = get_object_or_404(
            scoping.reach(Enrollment, request.user).select_related("user", "course", "cohort"),
            pk=pk,
        )
        cohort = self.enrollment.cohort
        if not (runs_every_class(request.user) or (cohort and can_manage(request.user, cohort))):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Withdraw %(learner)s from %(course)s") % {
            "learner": self.enrollment.user,
            "course": self.enrollment.course.title,
        }

    def form_valid(self, form):
        withdraw(self.enrollment, actor=self.request.user, reason=form.cleaned_data["reason"])
        messages.success(
            self.request,
            _("%(learner)s has been withdrawn; the study record is kept.")
            % {"learner": self.enrollment.user},
        )
        return redirect("enrollments:index")

    def get_context_data(self, **kwargs):
        return super().get_context_data(enrollment=self.enrollment, **kwargs)


class EnrollmentIndexView(AuditedExportMixin, IndexView):
    @cached_property
    def manages_every_class(self) -> bool:
        return runs_every_class(self.request.user)

    @cached_property
    def managed_cohorts(self) -> set[int]:
        return set(self.request.user.managed_cohorts.values_list("pk", flat=True))

    def get_list_more_buttons(self, instance):
        buttons = [b for b in super().get_list_more_buttons(instance)]
        if instance.is_active and (
            self.manages_every_class or instance.cohort_id in self.managed_cohorts
        ):
            buttons.append(
                MenuItem(
                    _("Withdraw"),
                    url=reverse("enrollments:withdraw", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                )
            )
            buttons.append(
                MenuItem(
                    _("Issue a certificate"),
                    url=reverse("certificates:issue", args=[instance.pk]),
                    icon_name="doc-full-inverse",
                    priority=30,
                )
            )
        return buttons


class EnrollmentViewSet(ScopedModelViewSet):
    """Enrollments are made by enrolling (site, API, classes), never typed in: list and export only."""

    model = Enrollment
    policy_class = ListOnlyPolicy
    copy_view_enabled = False
    icon = "user"
    menu_label = _("Enrollments")
    url_prefix = "enrollments"
    name = "enrollments"
    form_fields = ["withdrawal_reason"]
    list_display = [
        Column("user", label=_("learner"), accessor="user"),
        "course",
        "cohort",
        "status",
        "enrolled_at",
    ]
    list_filter = ["status", "cohort", "course"]
    search_fields = ["user__username", "user__full_name"]
    # Exported columns, with the heading each gets in the spreadsheet.
    export_headings = {
        "user.username": _("student or staff number"),
        "user.full_name": _("name"),
        "course.title": _("course"),
        "cohort_name": _("cohort"),
    }
    list_export = [
        "user.username",
        "user.full_name",
        "course.title",
        "cohort_name",
        "status",
        "enrolled_at",
        "withdrawn_at",
        "withdrawal_reason",
    ]
    export_filename = "enrollments"
    index_view_class = EnrollmentIndexView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("withdraw/<int:pk>/", WithdrawView.as_view(), name="withdraw"),
        ]


class TrainingGroup(ModelViewSetGroup):
    menu_label = _("Training")
    menu_icon = "group"
    menu_order = 250
    items = (CohortViewSet, EnrollmentViewSet)
