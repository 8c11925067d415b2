"""Exam-day races, on PostgreSQL: two tabs, double clicks, and the deadline sweep."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from courses.models import Answer, Attempt, Certificate, CompletionPolicy
from courses.services.certificates import issue_certificate, issue_if_complete
from courses.services.exams import (
    AttemptClosed,
    close_overdue_attempts,
    save_answer,
    start_attempt,
    submit_attempt,
)
from tests.concurrency import run_at_once
from tests.courses.test_exam_services import paper, right_response
from tests.exams import build_exam

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_tabs_starting_at_once_open_one_attempt(exam, candidate):
    results = run_at_once(6, lambda n: start_attempt(exam, user=candidate))
    assert Attempt.objects.count() == 1
    assert sum(created for _attempt, created in results) == 1


def test_saves_racing_a_submit_are_either_graded_or_refused_never_lost(exam, candidate):
    attempt, _ = start_attempt(exam, user=candidate)
    rows = paper(attempt)

    def work(n):
        if n == len(rows):
            return ("submit", submit_attempt(attempt).status)
        row = rows[n]
        try:
            save_answer(attempt, question_id=row.question_id, response=right_response(row))
            return ("saved", row.pk)
        except AttemptClosed:
            return ("refused", row.pk)

    results = run_at_once(len(rows) + 1, work)
    acknowledged = {pk for outcome, pk in results if outcome == "saved"}
    graded = set(
        Answer.objects.filter(attempt_question__attempt=attempt).values_list(
            "attempt_question_id", flat=True
        )
    )
    assert (
        acknowledged == graded
    )  # every acknowledged answer is in the graded attempt, and only those
    attempt.refresh_from_db()
    assert attempt.status != Attempt.Status.OPEN


def test_a_double_clicked_submit_racing_the_sweep_grades_once(site_pages, bank, candidate):
    exam = build_exam(site_pages.course, bank, short_answers=0)
    attempt, _ = start_attempt(
        exam, user=candidate, now=timezone.now() - datetime.timedelta(minutes=31, seconds=61)
    )
    for row in paper(attempt):
        save_answer(
            attempt,
            question_id=row.question_id,
            response=right_response(row),
            now=attempt.started_at,
        )

    def work(n):
        return close_overdue_attempts() if n % 2 else submit_attempt(attempt).closed_at

    results = run_at_once(6, work)
    closed_by_sweep = sum(r for n, r in enumerate(results) if n % 2)
    attempt.refresh_from_db()
    assert closed_by_sweep in (0, 1)
    assert attempt.status == Attempt.Status.GRADED and attempt.score == attempt.max_score
    closings = {r for n, r in enumerate(results) if not n % 2}
    assert closings == {attempt.closed_at}  # every submit saw the one closing


def test_racing_issuers_make_one_certificate(candidate, site_pages, bank):
    # A policy the learner already meets: only an organizer's sign-off, given.
    CompletionPolicy.objects.create(
        course=site_pages.course, require_lessons=False, min_study_hours=0, require_signoff=True
    )
    enrollment = candidate.enrollments.get()
    enrollment.signed_off_at = timezone.now()
    enrollment.save()

    def work(n):
        # The event, the sweep and an organizer, all at once.
        if n % 3 == 2:
            return issue_certificate(enrollment, actor=candidate, reason="手工发证").certificate.pk
        result = issue_if_complete(enrollment)
        return result.certificate.pk if result else None

    results = run_at_once(6, work)
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    assert set(results) == {Certificate.objects.get().pk}
