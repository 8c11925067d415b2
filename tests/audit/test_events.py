"""An audit row for every kind of event: who, from which address, what, and before and after."""

import datetime
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from audit.context import request_context
from audit.models import Action, AuditEvent
from audit.receivers import locked_out
from courses.models import Answer, Attempt, Certificate, Enrollment, ReflectionEssay
from courses.questions import types as q
from courses.services.certificates import (
    grade_essay,
    issue_certificate,
    record_attendance,
    reissue_certificate,
    revoke_certificate,
    sign_off,
)
from courses.services.exams import grade_answer, start_attempt, submit_attempt
from courses.services.learning import enroll, enroll_many, withdraw
from membership import records
from membership.models import Stage
from membership.services import (
    OutOfReach,
    add_person,
    add_record,
    correct_record,
    record_stage_change,
    update_person,
)
from membership.services.notices import record_notice_outcome
from tests.audit.conftest import events, last
from tests.courses.test_exam_services import answer_all
from tests.exams import build_exam
from tests.factories import PASSWORD, PersonFactory, UserFactory
from tests.membership.conftest import publish_for

ADDRESS = "203.0.113.7"


# --- Reads of a person's file ------------------------------------------------------------------


def test_opening_a_file_in_the_admin_is_recorded_without_the_query_string(
    client, activist, branch_organizer
):
    client.force_login(branch_organizer)
    url = reverse("people:inspect", args=[activist.pk])
    assert client.get(f"{url}?on=2026-03-20&rules=cpc-2014", REMOTE_ADDR=ADDRESS).status_code == 200

    row = last(Action.PERSON_READ)
    assert (row.actor, row.actor_label) == (branch_organizer, "T2001")
    assert (row.object_type, row.object_id) == ("membership.person", str(activist.pk))
    assert "张小明" in row.object_repr and "2023010201" in row.object_repr
    assert (row.address, row.method, row.path) == (ADDRESS, "GET", url)
    assert row.details == {"view": "admin", "on": "2026-03-20", "rules": "cpc-2014"}


def test_a_file_out_of_reach_is_404_and_nothing_is_recorded(
    client, activist, other_branch_organizer
):
    client.force_login(other_branch_organizer)
    response = client.get(reverse("people:inspect", args=[activist.pk]))
    assert response.status_code == 404
    assert not events(Action.PERSON_READ)


