"""The demo school's party organizations and ~40 people at every stage, for `manage.py seed_demo`.

Dates are plausible and consistent with the development rules: the application comes after
the person's 18th birthday and (for undergraduates) after they entered the university; an
activist held the application at least six months; a candidate was an activist at least a
year; a full member served a year of probation. They are laid out backwards from today, so
the demo always shows people who are about to become eligible.

Everything here reads and writes the demo's own records only: its organization tree (by the
names below, under the demo university) and the demo people (by their numbers and names, from
the plan), never anyone else a database may hold.
"""

import datetime
import random
from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.demo import DemoPassword, accounts_named, ensure_account
from accounts.models import User
from membership import records
from membership.models import DevelopmentRecord, Organization, Person, PublicNotice, Stage
from membership.services import add_organization, record_stage_change
from membership.services.notices import publish_notice

UNIVERSITY = "中共江城大学委员会"

COLLEGES = [
    # code, college, committee, branches: (name, branch kind, grade or None)
    (
        "03",
        "计算机科学与技术学院",
        "中共江城大学计算机科学与技术学院委员会",
        [
            ("计算机学院本科生2023级党支部", "undergraduate", 2023),
            ("计算机学院本科生2024级党支部", "undergraduate", 2024),
            ("计算机学院研究生党支部", "graduate", None),
        ],
    ),
    (
        "07",
        "经济与管理学院",
        "中共江城大学经济与管理学院委员会",
        [
            ("经管学院本科生2022级党支部", "undergraduate", 2022),
            ("经管学院本科生2025级党支部", "undergraduate", 2025),
            ("经管学院研究生党支部", "graduate", None),
        ],
    ),
    (
        "11",
        "医学院",
        "中共江城大学医学院委员会",
        [
            ("医学院本科生2023级党支部", "undergraduate", 2023),
            ("医学院研究生第一党支部", "graduate", None),
        ],
    ),
]

