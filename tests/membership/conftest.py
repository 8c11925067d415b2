import datetime

import pytest
from wagtail.models import Site

from cms.models import NoticeIndexPage
from membership import records
from membership.models import (
    DevelopmentRecord,
    Organization,
    Person,
    PublicNotice,
    Stage,
    StageChange,
)
from membership.services.notices import publish_notice
from tests.factories import PersonFactory, UserFactory, organization
from tests.pages import publish

FEEDBACK = "测试学院组织员办公室；电话 027-1234 5678"


@pytest.fixture
def sibling_branch(college):
    """A branch beside ``branch`` under the same college committee."""
    return organization(
        "测试学院本科生2024级党支部", parent=college, branch_kind="undergraduate", grade=2024
    )


def person_in(branch: Organization, number: str, name: str = "测试人员", **fields) -> Person:
    return PersonFactory(
        user=UserFactory(username=number, full_name=name), organization=branch, **fields
    )


def history(person: Person, *steps: tuple[str, datetime.date, dict]) -> None:
    """Write records straight to the file (tests of reads, not of the gates)."""
    for kind, day, details in steps:
        record = DevelopmentRecord.objects.create(
            person=person, kind=kind, occurred_on=day, details=details
        )
        for stage, decision in records.DECISION_FOR_STAGE.items():
            if decision == kind:
                StageChange.objects.create(
                    person=person, from_stage="", to_stage=stage, effective_on=day, decision=record
                )
                person.stage = stage
                person.save()


@pytest.fixture
def activist(branch):
    """An activist of the branch, decided on 2025-03-01, with a complete file for the school pack
    except the party-school training."""
    person = person_in(
        branch, "2023010201", "张小明", birth_date=datetime.date(2004, 5, 1), is_league_member=True
    )
    D = datetime.date
    history(
        person,
        (records.APPLICATION, D(2024, 6, 1), {}),
        (records.TALK, D(2024, 6, 15), {"names": ["王老师"]}),
        (records.LEAGUE_RECOMMENDATION, D(2024, 9, 1), {}),
        (records.ACTIVIST_DECISION, D(2025, 3, 1), {}),
        (records.MENTORS, D(2025, 3, 1), {"names": ["王立新", "赵海燕"]}),
        (records.ASSESSMENT, D(2025, 8, 30), {}),
        (records.ASSESSMENT, D(2026, 2, 27), {}),
        *[(records.THOUGHT_REPORT, D(2025, m, 15), {}) for m in (5, 8, 11)],
        (records.THOUGHT_REPORT, D(2026, 2, 15), {}),
        (
            records.CANDIDATE_NOTICE,
            D(2026, 3, 2),
            {"ends_on": "2026-03-10", "outcome": "no_objection"},
        ),
    )
    assert person.stage == Stage.ACTIVIST
    return person


@pytest.fixture
def notice_section(db):
    """The site's public notices section, under the default site's root page."""
    root = Site.objects.get(is_default_site=True).root_page
    return publish(root, NoticeIndexPage(title="公示公告", slug="notices"))


def publish_for(actor, organization, people, **overrides):
    arguments = {
        "actor": actor,
        "organization": organization,
        "kind": PublicNotice.Kind.CANDIDATE,
        "people": people,
        "starts_on": datetime.date(2026, 3, 2),
        "feedback": FEEDBACK,
    }
    return publish_notice(**{**arguments, **overrides})
