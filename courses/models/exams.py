"""Question banks, exams and attempts (结业考试)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from courses.models.curriculum import CoursePage
from courses.models.learning import Cohort
from courses.questions import types as q

KIND_CHOICES = [
    (q.SINGLE, _("Single choice")),
    (q.MULTIPLE, _("Multiple choice")),
    (q.TRUE_FALSE, _("True or false")),
    (q.FILL_IN, _("Fill in the blanks")),
    (q.SHORT_ANSWER, _("Short answer (graded by hand)")),
]
DIFFICULTY_CHOICES = [(q.EASY, _("Easy")), (q.MEDIUM, _("Medium")), (q.HARD, _("Hard"))]
SCORING_CHOICES = [
    (q.ALL_OR_NOTHING, _("All right options, nothing else: full points; otherwise none")),
    (q.PARTIAL, _("Some right options and no wrong one: half the points")),
    (q.WEIGHTED, _("The sum of the chosen options' weights")),
]


class QuestionBank(models.Model):
    """题库: a named set of questions that exam papers draw from."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(ClusterableModel):
    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="questions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    title = models.CharField(_("title"), max_length=120, blank=True)
    text = models.TextField(
        _("question"),
        help_text=_("For fill-in questions, write each blank as ____ (four underscores)."),
    )
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=1, default=1, validators=[MinValueValidator(0.1)]
    )
    category = models.CharField(
        _("category"), max_length=60, blank=True, db_index=True, help_text=_("e.g. 党章, 党史")
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=DIFFICULTY_CHOICES, default=q.MEDIUM
    )
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown to learners after grading.")
    )
    multiple_scoring = models.CharField(
        _("scoring of multiple choice"),
        max_length=20,
        choices=SCORING_CHOICES,
        default=q.ALL_OR_NOTHING,
    )
    correct_answer = models.BooleanField(_("the statement is true"), null=True, blank=True)
    reference_answer = models.TextField(
        _("reference answer"), blank=True, help_text=_("For graders of short answers.")
    )
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Retire a question instead of deleting it: past papers refer to it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("bank"), FieldPanel("kind")]),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("points"), FieldPanel("category"), FieldPanel("difficulty")]),
        MultiFieldPanel(
            [InlinePanel("options", label=_("option")), FieldPanel("multiple_scoring")],
            heading=_("Choice questions"),
        ),
        FieldPanel("correct_answer"),
        InlinePanel("blanks", label=_("blank"), heading=_("Fill-in questions")),
        FieldPanel("reference_answer"),
        FieldPanel("explanation"),
        FieldRowPanel([FieldPanel("title"), FieldPanel("is_active")]),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["bank", "category", "pk"]
        indexes = [models.Index(fields=["bank", "kind", "is_active"])]

    def __str__(self) -> str:
        return self.title or self.text[:40]


class QuestionOption(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("option"), max_length=500)
    fraction = models.DecimalField(
        _("share of the points"),
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(-1), MaxValueValidator(1)],
        help_text=_(
            "1 for the right option. With weights: e.g. 0.5 each for two right options, -1 for a wrong one."
        ),
    )

    panels = [FieldRowPanel([FieldPanel("text"), FieldPanel("fraction")])]

    def __str__(self) -> str:
        return self.text


class FillBlank(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="blanks")
    answers = models.TextField(_("accepted answers"), help_text=_("One per line."))

    panels = [FieldPanel("answers")]

    def __str__(self) -> str:
        return " / ".join(self.accepted())

    def accepted(self) -> list[str]:
        return [line.strip() for line in self.answers.splitlines() if line.strip()]


class Exam(ClusterableModel):
    """结业考试 of a course (optionally of one class): when, how long, and how the paper is drawn."""

    class Review(models.TextChoices):
        """When a learner sees the review of a graded attempt (Moodle's review options)."""

        AFTER_EACH_ATTEMPT = "after_each_attempt", _("Immediately, after each attempt")
        AFTER_LAST_ATTEMPT = "after_last_attempt", _("After the learner's last attempt")
        AFTER_CLOSE = "after_close", _("After the exam closes")
        NEVER = "never", _("Never")

    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="exams"
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exams",
        help_text=_(
            "Only learners of this class may sit the exam. Empty: every learner of the course."
        ),
    )
    title = models.CharField(_("title"), max_length=120)
    instructions = models.TextField(_("instructions"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=60, validators=[MinValueValidator(1)]
    )
    grace_seconds = models.PositiveSmallIntegerField(
        _("grace period (seconds)"),
        default=60,
        help_text=_(
            "Answers that arrive this long after the deadline still count (slow networks)."
        ),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=1, validators=[MinValueValidator(1)]
    )
    pass_score = models.DecimalField(_("pass score"), max_digits=6, decimal_places=1, default=60)
    requires_lessons_complete = models.BooleanField(
        _("all lessons must be complete first"), default=True
    )
    shuffle_options = models.BooleanField(_("shuffle the options"), default=True)
    review = models.CharField(
        _("when the answers are shown"),
        max_length=20,
        choices=Review.choices,
        default=Review.AFTER_LAST_ATTEMPT,
        help_text=_(
            "When learners see each question's score, the right answers, the explanations and "
            "graders' comments of a graded attempt; until then they see only their total score and "
            "whether they passed. “After the learner's last attempt”: once they can start no other "
            "attempt (their attempts are used up or the exam has closed)."
        ),
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Learners see only published exams.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldRowPanel([FieldPanel("course"), FieldPanel("cohort")]),
        FieldPanel("title"),
        FieldPanel("instructions"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldRowPanel(
            [
                FieldPanel("time_limit_minutes"),
                FieldPanel("grace_seconds"),
                FieldPanel("max_attempts"),
            ]
        ),
        FieldRowPanel(
            [
                FieldPanel("pass_score"),
                FieldPanel("requires_lessons_complete"),
                FieldPanel("shuffle_options"),
            ]
        ),
        FieldPanel("review"),
        InlinePanel("rules", label=_("rule"), heading=_("Paper"), min_num=1),
        FieldPanel("is_published"),
    ]

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="exam_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The exam must close after it opens.")})
        cohort = self.cohort
        if cohort is not None and self.course_id and cohort.course_id != self.course_id:
            raise ValidationError({"cohort": _("This class is for another course.")})

    def is_open_at(self, moment) -> bool:
        return self.is_published and self.opens_at <= moment < self.closes_at

    @property
    def answers_accepted_until(self) -> datetime.datetime:
        """The last moment any attempt accepts an answer: no deadline is after ``closes_at``,
        and each has the grace period on top."""
        return self.closes_at + datetime.timedelta(seconds=self.grace_seconds)


