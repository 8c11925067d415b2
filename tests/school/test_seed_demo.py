import datetime
import itertools

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import roles
from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from cms.models import NoticePage
from courses.models import Certificate, Enrollment, LessonProgress
from membership import records
from membership.demo import MIN_GAP_DAYS
from membership.models import (
    DevelopmentRecord,
    NoticeEntry,
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
from school.management.commands.seed_demo import load_demo_school, take_census
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0)


def every_table():
    """The number of rows of every model: what a run that changes nothing leaves as it was."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_seeding_twice_changes_nothing(seeded):
    before = every_table()
    pages = list(NoticePage.objects.values("pk", "title", "live", "latest_revision_id"))
    call_command("seed_demo", verbosity=0)
    assert every_table() == before
    assert list(NoticePage.objects.values("pk", "title", "live", "latest_revision_id")) == pages


# --- A database that holds people who are not the demo's --------------------------------

TODAY = timezone.localdate()


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


# number, name, the stages reached and how many days ago. Two activists of more than a year
# with no notice (what the demo's notice picks among its own), one of them holding a number
# the demo gives to one of its people.
SCHOOL_PEOPLE = [
    ("2022990001", "赵一鸣", [(Stage.APPLICANT, 90)]),
    ("2022990002", "钱二妹", [(Stage.APPLICANT, 700), (Stage.ACTIVIST, 500)]),
    ("2023103001", "孙三立", [(Stage.APPLICANT, 900), (Stage.ACTIVIST, 800)]),
    ("2022990004", "李四海", [(Stage.APPLICANT, 300), (Stage.ACTIVIST, 30)]),
    (
        "2022990005",
        "周五岳",
        [(Stage.APPLICANT, 1000), (Stage.ACTIVIST, 800), (Stage.CANDIDATE, 60)],
    ),
    (
        "2022990006",
        "吴六合",
        [
            (Stage.APPLICANT, 1200),
            (Stage.ACTIVIST, 1000),
            (Stage.CANDIDATE, 500),
            (Stage.PROBATIONARY, 200),
        ],
    ),
    (
        "2022990007",
        "郑七星",
        [
            (Stage.APPLICANT, 1900),
            (Stage.ACTIVIST, 1700),
            (Stage.CANDIDATE, 1200),
            (Stage.PROBATIONARY, 1000),
            (Stage.MEMBER, 600),
        ],
    ),
]


@pytest.fixture
def school(branch, school_organizer):
    """A school's own people at every stage, in its own tree, and two of its accounts with
    numbers the demo uses for its own (a student number and a load-test learner)."""
    people = []
    for number, name, stages in SCHOOL_PEOPLE:
        person = PersonFactory(
            user=UserFactory(username=number, full_name=name),
            organization=branch,
            birth_date=datetime.date(2003, 1, 1),
        )
        for stage, days in stages:
            decision = DevelopmentRecord.objects.create(
                person=person, kind=records.DECISION_FOR_STAGE[stage], occurred_on=ago(days)
            )
            StageChange.objects.create(
                person=person, to_stage=stage, effective_on=ago(days), decision=decision
            )
            person.stage = stage
        person.save()
        people.append(person)
    UserFactory(username="learner0001", full_name="张学员")
    return people


@pytest.fixture
def school_organizer(branch):
    """The school's organizer, in charge of its branch."""
    user = UserFactory(username="T9001", full_name="冯组织", groups=[roles.ORGANIZERS])
    branch.organizers.add(user)
    return user