def test_the_api_detail_and_eligibility_are_recorded(api_client, activist, branch_organizer):
    api_client.force_authenticate(branch_organizer)
    assert api_client.get(f"/api/v1/people/{activist.pk}/", REMOTE_ADDR=ADDRESS).status_code == 200
    detail = last(Action.PERSON_READ)
    assert (detail.path, detail.address, detail.details) == (
        f"/api/v1/people/{activist.pk}/",
        ADDRESS,
        {"view": "api"},
    )
    response = api_client.get(
        f"/api/v1/people/{activist.pk}/eligibility/?on=2026-03-20", REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 200
    eligibility = last(Action.PERSON_READ)
    assert eligibility.pk != detail.pk
    assert eligibility.path == f"/api/v1/people/{activist.pk}/eligibility/"
    assert eligibility.details["view"] == "eligibility"
    assert eligibility.details["on"] == "2026-03-20"


def test_a_search_by_number_keeps_the_number_out_of_the_audit_path(
    api_client, activist, branch_organizer
):
    api_client.force_authenticate(branch_organizer)
    api_client.get(f"/api/v1/people/{activist.pk}/?student_number=2023010201")
    assert "2023010201" not in last(Action.PERSON_READ).path


def test_a_dossier_download_is_recorded(client, activist, branch_organizer):
    client.force_login(branch_organizer)
    response = client.get(
        reverse("people:dossier", args=[activist.pk, "xlsx"]), REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 200
    row = last(Action.DOSSIER_DOWNLOAD)
    assert (row.actor, row.object_id, row.address) == (branch_organizer, str(activist.pk), ADDRESS)
    assert row.details == {"format": "xlsx"}


# --- Exports -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_people_export_names_who_was_in_it(client, activist, branch, branch_organizer, kind):
    PersonFactory(user=UserFactory(username="2023010299"), organization=branch)
    client.force_login(branch_organizer)
    response = client.get(reverse("people:index") + f"?export={kind}&q=2023", REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    row = last(Action.EXPORT)
    assert (row.actor, row.object_type, row.address) == (
        branch_organizer,
        "membership.person",
        ADDRESS,
    )
    assert row.path == reverse("people:index")
    assert row.details["format"] == kind
    assert row.details["count"] == 2 and activist.pk in row.details["ids"]


def test_an_export_lists_only_what_the_exporter_reached(client, activist, other_branch_organizer):
    client.force_login(other_branch_organizer)
    client.get(reverse("people:index") + "?export=xlsx")
    assert last(Action.EXPORT).details["ids"] == []


def test_the_enrollments_export_is_recorded(client, cohort, learner, admin):
    enrollment, _ = enroll(cohort.course, user=learner, actor=admin, cohort=cohort)
    client.force_login(admin)
    assert client.get(reverse("enrollments:index") + "?export=xlsx").status_code == 200
    row = last(Action.EXPORT)
    assert row.object_type == "courses.enrollment" and row.details["ids"] == [enrollment.pk]


def test_the_bulk_verification_workbook_is_recorded(client, learner, admin):
    client.force_login(admin)
    response = client.post(
        reverse("certificates:bulk_verify"), {"numbers": "2023010101\n2099999999", "export": "1"}
    )
    assert response.status_code == 200
    row = last(Action.EXPORT)
    assert row.object_type == "accounts.user" and row.details["ids"] == [learner.pk]
    assert row.details["numbers"] == 2 and row.details["list"] == "certificate-check"


# --- Changes to people and their development records -------------------------------------------


def test_opening_a_file_records_every_field(branch, branch_organizer):
    with request_context(ADDRESS, method="POST", path="/admin/people/new/"):
        person = add_person(
            number="2023019999",
            full_name="新同学",
            organization=branch,
            actor=branch_organizer,
            gender="female",
            birth_date=datetime.date(2005, 1, 2),
        )
    row = last(Action.PERSON_CREATE)
    assert (row.object_id, row.address, row.path) == (str(person.pk), ADDRESS, "/admin/people/new/")
    assert row.changes["number"] == [None, "2023019999"]
    assert row.changes["organization"] == [None, branch.name]
    assert row.changes["birth_date"] == [None, "2005-01-02"]
    assert row.details == {"account": "created"}


def test_editing_a_file_in_the_admin_records_each_field_before_and_after(
    client, activist, branch, branch_organizer
):
    client.force_login(branch_organizer)
    response = client.post(
        reverse("people:edit", args=[activist.pk]),
        {
            "full_name": "张小明",
            "name_change_reason": "",
            "organization": branch.pk,
            "gender": "female",
            "ethnicity": "回族",
            "birth_date": "2004-05-01",
            "college": "",
            "grade": "2023",
            "class_name": "",
            "is_league_member": "on",
        },
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302
    row = last(Action.PERSON_UPDATE)
    assert (row.actor, row.address) == (branch_organizer, ADDRESS)
    assert row.changes == {"ethnicity": ["汉族", "回族"], "grade": ["", "2023"]}


def test_a_change_that_changes_nothing_writes_nothing(activist, branch_organizer):
    update_person(activist, actor=branch_organizer, ethnicity=activist.ethnicity)
    assert not events(Action.PERSON_UPDATE)


def test_a_refused_change_writes_no_row(activist, other_branch_organizer):
    with pytest.raises(OutOfReach):
        update_person(activist, actor=other_branch_organizer, ethnicity="回族")
    assert not AuditEvent.objects.exists()


def test_the_row_is_written_in_the_changes_transaction(activist, branch_organizer, monkeypatch):
    """No audit row, no change: a change whose row cannot be written is rolled back."""

    def broken(*args, **kwargs):
        raise RuntimeError("the audit table is unreachable")

    monkeypatch.setattr(AuditEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        update_person(activist, actor=branch_organizer, ethnicity="回族")
    activist.refresh_from_db()
    assert activist.ethnicity == "汉族"


def test_records_and_their_corrections(activist, branch_organizer):
    record = add_record(
        activist,
        kind=records.THOUGHT_REPORT,
        occurred_on=datetime.date(2026, 5, 15),
        actor=branch_organizer,
    )
    added = last(Action.RECORD_ADD)
    assert (added.object_type, added.object_id) == ("membership.developmentrecord", str(record.pk))
    assert "张小明" in added.object_repr  # a search for the person finds their records
    assert added.details["person"] == activist.pk

    correction = correct_record(
        record, occurred_on=datetime.date(2026, 5, 16), actor=branch_organizer, reason="日期有误"
    )
    corrected = last(Action.RECORD_CORRECT)
    assert corrected.object_id == str(correction.pk)
    assert corrected.changes == {"occurred_on": ["2026-05-15", "2026-05-16"]}
    assert (
        corrected.details["supersedes"] == record.pk and corrected.details["reason"] == "日期有误"
    )


def test_a_stage_change_is_recorded(activist, admin):
    change = record_stage_change(
        activist,
        to_stage=Stage.CANDIDATE,
        effective_on=datetime.date(2026, 3, 20),
        actor=admin,
        override_reason="培训已在外校完成",
    )
    row = last(Action.STAGE_CHANGE)
    assert (row.actor, row.object_id) == (admin, str(change.pk))
    assert row.changes == {"stage": [Stage.ACTIVIST, Stage.CANDIDATE]}
    assert row.details["override_reason"] == "培训已在外校完成"


def test_publishing_a_notice_and_its_outcome(activist, branch, branch_organizer, notice_section):
    notice = publish_for(branch_organizer, branch, [activist])
    published = last(Action.NOTICE_PUBLISH)
    assert published.object_id == str(notice.pk) and published.details["people"] == [activist.pk]
    assert last(Action.RECORD_ADD).details["kind"] == records.CANDIDATE_NOTICE

    entry = notice.entries.get()
    record_notice_outcome(
        entry, outcome="objection_resolved", note="已核实", actor=branch_organizer
    )
    outcome = last(Action.NOTICE_OUTCOME)
    assert outcome.object_type == "membership.noticeentry" and "张小明" in outcome.object_repr
    assert outcome.changes == {"outcome": [None, "objection_resolved"]}
    assert outcome.details["note"] == "已核实"


# --- Certificates, grades and enrollment -------------------------------------------------------


@pytest.fixture
def enrollment(cohort, learner, admin):
    enrollment, _ = enroll(cohort.course, user=learner, actor=admin, cohort=cohort)
    return enrollment


def test_issuing_revoking_and_replacing_certificates(enrollment, admin):
    with request_context(ADDRESS):
        certificate = issue_certificate(enrollment, actor=admin, reason="线下结业").certificate
    issued = last(Action.CERTIFICATE_ISSUE)
    assert (issued.actor, issued.object_id, issued.address) == (admin, str(certificate.pk), ADDRESS)
    assert certificate.serial in issued.object_repr and "林晓雨" in issued.object_repr
    assert issued.details["reason"] == "线下结业" and not issued.details["automatic"]

    revoke_certificate(certificate, actor=admin, reason="信息有误")
    revoke_certificate(certificate, actor=admin, reason="信息有误")  # a repeat writes nothing
    assert len(events(Action.CERTIFICATE_REVOKE)) == 1
    assert last(Action.CERTIFICATE_REVOKE).changes == {"status": ["valid", "revoked"]}

    new = reissue_certificate(
        Certificate.objects.get(pk=certificate.pk), actor=admin, reason="更名"
    )
    replaced = last(Action.CERTIFICATE_REISSUE)
    assert replaced.changes == {"serial": [certificate.serial, new.serial]}


def test_marks_and_sign_off_keep_before_and_after(enrollment, branch_organizer):
    record_attendance(enrollment, actor=branch_organizer, score=Decimal(80))
    record_attendance(enrollment, actor=branch_organizer, score=Decimal(90))
    record_attendance(enrollment, actor=branch_organizer, score=Decimal(90))  # unchanged: no row
    marks = events(Action.ATTENDANCE_MARK)
    assert [m.changes for m in marks] == [
        {"attendance_score": [None, "80"]},
        {"attendance_score": ["80", "90"]},
    ]
    sign_off(enrollment, actor=branch_organizer)
    sign_off(Enrollment.objects.get(pk=enrollment.pk), actor=branch_organizer)
    assert [e.actor for e in events(Action.SIGN_OFF)] == [branch_organizer]


def test_grading_an_essay(enrollment, instructor):
    essay = ReflectionEssay.objects.create(enrollment=enrollment, text="心得体会")
    grade_essay(essay, actor=instructor, score=Decimal(70), feedback="好")
    grade_essay(essay, actor=instructor, score=Decimal(75), feedback="好")
    rows = events(Action.ESSAY_GRADE)
    assert [r.changes for r in rows] == [
        {"score": [None, "70"], "feedback": ["", "好"]},
        {"score": ["70", "75"]},
    ]


def test_grading_an_exam_answer(site_pages, bank, learner, instructor):
    exam = build_exam(site_pages.course, bank)
    Enrollment.objects.create(user=learner, course=site_pages.course)
    attempt, _ = start_attempt(exam, user=learner)
    answer_all(attempt)
    assert submit_attempt(attempt).status == Attempt.Status.PENDING_REVIEW
    answer = Answer.objects.get(attempt_question__snapshot__kind=q.SHORT_ANSWER)
    grade_answer(answer, actor=instructor, score=Decimal("7.5"), feedback="要点齐全")
    row = last(Action.ANSWER_GRADE)
    assert (row.actor, row.object_type) == (instructor, "courses.answer")
    assert row.changes == {"score": [None, "7.5"], "feedback": ["", "要点齐全"]}
    assert row.details["attempt"] == attempt.pk and "林晓雨" in row.object_repr


def test_enrolling_and_withdrawing(cohort, learner, branch_organizer, admin, branch):
    PersonFactory(user=learner, organization=branch)
    result = enroll_many(cohort, usernames=["2023010101"], actor=branch_organizer)
    assert result.enrolled == ["2023010101"]
    row = last(Action.ENROLL)
    assert (row.actor, row.details) == (branch_organizer, {"cohort": cohort.pk, "own": False})
    enroll_many(cohort, usernames=["2023010101"], actor=branch_organizer)  # already: no row
    assert len(events(Action.ENROLL)) == 1

    enrollment = Enrollment.objects.get(user=learner)
    withdraw(enrollment, actor=branch_organizer, reason="退学")
    withdraw(enrollment, actor=branch_organizer, reason="退学")
    assert [r.details for r in events(Action.WITHDRAW)] == [{"reason": "退学"}]

    enroll(cohort.course, user=learner, actor=admin, cohort=cohort)  # back again
    back = last(Action.ENROLL)
    assert back.changes == {"status": ["withdrawn", "active"]}


# --- Logins ------------------------------------------------------------------------------------


def test_a_login_and_a_logout_are_recorded(client, learner):
    response = client.post(
        reverse("accounts:login"),
        {"username": "2023010101", "password": PASSWORD},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302
    login = last(Action.LOGIN)
    assert (login.actor, login.address, login.path) == (learner, ADDRESS, reverse("accounts:login"))
    client.post(reverse("accounts:logout"), REMOTE_ADDR=ADDRESS)
    assert last(Action.LOGOUT).actor == learner


def test_a_failed_login_keeps_the_number_tried_and_never_the_password(client, api_client, learner):
    client.post(
        reverse("accounts:login"),
        {"username": "2023010101", "password": "not-the-password-1"},
        REMOTE_ADDR=ADDRESS,
    )
    api_client.post(
        "/api/v1/auth/token/",
        {"username": "2099000000", "password": "not-the-password-2"},
        format="json",
        REMOTE_ADDR=ADDRESS,
    )
    known, unknown = events(Action.LOGIN_FAILED)
    assert (known.actor, known.actor_label, known.object_id) == (
        None,
        "2023010101",
        str(learner.pk),
    )
    assert (unknown.actor_label, unknown.object_id, unknown.address) == ("2099000000", "", ADDRESS)
    for row in AuditEvent.objects.all():
        text = json.dumps([row.actor_label, row.object_repr, row.path, row.changes, row.details])
        assert "not-the-password" not in text


def test_a_lockout_is_recorded(learner):
    locked_out("axes", request=None, username="2023010101", ip_address=ADDRESS)
    row = last(Action.LOCKOUT)
    assert (row.actor_label, row.object_id, row.address) == ("2023010101", str(learner.pk), ADDRESS)


@pytest.mark.skipif(not apps.is_installed("axes"), reason="the lock-out library is not installed")
def test_the_lockout_librarys_signal_is_heard(learner):
    from axes.signals import user_locked_out

    user_locked_out.send("axes", request=None, username="2023010101", ip_address=ADDRESS)
    assert last(Action.LOCKOUT).actor_label == "2023010101"
