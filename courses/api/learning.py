"""The learning API: courses, my enrollments, heartbeats and visits, class enrollment."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from courses.models import Cohort, CoursePage, Enrollment, LessonPage
from courses.scope import can_manage, runs_every_class
from courses.selectors import enrollment_progress, enrollments_with_progress
from courses.services.learning import enroll, enroll_many, record_heartbeat, record_visit
from school.exceptions import Forbidden
from school.rest import StrictCharField

# --- Output ----------------------------------------------------------------------------------


class LessonRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="lesson.pk")
    title = serializers.CharField(source="lesson.title")
    url = serializers.CharField(source="lesson.url")
    state = serializers.ChoiceField(choices=["not_started", "in_progress", "done"])
    studied_seconds = serializers.SerializerMethodField()
    required_seconds = serializers.SerializerMethodField()

    def get_studied_seconds(self, row) -> float:
        return row.studied_ms / 1000

    def get_required_seconds(self, row) -> int:
        return row.required_ms // 1000


class LessonLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    url = serializers.CharField()


class ProgressSerializer(serializers.Serializer):
    lessons_done = serializers.IntegerField()
    lessons_total = serializers.IntegerField()
    hours_earned = serializers.DecimalField(max_digits=5, decimal_places=1)
    hours_required = serializers.DecimalField(max_digits=5, decimal_places=1)
    percent = serializers.IntegerField()


class CohortBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class EnrollmentSerializer(serializers.Serializer):
    """An enrollment with its progress. Built from selectors' results; never queries."""

    id = serializers.IntegerField(source="enrollment.pk")
    course = LessonLinkSerializer(source="enrollment.course")
    cohort = CohortBriefSerializer(source="enrollment.cohort", allow_null=True)
    status = serializers.CharField(source="enrollment.status")
    enrolled_at = serializers.DateTimeField(source="enrollment.enrolled_at")
    progress = ProgressSerializer()
    next_lesson = LessonLinkSerializer(allow_null=True)
    lessons = LessonRowSerializer(many=True)


class CourseSerializer(serializers.ModelSerializer):
    audiences = serializers.SerializerMethodField()
    url = serializers.CharField()

    class Meta:
        model = CoursePage
        fields = ["id", "title", "summary", "study_hours", "self_enrollment", "audiences", "url"]

    def get_audiences(self, course) -> list[str]:
        return [audience.code for audience in course.audiences.all()]


class HeartbeatCreateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["visible", "hidden"],
        help_text="visible: the page is in front of the learner; hidden: it was just hidden (stops the clock).",
    )
    video_seconds = serializers.FloatField(
        min_value=0,
        max_value=600,
        default=0,
        help_text="Seconds of the lesson video played since the last heartbeat.",
    )
    video_ended = serializers.BooleanField(
        default=False, help_text="The lesson video has played to its end."
    )


class HeartbeatSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(source="progress.lesson_id")
    credited_seconds = serializers.SerializerMethodField()
    studied_seconds = serializers.SerializerMethodField()
    required_seconds = serializers.SerializerMethodField()
    video_watched_seconds = serializers.SerializerMethodField()
    completed = serializers.SerializerMethodField()

    def get_credited_seconds(self, beat) -> float:
        return beat.credited_ms / 1000

    def get_studied_seconds(self, beat) -> float:
        return beat.progress.studied_ms / 1000

    def get_required_seconds(self, beat) -> int:
        return beat.progress.lesson.min_study_minutes * 60

    def get_video_watched_seconds(self, beat) -> float:
        return beat.progress.video_watched_ms / 1000

    def get_completed(self, beat) -> bool:
        return beat.progress.completed_at is not None


class VisitSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(source="lesson_id")
    first_visited_at = serializers.DateTimeField()
    last_visited_at = serializers.DateTimeField()


class CohortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["id", "name", "course", "starts_on", "ends_on", "required_hours"]


