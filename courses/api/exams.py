"""The exam API: the contract the exam page and other clients rely on.

No answer key, explanation or correctness flag leaves the server before the review of a graded
attempt is released (the exam's ``review`` setting, ``review_released``): the serializers below
only read them from a snapshot when their context says so. Options are identified by the keys
drawn for the attempt, never by the bank's pks.
"""

import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from courses.models import Attempt, Exam
from courses.questions import types as q
from courses.scoring import right_keys
from courses.selectors import exams_visible_to, review_released
from courses.services.exams import (
    close_if_overdue,
    save_answer,
    start_attempt,
    start_blocker,
    submit_attempt,
)

# Small integers are declared here, not derived from the models: their range would come from
# the database (SQLite and PostgreSQL differ) and the committed schema must not.
SMALL = {"min_value": 0, "max_value": 32767}


class AttemptSummarySerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(read_only=True, **SMALL)

    class Meta:
        model = Attempt
        fields = [
            "id",
            "number",
            "status",
            "started_at",
            "deadline",
            "closed_at",
            "score",
            "max_score",
            "passed",
        ]


class ExamSerializer(serializers.ModelSerializer):
    time_limit_minutes = serializers.IntegerField(**SMALL)
    grace_seconds = serializers.IntegerField(**SMALL)
    max_attempts = serializers.IntegerField(**SMALL)
    course = serializers.IntegerField(source="course_id")
    cohort = serializers.IntegerField(source="cohort_id", allow_null=True)
    attempts = serializers.SerializerMethodField()
    can_start = serializers.SerializerMethodField()
    blocked_by = serializers.SerializerMethodField(
        help_text="Why an attempt cannot be started now, as a code."
    )

    class Meta:
        model = Exam
        fields = [
            "id",
            "title",
            "instructions",
            "course",
            "cohort",
            "opens_at",
            "closes_at",
            "time_limit_minutes",
            "grace_seconds",
            "max_attempts",
            "pass_score",
            "requires_lessons_complete",
            "review",
            "attempts",
            "can_start",
            "blocked_by",
        ]

    def get_attempts(self, exam) -> list[dict]:
        return AttemptSummarySerializer(self.context["attempts"], many=True).data

    def get_can_start(self, exam) -> bool:
        return self.context["blocker"] is None

    def get_blocked_by(self, exam) -> str | None:
        blocker = self.context["blocker"]
        return blocker.code if blocker else None


class OptionSerializer(serializers.Serializer):
    id = serializers.CharField(
        help_text="The option's key in this attempt: answer with it. Random per attempt."
    )
    text = serializers.CharField()


@extend_schema_field({"type": "string", "description": "One of: " + ", ".join(q.KINDS) + "."})
class QuestionKindField(serializers.ChoiceField):
    """A question's kind. Not an enum in the schema: it would take the name ``KindEnum`` from
    the public notices' kinds (spectacular names enums by field name)."""

    def __init__(self, **kwargs):
        super().__init__(choices=q.KINDS, **kwargs)


class PaperQuestionSerializer(serializers.Serializer):
    """A question as the learner sees it during the attempt: no key, no explanation."""

    id = serializers.IntegerField(source="question_id")
    position = serializers.IntegerField()
    kind = QuestionKindField(source="snapshot.kind")
    text = serializers.CharField(source="snapshot.text")
    points = serializers.DecimalField(max_digits=5, decimal_places=1)
    options = serializers.SerializerMethodField()
    blanks = serializers.SerializerMethodField(help_text="How many blanks a fill-in question has.")

    @extend_schema_field(OptionSerializer(many=True))
    def get_options(self, row) -> list[dict]:
        return [{"id": o["key"], "text": o["text"]} for o in row.snapshot["options"]]

    def get_blanks(self, row) -> int:
        return len(row.snapshot["blanks"])


class SavedAnswerSerializer(serializers.Serializer):
    response = serializers.JSONField()
    saved_at = serializers.DateTimeField()


class ReviewSerializer(serializers.Serializer):
    """What a graded attempt reveals for each question, once its review is released."""

    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    correct_options = serializers.ListField(
        child=serializers.CharField(), help_text="The ids of the right options."
    )
    correct = serializers.BooleanField(allow_null=True)
    accepted = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    explanation = serializers.CharField()
    feedback = serializers.CharField()


class AttemptQuestionSerializer(PaperQuestionSerializer):
    answer = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    @extend_schema_field(SavedAnswerSerializer(allow_null=True))
    def get_answer(self, row) -> dict | None:
        answer = getattr(row, "answer", None)
        return SavedAnswerSerializer(answer).data if answer else None

    @extend_schema_field(
        ReviewSerializer(
            allow_null=True,
            help_text="Null until the attempt is graded and the exam's review setting releases it.",
        )
    )
    def get_review(self, row) -> dict | None:
        if not self.context.get("review", False):
            return None
        snapshot, answer = row.snapshot, getattr(row, "answer", None)
        return ReviewSerializer(
            {
                "score": answer.score if answer else 0,
                "correct_options": right_keys(snapshot),
                "correct": snapshot["correct"],
                "accepted": snapshot["blanks"],
                "explanation": snapshot["explanation"],
                "feedback": answer.feedback if answer else "",
            }
        ).data


