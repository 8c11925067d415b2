"""The eligibility engine, gate by gate and pack by pack (pure: no database).

Every test starts from a person who meets every check of a gate in every pack (`READY`) and
changes one thing, so a check that is unmet is unmet for the reason the test names. The real
packs are used with an empty holiday calendar, except where a test injects one: the shipped
calendar's contents must not decide a test.
"""

import dataclasses
import datetime
import re
import tomllib
from decimal import Decimal

import pytest

from membership import records
from membership.eligibility.dates import EMPTY_CALENDAR, WorkCalendar
from membership.eligibility.engine import (
    BLOCKING,
    CHECK_TYPES,
    KIND_NAMES,
    PARAM_KINDS,
    WARNING,
    Check,
    Eligibility,
    eligibility,
)
from membership.eligibility.facts import PersonFacts, RecordFact, TrainingFact
from membership.eligibility.packs import RULEPACKS_DIR, RulePack, available_packs, load_pack

D = datetime.date
PACKS = ("cpc-2014", "cpc-2026.05", "school")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def pack(pack_id: str, calendar: WorkCalendar = EMPTY_CALENDAR) -> RulePack:
    return dataclasses.replace(load_pack(pack_id), calendar=calendar)


def rec(kind: str, on: D, id: int | None = None, **details) -> RecordFact:
    return RecordFact(kind=kind, on=on, details=details, id=id)


def certificate(audience: str, on: D, **fields) -> TrainingFact:
    return TrainingFact(audience=audience, completed_on=on, **fields)


# --- People ready for each gate, and the date they are ready on -------------------------------

ACTIVIST_READY = PersonFacts(
    stage="applicant",
    birth_date=D(2000, 1, 1),
    records=(
        rec(records.APPLICATION, D(2025, 3, 1), 1),
        rec(records.TALK, D(2025, 3, 15), 2),
        rec(records.PARTY_RECOMMENDATION, D(2025, 9, 1), 3, names=["张三", "李四"]),
    ),
)
CANDIDATE_READY = PersonFacts(
    stage="activist",
    birth_date=D(2000, 1, 1),
    records=(
        rec(records.ACTIVIST_DECISION, D(2025, 3, 1), 10),
        rec(records.MENTORS, D(2025, 3, 1), 11, names=["张三", "李四"]),
        rec(records.ASSESSMENT, D(2025, 8, 30), 12),
        rec(records.ASSESSMENT, D(2026, 2, 27), 13),
        rec(records.THOUGHT_REPORT, D(2025, 5, 30), 14),
        rec(records.THOUGHT_REPORT, D(2025, 8, 30), 15),
        rec(records.THOUGHT_REPORT, D(2025, 11, 30), 16),
        rec(records.THOUGHT_REPORT, D(2026, 2, 27), 17),
        # Monday to Sunday: five working days and seven calendar days.
        rec(
            records.CANDIDATE_NOTICE,
            D(2026, 3, 2),
            18,
            ends_on="2026-03-08",
            outcome="no_objection",
        ),
    ),
    trainings=(certificate("activist", D(2025, 6, 30), grade=Decimal(85), serial="DX-2025-0001"),),
)
PROBATIONARY_READY = PersonFacts(
    stage="candidate",
    birth_date=D(2000, 1, 1),
    records=(
        rec(records.INTRODUCERS, D(2026, 4, 1), 20, names=["王五", "赵六"]),
        rec(records.POLITICAL_REVIEW, D(2026, 4, 10), 21, passed=True),
        rec(records.PRE_REVIEW, D(2026, 5, 20), 22, passed=True),
        rec(
            records.ADMISSION_NOTICE,
            D(2026, 5, 25),
            23,
            ends_on="2026-06-01",
            outcome="no_objection",
        ),
    ),
    trainings=(certificate("candidate", D(2026, 4, 20), hours=Decimal(24), serial="DX-2026-0100"),),
)
MEMBER_READY = PersonFacts(
    stage="probationary",
    birth_date=D(2000, 1, 1),
    records=(
        rec(records.ADMISSION_MEETING, D(2026, 6, 20), 30),
        rec(records.ADMISSION_APPROVAL, D(2026, 8, 1), 31, passed=True),
        rec(records.OATH, D(2026, 8, 15), 32),
        rec(records.FULL_MEMBERSHIP_APPLICATION, D(2027, 6, 1), 33),
    ),
)
READY = {
    "applicant": (PersonFacts(stage="", birth_date=D(2000, 1, 1)), D(2025, 1, 1)),
    "activist": (ACTIVIST_READY, D(2025, 10, 1)),
    "candidate": (CANDIDATE_READY, D(2026, 3, 10)),
    "probationary": (PROBATIONARY_READY, D(2026, 6, 20)),
    "member": (MEMBER_READY, D(2027, 7, 1)),
}


def with_records(
    facts: PersonFacts, *extra: RecordFact, without: tuple[str, ...] = ()
) -> PersonFacts:
    """`facts` with the records of kinds `without` left out and `extra` added."""
    kept = tuple(r for r in facts.records if r.kind not in without)
    return dataclasses.replace(facts, records=kept + extra)


