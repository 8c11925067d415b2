from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses.admin_certificates import CertificatesGroup, CohortMarksView
from courses.admin_exams import ExamsGroup, GradingQueueView
from courses.admin_views import TrainingGroup
from courses.models import CourseIndexPage
from courses.services.catalogue import configure_catalogue


@hooks.register("after_create_page")
def put_a_new_catalogue_under_review(request, page):
    if isinstance(page.specific, CourseIndexPage):
        configure_catalogue(page.specific)


@hooks.register("register_admin_viewset")
def register_training_admin():
    return TrainingGroup()


@hooks.register("register_admin_viewset")
def register_exams_admin():
    return ExamsGroup()


@hooks.register("register_admin_urls")
def register_grading_queue():
    return [path("grading/", GradingQueueView.as_view(), name="grading_queue")]


class GradingQueueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("courses.change_answer")


@hooks.register("register_admin_menu_item")
def grading_queue_menu_item():
    return GradingQueueMenuItem(
        _("Grading queue"), reverse("grading_queue"), icon_name="edit", order=265
    )


@hooks.register("register_admin_viewset")
def register_certificates_admin():
    return CertificatesGroup()


@hooks.register("register_admin_urls")
def register_cohort_marks():
    return [path("cohorts/marks/<int:pk>/", CohortMarksView.as_view(), name="cohort_marks")]
