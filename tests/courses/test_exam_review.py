"""When a graded attempt's review (each question's score, the right answers, the explanations,
graders' comments) is shown: the exam's ``review`` setting. Until then only the total score and
whether the learner passed, in the API and on the page."""

import datetime
from decimal import Decimal

import lxml.html
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.models import Answer, Exam, Question
from courses.questions import types as q
from courses.services.exams import grade_answer, save_answer, start_attempt, submit_attempt
from tests.courses.test_exam_api import FORBIDDEN_KEYS, keys_in
from tests.courses.test_exam_services import answer_all
from tests.exams import build_exam

EXPLANATION = "解析：见党章总纲。"

AFTER_EACH, AFTER_LAST, AFTER_CLOSE, NEVER = (
    Exam.Review.AFTER_EACH_ATTEMPT,
    Exam.Review.AFTER_LAST_ATTEMPT,
    Exam.Review.AFTER_CLOSE,
    Exam.Review.NEVER,
)


@pytest.fixture
def two_attempt_exam(site_pages, bank):
    Question.objects.update(explanation=EXPLANATION)
    return build_exam(site_pages.course, bank, short_answers=0, attempts=2)


def sit(exam, user):
    """A graded attempt with every answer right."""
    attempt, _ = start_attempt(exam, user=user)
    answer_all(attempt)
    return submit_attempt(attempt)


def moment(exam, when):
    return {
        "now": timezone.now(),
        # Past closes_at, but an attempt may still take answers in its grace period.
        "closing": exam.closes_at + datetime.timedelta(seconds=1),
        "over": exam.answers_accepted_until + datetime.timedelta(seconds=1),
    }[when]


def review_seen(api_client, client, attempt) -> bool:
    """Whether the learner sees the review, checking that the API and the page agree and
    that without it neither tells anything beyond the total and the result."""
    body = api_client.get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert (body["status"], body["score"], body["passed"]) == ("graded", "8.00", True)
    html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    assert "8 / 8" in html and "及格" in html
    in_api = [question["review"] is not None for question in body["questions"]]
    on_page = ["option--right" in html, 'class="review"' in html, EXPLANATION in html]
    assert len(set(in_api + on_page)) == 1, (in_api, on_page)
    # Without the review, the page says when (or that never) the answers are shown.
    assert ("review-later" in html) is not in_api[0]
    if not in_api[0]:
        assert not keys_in(body) & FORBIDDEN_KEYS
    return in_api[0]


@pytest.mark.parametrize(
    ("policy", "used", "when", "shown"),
    [
        (AFTER_EACH, 1, "now", True),
        (AFTER_LAST, 1, "now", False),
        (AFTER_LAST, 2, "now", True),  # no attempt left
        (AFTER_LAST, 1, "closing", False),  # others may still be answering in their grace period
        (AFTER_LAST, 1, "over", True),
        (AFTER_CLOSE, 2, "now", False),
        (AFTER_CLOSE, 2, "closing", False),
        (AFTER_CLOSE, 1, "over", True),
        (NEVER, 2, "over", False),
    ],
)
def test_the_review_is_shown_as_the_exam_says(
    api_client, client, two_attempt_exam, candidate, policy, used, when, shown
):
    exam = two_attempt_exam
    exam.review = policy
    exam.save()
    attempts = [sit(exam, candidate) for _ in range(used)]
    api_client.force_authenticate(candidate)
    with time_machine.travel(moment(exam, when), tick=False):
        # Logged in then: a session left idle since the attempt would have ended.
        client.force_login(candidate)
        assert all(review_seen(api_client, client, attempt) is shown for attempt in attempts)


def test_an_open_attempt_keeps_the_review_of_the_earlier_one_hidden(
    api_client, client, two_attempt_exam, candidate
):
    exam = two_attempt_exam
    first = sit(exam, candidate)
    start_attempt(exam, user=candidate)
    api_client.force_authenticate(candidate)
    client.force_login(candidate)
    # Fewer attempts allowed now than the learner has: none left, but one is still open.
    exam.max_attempts = 1
    exam.save()
    assert not review_seen(api_client, client, first)


def test_the_graders_comment_waits_for_the_review(
    api_client, client, site_pages, bank, candidate, instructor
):
    exam = build_exam(site_pages.course, bank, attempts=2, pass_score=0)
    attempt, _ = start_attempt(exam, user=candidate)
    essay = attempt.questions.get(snapshot__kind=q.SHORT_ANSWER)
    save_answer(attempt, question_id=essay.question_id, response="为人民服务。")
    submit_attempt(attempt)
    grade_answer(Answer.objects.get(), actor=instructor, score=Decimal(8), feedback="要点齐全")
    api_client.force_authenticate(candidate)
    client.force_login(candidate)
    url = f"/api/v1/attempts/{attempt.pk}/"
    assert "要点齐全" not in api_client.get(url).content.decode()
    page = reverse("learning:attempt", args=[attempt.pk])
    assert "要点齐全" not in client.get(page).content.decode()

    exam.review = Exam.Review.AFTER_EACH_ATTEMPT
    exam.save()
    assert "要点齐全" in api_client.get(url).content.decode()
    assert "要点齐全" in client.get(page).content.decode()


