"""The doors of member development that stood open, each tried as the outsider would: the
organizer of another college, a learner, a guessed number. Every one of these tests failed
on the code before the reach registry (school/scoping.py)."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts import roles
from accounts.models import User
from accounts.services import IDENTITY_CHANGE_ACTION
from membership import records
from membership.models import DevelopmentRecord, NoticeEntry, Organization, Person, PublicNotice
from membership.services import (
    AccountMismatch,
    add_person,
    add_record,
    record_stage_change,
    update_person,
)
from membership.services.roster import import_roster
from school.exceptions import OutOfReach
from tests.factories import UserFactory
from tests.membership.conftest import history, person_in

D = datetime.date


@pytest.fixture
def theirs(other_branch):
    """A person of another college, with the details an outsider must not read."""
    return person_in(other_branch, "2024020101", "邱思", ethnicity="满族", birth_date=D(2003, 9, 9))


def _row(person: Person) -> tuple:
    person.refresh_from_db()
    return (person.organization_id, person.ethnicity, person.birth_date, person.user.full_name)


def test_another_colleges_file_is_not_found_on_any_admin_page(
    client, theirs, branch, branch_organizer
):
    client.force_login(branch_organizer)
    for name in ("edit", "history", "usage", "inspect", "delete"):
        response = client.get(reverse(f"people:{name}", args=[theirs.pk]))
        assert response.status_code == 404, name
        assert "满族" not in response.content.decode()
    before = _row(theirs)
    # Posting the edit form with the organizer's own branch would have moved her file to them.
    response = client.post(
        reverse("people:edit", args=[theirs.pk]),
        {"full_name": "邱思", "organization": branch.pk, "ethnicity": "汉族", "gender": "female"},
    )
    assert response.status_code == 404 and _row(theirs) == before


def test_the_edit_form_offers_only_the_organizers_organizations(
    client, branch, other_branch, branch_organizer
):
    mine = person_in(branch, "2023010101", "林晓雨")
    client.force_login(branch_organizer)
    html = client.get(reverse("people:edit", args=[mine.pk])).content.decode()
    select = re.search(r'<select name="organization".*?</select>', html, re.S).group(0)
    assert branch.name in select and other_branch.name not in select
    assert "中共测试大学委员会" not in select
    before = _row(mine)
    response = client.post(
        reverse("people:edit", args=[mine.pk]),
        {"full_name": "林晓雨", "organization": other_branch.pk, "gender": "female"},
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert _row(mine) == before


def test_the_add_person_page_opens_and_opens_a_file(client, branch, branch_organizer):
    client.force_login(branch_organizer)
    assert client.get(reverse("people:add")).status_code == 200
    response = client.post(
        reverse("people:add"),
        {
            "number": "2023010777",
            "full_name": "新同学",
            "organization": branch.pk,
            "gender": "male",
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(user__username="2023010777")
    assert person.organization == branch and person.user.full_name == "新同学"
    assert not person.user.has_usable_password()
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(person.pk)).exists()


def test_a_guessed_number_cannot_claim_an_account(branch, branch_organizer, admin):
    learner = UserFactory(username="2023010888", full_name="潘雪")
    staff = UserFactory(username="T3001", full_name="黄老师", groups=[roles.INSTRUCTORS])
    with pytest.raises(AccountMismatch):
        add_person(
            number="2023010888", full_name="某某", organization=branch, actor=branch_organizer
        )
    with pytest.raises(AccountMismatch):
        add_person(number="T3001", full_name="黄老师", organization=branch, actor=branch_organizer)
    assert not Person.objects.exists()
    # With the name the account has, the organizer opens the learner's file; the school's
    # office may open a staff member's.
    assert (
        add_person(
            number="2023010888", full_name="潘雪", organization=branch, actor=branch_organizer
        ).user
        == learner
    )
    assert add_person(
        number="T3001", full_name="黄老师", organization=branch, actor=admin
    ).user == (staff)


def test_the_add_organization_form_has_its_parent_and_kind(client, college, admin):
    client.force_login(admin)
    html = client.get(reverse("organizations:add")).content.decode()
    assert 'name="parent"' in html and 'name="kind"' in html
    response = client.post(
        reverse("organizations:add"),
        {"parent": college.pk, "name": "测试学院教工党支部", "kind": "branch"},
    )
    assert response.status_code == 302
    made = Organization.objects.get(name="测试学院教工党支部")
    assert made.get_parent() == college
    count = Organization.objects.count()
    refused = client.post(
        reverse("organizations:add"), {"parent": made.pk, "name": "错误的党委", "kind": "committee"}
    )
    assert refused.status_code == 200 and "不能" in refused.content.decode()
    assert Organization.objects.count() == count


def test_the_roster_preview_says_nothing_of_another_colleges_file(
    branch, other_branch, branch_organizer
):
    theirs = person_in(other_branch, "2022107001", "邱思")
    history(theirs, (records.APPLICATION, D(2022, 12, 21), {}))
    roster = (
        f"学号,姓名,性别,所在党支部,申请入党日期\n2022107001,邱思,女,{branch.name},2023-01-01\n"
    ).encode()
    result = import_roster("roster.csv", roster, actor=branch_organizer, dry_run=True)
    # Refused on the number, as someone else's; never compared with what her file says.
    assert [(error.row, error.column) for error in result.errors] == [(2, "学号")]
    assert "2022-12-21" not in result.errors[0].message


def test_a_roster_neither_renames_nor_claims_accounts(branch, branch_organizer, admin):
    kept = person_in(branch, "2023010101", "林晓雨")
    roster = (
        "学号,姓名,性别,所在党支部\n"
        f"2023010101,林小雨,女,{branch.name}\n"
        f"admin,王建国,男,{branch.name}\n"
    ).encode()
    result = import_roster("roster.csv", roster, actor=branch_organizer)
    columns = {(error.row, error.column) for error in result.errors}
    assert (2, "姓名") in columns and (3, "学号") in columns
    kept.user.refresh_from_db()
    admin.refresh_from_db()
    assert kept.user.full_name == "林晓雨" and not Person.objects.filter(user=admin).exists()


def test_learners_cannot_use_the_roster_import_to_probe_for_files(api_client, learner, branch):
    person_in(branch, "2023010101", "林晓雨")
    api_client.force_authenticate(learner)
    upload = io.BytesIO("学号,姓名\n2023010101,林晓雨\n".encode())
    upload.name = "roster.csv"
    response = api_client.post("/api/v1/people/import/", {"file": upload, "dry_run": "true"})
    assert response.status_code == 403 and "errors" not in response.json()


@pytest.fixture
def university_notice(university, branch, other_branch, admin):
    """A notice of the whole university with one person of each college on it."""
    mine, theirs = (
        person_in(branch, "2023010101", "林晓雨"),
        person_in(other_branch, "2024020101", "邱思"),
    )
    notice = PublicNotice.objects.create(
        kind=PublicNotice.Kind.CANDIDATE,
        organization=university,
        title="关于拟确定林晓雨等2名同志为发展对象的公示",
        starts_on=D(2026, 3, 2),
        ends_on=D(2026, 3, 10),
        feedback="党委组织部",
    )
    for person, outcome in ((mine, "no_objection"), (theirs, "objection_unresolved")):
        record = DevelopmentRecord.objects.create(
            person=person,
            kind=records.CANDIDATE_NOTICE,
            occurred_on=D(2026, 3, 2),
            details={"ends_on": "2026-03-10", "outcome": outcome},
            correction_reason="群众反映情况属实" if outcome != "no_objection" else "",
        )
        NoticeEntry.objects.create(notice=notice, person=person, record=record)
    return notice


def test_a_notice_of_the_university_shows_an_organizer_only_their_own_people(
    client, api_client, university_notice, branch_organizer
):
    client.force_login(branch_organizer)
    html = client.get(reverse("notices:inspect", args=[university_notice.pk])).content.decode()
    assert "2023010101" in html and "2024020101" not in html and "群众反映" not in html
    assert "其他党组织的 1 人" in html
    api_client.force_authenticate(branch_organizer)
    body = api_client.get(f"/api/v1/notices/{university_notice.pk}/").json()
    assert [entry["student_number"] for entry in body["entries"]] == ["2023010101"]


def test_the_site_history_lists_only_changes_to_files_in_reach(
    client, theirs, branch, branch_organizer, other_branch_organizer, admin
):
    mine = person_in(branch, "2023010101", "林晓雨")
    update_person(theirs, actor=other_branch_organizer, ethnicity="蒙古族")
    update_person(mine, actor=branch_organizer, ethnicity="回族")
    client.force_login(branch_organizer)
    html = client.get("/admin/reports/site-history/").content.decode()
    assert "林晓雨" in html and "邱思" not in html
    client.force_login(admin)
    html = client.get("/admin/reports/site-history/").content.decode()
    assert "林晓雨" in html and "邱思" in html


def test_services_refuse_files_out_of_reach_and_ones_own(
    theirs, branch, branch_organizer, other_branch_organizer
):
    mine = person_in(branch, "2023010101", "林晓雨")
    own = Person.objects.create(user=branch_organizer, organization=branch)
    for person in (theirs, own):
        with pytest.raises(OutOfReach):
            add_record(
                person,
                kind=records.THOUGHT_REPORT,
                occurred_on=D(2026, 1, 1),
                actor=branch_organizer,
            )
        with pytest.raises(OutOfReach):
            record_stage_change(
                person, to_stage="applicant", effective_on=D(2026, 1, 1), actor=branch_organizer
            )
        with pytest.raises(OutOfReach):
            update_person(person, actor=branch_organizer, ethnicity="回族")
    with pytest.raises(OutOfReach):  # moving one's own person into another college
        update_person(mine, actor=branch_organizer, organization=theirs.organization)
    assert not DevelopmentRecord.objects.exists()
    assert other_branch_organizer  # the outsider's own college is untouched too


def test_an_organizer_corrects_a_name_with_a_reason_kept_in_the_history(
    client, branch, branch_organizer
):
    mine = person_in(branch, "2023010101", "林晓雨")
    client.force_login(branch_organizer)
    url = reverse("people:edit", args=[mine.pk])
    form = {"full_name": "林小雨", "organization": branch.pk, "gender": "female"}
    response = client.post(url, form)
    assert response.status_code == 200 and "原因" in response.content.decode()
    assert User.objects.get(pk=mine.user_id).full_name == "林晓雨"
    response = client.post(url, {**form, "name_change_reason": "台账录入错误，依身份证更正"})
    assert response.status_code == 302
    assert User.objects.get(pk=mine.user_id).full_name == "林小雨"
    entry = ModelLogEntry.objects.get(action=IDENTITY_CHANGE_ACTION, object_id=str(mine.user_id))
    assert entry.data["before"] == "林晓雨" and entry.data["after"] == "林小雨"
    assert entry.user == branch_organizer