def check(result: Eligibility, code: str) -> Check:
    found = [c for c in result.checks if c.code == code]
    assert len(found) == 1, f"{code} not among {[c.code for c in result.checks]}"
    return found[0]


# --- The whole gate -----------------------------------------------------------------------------


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize("stage", list(READY))
def test_a_ready_person_meets_every_check_of_the_gate(pack_id, stage):
    facts, on = READY[stage]
    result = eligibility(facts, on=on, pack=pack(pack_id))
    assert result.next_stage == stage
    assert result.rules == pack_id
    assert result.on == on
    assert result.checks, "every gate has checks"
    assert [c.code for c in result.checks if not c.met] == []
    assert result.eligible is True


def test_before_applying_the_next_stage_is_applicant_and_the_only_check_is_age():
    result = eligibility(
        PersonFacts(stage="", birth_date=D(2000, 1, 1)), on=D(2025, 1, 1), pack=pack("school")
    )
    assert (result.stage, result.next_stage) == ("", "applicant")
    assert [c.code for c in result.checks] == ["min_age"]


@pytest.mark.parametrize("pack_id", PACKS)
def test_a_full_member_has_no_next_stage_and_is_not_eligible(pack_id):
    facts = with_records(MEMBER_READY, rec(records.FULL_MEMBERSHIP_MEETING, D(2027, 7, 1), 40))
    facts = dataclasses.replace(facts, stage="member")
    result = eligibility(facts, on=D(2027, 8, 1), pack=pack(pack_id))
    assert result == Eligibility("member", None, D(2027, 8, 1), pack_id, eligible=False, checks=[])


def test_an_unknown_stage_is_an_error():
    with pytest.raises(ValueError, match="Unknown stage"):
        eligibility(PersonFacts(stage="honorary"), on=D(2025, 1, 1), pack=pack("school"))


def test_an_unmet_blocking_check_makes_the_person_not_eligible():
    facts = with_records(ACTIVIST_READY, without=(records.PARTY_RECOMMENDATION,))
    result = eligibility(facts, on=D(2025, 10, 1), pack=pack("cpc-2014"))
    assert not check(result, "recommendation").met
    assert check(result, "recommendation").severity == BLOCKING
    assert result.eligible is False


def test_unmet_warnings_alone_never_block():
    # No talk on record long after the month, a League member without 推优: two warnings.
    facts = dataclasses.replace(
        with_records(ACTIVIST_READY, without=(records.TALK,)), is_league_member=True
    )
    result = eligibility(facts, on=D(2025, 10, 1), pack=pack("cpc-2026.05"))
    unmet = [c for c in result.checks if not c.met]
    assert {c.code for c in unmet} == {"talk_within_month", "league_recommendation_under_28"}
    assert {c.severity for c in unmet} == {WARNING}
    assert result.eligible is True


def test_records_dated_after_the_date_do_not_count():
    result = eligibility(ACTIVIST_READY, on=D(2025, 8, 31), pack=pack("cpc-2014"))
    assert not check(result, "recommendation").met  # recommended on 2025-09-01
    assert result.eligible is False


# --- applicant ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "met", "due_on"),
    [
        (D(2008, 3, 1), D(2026, 2, 28), False, D(2026, 3, 1)),
        (D(2008, 3, 1), D(2026, 3, 1), True, D(2026, 3, 1)),
        # Born on 29 February: 18 on 28 February of a common year.
        (D(2008, 2, 29), D(2026, 2, 27), False, D(2026, 2, 28)),
        (D(2008, 2, 29), D(2026, 2, 28), True, D(2026, 2, 28)),
        (None, D(2026, 3, 1), False, None),
    ],
)
def test_an_applicant_must_be_eighteen(birth, on, met, due_on):
    result = eligibility(PersonFacts(stage="", birth_date=birth), on=on, pack=pack("cpc-2014"))
    age = check(result, "min_age")
    assert (age.met, age.due_on, result.eligible) == (met, due_on, met)
    assert age.article == "第五条"


# --- activist ----------------------------------------------------------------------------------

TALK_CASES = [
    # application 2025-01-31: the month ends on 2025-02-28.
    (None, D(2025, 2, 28), True),  # not yet due
    (None, D(2025, 3, 1), False),  # due and missing
    (D(2025, 2, 28), D(2025, 3, 1), True),  # on the last day
    (D(2025, 3, 1), D(2025, 3, 2), False),  # a day late
]


@pytest.mark.parametrize(("talk_on", "on", "met"), TALK_CASES)
def test_the_talk_is_due_a_month_after_the_application(talk_on, on, met):
    talks = (rec(records.TALK, talk_on, 2),) if talk_on else ()
    facts = with_records(
        ACTIVIST_READY,
        rec(records.APPLICATION, D(2025, 1, 31), 1),
        *talks,
        without=(records.APPLICATION, records.TALK, records.PARTY_RECOMMENDATION),
    )
    result = eligibility(facts, on=on, pack=pack("cpc-2014"))
    talk = check(result, "talk_within_month")
    assert (talk.met, talk.due_on, talk.severity) == (met, D(2025, 2, 28), WARNING)


