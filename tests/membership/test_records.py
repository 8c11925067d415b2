"""Development records and the one service that moves people between stages."""

import datetime

import pytest

from membership import records
from membership.models import DevelopmentRecord, Organization, Stage, StageChange
from membership.services import (
    InvalidRecord,
    OrganizationKindNotAllowed,
    OverrideNotAllowed,
    StageChangeRefused,
    StageGateNotMet,
    add_organization,
    add_record,
    correct_record,
    record_stage_change,
)
from tests.membership.conftest import history, person_in

D = datetime.date
pytestmark = pytest.mark.usefixtures("in_english")


def test_a_branch_cannot_be_put_under_a_party_group(branch):
    group = add_organization(branch, name="第一党小组", kind=Organization.Kind.GROUP)
    with pytest.raises(OrganizationKindNotAllowed):
        add_organization(group, name="错误的支部", kind=Organization.Kind.BRANCH)
    assert not Organization.objects.filter(name="错误的支部").exists()


def test_only_a_committee_may_be_a_root(db):
    with pytest.raises(OrganizationKindNotAllowed):
        add_organization(None, name="孤立的支部", kind=Organization.Kind.BRANCH)


@pytest.mark.parametrize(
    ("kind", "details", "message"),
    [
        (records.MENTORS, {"names": ["甲", "乙", "丙"]}, "one or two mentors"),
        (records.INTRODUCERS, {"names": ["甲"]}, "two introducers"),
        (records.ASSESSMENT, {"votes": 3}, "does not belong"),
        (records.PROBATION_EXTENSION, {"months": 3}, "six to twelve months"),
        (records.TRAINING, {"audience": "everyone"}, "activists or candidates"),
        (records.ADMISSION_NOTICE, {"ends_on": "下周", "outcome": "no_objection"}, "not a date"),
    ],
)
def test_records_with_wrong_details_are_refused(activist, admin, kind, details, message):
    before = DevelopmentRecord.objects.count()
    with pytest.raises(InvalidRecord, match=message):
        add_record(activist, kind=kind, occurred_on=D(2025, 6, 1), details=details, actor=admin)
    assert DevelopmentRecord.objects.count() == before


def test_a_record_dated_in_the_future_is_refused(activist, admin):
    with pytest.raises(InvalidRecord, match="future"):
        add_record(activist, kind=records.THOUGHT_REPORT, occurred_on=D(2999, 1, 1), actor=admin)


def test_decisions_go_through_the_stage_change(activist, admin):
    with pytest.raises(InvalidRecord, match="stage change"):
        add_record(
            activist, kind=records.CANDIDATE_DECISION, occurred_on=D(2026, 3, 20), actor=admin
        )


def test_a_correction_supersedes_and_keeps_the_old_record(activist, admin):
    old = activist.records.get(kind=records.TALK)
    new = correct_record(old, occurred_on=D(2024, 6, 20), actor=admin, reason="日期录入错误")
    assert new.supersedes == old and new.correction_reason == "日期录入错误"
    assert DevelopmentRecord.objects.filter(pk=old.pk).exists()
    with pytest.raises(InvalidRecord, match="already been corrected"):
        correct_record(old, occurred_on=D(2024, 6, 21), actor=admin, reason="再改")
    with pytest.raises(InvalidRecord):
        correct_record(new, occurred_on=D(2024, 6, 21), actor=admin, reason=" ")


def test_the_move_is_refused_with_the_unmet_checks_listed(activist, branch_organizer):
    # The school's rules want the party-school activist training before candidate.
    with pytest.raises(StageGateNotMet) as refused:
        record_stage_change(
            activist, to_stage=Stage.CANDIDATE, effective_on=D(2026, 3, 20), actor=branch_organizer
        )
    assert [check["code"] for check in refused.value.extra["checks"]] == ["activist_training"]
    activist.refresh_from_db()
    assert (
        activist.stage == Stage.ACTIVIST
        and not activist.records.filter(kind=records.CANDIDATE_DECISION).exists()
    )


