"""An organizer sees the learning of the people in their own organizations (and of the classes
they manage), and runs only the classes they manage; school administrators and instructors see
every learner. Membership registers the scope; these tests use it through the admin pages."""

import datetime

import pytest
from django.urls import reverse

from courses.models import Certificate, Cohort, Enrollment
from courses.scope import learners_visible_to
from courses.services.certificates import issue_certificate
from courses.services.learning import enroll
from tests.factories import UserFactory
from tests.membership.conftest import person_in


@pytest.fixture
def school_class(site_pages, admin):
    """A class run by the party committee, which no organizer manages."""
    return Cohort.objects.create(
        course=site_pages.course,
        name="第二十七期入党积极分子培训班",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 10, 1),
    )


@pytest.fixture
def learners(site_pages, school_class, cohort, branch, other_branch, admin):
    """Certified learners: in the school's class, one of the organizer's branch, one of another
    college and one with no file; in the organizer's own class, one with no file."""
    mine = person_in(branch, "2023010301", "许文").user
    theirs = person_in(other_branch, "2024020301", "郭强").user
    outsider = UserFactory(username="2025990001", full_name="访客甲")
    in_my_class = UserFactory(username="2025990002", full_name="旁听乙")
    for user, where in (
        (mine, school_class),
        (theirs, school_class),
        (outsider, school_class),
        (in_my_class, cohort),
    ):
        enrollment, _ = enroll(site_pages.course, user=user, actor=admin, cohort=where)
        issue_certificate(enrollment, actor=admin, reason="线下培训结业")
    return {"mine": mine, "theirs": theirs, "outsider": outsider, "in_my_class": in_my_class}


def refused(response) -> bool:
    """Wagtail's admin answers a refused page with 403, or a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def test_an_organizer_sees_certificates_and_enrollments_of_their_people_only(
    client, learners, branch_organizer
):
    client.force_login(branch_organizer)
    listing = client.get(reverse("certificates:index")).content.decode()
    assert "许文" in listing and "郭强" not in listing and "访客甲" not in listing
    theirs = Certificate.objects.get(user=learners["theirs"])
    assert client.get(reverse("certificates:inspect", args=[theirs.pk])).status_code == 404
    mine = Certificate.objects.get(user=learners["mine"])
    assert client.get(reverse("certificates:inspect", args=[mine.pk])).status_code == 200
    enrollments = client.get(reverse("enrollments:index")).content.decode()
    assert "许文" in enrollments and "郭强" not in enrollments
    response = client.get(reverse("enrollments:index") + "?export=csv")
    export = b"".join(response.streaming_content).decode()
    assert "2023010301" in export and "2024020301" not in export


def test_an_organizer_sees_every_learner_of_a_class_they_manage(client, learners, branch_organizer):
    assert set(learners_visible_to(branch_organizer)) == {learners["mine"], learners["in_my_class"]}
    client.force_login(branch_organizer)
    assert "旁听乙" in client.get(reverse("certificates:index")).content.decode()


def test_bulk_verification_reports_other_peoples_numbers_as_out_of_reach(
    client, learners, branch_organizer
):
    client.force_login(branch_organizer)
    page = client.post(
        reverse("certificates:bulk_verify"), {"numbers": "2023010301、2024020301、9999999"}
    ).content.decode()
    mine = Certificate.objects.get(user=learners["mine"]).serial
    theirs = Certificate.objects.get(user=learners["theirs"]).serial
    assert mine in page and theirs not in page and "郭强" not in page
    assert page.count("您负责的党组织中无此账号") == 2


def test_school_admins_and_instructors_see_everyone(client, learners, admin, instructor):
    assert learners_visible_to(admin) is None and learners_visible_to(instructor) is None
    client.force_login(admin)
    listing = client.get(reverse("certificates:index")).content.decode()
    assert all(name in listing for name in ("许文", "郭强", "访客甲", "旁听乙"))


def test_an_organizer_runs_only_the_classes_they_manage(
    client, learners, branch_organizer, school_class, cohort
):
    client.force_login(branch_organizer)
    assert refused(client.get(reverse("cohorts:edit", args=[school_class.pk])))
    assert refused(client.get(reverse("cohorts:enroll", args=[school_class.pk])))
    assert refused(client.get(reverse("cohort_marks", args=[school_class.pk])))
    assert client.get(reverse("cohorts:edit", args=[cohort.pk])).status_code == 200
    enrollment = Enrollment.objects.get(user=learners["theirs"])
    withdraw = reverse("enrollments:withdraw", args=[enrollment.pk])
    # Another college's learner is out of reach: not found, as if there were none.
    assert client.post(withdraw, {"reason": "误操作"}).status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.is_active
    # The class page lists only the organizer's own people of a class run by others.
    shown = client.get(reverse("cohorts:inspect", args=[school_class.pk])).content.decode()
    assert "许文" in shown and "郭强" not in shown


def test_an_organizer_who_opens_a_class_runs_it(client, branch_organizer, site_pages):
    client.force_login(branch_organizer)
    response = client.post(
        reverse("cohorts:add"),
        {
            "course": site_pages.course.pk,
            "name": "计算机学院发展对象培训班",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-05",
            "required_hours": "24",
            "description": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    opened = Cohort.objects.get(name="计算机学院发展对象培训班")
    assert list(opened.managers.all()) == [branch_organizer]
