"""The data migration that gives the options of papers drawn before keys existed their keys,
and rewrites the answers saved to them (courses/migrations/0010_key_attempt_options_at_random.py).

The rows are written in the old shape (options identified by the bank's pks), the migration's
functions run on them, and the papers are then scored by today's code."""

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from courses import scoring
from courses.models import Answer, Attempt, AttemptQuestion
from courses.questions import types as q
from courses.services.exams import start_attempt, submit_attempt

migration = importlib.import_module("courses.migrations.0010_key_attempt_options_at_random")
EDITOR = SimpleNamespace(connection=connection)


def old_shape(row: AttemptQuestion) -> list[dict]:
    """The options as papers kept them before: the bank's pk as the id, in the shown order."""
    return [
        {"id": o["option_id"], "text": o["text"], "fraction": o["fraction"]}
        for o in row.snapshot["options"]
    ]


@pytest.fixture
def old_papers(exam, candidate, bank):
    """Two attempts in the old shape, one closed and one open, with answers of every kind:
    right, wrong, and (multiple choice on the second) one right option of two."""
    exam.max_attempts = 2
    exam.save()
    attempts = []
    for _ in range(2):
        attempt, _ = start_attempt(exam, user=candidate)
        for row in attempt.questions.all():
            if row.snapshot["kind"] in (q.SINGLE, q.MULTIPLE):
                row.snapshot["options"] = old_shape(row)
                row.save()
            response = old_response(row, first_paper=not attempts)
            Answer.objects.create(
                attempt_question=row, response=response, saved_at=attempt.started_at
            )
        if not attempts:  # closed in the old days (its scores are not what is tested here)
            Attempt.objects.filter(pk=attempt.pk).update(
                status=Attempt.Status.GRADED, closed_at=attempt.started_at, score=0
            )
        attempts.append(attempt)
    return attempts


def old_response(row: AttemptQuestion, *, first_paper: bool):
    kind = row.snapshot["kind"]
    if kind in (q.SINGLE, q.MULTIPLE):
        options = row.snapshot["options"]
        right = [o["id"] for o in options if Decimal(o["fraction"]) > 0]
        wrong = [o["id"] for o in options if o["id"] not in right]
        if kind == q.SINGLE:
            return right[0] if row.position == 1 else wrong[0]
        return sorted(right) if first_paper else sorted(right[:1] + wrong[:1])
    if kind == q.TRUE_FALSE:
        return row.snapshot["correct"]
    if kind == q.FILL_IN:
        return ["1", "党委"]
    return ""


def as_saved() -> dict[int, tuple]:
    return {
        row.pk: (row.snapshot, row.answer.response)
        for row in AttemptQuestion.objects.select_related("answer")
    }


def test_every_option_gets_a_key_and_every_answer_names_the_same_options(old_papers, monkeypatch):
    before = as_saved()
    monkeypatch.setattr(migration, "BATCH", 3)  # several batches even on a small paper
    migration.forwards(apps, EDITOR)
    after = as_saved()
    for pk, (old_snapshot, old_response) in before.items():
        snapshot, response = after[pk]
        if snapshot["kind"] not in (q.SINGLE, q.MULTIPLE):
            assert (snapshot, response) == (old_snapshot, old_response)
            continue
        options = snapshot["options"]
        assert [o["option_id"] for o in options] == [o["id"] for o in old_snapshot["options"]]
        assert all("id" not in o and isinstance(o["key"], str) for o in options)
        assert len({o["key"] for o in options}) == len(options)
        to_pk = {o["key"]: o["option_id"] for o in options}
        if snapshot["kind"] == q.SINGLE:
            assert to_pk[response] == old_response
        else:
            assert sorted(to_pk[key] for key in response) == old_response
            assert response == sorted(response)
        # Today's code accepts the answer as saved.
        assert scoring.normalize_response(snapshot, response) == response


def test_papers_score_as_they_would_have(old_papers):
    migration.forwards(apps, EDITOR)
    # Single choice right and wrong (1), multiple choice right (2) or half right (0: all or
    # nothing), true/false right (2), fill-in half right (1).
    totals = [
        sum(
            scoring.score(row.snapshot, row.points, row.answer.response) or 0
            for row in attempt.questions.select_related("answer")
        )
        for attempt in old_papers
    ]
    assert totals == [Decimal(6), Decimal(4)]
    assert submit_attempt(old_papers[1]).score == Decimal(4)


def test_running_it_again_changes_nothing(old_papers):
    migration.forwards(apps, EDITOR)
    once = as_saved()
    migration.forwards(apps, EDITOR)  # e.g. after it stopped half way
    assert as_saved() == once


def test_it_can_be_reversed(old_papers):
    before = as_saved()
    migration.forwards(apps, EDITOR)
    migration.backwards(apps, EDITOR)
    assert as_saved() == before
    migration.backwards(apps, EDITOR)
    assert as_saved() == before


def test_an_answer_that_names_no_option_of_its_question_is_left_as_it_was(old_papers):
    row = AttemptQuestion.objects.filter(snapshot__kind=q.SINGLE).first()
    Answer.objects.filter(attempt_question=row).update(response=999_999)
    migration.forwards(apps, EDITOR)
    assert Answer.objects.get(attempt_question=row).response == 999_999
    row.refresh_from_db()
    assert all("key" in option for option in row.snapshot["options"])