class CohortEnrollSerializer(serializers.Serializer):
    usernames = serializers.ListField(
        child=StrictCharField(max_length=32),
        min_length=1,
        max_length=2000,
        help_text="Student or staff numbers of the learners to enroll.",
    )


class CohortEnrollResultSerializer(serializers.Serializer):
    enrolled = serializers.ListField(child=serializers.CharField())
    already = serializers.ListField(child=serializers.CharField())
    unknown = serializers.ListField(child=serializers.CharField())
    refused = serializers.DictField(child=serializers.CharField())


# --- Views -----------------------------------------------------------------------------------


class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    """Published courses. Enroll in one that is open for self-enrollment."""

    serializer_class = CourseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database needed
            return CoursePage.objects.none()
        return CoursePage.objects.live().public().prefetch_related("audiences").order_by("path")

    @extend_schema(request=None, responses={200: EnrollmentSerializer, 201: EnrollmentSerializer})
    @action(detail=True, methods=["post"])
    def enroll(self, request, pk=None):
        """Enroll yourself. Repeating it is harmless: 200 with the same enrollment."""
        course = self.get_object()
        _enrollment, created = enroll(course, user=request.user, actor=request.user)
        body = EnrollmentSerializer(enrollment_progress(request.user, course)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class EnrollmentViewSet(viewsets.GenericViewSet):
    """My enrollments, each with its progress. Nobody sees another learner's."""

    serializer_class = EnrollmentSerializer
    queryset = Enrollment.objects.none()  # documents the id type; the data comes from selectors

    def list(self, request):
        """My enrollments, a page at a time like every list."""
        items = enrollments_with_progress(request.user, include_withdrawn=True)
        page = self.paginate_queryset(items)
        return self.get_paginated_response(EnrollmentSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        items = [
            i
            for i in enrollments_with_progress(request.user, include_withdrawn=True)
            if str(i.enrollment.pk) == pk
        ]
        if not items:
            raise NotFound()
        return Response(EnrollmentSerializer(items[0]).data)


class LessonViewSet(viewsets.GenericViewSet):
    """Study a lesson: record a visit, and send heartbeats while its page is in front of you."""

    queryset = LessonPage.objects.all()
    throttle_scope = "heartbeat"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.action == "heartbeat" else super().get_throttles()

    def _lesson(self, pk) -> LessonPage:
        # Unpublished lessons answer like missing ones: the service refuses them anyway.
        return get_object_or_404(LessonPage.objects.all(), pk=pk)

    @extend_schema(request=HeartbeatCreateSerializer, responses=HeartbeatSerializer)
    @action(detail=True, methods=["post"])
    def heartbeat(self, request, pk=None):
        payload = HeartbeatCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        beat = record_heartbeat(
            self._lesson(pk),
            user=request.user,
            visible=data["state"] == "visible",
            video_seconds=data["video_seconds"],
            video_ended=data["video_ended"],
        )
        return Response(HeartbeatSerializer(beat).data)

    @extend_schema(request=None, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def visit(self, request, pk=None):
        return Response(VisitSerializer(record_visit(self._lesson(pk), user=request.user)).data)


class CohortViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Training classes the user runs (or all, for those allowed to manage every class)."""

    serializer_class = CohortSerializer

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Cohort.objects.none()
        cohorts = Cohort.objects.order_by("-starts_on")
        if runs_every_class(user):
            return cohorts
        return cohorts.filter(Q(managers=user)).distinct()

    @extend_schema(request=CohortEnrollSerializer, responses=CohortEnrollResultSerializer)
    @action(detail=True, methods=["post"])
    def enrollments(self, request, pk=None):
        """Enroll learners by student or staff number. Repeating it is harmless."""
        cohort = self.get_object()
        if not can_manage(request.user, cohort):
            raise Forbidden(_("Only the organizers of this class may enroll learners in it."))
        payload = CohortEnrollSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = enroll_many(
            cohort, usernames=payload.validated_data["usernames"], actor=request.user
        )
        return Response(CohortEnrollResultSerializer(result).data)
