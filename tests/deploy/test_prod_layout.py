"""The production layout, started the way a site runs it (`make prod-local`): the Procfile's web,
worker and beat under honcho, with DEBUG off, on a fresh PostgreSQL database and a Redis
database of their own. One learner goes through the HTTP API, as a phone would, from enrollment
to a certificate that the real Celery worker drew after both tasks went through Redis, and
downloads its PDF from the site. Everything the test starts is stopped (honcho, then each
process's own group), and the database dropped and the Redis database emptied, also on failure.
"""

import contextlib
import http.client
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from courses.certificates import render, signing
from courses.models import Certificate, CertificateEvent

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
LEARNER = "2023010101"
PASSWORD = "Layout-2026-dangxiao"
# Marks the Redis database this test took, so that two runs at once never take the same one.
CLAIM_KEY = "party-school:production-layout-test"
# Variables of the test's own run that must not reach the layout: it has its own of each.
NOT_INHERITED = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "MEDIA_STORAGE",
    "CELERY_VISIBILITY_TIMEOUT",
}

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs Redis (REDIS_URL) and PostgreSQL (DATABASE_URL): the production layout",
    ),
]

# What the layout's database holds before the learner arrives: a published course open for
# self-enrollment, its final exam (true/false questions, so the learner knows the answers and
# the paper is graded at once) and a completion policy of passing that exam.
SEED = f"""
import datetime
from decimal import Decimal

import django

django.setup()
from django.utils import timezone

from accounts.models import User
from courses.models import CompletionPolicy, Exam, ExamRule, QuestionBank
from courses.questions import types as q
from tests.exams import true_false
from tests.pages import build_site

course = build_site().course
course.self_enrollment = True
course.save_revision().publish()
bank = QuestionBank.objects.create(name="结业考试题库")
for n in range(3):
    true_false(bank, f"判断题{{n}}：中国共产党成立于1921年。", True)
now = timezone.now()
exam = Exam.objects.create(
    course=course,
    title="入党积极分子培训结业考试",
    opens_at=now - datetime.timedelta(hours=1),
    closes_at=now + datetime.timedelta(hours=2),
    time_limit_minutes=30,
    max_attempts=1,
    pass_score=Decimal(2),
    is_published=True,
    requires_lessons_complete=False,
)
ExamRule.objects.create(exam=exam, bank=bank, kind=q.TRUE_FALSE, count=2, points_each=1)
CompletionPolicy.objects.create(
    course=course, require_lessons=False, min_study_hours=Decimal(0), exam=exam
)
User.objects.create_user(username={LEARNER!r}, full_name="林晓雨", password={PASSWORD!r})
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def database_of_its_own() -> Iterator[str]:
    """A new, empty database on the suite's PostgreSQL server; dropped afterwards."""
    db = connection.settings_dict
    server = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"] or None,
    }
    name = f"party_school_layout_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            f"postgres://{quote(server['user'])}:{quote(server['password'] or '')}"
            f"@{server['host']}:{server['port']}/{name}"
        )
    finally:
        with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def redis_database_of_its_own() -> Iterator[str]:
    """An empty Redis database other than the suite's, claimed for this run; emptied afterwards.

    The layout's broker queue and cache keys are the production ones (no test prefix), so they
    must not meet another run's worker or the suite's own keys."""
    parts = urlsplit(settings.REDIS_URL)
    own = int(parts.path.strip("/") or 0)
    token = uuid.uuid4().hex
    for number in range(15, 0, -1):
        if number == own:
            continue
        url = f"{parts.scheme}://{parts.netloc}/{number}"
        client = redis.Redis.from_url(url)
        try:
            claimed = client.set(CLAIM_KEY, token, nx=True, ex=900)
        except redis.ResponseError:  # a server with fewer databases
            continue
        if claimed and client.dbsize() == 1:
            break
        if claimed:  # someone else's keys are there
            client.delete(CLAIM_KEY)
    else:
        pytest.skip("no empty Redis database to run the layout on")
    try:
        yield url
    finally:
        client.flushdb()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Client:
    """A client behind the site's reverse proxy: nginx ends TLS and says so in
    X-Forwarded-Proto, so the site sets its secure cookies and checks CSRF as in production."""

    port: int
    token: str = ""
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, *, data=None, form=None) -> Response:
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        server = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            server.request(method, path, body=body, headers=headers)
            answer = server.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            server.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response


