"""Completion policies and certificates (结业证书)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from courses.models.curriculum import CoursePage
from courses.models.exams import Exam
from courses.models.learning import Cohort, Enrollment

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class CompletionPolicy(models.Model):
    """When a learner has completed a course (or one class of it): every condition ticked here.

    Schools differ, so each part is data: which conditions apply, and, for a weighted final
    grade, the weights of the exam, attendance (平时) and the reflection essay (心得体会).
    """

    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="policies"
    )
    cohort = models.OneToOneField(
        Cohort,
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policy",
        help_text=_(
            "Empty: the policy of every learner of the course who is not in a class with its own."
        ),
    )
    require_lessons = models.BooleanField(_("every lesson complete"), default=True)
    min_study_hours = models.DecimalField(
        _("minimum study hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty: the hours the class (or the course) requires."),
    )
    exam = models.ForeignKey(
        Exam,
        verbose_name=_("final exam"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    require_exam_pass = models.BooleanField(_("the final exam passed"), default=True)
    weighted_grade = models.BooleanField(
        _("weighted final grade"),
        default=False,
        help_text=_(
            "The final grade combines the marks below by their weights and must reach the pass mark."
        ),
    )
    exam_weight = models.DecimalField(
        _("exam weight (%)"), max_digits=5, decimal_places=1, default=70, validators=PERCENT
    )
    attendance_weight = models.DecimalField(
        _("attendance weight (%)"), max_digits=5, decimal_places=1, default=10, validators=PERCENT
    )
    essay_weight = models.DecimalField(
        _("essay weight (%)"), max_digits=5, decimal_places=1, default=20, validators=PERCENT
    )
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=1, default=60, validators=PERCENT
    )
    require_essay = models.BooleanField(_("a reflection essay graded"), default=False)
    essay_prompt = models.TextField(
        _("essay topic"), blank=True, help_text=_("e.g. 结合本期培训谈谈你对党的性质的认识")
    )
    essay_min_characters = models.PositiveIntegerField(
        _("essay minimum length (characters)"),
        default=0,
        help_text=_(
            "Characters other than spaces, as 字数 is counted; 0 for no minimum. "
            "Say it in the topic too (不少于800字)."
        ),
    )
    essay_pass_mark = models.DecimalField(
        _("essay pass mark"),
        max_digits=5,
        decimal_places=1,
        default=60,
        validators=PERCENT,
        help_text=_("Used when there is no weighted grade."),
    )
    require_signoff = models.BooleanField(_("an organizer's sign-off"), default=False)

    panels = [
        FieldRowPanel([FieldPanel("course"), FieldPanel("cohort")]),
        MultiFieldPanel(
            [FieldPanel("require_lessons"), FieldPanel("min_study_hours")], heading=_("Study")
        ),
        MultiFieldPanel([FieldPanel("exam"), FieldPanel("require_exam_pass")], heading=_("Exam")),
        MultiFieldPanel(
            [
                FieldPanel("weighted_grade"),
                FieldRowPanel(
                    [
                        FieldPanel("exam_weight"),
                        FieldPanel("attendance_weight"),
                        FieldPanel("essay_weight"),
                    ]
                ),
                FieldPanel("pass_mark"),
            ],
            heading=_("Final grade"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("require_essay"),
                FieldPanel("essay_prompt"),
                FieldPanel("essay_min_characters"),
                FieldPanel("essay_pass_mark"),
            ],
            heading=_("Reflection essay"),
        ),
        FieldPanel("require_signoff"),
    ]

    class Meta:
        verbose_name = _("completion policy")
        verbose_name_plural = _("completion policies")
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(cohort__isnull=True),
                name="one_course_wide_policy",
            ),
        ]

    def __str__(self) -> str:
        return str(self.cohort or self.course.title)

    def clean(self):
        if (
            self.weighted_grade
            and self.exam_weight + self.attendance_weight + self.essay_weight != 100
        ):
            raise ValidationError(_("The weights must add up to 100%."))
        cohort, exam = self.cohort, self.exam
        if cohort is not None and self.course_id and cohort.course_id != self.course_id:
            raise ValidationError({"cohort": _("This class is for another course.")})
        if exam is not None and self.course_id and exam.course_id != self.course_id:
            raise ValidationError({"exam": _("This exam is for another course.")})


class ReflectionEssay(models.Model):
    """心得体会: the learner's reflection on the training, graded by an instructor."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="essay")
    text = models.TextField(_("essay"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=1, null=True, blank=True, validators=PERCENT
    )
    feedback = models.TextField(_("comment"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reflection essay")
        verbose_name_plural = _("reflection essays")

    def __str__(self) -> str:
        return str(self.enrollment)


class Certificate(models.Model):
    """结业证书. What it certifies is copied in when it is issued and signed, so later edits to
    the course or the person never rewrite it. One live certificate per enrollment."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    serial = models.CharField(_("serial number"), max_length=32, unique=True)
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="certificates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="certificates")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    # The snapshot.
    holder_name = models.CharField(_("holder"), max_length=64)
    holder_number = models.CharField(_("student or staff number"), max_length=32)
    course_title = models.CharField(_("course"), max_length=255)
    hours = models.DecimalField(_("study hours"), max_digits=5, decimal_places=1)
    final_grade = models.DecimalField(
        _("final grade"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"))
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: issued automatically on completion."),
    )
    issue_reason = models.CharField(_("reason for issuing by hand"), max_length=200, blank=True)
    # Ed25519 signature of the canonical payload (courses/certificates/signing.py).
    signed_payload = models.TextField()
    signature = models.CharField(max_length=200)
    png = models.FileField(upload_to="certificates/", blank=True)
    pdf = models.FileField(upload_to="certificates/", blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=models.Q(status="valid"),
                name="one_live_certificate_per_enrollment",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID


class CertificateEvent(models.Model):
    """The history of a serial: issued, rendered, revoked, replaced — who, when and why."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        RENDERED = "rendered", _("Rendered")
        REVOKED = "revoked", _("Revoked")
        REPLACED = "replaced", _("Replaced by a new certificate")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["certificate", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.action}"


class VerificationLog(models.Model):
    """Every look-up of a serial, found or not: for audit and to notice guessing."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Verification page")
        API = "api", _("API")
        BULK = "bulk", _("Bulk verification")

    serial = models.CharField(max_length=64)
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="verifications"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    client = models.CharField(
        max_length=64, blank=True, help_text="A hash of the client's address, not the address."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.serial} {self.at:%Y-%m-%d %H:%M}"
