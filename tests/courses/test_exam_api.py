import datetime
import json

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import Answer, Attempt
from courses.questions import types as q
from tests.courses.test_exam_services import right_response
from tests.exams import build_exam
from tests.factories import UserFactory

FORBIDDEN_KEYS = {
    "fraction",
    "correct",
    "explanation",
    "accepted",
    "reference_answer",
    "correct_options",
    "scoring",
}


def keys_in(value) -> set:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


@pytest.fixture
def client_of(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


def start(client, exam):
    return client.post(f"/api/v1/exams/{exam.pk}/attempts/")


def test_the_exam_tells_its_settings_and_whether_one_may_start(client_of, exam, candidate):
    body = client_of(candidate).get(f"/api/v1/exams/{exam.pk}/").json()
    assert body["title"] == "入党积极分子培训结业考试"
    assert (
        body["time_limit_minutes"],
        body["max_attempts"],
        body["can_start"],
        body["attempts"],
    ) == (30, 1, True, [])


def test_starting_returns_the_paper_without_any_key(client_of, exam, candidate):
    response = start(client_of(candidate), exam)
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "deadline", "questions"}
    question = body["questions"][0]
    assert set(question) >= {"id", "kind", "text", "points", "options"}
    assert set(question["options"][0]) == {"id", "text"}
    assert not keys_in(body) & FORBIDDEN_KEYS
    assert all(question["review"] is None for question in body["questions"])
    # The text is there; which option is right is not.
    assert "全心全意为人民服务" in json.dumps(body, ensure_ascii=False)


def test_starting_twice_returns_the_same_attempt_with_200(client_of, exam, candidate):
    client = client_of(candidate)
    first = start(client, exam).json()
    second = start(client, exam)
    assert second.status_code == 200 and second.json()["id"] == first["id"]


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("closed", "exam_closed"),
        ("not_enrolled", "not_enrolled"),
        ("used_up", "no_attempts_left"),
        ("lessons", "lessons_incomplete"),
    ],
)
def test_refusals_say_why_with_a_code(client_of, exam, candidate, learner, setup, code):
    client = client_of(candidate)
    if setup == "closed":
        exam.opens_at, exam.closes_at = (
            timezone.now() - datetime.timedelta(hours=3),
            timezone.now() - datetime.timedelta(hours=1),
        )
        exam.save()
    elif setup == "not_enrolled":
        client = client_of(UserFactory(username="2023099999"))
    elif setup == "used_up":
        client.post(f"/api/v1/attempts/{start(client, exam).json()['id']}/submit/")
    elif setup == "lessons":
        exam.requires_lessons_complete = True
        exam.save()
    response = (
        client.post(f"/api/v1/exams/{exam.pk}/attempts/") if setup != "not_enrolled" else None
    )
    if setup == "not_enrolled":
        # Not enrolled: the exam is not among theirs at all.
        response = client.post(f"/api/v1/exams/{exam.pk}/attempts/")
        assert response.status_code == 404
        return
    assert response.status_code == 403
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_saving_answers(client_of, exam, candidate):
    client = client_of(candidate)
    attempt = start(client, exam).json()
    question = attempt["questions"][0]
    url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}/"
    response = client.put(url, {"response": question["options"][1]["id"]}, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"question", "response", "saved_at"}
    assert (
        client.put(url, {"response": question["options"][1]["id"]}, format="json").status_code
        == 200
    )
    saved = client.get(f"/api/v1/attempts/{attempt['id']}/").json()["questions"][0]["answer"]
    assert saved["response"] == question["options"][1]["id"]


@pytest.mark.parametrize(
    ("target", "payload", "status", "code"),
    [
        ("unknown_question", {"response": 1}, 404, "unknown_question"),
        ("first", {"response": "A"}, 400, "invalid_response"),
        ("first", {"response": 999_999}, 400, "invalid_response"),
        ("first", {"response": "no-such-option"}, 400, "invalid_response"),
        ("first", {"response": ["no-such-option"]}, 400, "invalid_response"),
        ("first", {}, 400, "required"),
    ],
)
def test_bad_saves_get_a_code_and_change_nothing(
    client_of, exam, candidate, target, payload, status, code
):
    client = client_of(candidate)
    attempt = start(client, exam).json()
    question_id = 999_999 if target == "unknown_question" else attempt["questions"][0]["id"]
    response = client.put(
        f"/api/v1/attempts/{attempt['id']}/answers/{question_id}/", payload, format="json"
    )
    assert response.status_code == status and response.json()["code"] == code
    assert not Answer.objects.exists()


def test_another_learners_attempt_is_not_found(client_of, exam, candidate, site_pages):
    attempt = start(client_of(candidate), exam).json()
    other = UserFactory(username="2023010177")
    client = client_of(other)
    assert client.get(f"/api/v1/attempts/{attempt['id']}/").status_code == 404
    question = attempt["questions"][0]
    response = client.put(
        f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}/",
        {"response": question["options"][0]["id"]},
        format="json",
    )
    assert response.status_code == 404
    assert client.post(f"/api/v1/attempts/{attempt['id']}/submit/").status_code == 404


