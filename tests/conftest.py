"""Fixtures shared by the whole suite, and the test-only settings overrides."""

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from django.utils import translation
from rest_framework.test import APIClient

from accounts import roles
from membership.models import Organization
from school.celery import app as celery_app
from tests.factories import UserFactory, organization


class OneRequestAtATime(WSGIServer):
    """The live server, serving one request at a time. On SQLite the test database lives in
    memory and every thread shares its one connection, so two requests of a page at once (a
    lesson's visit and its heartbeat) would interleave their transactions on it ("no such
    savepoint"). Django answers such a server with ``Connection: close``, so nothing waits."""

    def __init__(self, *args, connections_override=None, **kwargs):
        # The live server's thread has put the shared connections in place already.
        super().__init__(*args, **kwargs)


def pytest_configure(config):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        LiveServerThread.server_class = OneRequestAtATime
    # Hashing is deliberately slow; the suite creates hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in the test's own process unless a test starts a real worker.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    # Certificates are signed with a key made for this test run (tests run with DEBUG off,
    # where the project refuses to make up a key of its own).
    settings.CERTIFICATE_SIGNING_KEY = (
        Ed25519PrivateKey.generate()
        .private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        .decode()
    )


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    """A fresh cache namespace and media folder per test, without flushing a shared Redis."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def university(db):
    return organization("中共测试大学委员会", Organization.Kind.COMMITTEE)


@pytest.fixture
def college(university):
    return organization("测试学院党委", Organization.Kind.COMMITTEE, parent=university)


@pytest.fixture
def branch(college):
    return organization(
        "测试学院本科生2023级党支部", parent=college, branch_kind="undergraduate", grade=2023
    )


@pytest.fixture
def other_branch(university):
    other_college = organization("另一学院党委", Organization.Kind.COMMITTEE, parent=university)
    return organization("另一学院研究生党支部", parent=other_college, branch_kind="graduate")


@pytest.fixture
def learner(db):
    return UserFactory(username="2023010101", full_name="林晓雨")


@pytest.fixture
def instructor(db):
    return UserFactory(username="T1001", full_name="李文华", groups=[roles.INSTRUCTORS])


@pytest.fixture
def branch_organizer(branch):
    user = UserFactory(username="T2001", full_name="陈志刚", groups=[roles.ORGANIZERS])
    branch.organizers.add(user)
    return user


@pytest.fixture
def other_branch_organizer(other_branch):
    user = UserFactory(username="T2002", full_name="赵敏", groups=[roles.ORGANIZERS])
    other_branch.organizers.add(user)
    return user


@pytest.fixture
def admin(db):
    return UserFactory(
        username="admin",
        full_name="王建国",
        is_superuser=True,
        is_staff=True,
        groups=[roles.SCHOOL_ADMINS],
    )


@pytest.fixture
def in_english():
    """Messages in English, for tests that compare them with the English source text."""
    with translation.override("en"):
        yield