def test_a_league_recommendation_is_a_recommendation_too():
    facts = with_records(
        ACTIVIST_READY,
        rec(records.LEAGUE_RECOMMENDATION, D(2025, 9, 1), 4),
        without=(records.PARTY_RECOMMENDATION,),
    )
    result = eligibility(facts, on=D(2025, 10, 1), pack=pack("cpc-2014"))
    assert check(result, "recommendation").met
    assert "团组织推优 2025-09-01（记录 #4）" in check(result, "recommendation").evidence


@pytest.mark.parametrize(
    ("pack_id", "severity", "eligible"),
    [("cpc-2014", WARNING, True), ("cpc-2026.05", WARNING, True), ("school", BLOCKING, False)],
)
def test_a_league_member_under_28_needs_the_league_recommendation(pack_id, severity, eligible):
    facts = dataclasses.replace(ACTIVIST_READY, is_league_member=True)
    result = eligibility(facts, on=D(2025, 10, 1), pack=pack(pack_id))
    league = check(result, "league_recommendation_under_28")
    assert (league.met, league.severity, result.eligible) == (False, severity, eligible)

    recommended = with_records(facts, rec(records.LEAGUE_RECOMMENDATION, D(2025, 9, 1), 4))
    result = eligibility(recommended, on=D(2025, 10, 1), pack=pack(pack_id))
    assert check(result, "league_recommendation_under_28").met
    assert result.eligible is True


@pytest.mark.parametrize(
    ("on", "met"),
    [(D(2025, 12, 31), False), (D(2026, 1, 1), True)],  # 28 on 2026-01-01: the rule stops applying
)
def test_the_league_rule_stops_at_28(on, met):
    facts = dataclasses.replace(ACTIVIST_READY, birth_date=D(1998, 1, 1), is_league_member=True)
    result = eligibility(facts, on=on, pack=pack("school"))
    assert check(result, "league_recommendation_under_28").met is met


def test_the_league_rule_does_not_apply_to_non_members():
    result = eligibility(ACTIVIST_READY, on=D(2025, 10, 1), pack=pack("school"))
    assert check(result, "league_recommendation_under_28").evidence == "非共青团员，不适用"


@pytest.mark.parametrize(
    ("applied", "on", "met", "due_on"),
    [
        (D(2025, 3, 1), D(2025, 8, 31), False, D(2025, 9, 1)),
        (D(2025, 3, 1), D(2025, 9, 1), True, D(2025, 9, 1)),
        (D(2024, 8, 31), D(2025, 2, 27), False, D(2025, 2, 28)),  # no 31 February
        (D(2024, 8, 31), D(2025, 2, 28), True, D(2025, 2, 28)),
    ],
)
def test_school_the_application_is_held_six_months(applied, on, met, due_on):
    facts = with_records(
        ACTIVIST_READY,
        rec(records.APPLICATION, applied, 1),
        rec(records.TALK, applied, 2),
        rec(records.PARTY_RECOMMENDATION, applied, 3),
        without=(records.APPLICATION, records.TALK, records.PARTY_RECOMMENDATION),
    )
    result = eligibility(facts, on=on, pack=pack("school"))
    held = check(result, "application_six_months")
    assert (held.met, held.due_on, held.article, result.eligible) == (met, due_on, "", met)


def test_the_national_packs_have_no_six_month_rule():
    assert "application_six_months" not in {c.code for c in load_pack("cpc-2026.05").checks}


# --- candidate ---------------------------------------------------------------------------------


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize(
    ("decided", "on", "met", "due_on"),
    [
        (D(2025, 3, 1), D(2026, 2, 28), False, D(2026, 3, 1)),
        (D(2025, 3, 1), D(2026, 3, 1), True, D(2026, 3, 1)),  # "一年以上" includes that day
        (D(2024, 8, 31), D(2025, 8, 30), False, D(2025, 8, 31)),
        (D(2024, 8, 31), D(2025, 8, 31), True, D(2025, 8, 31)),
        (D(2024, 2, 29), D(2025, 2, 27), False, D(2025, 2, 28)),  # leap day + 1 year
        (D(2024, 2, 29), D(2025, 2, 28), True, D(2025, 2, 28)),
    ],
)
def test_a_candidate_was_an_activist_for_a_year(pack_id, decided, on, met, due_on):
    facts = with_records(
        CANDIDATE_READY,
        rec(records.ACTIVIST_DECISION, decided, 10),
        without=(records.ACTIVIST_DECISION,),
    )
    result = eligibility(facts, on=on, pack=pack(pack_id))
    year = check(result, "activist_one_year")
    assert (year.met, year.due_on, year.article) == (met, due_on, "第十三条")
    if not met:
        assert result.eligible is False


def test_without_an_activist_decision_the_year_cannot_start():
    facts = with_records(CANDIDATE_READY, without=(records.ACTIVIST_DECISION,))
    result = eligibility(facts, on=D(2026, 3, 10), pack=pack("cpc-2014"))
    year = check(result, "activist_one_year")
    assert (year.met, year.due_on, year.evidence) == (False, None, "未登记确定为入党积极分子")


