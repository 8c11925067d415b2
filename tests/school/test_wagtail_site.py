"""Wagtail's default site and SITE_URL agree: the deploy check school.W005 and the demo seeding.

The check on a database that has not been migrated yet is in test_env.py, beside the other
`manage.py check --deploy` runs."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connection
from wagtail.models import Site

from cms.demo import demo_home
from school.checks import wagtail_site


@pytest.fixture
def default_site(db):
    """The default site a new database has (Wagtail's migration makes it: localhost:80)."""
    return Site.objects.get(is_default_site=True)


def set_address(site: Site, hostname: str, port: int) -> None:
    site.hostname, site.port = hostname, port
    site.save()


def w005(**kwargs) -> list[checks.CheckMessage]:
    messages = checks.run_checks(include_deployment_checks=True, **kwargs)
    return [message for message in messages if message.id == "school.W005"]


@pytest.mark.parametrize(
    ("site_url", "hostname", "port"),
    [
        ("https://dangxiao.example.edu.cn", "localhost", 80),  # a new database's site
        ("https://dangxiao.example.edu.cn", "dangxiao.example.edu.cn", 80),  # http's port
        ("https://dangxiao.example.edu.cn", "elsewhere.example.edu.cn", 443),
        ("http://127.0.0.1:8000", "127.0.0.1", 80),
    ],
)
def test_a_default_site_that_is_not_site_url_is_flagged(
    settings, default_site, site_url, hostname, port
):
    settings.SITE_URL = site_url
    set_address(default_site, hostname, port)
    (warning,) = w005(databases=["default"])
    assert warning.level == checks.WARNING
    assert f"{hostname}:{port}" in warning.msg
    assert site_url in warning.msg
    assert "设置 › 站点" in warning.hint
    assert "SITE_URL" in warning.hint


@pytest.mark.parametrize(
    ("site_url", "hostname", "port"),
    [
        ("https://dangxiao.example.edu.cn", "dangxiao.example.edu.cn", 443),
        ("https://dangxiao.example.edu.cn/", "dangxiao.example.edu.cn", 443),
        ("https://dangxiao.example.edu.cn:8443", "dangxiao.example.edu.cn", 8443),
        ("http://127.0.0.1:8000", "127.0.0.1", 8000),
        ("http://localhost", "localhost", 80),
        ("https://DangXiao.Example.edu.cn", "dangxiao.example.edu.cn", 443),
    ],
)
def test_a_default_site_at_site_url_is_not_flagged(
    settings, default_site, site_url, hostname, port
):
    settings.SITE_URL = site_url
    set_address(default_site, hostname, port)
    assert w005(databases=["default"]) == []


def test_the_site_is_compared_only_when_the_database_is_asked_for(settings, default_site):
    """`check --deploy` alone reads no database (it runs before the database is up, in CI's
    deploy test too); `check --deploy --database default` does."""
    settings.SITE_URL = "https://dangxiao.example.edu.cn"
    assert w005(databases=None) == []
    assert len(w005(databases=["default"])) == 1
    assert w005(databases=["default"], tags=[checks.Tags.database]) != []


def test_without_a_default_site_there_is_nothing_to_compare(settings, default_site):
    settings.SITE_URL = "https://dangxiao.example.edu.cn"
    default_site.is_default_site = False
    default_site.save()
    assert wagtail_site(None, databases=["default"]) == []


def test_a_database_without_the_site_table_is_not_an_error(monkeypatch, settings, db):
    """Before `migrate` (test_env.py runs the real thing on a new SQLite file)."""
    settings.SITE_URL = "https://dangxiao.example.edu.cn"
    monkeypatch.setattr(connection.introspection, "table_names", lambda *args, **kwargs: [])
    assert wagtail_site(None, databases=["default"]) == []


def test_the_demo_school_is_seeded_at_site_url(settings, db):
    settings.SITE_URL = "https://dangxiao.example.edu.cn"
    call_command("seed_demo", verbosity=0)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("dangxiao.example.edu.cn", 443)
    assert site.root_page_id == demo_home().pk
    # What the check is for: the links Wagtail makes start where the QR codes do.
    assert demo_home().full_url == "https://dangxiao.example.edu.cn/"
    assert w005(databases=["default"]) == []
