import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from courses.certificates import signing
from courses.models import (
    Certificate,
    CertificateEvent,
    CompletionPolicy,
    Enrollment,
    LessonProgress,
    VerificationLog,
)
from courses.services.certificates import (
    NotComplete,
    ReasonRequired,
    grade_essay,
    issue_certificate,
    issue_if_complete,
    record_attendance,
    reissue_certificate,
    revoke_certificate,
    sign_off,
    submit_essay,
    sweep_completions,
)
from courses.services.exams import save_answer, start_attempt, submit_attempt
from tests.courses.test_exam_services import right_response
from tests.exams import build_exam
from tests.factories import UserFactory


@pytest.fixture
def final_exam(site_pages, bank):
    return build_exam(site_pages.course, bank, short_answers=0)


@pytest.fixture
def policy(site_pages, final_exam):
    return CompletionPolicy.objects.create(course=site_pages.course, exam=final_exam)


def study_everything(user, site_pages):
    for lesson in site_pages.lessons:
        LessonProgress.objects.create(
            user=user,
            lesson=lesson,
            studied_ms=lesson.min_study_minutes * 60_000,
            completed_at=datetime.datetime.now(datetime.UTC),
        )


def pass_exam(user, exam):
    attempt, _ = start_attempt(exam, user=user)
    for row in attempt.questions.all():
        save_answer(attempt, question_id=row.question_id, response=right_response(row))
    return submit_attempt(attempt)


@pytest.fixture
def graduate(candidate, site_pages, final_exam, policy):
    """A learner who has done everything but whose certificate has not been issued yet."""
    study_everything(candidate, site_pages)
    pass_exam(candidate, final_exam)
    Certificate.objects.all().delete()  # the fixture runs outside on_commit; start clean
    return candidate.enrollments.get()


def test_passing_the_final_exam_issues_the_certificate_on_commit(
    candidate, site_pages, final_exam, policy, django_capture_on_commit_callbacks
):
    study_everything(candidate, site_pages)
    with django_capture_on_commit_callbacks(execute=True):
        pass_exam(candidate, final_exam)
    certificate = Certificate.objects.get(user=candidate)
    assert certificate.is_valid and certificate.issued_by is None
    assert certificate.final_grade == Decimal("100.0") and certificate.hours == Decimal("32.0")
    assert CertificateEvent.objects.filter(certificate=certificate, action="issued").exists()
    certificate.refresh_from_db()
    assert (
        certificate.rendered_at
        and certificate.png.name.endswith(".png")
        and certificate.pdf.name.endswith(".pdf")
    )


def test_no_certificate_while_a_condition_is_missing(candidate, site_pages, final_exam, policy):
    study_everything(candidate, site_pages)
    enrollment = candidate.enrollments.get()
    assert issue_if_complete(enrollment) is None
    with pytest.raises(NotComplete):
        issue_certificate(enrollment)
    assert not Certificate.objects.exists()


def test_issuing_twice_gives_the_same_certificate(graduate):
    first = issue_certificate(graduate)
    again = issue_certificate(graduate)
    assert first.created and not again.created and again.certificate.pk == first.certificate.pk
    assert Certificate.objects.count() == 1


def test_an_organizer_issues_by_hand_only_with_a_reason(candidate, branch_organizer, policy):
    enrollment = candidate.enrollments.get()
    with pytest.raises(ReasonRequired):
        issue_certificate(enrollment, actor=branch_organizer, reason=" ")
    issued = issue_certificate(enrollment, actor=branch_organizer, reason="线下集中培训已结业")
    assert (
        issued.certificate.issued_by == branch_organizer
        and issued.certificate.issue_reason == "线下集中培训已结业"
    )


def test_the_certificate_keeps_what_it_certified(graduate, site_pages):
    certificate = issue_certificate(graduate).certificate
    user = graduate.user
    user.full_name = "改了的名字"
    user.save()
    site_pages.course.title = "改了的课程名"
    site_pages.course.save_revision().publish()
    certificate.refresh_from_db()
    assert (certificate.holder_name, certificate.course_title) == ("林晓雨", "入党积极分子培训")
    assert signing.verify(certificate.signed_payload.encode(), certificate.signature)


def test_the_signature_covers_the_printed_facts(graduate):
    certificate = issue_certificate(graduate).certificate
    assert signing.is_well_formed_serial(certificate.serial)
    payload = certificate.signed_payload.encode()
    assert signing.verify(payload, certificate.signature, signing.public_key_pem())
    forged = certificate.signed_payload.replace("林晓雨", "林晓云").encode()
    assert not signing.verify(forged, certificate.signature)