@pytest.mark.parametrize(
    ("names", "met"),
    [
        ([], False),
        (["张三"], True),
        (["张三", "李四"], True),
        (["张三", "李四", "王五"], False),
        (["张三", "张三"], True),
    ],  # the same name twice is one mentor
)
def test_an_activist_has_one_or_two_mentors(names, met):
    facts = with_records(
        CANDIDATE_READY,
        rec(records.MENTORS, D(2025, 3, 1), 11, names=names),
        without=(records.MENTORS,),
    )
    result = eligibility(facts, on=D(2026, 3, 10), pack=pack("cpc-2014"))
    assert check(result, "mentors").met is met


def test_mentors_must_be_on_record():
    facts = with_records(CANDIDATE_READY, without=(records.MENTORS,))
    result = eligibility(facts, on=D(2026, 3, 10), pack=pack("cpc-2014"))
    assert check(result, "mentors").evidence == "未登记指定培养联系人"
    assert result.eligible is False


@pytest.mark.parametrize(
    ("decided", "assessed", "on", "met", "due_on"),
    [
        # One assessment after 2025-03-01: enough until the second half-year ends.
        (D(2025, 3, 1), [D(2025, 8, 30)], D(2026, 2, 28), True, None),
        (D(2025, 3, 1), [D(2025, 8, 30)], D(2026, 3, 1), False, D(2026, 3, 1)),
        (D(2025, 3, 1), [], D(2025, 8, 31), True, None),
        (D(2025, 3, 1), [], D(2025, 9, 1), False, D(2025, 9, 1)),
        # From 31 August, the first half-year ends on 28 February.
        (D(2024, 8, 31), [], D(2025, 2, 27), True, None),
        (D(2024, 8, 31), [], D(2025, 2, 28), False, D(2025, 2, 28)),
        # An assessment on the day of the decision is not one of the activist's half-years.
        (D(2025, 3, 1), [D(2025, 3, 1)], D(2025, 9, 1), False, D(2025, 9, 1)),
    ],
)
def test_an_activist_is_assessed_every_half_year(decided, assessed, on, met, due_on):
    facts = with_records(
        CANDIDATE_READY,
        rec(records.ACTIVIST_DECISION, decided, 10),
        *(rec(records.ASSESSMENT, day, 50 + i) for i, day in enumerate(assessed)),
        without=(records.ACTIVIST_DECISION, records.ASSESSMENT),
    )
    result = eligibility(facts, on=on, pack=pack("cpc-2014"))
    assessment = check(result, "assessment_every_half_year")
    assert (assessment.met, assessment.due_on) == (met, due_on)
    assert assessment.severity == BLOCKING


def test_the_assessment_evidence_lists_the_dates_and_ids():
    result = eligibility(CANDIDATE_READY, on=D(2026, 3, 10), pack=pack("cpc-2014"))
    evidence = check(result, "assessment_every_half_year").evidence
    assert "应有培养考察 2 次" in evidence
    assert "2025-08-30（#12）、2026-02-27（#13）" in evidence


def notice(start: D, ends: str, outcome: str = "no_objection") -> RecordFact:
    return rec(records.CANDIDATE_NOTICE, start, 18, ends_on=ends, outcome=outcome)


@pytest.mark.parametrize(
    ("start", "ends", "calendar", "on", "met", "due_on"),
    [
        # Monday to Friday: five working days; over the day after it ends.
        (D(2026, 3, 2), "2026-03-06", EMPTY_CALENDAR, D(2026, 3, 6), False, D(2026, 3, 7)),
        (D(2026, 3, 2), "2026-03-06", EMPTY_CALENDAR, D(2026, 3, 7), True, D(2026, 3, 7)),
        (D(2026, 3, 2), "2026-03-05", EMPTY_CALENDAR, D(2026, 3, 9), False, None),  # four days
        # Across the May holiday: seven weekdays without the calendar, four with it.
        (D(2025, 4, 28), "2025-05-06", EMPTY_CALENDAR, D(2025, 5, 7), True, D(2025, 5, 7)),
        (
            D(2025, 4, 28),
            "2025-05-06",
            WorkCalendar(holidays=frozenset(D(2025, 5, d) for d in range(1, 6))),
            D(2025, 5, 7),
            False,
            None,
        ),
        # A Sunday made a working day completes the five.
        (D(2025, 9, 26), "2025-10-01", EMPTY_CALENDAR, D(2025, 10, 2), False, None),
        (
            D(2025, 9, 26),
            "2025-10-01",
            WorkCalendar(workdays=frozenset({D(2025, 9, 28)})),
            D(2025, 10, 2),
            True,
            D(2025, 10, 2),
        ),
    ],
)
def test_cpc_2026_candidate_notice_runs_five_working_days(start, ends, calendar, on, met, due_on):
    facts = with_records(CANDIDATE_READY, notice(start, ends), without=(records.CANDIDATE_NOTICE,))
    result = eligibility(facts, on=on, pack=pack("cpc-2026.05", calendar))
    found = check(result, "candidate_notice")
    assert (found.met, found.due_on) == (met, due_on)
    # Uncertain in the 2026 text, so it keeps 2014's severity: it never blocks.
    assert (found.severity, found.certain, found.article) == (WARNING, False, "第十三条")


