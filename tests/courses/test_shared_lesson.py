"""A lesson kept once for signed-in readers and filled in for each (cms/page_cache.py)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory
from wagtail.models import PageViewRestriction

from courses.models import LessonPage, LessonProgress
from courses.services.learning import enroll
from tests.factories import UserFactory
from tests.pages import text

TOKENS = re.compile(r'(name="csrfmiddlewaretoken" value="|data-csrf=")[^"]+')


def without_tokens(html: bytes) -> str:
    """The page with its CSRF tokens blanked: they are masked anew for every response."""
    return TOKENS.sub(r"\1…", html.decode())


def kept(lesson, language="zh-hans") -> dict | None:
    return caches["pages"].get(f"reader:{language}:{lesson.url}")


@pytest.fixture
def lesson(site_pages):
    return site_pages.lessons[1]


@pytest.fixture
def readers(open_course, lesson, client_factory):
    """Two enrolled learners, one who has studied the lesson for five minutes, and one who is
    not enrolled; each with their own signed-in client."""
    studied = UserFactory(username="2023020201", full_name="王思远")
    fresh = UserFactory(username="2023020202", full_name="赵一鸣")
    outsider = UserFactory(username="2023020203", full_name="钱多多")
    for user in (studied, fresh):
        enroll(open_course, user=user, actor=user)
    LessonProgress.objects.create(user=studied, lesson=lesson, studied_ms=300_000)
    return {user.full_name: client_factory(user) for user in (studied, fresh, outsider)}


@pytest.fixture
def client_factory():
    from django.test import Client

    def signed_in(user):
        client = Client()
        client.force_login(user)
        return client

    return signed_in


def test_each_reader_gets_their_own_name_and_study_time(readers, lesson):
    first = readers["王思远"].get(lesson.url).content.decode()
    assert kept(lesson)["html"]  # the page is kept after the first reader
    second = readers["赵一鸣"].get(lesson.url).content.decode()
    outsider = readers["钱多多"].get(lesson.url).content.decode()
    assert "王思远" in first and 'data-studied-ms="300000"' in first
    assert "赵一鸣" in second and "王思远" not in second and 'data-studied-ms="0"' in second
    assert "钱多多" in outsider and "data-study" not in outsider
    assert "lesson__requirement" in outsider
    for html in (first, second, outsider):
        assert html.count('<a href="/learning/"') == 1  # the reader's own menu items, once


def test_the_kept_page_holds_nothing_of_any_reader(readers, lesson):
    readers["王思远"].get(lesson.url)
    html = kept(lesson)["html"]
    for leaked in ("王思远", "2023020201", "csrfmiddlewaretoken", "data-csrf", "/learning/"):
        assert leaked not in html


def test_a_filled_in_page_is_the_page_rendered_in_full(readers, lesson, settings):
    """Byte for byte but the CSRF tokens, for an enrolled reader, one who is not, and in
    English too."""
    for name, client in readers.items():
        for language in ("zh-hans", "en"):
            client.cookies["school_language"] = language
            settings.WAGTAIL_CACHE = True
            client.get(lesson.url)
            shared = client.get(lesson.url)
            assert kept(lesson, language)["html"], (name, language)
            settings.WAGTAIL_CACHE = False
            in_full = client.get(lesson.url)
            assert shared.status_code == in_full.status_code == 200
            assert without_tokens(shared.content) == without_tokens(in_full.content), name


def test_a_shared_lesson_costs_the_readers_own_queries_only(
    readers, lesson, django_assert_max_num_queries
):
    readers["王思远"].get(lesson.url)
    client = readers["赵一鸣"]
    client.get(lesson.url)  # whether the reader may use the admin is looked up once a minute
    # The session, the user, and the enrollment with the lesson's progress.
    with django_assert_max_num_queries(3):
        assert client.get(lesson.url).status_code == 200


def test_a_published_change_reaches_signed_in_readers(readers, lesson):
    client = readers["赵一鸣"]
    assert "八项义务" in client.get(lesson.url).content.decode()
    page = LessonPage.objects.get(pk=lesson.pk)
    page.body = text("<p>本课改为讲解党员的权利。</p>")
    page.save_revision().publish()
    html = client.get(lesson.url).content.decode()
    assert "党员的权利" in html and "八项义务" not in html


def test_a_lesson_made_private_is_not_shared(readers, lesson, site_pages):
    client = readers["赵一鸣"]
    assert client.get(lesson.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=site_pages.course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="党校教师组")])
    response = client.get(lesson.url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert kept(lesson)["html"] is None


def test_someone_who_may_use_the_admin_gets_the_user_bar(readers, lesson, instructor, client):
    readers["赵一鸣"].get(lesson.url)
    client.force_login(instructor)
    html = client.get(lesson.url).content.decode()
    assert "wagtail-userbar" in html and "李文华" in html


def test_messages_waiting_for_the_reader_are_shown(readers, lesson):
    client = readers["赵一鸣"]
    client.get(lesson.url)
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.INFO, "报名成功")
    response = HttpResponse()
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    html = client.get(lesson.url).content.decode()
    assert "报名成功" in html and "赵一鸣" in html
    assert "报名成功" not in client.get(lesson.url).content.decode()  # shown once


def test_only_lessons_are_shared(readers, site_pages):
    client = readers["赵一鸣"]
    client.get(site_pages.course.url)  # the first page shown creates the school's settings
    client.get(site_pages.course.url)
    assert kept(site_pages.course) == {"html": None}


def test_a_page_whose_public_rendering_asks_for_a_csrf_token_is_not_kept(
    readers, lesson, settings, tmp_path
):
    """Were a lesson's public rendering to hold a form with a CSRF token, the token would be
    the first reader's, sent to everyone: such a page is rendered in full for each reader."""
    templates = tmp_path / "templates" / "courses"
    templates.mkdir(parents=True)
    original = (settings.BASE_DIR / "templates" / "courses" / "lesson_page.html").read_text()
    form = '<form method="post">{% csrf_token %}</form>{% endblock %}'
    (templates / "lesson_page.html").write_text(original.rsplit("{% endblock %}", 1)[0] + form)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    first = readers["王思远"].get(lesson.url)
    assert kept(lesson) == {"html": None}
    second = readers["赵一鸣"].get(lesson.url)
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(first.content.decode()) and token.search(second.content.decode())
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
