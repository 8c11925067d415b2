"""What exam day costs: the statements a save and a start run, and the pools papers are drawn
from, prepared once and retired when the questions change."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from courses.models import Answer, Enrollment, Question
from courses.questions import types as q
from tests.factories import UserFactory


def client_with_token(user) -> APIClient:
    _, token = AuthToken.objects.create(user)
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}")


def learner_of(course, username: str):
    user = UserFactory(username=username)
    Enrollment.objects.create(user=user, course=course)
    return user


def start(client, exam) -> dict:
    response = client.post(f"/api/v1/exams/{exam.pk}/attempts/")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_save_runs_three_statements_and_is_stored(exam, candidate):
    client = client_with_token(candidate)
    paper = start(client, exam)
    question = next(row for row in paper["questions"] if row["kind"] == q.SINGLE)
    url = f"/api/v1/attempts/{paper['id']}/answers/{question['id']}/"
    client.put(url, {"response": question["options"][0]["id"]}, format="json")
    with CaptureQueriesContext(connection) as save:
        response = client.put(url, {"response": question["options"][1]["id"]}, format="json")
    assert response.status_code == 200, response.content
    # The token, the question with the attempt's state, the write: no transaction around them.
    assert len(save.captured_queries) <= 3, [s["sql"][:120] for s in save.captured_queries]
    stored = Answer.objects.get(
        attempt_question__attempt_id=paper["id"], attempt_question__question_id=question["id"]
    )
    assert stored.response == question["options"][1]["id"]
    assert response.json()["response"] == stored.response


def test_a_start_reads_no_question_once_the_pool_is_prepared(exam, site_pages):
    first = client_with_token(learner_of(site_pages.course, "2023010201"))
    second = client_with_token(learner_of(site_pages.course, "2023010202"))
    start(first, exam)
    with CaptureQueriesContext(connection) as started:
        paper = start(second, exam)
    tables = " ".join(s["sql"] for s in started.captured_queries)
    assert "courses_question" not in tables.replace("courses_questionbank", "")
    assert "courses_questionoption" not in tables
    assert len(started.captured_queries) <= 12, [s["sql"][:100] for s in started.captured_queries]
    assert len(paper["questions"]) == 7


def test_each_attempt_draws_its_own_keys_and_order_from_the_pool(exam, site_pages):
    papers = [
        start(client_with_token(learner_of(site_pages.course, f"20230102{n:02d}")), exam)
        for n in range(6)
    ]
    keys = [
        option["id"] for paper in papers for row in paper["questions"] for option in row["options"]
    ]
    assert len(keys) == len(set(keys))  # no key twice, across attempts
    singles = {
        tuple(o["text"] for o in row["options"])
        for paper in papers
        for row in paper["questions"]
        if row["kind"] == q.SINGLE
    }
    assert len(singles) > 1  # shuffled per attempt, not once for the pool


def test_a_question_changed_after_the_pool_was_prepared_is_drawn_as_it_is_now(exam, site_pages):
    start(client_with_token(learner_of(site_pages.course, "2023010301")), exam)
    true_false = list(Question.objects.filter(kind=q.TRUE_FALSE).order_by("pk"))
    retired, edited = true_false[0], true_false[1]
    retired.is_active = False
    retired.save()
    edited.text = "判断题：预备党员的预备期为一年。"
    edited.save()
    texts = set()
    for n in range(8):
        paper = start(
            client_with_token(learner_of(site_pages.course, f"20230103{n + 2:02d}")), exam
        )
        rows = [row for row in paper["questions"] if row["kind"] == q.TRUE_FALSE]
        assert retired.pk not in {row["id"] for row in rows}
        texts |= {row["text"] for row in rows if row["id"] == edited.pk}
    assert texts == {"判断题：预备党员的预备期为一年。"}
