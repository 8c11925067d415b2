"""The client's address: X-Forwarded-For is believed only from trusted proxies, read from the right.

Every consumer (DRF's throttles, django-ratelimit on the verification page, the verification
logs) reads REMOTE_ADDR, which ClientAddressMiddleware resolves once.
"""

import hashlib
import ipaddress

import pytest
from django.conf import settings

from courses.models import Enrollment, VerificationLog
from school.middleware import client_address
from tests.factories import PASSWORD, UserFactory
from tests.pages import build_site

PROXY = "10.0.0.2"
LOGIN = "/api/v1/auth/token/"
# Wrong passwords for one account from one address before the lockout (LOGIN_FAILURE_LIMIT):
# the lockout keys on the address as resolved here, so a spoofed header must not escape it.
LOGIN_LIMIT = settings.LOGIN_FAILURE_LIMIT  # the last of them is answered with the lock


def networks(*entries):
    return [ipaddress.ip_network(entry) for entry in entries]


# --- Reading the header ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "header", "trusted", "client"),
    [
        # Nobody trusted, or a peer that is not a trusted proxy: the header is not read.
        ("198.51.100.7", "203.0.113.1", [], "198.51.100.7"),
        ("198.51.100.7", "203.0.113.1", [PROXY], "198.51.100.7"),
        # One proxy that appends the address it saw.
        (PROXY, "198.51.100.7", [PROXY], "198.51.100.7"),
        # What the client wrote to the left of it is never read, even a trusted address.
        (PROXY, "203.0.113.1, 198.51.100.7", [PROXY], "198.51.100.7"),
        (PROXY, "10.0.0.9, 198.51.100.7", ["10.0.0.0/24"], "198.51.100.7"),
        # Two proxies in one network: walk past both.
        (PROXY, "203.0.113.1, 198.51.100.7, 10.0.0.1", ["10.0.0.0/24"], "198.51.100.7"),
        # Every hop trusted: the left-most is the client.
        (PROXY, "10.0.0.5", ["10.0.0.0/24"], "10.0.0.5"),
        # A dual-stack socket reports the IPv4 proxy as IPv4-mapped IPv6.
        ("::ffff:10.0.0.2", "198.51.100.7", [PROXY], "198.51.100.7"),
        ("2001:db8::2", "2001:db8:1::7", ["2001:db8::/64"], "2001:db8:1::7"),
    ],
)
def test_the_client_is_the_right_most_address_that_is_not_a_trusted_proxy(
    remote, header, trusted, client
):
    assert client_address(remote, header, networks(*trusted)) == client


@pytest.mark.parametrize(
    "header",
    [
        "",
        " ",
        ",,,",
        "unknown",
        "198.51.100.7:8080",
        "[2001:db8::7]",
        "1.2.3.4.5",
        "١٩٨.٥١.١٠٠.٧",
        "198.51.100.7, garbage",
        "198.51.100.7 203.0.113.1",
        "x" * 10_000,
    ],
)
def test_a_malformed_header_is_not_believed_and_does_not_crash(header):
    # The only hop that vouches for anything is the proxy itself: throttled as one client.
    assert client_address(PROXY, header, networks(PROXY)) == PROXY


def test_garbage_the_client_wrote_before_its_address_does_not_matter():
    assert client_address(PROXY, "garbage, 198.51.100.7", networks(PROXY)) == "198.51.100.7"


def test_a_socket_without_an_address_is_left_alone():
    assert client_address("", "198.51.100.7", networks(PROXY)) == ""


def test_nobody_is_trusted_by_default():
    assert settings.TRUSTED_PROXIES == []


# --- Lockout and throttles ---------------------------------------------------------------------------------


def guess(api_client, user, n, **headers):
    return api_client.post(
        LOGIN, {"username": user.username, "password": f"guess{n}"}, format="json", **headers
    ).status_code


@pytest.mark.parametrize("trusted", [[], [PROXY]])
def test_rotating_x_forwarded_for_from_an_untrusted_peer_does_not_escape_the_lockout(
    api_client, learner, settings, trusted
):
    settings.TRUSTED_PROXIES = trusted
    statuses = [
        guess(
            api_client,
            learner,
            n,
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        for n in range(LOGIN_LIMIT + 2)
    ]
    assert statuses == [400] * (LOGIN_LIMIT - 1) + [429, 429, 429]


def test_behind_a_trusted_proxy_two_clients_are_locked_out_separately(
    api_client, learner, settings
):
    settings.TRUSTED_PROXIES = [PROXY]
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    second = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.8"}

    statuses = [guess(api_client, learner, n, **first) for n in range(LOGIN_LIMIT + 1)]
    assert statuses == [400] * (LOGIN_LIMIT - 1) + [429, 429]
    assert guess(api_client, learner, 99, **second) == 400
    response = api_client.post(
        LOGIN, {"username": learner.username, "password": PASSWORD}, format="json", **second
    )
    assert response.status_code == 200


def test_a_spoofed_left_most_entry_cannot_choose_the_address(api_client, learner, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    statuses = [
        guess(
            api_client,
            learner,
            n,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
        )
        for n in range(LOGIN_LIMIT + 2)
    ]
    assert statuses == [400] * (LOGIN_LIMIT - 1) + [429, 429, 429]


def test_signed_in_throttles_key_on_the_user_not_the_address(api_client, db):
    site = build_site()
    lesson = site.lessons[0]
    script, neighbour = UserFactory(), UserFactory()
    for user in (script, neighbour):
        Enrollment.objects.create(user=user, course=site.course)
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["heartbeat"].split("/")[0])
    same_address = {"REMOTE_ADDR": "198.51.100.7"}

    def beat(user, **headers):
        api_client.force_authenticate(user)
        return api_client.post(
            f"/api/v1/lessons/{lesson.pk}/heartbeat/",
            {"state": "visible"},
            format="json",
            **same_address,
            **headers,
        ).status_code

    assert [beat(script) for _ in range(limit)] == [200] * limit
    assert beat(script, HTTP_X_FORWARDED_FOR="203.0.113.1") == 429
    assert beat(neighbour) == 200


# --- The verification page and its log ------------------------------------------------------------


def test_verification_page_limits_and_logs_the_client_behind_the_proxy(client, db, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    url = "/verify/2026-DX-AAAAAA/"
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}

    assert client.get(url, **first).status_code == 404  # no such certificate, and logged
    log = VerificationLog.objects.get()
    expected = hashlib.sha256(f"198.51.100.7:{settings.SECRET_KEY}".encode()).hexdigest()[:32]
    assert log.client == expected

    # django-ratelimit's key="ip" reads the same REMOTE_ADDR: 30 a minute per client.
    statuses = [
        client.get(
            url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7"
        ).status_code
        for n in range(30)
    ]
    assert statuses[-1] == 429 and 404 in statuses
    assert (
        client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 404
    )
