import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle

from tests.factories import PASSWORD, UserFactory

URL = "/api/v1/auth/token/"
LOGOUT = "/api/v1/auth/logout/"


def _token(client, username, password=PASSWORD, **extra):
    return client.post(URL, {"username": username, "password": password}, format="json", **extra)


def test_good_credentials_return_a_token_that_authenticates(api_client, learner):
    response = _token(api_client, "2023010101")

    assert response.status_code == 200
    body = response.json()
    token = body["token"]
    # Kept only as a hash: the key itself is nowhere in the database.
    assert AuthToken.objects.filter(user=learner).count() == 1
    assert not AuthToken.objects.filter(digest=token).exists()
    assert AuthToken.objects.get(user=learner).token_key == token[:15]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["full_name"] == "林晓雨"


def test_a_token_expires_after_the_configured_hours(api_client, learner, settings):
    assert settings.API_TOKEN_HOURS == 10
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        response = _token(api_client, learner.username)
        expiry = datetime.datetime.fromisoformat(response.json()["expiry"])
        assert expiry - timezone.now() == datetime.timedelta(hours=10)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

        traveller.shift(datetime.timedelta(hours=9, minutes=59))
        assert api_client.get("/api/v1/me/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=2))
        expired = api_client.get("/api/v1/me/")
    assert expired.status_code == 401
    assert expired.json()["code"] == "authentication_failed"
    assert not AuthToken.objects.filter(user=learner).exists()


def test_each_call_issues_its_own_token_and_an_account_keeps_ten(api_client, learner):
    keys = [_token(api_client, learner.username).json()["token"] for _ in range(12)]

    assert len(set(keys)) == 12
    assert AuthToken.objects.filter(user=learner).count() == 10
    for key, works in ((keys[0], False), (keys[2], True), (keys[-1], True)):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert (api_client.get("/api/v1/me/").status_code == 200) is works


def test_the_api_logout_revokes_every_token_of_the_account(api_client, learner):
    first = _token(api_client, learner.username).json()["token"]
    second = _token(api_client, learner.username).json()["token"]
    other = UserFactory(username="2023010199")
    others = _token(api_client, other.username).json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api_client.post(LOGOUT).status_code == 204

    for key in (first, second):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert api_client.get("/api/v1/me/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {others}")
    assert api_client.get("/api/v1/me/").status_code == 200


def test_the_api_logout_ends_the_session_too(client, learner):
    client.force_login(learner)
    assert client.post(LOGOUT).status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_the_api_logout_needs_a_signed_in_caller(api_client, db):
    assert api_client.post(LOGOUT).status_code == 401


@pytest.mark.parametrize("logout_url", ["/accounts/logout/", "/admin/logout/"])
def test_logging_out_of_the_site_or_the_admin_revokes_the_tokens(
    api_client, client, instructor, logout_url
):
    key = _token(api_client, instructor.username).json()["token"]
    client.force_login(instructor)

    client.post(logout_url)

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/me/").status_code == 401


def test_a_new_password_revokes_the_tokens(api_client, learner):
    key = _token(api_client, learner.username).json()["token"]
    learner.set_password("Kq8!party-school")
    learner.save()

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "2023010101", "password": "wrong"},
        {"username": "no-such-number", "password": PASSWORD},
    ],
)
def test_bad_credentials_are_refused_in_chinese_without_saying_which_part(
    api_client, learner, credentials
):
    response = api_client.post(URL, credentials, format="json")

    assert response.status_code == 400
    assert response.json() == {"code": "invalid_credentials", "detail": "学号/工号或密码不正确。"}
    assert not AuthToken.objects.exists()


def test_bad_credentials_message_follows_the_clients_language(api_client, learner):
    response = _token(api_client, learner.username, "wrong", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "The number or the password is wrong."


def test_a_deactivated_account_gets_no_token(api_client, db):
    UserFactory(username="2020000001", is_active=False)
    response = _token(api_client, "2020000001")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_missing_fields_are_named(api_client, db):
    response = api_client.post(URL, {"username": "2023010101"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "required"
    assert set(body["errors"]) == {"password"}


def test_three_hundred_learners_log_in_from_one_campus_address(api_client, db):
    """Exam morning behind a campus NAT: one address, hundreds of log-ins within a minute."""
    learners = [UserFactory(username=f"2025{n:06d}") for n in range(300)]

    statuses = [
        _token(api_client, user.username, REMOTE_ADDR="203.0.113.7").status_code
        for user in learners
    ]

    assert statuses == [200] * 300
    assert AuthToken.objects.count() == 300


def test_an_address_is_only_stopped_far_above_an_exam_morning(api_client, learner, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "login", "3/min")
    statuses = [_token(api_client, learner.username).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_ceiling_per_address_is_generous():
    from school import settings as project_settings

    rate = project_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"]
    number, period = rate.split("/")
    assert period == "min" and int(number) >= 1200


def test_without_credentials_the_api_asks_for_a_token(api_client, db):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_tokens_of_the_old_kind_move_to_hashed_tokens_that_expire(api_client, learner):
    old = Token.objects.create(user=learner)
    migration = importlib.import_module("accounts.migrations.0004_move_api_tokens_to_knox")

    migration.move_tokens(apps, None)

    assert not Token.objects.exists()
    moved = AuthToken.objects.get(user=learner)
    assert moved.expiry > timezone.now() + datetime.timedelta(hours=9)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {old.key}")
    assert api_client.get("/api/v1/me/").json()["username"] == learner.username


def test_a_malformed_phone_number_changes_nothing(api_client, learner):
    api_client.force_authenticate(learner)
    response = api_client.patch(
        "/api/v1/me/", {"phone": "call me", "full_name": "新名字"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"].keys() == {"phone"}
    learner.refresh_from_db()
    assert learner.full_name == "林晓雨"
