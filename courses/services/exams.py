"""Exams: drawing papers, saving answers, closing and grading attempts.

Every write to an attempt locks the attempt's row first. That is what makes an acknowledged
answer safe: a save either commits before the attempt closes (and is graded with it) or
finds the attempt closed and is refused with ``AttemptClosed`` — never both, never neither.
Closing and grading happen once, by whoever takes the lock first: the learner's submit, a
save that arrives after the deadline, or the periodic sweep.
"""

import datetime
import functools
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.core.cache import cache
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import Action as AuditAction
from audit.services import changes_between, label_of
from audit.services import record as record_audit
from courses import scoring
from courses.models import Answer, Attempt, AttemptQuestion, Enrollment, Exam, ExamRule, Question
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


def bank_snapshot(question: Question) -> dict:
    """What an attempt keeps of a question, before the attempt's own keys and order are drawn
    (``snapshot_for_attempt``): enough to show it and score it later. Reads the question's
    prefetched options and blanks."""
    return {
        "kind": question.kind,
        "text": question.text,
        "options": [
            {"option_id": o.pk, "text": o.text, "fraction": str(o.fraction)}
            for o in question.options.all()
        ],
        "scoring": question.multiple_scoring,
        "correct": question.correct_answer,
        "blanks": [blank.accepted() for blank in question.blanks.all()],
        "explanation": question.explanation,
        "reference_answer": question.reference_answer,
    }


def snapshot_for_attempt(snapshot: dict, *, shuffle: bool, rng: random.Random) -> dict:
    """The question's snapshot as one attempt keeps it: each option under a key drawn for this
    attempt (``option_keys``), in an order of its own when the exam shuffles. The bank's option
    stays as ``option_id`` for item analysis and is never sent to the learner."""
    options = [
        {"key": key, **option}
        for key, option in zip(
            option_keys(len(snapshot["options"])), snapshot["options"], strict=True
        )
    ]
    if shuffle:
        rng.shuffle(options)
    return {**snapshot, "options": options}


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


@dataclass(frozen=True)
class PoolRule:
    count: int
    points_each: Decimal | None
    candidates: tuple[int, ...]  # question pks, in pk order


@dataclass(frozen=True)
class PaperPool:
    """What every paper of an exam is drawn from: its rules, each with the questions it may
    draw, and each question's points and bank snapshot. Prepared once per process and change
    of the questions (``paper_pool``), so that starting an attempt reads no question."""

    rules: tuple[PoolRule, ...]
    questions: dict[int, tuple[Decimal, dict]]  # pk -> (points, bank snapshot)


POOLS_GENERATION = "exams:paper-pools"


def forget_paper_pools() -> None:
    """Every prepared pool is out of date: a question, option, blank, rule or exam changed
    (courses/receivers.py, after the change commits). Shared by every process through the
    cache; each then prepares its pools again at the next start."""
    cache.set(POOLS_GENERATION, secrets.token_hex(8), timeout=None)


def paper_pool(exam: Exam) -> PaperPool:
    """The exam's pool as of now: prepared before (in this process, for the questions as they
    are) or read now in four queries. The generation is read before the questions, so a pool
    read while a change commits is filed under the generation that change retires."""
    generation = cache.get_or_set(POOLS_GENERATION, lambda: secrets.token_hex(8), timeout=None)
    return _prepared_pool(exam.pk, generation)


@functools.lru_cache(maxsize=32)
def _prepared_pool(exam_id: int, generation: str) -> PaperPool:
    rules = list(ExamRule.objects.filter(exam_id=exam_id).order_by("sort_order", "pk"))
    candidates = {
        rule.pk: tuple(rule.candidates().order_by("pk").values_list("pk", flat=True))
        for rule in rules
    }
    wanted = {pk for pks in candidates.values() for pk in pks}
    questions = Question.objects.filter(pk__in=wanted).prefetch_related("options", "blanks")
    return PaperPool(
        rules=tuple(PoolRule(rule.count, rule.points_each, candidates[rule.pk]) for rule in rules),
        questions={
            question.pk: (question.points, bank_snapshot(question)) for question in questions
        },
    )


