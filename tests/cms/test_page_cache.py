"""Public pages from the cache: for visitors who are not logged in, per language, emptied when
the site changes; never a logged-in user's page; the lesson itself rendered once per revision."""

from django.test import Client
from django.urls import reverse

from cms.models import SchoolSettings
from courses.models import Enrollment
from tests.factories import UserFactory
from tests.pages import text

CACHE_HEADER = "X-Wagtail-Cache"


def test_a_visitor_gets_the_second_view_from_the_cache_without_a_cookie(site_pages):
    visitor = Client()
    visitor.get(site_pages.news.url)  # the site's first view creates its settings (and empties)
    first = visitor.get(site_pages.news.url)
    second = visitor.get(site_pages.news.url)
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content
    assert not first.cookies  # nothing per visitor in it: no CSRF cookie, no session


def test_each_language_is_cached_apart(site_pages):
    chinese, english = Client(), Client()
    english.cookies["school_language"] = "en"
    for client in (chinese, english, chinese, english):
        client.get(site_pages.news.url)
    zh = chinese.get(site_pages.news.url)
    en = english.get(site_pages.news.url)
    assert (zh[CACHE_HEADER], en[CACHE_HEADER]) == ("hit", "hit")
    assert '<html lang="zh-hans">' in zh.content.decode()
    assert '<html lang="en">' in en.content.decode()


def test_publishing_a_page_empties_the_cache(site_pages):
    visitor = Client()
    visitor.get(site_pages.news.url)
    news = site_pages.news
    news.title = "培训班开班（更新）"
    news.save_revision().publish()
    again = visitor.get(news.url)
    assert again[CACHE_HEADER] == "miss"
    assert "培训班开班（更新）" in again.content.decode()


def test_unpublishing_a_page_takes_it_off_at_once(site_pages):
    visitor = Client()
    visitor.get(site_pages.news.url)
    site_pages.news.unpublish()
    assert visitor.get(site_pages.news.url).status_code == 404


def test_the_school_settings_empty_the_cache(site_pages):
    visitor = Client()
    visitor.get(site_pages.about.url)
    settings = SchoolSettings.for_site(site_pages.home.get_site())
    settings.school_name = "江城大学网上党校（新）"
    settings.save()
    again = visitor.get(site_pages.about.url)
    assert "江城大学网上党校（新）" in again.content.decode()


def test_a_logged_in_page_is_never_cached_nor_served_from_the_cache(site_pages):
    visitor, learner = Client(), Client()
    user = UserFactory(username="2023010401")
    learner.force_login(user)
    visitor.get(site_pages.news.url)  # the visitor's copy is in the cache
    for _ in range(2):
        page = learner.get(site_pages.news.url)
        assert page[CACHE_HEADER] == "skip"
        assert reverse("accounts:logout") in page.content.decode()  # their own page


def test_the_lesson_body_changes_for_learners_when_the_lesson_is_published(site_pages):
    lesson = site_pages.lessons[0]
    user = UserFactory(username="2023010402")
    Enrollment.objects.create(user=user, course=site_pages.course)
    learner = Client()
    learner.force_login(user)
    assert "基本程序和要求" in learner.get(lesson.url).content.decode()
    lesson.body = text("<p>修订后的课文：发展党员的二十五个步骤。</p>")
    lesson.save_revision().publish()
    body = learner.get(lesson.url).content.decode()
    assert "二十五个步骤" in body and "基本程序和要求" not in body
