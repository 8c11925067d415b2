"""Idle sessions end after SESSION_IDLE_MINUTES, in the site and the admin, without a write on
every request."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import PASSWORD


def log_in(client, user, url="/accounts/login/"):
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def session_writes(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return sum(
        1
        for query in queries.captured_queries
        if "django_session" in query["sql"]
        and query["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_the_idle_time_is_thirty_minutes_by_default(settings):
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60


@pytest.mark.parametrize(
    "login_url, page", [("/accounts/login/", "/learning/"), ("/admin/login/", "/admin/")]
)
def test_a_session_left_alone_for_thirty_minutes_ends(client, instructor, login_url, page):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        log_in(client, instructor, login_url)
        assert client.get(page).status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(page)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_session_in_use_goes_on_for_hours(client, learner):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        log_in(client, learner)
        for _ in range(12):
            traveller.shift(datetime.timedelta(minutes=25))
            assert client.get("/learning/").status_code == 200


def test_requests_close_together_do_not_write_the_session(client, learner):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        log_in(client, learner)
        traveller.shift(datetime.timedelta(minutes=2))
        assert session_writes(client, "/api/v1/me/") == 1  # moves the expiry on
        for _ in range(5):
            traveller.shift(datetime.timedelta(seconds=10))
            assert session_writes(client, "/api/v1/me/") == 0
        traveller.shift(datetime.timedelta(seconds=15))
        assert session_writes(client, "/api/v1/me/") == 1  # a minute after the last save


def test_an_open_editor_pinging_by_itself_does_not_keep_the_session(client, instructor):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        log_in(client, instructor, "/admin/login/")
        assert client.get("/admin/").status_code == 200
        for _ in range(4):
            traveller.shift(datetime.timedelta(minutes=9))
            client.post("/admin/editing-sessions/ping/membership/person/1/1/")
        response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_admins_remember_me_does_not_outlast_the_idle_time(client, instructor):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(
            "/admin/login/",
            {"username": instructor.username, "password": PASSWORD, "remember": "on"},
        )
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get("/admin/")
    assert response.status_code == 302