def test_with_the_training_on_record_the_move_is_made(activist, branch_organizer):
    add_record(
        activist,
        kind=records.TRAINING,
        occurred_on=D(2025, 7, 1),
        details={"audience": "activist", "hours": "32", "grade": "85"},
        actor=branch_organizer,
    )
    change = record_stage_change(
        activist, to_stage=Stage.CANDIDATE, effective_on=D(2026, 3, 20), actor=branch_organizer
    )
    activist.refresh_from_db()
    assert activist.stage == Stage.CANDIDATE
    assert change.decision.kind == records.CANDIDATE_DECISION and change.override_reason == ""


def test_the_national_rules_do_not_ask_for_the_party_school_training(activist, branch_organizer):
    record_stage_change(
        activist,
        to_stage=Stage.CANDIDATE,
        effective_on=D(2026, 3, 20),
        actor=branch_organizer,
        pack_id="cpc-2014",
    )
    activist.refresh_from_db()
    assert activist.stage == Stage.CANDIDATE


def test_an_administrator_may_override_with_a_reason_that_is_kept(
    activist, admin, branch_organizer
):
    with pytest.raises(OverrideNotAllowed):
        record_stage_change(
            activist,
            to_stage=Stage.CANDIDATE,
            effective_on=D(2026, 3, 20),
            actor=branch_organizer,
            override_reason="培训记录待补",
        )
    change = record_stage_change(
        activist,
        to_stage=Stage.CANDIDATE,
        effective_on=D(2026, 3, 20),
        actor=admin,
        override_reason="培训在外校完成，材料待补",
    )
    assert change.override_reason == "培训在外校完成，材料待补"


def test_skipping_a_stage_or_going_back_in_time_is_refused(activist, admin):
    with pytest.raises(StageChangeRefused):
        record_stage_change(
            activist,
            to_stage=Stage.PROBATIONARY,
            effective_on=D(2026, 3, 20),
            actor=admin,
            override_reason="x",
        )
    with pytest.raises(StageChangeRefused, match="before the previous"):
        record_stage_change(
            activist,
            to_stage=Stage.CANDIDATE,
            effective_on=D(2025, 1, 1),
            actor=admin,
            override_reason="x",
        )


def test_the_first_record_is_the_application_of_someone_eighteen_or_over(branch, admin):
    person = person_in(branch, "2025010001", birth_date=D(2008, 3, 2))
    with pytest.raises(StageGateNotMet):
        record_stage_change(
            person, to_stage=Stage.APPLICANT, effective_on=D(2026, 3, 1), actor=admin
        )
    record_stage_change(person, to_stage=Stage.APPLICANT, effective_on=D(2026, 3, 2), actor=admin)
    assert StageChange.objects.get(person=person).decision.kind == records.APPLICATION


def test_an_admission_meeting_without_a_majority_is_refused(branch, admin):
    person = person_in(branch, "2022010001", birth_date=D(2003, 1, 1))
    history(
        person,
        (records.APPLICATION, D(2022, 10, 1), {}),
        (records.ACTIVIST_DECISION, D(2023, 5, 1), {}),
        (records.CANDIDATE_DECISION, D(2024, 9, 1), {}),
    )
    for kind, day, details in [
        (records.INTRODUCERS, D(2024, 9, 5), {"names": ["甲", "乙"]}),
        (records.POLITICAL_REVIEW, D(2024, 10, 1), {"passed": True}),
        (records.TRAINING, D(2024, 10, 10), {"audience": "candidate", "days": 3}),
        (records.PRE_REVIEW, D(2024, 11, 1), {"passed": True}),
        (
            records.ADMISSION_NOTICE,
            D(2024, 11, 2),
            {"ends_on": "2024-11-09", "outcome": "no_objection"},
        ),
    ]:
        add_record(person, kind=kind, occurred_on=day, details=details, actor=admin)
    weak = {"entitled": 20, "present": 12, "votes_for": 10, "votes_against": 2}
    with pytest.raises(StageGateNotMet):
        record_stage_change(
            person,
            to_stage=Stage.PROBATIONARY,
            effective_on=D(2024, 11, 20),
            actor=admin,
            details=weak,
        )
    good = {
        "entitled": 20,
        "present": 18,
        "votes_for": 17,
        "votes_against": 1,
        "secret_ballot": True,
    }
    record_stage_change(
        person, to_stage=Stage.PROBATIONARY, effective_on=D(2024, 11, 20), actor=admin, details=good
    )
    person.refresh_from_db()
    assert person.stage == Stage.PROBATIONARY
