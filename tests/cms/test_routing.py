"""The home page finds a page by its URL path (cms.models.HomePage.route), not level by level."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page, get_page_models

from cms.models import HomePage
from courses.models import LessonPage


def test_no_page_type_routes_by_itself():
    """HomePage.route skips the levels between the home page and the page found: that is
    only the same as Wagtail's walk while no page type answers for its own sub-addresses."""
    routing_itself = [
        model.__name__
        for model in get_page_models()
        if model.route is not Page.route and model is not HomePage
    ]
    assert routing_itself == []


def route(site_pages, path: str):
    request = RequestFactory().get(path)
    return site_pages.home.route(request, [part for part in path.split("/") if part])


def test_a_lesson_is_found_in_two_queries_as_its_specific_page(
    site_pages, django_assert_num_queries
):
    with django_assert_num_queries(2):
        found = route(site_pages, "/courses/activists/duties/")
    assert type(found.page) is LessonPage
    assert found.page.pk == site_pages.lessons[1].pk


def test_the_home_page_itself_is_found(site_pages):
    assert route(site_pages, "/").page.pk == site_pages.home.pk


@pytest.mark.parametrize(
    "path",
    [
        "/courses/activists/draft/",  # a draft
        "/courses/activists/nonesuch/",  # nothing there
        "/activists/duties/",  # a level left out
        "/courses/activists/duties/extra/",  # below a page that has no children
    ],
)
def test_what_wagtail_would_not_serve_is_not_found(site_pages, path):
    with pytest.raises(Http404):
        route(site_pages, path)


def test_a_page_under_an_unpublished_parent_is_served_as_wagtail_serves_it(client, site_pages):
    """Wagtail's walk asks only the page found to be live; so does the home page."""
    course = site_pages.course
    course.unpublish()
    lesson = LessonPage.objects.get(pk=site_pages.lessons[0].pk)
    assert lesson.live
    assert client.get("/courses/activists/procedure/").status_code == 200
