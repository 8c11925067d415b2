"""Enrollment and study time: the writes of the learning part of the school."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import Action as AuditAction
from audit.services import changes_between
from audit.services import record as record_audit
from courses.models import Cohort, CoursePage, Enrollment, LessonPage, LessonProgress, StudyClock
from courses.progress import heartbeat_credit_ms, is_complete, video_credit_ms
from courses.scope import can_manage, learners_enrollable_by, runs_every_class
from courses.selectors import lesson_facts, progress_facts
from courses.services import certificates
from school.exceptions import Conflict, DomainError, Forbidden


class EnrollmentClosed(Forbidden):
    code = "enrollment_closed"
    default_detail = _(
        "This course is not open for self-enrollment; your organizer enrolls you in a class."
    )


class CourseNotAvailable(DomainError):
    code = "course_not_available"
    status_code = 404
    default_detail = _("This course is not published.")


class AlreadyInAnotherCohort(Conflict):
    code = "already_in_another_cohort"


class NotEnrolled(Forbidden):
    code = "not_enrolled"
    default_detail = _("Enroll in the course first: study time counts only for enrolled learners.")


class NotManager(Forbidden):
    code = "not_class_manager"
    default_detail = _("Only the organizers who run this class may do this.")


class LessonNotAvailable(DomainError):
    code = "lesson_not_available"
    status_code = 404
    default_detail = _("This lesson is not published.")


def _max_gap_seconds() -> int:
    return settings.STUDY_HEARTBEAT_SECONDS + settings.STUDY_HEARTBEAT_GRACE_SECONDS


@transaction.atomic
def enroll(
    course: CoursePage, *, user: User, actor: User, cohort: Cohort | None = None
) -> tuple[Enrollment, bool]:
    """Enroll ``user`` in ``course``, on their own (``actor`` is the user) or into ``cohort``.

    Safe to repeat: an existing enrollment is returned with ``created`` False. Enrolling a
    self-enrolled learner into a cohort attaches the cohort and keeps their progress; a
    withdrawn learner is taken back with their history. Raises ``EnrollmentClosed`` when a
    learner enrolls themselves in a course that is not open, ``CourseNotAvailable`` for an
    unpublished course, ``AlreadyInAnotherCohort`` when the learner is in another class of it.
    Writes an audit row when something changed (a new enrollment, a cohort, a return).
    """
    if not course.live:
        raise CourseNotAvailable()
    if cohort is not None and cohort.course_id != course.pk:
        raise DomainError(_("This class is for another course."), code="cohort_course_mismatch")
    if cohort is None and not course.self_enrollment and actor.pk == user.pk:
        raise EnrollmentClosed()

    enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if enrollment is None:
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(
                    user=user, course=course, cohort=cohort, enrolled_by=actor
                )
            record_audit(
                AuditAction.ENROLL,
                actor=actor,
                target=enrollment,
                details={"cohort": cohort.pk if cohort else None, "own": actor.pk == user.pk},
            )
            return enrollment, True
        except IntegrityError:
            # Another request enrolled them a moment ago: theirs is the enrollment.
            enrollment = Enrollment.objects.select_for_update().get(user=user, course=course)

    changed = []
    before = {"cohort": enrollment.cohort_id, "status": enrollment.status}
    if cohort is not None and enrollment.cohort_id not in (None, cohort.pk):
        raise AlreadyInAnotherCohort(
            _("%(user)s is already in the class %(cohort)s of this course.")
            % {"user": user, "cohort": enrollment.cohort}
        )
    if cohort is not None and enrollment.cohort_id is None:
        enrollment.cohort = cohort
        changed.append("cohort")
    if not enrollment.is_active:
        enrollment.status = Enrollment.Status.ACTIVE
        enrollment.withdrawn_at = None
        enrollment.withdrawal_reason = ""
        changed += ["status", "withdrawn_at", "withdrawal_reason"]
    if changed:
        enrollment.save(update_fields=changed)
        record_audit(
            AuditAction.ENROLL,
            actor=actor,
            target=enrollment,
            changes=changes_between(
                before, {"cohort": enrollment.cohort_id, "status": enrollment.status}
            ),
            details={"cohort": cohort.pk if cohort else None, "own": actor.pk == user.pk},
        )
    return enrollment, False


@dataclass
class BulkEnrollment:
    enrolled: list[str]
    already: list[str]
    unknown: list[str]
    refused: dict[str, str]


def enroll_many(cohort: Cohort, *, usernames: list[str], actor: User) -> BulkEnrollment:
    """Enroll the accounts with these student or staff numbers into ``cohort``.

    Only the class's managers (and school administrators) may, and an organizer only the
    people of their own organizations (``courses.scope.learners_enrollable_by``): a number
    outside their reach is reported with the unknown ones, in the same words, so the list
    cannot be used to find out who has an account. Raises ``NotManager`` for anyone else.
    Each learner is enrolled in their own transaction, so one refusal does not undo the rest;
    the result says who was enrolled, who already was, which numbers are unknown and who
    was refused and why. Safe to repeat. Each learner enrolled writes their own audit row.
    """
    if not can_manage(actor, cohort):
        raise NotManager()
    wanted = list(dict.fromkeys(name.strip() for name in usernames if name.strip()))
    accounts = User.objects.filter(username__in=wanted, is_active=True)
    enrollable = learners_enrollable_by(actor)
    if enrollable is not None:
        accounts = accounts.filter(pk__in=enrollable.values("pk"))
    users = {user.username: user for user in accounts}
    result = BulkEnrollment(enrolled=[], already=[], unknown=[], refused={})
    for username in wanted:
        user = users.get(username)
        if user is None:
            result.unknown.append(username)
            continue
        try:
            _enrollment, created = enroll(cohort.course, user=user, actor=actor, cohort=cohort)
        except DomainError as error:
            result.refused[username] = str(error.detail)
            continue
        (result.enrolled if created else result.already).append(username)
    return result


@transaction.atomic
def withdraw(enrollment: Enrollment, *, actor: User, reason: str = "") -> Enrollment:
    """Take a learner out of a course. Their progress stays on record. Safe to repeat.

    School administrators may withdraw anyone; an organizer, the learners of a class they
    manage (``NotManager`` otherwise). Writes the audit row (once, when they leave)."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .get(pk=enrollment.pk)
    )
    if not runs_every_class(actor) and not (
        enrollment.cohort is not None and can_manage(actor, enrollment.cohort)
    ):
        raise NotManager()
    if enrollment.is_active:
        enrollment.status = Enrollment.Status.WITHDRAWN
        enrollment.withdrawn_at = timezone.now()
        enrollment.withdrawal_reason = reason
        enrollment.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
        record_audit(
            AuditAction.WITHDRAW,
            actor=actor,
            target=enrollment,
            changes={"status": [Enrollment.Status.ACTIVE, Enrollment.Status.WITHDRAWN]},
            details={"reason": reason},
        )
    return enrollment