def draw_paper(exam: Exam, rng: random.Random) -> list[tuple[int, Decimal, dict]]:
    """Questions drawn at random for one attempt, rule by rule, each once: (question pk, points,
    the attempt's snapshot)."""
    pool = paper_pool(exam)
    drawn: list[tuple[int, Decimal, dict]] = []
    taken: set[int] = set()
    for rule in pool.rules:
        pks = [pk for pk in rule.candidates if pk not in taken]
        if len(pks) < rule.count:
            raise PaperCannotBeDrawn(_("The exam's paper cannot be drawn; tell the instructors."))
        chosen = rng.sample(pks, rule.count)
        taken.update(chosen)
        for pk in chosen:
            points, snapshot = pool.questions[pk]
            drawn.append(
                (
                    pk,
                    rule.points_each if rule.points_each is not None else points,
                    snapshot_for_attempt(snapshot, shuffle=exam.shuffle_options, rng=rng),
                )
            )
    return drawn


# --- Starting ------------------------------------------------------------------------------------


def start_blocker(exam: Exam, *, user: User, now: datetime.datetime) -> DomainError | None:
    """Why ``user`` may not start an attempt now (an error to raise), or None."""
    if window := _window_blocker(exam, now=now):
        return window
    return _learner_blocker(
        exam,
        user=user,
        enrolled=_enrollments_for(exam, user).exists(),
        attempts_used=exam.attempts.filter(user=user).exclude(status=Attempt.Status.OPEN).count(),
    )


def _window_blocker(exam: Exam, *, now: datetime.datetime) -> DomainError | None:
    if not exam.is_published or now < exam.opens_at:
        return ExamNotAvailable()
    if now >= exam.closes_at:
        return ExamClosed()
    return None


def _learner_blocker(
    exam: Exam, *, user: User, enrolled: bool, attempts_used: int
) -> DomainError | None:
    if not enrolled:
        return NotEnrolledForExam()
    if attempts_used >= exam.max_attempts:
        return NoAttemptsLeft()
    if exam.requires_lessons_complete:
        progress = enrollment_progress(user, exam.course)
        if progress is None or progress.progress.lessons_done < progress.progress.lessons_total:
            return LessonsIncomplete()
    return None


def _enrollments_for(exam: Exam, user: User):
    """The enrollments that let ``user`` sit ``exam``: active, in its class if it has one."""
    enrollments = Enrollment.objects.filter(
        user=user, course_id=exam.course_id, status=Enrollment.Status.ACTIVE
    )
    if exam.cohort_id:
        enrollments = enrollments.filter(cohort_id=exam.cohort_id)
    return enrollments


def start_attempt(
    exam: Exam, *, user: User, now: datetime.datetime | None = None
) -> tuple[Attempt, bool]:
    """Start an attempt, or return the learner's open one (``created`` False).

    Safe to repeat, from several tabs at once: the learner's enrollment rows in the course are
    locked while deciding, and at most one open attempt per learner and exam can exist (a
    constraint). An open attempt whose time is up is closed (and graded) first, for good,
    whatever follows. Raises one of the ``start_blocker`` errors when the learner may not start.
    The paper is drawn at random for this attempt from the exam's prepared pool
    (``paper_pool``). The attempt comes back with its questions (``attempt.paper``).
    """
    now = now or timezone.now()
    while (started := _start(exam, user=user, now=now)) is None:
        close_overdue_attempts(now=now, exam=exam, user=user)
    return started


