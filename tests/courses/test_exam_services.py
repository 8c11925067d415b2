import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Answer, Attempt, LessonProgress, Question
from courses.questions import types as q
from courses.services.exams import (
    AttemptClosed,
    ExamClosed,
    ExamNotAvailable,
    InvalidAnswer,
    InvalidGrade,
    LessonsIncomplete,
    NoAttemptsLeft,
    NotEnrolledForExam,
    UnknownQuestion,
    check_paper,
    close_overdue_attempts,
    grade_answer,
    save_answer,
    start_attempt,
    submit_attempt,
)
from tests.exams import build_exam


def paper(attempt):
    return list(attempt.questions.order_by("position"))


def right_response(row):
    s = row.snapshot
    if s["kind"] == q.SINGLE:
        return next(o["key"] for o in s["options"] if Decimal(o["fraction"]) > 0)
    if s["kind"] == q.MULTIPLE:
        return [o["key"] for o in s["options"] if Decimal(o["fraction"]) > 0]
    if s["kind"] == q.TRUE_FALSE:
        return s["correct"]
    if s["kind"] == q.FILL_IN:
        return [accepted[0] for accepted in s["blanks"]]
    return "我的回答"


def answer_all(attempt, now=None):
    for row in paper(attempt):
        save_answer(attempt, question_id=row.question_id, response=right_response(row), now=now)


# --- Starting -------------------------------------------------------------------------------------


def test_an_attempt_draws_a_paper_by_the_rules(exam, candidate):
    attempt, created = start_attempt(exam, user=candidate)
    assert created and attempt.number == 1
    kinds = [row.snapshot["kind"] for row in paper(attempt)]
    assert kinds == [
        q.SINGLE,
        q.SINGLE,
        q.MULTIPLE,
        q.TRUE_FALSE,
        q.TRUE_FALSE,
        q.FILL_IN,
        q.SHORT_ANSWER,
    ]
    assert attempt.max_score == Decimal(2 * 1 + 2 + 2 * 1 + 2 + 10)
    assert len({row.question_id for row in paper(attempt)}) == 7


def test_the_deadline_is_fixed_at_start_and_never_after_the_exam_closes(
    site_pages, bank, candidate
):
    exam = build_exam(site_pages.course, bank, closes=0.25, minutes=60)  # closes in 15 minutes
    now = timezone.now()
    attempt, _ = start_attempt(exam, user=candidate, now=now)
    assert attempt.deadline == exam.closes_at

    long_exam = build_exam(site_pages.course, bank, minutes=30)
    attempt, _ = start_attempt(long_exam, user=candidate, now=now)
    assert attempt.deadline == now + datetime.timedelta(minutes=30)


def test_starting_again_returns_the_open_attempt(exam, candidate):
    first, _ = start_attempt(exam, user=candidate)
    again, created = start_attempt(exam, user=candidate)
    assert not created and again.pk == first.pk
    assert Attempt.objects.count() == 1


def test_papers_are_drawn_at_random_and_options_shuffled(exam, candidate, bank):
    exam.max_attempts = 30
    exam.save()
    papers, orders = set(), set()
    for _ in range(12):
        attempt, _ = start_attempt(exam, user=candidate)
        papers.add(tuple(row.question_id for row in paper(attempt)))
        # The bank's options, in the order shown (the keys differ on every paper anyway).
        orders.add(tuple(o["option_id"] for o in paper(attempt)[0].snapshot["options"]))
        submit_attempt(attempt)
    assert len(papers) > 1 and len(orders) > 1


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"is_published": False}, ExamNotAvailable),
        ({"opens_at": timezone.now() + datetime.timedelta(hours=1)}, ExamNotAvailable),
        (
            {
                "closes_at": timezone.now() - datetime.timedelta(minutes=1),
                "opens_at": timezone.now() - datetime.timedelta(hours=2),
            },
            ExamClosed,
        ),
    ],
)
def test_an_exam_that_is_not_open_cannot_be_started(exam, candidate, change, error):
    for field, value in change.items():
        setattr(exam, field, value)
    exam.save()
    with pytest.raises(error):
        start_attempt(exam, user=candidate)
    assert not Attempt.objects.exists()


def test_only_enrolled_learners_may_start(exam, learner):
    with pytest.raises(NotEnrolledForExam):
        start_attempt(exam, user=learner)


def test_a_class_exam_is_only_for_its_class(exam, candidate, cohort):
    exam.cohort = cohort
    exam.save()
    with pytest.raises(NotEnrolledForExam):
        start_attempt(exam, user=candidate)


def test_attempts_run_out(exam, candidate):
    attempt, _ = start_attempt(exam, user=candidate)
    submit_attempt(attempt)
    with pytest.raises(NoAttemptsLeft):
        start_attempt(exam, user=candidate)


def test_lessons_must_be_complete_first_when_the_exam_says_so(exam, candidate, site_pages):
    exam.requires_lessons_complete = True
    exam.save()
    with pytest.raises(LessonsIncomplete):
        start_attempt(exam, user=candidate)
    for lesson in site_pages.lessons:
        LessonProgress.objects.create(
            user=candidate, lesson=lesson, studied_ms=lesson.min_study_minutes * 60_000
        )
    assert start_attempt(exam, user=candidate)[1]


def test_a_paper_the_bank_cannot_fill_is_reported(exam, bank):
    rule = exam.rules.get(kind=q.SHORT_ANSWER)
    rule.count = 5
    rule.save()
    [problem] = check_paper(exam)
    assert "5" in problem and "2" in problem


