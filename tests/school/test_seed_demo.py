import datetime
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import roles
from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from cms.models import NoticePage
from membership.demo import MIN_GAP_DAYS
from membership.models import (
    DevelopmentRecord,
    Organization,
    Person,
    PublicNotice,
    Stage,
    StageChange,
)
from membership.selectors import (
    ASSESSMENT_OVERDUE,
    ELIGIBLE,
    MISSING_ONLY_TRAINING,
    eligibility_of,
    filter_people,
)


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0)


def snapshot():
    return (
        User.objects.count(),
        Person.objects.count(),
        StageChange.objects.count(),
        Organization.objects.count(),
        PublicNotice.objects.count(),
        NoticePage.objects.count(),
        DevelopmentRecord.objects.count(),
    )


def test_seeding_twice_changes_nothing(seeded):
    before = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == before


def test_every_stage_has_people_and_there_are_about_forty(seeded):
    assert 35 <= Person.objects.count() <= 45
    assert set(Person.objects.values_list("stage", flat=True)) == set(Stage.values)


def test_the_tree_has_three_college_committees_with_grade_and_graduate_branches(seeded):
    university = Organization.get_root_nodes().get()
    colleges = university.get_children()
    assert colleges.count() == 3
    branches = Organization.objects.filter(kind=Organization.Kind.BRANCH)
    assert {"undergraduate", "graduate"} <= set(branches.values_list("branch_kind", flat=True))
    assert all(b.grade for b in branches.filter(branch_kind="undergraduate"))


@pytest.mark.parametrize("username", ["admin", "instructor", "organizer", "activist"])
def test_demo_accounts_log_in_with_the_demo_password(seeded, username):
    assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def test_roles_of_the_demo_accounts(seeded):
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="instructor").groups.filter(name=roles.INSTRUCTORS).exists()
    organizer = User.objects.get(username="organizer")
    assert organizer.groups.filter(name=roles.ORGANIZERS).exists()
    [college] = organizer.organized_organizations.all()
    assert college.kind == Organization.Kind.COMMITTEE and college.depth == 2


def test_the_activist_account_is_a_fresh_activist(seeded):
    person = Person.objects.get(user__username="activist")
    assert person.stage == Stage.ACTIVIST
    became = person.stage_changes.get(to_stage=Stage.ACTIVIST).effective_on
    assert datetime.date.today() - became < datetime.timedelta(days=60)


def test_every_history_respects_the_minimum_gaps_and_the_age_of_eighteen(seeded):
    for person in Person.objects.prefetch_related("stage_changes"):
        changes = list(person.stage_changes.all())
        assert [c.to_stage for c in changes] == list(Stage)[: len(changes)]
        applied = changes[0].effective_on
        assert applied >= person.birth_date.replace(year=person.birth_date.year + 18)
        for previous, current in itertools.pairwise(changes):
            gap = (current.effective_on - previous.effective_on).days
            assert gap >= MIN_GAP_DAYS[Stage(current.to_stage)], (person, current)
        assert changes[-1].effective_on <= datetime.date.today()


def test_learner_accounts_for_load_tests(db):
    call_command("seed_demo", "--learners", "3", verbosity=0)
    call_command("seed_demo", "--learners", "5", verbosity=0)
    learners = User.objects.filter(username__startswith="learner").order_by("username")
    assert list(learners.values_list("username", flat=True)) == [
        f"learner{n:04d}" for n in range(1, 6)
    ]
    assert learners.first().check_password(DEMO_PASSWORD)


def test_a_negative_learner_count_is_refused(db):
    with pytest.raises(CommandError, match="--learners"):
        call_command("seed_demo", "--learners", "-1", verbosity=0)


def test_every_move_in_the_demo_passed_its_gate_in_the_school_pack(seeded):
    """The demo's histories are written through the stage-change service, which refuses a move
    with unmet checks: none of them needed an override."""
    assert not StageChange.objects.exclude(override_reason="").exists()
    assert StageChange.objects.exclude(decision=None).count() == StageChange.objects.count()


def test_the_demo_shows_every_state_of_the_lists(seeded):
    today = timezone.localdate()
    people = Person.objects.all()
    on_list = {
        which: filter_people(people, which, on=today)
        for which in (ELIGIBLE, MISSING_ONLY_TRAINING, ASSESSMENT_OVERDUE)
    }
    assert all(on_list.values()), {which: len(found) for which, found in on_list.items()}
    eligible_stages = {person.stage for person in on_list[ELIGIBLE]}
    assert {Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY} <= eligible_stages
    # And someone is still waiting for the year as activist, or of probation, to end.
    waiting = set()
    for person in people.exclude(stage=Stage.MEMBER):
        result = eligibility_of(person, on=today)
        if any(check.due_on and check.due_on > today and not check.met for check in result.checks):
            waiting.add(person.stage)
    assert {Stage.ACTIVIST, Stage.PROBATIONARY} <= waiting


def test_the_open_notice_on_the_site_was_published_for_its_people(seeded, client):
    """The activists proposed as candidates now are on a notice that is on the site, open today,
    with a notice record in each file."""
    today = timezone.localdate()
    notice = PublicNotice.objects.get()
    assert notice.kind == PublicNotice.Kind.CANDIDATE
    assert notice.starts_on < today <= notice.ends_on
    people = list(notice.people.select_related("user"))
    assert people and all(person.stage == Stage.ACTIVIST for person in people)
    for entry in notice.entries.select_related("record"):
        assert entry.record.kind == "candidate_notice" and entry.record.person_id == entry.person_id
    page = client.get(notice.page.url).content.decode()
    assert all(person.user.full_name in page for person in people)
    assert "公示中" in page
