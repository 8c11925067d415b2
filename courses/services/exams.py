"""Exams: drawing papers, saving answers, closing and grading attempts.

Every write to an attempt locks the attempt's row first. That is what makes an acknowledged
answer safe: a save either commits before the attempt closes (and is graded with it) or
finds the attempt closed and is refused with ``AttemptClosed`` — never both, never neither.
Closing and grading happen once, by whoever takes the lock first: the learner's submit, a
save that arrives after the deadline, or the periodic sweep.
"""

import datetime
import random
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import Action as AuditAction
from audit.services import changes_between, label_of
from audit.services import record as record_audit
from courses import scoring
from courses.models import Answer, Attempt, AttemptQuestion, Enrollment, Exam, Question
from courses.questions import types as q
from courses.selectors import enrollment_progress
from courses.services import certificates
from school.exceptions import Conflict, DomainError, Forbidden


class ExamNotAvailable(Forbidden):
    code = "exam_not_open"
    default_detail = _("The exam is not open now.")


class ExamClosed(Forbidden):
    code = "exam_closed"
    default_detail = _("The exam has closed.")


class NoAttemptsLeft(Forbidden):
    code = "no_attempts_left"
    default_detail = _("You have used all your attempts at this exam.")


class LessonsIncomplete(Forbidden):
    code = "lessons_incomplete"
    default_detail = _("Complete every lesson of the course before sitting the exam.")


class NotEnrolledForExam(Forbidden):
    code = "not_enrolled"
    default_detail = _("Only learners enrolled in this course (and class) may sit the exam.")


class AttemptClosed(Conflict):
    code = "attempt_closed"
    default_detail = _("This attempt is closed: the time is up or it was submitted.")


class UnknownQuestion(DomainError):
    code = "unknown_question"
    status_code = 404
    default_detail = _("This question is not part of the attempt.")


class InvalidAnswer(DomainError):
    code = "invalid_response"


class PaperCannotBeDrawn(Conflict):
    code = "paper_cannot_be_drawn"


class InvalidGrade(DomainError):
    code = "invalid_grade"


# --- Papers --------------------------------------------------------------------------------------


def option_keys(count: int) -> list[str]:
    """``count`` distinct random keys for a question's options in one attempt.

    A learner answers with these, so they must say nothing about the bank: option pks follow
    the order the author wrote the options in, and authors tend to write the right one first.
    """
    keys: list[str] = []
    while len(keys) < count:
        key = secrets.token_urlsafe(6)
        if key not in keys:
            keys.append(key)
    return keys


def snapshot_of(question: Question, *, shuffle: bool, rng: random.Random) -> dict:
    """What an attempt keeps of a question: enough to show it and score it later.

    Options are identified by keys drawn for this attempt (``option_keys``); the bank's
    option is kept as ``option_id`` for item analysis and never sent to the learner.
    """
    bank_options = list(question.options.all())
    options = [
        {"key": key, "option_id": o.pk, "text": o.text, "fraction": str(o.fraction)}
        for key, o in zip(option_keys(len(bank_options)), bank_options, strict=True)
    ]
    if shuffle:
        rng.shuffle(options)
    return {
        "kind": question.kind,
        "text": question.text,
        "options": options,
        "scoring": question.multiple_scoring,
        "correct": question.correct_answer,
        "blanks": [blank.accepted() for blank in question.blanks.all()],
        "explanation": question.explanation,
        "reference_answer": question.reference_answer,
    }


def check_paper(exam: Exam) -> list[str]:
    """Why the exam's rules cannot draw a paper (too few questions); empty when they can."""
    problems = []
    for rule in exam.rules.all():
        available = rule.candidates().count()
        if available < rule.count:
            problems.append(
                _(
                    "Rule “%(rule)s” needs %(count)d questions but the bank has %(available)d that fit."
                )
                % {"rule": rule, "count": rule.count, "available": available}
            )
    return problems


def draw_paper(exam: Exam, rng: random.Random) -> list[tuple[Question, Decimal, dict]]:
    """Questions drawn at random for one attempt, rule by rule, each once."""
    drawn: list[tuple[Question, Decimal, dict]] = []
    taken: set[int] = set()
    for rule in exam.rules.order_by("sort_order", "pk"):
        ids = [pk for pk in rule.candidates().values_list("pk", flat=True) if pk not in taken]
        if len(ids) < rule.count:
            raise PaperCannotBeDrawn(_("The exam's paper cannot be drawn; tell the instructors."))
        chosen = rng.sample(ids, rule.count)
        taken.update(chosen)
        questions = (
            Question.objects.filter(pk__in=chosen).prefetch_related("options", "blanks").in_bulk()
        )
        for pk in chosen:
            question = questions[pk]
            points = rule.points_each if rule.points_each is not None else question.points
            drawn.append(
                (question, points, snapshot_of(question, shuffle=exam.shuffle_options, rng=rng))
            )
    return drawn


# --- Starting ------------------------------------------------------------------------------------