@transaction.atomic
def _start(exam: Exam, *, user: User, now: datetime.datetime) -> tuple[Attempt, bool] | None:
    """``start_attempt``, or None when an open attempt's time is up (it is to be closed first,
    outside this transaction, so that it stays closed when the start is refused)."""
    enrollments = list(
        Enrollment.objects.select_for_update()
        .filter(user=user, course_id=exam.course_id)
        .only("status", "cohort_id")
    )
    attempts = list(exam.attempts.filter(user=user))
    for attempt in attempts:
        attempt.exam = exam
        if attempt.is_open:
            return (attempt, False) if now <= attempt.closes_at else None
    enrolled = any(
        e.status == Enrollment.Status.ACTIVE
        and (not exam.cohort_id or e.cohort_id == exam.cohort_id)
        for e in enrollments
    )
    blocker = _window_blocker(exam, now=now) or _learner_blocker(
        exam, user=user, enrolled=enrolled, attempts_used=len(attempts)
    )
    if blocker:
        raise blocker
    paper = draw_paper(exam, random.Random())
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                exam=exam,
                user=user,
                number=len(attempts) + 1,
                started_at=now,
                deadline=min(
                    now + datetime.timedelta(minutes=exam.time_limit_minutes), exam.closes_at
                ),
                max_score=sum((points for _q, points, _s in paper), Decimal(0)),
            )
    except IntegrityError:
        # The same learner started in another tab a moment ago: that attempt is theirs.
        return exam.attempts.get(user=user, status=Attempt.Status.OPEN), False
    rows = AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt, question_id=question, position=n, points=points, snapshot=snapshot
        )
        for n, (question, points, snapshot) in enumerate(paper, start=1)
    )
    for row in rows:
        row.attempt = attempt
        row._state.fields_cache["answer"] = None  # a new paper has no answers yet
    attempt.paper = rows
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

    The write is one statement that locks the attempt's row and writes only while the attempt
    is open (``_write_answer``), so a save either commits before the attempt closes (and is
    graded with it) or changes nothing and raises ``AttemptClosed``. After the deadline plus
    grace the attempt is closed with what was saved before. Raises ``UnknownQuestion`` or
    ``InvalidAnswer`` for bad input, changing nothing. With ``user``, an attempt that is not
    theirs raises ``Attempt.DoesNotExist`` (a 404).

    Exam day runs on this: one read (the question's snapshot and the attempt's state) and one
    write, no transaction around them (bench/exam_day.py counts the statements).
    """
    attempt_id = attempt if isinstance(attempt, int) else attempt.pk
    now = now or timezone.now()
    target = _answer_target(attempt_id, question_id=question_id, user=user)
    if target is None or not target.attempt.is_open or now > target.attempt.closes_at:
        raise _refusal(attempt_id, user=user, now=now)
    try:
        normalized = scoring.normalize_response(target.snapshot, response)
    except scoring.InvalidResponse as error:
        raise InvalidAnswer(str(error)) from None
    if not _write_answer(target, normalized, now=now):
        raise AttemptClosed()  # closed between the read and the write
    return Answer(attempt_question=target, response=normalized, saved_at=now)


def _answer_target(
    attempt_id: int, *, question_id: int, user: User | None
) -> AttemptQuestion | None:
    """The attempt's question with what a save needs (its snapshot, the attempt's state and
    deadline), in one query; None when the attempt (of ``user``) has no such question."""
    rows = AttemptQuestion.objects.filter(attempt_id=attempt_id, question_id=question_id)
    if user is not None:
        rows = rows.filter(attempt__user=user)
    return (
        rows.select_related("attempt__exam")
        .only(
            "question_id",
            "snapshot",
            "attempt__status",
            "attempt__deadline",
            "attempt__exam__grace_seconds",
        )
        .first()
    )


def _write_answer(target: AttemptQuestion, response, *, now: datetime.datetime) -> bool:
    """Insert or replace the answer, in one statement, only while the attempt is open; False
    when it was closed. On PostgreSQL the statement locks the attempt's row (``FOR NO KEY
    UPDATE``) like a save always has: a save waiting for a submit or the sweep to commit then
    sees the attempt closed and writes nothing, and a close waiting for a save grades it. SQLite
    runs one writing statement at a time."""
    quote = connection.ops.quote_name
    lock = (
        connection.ops.for_update_sql(no_key=True)
        if connection.features.has_select_for_no_key_update
        else ""
    )
    sql = (
        f"INSERT INTO {quote(Answer._meta.db_table)} "
        "(attempt_question_id, response, saved_at, feedback) "
        f"SELECT %s, %s, %s, %s FROM {quote(Attempt._meta.db_table)} "
        f"WHERE id = %s AND status = %s {lock} "
        "ON CONFLICT (attempt_question_id) DO UPDATE "
        "SET response = excluded.response, saved_at = excluded.saved_at"
    )

    def value(field: str, raw):
        return cast(models.Field, Answer._meta.get_field(field)).get_db_prep_save(raw, connection)

    params = [
        target.pk,
        value("response", response),
        value("saved_at", now),
        "",
        target.attempt_id,
        Attempt.Status.OPEN,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


@transaction.atomic
def _refusal(attempt_id: int, *, user: User | None, now: datetime.datetime) -> DomainError:
    """Why a save to this attempt is refused, under the attempt's lock: closed, time up (then it
    is closed here, with what was saved before), or no such question. Raises
    ``Attempt.DoesNotExist`` when the attempt is not (``user``'s)."""
    attempts = Attempt.objects.select_for_update().select_related("exam")
    attempt = attempts.get(pk=attempt_id, **({"user": user} if user is not None else {}))
    if not attempt.is_open:
        return AttemptClosed()
    if now > attempt.closes_at:
        _close(attempt, reason=Attempt.CloseReason.TIME_UP, now=now)
        return AttemptClosed()
    return UnknownQuestion()


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