def test_the_notice_evidence_says_when_a_year_of_holidays_is_missing():
    facts = with_records(
        CANDIDATE_READY, notice(D(2026, 3, 2), "2026-03-06"), without=(records.CANDIDATE_NOTICE,)
    )
    covered = WorkCalendar(years=frozenset({2026}))
    result = eligibility(facts, on=D(2026, 3, 10), pack=pack("cpc-2026.05", covered))
    assert "节假日安排未录入" not in check(result, "candidate_notice").evidence
    result = eligibility(facts, on=D(2026, 3, 10), pack=pack("cpc-2026.05"))
    assert "2026 年节假日安排未录入" in check(result, "candidate_notice").evidence


@pytest.mark.parametrize(
    ("outcome", "met"),
    [("no_objection", True), ("objection_resolved", True), ("objection_unresolved", False)],
)
def test_an_unresolved_objection_fails_the_notice(outcome, met):
    facts = with_records(
        CANDIDATE_READY,
        notice(D(2026, 3, 2), "2026-03-08", outcome),
        without=(records.CANDIDATE_NOTICE,),
    )
    for pack_id in PACKS:
        result = eligibility(facts, on=D(2026, 3, 10), pack=pack(pack_id))
        assert check(result, "candidate_notice").met is met


@pytest.mark.parametrize(
    ("ends", "on", "met"),
    [
        ("2026-03-07", D(2026, 3, 10), False),  # six days
        ("2026-03-08", D(2026, 3, 8), False),  # seven days, last day
        ("2026-03-08", D(2026, 3, 9), True),
    ],
)
def test_school_candidate_notice_runs_seven_calendar_days_and_blocks(ends, on, met):
    facts = with_records(
        CANDIDATE_READY, notice(D(2026, 3, 2), ends), without=(records.CANDIDATE_NOTICE,)
    )
    result = eligibility(facts, on=on, pack=pack("school"))
    found = check(result, "candidate_notice")
    assert (found.met, found.severity, found.label) == (
        met,
        BLOCKING,
        "列为发展对象前公示不少于七天",
    )
    assert result.eligible is met


@pytest.mark.parametrize(
    ("pack_id", "eligible"), [("cpc-2014", True), ("cpc-2026.05", True), ("school", False)]
)
def test_a_missing_candidate_notice_blocks_only_in_the_school_pack(pack_id, eligible):
    facts = with_records(CANDIDATE_READY, without=(records.CANDIDATE_NOTICE,))
    result = eligibility(facts, on=D(2026, 3, 10), pack=pack(pack_id))
    assert not check(result, "candidate_notice").met
    assert result.eligible is eligible


@pytest.mark.parametrize(
    ("training", "met", "evidence"),
    [
        (
            certificate("activist", D(2025, 6, 30), grade=Decimal(60), serial="DX-1"),
            True,
            "结业证书 DX-1",
        ),
        (
            certificate("activist", D(2025, 6, 30), grade=Decimal("59.5"), serial="DX-1"),
            False,
            "成绩低于 60",
        ),
        (
            certificate("activist", D(2025, 6, 30), serial="DX-1"),
            True,
            "结业证书 DX-1",
        ),  # grade unknown
        (certificate("activist", D(2025, 6, 30), record_id=42), True, "培训记录 #42"),  # imported
        (
            certificate("activist", D(2026, 3, 11), serial="DX-1"),
            False,
            "尚未结业",
        ),  # after the date
        (certificate("candidate", D(2025, 6, 30), serial="DX-1"), False, "未登记入党积极分子培训"),
    ],
)
def test_school_activist_training_before_candidate(training, met, evidence):
    facts = dataclasses.replace(CANDIDATE_READY, trainings=(training,))
    result = eligibility(facts, on=D(2026, 3, 10), pack=pack("school"))
    found = check(result, "activist_training")
    assert (found.met, found.severity, result.eligible) == (met, BLOCKING, met)
    assert evidence in found.evidence


def test_a_failed_training_does_not_hide_a_passed_one():
    trainings = (
        certificate("activist", D(2025, 5, 30), grade=Decimal(40), serial="DX-1"),
        certificate("activist", D(2025, 11, 30), grade=Decimal(75), serial="DX-2"),
    )
    facts = dataclasses.replace(CANDIDATE_READY, trainings=trainings)
    found = check(eligibility(facts, on=D(2026, 3, 10), pack=pack("school")), "activist_training")
    assert found.met
    assert "DX-2" in found.evidence


def test_the_national_packs_do_not_require_activist_training():
    facts = dataclasses.replace(CANDIDATE_READY, trainings=())
    for pack_id in ("cpc-2014", "cpc-2026.05"):
        assert eligibility(facts, on=D(2026, 3, 10), pack=pack(pack_id)).eligible


def test_school_thought_reports_are_quarterly_and_only_warn():
    facts = with_records(CANDIDATE_READY, without=(records.THOUGHT_REPORT,))
    result = eligibility(facts, on=D(2026, 3, 10), pack=pack("school"))
    reports = check(result, "thought_report_quarterly")
    assert (reports.met, reports.severity, reports.due_on) == (False, WARNING, D(2025, 6, 1))
    assert "应有思想汇报 4 次" in reports.evidence
    assert result.eligible is True