def school_rows(people):
    """Everything about the school's own people and accounts, row by row."""
    person_ids = [person.pk for person in people]
    numbers = [number for number, _name, _stages in SCHOOL_PEOPLE] + ["learner0001", "T9001"]
    user_ids = list(User.objects.filter(username__in=numbers).values_list("pk", flat=True))
    organizations = Organization.objects.filter(name__contains="测试").order_by("pk")
    return {
        "users": list(User.objects.filter(pk__in=user_ids).order_by("pk").values()),
        "groups": sorted(
            User.groups.through.objects.filter(user_id__in=user_ids).values_list(
                "user_id", "group_id"
            )
        ),
        "people": list(Person.objects.filter(pk__in=person_ids).order_by("pk").values()),
        "records": list(
            DevelopmentRecord.objects.filter(person_id__in=person_ids).order_by("pk").values()
        ),
        "stage changes": list(
            StageChange.objects.filter(person_id__in=person_ids).order_by("pk").values()
        ),
        "on notices": list(NoticeEntry.objects.filter(person_id__in=person_ids).values()),
        # The tree's own bookkeeping (path) moves when a sorted sibling is added; the rest is theirs.
        "organizations": [
            {**row, "parent": Organization.objects.get(pk=row["id"]).get_parent()}
            for row in organizations.values("id", "name", "kind", "branch_kind", "grade")
        ],
        "organizers": sorted(
            Organization.organizers.through.objects.filter(user_id__in=user_ids).values_list(
                "organization_id", "user_id"
            )
        ),
        "enrollments": list(Enrollment.objects.filter(user_id__in=user_ids).values()),
        "progress": list(LessonProgress.objects.filter(user_id__in=user_ids).values()),
        "certificates": list(Certificate.objects.filter(user_id__in=user_ids).values()),
    }


def assert_no_page_names_them(client, people):
    for page in NoticePage.objects.live():
        html = client.get(page.url).content.decode()
        for person in people:
            assert person.user.full_name not in html, (page.title, person.user.full_name)


def test_the_demo_touches_none_of_a_schools_own_people_at_any_stage(school, client):
    before = school_rows(school)
    load_demo_school(today=TODAY, learners=2)
    assert school_rows(school) == before
    # The demo's own notice went up, for its own activists only.
    notice = PublicNotice.objects.get()
    assert not set(notice.people.all()) & set(school)
    assert_no_page_names_them(client, school)
    # The number a school's person holds is theirs: the demo leaves that person out.
    assert Person.objects.get(user__username="2023103001").user.full_name == "孙三立"
    assert User.objects.get(username="learner0001").full_name == "张学员"
    assert User.objects.get(username="learner0002").full_name == "测试学员0002"

    # And a second run changes nothing at all.
    tables = every_table()
    load_demo_school(today=TODAY, learners=2)
    assert every_table() == tables
    assert school_rows(school) == before
    assert_no_page_names_them(client, school)


def test_seed_demo_refuses_a_database_with_people_of_its_own(school, in_english):
    tables = every_table()
    with pytest.raises(CommandError, match=r"Not loading the demo school.*accounts: 9, people: 7"):
        call_command("seed_demo", verbosity=0)
    assert every_table() == tables


def test_make_runs_seeding_skips_such_a_database_with_one_line(school, in_english, capsys):
    tables = every_table()
    call_command("seed_demo", "--if-empty")
    out = capsys.readouterr().out
    assert out.startswith("Not loading the demo school: this database holds data that is not")
    assert "Nothing was changed." in out
    assert every_table() == tables


def test_make_runs_seeding_loads_an_empty_database_once(db, in_english, capsys):
    assert take_census().demo_loaded is False
    call_command("seed_demo", "--if-empty")
    assert "Demo school ready: 39 people added" in capsys.readouterr().out
    tables = every_table()
    call_command("seed_demo", "--if-empty")
    assert capsys.readouterr().out.strip() == (
        "The demo school is already loaded: not loading it again."
    )
    assert every_table() == tables


def test_the_demo_alone_is_not_data_of_someone_else(seeded):
    census = take_census()
    assert census.demo_loaded and not census.foreign


def test_an_account_added_beside_the_demo_stops_the_next_seeding(seeded, in_english):
    UserFactory(username="2024000001", full_name="新同学")
    census = take_census()
    assert (census.accounts, census.people, census.organizations, census.pages) == (1, 0, 0, 0)
    with pytest.raises(CommandError, match="accounts: 1, people: 0"):
        call_command("seed_demo", verbosity=0)


def test_a_demo_person_renamed_is_no_longer_the_demos(seeded):
    """A name is part of what makes an account the demo's: a corrected name makes it a real one."""
    user = User.objects.get(username="2023103001")
    user.full_name = "改过的名字"
    user.save()
    census = take_census()
    assert (census.accounts, census.people) == (1, 1)


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
