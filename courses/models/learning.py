"""Who learns what: training classes, enrollments, and study time per lesson."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.curriculum import CoursePage, LessonPage


class Cohort(models.Model):
    """A training class (培训班): a course run for a group, with dates and required hours."""

    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(
        _("name"), max_length=120, help_text=_("e.g. 第二十六期入党积极分子培训班")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    required_hours = models.DecimalField(
        _("required study hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0)],
        null=True,
        blank=True,
        help_text=_(
            "The hours a learner must earn in this class. Leave empty for the course's hours."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        blank=True,
        related_name="managed_cohorts",
        help_text=_("Organizers who enroll learners and follow their progress."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The class cannot end before it starts.")})

    @property
    def hours_required(self):
        return self.required_hours if self.required_hours is not None else self.course.study_hours


class Enrollment(models.Model):
    """A learner in a course, on their own or through a cohort. One per learner and course."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Studying")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrollments"
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)
    # Marks some completion policies ask for, entered by organizers (courses/completion.py).
    attendance_score = models.DecimalField(
        _("attendance mark"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("平时成绩, out of 100."),
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="one_enrollment_per_learner_and_course"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course.title}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def cohort_name(self) -> str:
        return self.cohort.name if self.cohort else ""


class LessonProgress(models.Model):
    """How long a learner has studied one lesson, as measured by the server, and whether it is done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="lesson_progress",
    )
    lesson = models.ForeignKey(
        LessonPage, verbose_name=_("lesson"), on_delete=models.PROTECT, related_name="progress"
    )
    # Milliseconds: heartbeats credit fractions of seconds, which must add up exactly.
    studied_ms = models.PositiveBigIntegerField(_("time studied (ms)"), default=0)
    video_watched_ms = models.PositiveBigIntegerField(_("video watched (ms)"), default=0)
    video_reached_end = models.BooleanField(_("video watched to the end"), default=False)
    first_visited_at = models.DateTimeField(_("first visited at"), default=timezone.now)
    last_visited_at = models.DateTimeField(_("last visited at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="one_progress_per_learner_and_lesson"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson.title}"


class StudyClock(models.Model):
    """The one running study clock of a learner: when their last heartbeat arrived, for which lesson.

    There is one row per learner, locked by every heartbeat, which is what makes two tabs,
    parallel scripts or several lessons at once share a single clock.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="study_clock",
        primary_key=True,
    )
    lesson = models.ForeignKey(LessonPage, null=True, on_delete=models.SET_NULL, related_name="+")
    last_beat_at = models.DateTimeField(
        null=True, help_text="None while the learner is not studying."
    )

    class Meta:
        verbose_name = _("study clock")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.last_beat_at or '-'}"