# --- probationary ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "met"),
    [(["王五"], False), (["王五", "赵六"], True), (["王五", "赵六", "孙七"], False)],
)
def test_a_candidate_has_exactly_two_introducers(names, met):
    facts = with_records(
        PROBATIONARY_READY,
        rec(records.INTRODUCERS, D(2026, 4, 1), 20, names=names),
        without=(records.INTRODUCERS,),
    )
    result = eligibility(facts, on=D(2026, 6, 20), pack=pack("cpc-2026.05"))
    assert check(result, "introducers").met is met
    assert result.eligible is met


@pytest.mark.parametrize("code", ["political_review", "pre_review"])
@pytest.mark.parametrize(
    ("passed", "met", "evidence"),
    [(True, True, "通过"), (False, False, "未通过"), (None, False, "未登记")],
)
def test_reviews_must_be_passed(code, passed, met, evidence):
    kind = {"political_review": records.POLITICAL_REVIEW, "pre_review": records.PRE_REVIEW}[code]
    extra = () if passed is None else (rec(kind, D(2026, 5, 20), 60, passed=passed),)
    facts = with_records(PROBATIONARY_READY, *extra, without=(kind,))
    result = eligibility(facts, on=D(2026, 6, 20), pack=pack("cpc-2026.05"))
    assert (check(result, code).met, result.eligible) == (met, met)
    assert evidence in check(result, code).evidence


@pytest.mark.parametrize(
    ("training", "met"),
    [
        (certificate("candidate", D(2026, 4, 20), hours=Decimal(24), serial="DX-9"), True),
        (
            certificate("candidate", D(2026, 4, 20), hours=Decimal("23.5"), days=3, record_id=7),
            True,
        ),
        (certificate("candidate", D(2026, 4, 20), hours=Decimal(20), days=2, serial="DX-9"), False),
        (certificate("candidate", D(2026, 6, 21), hours=Decimal(32), serial="DX-9"), False),
        (certificate("activist", D(2026, 4, 20), hours=Decimal(32), serial="DX-9"), False),
    ],
)
@pytest.mark.parametrize("pack_id", PACKS)
def test_candidate_training_is_three_days_or_24_hours(pack_id, training, met):
    facts = dataclasses.replace(PROBATIONARY_READY, trainings=(training,))
    result = eligibility(facts, on=D(2026, 6, 20), pack=pack(pack_id))
    found = check(result, "candidate_training")
    assert (found.met, found.article, result.eligible) == (met, "第十七条", met)


def test_training_evidence_names_the_certificate_or_the_record():
    by_certificate = eligibility(PROBATIONARY_READY, on=D(2026, 6, 20), pack=pack("school"))
    assert check(by_certificate, "candidate_training").evidence.startswith(
        "结业证书 DX-2026-0100（"
    )
    imported = dataclasses.replace(
        PROBATIONARY_READY,
        trainings=(certificate("candidate", D(2026, 4, 20), days=3, record_id=77),),
    )
    by_record = eligibility(imported, on=D(2026, 6, 20), pack=pack("school"))
    assert check(by_record, "candidate_training").evidence.startswith("培训记录 #77（")


@pytest.mark.parametrize(
    ("notice_record", "met"),
    [
        (None, False),
        (
            rec(records.ADMISSION_NOTICE, D(2026, 6, 15), 23, ends_on="2026-06-20"),
            False,
        ),  # not over
        (rec(records.ADMISSION_NOTICE, D(2026, 6, 10), 23, ends_on="2026-06-19"), True),
        (
            rec(
                records.ADMISSION_NOTICE,
                D(2026, 6, 10),
                23,
                ends_on="2026-06-19",
                outcome="objection_unresolved",
            ),
            False,
        ),
        (rec(records.ADMISSION_NOTICE, D(2026, 6, 10), 23), False),  # no end date
    ],
)
def test_the_admission_notice_is_over_without_an_unresolved_objection(notice_record, met):
    extra = (notice_record,) if notice_record else ()
    facts = with_records(PROBATIONARY_READY, *extra, without=(records.ADMISSION_NOTICE,))
    result = eligibility(facts, on=D(2026, 6, 20), pack=pack("cpc-2014"))
    assert (check(result, "admission_notice").met, result.eligible) == (met, met)


@pytest.mark.parametrize(
    ("pack_id", "article", "certain"), [("cpc-2014", "", True), ("cpc-2026.05", "第十九条", False)]
)
@pytest.mark.parametrize(("on", "met"), [(D(2025, 2, 28), True), (D(2025, 3, 1), False)])
def test_the_branch_meeting_is_due_a_month_after_pre_review(pack_id, article, certain, on, met):
    facts = with_records(
        PROBATIONARY_READY,
        rec(records.PRE_REVIEW, D(2025, 1, 31), 22, passed=True),
        rec(records.ADMISSION_NOTICE, D(2025, 2, 3), 23, ends_on="2025-02-10"),
        without=(
            records.PRE_REVIEW,
            records.ADMISSION_NOTICE,
            records.INTRODUCERS,
            records.POLITICAL_REVIEW,
        ),
    )
    facts = with_records(
        facts,
        rec(records.INTRODUCERS, D(2025, 1, 2), 20, names=["王五", "赵六"]),
        rec(records.POLITICAL_REVIEW, D(2025, 1, 10), 21, passed=True),
    )
    facts = dataclasses.replace(
        facts, trainings=(certificate("candidate", D(2025, 1, 20), days=3),)
    )
    result = eligibility(facts, on=on, pack=pack(pack_id))
    meeting = check(result, "meeting_within_month_of_pre_review")
    assert (meeting.met, meeting.due_on, meeting.severity) == (met, D(2025, 2, 28), WARNING)
    assert (meeting.article, meeting.certain) == (article, certain)
    assert result.eligible is True  # late is a warning, never a block