def test_revoked_certificates_verify_as_revoked_and_a_replacement_keeps_the_history(
    graduate, admin, api_client
):
    certificate = issue_certificate(graduate).certificate
    new = reissue_certificate(certificate, actor=admin, reason="姓名更正")
    certificate.refresh_from_db()
    assert (
        certificate.status == Certificate.Status.REVOKED
        and certificate.revocation_reason == "姓名更正"
    )
    assert new.replaces == certificate and new.serial != certificate.serial
    assert list(certificate.events.values_list("action", flat=True)) == [
        "issued",
        "revoked",
        "replaced",
    ]
    body = api_client.get(f"/api/v1/certificates/verify/{certificate.serial}/").json()
    assert (body["valid"], body["revoked"], body["replaced_by"]) == (False, True, new.serial)
    assert api_client.get(f"/api/v1/certificates/verify/{new.serial}/").json()["valid"] is True


def test_revoking_needs_a_reason_and_is_safe_to_repeat(graduate, admin):
    certificate = issue_certificate(graduate).certificate
    revoke_certificate(certificate, actor=admin, reason="考试作弊")
    revoke_certificate(certificate, actor=admin, reason="考试作弊")
    assert certificate.events.filter(action="revoked").count() == 1


def test_the_sweep_issues_what_an_event_missed(graduate):
    assert sweep_completions() == 1
    assert sweep_completions() == 0
    assert Certificate.objects.filter(enrollment=graduate).count() == 1


# --- Public verification ------------------------------------------------------------------------


def test_verification_api_masks_the_name_and_logs_the_look_up(graduate, api_client):
    certificate = issue_certificate(graduate).certificate
    response = api_client.get(f"/api/v1/certificates/verify/{certificate.serial.lower()}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {
        "serial",
        "valid",
        "revoked",
        "holder_name",
        "course_title",
        "hours",
        "issued_on",
        "signature",
    }
    assert (body["holder_name"], body["valid"], body["revoked"]) == ("林*雨", True, False)
    assert "2023010101" not in response.content.decode()
    assert VerificationLog.objects.filter(certificate=certificate, channel="api").count() == 1


def test_an_unknown_serial_is_404_and_logged(api_client, db):
    assert api_client.get("/api/v1/certificates/verify/2026-DX-000000/").status_code == 404
    assert VerificationLog.objects.filter(certificate=None).count() == 1


def test_verification_is_rate_limited(api_client, db):
    statuses = [
        api_client.get("/api/v1/certificates/verify/2026-DX-ABCDEF/").status_code for _ in range(31)
    ]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


def test_the_verify_page_is_public_and_in_chinese(client, graduate):
    certificate = issue_certificate(graduate).certificate
    html = client.get(reverse("verify-serial", args=[certificate.serial])).content.decode()
    assert "证书有效" in html and "林*雨" in html and "林晓雨" not in html
    assert client.get(reverse("verify-serial", args=["2026-DX-000000"])).status_code == 404
    assert (
        client.get(reverse("verify") + "?serial=" + certificate.serial.lower()).status_code == 302
    )


def test_the_public_key_is_published(client, api_client, db):
    pem = client.get(reverse("verify-public-key")).content.decode()
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert api_client.get("/api/v1/certificates/public-key/").json()["public_key_pem"] == pem


# --- Holders and organizers -------------------------------------------------------------------------