# The stages each branch's people are at. Freshmen can only have applied; later grades
# reach further. 40 people in all, every stage represented in every college.
PEOPLE_PLAN = {
    "计算机学院本科生2023级党支部": [Stage.ACTIVIST] * 3
    + [Stage.CANDIDATE] * 2
    + [Stage.PROBATIONARY],
    "计算机学院本科生2024级党支部": [Stage.APPLICANT] * 2 + [Stage.ACTIVIST] * 2,
    "计算机学院研究生党支部": [Stage.CANDIDATE, Stage.PROBATIONARY, Stage.MEMBER, Stage.MEMBER],
    "经管学院本科生2022级党支部": [
        Stage.ACTIVIST,
        Stage.CANDIDATE,
        Stage.CANDIDATE,
        Stage.PROBATIONARY,
        Stage.MEMBER,
    ],
    "经管学院本科生2025级党支部": [Stage.APPLICANT] * 4,
    "经管学院研究生党支部": [Stage.ACTIVIST, Stage.PROBATIONARY, Stage.MEMBER],
    "医学院本科生2023级党支部": [
        Stage.APPLICANT,
        Stage.APPLICANT,
        Stage.ACTIVIST,
        Stage.ACTIVIST,
        Stage.CANDIDATE,
        Stage.PROBATIONARY,
    ],
    "医学院研究生第一党支部": [
        Stage.ACTIVIST,
        Stage.CANDIDATE,
        Stage.CANDIDATE,
        Stage.PROBATIONARY,
        Stage.MEMBER,
        Stage.MEMBER,
    ],
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤"
GIVEN = "子涵欣怡梓轩浩然雨桐思远一诺佳琪宇航俊杰明轩晨曦嘉怡语彤博文天佑若曦雅静志强文博昊天诗涵婉清泽宇子墨书瑶雪松海燕立新春晓东升秋实"
ETHNICITIES = ["汉族"] * 16 + ["回族", "满族", "壮族", "土家族", "苗族", "蒙古族"]

# The smallest gaps the rules allow between one stage and the next (school pack for the first).
MIN_GAP_DAYS = {
    Stage.ACTIVIST: 183,  # application held six months
    Stage.CANDIDATE: 366,  # a year as activist
    Stage.PROBATIONARY: 75,  # review, training, pre-review, notice, meeting
    Stage.MEMBER: 366,  # a year of probation
}
BASIS = {
    Stage.APPLICANT: "本人递交入党申请书",
    Stage.ACTIVIST: "支部委员会研究确定，报上级党委备案",
    Stage.CANDIDATE: "支部委员会讨论确定，报上级党委备案",
    Stage.PROBATIONARY: "支部大会讨论通过，报上级党委审批",
    Stage.MEMBER: "预备期满，支部大会讨论通过，报上级党委审批",
}

ACTIVIST_ACCOUNT = ("activist", "林晓雨")


@dataclass
class Branch:
    organization: Organization
    college: str
    code: str


def demo_university() -> Organization | None:
    """The root of the demo's organization tree."""
    return Organization.get_root_nodes().filter(name=UNIVERSITY).first()


def seed_organizations(organizer: User) -> list[Branch]:
    """The university committee, three college committees and their branches. Idempotent."""
    university = demo_university()
    if university is None:
        university = add_organization(None, name=UNIVERSITY, kind=Organization.Kind.COMMITTEE)
    branches = []
    for code, college, committee_name, branch_specs in COLLEGES:
        committee = _child(university, committee_name, Organization.Kind.COMMITTEE)
        for name, branch_kind, grade in branch_specs:
            branch = _child(
                committee, name, Organization.Kind.BRANCH, branch_kind=branch_kind, grade=grade
            )
            branches.append(Branch(branch, college, code))
        if code == "03":
            committee.organizers.add(organizer)
    graduate = next(
        b.organization for b in branches if b.organization.name == "计算机学院研究生党支部"
    )
    _child(graduate, "第一党小组", Organization.Kind.GROUP)
    return branches


def _child(parent: Organization, name: str, kind: str, **fields) -> Organization:
    parent.refresh_from_db()  # treebeard keeps child counts on the parent row
    existing = parent.get_children().filter(name=name).first()
    return existing or add_organization(parent, name=name, kind=kind, **fields)


@dataclass
class PlannedPerson:
    """One person of the plan: the same number, name and history on every machine and run."""

    number: str
    name: str
    branch: str
    stage: Stage
    position: int
    grade: int
    gender: str
    ethnicity: str
    rng: random.Random  # drawn on for the rest of the person's file, in order


def planned_people() -> list[PlannedPerson]:
    """The demo's people, from the plan alone (no database)."""
    planned = []
    for code, _college, _committee, branch_specs in COLLEGES:
        for branch, branch_kind, branch_grade in branch_specs:
            for position, stage in enumerate(PEOPLE_PLAN[branch], start=1):
                # One generator per person: the same person on every machine and every run.
                rng = random.Random(f"{branch}/{position}")
                grade = branch_grade or rng.choice([2024, 2025])
                prefix = "1" if branch_kind == "undergraduate" else "2"
                name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
                planned.append(
                    PlannedPerson(
                        number=f"{grade}{prefix}{code}{position:03d}",
                        name=name,
                        branch=branch,
                        stage=stage,
                        position=position,
                        grade=grade,
                        gender=rng.choice(Person.Gender.values),
                        ethnicity=rng.choice(ETHNICITIES),
                        rng=rng,
                    )
                )
    return planned


def account_names() -> dict[str, str]:
    """The accounts of the demo people, number → full name (the `activist` account too)."""
    names = {person.number: person.name for person in planned_people()}
    names[ACTIVIST_ACCOUNT[0]] = ACTIVIST_ACCOUNT[1]
    return names


def demo_people() -> QuerySet[Person]:
    """The demo's people: a demo account's file in the demo's organization tree."""
    university = demo_university()
    if university is None:
        return Person.objects.none()
    return Person.objects.filter(
        user__in=accounts_named(account_names()),
        organization__path__startswith=university.path,
    )


def seed_people(
    branches: list[Branch], *, admin: User, password: DemoPassword, today: datetime.date
) -> int:
    """Create the people of the plan who do not exist yet. Returns how many were created. A
    number somebody else's account holds is left to them, and that demo person left out."""
    by_name = {branch.organization.name: branch for branch in branches}
    created = 0
    for planned in planned_people():
        branch = by_name[planned.branch]
        history = plan_history(
            planned.stage,
            rng=planned.rng,
            today=today,
            entered=_entry_date(branch, planned.grade),
        )
        if Person.objects.filter(user__username=planned.number).exists():
            continue
        user = ensure_account(planned.number, planned.name, password)
        if user is None:
            continue
        _create_person(
            user,
            branch,
            grade=planned.grade,
            gender=planned.gender,
            ethnicity=planned.ethnicity,
            history=history,
            admin=admin,
            rng=planned.rng,
            position=planned.position,
            today=today,
        )
        created += 1
    created += _seed_demo_activist(branches[0], admin=admin, password=password, today=today)
    return created


def _entry_date(branch: Branch, grade: int) -> datetime.date | None:
    # Undergraduates apply after they arrive; graduate students may have applied elsewhere.
    if branch.organization.branch_kind == "undergraduate":
        return datetime.date(grade, 9, 10)
    return None


def plan_history(
    stage: Stage, *, rng: random.Random, today: datetime.date, entered: datetime.date | None
) -> list[tuple[Stage, datetime.date]]:
    """Dates for every stage up to ``stage``, ending in the last year and honouring every gap."""
    path = list(Stage)[: list(Stage).index(stage) + 1]
    minimum = sum(MIN_GAP_DAYS[s] for s in path[1:])
    earliest_start = (
        entered or today - datetime.timedelta(days=minimum + 900)
    ) + datetime.timedelta(days=7)
    slack = (today - earliest_start).days - minimum - 10
    if slack < 0:
        raise ValueError(f"No room for a {stage} who entered on {entered}")
    # Spread the spare days over the gaps and the time since the last move.
    shares = [rng.random() for _ in range(len(path))]
    total = sum(shares)
    extra = [int(slack * share / total * rng.uniform(0.3, 0.95)) for share in shares]
    day = earliest_start + datetime.timedelta(days=extra[0])
    history = [(path[0], day)]
    for current, spare in zip(path[1:], extra[1:], strict=True):
        day += datetime.timedelta(days=MIN_GAP_DAYS[current] + spare)
        history.append((current, day))
    return history


MENTOR_NAMES = ["王立新", "赵海燕", "周建华", "吴晓东", "孙丽萍", "钱志远", "郑春晓", "冯秋实"]


def _create_person(user, branch, *, grade, gender, ethnicity, history, admin, rng, position, today):
    applied_on = history[0][1]
    birth_date = applied_on - datetime.timedelta(days=18 * 366 + rng.randint(40, 1200))
    person = Person.objects.create(
        user=user,
        organization=branch.organization,
        gender=gender,
        ethnicity=ethnicity,
        birth_date=birth_date,
        college=branch.college,
        grade=grade,
        class_name=f"{branch.college[:2]}{str(grade)[2:]}{(position % 3) + 1:02d}班",
        is_league_member=rng.random() < 0.9,  # most students are League members
    )
    DevelopmentFile(person, admin=admin, rng=rng, today=today, variant=position % 4).write(history)
    return person


class DevelopmentFile:
    """Writes a person's records in the order a branch would, so every decision passes the
    gates of the school's rule pack. ``variant`` leaves one thing out for some people, so the
    demo shows every state: 0 complete, 1 no training yet, 2 a missed assessment, 3 recent."""

    def __init__(self, person, *, admin, rng, today, variant):
        self.person, self.admin, self.rng, self.today, self.variant = (
            person,
            admin,
            rng,
            today,
            variant,
        )

    def add(self, kind, day, **details):
        if day <= self.today:
            DevelopmentRecord.objects.create(
                person=self.person,
                kind=kind,
                occurred_on=day,
                details=details,
                recorded_by=self.admin,
            )

    def decide(self, stage, day, **details):
        record_stage_change(
            self.person,
            to_stage=stage,
            effective_on=day,
            actor=self.admin,
            basis=BASIS[stage],
            details=details,
        )

    def _notice_before_candidate(self):
        if self.variant == 3:
            return  # proposed on the notice now on the site (seed_notices)
        starts = self.today - datetime.timedelta(days=16)
        ends = self.today - datetime.timedelta(days=8)
        self.add(records.CANDIDATE_NOTICE, starts, ends_on=ends.isoformat(), outcome="no_objection")

    def write(self, history):
        days = dict(history)
        reached = [stage for stage, _day in history]
        final = reached[-1]
        applied = days[Stage.APPLICANT]
        self.decide(Stage.APPLICANT, applied)
        self.add(
            records.TALK,
            applied + datetime.timedelta(days=self.rng.randint(7, 25)),
            names=[self.rng.choice(MENTOR_NAMES)],
        )
        recommended = applied + datetime.timedelta(days=self.rng.randint(60, 150))
        if self.person.is_league_member:
            self.add(records.LEAGUE_RECOMMENDATION, recommended)
        else:
            self.add(
                records.PARTY_RECOMMENDATION, recommended, names=self.rng.sample(MENTOR_NAMES, 2)
            )
        if Stage.ACTIVIST not in days:
            return
        activist = days[Stage.ACTIVIST]
        self.decide(Stage.ACTIVIST, activist)
        self.add(records.MENTORS, activist, names=self.rng.sample(MENTOR_NAMES, 2))
        until = days.get(Stage.CANDIDATE, self.today)
        skip_assessment = final == Stage.ACTIVIST and self.variant == 2
        half_years = list(_every(activist, 182, until))
        for n, day in enumerate(half_years):
            if not (skip_assessment and n == len(half_years) - 1):
                self.add(records.ASSESSMENT, day, note="表现良好")
        for day in _every(activist, 91, until):
            self.add(records.THOUGHT_REPORT, day, title="思想汇报")
        training_day = activist + datetime.timedelta(days=self.rng.randint(90, 170))
        if not (final == Stage.ACTIVIST and self.variant == 1) and training_day < until:
            self.add(
                records.TRAINING,
                training_day,
                audience="activist",
                hours="32",
                grade=str(self.rng.randint(72, 95)),
                title="入党积极分子培训班（历史记录）",
            )
        if Stage.CANDIDATE not in days:
            if activist + datetime.timedelta(days=366) <= self.today:
                self._notice_before_candidate()
            return
        candidate = days[Stage.CANDIDATE]
        self.add(
            records.CANDIDATE_NOTICE,
            candidate - datetime.timedelta(days=12),
            ends_on=(candidate - datetime.timedelta(days=3)).isoformat(),
            outcome="no_objection",
        )
        self.decide(Stage.CANDIDATE, candidate)
        self.add(
            records.INTRODUCERS,
            candidate + datetime.timedelta(days=5),
            names=self.rng.sample(MENTOR_NAMES, 2),
        )
        self.add(records.POLITICAL_REVIEW, candidate + datetime.timedelta(days=30), passed=True)
        if not (final == Stage.CANDIDATE and self.variant == 1):
            self.add(
                records.TRAINING,
                candidate + datetime.timedelta(days=40),
                audience="candidate",
                hours="24",
                days=3,
                title="发展对象培训班（历史记录）",
            )
        self.add(records.PRE_REVIEW, candidate + datetime.timedelta(days=60), passed=True)
        self.add(
            records.ADMISSION_NOTICE,
            candidate + datetime.timedelta(days=61),
            ends_on=(candidate + datetime.timedelta(days=70)).isoformat(),
            outcome="no_objection",
        )
        if Stage.PROBATIONARY not in days:
            return
        meeting = days[Stage.PROBATIONARY]
        self.decide(Stage.PROBATIONARY, meeting, **_meeting(self.rng))
        self.add(records.ADMISSION_APPROVAL, meeting + datetime.timedelta(days=20), passed=True)
        self.add(records.OATH, meeting + datetime.timedelta(days=28))
        self.add(records.FULL_MEMBERSHIP_APPLICATION, meeting + datetime.timedelta(days=335))
        if Stage.MEMBER not in days:
            return
        full = days[Stage.MEMBER]
        self.decide(Stage.MEMBER, full, **_meeting(self.rng))
        self.add(records.FULL_MEMBERSHIP_APPROVAL, full + datetime.timedelta(days=15), passed=True)


def _every(start, step_days, until):
    day = start + datetime.timedelta(days=step_days)
    while day < until:
        yield day
        day += datetime.timedelta(days=step_days)


def _meeting(rng) -> dict:
    entitled = rng.randint(12, 25)
    present = entitled - rng.randint(0, 2)
    return {
        "entitled": entitled,
        "present": present,
        "votes_for": present,
        "votes_against": 0,
        "abstentions": 0,
        "secret_ballot": True,
    }


def _seed_demo_activist(branch: Branch, *, admin, password, today) -> int:
    """The `activist` account: decided three weeks ago, so their training has just begun."""
    username, full_name = ACTIVIST_ACCOUNT
    if Person.objects.filter(user__username=username).exists():
        return 0
    user = ensure_account(username, full_name, password, email="activist@jcu.example")
    if user is None:
        return 0
    activist_on = today - datetime.timedelta(days=21)
    history = [
        (Stage.APPLICANT, activist_on - datetime.timedelta(days=230)),
        (Stage.ACTIVIST, activist_on),
    ]
    _create_person(
        user,
        branch,
        grade=2023,
        gender=Person.Gender.FEMALE,
        ethnicity="汉族",
        history=history,
        admin=admin,
        rng=random.Random(7),
        position=3,  # the "recent" variant: a complete file so far
        today=today,
    )
    return 1


def seed_notices(*, admin: User, today: datetime.date) -> int:
    """Publish, for each demo college, the notice of the demo's activists proposed as
    candidates now: those with a year behind them and no notice yet. It went up two days ago.
    Returns how many notices were published (none when run again). Nobody but the demo's own
    people is ever put on a notice."""
    proposed = (
        demo_people()
        .filter(
            stage=Stage.ACTIVIST,
            stage_changes__to_stage=Stage.ACTIVIST,
            stage_changes__effective_on__lte=today - datetime.timedelta(days=366),
        )
        .exclude(records__kind=records.CANDIDATE_NOTICE)
        .select_related("user", "organization")
        .order_by("user__username")
        .distinct()
    )
    by_college: dict[Organization, list[Person]] = {}
    for person in proposed:
        college = person.organization.get_parent()
        by_college.setdefault(college, []).append(person)
    for college, people in by_college.items():
        publish_notice(
            actor=admin,
            organization=college,
            kind=PublicNotice.Kind.CANDIDATE,
            people=people,
            starts_on=today - datetime.timedelta(days=2),
            feedback=f"{college.name}组织员办公室；电话 027-8765 4321；邮箱 dangxiao@jcu.example",
        )
    return len(by_college)


def accounts_at(stage: Stage) -> list[User]:
    """The accounts of the demo people at ``stage``, by number."""
    people = demo_people().filter(stage=stage).select_related("user").order_by("user__username")
    return [person.user for person in people]