def test_a_failed_pre_review_starts_no_meeting_deadline():
    facts = with_records(
        PROBATIONARY_READY,
        rec(records.PRE_REVIEW, D(2026, 1, 5), 22, passed=False),
        without=(records.PRE_REVIEW,),
    )
    result = eligibility(facts, on=D(2026, 6, 20), pack=pack("cpc-2026.05"))
    meeting = check(result, "meeting_within_month_of_pre_review")
    assert (meeting.met, meeting.due_on) == (True, None)
    assert not check(result, "pre_review").met


# --- member ------------------------------------------------------------------------------------


def probationer(meeting: D, *extra: RecordFact) -> PersonFacts:
    """Admitted at `meeting`, approved a month later, sworn in, applied for full membership."""
    return dataclasses.replace(
        MEMBER_READY,
        records=(
            rec(records.ADMISSION_MEETING, meeting, 30),
            rec(records.ADMISSION_APPROVAL, meeting + datetime.timedelta(days=30), 31, passed=True),
            rec(records.OATH, meeting + datetime.timedelta(days=40), 32),
            rec(records.FULL_MEMBERSHIP_APPLICATION, meeting + datetime.timedelta(days=330), 33),
            *extra,
        ),
    )


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize(
    ("meeting", "extension_months", "on", "met", "due_on"),
    [
        (D(2026, 6, 20), None, D(2027, 6, 19), False, D(2027, 6, 20)),
        (D(2026, 6, 20), None, D(2027, 6, 20), True, D(2027, 6, 20)),
        (D(2024, 2, 29), None, D(2025, 2, 27), False, D(2025, 2, 28)),
        (D(2024, 2, 29), None, D(2025, 2, 28), True, D(2025, 2, 28)),
        (D(2026, 6, 20), 6, D(2027, 12, 19), False, D(2027, 12, 20)),
        (D(2026, 6, 20), 6, D(2027, 12, 20), True, D(2027, 12, 20)),
        (D(2026, 8, 31), 6, D(2028, 2, 28), False, D(2028, 2, 29)),  # 18 months from 31 August
        (D(2026, 6, 20), 12, D(2028, 6, 20), True, D(2028, 6, 20)),
    ],
)
def test_probation_lasts_a_year_plus_an_extension(
    pack_id, meeting, extension_months, on, met, due_on
):
    extra = ()
    if extension_months:
        extra = (
            rec(
                records.PROBATION_EXTENSION,
                meeting + datetime.timedelta(days=350),
                34,
                months=extension_months,
            ),
        )
    result = eligibility(probationer(meeting, *extra), on=on, pack=pack(pack_id))
    probation = check(result, "probation_one_year")
    assert (probation.met, probation.due_on) == (met, due_on)
    assert check(result, "probation_extension_limit").met
    assert result.eligible is met


@pytest.mark.parametrize(
    "extensions",
    [
        [3],  # less than six months
        [13],  # more than a year
        [6, 6],  # twice
        [None],  # months not on record
    ],
)
def test_probation_can_be_extended_once_by_six_to_twelve_months(extensions):
    meeting = D(2026, 6, 20)
    extra = [
        rec(records.PROBATION_EXTENSION, D(2027, 6, 1 + i), 34 + i, **({"months": m} if m else {}))
        for i, m in enumerate(extensions)
    ]
    result = eligibility(probationer(meeting, *extra), on=D(2029, 1, 1), pack=pack("cpc-2026.05"))
    limit = check(result, "probation_extension_limit")
    assert (limit.met, limit.severity, limit.label) == (
        False,
        BLOCKING,
        "延长预备期不超过一年、只能一次",
    )
    assert result.eligible is False


def test_only_the_first_extension_lengthens_probation():
    extra = [
        rec(records.PROBATION_EXTENSION, D(2027, 6, 1), 34, months=6),
        rec(records.PROBATION_EXTENSION, D(2027, 12, 1), 35, months=6),
    ]
    result = eligibility(probationer(D(2026, 6, 20), *extra), on=D(2028, 1, 1), pack=pack("school"))
    assert check(result, "probation_one_year").due_on == D(2027, 12, 20)


def test_full_membership_needs_a_written_application_after_the_meeting():
    facts = with_records(
        MEMBER_READY,
        rec(records.FULL_MEMBERSHIP_APPLICATION, D(2026, 6, 1), 33),  # before the admission meeting
        without=(records.FULL_MEMBERSHIP_APPLICATION,),
    )
    result = eligibility(facts, on=D(2027, 7, 1), pack=pack("cpc-2026.05"))
    assert not check(result, "full_membership_application").met
    assert result.eligible is False


def approval_facts(approved_on: D | None) -> PersonFacts:
    extra = (rec(records.ADMISSION_APPROVAL, approved_on, 31, passed=True),) if approved_on else ()
    return with_records(MEMBER_READY, *extra, without=(records.ADMISSION_APPROVAL, records.OATH))


