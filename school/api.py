"""The API under /api/v1/: one router that every app registers its viewsets on."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView, DefaultRouter

from accounts.api import MeView, TokenView
from courses.api.certificates import CertificateViewSet
from courses.api.exams import AttemptViewSet, ExamViewSet
from courses.api.learning import CohortViewSet, CourseViewSet, EnrollmentViewSet, LessonViewSet
from membership.api import PersonViewSet, PublicNoticeViewSet


class SchoolAPIRootView(APIRootView):
    """The API's front door: links to every collection. Open to anyone, like the schema."""

    permission_classes = [AllowAny]


class SchoolRouter(DefaultRouter):
    APIRootView = SchoolAPIRootView
    # The API speaks JSON only. DRF's ".json" twin of every URL doubled the doors, and every
    # action without a ``format`` argument answered its twin with a server error.
    include_format_suffixes = False

    def __init__(self, *, extra_root_entries: dict[str, str]):
        super().__init__()
        self.extra_root_entries = extra_root_entries

    def get_api_root_view(self, api_urls=None):
        root = {
            prefix: self.routes[0].name.format(basename=basename)
            for prefix, _v, basename in self.registry
        }
        root.update(self.extra_root_entries)
        return self.APIRootView.as_view(api_root_dict=root)


router = SchoolRouter(extra_root_entries={"auth/token": "auth-token", "me": "me"})
router.register("courses", CourseViewSet, basename="api-course")
router.register("enrollments", EnrollmentViewSet, basename="api-enrollment")
router.register("lessons", LessonViewSet, basename="api-lesson")
router.register("cohorts", CohortViewSet, basename="api-cohort")
router.register("exams", ExamViewSet, basename="api-exam")
router.register("attempts", AttemptViewSet, basename="api-attempt")
router.register("certificates", CertificateViewSet, basename="api-certificate")
router.register("people", PersonViewSet, basename="api-person")
router.register("notices", PublicNoticeViewSet, basename="api-notice")


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