def _check_can_study(user: User, lesson: LessonPage) -> int:
    """The id of the learner's active enrollment in the lesson's course, or an error."""
    if not lesson.live:
        raise LessonNotAvailable()
    course_id = CoursePage.objects.parent_of(lesson).values_list("pk", flat=True).first()
    enrollment_id = (
        Enrollment.objects.filter(user=user, course_id=course_id, status=Enrollment.Status.ACTIVE)
        .values_list("pk", flat=True)
        .first()
    )
    if enrollment_id is None:
        raise NotEnrolled()
    return enrollment_id


@transaction.atomic
def record_visit(lesson: LessonPage, *, user: User) -> LessonProgress:
    """Note that ``user`` opened ``lesson`` (the lesson to continue). Safe to repeat."""
    _check_can_study(user, lesson)
    now = timezone.now()
    progress, created = LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"first_visited_at": now, "last_visited_at": now}
    )
    if not created:
        progress.last_visited_at = now
        progress.save(update_fields=["last_visited_at"])
    return progress


@dataclass
class Heartbeat:
    progress: LessonProgress
    credited_ms: int
    just_completed: bool


@transaction.atomic
def record_heartbeat(
    lesson: LessonPage,
    *,
    user: User,
    visible: bool,
    video_seconds: float = 0,
    video_ended: bool = False,
    now: datetime.datetime | None = None,
) -> Heartbeat:
    """Credit study time to ``lesson`` for a heartbeat that arrived now.

    Locks the learner's study clock, so heartbeats from several tabs, scripts or lessons are
    credited one after another and together never more than the wall time (courses.progress).
    ``visible`` False is the page saying it was hidden: the time up to now is credited and the
    clock stops, so nothing counts until the page beats visible again. Video time is credited
    up to the study time of the same beat. Marks the lesson complete on the beat that
    completes it. Raises ``LessonNotAvailable`` or ``NotEnrolled`` and then changes nothing.
    """
    enrollment_id = _check_can_study(user, lesson)
    StudyClock.objects.get_or_create(user=user)
    clock = StudyClock.objects.select_for_update().get(user=user)
    # The time is read after the lock is held: a beat that waited for the lock must not
    # carry an earlier time past one that went before it, or that stretch would count twice.
    now = now or timezone.now()
    if clock.last_beat_at and now < clock.last_beat_at:
        now = clock.last_beat_at
    credited_ms = heartbeat_credit_ms(clock.last_beat_at, now, _max_gap_seconds())
    clock.lesson = lesson
    clock.last_beat_at = now if visible else None

    clock.save(update_fields=["lesson", "last_beat_at"])

    progress, _created = LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"first_visited_at": now, "last_visited_at": now}
    )
    progress.studied_ms += credited_ms
    progress.video_watched_ms += video_credit_ms(video_seconds, credited_ms)
    # The end counts only when it comes after real watching, not from a page that claims it.
    if video_ended and credited_ms:
        progress.video_reached_end = True
    progress.last_visited_at = now
    just_completed = progress.completed_at is None and is_complete(
        lesson_facts(lesson), progress_facts(progress)
    )
    if just_completed:
        progress.completed_at = now
    progress.save()
    if just_completed:
        certificates.queue_completion_check(enrollment_id)
    return Heartbeat(progress=progress, credited_ms=credited_ms, just_completed=just_completed)
