import pytest
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD, UserFactory

URL = "/api/v1/auth/token/"


def test_good_credentials_return_a_token_that_authenticates(api_client, learner):
    response = api_client.post(URL, {"username": "2023010101", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=learner).key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["full_name"] == "林晓雨"


def test_asking_twice_returns_the_same_token(api_client, learner):
    first = api_client.post(
        URL, {"username": learner.username, "password": PASSWORD}, format="json"
    )
    second = api_client.post(
        URL, {"username": learner.username, "password": PASSWORD}, format="json"
    )
    assert first.json() == second.json()
    assert Token.objects.filter(user=learner).count() == 1


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
    assert not Token.objects.exists()


def test_bad_credentials_message_follows_the_clients_language(api_client, learner):
    response = api_client.post(
        URL,
        {"username": learner.username, "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["detail"] == "The number or the password is wrong."


def test_a_deactivated_account_gets_no_token(api_client, db):
    UserFactory(username="2020000001", is_active=False)
    response = api_client.post(URL, {"username": "2020000001", "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_missing_fields_are_named(api_client, db):
    response = api_client.post(URL, {"username": "2023010101"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "required"
    assert set(body["errors"]) == {"password"}


def test_repeated_guessing_is_throttled(api_client, learner):
    statuses = [
        api_client.post(
            URL, {"username": learner.username, "password": f"guess{n}"}, format="json"
        ).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]
    # Even the right password waits out the throttle.
    response = api_client.post(
        URL, {"username": learner.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_without_credentials_the_api_asks_for_a_token(api_client, db):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_malformed_phone_number_changes_nothing(api_client, learner):
    api_client.force_authenticate(learner)
    response = api_client.patch(
        "/api/v1/me/", {"phone": "call me", "full_name": "新名字"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"].keys() == {"phone"}
    learner.refresh_from_db()
    assert learner.full_name == "林晓雨"
