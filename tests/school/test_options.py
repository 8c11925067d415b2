"""OPTIONS carries no metadata: the contract is /api/schema/.

DRF's SimpleMetadata described serializers and looked objects up on every endpoint (and crashed
on a viewset without a serializer); with no metadata class DRF answers 405, after
authentication, and before any object is looked up.
"""

import pytest

from courses.models import Enrollment
from tests.factories import UserFactory
from tests.pages import build_site

METADATA_KEYS = {"name", "description", "renders", "parses", "actions"}


@pytest.fixture
def site(db):
    return build_site()


def assert_no_metadata(response):
    assert response.status_code == 405
    body = response.json()
    assert body["code"] == "method_not_allowed"
    assert not METADATA_KEYS & set(body)


def test_options_on_a_list_says_nothing(api_client, learner, site):
    api_client.force_authenticate(learner)
    assert_no_metadata(api_client.options("/api/v1/courses/"))
    assert_no_metadata(api_client.options("/api/v1/me/"))


def test_options_on_someone_elses_object_says_nothing_not_even_that_it_exists(
    api_client, learner, site
):
    others = Enrollment.objects.create(user=UserFactory(), course=site.course)
    api_client.force_authenticate(learner)
    theirs = api_client.options(f"/api/v1/enrollments/{others.pk}/")
    missing = api_client.options("/api/v1/enrollments/999999/")
    assert_no_metadata(theirs)
    assert theirs.json() == missing.json()


def test_options_on_the_lesson_visit_action_does_not_crash(api_client, learner, site):
    api_client.force_authenticate(learner)
    assert_no_metadata(api_client.options(f"/api/v1/lessons/{site.lessons[0].pk}/visit/"))


def test_options_without_credentials_is_still_asked_for_them(api_client, db):
    response = api_client.options("/api/v1/courses/")
    assert response.status_code == 401
    assert not METADATA_KEYS & set(response.json())
