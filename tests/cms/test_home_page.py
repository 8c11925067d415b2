import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from cms.models import HomePage


@pytest.fixture
def demo_home(db):
    call_command("seed_demo", verbosity=0)
    return HomePage.objects.get()


def test_the_seeded_home_page_is_the_sites_root(demo_home):
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == demo_home
    # Wagtail's placeholder "Welcome" page is gone, not left beside ours.
    assert not Page.objects.filter(title__startswith="Welcome").exists()


def test_home_page_is_served_in_chinese(client, demo_home):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "江城大学网上党校" in html
    assert "发展党员的五个阶段" in html
    assert ">登录<" in html


def test_an_english_browser_still_gets_the_chinese_site(client, demo_home):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in response.content.decode()


def test_choosing_english_switches_the_interface(client, demo_home):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert ">Log in<" in html
    assert "中文" in html  # the way back


def test_home_page_queries_are_bounded(client, demo_home, django_assert_max_num_queries):
    client.get("/")  # warm Wagtail's site cache, as a running server would be
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert response.status_code == 200


def test_unknown_address_gets_the_sites_404_page(client, demo_home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_logged_in_learner_sees_their_name(client, demo_home, learner):
    client.force_login(learner)
    assert "林晓雨" in client.get("/").content.decode()