# --- Answering -----------------------------------------------------------------------------------


def test_the_last_save_wins(exam, candidate):
    attempt, _ = start_attempt(exam, user=candidate)
    row = paper(attempt)[0]
    first, second = [o["key"] for o in row.snapshot["options"][:2]]
    save_answer(attempt, question_id=row.question_id, response=first)
    save_answer(attempt, question_id=row.question_id, response=second)
    save_answer(attempt, question_id=row.question_id, response=second)
    assert Answer.objects.get(attempt_question=row).response == second
    assert Answer.objects.count() == 1


def test_bad_answers_change_nothing(exam, candidate, bank):
    attempt, _ = start_attempt(exam, user=candidate)
    row = paper(attempt)[0]
    outside = Question.objects.exclude(pk__in=[r.question_id for r in paper(attempt)]).first()
    with pytest.raises(UnknownQuestion):
        save_answer(attempt, question_id=outside.pk, response=1)
    option = row.snapshot["options"][0]
    # The bank's pk is no answer (as a number or a string), nor a key the paper does not have.
    for response in (option["option_id"], str(option["option_id"]), "no-such-key", [option["key"]]):
        with pytest.raises(InvalidAnswer):
            save_answer(attempt, question_id=row.question_id, response=response)
    assert not Answer.objects.exists()


def test_answers_within_the_grace_period_count(exam, candidate):
    start = timezone.now()
    attempt, _ = start_attempt(exam, user=candidate, now=start)
    late = attempt.deadline + datetime.timedelta(seconds=exam.grace_seconds - 1)
    row = paper(attempt)[3]
    save_answer(attempt, question_id=row.question_id, response=True, now=late)
    assert Answer.objects.get(attempt_question=row).response is True


def test_a_save_after_the_grace_closes_the_attempt_with_what_was_saved(exam, candidate):
    start = timezone.now()
    attempt, _ = start_attempt(exam, user=candidate, now=start)
    rows = paper(attempt)
    save_answer(
        attempt, question_id=rows[0].question_id, response=right_response(rows[0]), now=start
    )
    too_late = attempt.closes_at + datetime.timedelta(seconds=1)
    with pytest.raises(AttemptClosed):
        save_answer(
            attempt, question_id=rows[1].question_id, response=right_response(rows[1]), now=too_late
        )
    attempt.refresh_from_db()
    assert (
        attempt.status != Attempt.Status.OPEN
        and attempt.close_reason == Attempt.CloseReason.TIME_UP
    )
    assert Answer.objects.count() == 1 and Answer.objects.get().score == 1


# --- Closing and grading -------------------------------------------------------------------------


def test_submitting_grades_every_question_and_a_second_submit_changes_nothing(
    site_pages, bank, candidate
):
    exam = build_exam(site_pages.course, bank, short_answers=0)
    attempt, _ = start_attempt(exam, user=candidate)
    answer_all(attempt)
    result = submit_attempt(attempt)
    assert (result.status, result.score, result.max_score, result.passed) == (
        Attempt.Status.GRADED,
        Decimal(8),
        Decimal(8),
        True,
    )
    closed_at = result.closed_at
    again = submit_attempt(attempt)
    assert (again.score, again.closed_at) == (result.score, closed_at)
    with pytest.raises(AttemptClosed):
        save_answer(
            attempt,
            question_id=paper(attempt)[0].question_id,
            response=right_response(paper(attempt)[0]),
        )


def test_the_final_score_waits_for_the_short_answers_to_be_graded(exam, candidate, instructor):
    attempt, _ = start_attempt(exam, user=candidate)
    answer_all(attempt)
    attempt = submit_attempt(attempt)
    assert (
        attempt.status == Attempt.Status.PENDING_REVIEW
        and attempt.score is None
        and attempt.passed is None
    )

    essay = Answer.objects.get(attempt_question__snapshot__kind=q.SHORT_ANSWER)
    with pytest.raises(InvalidGrade):
        grade_answer(essay, actor=instructor, score=Decimal(11))
    attempt = grade_answer(essay, actor=instructor, score=Decimal("7.5"), feedback="要点齐全")
    assert (
        attempt.status == Attempt.Status.GRADED
        and attempt.score == Decimal("15.5")
        and attempt.passed
    )


def test_the_sweep_closes_overdue_attempts_once(exam, candidate):
    attempt, _ = start_attempt(exam, user=candidate)
    row = paper(attempt)[3]
    save_answer(attempt, question_id=row.question_id, response=right_response(row))
    later = attempt.closes_at + datetime.timedelta(seconds=1)
    assert close_overdue_attempts(now=later) == 1
    assert close_overdue_attempts(now=later) == 0
    attempt.refresh_from_db()
    assert attempt.close_reason == Attempt.CloseReason.TIME_UP and attempt.closed_at == later
    assert Answer.objects.get(attempt_question=row).score == 1


def test_a_paper_keeps_the_question_as_it_was_drawn(exam, candidate):
    attempt, _ = start_attempt(exam, user=candidate)
    row = paper(attempt)[3]
    Question.objects.filter(pk=row.question_id).update(
        correct_answer=not row.snapshot["correct"], text="改过的题目"
    )
    save_answer(attempt, question_id=row.question_id, response=row.snapshot["correct"])
    submit_attempt(attempt)
    assert Answer.objects.get(attempt_question=row).score == 1
