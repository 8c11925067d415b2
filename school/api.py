"""The API under /api/v1/: one router that every app registers its viewsets on.

Object ids in paths are whole numbers: the router matches only digits (at most 18, so no id
overflows the database's integers), and any other address under /api/v1/ is a 404 with the
API's error body in the user's language, never the site's HTML page or a server error.
"""

from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView, DefaultRouter

from accounts.api import LogoutView, MeView, TokenView
from courses.api.certificates import CertificateViewSet
from courses.api.exams import AttemptViewSet, ExamViewSet
from courses.api.learning import CohortViewSet, CourseViewSet, EnrollmentViewSet, LessonViewSet
from membership.api import PersonViewSet, PublicNoticeViewSet
from school.rest import ID_PATTERN


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

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        # DRF's, with a pk of digits unless the viewset says otherwise (a serial).
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        default = ID_PATTERN if lookup_field in ("pk", "id") else "[^/.]+"
        lookup_value = getattr(viewset, "lookup_value_regex", default)
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{lookup_value})"

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


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/ (one ending in /: without it, Django first adds the
    slash): a 404 with the API's error body."""
    return JsonResponse(
        {"code": "not_found", "detail": str(NotFound.default_detail)},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
    re_path(r"^[\s\S]*/$", not_found),
]