@dataclass
class Layout:
    port: int
    database_url: str
    media_root: Path
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def query(self, sql: str, *params):
        with psycopg.connect(self.database_url) as db:
            return db.execute(sql, params).fetchall()


def run(env: dict[str, str], *args: str, log: Path, **options) -> subprocess.Popen:
    """``args`` run by this Python in the layout's environment, writing to ``log``."""
    with log.open("wb") as output:  # the child keeps its own copy of the file open
        return subprocess.Popen(
            [PYTHON, *args], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, **options
        )


def side_by_side(env: dict[str, str], folder: Path, steps: dict[str, list[str]]) -> None:
    """Run the ``steps`` (each the arguments of this Python) at once and wait for them all;
    fail with the output of the first that fails, stopping the others."""
    running = {name: run(env, *args, log=folder / f"{name}.log") for name, args in steps.items()}
    try:
        for name, process in running.items():
            if process.wait(timeout=300) != 0:
                output = (folder / f"{name}.log").read_text(errors="replace")
                pytest.fail(f"{name} failed:\n{output[-3000:]}")
    finally:
        for process in running.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def stop(honcho: subprocess.Popen, log: Path) -> None:
    """honcho stops its processes on SIGTERM (SIGKILL after five seconds); whatever is left (a
    honcho that could not) is killed by process group: honcho starts each in a session of its
    own, so each process's id is its group's."""
    if honcho.poll() is None:
        honcho.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            honcho.wait(timeout=20)
    started = re.findall(r"started \(pid=(\d+)\)", log.read_text(errors="replace"))
    for group in [*map(int, started), honcho.pid]:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)
    honcho.wait(timeout=10)


@pytest.fixture
def layout(tmp_path) -> Iterator[Layout]:
    try:
        render.find_cjk_font(settings.CERTIFICATE_FONT or None)
    except render.FontNotFound as error:
        pytest.skip(f"no font with Chinese glyphs (CI installs fonts-noto-cjk): {error}")
    port = free_port()
    with database_of_its_own() as database_url, redis_database_of_its_own() as redis_url:
        env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        env.update(
            {
                # The project's programs (gunicorn, celery, honcho) as the Procfile names them.
                "PATH": f"{Path(PYTHON).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                "DJANGO_SETTINGS_MODULE": "school.settings",
                "DEBUG": "false",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "CERTIFICATE_SIGNING_KEY": settings.CERTIFICATE_SIGNING_KEY,
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SITE_URL": f"http://127.0.0.1:{port}",
                # The test stands where nginx would, on this host (deploy/nginx.conf).
                "TRUSTED_PROXIES": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "SECURE_HSTS_SECONDS": "0",
                "MEDIA_ROOT": str(tmp_path / "media"),
                "STATIC_ROOT": str(tmp_path / "static"),
                "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "celerybeat-schedule"),
                # Not gunicorn's default control socket in the home folder, which another
                # gunicorn on this machine (make prod-local, a benchmark) may be using.
                "GUNICORN_CMD_ARGS": f"--control-socket {tmp_path / 'gunicorn.ctl'}",
                "HOST": "127.0.0.1",
                "PORT": str(port),
            }
        )
        # As `make prod-local` prepares a site; the two long steps side by side.
        side_by_side(
            env,
            tmp_path,
            {
                "migrate": ["manage.py", "migrate", "--noinput", "--skip-checks", "-v0"],
                "collectstatic": ["manage.py", "collectstatic", "--noinput", "--skip-checks"],
                # The layout's own settings pass the deployment checks' errors (school.E00x).
                "check": ["manage.py", "check", "--deploy"],
            },
        )
        side_by_side(env, tmp_path, {"seed": ["-c", SEED]})

        (tmp_path / "empty.env").touch()
        log = tmp_path / "layout.log"
        # The Procfile, as `make prod-local` runs it; in a session of its own, so that nothing
        # it starts shares the test's process group.
        honcho = run(
            env,
            *("-m", "honcho", "start", "--no-colour", "-f", "Procfile"),
            *("-e", str(tmp_path / "empty.env")),
            log=log,
            start_new_session=True,
        )
        try:
            layout = Layout(port, database_url, tmp_path / "media", log)
            wait_until_healthy(layout, honcho)
            yield layout
        finally:
            stop(honcho, log)


