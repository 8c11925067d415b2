"""Who reaches an exam and a certificate's files: the learners an exam is for, the holder of a
certificate and the staff who see that learner. Everyone else gets 404, never 403."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from courses.models import Attempt, Enrollment
from courses.services.certificates import issue_certificate
from courses.services.learning import enroll
from tests.factories import UserFactory
from tests.membership.conftest import person_in


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def reaches(client, user, exam) -> bool:
    """Whether ``user`` reaches the exam on its page, in the API and in 我的学习; all of them
    must agree. Starting from the page is tried last: it opens an attempt when allowed."""
    client.force_login(user)
    page = client.get(reverse("learning:exam", args=[exam.pk])).status_code
    in_api = api(user).get(f"/api/v1/exams/{exam.pk}/").status_code
    listed = exam.pk in [e["id"] for e in api(user).get("/api/v1/exams/").json()["results"]]
    on_my_learning = (
        reverse("learning:exam", args=[exam.pk]) in client.get("/learning/").content.decode()
    )
    start = client.post(reverse("learning:exam-start", args=[exam.pk]))
    assert {page, in_api, start.status_code} <= {200, 302, 404}
    started = start.status_code == 302 and "/learning/attempts/" in start["Location"]
    seen = [page == 200, in_api == 200, listed, on_my_learning, started]
    assert len(set(seen)) == 1, seen
    assert Attempt.objects.filter(user=user).exists() is started
    return started


def test_an_exam_is_for_the_learners_of_its_course(client, exam, candidate):
    assert reaches(client, candidate, exam)


@pytest.mark.parametrize("who", ["outsider", "other_branch_organizer", "instructor", "admin"])
def test_nobody_else_reaches_an_exam(client, exam, who, request):
    user = UserFactory(username="2025990009") if who == "outsider" else request.getfixturevalue(who)
    assert not reaches(client, user, exam)


def test_a_withdrawn_learner_no_longer_reaches_the_exam(client, exam, candidate):
    Enrollment.objects.filter(user=candidate).update(status=Enrollment.Status.WITHDRAWN)
    assert not reaches(client, candidate, exam)


def test_a_class_exam_is_only_for_that_class(client, exam, candidate, cohort, admin):
    exam.cohort = cohort
    exam.save()
    assert not reaches(client, candidate, exam)  # in the course, but not in the class
    in_class = UserFactory(username="2025990010")
    enroll(cohort.course, user=in_class, actor=admin, cohort=cohort)
    assert reaches(client, in_class, exam)


def test_an_unpublished_exam_is_not_found(client, exam, candidate):
    exam.is_published = False
    exam.save()
    assert not reaches(client, candidate, exam)


# --- Certificate files ----------------------------------------------------------------------------


@pytest.fixture
def certificate(site_pages, branch, admin):
    """The certificate of a learner of the organizer's branch."""
    holder = person_in(branch, "2023010301", "许文").user
    enrollment, _ = enroll(site_pages.course, user=holder, actor=admin)
    return issue_certificate(enrollment, actor=admin, reason="线下培训结业").certificate


def download(client, user, certificate, kind="png") -> int:
    client.force_login(user)
    url = reverse("learning:certificate-file", args=[certificate.serial, kind])
    return client.get(url).status_code


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("holder", 200),
        ("branch_organizer", 200),  # the holder is one of their people
        ("instructor", 200),
        ("admin", 200),
        ("other_branch_organizer", 404),  # may see certificates, not this learner's
        ("learner", 404),
    ],
)
def test_a_certificates_files_are_for_its_holder_and_the_staff_who_see_them(
    client, certificate, who, status, request
):
    user = certificate.user if who == "holder" else request.getfixturevalue(who)
    assert download(client, user, certificate, "png") == status
    assert download(client, user, certificate, "pdf") == status


def test_staff_out_of_their_own_scope_still_download_their_own_certificate(
    client, site_pages, other_branch_organizer, admin
):
    enrollment, _ = enroll(site_pages.course, user=other_branch_organizer, actor=admin)
    own = issue_certificate(enrollment, actor=admin, reason="线下培训结业").certificate
    assert download(client, other_branch_organizer, own) == 200


def test_an_organizer_downloads_the_certificates_of_the_class_they_manage(
    client, site_pages, cohort, branch_organizer, other_branch_organizer, admin
):
    in_class = UserFactory(username="2025990011")
    enrollment, _ = enroll(site_pages.course, user=in_class, actor=admin, cohort=cohort)
    certificate = issue_certificate(enrollment, actor=admin, reason="线下培训结业").certificate
    assert download(client, branch_organizer, certificate) == 200
    assert download(client, other_branch_organizer, certificate) == 404


def test_an_unknown_serial_or_kind_is_not_found(client, certificate):
    assert download(client, certificate.user, certificate, "svg") == 404
    client.force_login(certificate.user)
    url = reverse("learning:certificate-file", args=["2026-DX-000000", "png"])
    assert client.get(url).status_code == 404