class ExamRule(Orderable):
    """One part of the paper: "10 single-choice questions from 党章, 2 points each"."""

    exam = ParentalKey(Exam, on_delete=models.CASCADE, related_name="rules")
    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    category = models.CharField(
        _("category"), max_length=60, blank=True, help_text=_("Empty: any category.")
    )
    difficulty = models.CharField(
        _("difficulty"),
        max_length=10,
        choices=DIFFICULTY_CHOICES,
        blank=True,
        help_text=_("Empty: any."),
    )
    count = models.PositiveSmallIntegerField(
        _("number of questions"), validators=[MinValueValidator(1)]
    )
    points_each = models.DecimalField(
        _("points each"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty: each question's own points."),
    )

    panels = [
        FieldRowPanel([FieldPanel("bank"), FieldPanel("kind"), FieldPanel("count")]),
        FieldRowPanel(
            [FieldPanel("category"), FieldPanel("difficulty"), FieldPanel("points_each")]
        ),
    ]

    def __str__(self) -> str:
        return f"{self.count} × {self.get_kind_display()}"

    def candidates(self):
        """The questions this rule may draw."""
        questions = Question.objects.filter(bank_id=self.bank_id, kind=self.kind, is_active=True)
        if self.category:
            questions = questions.filter(category=self.category)
        if self.difficulty:
            questions = questions.filter(difficulty=self.difficulty)
        return questions


class Attempt(models.Model):
    """答卷: one sitting of an exam by a learner. Its deadline is fixed when it starts."""

    # Wagtail's reference index (the "usage" of the exam and the user) would be rewritten on
    # every start and close, thousands in an exam hour, for a list nobody reads.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        PENDING_REVIEW = "pending_review", _("Awaiting grading")
        GRADED = "graded", _("Graded")

    class CloseReason(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        TIME_UP = "time_up", _("Time up")

    exam = models.ForeignKey(
        Exam, verbose_name=_("exam"), on_delete=models.PROTECT, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(
        _("closed by"), max_length=20, choices=CloseReason.choices, blank=True
    )
    max_score = models.DecimalField(_("full marks"), max_digits=7, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "user", "number"], name="attempt_numbers_are_unique"
            ),
            # Two tabs pressing "start" at once must not open two attempts.
            models.UniqueConstraint(
                fields=["exam", "user"],
                condition=models.Q(status="open"),
                name="one_open_attempt_per_exam",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.exam} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    # Not a field: a new attempt's questions as drawn, set by start_attempt so that the paper
    # it answers with is not read back.
    paper: "list[AttemptQuestion] | None" = None

    @property
    def closes_at(self):
        """The last moment an answer is accepted: the deadline plus the exam's grace period."""
        return self.deadline + datetime.timedelta(seconds=self.exam.grace_seconds)


class AttemptQuestion(models.Model):
    """A question as it was drawn into one attempt: its points, option order and a snapshot of
    its content, so editing the bank later never changes a paper already handed out.

    Each option of the snapshot has a ``key`` drawn at random for this attempt: it is what the
    learner sees and answers with, and says nothing about the bank's order (authors tend to
    write the right option first). ``option_id`` is the bank's option, for item analysis; it
    never leaves the server."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    points = models.DecimalField(max_digits=5, decimal_places=1)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="one_question_per_position"
            ),
            models.UniqueConstraint(
                fields=["attempt", "question"], name="a_question_once_per_attempt"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.position}"


class Answer(models.Model):
    """作答: the learner's last saved response to one question of an attempt, and its score."""

    attempt_question = models.OneToOneField(
        AttemptQuestion, on_delete=models.CASCADE, related_name="answer"
    )
    response = models.JSONField()
    saved_at = models.DateTimeField(_("saved at"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    feedback = models.TextField(_("grader's comment"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.attempt_question}: {self.response!r}"
