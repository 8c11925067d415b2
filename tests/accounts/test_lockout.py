"""Lockout after repeated failures, per account and address, on every way in."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts import lockout
from accounts.models import User
from tests.factories import PASSWORD, UserFactory

CAMPUS = "203.0.113.7"
ELSEWHERE = "198.51.100.9"

# Each way in: its URL, and whether a response means "signed in".
PATHS = {
    "site": "/accounts/login/",
    "admin": "/admin/login/",
    "private pages": "/_util/login/",
    "api": "/api/v1/auth/token/",
}


LOCKED = "Too many failed log-ins"


def attempt(path: str, username: str, password: str, address: str = CAMPUS, language="en"):
    """One try at logging in, in English unless asked (the Chinese is the catalog's)."""
    client = Client(REMOTE_ADDR=address)
    client.cookies["school_language"] = language
    url = PATHS[path]
    if path == "api":
        response = client.post(
            url, {"username": username, "password": password}, content_type="application/json"
        )
        return response, response.status_code == 200
    response = client.post(url, {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


@pytest.fixture
def staff(db):
    # Every path admits this account: the admin needs admin access.
    return UserFactory(username="T3001", full_name="刘洋", groups=["党校教师"])


@pytest.mark.parametrize("path", PATHS)
def test_the_sixth_try_is_refused_even_with_the_right_password(path, staff):
    answers = [attempt(path, "T3001", f"wrong{n}") for n in range(5)]
    assert [signed_in for _r, signed_in in answers] == [False] * 5
    assert answers[-1][0].status_code == 429  # the fifth failure starts the lock

    response, signed_in = attempt(path, "T3001", PASSWORD)

    assert not signed_in
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 29 * 60
    text = response.content.decode()
    ends = timezone.localtime(timezone.now() + datetime.timedelta(minutes=30))
    assert LOCKED in text
    # The message says when to try again, in the school's time.
    assert re.search(r"(\d\d):(\d\d)", text).group(0) in {
        ends.strftime("%H:%M"),
        (ends - datetime.timedelta(minutes=1)).strftime("%H:%M"),
    }


@pytest.mark.parametrize("path", PATHS)
def test_a_lock_keeps_nobody_else_out(path, staff):
    UserFactory(username="T3002", groups=["党校教师"])
    for n in range(5):
        attempt(path, "T3001", f"wrong{n}")

    # Everyone else behind the same campus address gets in, and so does the account elsewhere.
    assert attempt(path, "T3002", PASSWORD)[1]
    assert attempt(path, "T3001", PASSWORD, address=ELSEWHERE)[1]


def test_the_lock_page_is_the_login_page_with_the_reason(staff):
    for n in range(5):
        response, _ = attempt("admin", "T3001", f"wrong{n}")
    html = response.content.decode()
    assert 'name="password"' in html  # Wagtail's own log-in form, not a bare error page
    assert LOCKED in html
    assert "didn" not in html  # not "didn't match": the fifth may have been right


def test_the_api_lock_has_the_usual_error_shape(staff):
    for n in range(5):
        response, _ = attempt("api", "T3001", f"wrong{n}")
    body = response.json()
    assert body["code"] == "login_locked"
    assert body["detail"].startswith(LOCKED)


@pytest.mark.parametrize("path", ["site", "api"])
def test_the_lock_is_explained_in_chinese_by_default(path, staff):
    for n in range(5):
        response, _ = attempt(path, "T3001", f"wrong{n}", language="zh-hans")
    assert "登录失败次数过多" in response.content.decode()


def test_the_lock_ends_after_thirty_minutes(staff):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(5):
            attempt("site", "T3001", f"wrong{n}")
        traveller.shift(datetime.timedelta(minutes=29))
        assert not attempt("site", "T3001", PASSWORD)[1]
        traveller.shift(datetime.timedelta(minutes=2))
        assert attempt("site", "T3001", PASSWORD)[1]


def test_tries_during_a_lock_do_not_make_it_longer(staff):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(5):
            attempt("site", "T3001", f"wrong{n}")
        ends = lockout.lockout_ends_at("T3001", CAMPUS)
        for minutes in (5, 10, 20):
            traveller.shift(datetime.timedelta(minutes=5))
            attempt("site", "T3001", f"again{minutes}")
        assert lockout.lockout_ends_at("T3001", CAMPUS) == ends


def test_a_good_log_in_forgets_the_earlier_mistakes(staff):
    for n in range(4):
        attempt("site", "T3001", f"wrong{n}")
    assert attempt("site", "T3001", PASSWORD)[1]
    for n in range(4):
        attempt("site", "T3001", f"typo{n}")
    assert attempt("site", "T3001", PASSWORD)[1]


def test_failures_from_many_addresses_lock_the_account_everywhere(staff, settings):
    assert settings.LOGIN_ACCOUNT_FAILURE_LIMIT == 20
    for block in range(4):
        for n in range(5):
            attempt("api", "T3001", f"guess{block}{n}", address=f"192.0.2.{block + 10}")

    response, signed_in = attempt("site", "T3001", PASSWORD, address=ELSEWHERE)
    assert not signed_in and response.status_code == 429
    # Another account is not affected.
    UserFactory(username="T3002")
    assert attempt("site", "T3002", PASSWORD, address=ELSEWHERE)[1]


def test_one_address_alone_never_locks_the_account_everywhere(staff):
    for n in range(40):
        attempt("site", "T3001", f"guess{n}")
    assert attempt("site", "T3001", PASSWORD, address=ELSEWHERE)[1]


def test_unknown_numbers_are_counted_like_real_ones(db):
    for n in range(5):
        response, _ = attempt("site", "no-such-number", f"guess{n}")
    assert response.status_code == 429  # says nothing about whether the number exists


def test_a_new_password_clears_the_lock(staff):
    for n in range(5):
        attempt("site", "T3001", f"wrong{n}")
    staff.set_password("Kq8!party-school")
    staff.save()
    assert attempt("site", "T3001", "Kq8!party-school")[1]


# --- Unlocking ------------------------------------------------------------------------------


def test_a_school_admin_sees_the_lock_and_unlocks_the_account(client, admin, staff):
    for n in range(5):
        attempt("site", "T3001", f"wrong{n}")
    client.force_login(admin)

    page = client.get("/admin/lockouts/").content.decode()
    assert "T3001" in page and "刘洋" in page and CAMPUS in page

    response = client.post("/admin/lockouts/", {"username": "T3001", "ip_address": CAMPUS})
    assert response.status_code == 302
    assert attempt("site", "T3001", PASSWORD)[1]
    entry = ModelLogEntry.objects.get(action="accounts.unlock")
    assert entry.user_id == admin.pk and entry.object_id == str(staff.pk)
    assert entry.data == {"ip_address": CAMPUS, "failures": 5}


def test_unlocking_from_everywhere_clears_every_address(client, admin, staff):
    for address in (CAMPUS, ELSEWHERE):
        for n in range(5):
            attempt("site", "T3001", f"wrong{n}", address=address)
    client.force_login(admin)
    client.post("/admin/lockouts/", {"username": "T3001"})
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("role", ["instructor", "branch_organizer", "learner"])
def test_nobody_else_sees_or_clears_the_locks(request, client, staff, role):
    for n in range(5):
        attempt("site", "T3001", f"wrong{n}")
    client.force_login(request.getfixturevalue(role))

    assert client.get("/admin/lockouts/").status_code in (302, 403)
    client.post("/admin/lockouts/", {"username": "T3001"})
    assert AccessAttempt.objects.filter(username="T3001").exists()


def test_the_lockouts_page_is_in_the_settings_menu_for_school_admins_only(
    client, admin, instructor
):
    client.force_login(admin)
    assert "/admin/lockouts/" in client.get("/admin/").content.decode()
    client.force_login(instructor)
    assert "/admin/lockouts/" not in client.get("/admin/").content.decode()


def test_a_deleted_account_leaves_nothing_to_unlock_by_its_number(client, admin, db):
    for n in range(5):
        attempt("site", "gone", f"wrong{n}")
    client.force_login(admin)
    client.post("/admin/lockouts/", {"username": "gone"})
    assert not AccessAttempt.objects.exists()
    assert not User.objects.filter(username="gone").exists()


def test_the_lockouts_page_reads_the_failures_once_however_many_there_are(client, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(accounts: int) -> int:
        AccessAttempt.objects.all().delete()
        for n in range(accounts):
            for address in (CAMPUS, ELSEWHERE):
                AccessAttempt.objects.create(
                    username=f"T40{n:02d}", ip_address=address, failures_since_start=5
                )
        client.force_login(admin)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/admin/lockouts/")
        assert page.content.decode().count("T40") >= 2 * accounts
        return len(queries)

    queries_for(1)  # the first page of a session reads its settings and menus once
    assert queries_for(1) == queries_for(8)
