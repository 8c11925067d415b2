"""The database side of the exam-day benchmark (bench/exam_day_open.py): it runs these in a
subprocess with Django set up, between the load runs, never during one.

    python -m bench.exam_day_db tokens 3000
    python -m bench.exam_day_db reset-attempts
    python -m bench.exam_day_db reopen-attempts
    python -m bench.exam_day_db check-answers expected.json
    python -m bench.exam_day_db check-closed attempts.json
    python -m bench.exam_day_db sql-counts 3001
    python -m bench.exam_day_db hasher
    python -m bench.exam_day_db page-sessions 32
    python -m bench.exam_day_db serve      # the same commands, a JSON list a line on stdin

Each prints one JSON document on its last line.
"""

import json
import statistics
import sys
import time
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import get_hasher  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import issue_token  # noqa: E402
from courses.models import Answer, Attempt, Exam, LessonPage  # noqa: E402


def the_exam() -> Exam:
    """The demo school's one exam (seed_demo), the one every examinee sits."""
    return Exam.objects.get()


def learners(first: int, count: int) -> list[User]:
    """learner<first> … in order; the benchmark's examinees are 1…N, spares after them."""
    names = [f"learner{n:04d}" for n in range(first, first + count)]
    users = User.objects.in_bulk(names, field_name="username")
    return [users[name] for name in names]


def tokens(count: str) -> dict:
    """An API token for each examinee learner0001 … learner<count>, and the exam's id."""
    users = learners(1, int(count))
    return {
        "exam": the_exam().pk,
        "tokens": [issue_token(user)[1] for user in users],
        "usernames": [user.username for user in users],
    }


def reset_attempts() -> dict:
    """Delete every attempt at the exam, so the next synchronized start starts them all anew."""
    deleted, _by_model = the_exam().attempts.all().delete()
    return {"deleted": deleted}


@transaction.atomic
def reopen_attempts() -> dict:
    """Open the exam's closed attempts again, as they were before they were submitted, so the
    next submit wave grades them all anew. Only the benchmark does this: no service may."""
    attempts = the_exam().attempts.exclude(status=Attempt.Status.OPEN)
    Answer.objects.filter(attempt_question__attempt__in=attempts).update(score=None)
    reopened = attempts.update(
        status=Attempt.Status.OPEN, closed_at=None, close_reason="", score=None, passed=None
    )
    return {"reopened": reopened}


def check_answers(path: str) -> dict:
    """Acknowledged answers missing or different in the database.

    ``path`` holds ``[[attempt, question, acknowledged, [later]], …]``: the response the server
    acknowledged last for that question, and the responses sent after it that got no answer
    (an error or a timeout: the server may or may not have stored them). What is stored must
    be the acknowledged one or one of those later ones.
    """
    expected = json.loads(Path(path).read_text())
    attempt_ids = {attempt for attempt, _q, _a, _l in expected}
    stored = {
        (attempt, question): response
        for attempt, question, response in Answer.objects.filter(
            attempt_question__attempt_id__in=attempt_ids
        ).values_list("attempt_question__attempt_id", "attempt_question__question_id", "response")
    }
    missing = different = 0
    for attempt, question, acknowledged, later in expected:
        key = (attempt, question)
        if key not in stored:
            missing += 1
        elif stored[key] != acknowledged and stored[key] not in later:
            different += 1
    return {"checked": len(expected), "missing": missing, "different": different}


def check_closed(path: str) -> dict:
    """Attempts whose submit the server acknowledged that are still open in the database."""
    acknowledged = json.loads(Path(path).read_text())
    still_open = Attempt.objects.filter(pk__in=acknowledged, status=Attempt.Status.OPEN).count()
    statuses = dict(the_exam().attempts.order_by().values_list("status").annotate(n=Count("pk")))
    return {"checked": len(acknowledged), "still_open": still_open, "statuses": statuses}


def _answer_for(question: dict, turn: int):
    kind = question["kind"]
    keys = [option["id"] for option in question["options"]]
    if kind == "single":
        return keys[turn % len(keys)]
    if kind == "multiple":
        return sorted(keys[:2])
    if kind == "true_false":
        return turn % 2 == 0
    if kind == "fill_in":
        return ["答案"] * question["blanks"]
    return f"我的回答 {turn}"