def test_submit_grades_and_a_second_submit_returns_the_same_body(
    client_of, site_pages, bank, candidate
):
    exam = build_exam(site_pages.course, bank, short_answers=0)
    client = client_of(candidate)
    attempt = start(client, exam).json()
    stored = Attempt.objects.get(pk=attempt["id"])
    for row in stored.questions.all():
        client.put(
            f"/api/v1/attempts/{stored.pk}/answers/{row.question_id}/",
            {"response": right_response(row)},
            format="json",
        )
    first = client.post(f"/api/v1/attempts/{stored.pk}/submit/")
    second = client.post(f"/api/v1/attempts/{stored.pk}/submit/")
    assert first.status_code == second.status_code == 200
    assert (
        first.json()
        == second.json()
        == {
            "id": stored.pk,
            "status": "graded",
            "score": "8.00",
            "max_score": "8.00",
            "passed": True,
        }
    )


def test_a_graded_attempt_reveals_answers_and_explanations(client_of, site_pages, bank, candidate):
    exam = build_exam(site_pages.course, bank, short_answers=0)
    client = client_of(candidate)
    attempt_id = start(client, exam).json()["id"]
    client.post(f"/api/v1/attempts/{attempt_id}/submit/")
    body = client.get(f"/api/v1/attempts/{attempt_id}/").json()
    review = body["questions"][0]["review"]
    assert review["correct_options"] and review["score"] == "0.00"


def test_pending_review_still_hides_the_key(client_of, exam, candidate):
    client = client_of(candidate)
    attempt_id = start(client, exam).json()["id"]
    essay = Attempt.objects.get(pk=attempt_id).questions.get(snapshot__kind=q.SHORT_ANSWER)
    client.put(
        f"/api/v1/attempts/{attempt_id}/answers/{essay.question_id}/",
        {"response": "我的回答"},
        format="json",
    )
    submit = client.post(f"/api/v1/attempts/{attempt_id}/submit/").json()
    assert (
        submit["status"] == "pending_review"
        and submit["score"] is None
        and submit["passed"] is None
    )
    body = client.get(f"/api/v1/attempts/{attempt_id}/").json()
    assert all(question["review"] is None for question in body["questions"])


def test_after_the_deadline_saves_get_409_and_the_attempt_is_closed_with_what_was_saved(
    client_of, exam, candidate
):
    client = client_of(candidate)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        attempt = start(client, exam).json()
        stored = Attempt.objects.get(pk=attempt["id"])
        true_false = stored.questions.filter(snapshot__kind=q.TRUE_FALSE).first()
        url = f"/api/v1/attempts/{stored.pk}/answers/{true_false.question_id}/"
        assert (
            client.put(url, {"response": true_false.snapshot["correct"]}, format="json").status_code
            == 200
        )
        traveller.shift(
            datetime.timedelta(minutes=exam.time_limit_minutes, seconds=exam.grace_seconds + 1)
        )
        late = client.put(url, {"response": not true_false.snapshot["correct"]}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "attempt_closed"
    stored.refresh_from_db()
    # The essay was left empty, so nothing waits for a grader: graded at once, on what was saved.
    assert (
        stored.status == Attempt.Status.GRADED
        and stored.close_reason == Attempt.CloseReason.TIME_UP
    )
    assert (
        Answer.objects.get(attempt_question=true_false).response == true_false.snapshot["correct"]
    )


def test_reading_an_overdue_attempt_closes_it(client_of, exam, candidate):
    client = client_of(candidate)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        attempt_id = start(client, exam).json()["id"]
        traveller.shift(datetime.timedelta(hours=2))
        body = client.get(f"/api/v1/attempts/{attempt_id}/").json()
    assert body["status"] != "open"


def test_answer_saves_are_rate_limited_per_attempt(client_of, exam, candidate):
    client = client_of(candidate)
    attempt = start(client, exam).json()
    question = attempt["questions"][0]
    url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}/"
    statuses = [
        client.put(url, {"response": question["options"][0]["id"]}, format="json").status_code
        for _ in range(122)
    ]
    assert statuses[:120] == [200] * 120 and statuses[120:] == [429, 429]  # 120 a minute


def test_someone_elses_requests_to_my_attempt_do_not_use_up_my_saves(exam, candidate):
    mine, theirs = APIClient(), APIClient()
    mine.force_authenticate(candidate)
    theirs.force_authenticate(UserFactory(username="2023010188"))
    attempt = start(mine, exam).json()
    question = attempt["questions"][0]
    url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}/"
    payload = {"response": question["options"][0]["id"]}
    # Not theirs: 404, and counted against them (their 121st is refused), never against me.
    statuses = [theirs.put(url, payload, format="json").status_code for _ in range(125)]
    assert set(statuses[:120]) == {404} and set(statuses[120:]) == {429}
    assert mine.put(url, payload, format="json").status_code == 200
    not_an_id = f"/api/v1/attempts/x{attempt['id']}/answers/{question['id']}/"
    assert mine.put(not_an_id, payload, format="json").status_code == 404