def test_holders_download_their_certificate_and_nobody_else_can(client, graduate):
    certificate = issue_certificate(graduate).certificate
    client.force_login(graduate.user)
    response = client.get(reverse("learning:certificate-file", args=[certificate.serial, "pdf"]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(UserFactory(username="2023010188"))
    assert (
        client.get(
            reverse("learning:certificate-file", args=[certificate.serial, "png"])
        ).status_code
        == 404
    )


def test_my_certificates_in_the_api(api_client, graduate):
    certificate = issue_certificate(graduate).certificate
    api_client.force_authenticate(graduate.user)
    [mine] = api_client.get("/api/v1/certificates/").json()["results"]
    assert mine["serial"] == certificate.serial and mine["pdf"].endswith(".pdf")


def test_bulk_verification_lists_who_completed_and_exports_excel(client, graduate, admin):
    # An organizer's list is narrowed to their own people: tests/membership/test_learning_scope.py
    certificate = issue_certificate(graduate).certificate
    client.force_login(admin)
    response = client.post(reverse("certificates:bulk_verify"), {"numbers": "2023010101、9999999"})
    html = response.content.decode()
    assert certificate.serial in html and "9999999" in html
    export = client.post(
        reverse("certificates:bulk_verify"), {"numbers": "2023010101\n9999999", "export": "1"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][4] == certificate.serial and rows[2][0] == "9999999"


def test_learners_cannot_bulk_verify(client, learner):
    client.force_login(learner)
    assert client.get(reverse("certificates:bulk_verify")).status_code in (302, 403)


def test_the_sweep_draws_a_certificate_whose_drawing_was_lost(graduate, site_pages, admin):
    from unittest import mock

    from courses import tasks

    with mock.patch.object(tasks.render_certificate, "delay_on_commit"):  # the task is lost
        lost = issue_certificate(graduate).certificate
    other = UserFactory()
    other_enrollment = Enrollment.objects.create(user=other, course=site_pages.course)
    with mock.patch.object(tasks.render_certificate, "delay_on_commit"):  # still on its way
        recent = issue_certificate(
            other_enrollment, actor=admin, reason="线下培训已结业"
        ).certificate
    Certificate.objects.filter(pk=lost.pk).update(
        issued_at=lost.issued_at - datetime.timedelta(minutes=11)
    )

    tasks.sweep_completions()

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.rendered_at and lost.png and lost.pdf
    assert recent.rendered_at is None
    drawn_at = lost.rendered_at
    tasks.sweep_completions()  # drawn once: a second sweep leaves it as it is
    lost.refresh_from_db()
    assert lost.rendered_at == drawn_at


def test_a_revoked_certificate_stays_revoked_until_someone_issues_one_by_hand(
    graduate, candidate, final_exam, admin, django_capture_on_commit_callbacks
):
    from courses import tasks

    revoked = issue_certificate(graduate).certificate
    revoke_certificate(revoked, actor=admin, reason="考试作弊")
    final_exam.max_attempts = 2  # the learner sits it again
    final_exam.save()

    # Every way a certificate is issued by itself: an exam passed again (its check on commit),
    # the marks and the grading that queue a check, the task, the sweep, the service.
    with django_capture_on_commit_callbacks(execute=True):
        pass_exam(candidate, final_exam)
    with django_capture_on_commit_callbacks(execute=True):
        record_attendance(graduate, actor=admin, score=Decimal(95))
    with django_capture_on_commit_callbacks(execute=True):
        sign_off(graduate, actor=admin)
    essay = submit_essay(graduate, text="我对党的性质和宗旨的认识。")
    with django_capture_on_commit_callbacks(execute=True):
        grade_essay(essay, actor=admin, score=Decimal(90))
    tasks.check_completion(graduate.pk)
    assert sweep_completions() == 0
    tasks.sweep_completions()
    with pytest.raises(NotComplete) as refused:
        issue_certificate(graduate)
    assert refused.value.code == "certificate_revoked"
    assert list(Certificate.objects.filter(enrollment=graduate)) == [revoked]

    # By hand, with a reason, it may be issued again.
    again = issue_certificate(graduate, actor=admin, reason="复核后恢复结业资格").certificate
    assert again.is_valid and again.issued_by == admin


def test_my_learning_says_a_certificate_was_revoked_and_why(client, graduate, candidate, admin):
    revoked = issue_certificate(graduate).certificate
    client.force_login(candidate)
    page = client.get(reverse("learning:mine")).content.decode()
    assert revoked.serial in page and "certificate-card--revoked" not in page

    revoke_certificate(revoked, actor=admin, reason="考试作弊")
    page = client.get(reverse("learning:mine")).content.decode()
    assert "certificate-card--revoked" in page
    assert revoked.serial in page and "考试作弊" in page
    assert reverse("learning:certificate-file", args=[revoked.serial, "pdf"]) not in page

    # Issued again by hand: the new one is shown, the revocation no longer.
    again = issue_certificate(graduate, actor=admin, reason="复核后恢复结业资格").certificate
    page = client.get(reverse("learning:mine")).content.decode()
    assert again.serial in page and "certificate-card--revoked" not in page


def test_a_learner_with_a_certificate_is_not_asked_to_go_on_studying(
    client, graduate, candidate, site_pages
):
    """A certificate issued by hand (a class studied offline) with nothing studied here."""
    certificate = issue_certificate(graduate).certificate
    LessonProgress.objects.filter(user=candidate).delete()
    client.force_login(candidate)
    for url in (reverse("learning:mine"), site_pages.course.url):
        page = " ".join(strip_tags(client.get(url).content.decode()).split())
        assert "已结业" in page and certificate.serial in page, url
        assert "继续学习" not in page, url
