from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from membership import records

#: A grade is the year a class entered the university.
GRADE_VALIDATORS = [MinValueValidator(1950), MaxValueValidator(2100)]
GRADE_IS_A_YEAR = models.Q(grade__isnull=True) | models.Q(grade__gte=1950, grade__lte=2100)


class Stage(models.TextChoices):
    """The stages of joining the party, in order."""

    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    CANDIDATE = "candidate", _("Development candidate")
    PROBATIONARY = "probationary", _("Probationary member")
    MEMBER = "member", _("Full member")

    def next(self) -> "Stage | None":
        stages = list(Stage)
        position = stages.index(self)
        return stages[position + 1] if position + 1 < len(stages) else None


class Organization(MP_Node):
    """A node of the party organization tree: committee → general branch → branch → group."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Party committee")
        GENERAL_BRANCH = "general_branch", _("General branch")
        BRANCH = "branch", _("Branch")
        GROUP = "group", _("Party group")

    class BranchKind(models.TextChoices):
        UNDERGRADUATE = "undergraduate", _("Undergraduate")
        GRADUATE = "graduate", _("Graduate")
        STAFF = "staff", _("Staff")
        MIXED = "mixed", _("Mixed")

    # Which kinds may sit directly under which.
    ALLOWED_PARENTS: dict[str, set[str | None]] = {
        Kind.COMMITTEE: {None, Kind.COMMITTEE},
        Kind.GENERAL_BRANCH: {Kind.COMMITTEE},
        Kind.BRANCH: {Kind.COMMITTEE, Kind.GENERAL_BRANCH},
        Kind.GROUP: {Kind.BRANCH},
    }

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    branch_kind = models.CharField(
        _("members are"), max_length=20, choices=BranchKind.choices, blank=True
    )
    grade = models.PositiveSmallIntegerField(
        _("grade"),
        null=True,
        blank=True,
        validators=GRADE_VALIDATORS,
        help_text=_("Year of entry, for a branch of one grade."),
    )
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizers"),
        blank=True,
        related_name="organized_organizations",
        help_text=_("They see and manage the people of this organization and everything under it."),
    )

    node_order_by = ["kind", "name"]

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        constraints = [
            models.CheckConstraint(condition=GRADE_IS_A_YEAR, name="organization_grade_is_a_year")
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """The development file (人员档案) of one account holder."""

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="person",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("party organization"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    college = models.CharField(_("college"), max_length=100, blank=True)
    grade = models.PositiveSmallIntegerField(
        _("grade"), null=True, blank=True, validators=GRADE_VALIDATORS
    )
    class_name = models.CharField(_("class"), max_length=60, blank=True)
    is_league_member = models.BooleanField(_("Youth League member"), default=False)
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=Stage.choices,
        default=Stage.APPLICANT,
        help_text=_("Changed only by recording a stage change, never edited directly."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["organization", "stage"])]
        constraints = [
            models.CheckConstraint(condition=GRADE_IS_A_YEAR, name="person_grade_is_a_year")
        ]

    def __str__(self) -> str:
        return str(self.user)


class DevelopmentRecord(models.Model):
    """One dated fact of a person's development (发展记录): who recorded it and when.

    Never edited: a correction is a new record that supersedes this one, with a reason.
    """

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered")
        IMPORTED = "imported", _("Imported from a roster")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField(_("record"), max_length=40, choices=list(records.KINDS.items()))
    occurred_on = models.DateField(_("date"))
    details = models.JSONField(_("details"), default=dict, blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("development record")
        verbose_name_plural = _("development records")
        ordering = ["person", "occurred_on", "recorded_at"]
        indexes = [models.Index(fields=["person", "kind", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class StageChange(models.Model):
    """One move of a person between stages: dated, attributed, never edited afterwards.

    The first record of a person (``from_stage`` empty, ``to_stage`` applicant) is the
    application for party membership.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="stage_changes"
    )
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    effective_on = models.DateField(_("effective on"))
    basis = models.CharField(
        _("decided by"),
        max_length=200,
        blank=True,
        help_text=_("e.g. branch committee meeting of 2025-03-01"),
    )
    note = models.TextField(_("note"), blank=True)
    decision = models.OneToOneField(
        DevelopmentRecord,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stage_change",
    )
    override_reason = models.TextField(
        _("reason for overriding the checks"),
        blank=True,
        help_text=_(
            "Filled only when an administrator recorded the move although checks were unmet."
        ),
    )

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["person", "effective_on", "recorded_at"]
        indexes = [models.Index(fields=["to_stage", "effective_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_stage=models.F("to_stage")), name="stage_change_moves"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_to_stage_display()} ({self.effective_on})"


class PublicNotice(models.Model):
    """A public notice (公示): the people an organization proposes for the next stage, published
    on the site for a period during which anyone may object. Each person on it gets a notice
    record in their file; an objection is recorded by correcting that record."""

    class Kind(models.TextChoices):
        CANDIDATE = records.CANDIDATE_NOTICE, _("Proposed development candidates")
        ADMISSION = records.ADMISSION_NOTICE, _("Proposed probationary members")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="public_notices",
    )
    title = models.CharField(_("title"), max_length=255)
    starts_on = models.DateField(_("notice starts on"))
    ends_on = models.DateField(_("notice ends on"))
    feedback = models.TextField(_("how to give feedback"))
    people = models.ManyToManyField(
        Person, verbose_name=_("people"), through="NoticeEntry", related_name="public_notices"
    )
    page = models.ForeignKey(
        "cms.NoticePage",
        verbose_name=_("page on the site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-starts_on", "-published_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="public_notice_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoticeEntry(models.Model):
    """One person on a public notice, with the notice record written to their file."""

    notice = models.ForeignKey(
        PublicNotice,
        verbose_name=_("public notice"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="notice_entries"
    )
    record = models.OneToOneField(
        DevelopmentRecord,
        verbose_name=_("development record"),
        on_delete=models.PROTECT,
        related_name="notice_entry",
    )

    class Meta:
        verbose_name = _("person on a notice")
        verbose_name_plural = _("people on a notice")
        constraints = [
            models.UniqueConstraint(fields=["notice", "person"], name="one_entry_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.notice}: {self.person}"