def test_existing_and_new_exams_show_the_review_after_the_last_attempt(exam):
    assert exam.review == Exam.Review.AFTER_LAST_ATTEMPT
    assert Exam._meta.get_field("review").default == Exam.Review.AFTER_LAST_ATTEMPT


def test_the_api_tells_the_exams_review_setting(api_client, exam, candidate):
    api_client.force_authenticate(candidate)
    assert api_client.get(f"/api/v1/exams/{exam.pk}/").json()["review"] == "after_last_attempt"


def test_instructors_set_the_review_in_the_exam_form(client, instructor, exam):
    client.force_login(instructor)
    html = client.get(reverse("exams:edit", args=[exam.pk])).content.decode()
    assert 'name="review"' in html and "after_each_attempt" in html


# --- What the review says about each option -------------------------------------------------------


def options_on_page(html: str, question_id: int) -> dict:
    """Each option of the question as the page shows it: its classes, whether it is checked,
    and the words marking it (right answer, the learner's choice)."""
    fieldset = lxml.html.fromstring(html).xpath(f'//fieldset[@data-question="{question_id}"]')[0]
    shown = {}
    for option in fieldset.xpath('.//label[contains(concat(" ", @class, " "), " option ")]'):
        choice = option.xpath(".//input")[0]
        marks = option.xpath('.//*[contains(concat(" ", @class, " "), " option__mark ")]')
        shown[choice.get("value")] = (
            set(option.get("class").split()) - {"option"},
            choice.get("checked") is not None,
            [" ".join(mark.text_content().split()) for mark in marks],
        )
    return shown


def wrong_and_right(row) -> tuple[list[str], list[str]]:
    options = row.snapshot["options"]
    return (
        [o["key"] for o in options if Decimal(o["fraction"]) <= 0],
        [o["key"] for o in options if Decimal(o["fraction"]) > 0],
    )


def test_the_review_marks_the_learners_wrong_choice_and_the_right_answer(
    client, site_pages, bank, candidate
):
    exam = build_exam(site_pages.course, bank, short_answers=0, review=AFTER_EACH)
    attempt, _ = start_attempt(exam, user=candidate)
    single = attempt.questions.filter(snapshot__kind=q.SINGLE).first()
    multiple = attempt.questions.get(snapshot__kind=q.MULTIPLE)
    true_false = attempt.questions.filter(snapshot__kind=q.TRUE_FALSE).first()
    single_wrong, (single_right,) = wrong_and_right(single)
    multiple_wrong, multiple_right = wrong_and_right(multiple)
    picked = [multiple_right[0], multiple_wrong[0]]  # one right, one wrong
    save_answer(attempt, question_id=single.question_id, response=single_wrong[0])
    save_answer(attempt, question_id=multiple.question_id, response=picked)
    save_answer(
        attempt, question_id=true_false.question_id, response=not true_false.snapshot["correct"]
    )
    submit_attempt(attempt)
    client.force_login(candidate)
    client.cookies["school_language"] = "en"  # the marks' words are new: English until translated
    html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()

    wrong, right, mine = "✗ Your choice, wrong", "✓ Right answer", "Your choice"
    shown = options_on_page(html, single.question_id)
    assert shown[single_wrong[0]] == ({"option--wrong"}, True, [wrong])
    assert shown[single_right] == ({"option--right"}, False, [right])
    assert all(shown[key] == (set(), False, []) for key in single_wrong[1:])

    shown = options_on_page(html, multiple.question_id)
    assert shown[multiple_right[0]] == ({"option--right"}, True, [right, mine])
    assert shown[multiple_wrong[0]] == ({"option--wrong"}, True, [wrong])
    assert all(shown[key] == ({"option--right"}, False, [right]) for key in multiple_right[1:])
    assert all(shown[key] == (set(), False, []) for key in multiple_wrong[1:])

    shown = options_on_page(html, true_false.question_id)
    key_right = "true" if true_false.snapshot["correct"] else "false"
    key_picked = "false" if true_false.snapshot["correct"] else "true"
    assert shown[key_picked] == ({"option--wrong"}, True, [wrong])
    assert shown[key_right] == ({"option--right"}, False, [right])
    # The ✓ and ✗ are decoration; the words say it.
    assert html.count('<span aria-hidden="true">✗</span>') == 3


def test_no_choice_is_marked_before_the_review_is_released(client, two_attempt_exam, candidate):
    attempt, _ = start_attempt(two_attempt_exam, user=candidate)
    single = attempt.questions.filter(snapshot__kind=q.SINGLE).first()
    wrong, _right = wrong_and_right(single)
    save_answer(attempt, question_id=single.question_id, response=wrong[0])
    submit_attempt(attempt)  # graded, one attempt left: the review waits (after the last)
    client.force_login(candidate)
    client.cookies["school_language"] = "en"
    html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()

    # The learner sees what they chose, and nothing says whether it was right.
    shown = options_on_page(html, single.question_id)
    assert shown[wrong[0]] == (set(), True, [])
    assert all(marks == (set(), False, []) for key, marks in shown.items() if key != wrong[0])
    for hint in ("option--wrong", "option--right", "option__mark", "Your choice", "Right answer"):
        assert hint not in html
