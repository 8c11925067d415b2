"""The API against its own contract: schemathesis fuzzes every operation of /api/schema/ with
every check it has (``--checks all``), as a learner and as an organizer of the demo school.

It calls the WSGI application in process (no server, no network), over the demo school seeded
here, with path parameters drawn half of the time from the ids and serials that exist, so
requests reach real exams, attempts, people and notices. The run is bounded by the number of
examples per operation and by ``MAX_SECONDS`` a role; it must end with no server error and no
response that the schema does not describe.

Two checks are told what this API's contract says (``CHECKS``): a well-formed request may be
refused by a rule with 400 (``positive_data_acceptance``: "no such rule pack", wrong
credentials, a branch that is not yours), which is how the schema documents such refusals.
"""

import collections
import logging
import time
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.management import call_command
from django.db import connections
from django.test import Client
from schemathesis.engine import Status, events, from_schema

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from courses.models import (
    Attempt,
    AttemptQuestion,
    Certificate,
    Cohort,
    CoursePage,
    Enrollment,
    Exam,
    LessonPage,
)
from membership.models import Person, PublicNotice
from school.wsgi import application

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EXAMPLES = 10  # per operation and phase
MAX_SECONDS = 150  # per role: the run stops there even if examples remain
# What a run must have done for its silence to mean something: every operation tried (the
# coverage phase reaches each early), and enough requests in all. On a loaded 2-core CI
# machine both roles together send about 20 a second; this is a quarter of that.
MIN_REQUESTS = 1_500

CHECKS = """
[checks]
enabled = true
positive_data_acceptance.expected-statuses = ["2xx", "3xx", 400, 401, 403, 404, 409, 429]
"""
# What the assertions below count: a server error, or a response the schema does not describe.
SERVER_ERRORS = {"not_a_server_error"}
MISMATCHES = {
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
}


@dataclass
class Run:
    requests: int = 0
    seconds: float = 0.0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    failures: dict[str, list[str]] = field(default_factory=dict)  # check -> operations
    operations: set[str] = field(default_factory=set)  # every operation a scenario tried
    expected: set[str] = field(default_factory=set)  # every operation the schema has


class CountingApp:
    """The WSGI application, counting every request and its status as it passes."""

    def __init__(self, app, run: Run):
        self.app = app
        self.run = run

    def __call__(self, environ, start_response):
        def counting_start_response(status, headers, exc_info=None):
            self.run.statuses[int(status.split()[0])] += 1
            return start_response(status, headers, exc_info)

        self.run.requests += 1
        # Read and closed here, then the thread's connections closed: the fuzzer calls from its
        # own threads and does not always close a response, and on PostgreSQL each connection it
        # left open would stay out of the pool until none were left.
        result = self.app(environ, counting_start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
            connections.close_all()
        return [body]


def toml_list(values) -> str:
    return "[" + ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in values) + "]"


def configuration(token: str, ids: list[int], serials: list[str], questions: list[int]) -> str:
    return f"""
workers = 1
max-time = {MAX_SECONDS}
seed = 20261201
headers = {{ Authorization = "Token {token}" }}

[cache]
enabled = false

[generation]
max-examples = {EXAMPLES}
no-shrink = true

[dictionaries.ids]
values = {toml_list(ids)}
[dictionaries.serials]
values = {toml_list(serials)}
[dictionaries.questions]
values = {toml_list(questions)}

[parameters]
"path.id" = {{ dictionary = "ids", probability = 0.5 }}
"path.serial" = {{ dictionary = "serials", probability = 0.5 }}
"path.question_id" = {{ dictionary = "questions", probability = 0.5 }}
{CHECKS}
# Logging out revokes the run's token, and every later call would be a 401 that tests nothing
# (tests/accounts/test_token.py covers it).
[[operations]]
include-path = "/api/v1/auth/logout/"
enabled = false
"""


def run_as(username: str) -> Run:
    run = Run()
    user = User.objects.get(username=username)
    # A token as any client gets one (the API's contract, whatever keeps the tokens).
    answer = Client().post(
        "/api/v1/auth/token/",
        {"username": username, "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    token = answer.json()["token"]
    ids = sorted(
        {
            *Exam.objects.values_list("pk", flat=True),
            *Attempt.objects.filter(user=user).values_list("pk", flat=True),
            *Person.objects.values_list("pk", flat=True)[:20],
            *PublicNotice.objects.values_list("pk", flat=True),
            *CoursePage.objects.values_list("pk", flat=True),
            *LessonPage.objects.values_list("pk", flat=True),
            *Enrollment.objects.filter(user=user).values_list("pk", flat=True),
            *Cohort.objects.values_list("pk", flat=True),
        }
    )
    serials = list(Certificate.objects.values_list("serial", flat=True)[:10]) or ["2026-DX-0000000"]
    questions = sorted(
        set(
            AttemptQuestion.objects.filter(attempt__user=user).values_list("question_id", flat=True)
        )
    ) or [1]
    config = schemathesis.Config.from_str(configuration(token, ids, serials, questions))
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", CountingApp(application, run), config=config
    )
    run.expected = {
        result.ok().label
        for result in schema.get_all_operations()
        if "/api/v1/auth/logout/" not in result.ok().label
    }
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            run.operations.add(event.recorder.label)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE:
                        failure = check.failure_info.failure if check.failure_info else None
                        what = f"{event.recorder.label}: {getattr(failure, 'title', '')}"
                        message = getattr(failure, "message", "")
                        run.failures.setdefault(check.name, []).append(f"{what} {message[:300]}")
        elif isinstance(event, events.FatalError):
            raise AssertionError(f"schemathesis could not run: {event.exception!r}")
    run.seconds = time.monotonic() - started
    return run


@pytest.fixture
def demo_school(settings):
    # Throttles stay on: a 429 is part of the contract too. Tokens authenticate every call.
    call_command("seed_demo", verbosity=0)


@pytest.fixture(autouse=True)
def _quiet_request_log():
    # Thousands of 4xx are the point of the run; server errors are still logged.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def test_the_api_answers_as_its_schema_says_to_a_learner_and_an_organizer(demo_school):
    runs = {username: run_as(username) for username in ("activist", "organizer")}
    report = {
        username: {
            "requests": run.requests,
            "seconds": round(run.seconds),
            "statuses": dict(sorted(run.statuses.items())),
            "untried": sorted(run.expected - run.operations),
            "failures": {check: sorted(set(ops)) for check, ops in run.failures.items()},
        }
        for username, run in runs.items()
    }
    print(report)  # shown with -s: the figures of the run
    server_errors = {
        username: {c: ops for c, ops in run.failures.items() if c in SERVER_ERRORS}
        for username, run in runs.items()
    }
    mismatches = {
        username: {c: ops for c, ops in run.failures.items() if c in MISMATCHES}
        for username, run in runs.items()
    }
    assert all(not run.statuses.get(500) for run in runs.values()), report
    assert server_errors == {"activist": {}, "organizer": {}}, report
    assert mismatches == {"activist": {}, "organizer": {}}, report
    assert all(run.expected and run.expected <= run.operations for run in runs.values()), report
    assert sum(run.requests for run in runs.values()) >= MIN_REQUESTS, report
    # Signed in throughout: a run that lost its token would test nothing but the 401.
    assert all(
        sum(n for status, n in run.statuses.items() if 200 <= status < 300) >= run.requests / 10
        for run in runs.values()
    ), report
