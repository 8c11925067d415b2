"""Options are identified per attempt by random keys: nothing the learner is sent tells which
option the bank's author wrote first (authors tend to write the right one first)."""

import datetime
import math
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import Enrollment, Exam, ExamRule, QuestionBank, QuestionOption
from courses.questions import types as q
from courses.services import exams as exam_services
from courses.services.exams import start_attempt
from tests.exams import multiple, single
from tests.factories import UserFactory

QUESTIONS_OF_EACH_KIND = 50
ATTEMPTS = 20  # 20 papers × 50 questions: 1000 trials of each kind for each bot
CHANCE = {q.SINGLE: 1 / 4, q.MULTIPLE: 1 / 6}  # one of 4; the 2 right ones of 4: 1 in C(4, 2)
MARGIN_SD = 6  # a fair paper fails this once in about a billion runs


def most_by_chance(chance: float, trials: int) -> float:
    """The highest rate of right answers that guessing still explains: chance plus many
    standard deviations of the binomial rate."""
    return chance + MARGIN_SD * math.sqrt(chance * (1 - chance) / trials)


@pytest.fixture
def right_first_exam(site_pages):
    """Every question written with its right options first: 4-option single choice, and
    multiple choice with 2 right options of 4 (all or nothing). Reviews come at once, so a
    bot reads how each of its answers did."""
    bank = QuestionBank.objects.create(name="正确选项总写在前面的题库")
    for n in range(QUESTIONS_OF_EACH_KIND):
        single(bank, f"单选{n}", f"对{n}", [f"错{n}甲", f"错{n}乙", f"错{n}丙"])
        multiple(bank, f"多选{n}", [f"对{n}甲", f"对{n}乙"], [f"错{n}甲", f"错{n}乙"], points=1)
    now = timezone.now()
    exam = Exam.objects.create(
        course=site_pages.course,
        title="猜答案的考试",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=6),
        max_attempts=10 * ATTEMPTS,
        requires_lessons_complete=False,
        review=Exam.Review.AFTER_EACH_ATTEMPT,
        is_published=True,
    )
    for n, kind in enumerate((q.SINGLE, q.MULTIPLE)):
        ExamRule.objects.create(
            exam=exam, bank=bank, kind=kind, count=QUESTIONS_OF_EACH_KIND, sort_order=n
        )
    return exam


def lowest_ids(question: dict):
    """The bot that knows authors write the right options first: the lowest ids as sent."""
    ids = sorted(option["id"] for option in question["options"])
    return ids[0] if question["kind"] == q.SINGLE else ids[:2]


def first_as_sent(question: dict):
    ids = [option["id"] for option in question["options"]]
    return ids[0] if question["kind"] == q.SINGLE else ids[:2]


def sit(exam: Exam, bot, *, attempts: int) -> dict[str, float]:
    """The rate of right answers ``bot`` gets on each kind, over the HTTP API like any client."""
    user = UserFactory()
    Enrollment.objects.create(user=user, course=exam.course)
    client = APIClient()
    client.force_authenticate(user)
    right = dict.fromkeys(CHANCE, 0)
    trials = dict.fromkeys(CHANCE, 0)
    for _ in range(attempts):
        paper = client.post(f"/api/v1/exams/{exam.pk}/attempts/").json()
        for question in paper["questions"]:
            saved = client.put(
                f"/api/v1/attempts/{paper['id']}/answers/{question['id']}/",
                {"response": bot(question)},
                format="json",
            )
            assert saved.status_code == 200, saved.json()
        assert client.post(f"/api/v1/attempts/{paper['id']}/submit/").status_code == 200
        for question in client.get(f"/api/v1/attempts/{paper['id']}/").json()["questions"]:
            trials[question["kind"]] += 1
            earned = Decimal(question["review"]["score"])
            right[question["kind"]] += earned == Decimal(question["points"])
    return {kind: right[kind] / trials[kind] for kind in CHANCE} | {"trials": min(trials.values())}


@pytest.mark.parametrize("bot", [lowest_ids, first_as_sent])
def test_bots_that_pick_by_id_or_position_do_no_better_than_chance(right_first_exam, bot):
    """On the old papers (options identified by the bank's pks) the lowest-id bot answered
    every question right; ``test_this_measure_catches_ids_in_the_authors_order`` shows this
    measure catches that. The first-as-sent bot is beaten by the shuffling."""
    rates = sit(right_first_exam, bot, attempts=ATTEMPTS)
    assert rates["trials"] >= 1000
    for kind, chance in CHANCE.items():
        assert rates[kind] < most_by_chance(chance, rates["trials"]), (kind, rates)


def test_this_measure_catches_ids_in_the_authors_order(right_first_exam, monkeypatch):
    """What the papers did before: ids that grow in the order the options were written."""
    monkeypatch.setattr(exam_services, "option_keys", lambda n: [f"{i:08d}" for i in range(n)])
    rates = sit(right_first_exam, lowest_ids, attempts=1)
    for kind, chance in CHANCE.items():
        assert rates[kind] > most_by_chance(chance, rates["trials"]), (kind, rates)


# --- What a paper keeps and sends -----------------------------------------------------------------


def test_each_attempt_draws_new_keys_and_keeps_the_bank_option_aside(exam, candidate):
    exam.max_attempts = 2
    exam.save()
    first, _ = start_attempt(exam, user=candidate)
    exam_services.submit_attempt(first)
    second, _ = start_attempt(exam, user=candidate)
    keys = {}
    for attempt in (first, second):
        for row in attempt.questions.filter(snapshot__kind__in=[q.SINGLE, q.MULTIPLE]):
            options = row.snapshot["options"]
            bank = set(QuestionOption.objects.filter(question=row.question_id).values_list("pk"))
            assert {(o["option_id"],) for o in options} == bank
            assert len({o["key"] for o in options}) == len(options)
            assert all(isinstance(o["key"], str) and len(o["key"]) >= 8 for o in options)
            keys.setdefault(attempt.pk, set()).update(o["key"] for o in options)
    assert not keys[first.pk] & keys[second.pk]


def test_the_paper_sent_out_names_options_by_key_only(client, exam, candidate):
    api = APIClient()
    api.force_authenticate(candidate)
    body = api.post(f"/api/v1/exams/{exam.pk}/attempts/").json()
    attempt = exam.attempts.get()
    for question in body["questions"]:
        row = attempt.questions.get(question_id=question["id"])
        assert [o["id"] for o in question["options"]] == [o["key"] for o in row.snapshot["options"]]
    assert "option_id" not in str(body)

    client.force_login(candidate)
    html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    values = re.findall(r'type="(?:radio|checkbox)" name="q\d+" value="([^"]*)"', html)
    keys = [
        o["key"] for row in attempt.questions.order_by("position") for o in row.snapshot["options"]
    ]
    assert values[: len(keys)] == keys  # the choice questions come first; then true/false
    assert "option_id" not in html