class AttemptSerializer(AttemptSummarySerializer):
    exam = serializers.IntegerField(source="exam_id")
    questions = serializers.SerializerMethodField()
    now = serializers.SerializerMethodField(
        help_text="The server's time, for the page's countdown."
    )

    class Meta(AttemptSummarySerializer.Meta):
        fields = [*AttemptSummarySerializer.Meta.fields, "exam", "now", "questions"]

    @extend_schema_field(AttemptQuestionSerializer(many=True))
    def get_questions(self, attempt) -> list[dict]:
        rows = attempt.paper
        if rows is None:
            rows = attempt.questions.select_related("answer").order_by("position")
        # The caller decides whether the review is released (it takes a query); by default not.
        review = self.context.get("review", False)
        return AttemptQuestionSerializer(rows, many=True, context={"review": review}).data

    def get_now(self, attempt) -> datetime.datetime:
        return timezone.now()


class AnswerSaveSerializer(serializers.Serializer):
    response = serializers.JSONField(
        help_text="An option's id, a string (single), a list of option ids (multiple), true/false, "
        "a list of strings (fill-in, one per blank) or a string (short answer)."
    )


class AnswerSavedSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="attempt_question.question_id")
    response = serializers.JSONField()
    saved_at = serializers.DateTimeField()


class SubmitResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["id", "status", "score", "max_score", "passed"]


class AnswerThrottle(SimpleRateThrottle):
    """At most so many saves a minute by a learner to one attempt: enough for a person, not for
    guessing. Counted per user and attempt, so requests to someone else's attempt (404) count
    against their sender, never against its owner."""

    scope = "answer"

    def get_cache_key(self, request, view):
        ident = f"{request.user.pk}:{view.kwargs['pk']}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ExamViewSet(viewsets.GenericViewSet):
    """Published exams of the courses you study; start an attempt."""

    serializer_class = ExamSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Exam.objects.none()
        return exams_visible_to(self.request.user).order_by("opens_at")

    def _data(self, exam) -> dict:
        user = self.request.user
        context = {
            "attempts": exam.attempts.filter(user=user).order_by("number"),
            "blocker": start_blocker(exam, user=user, now=timezone.now()),
        }
        return ExamSerializer(exam, context=context).data

    @extend_schema(responses=ExamSerializer(many=True))
    def list(self, request):
        """The exams, a page at a time like every list."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([self._data(exam) for exam in page])

    @extend_schema(responses=ExamSerializer)
    def retrieve(self, request, pk=None):
        """The exam's settings, your attempts so far, and whether you may start one now."""
        return Response(self._data(self.get_object()))

    @extend_schema(request=None, responses={200: AttemptSerializer, 201: AttemptSerializer})
    @action(detail=True, methods=["post"])
    def attempts(self, request, pk=None):
        """Start an attempt: 201 with the paper, or 200 with the attempt already open."""
        exam = self.get_object()
        attempt, created = start_attempt(exam, user=request.user)
        return Response(
            AttemptSerializer(attempt).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AttemptViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your attempts: read one, save answers, submit. Another learner's attempt is 404."""

    serializer_class = AttemptSerializer
    # Saving answers is throttled inside the action (per user and attempt).
    throttled_actions = ("answers",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attempt.objects.none()
        return Attempt.objects.filter(user=self.request.user).select_related("exam")

    def get_object(self):
        # Whoever touches an attempt whose time is up closes it first ("the next request").
        return close_if_overdue(super().get_object())

    def retrieve(self, request, pk=None):
        """The attempt with its questions and your saved answers; its review once released."""
        attempt = self.get_object()
        review = review_released(attempt, now=timezone.now())
        return Response(AttemptSerializer(attempt, context={"review": review}).data)

    @extend_schema(request=AnswerSaveSerializer, responses=AnswerSavedSerializer)
    @action(detail=True, methods=["put"], url_path=r"answers/(?P<question_id>[0-9]{1,18})")
    def answers(self, request, pk=None, question_id=None):
        """Save one answer. Saving the same answer twice is harmless; the last save wins."""
        # The throttle counts per user and attempt, so someone else's requests to this attempt
        # (404 below) never use up its owner's saves. The service finds the attempt only among
        # the user's own.
        throttle = AnswerThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        payload = AnswerSaveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            answer = save_answer(
                int(pk),
                question_id=int(question_id),
                response=payload.validated_data["response"],
                user=request.user,
            )
        except Attempt.DoesNotExist:
            raise NotFound() from None

        return Response(AnswerSavedSerializer(answer).data)

    @extend_schema(request=None, responses=SubmitResultSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Grade and close the attempt. Submitting again returns the same result."""
        attempt = submit_attempt(self.get_object())
        return Response(SubmitResultSerializer(attempt).data)