def wait_until_healthy(layout: Layout, honcho: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if honcho.poll() is not None:
            pytest.fail(f"the layout stopped (rc={honcho.returncode}):\n{layout.tail()}")
        with contextlib.suppress(OSError):
            if Client(layout.port).request("GET", "/healthz/").status == 200:
                return
        time.sleep(0.3)
    pytest.fail(f"the site did not answer /healthz/ within {seconds} s:\n{layout.tail()}")


def wait_for(what: str, layout: Layout, condition, seconds: float = 45):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"{what} within {seconds} s:\n{layout.tail()}")


def test_a_learner_gets_a_certificate_the_worker_drew_through_redis(layout):
    started = time.monotonic()
    learner = Client(layout.port)

    signed_in = learner.request(
        "POST", "/api/v1/auth/token/", data={"username": LEARNER, "password": PASSWORD}
    )
    assert signed_in.status == 200, signed_in.body
    learner.token = signed_in.json()["token"]

    [course] = learner.request("GET", "/api/v1/courses/").json()["results"]
    enrolled = learner.request("POST", f"/api/v1/courses/{course['id']}/enroll/")
    assert enrolled.status == 201, enrolled.body

    [exam] = learner.request("GET", "/api/v1/exams/").json()["results"]
    attempt = learner.request("POST", f"/api/v1/exams/{exam['id']}/attempts/")
    assert attempt.status == 201, attempt.body
    paper = attempt.json()
    assert [question["kind"] for question in paper["questions"]] == ["true_false"] * 2
    for question in paper["questions"]:
        saved = learner.request(
            "PUT",
            f"/api/v1/attempts/{paper['id']}/answers/{question['id']}/",
            data={"response": True},
        )
        assert saved.status == 200, saved.body
    result = learner.request("POST", f"/api/v1/attempts/{paper['id']}/submit/").json()
    assert (result["status"], result["passed"]) == ("graded", True), result

    # The completion check and then the drawing are tasks: issued by the worker once the first
    # reaches it through Redis, drawn once the second does.
    [certificate] = wait_for(
        "no certificate was issued",
        layout,
        lambda: learner.request("GET", "/api/v1/certificates/").json()["results"],
    )
    serial = certificate["serial"]
    [(pdf_name, payload, signature)] = wait_for(
        "the certificate was not drawn",
        layout,
        lambda: layout.query(
            f"SELECT pdf, signed_payload, signature FROM {Certificate._meta.db_table} "
            "WHERE serial = %s AND rendered_at IS NOT NULL",
            serial,
        ),
    )
    output = layout.output()
    for task in ("check_completion", "render_certificate"):
        assert re.search(
            rf"worker\.1\s*\|.*Task courses\.tasks\.{task}\[[0-9a-f-]+\] succeeded", output
        ), f"the worker did not run {task}:\n{layout.tail()}"
    assert "beat: Starting" in output
    assert layout.query(
        f"SELECT count(*) FROM {CertificateEvent._meta.db_table} e "
        f"JOIN {Certificate._meta.db_table} c ON c.id = e.certificate_id "
        "WHERE c.serial = %s AND e.action = 'rendered'",
        serial,
    ) == [(1,)]

    # The site serves the worker's file to its holder, signed in on the site's own log-in page.
    drawn = (layout.media_root / pdf_name).read_bytes()
    page = learner.request("GET", "/accounts/login/")
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert page.status == 200 and csrf, page.body[:500]
    logged_in = learner.request(
        "POST",
        "/accounts/login/",
        form={
            "username": LEARNER,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf.group(1).decode(),
        },
    )
    assert logged_in.status == 302, logged_in.body[:500]
    download = learner.request("GET", certificate["pdf"])
    assert download.status == 200, download.body[:500]
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.body == drawn
    # One A4 page: the drawing (a picture over 1,000 pixels wide), titled with its serial.
    pdf = PdfReader(io.BytesIO(drawn))
    [sheet] = pdf.pages
    [picture] = sheet.images
    assert picture.image.width > 1000
    assert pdf.metadata.title == f"结业证书 {serial}"

    # Anyone can check it: genuine, and signed with the site's key over what it states.
    anyone = Client(layout.port)
    verified = anyone.request("GET", f"/api/v1/certificates/verify/{serial}/").json()
    assert (verified["valid"], verified["signature"]) == (True, signature)
    public_key = anyone.request("GET", "/api/v1/certificates/public-key/").json()
    assert signing.verify(payload.encode(), signature, public_key["public_key_pem"])
    assert not signing.verify(payload.replace(LEARNER, "2023010102").encode(), signature)
    print(f"enrollment to a drawn, downloaded certificate in {time.monotonic() - started:.1f} s")
