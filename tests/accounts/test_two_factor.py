"""The optional second factor for staff (TOTP, django-otp)."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from tests.factories import PASSWORD

SETUP = "/admin/two-factor/"
VERIFY = "/admin/two-factor/verify/"


def code(device, at=None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = (at or timezone.now()).timestamp()
    return f"{totp.token():06d}"


def enrol(client, user) -> TOTPDevice:
    client.force_login(user)
    page = client.get(SETUP)
    assert page.status_code == 200
    response = client.post(SETUP, {"code": code(pending(client))})
    assert response.status_code == 302, response.content.decode()[-3000:]
    return TOTPDevice.objects.get(user=user, confirmed=True)


def pending(client) -> TOTPDevice:
    """The device being enrolled, as the QR code shows it (its key waits in the session)."""
    return TOTPDevice(key=client.session["accounts.pending_second_factor"])


def admin_login(user) -> Client:
    client = Client()
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_enrolling_shows_a_qr_code_and_the_key(client, instructor):
    client.force_login(instructor)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and 'class="segno"' in page
    key = pending(client).key
    # Opening the page saves nothing, and reloading it shows the same code.
    assert not TOTPDevice.objects.exists()
    client.get(SETUP)
    assert pending(client).key == key


def test_a_wrong_first_code_enrols_nothing(client, instructor, clock):
    client.force_login(instructor)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.exists()


def test_after_enrolling_the_admin_asks_for_the_code_after_the_password(instructor, clock):
    enrol(Client(), instructor)
    clock.shift(datetime.timedelta(seconds=60))

    client = admin_login(instructor)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Fpages%2F"
    # Nothing else is reachable until the code is given: the site, the admin, the API.
    assert client.get("/learning/")["Location"].startswith(VERIFY)
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"

    device = TOTPDevice.objects.get(user=instructor)
    assert client.post(VERIFY, {"code": "000000", "next": "/admin/pages/"}).status_code == 200
    clock.shift(datetime.timedelta(seconds=5))
    response = client.post(VERIFY, {"code": code(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_a_code_is_accepted_only_once(instructor, clock):
    device = enrol(Client(), instructor)
    clock.shift(datetime.timedelta(seconds=60))
    first, second = admin_login(instructor), admin_login(instructor)
    used = code(device)
    assert first.post(VERIFY, {"code": used}).status_code == 302
    assert second.post(VERIFY, {"code": used}).status_code == 200
    assert second.get("/admin/").status_code == 302


def test_wrong_codes_are_slowed_down(instructor, clock, in_english):
    enrol(Client(), instructor)
    clock.shift(datetime.timedelta(seconds=60))
    client = admin_login(instructor)
    client.cookies["school_language"] = "en"
    for _ in range(3):
        response = client.post(VERIFY, {"code": "000000"})
    assert "Too many wrong codes" in response.content.decode()


def test_logging_out_is_possible_before_the_code(instructor, clock):
    enrol(Client(), instructor)
    clock.shift(datetime.timedelta(seconds=60))
    client = admin_login(instructor)
    assert client.post("/admin/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_token_endpoint_asks_for_the_code_too(api_client, instructor, clock):
    device = enrol(Client(), instructor)
    clock.shift(datetime.timedelta(seconds=60))
    url = "/api/v1/auth/token/"
    credentials = {"username": instructor.username, "password": PASSWORD}

    missing = api_client.post(url, credentials, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "second_factor_required"
    wrong = api_client.post(url, {**credentials, "otp": "000000"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "second_factor_invalid"
    clock.shift(datetime.timedelta(seconds=30))
    right = api_client.post(url, {**credentials, "otp": code(device)}, format="json")
    assert right.status_code == 200 and right.json()["token"]


def test_learners_never_owe_a_code(api_client, learner, settings):
    settings.STAFF_SECOND_FACTOR_REQUIRED = True
    client = Client()
    client.post("/accounts/login/", {"username": learner.username, "password": PASSWORD})
    assert client.get("/learning/").status_code == 200
    token = api_client.post(
        "/api/v1/auth/token/",
        {"username": learner.username, "password": PASSWORD},
        format="json",
    )
    assert token.status_code == 200


def test_when_required_staff_must_enrol_before_anything_else(instructor, settings, clock):
    settings.STAFF_SECOND_FACTOR_REQUIRED = True
    client = admin_login(instructor)

    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    assert client.get(SETUP).status_code == 200
    assert client.post(SETUP, {"code": code(pending(client))}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_when_required_a_staff_token_needs_an_enrolled_device(api_client, instructor, settings):
    settings.STAFF_SECOND_FACTOR_REQUIRED = True
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": instructor.username, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "second_factor_not_enrolled"


def test_turning_it_off_needs_a_current_code(client, instructor, clock):
    device = enrol(client, instructor)
    clock.shift(datetime.timedelta(seconds=60))
    assert client.post(SETUP, {"code": "000000"}).status_code == 200
    assert TOTPDevice.objects.filter(user=instructor).exists()

    clock.shift(datetime.timedelta(seconds=30))
    assert client.post(SETUP, {"code": code(device)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=instructor).exists()
    entry = ModelLogEntry.objects.get(action="accounts.remove_second_factor")
    assert entry.user_id == instructor.pk


def test_the_account_page_links_to_two_step_verification(client, instructor):
    client.force_login(instructor)
    assert SETUP in client.get("/admin/account/").content.decode()


def test_a_former_staff_member_logs_in_as_a_learner_without_a_code(instructor, clock):
    enrol(Client(), instructor)
    instructor.groups.clear()
    client = Client()
    client.post("/accounts/login/", {"username": instructor.username, "password": PASSWORD})
    assert client.get("/learning/").status_code == 200


RESET = "/admin/two-factor/reset/"


def test_a_school_admin_removes_the_second_factor_of_a_lost_phone(client, instructor, admin):
    enrol(Client(), instructor)
    client.force_login(admin)
    assert "/admin/two-factor/reset/" in client.get("/admin/lockouts/").content.decode()

    response = client.post(RESET, {"username": instructor.username})

    assert response.status_code == 302 and response["Location"] == "/admin/lockouts/"
    assert not TOTPDevice.objects.filter(user=instructor).exists()
    entry = ModelLogEntry.objects.get(action="accounts.remove_second_factor")
    assert (entry.user_id, entry.object_id) == (admin.pk, str(instructor.pk))
    # The owner logs in with the password alone again.
    assert admin_login(instructor).get("/admin/").status_code == 200


def test_removing_a_second_factor_that_is_not_there_changes_nothing(client, instructor, admin):
    device = enrol(Client(), instructor)
    client.force_login(admin)
    for number in ("2099999999", ""):
        assert client.post(RESET, {"username": number}).status_code == 302
    assert list(TOTPDevice.objects.values_list("pk", flat=True)) == [device.pk]
    assert not ModelLogEntry.objects.filter(action="accounts.remove_second_factor").exists()


@pytest.mark.parametrize("role", ["branch_organizer", "instructor", "learner"])
def test_nobody_else_removes_a_second_factor(request, client, instructor, role):
    device = enrol(Client(), instructor)
    client.force_login(request.getfixturevalue(role))
    if role == "instructor":
        # Even the owner, with the session alone: turning it off asks for a current code.
        client = admin_login(instructor)
    response = client.post(RESET, {"username": instructor.username})
    # Each is turned away as the admin turns them away, and nothing is removed: the organizer
    # home with "no permission", the learner to the admin's log-in, the owner (who owes the
    # code first) to the code page.
    expected = {"branch_organizer": "/admin/", "learner": "/admin/login/", "instructor": VERIFY}
    assert response.status_code == 302
    assert response["Location"].split("?")[0] == expected[role]
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