def start_blocker(exam: Exam, *, user: User, now: datetime.datetime) -> DomainError | None:
    """Why ``user`` may not start an attempt now (an error to raise), or None."""
    if not exam.is_published or now < exam.opens_at:
        return ExamNotAvailable()
    if now >= exam.closes_at:
        return ExamClosed()
    enrollments = Enrollment.objects.filter(
        user=user, course_id=exam.course_id, status=Enrollment.Status.ACTIVE
    )
    if exam.cohort_id:
        enrollments = enrollments.filter(cohort_id=exam.cohort_id)
    if not enrollments.exists():
        return NotEnrolledForExam()
    if (
        exam.attempts.filter(user=user).exclude(status=Attempt.Status.OPEN).count()
        >= exam.max_attempts
    ):
        return NoAttemptsLeft()
    if exam.requires_lessons_complete:
        progress = enrollment_progress(user, exam.course)
        if progress is None or progress.progress.lessons_done < progress.progress.lessons_total:
            return LessonsIncomplete()
    return None


def start_attempt(
    exam: Exam, *, user: User, now: datetime.datetime | None = None
) -> tuple[Attempt, bool]:
    """Start an attempt, or return the learner's open one (``created`` False).

    Safe to repeat, from several tabs at once: the learner's enrollment row is locked while
    deciding, and at most one open attempt per learner and exam can exist (a constraint).
    An open attempt whose time is up is closed (and graded) first. Raises one of the
    ``start_blocker`` errors when the learner may not start.
    """
    now = now or timezone.now()
    close_overdue_attempts(exam=exam, user=user, now=now)
    with transaction.atomic():
        Enrollment.objects.select_for_update().filter(user=user, course_id=exam.course_id).first()
        existing = exam.attempts.filter(user=user, status=Attempt.Status.OPEN).first()
        if existing:
            return existing, False
        blocker = start_blocker(exam, user=user, now=now)
        if blocker:
            raise blocker
        rng = random.Random()
        paper = draw_paper(exam, rng)
        deadline = min(now + datetime.timedelta(minutes=exam.time_limit_minutes), exam.closes_at)
        number = exam.attempts.filter(user=user).count() + 1
        try:
            with transaction.atomic():
                attempt = Attempt.objects.create(
                    exam=exam,
                    user=user,
                    number=number,
                    started_at=now,
                    deadline=deadline,
                    max_score=sum((points for _q, points, _s in paper), Decimal(0)),
                )
        except IntegrityError:
            # The same learner started in another tab a moment ago: that attempt is theirs.
            return exam.attempts.get(user=user, status=Attempt.Status.OPEN), False
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(
                attempt=attempt, question=question, position=n, points=points, snapshot=snapshot
            )
            for n, (question, points, snapshot) in enumerate(paper, start=1)
        )
        return attempt, True


# --- Answering -----------------------------------------------------------------------------------


def save_answer(
    attempt: Attempt | int,
    *,
    question_id: int,
    response,
    user: User | None = None,
    now: datetime.datetime | None = None,
) -> Answer:
    """Save the learner's response to one question; the last save wins. Safe to repeat.

    Locks the attempt. After the deadline plus grace the attempt is closed with what was
    saved before, and ``AttemptClosed`` is raised; a save to a closed attempt changes
    nothing. Raises ``UnknownQuestion`` or ``InvalidAnswer`` for bad input, changing nothing.
    With ``user``, an attempt that is not theirs raises ``Attempt.DoesNotExist`` (a 404).
    """
    attempt_id = attempt if isinstance(attempt, int) else attempt.pk
    answer = _save_or_close(
        attempt_id, question_id=question_id, response=response, user=user, now=now
    )
    if answer is None:
        raise AttemptClosed()
    return answer


@transaction.atomic
def _save_or_close(attempt_id: int, *, question_id: int, response, user, now) -> Answer | None:
    attempts = Attempt.objects.select_for_update().select_related("exam")
    attempt = attempts.get(pk=attempt_id, **({"user": user} if user is not None else {}))
    now = now or timezone.now()  # read under the lock: the deadline is judged as of the save
    if not attempt.is_open:
        return None
    if now > attempt.closes_at:
        _close(attempt, reason=Attempt.CloseReason.TIME_UP, now=now)
        return None
    attempt_question = attempt.questions.filter(question_id=question_id).first()
    if attempt_question is None:
        raise UnknownQuestion()
    try:
        normalized = scoring.normalize_response(attempt_question.snapshot, response)
    except scoring.InvalidResponse as error:
        raise InvalidAnswer(str(error)) from None
    answer, _created = Answer.objects.update_or_create(
        attempt_question=attempt_question, defaults={"response": normalized, "saved_at": now}
    )
    answer.attempt_question = attempt_question  # the caller reads it; no need to fetch it again
    return answer


# --- Closing and grading -------------------------------------------------------------------------