@pytest.mark.parametrize(
    ("approved_on", "on", "three", "six"),
    [
        # Admission meeting 2026-06-20: three months end 2026-09-20, six 2026-12-20.
        (None, D(2026, 9, 20), True, True),
        (None, D(2026, 9, 21), False, True),
        (None, D(2026, 12, 20), False, True),
        (None, D(2026, 12, 21), False, False),
        (D(2026, 9, 20), D(2027, 7, 1), True, True),
        (D(2026, 10, 15), D(2027, 7, 1), False, True),
        (D(2026, 12, 21), D(2027, 7, 1), False, False),
    ],
)
def test_admission_is_approved_within_three_months_and_never_after_six(approved_on, on, three, six):
    result = eligibility(approval_facts(approved_on), on=on, pack=pack("cpc-2026.05"))
    three_months = check(result, "admission_approval_three_months")
    six_months = check(result, "admission_approval_six_months")
    assert (three_months.met, three_months.due_on, three_months.severity) == (
        three,
        D(2026, 9, 20),
        WARNING,
    )
    assert (six_months.met, six_months.due_on, six_months.severity) == (
        six,
        D(2026, 12, 20),
        BLOCKING,
    )


def test_a_rejected_approval_is_no_approval():
    facts = with_records(
        MEMBER_READY,
        rec(records.ADMISSION_APPROVAL, D(2026, 8, 1), 31, passed=False),
        without=(records.ADMISSION_APPROVAL,),
    )
    result = eligibility(facts, on=D(2027, 7, 1), pack=pack("school"))
    assert not check(result, "admission_approval_six_months").met
    assert result.eligible is False


@pytest.mark.parametrize(
    ("oath_on", "on", "met"),
    [
        # Approved 2025-01-31: the oath is due by 2025-02-28.
        (None, D(2025, 2, 28), True),
        (None, D(2025, 3, 1), False),
        (D(2025, 2, 28), D(2025, 3, 1), True),
        (D(2025, 3, 1), D(2025, 3, 1), False),
    ],
)
def test_the_oath_is_due_a_month_after_approval(oath_on, on, met):
    oath = (rec(records.OATH, oath_on, 32),) if oath_on else ()
    facts = with_records(
        MEMBER_READY,
        rec(records.ADMISSION_MEETING, D(2025, 1, 10), 30),
        rec(records.ADMISSION_APPROVAL, D(2025, 1, 31), 31, passed=True),
        *oath,
        without=(records.ADMISSION_MEETING, records.ADMISSION_APPROVAL, records.OATH),
    )
    result = eligibility(facts, on=on, pack=pack("cpc-2014"))
    found = check(result, "oath_within_month")
    assert (found.met, found.due_on, found.severity) == (met, D(2025, 2, 28), WARNING)


def test_before_approval_the_oath_is_not_yet_due():
    result = eligibility(approval_facts(None), on=D(2026, 7, 1), pack=pack("school"))
    oath = check(result, "oath_within_month")
    assert (oath.met, oath.due_on) == (True, None)


# --- Every check of every pack ------------------------------------------------------------------


def every_outcome():
    """Every check of every pack, evaluated for a ready person and for one with no records."""
    for shipped in available_packs():
        for stage, (facts, on) in READY.items():
            bare = PersonFacts(stage=facts.stage)
            for person in (facts, bare):
                for found in eligibility(person, on=on, pack=shipped).checks:
                    yield shipped.id, stage, found


def test_the_shipped_packs_are_the_three_expected():
    assert [p.id for p in available_packs()] == sorted(PACKS)


def test_every_check_has_a_chinese_label_an_article_and_chinese_evidence():
    outcomes = list(every_outcome())
    assert len(outcomes) == 2 * sum(len(p.checks) for p in available_packs())
    for pack_id, stage, found in outcomes:
        where = f"{pack_id} {stage} {found.code}"
        assert CHINESE.search(found.label), where
        assert CHINESE.search(found.evidence), where
        assert isinstance(found.article, str), where
        assert found.article == "" or CHINESE.search(found.article), where
        assert found.severity in (BLOCKING, WARNING), where


def test_every_pack_file_states_each_article_even_when_it_is_empty():
    for pack_id in PACKS:
        data = tomllib.loads((RULEPACKS_DIR / f"{pack_id}.toml").read_text(encoding="utf-8"))
        for entry in data.get("checks", []):
            assert "article" in entry, f"{pack_id}: {entry['code']}"


def test_every_local_rule_says_why_it_has_no_article():
    for shipped in available_packs():
        for spec in shipped.checks:
            if spec.article == "":
                assert spec.note or spec.changed, f"{shipped.id}: {spec.code}"


def test_every_uncertain_rule_says_why():
    for shipped in available_packs():
        for spec in shipped.checks:
            if not spec.certain:
                assert spec.note, f"{shipped.id}: {spec.code}"


def test_the_registry_and_the_vocabulary_agree():
    for name, check_type in CHECK_TYPES.items():
        for kind in [*check_type.required.values(), *check_type.optional.values()]:
            assert kind in PARAM_KINDS, name
    assert set(KIND_NAMES) == set(records.KINDS)