def sql_counts(first_spare: str) -> dict:
    """The SQL statements of one start, one first save of a question, one save again and one
    submit, each through the test client with an API token (the whole middleware and the
    token's authentication), and their in-process time (median of several)."""
    spares = learners(int(first_spare), 4)
    exam = the_exam()
    host = {"HTTP_HOST": "127.0.0.1"}
    timings: dict[str, list[float]] = {"start": [], "save": []}
    counted: dict[str, list[str]] = {}

    def call(client, method, url, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = getattr(client, method)(url, content_type="application/json", **kwargs)
            elapsed = time.perf_counter() - started
        assert response.status_code in (200, 201), (url, response.status_code, response.content)
        return response, [query["sql"] for query in queries.captured_queries], elapsed

    clients = []
    for user in spares:
        client = Client(headers={"authorization": f"Token {issue_token(user)[1]}"}, **host)
        clients.append(client)
        _r, queries, elapsed = call(client, "post", f"/api/v1/exams/{exam.pk}/attempts/")
        timings["start"].append(elapsed)
        counted["start"] = queries  # the last: the first request of a process does more
    client = clients[0]
    paper = call(client, "get", f"/api/v1/attempts/{exam.attempts.get(user=spares[0]).pk}/")[0]
    attempt = paper.json()
    questions = attempt["questions"]
    for turn, question in enumerate(questions[:20]):
        url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}/"
        _r, queries, elapsed = call(
            client, "put", url, data={"response": _answer_for(question, turn)}
        )
        timings["save"].append(elapsed)
        counted["save"] = queries
    again = questions[0]
    url = f"/api/v1/attempts/{attempt['id']}/answers/{again['id']}/"
    counted["save_again"] = call(client, "put", url, data={"response": _answer_for(again, 1)})[1]
    counted["submit"] = call(client, "post", f"/api/v1/attempts/{attempt['id']}/submit/")[1]
    return {
        "statements": {name: len(queries) for name, queries in counted.items()},
        "sql": counted,
        "in_process_ms": {
            name: round(statistics.median(values) * 1000, 2) for name, values in timings.items()
        },
    }


def page_sessions(count: str) -> dict:
    """Signed-in sessions of learner0001 … learner<count> (as the site's log-in leaves them,
    without the password hash), a lesson of the exam's course that they study, and the
    address of the same lesson for a visitor who is not logged in."""
    lesson = LessonPage.objects.live().child_of(the_exam().course).order_by("path").first()
    cookies = []
    for user in learners(1, int(count)):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "sessions": cookies,
        "lesson": lesson.url,
    }


def hasher() -> dict:
    """The password hasher and what one hash costs here (a log-in checks one)."""
    chosen = get_hasher()
    started = time.perf_counter()
    for _ in range(20):
        chosen.encode("Kq8!party-school", chosen.salt())
    per_hash = (time.perf_counter() - started) / 20
    params = {
        name: getattr(chosen, name)
        for name in ("time_cost", "memory_cost", "parallelism", "iterations")
        if hasattr(chosen, name)
    }
    stored = User.objects.filter(username__startswith="learner").values_list("password", flat=True)
    return {
        "hasher": f"{type(chosen).__module__}.{type(chosen).__name__}",
        "algorithm": chosen.algorithm,
        "params": params,
        "per_hash_ms": round(per_hash * 1000, 1),
        # A stored hash with other parameters costs a second hash and a write at log-in.
        "learners_need_rehash": chosen.must_update(stored.first() or ""),
    }


COMMANDS = {
    "tokens": tokens,
    "reset-attempts": reset_attempts,
    "reopen-attempts": reopen_attempts,
    "check-answers": check_answers,
    "check-closed": check_closed,
    "sql-counts": sql_counts,
    "hasher": hasher,
    "page-sessions": page_sessions,
}


def serve() -> None:
    """Answer commands read from stdin, one JSON list ``[command, *arguments]`` a line, with
    one JSON line each: Django is set up once for the whole benchmark instead of per step."""
    for request in sys.stdin:
        command, *arguments = json.loads(request)
        print(json.dumps(COMMANDS[command](*arguments), ensure_ascii=False, default=str))
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        command, *arguments = sys.argv[1:]
        print(json.dumps(COMMANDS[command](*arguments), ensure_ascii=False, default=str))