@transaction.atomic
def submit_attempt(attempt: Attempt, *, now: datetime.datetime | None = None) -> Attempt:
    """Close and grade the attempt. Safe to repeat: a closed attempt is returned as it is.

    Locks the attempt, so a double-clicked submit, two tabs, or a submit racing the deadline
    sweep grade it once. A submit after the deadline plus grace closes it as timed out.
    """
    attempt = Attempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)
    now = now or timezone.now()
    if attempt.is_open:
        reason = (
            Attempt.CloseReason.SUBMITTED
            if now <= attempt.closes_at
            else Attempt.CloseReason.TIME_UP
        )
        _close(attempt, reason=reason, now=now)
    return attempt


def _close(attempt: Attempt, *, reason: str, now: datetime.datetime) -> None:
    """Grade every question with what was saved, and close. The caller holds the attempt's lock."""
    pending = False
    total = Decimal(0)
    for attempt_question in attempt.questions.select_related("answer"):
        answer = getattr(attempt_question, "answer", None)
        earned = scoring.score(
            attempt_question.snapshot, attempt_question.points, answer.response if answer else None
        )
        if earned is None:
            pending = True
            continue
        total += earned
        if answer is not None:
            answer.score = earned
            answer.save(update_fields=["score"])
    attempt.closed_at = now
    attempt.close_reason = reason
    _set_result(attempt, pending=pending, total=total)


def _set_result(attempt: Attempt, *, pending: bool, total: Decimal) -> None:
    if pending:
        attempt.status, attempt.score, attempt.passed = Attempt.Status.PENDING_REVIEW, None, None
    else:
        attempt.status, attempt.score = Attempt.Status.GRADED, total
        attempt.passed = total >= attempt.exam.pass_score
    attempt.save(update_fields=["status", "score", "passed", "closed_at", "close_reason"])
    if attempt.status == Attempt.Status.GRADED:
        certificates.queue_completion_check_for(attempt.user, attempt.exam.course_id)


def close_overdue_attempts(
    *, now: datetime.datetime | None = None, exam: Exam | None = None, user: User | None = None
) -> int:
    """Close every open attempt whose deadline plus grace has passed, each in its own
    transaction and under its own lock (so a learner's last save is either in or refused).
    Returns how many this call closed. Safe to repeat and to run beside the learners."""
    now = now or timezone.now()
    candidates = Attempt.objects.filter(status=Attempt.Status.OPEN, deadline__lt=now)
    if exam is not None:
        candidates = candidates.filter(exam=exam)
    if user is not None:
        candidates = candidates.filter(user=user)
    closed = 0
    for attempt_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update().select_related("exam").get(pk=attempt_id)
            if attempt.is_open and now > attempt.closes_at:
                _close(attempt, reason=Attempt.CloseReason.TIME_UP, now=now)
                closed += 1
    return closed


def close_if_overdue(attempt: Attempt, *, now: datetime.datetime | None = None) -> Attempt:
    """The attempt, closed first if its time is up (what "the next request" does)."""
    now = now or timezone.now()
    if attempt.is_open and now > attempt.closes_at:
        close_overdue_attempts(now=now, exam=attempt.exam, user=attempt.user)
        attempt.refresh_from_db()
    return attempt


@transaction.atomic
def grade_answer(answer: Answer, *, actor: User, score: Decimal, feedback: str = "") -> Attempt:
    """Record an instructor's score for a hand-graded answer; when the attempt's last such
    answer is graded, its final score and result are set. Locks the attempt. A grade can be
    corrected while the attempt awaits grading; afterwards it is final. Writes the audit row
    (the score and the comment before and after)."""
    attempt_question = AttemptQuestion.objects.select_related("attempt").get(
        pk=answer.attempt_question_id
    )
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("exam")
        .get(pk=attempt_question.attempt_id)
    )
    if attempt.status != Attempt.Status.PENDING_REVIEW:
        raise InvalidGrade(_("This attempt is not awaiting grading."))
    if attempt_question.snapshot["kind"] != q.SHORT_ANSWER:
        raise InvalidGrade(_("Only short answers are graded by hand."))
    if not (0 <= score <= attempt_question.points):
        raise InvalidGrade(
            _("The score must be between 0 and %(points)s.") % {"points": attempt_question.points}
        )
    before = {"score": answer.score, "feedback": answer.feedback}
    answer.score, answer.feedback, answer.graded_by, answer.graded_at = (
        score,
        feedback,
        actor,
        timezone.now(),
    )
    answer.save(update_fields=["score", "feedback", "graded_by", "graded_at"])
    record_audit(
        AuditAction.ANSWER_GRADE,
        actor=actor,
        target=answer,
        label=label_of(attempt, f"#{attempt_question.position}"),
        changes=changes_between(before, {"score": score, "feedback": feedback}),
        details={"attempt": attempt.pk, "question": attempt_question.question_id},
    )

    rows = list(attempt.questions.select_related("answer"))
    ungraded = [
        row
        for row in rows
        if row.snapshot["kind"] == q.SHORT_ANSWER
        and getattr(row, "answer", None)
        and row.answer.score is None
    ]
    if not ungraded:
        total = sum(
            (
                row.answer.score
                for row in rows
                if getattr(row, "answer", None) and row.answer.score is not None
            ),
            Decimal(0),
        )
        _set_result(attempt, pending=False, total=total)
    return attempt
