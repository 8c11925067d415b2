"""The doors of training classes that stood open, tried as the organizer of another college
would. Each test failed on the code before the reach registry (school/scoping.py)."""

import re

import pytest
from django.urls import reverse

from accounts import roles
from courses.models import Certificate, Cohort, Enrollment
from courses.services.certificates import issue_certificate
from courses.services.learning import enroll, enroll_many
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def their_learner(other_branch, site_pages, admin):
    """A certified learner of another college."""
    user = UserFactory(username="2024020101", full_name="郭强")
    PersonFactory(user=user, organization=other_branch)
    enrollment, _ = enroll(site_pages.course, user=user, actor=admin)
    issue_certificate(enrollment, actor=admin, reason="线下培训结业")
    return user


@pytest.fixture
def their_class(site_pages, other_branch_organizer):
    cohort = Cohort.objects.create(
        course=site_pages.course,
        name="另一学院培训班",
        starts_on="2026-11-01",
        ends_on="2026-12-01",
    )
    cohort.managers.add(other_branch_organizer)
    return cohort


def test_enrolling_a_learner_of_another_college_shows_the_organizer_nothing_of_them(
    client, cohort, branch_organizer, their_learner
):
    result = enroll_many(cohort, usernames=["2024020101"], actor=branch_organizer)
    assert result.unknown == ["2024020101"] and not result.enrolled
    assert not Enrollment.objects.filter(cohort=cohort).exists()
    client.force_login(branch_organizer)
    listing = client.get(reverse("certificates:index")).content.decode()
    assert "郭强" not in listing
    serial = Certificate.objects.get(user=their_learner).serial
    assert client.get(reverse("learning:certificate-file", args=[serial, "png"])).status_code == 404


def test_the_class_form_offers_only_organizers_in_reach(
    client, branch_organizer, other_branch_organizer, learner, site_pages
):
    colleague = UserFactory(username="T2003", full_name="孙丽", groups=[roles.ORGANIZERS])
    branch_organizer.organized_organizations.first().organizers.add(colleague)
    client.force_login(branch_organizer)
    html = client.get(reverse("cohorts:add")).content.decode()
    picker = re.search(r'<select name="managers".*?</select>', html, re.S).group(0)
    offered = set(re.findall(r"\((\w+)\)</option>", picker))
    assert offered == {"T2001", "T2003"}  # themselves and their colleague, no learner, no outsider
    count = Cohort.objects.count()
    response = client.post(
        reverse("cohorts:add"),
        {
            "course": site_pages.course.pk,
            "name": "冒名培训班",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-05",
            "managers": [other_branch_organizer.pk],
        },
    )
    assert response.status_code == 200 and Cohort.objects.count() == count


@pytest.mark.parametrize(
    "view", ["copy", "inspect", "history", "edit", "usage", "delete", "enroll"]
)
def test_another_colleges_class_is_not_found(client, branch_organizer, their_class, view):
    client.force_login(branch_organizer)
    assert client.get(reverse(f"cohorts:{view}", args=[their_class.pk])).status_code == 404


def test_a_class_with_learners_is_kept_with_a_reason(client, cohort, admin, learner_of_branch):
    enroll(cohort.course, user=learner_of_branch, actor=admin, cohort=cohort)
    client.force_login(admin)
    response = client.post(reverse("cohorts:delete", args=[cohort.pk]), follow=True)
    assert response.status_code == 200 and Cohort.objects.filter(pk=cohort.pk).exists()
    assert "无法删除" in response.content.decode()


def test_a_grade_posted_without_its_answer_is_refused_in_words(client, instructor):
    client.force_login(instructor)
    response = client.post(reverse("grading_queue"), {"answer_id": ""}, follow=True)
    assert response.status_code == 200 and "请选择要评分的作答" in response.content.decode()
