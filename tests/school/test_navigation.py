"""The site's shell: where a log-in lands, the menu in both languages, the school's names."""

import pytest
from django.utils.html import strip_tags
from wagtail.models import Site

from cms.models import NewsIndexPage, SchoolSettings
from tests.factories import PASSWORD
from tests.pages import build_site, publish


def log_in(client, username: str, next_page: str | None = None):
    data = {"username": username, "password": PASSWORD}
    if next_page is not None:
        data["next"] = next_page
    return client.post("/accounts/login/", data)


def test_a_learner_who_logs_in_from_the_home_page_lands_on_my_learning(client, learner):
    assert log_in(client, learner.username, "/")["Location"] == "/learning/"
    client.logout()
    assert log_in(client, learner.username)["Location"] == "/learning/"


def test_a_page_asked_for_is_where_the_log_in_goes(client, learner):
    assert log_in(client, learner.username, "/courses/")["Location"] == "/courses/"
    client.logout()
    # Never to another site.
    assert log_in(client, learner.username, "https://evil.example/")["Location"] == "/learning/"


def test_staff_land_in_the_admin(client, branch_organizer):
    assert log_in(client, branch_organizer.username, "/")["Location"] == "/admin/"


@pytest.fixture
def english_names(db):
    build_site()
    site = Site.objects.get(is_default_site=True)
    school = SchoolSettings.for_site(site)
    school.school_name, school.school_name_en = "江城大学网上党校", "Jiangcheng Online Party School"
    school.save()
    news = NewsIndexPage.objects.filter(slug="news").first() or publish(
        site.root_page, NewsIndexPage(title="党建动态", slug="news")
    )
    news.show_in_menus, news.menu_title_en = True, "News"
    news.save_revision().publish()
    return site


def menu(client) -> list[str]:
    html = client.get("/").content.decode()
    nav = html[html.index('id="site-menu"') : html.index("</nav>")]
    return [" ".join(strip_tags(item).split()) for item in nav.split("<li>")[1:]]


def test_the_menu_and_the_names_are_chinese_by_default(client, english_names, learner):
    client.force_login(learner)
    assert menu(client) == ["首页", "党建动态", "我的学习", "我的发展"]
    assert "<title>江城大学网上党校</title>" in client.get("/").content.decode()


def test_in_english_the_menu_and_the_names_are_english(client, english_names, learner):
    client.cookies["school_language"] = "en"
    client.force_login(learner)
    assert menu(client) == ["Home", "News", "My learning", "My development"]
    html = client.get("/").content.decode()
    assert "Jiangcheng Online Party School" in html and "江城大学网上党校" not in html


def test_a_page_without_an_english_label_keeps_its_title(client, english_names):
    NewsIndexPage.objects.update(menu_title_en="")
    client.cookies["school_language"] = "en"
    assert "党建动态" in menu(client)


def test_the_menu_button_controls_the_menu(client, english_names):
    html = client.get("/").content.decode()
    assert 'aria-controls="site-menu"' in html and 'aria-expanded="false"' in html
    assert "js/menu.js" in html


def test_a_course_page_says_whom_it_is_for(client, english_names):
    html = client.get("/courses/activists/").content.decode()
    row = html[html.index("<dt>培训对象</dt>") :]
    assert strip_tags(row[: row.index("</dd>")]) == "培训对象入党积极分子"  # not 入党积极分子培训


def test_the_menu_follows_a_page_published_into_it_and_taken_out(client, english_names, learner):
    """The menu's pages are kept in the page cache; publishing and unpublishing empty it."""
    client.force_login(learner)
    assert "党建动态" in menu(client)
    news = NewsIndexPage.objects.get(slug="news")
    news.unpublish()
    assert "党建动态" not in menu(client)
    news.save_revision().publish()
    news.title = "党建新闻"
    news.save_revision().publish()
    assert menu(client) == ["首页", "党建新闻", "我的学习", "我的发展"]
