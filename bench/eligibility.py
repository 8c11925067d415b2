"""Eligibility over many people: the time each organizers' list takes (a benchmark, not a test).

    python bench/eligibility.py --people 50000

Fills BENCH_DATABASE_URL (default: a party_school_bench database on the local PostgreSQL,
emptied first) with a university of that many people at every stage, with their records,
then times the three lists — eligible for the next stage, missing only the training,
assessment overdue — for the whole university and for one college's organizer.
"""

import argparse
import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.stack import DEFAULT_DB, django_env, reset_database  # noqa: E402


def timeline(
    rng: random.Random, stage: str, today: datetime.date
) -> list[tuple[str, datetime.date, dict]]:
    """A plausible file for someone at ``stage`` today: every earlier gate passed on time, the
    current stage's work partly done (so that every list has people on it)."""
    from membership import records as r

    def days(n: int) -> datetime.timedelta:
        return datetime.timedelta(days=n)

    order = ["applicant", "activist", "candidate", "probationary", "member"]
    level = order.index(stage)
    entered = today - days(rng.randint(0, 420))
    # Dates of the decisions that made each stage, walking back from the current one.
    made = {order[level]: entered}
    for previous, dwell in (
        ("probationary", (366, 420)),
        ("candidate", (150, 300)),
        ("activist", (366, 500)),
        ("applicant", (183, 300)),
    ):
        if order.index(previous) < level:
            made[previous] = made[order[order.index(previous) + 1]] - days(rng.randint(*dwell))
    applied = made["applicant"]
    file = [
        (r.APPLICATION, applied, {}),
        (r.TALK, applied + days(12), {}),
        (r.LEAGUE_RECOMMENDATION, applied + days(60), {}),
    ]
    if level >= 1:
        activist = made["activist"]
        file += [
            (r.ACTIVIST_DECISION, activist, {}),
            (r.MENTORS, activist, {"names": ["王立新", "赵海燕"]}),
        ]
        until = made.get("candidate", today)
        late = level == 1 and rng.random() < 0.15  # an assessment not yet on file
        day = activist + days(180)
        while day < until - (days(200) if late else days(0)):
            file.append((r.ASSESSMENT, day, {}))
            day += days(180)
        day = activist + days(80)
        while day < until:
            file.append((r.THOUGHT_REPORT, day, {}))
            day += days(85)
        if level >= 2 or rng.random() < 0.6:
            trained = min(activist + days(120), today)
            file.append(
                (r.TRAINING, trained, {"audience": "activist", "hours": "32", "grade": "82"})
            )
        if level >= 2 or ((today - activist).days > 380 and rng.random() < 0.5):
            notice = min(made.get("candidate", today), today) - days(9)
            file.append(
                (
                    r.CANDIDATE_NOTICE,
                    notice,
                    {"ends_on": (notice + days(6)).isoformat(), "outcome": "no_objection"},
                )
            )
    if level >= 2:
        candidate = made["candidate"]
        file += [
            (r.CANDIDATE_DECISION, candidate, {}),
            (r.INTRODUCERS, candidate + days(7), {"names": ["王立新", "赵海燕"]}),
        ]
        if level >= 3 or rng.random() < 0.8:
            file.append((r.POLITICAL_REVIEW, candidate + days(40), {"passed": True}))
        if level >= 3 or rng.random() < 0.5:
            file.append(
                (
                    r.TRAINING,
                    candidate + days(60),
                    {"audience": "candidate", "hours": "24", "days": 3},
                )
            )
            if level >= 3 or rng.random() < 0.6:
                file.append((r.PRE_REVIEW, candidate + days(90), {"passed": True}))
    if level >= 3:
        meeting = made["probationary"]
        vote = {
            "entitled": 30,
            "present": 28,
            "votes_for": 27,
            "votes_against": 0,
            "abstentions": 1,
        }
        file += [
            (
                r.ADMISSION_NOTICE,
                meeting - days(12),
                {"ends_on": (meeting - days(6)).isoformat(), "outcome": "no_objection"},
            ),
            (r.ADMISSION_MEETING, meeting, vote),
            (r.ADMISSION_APPROVAL, meeting + days(30), {"passed": True}),
            (r.OATH, meeting + days(45), {}),
        ]
        if level >= 4 or (today - meeting).days > 350:
            file.append((r.FULL_MEMBERSHIP_APPLICATION, meeting + days(350), {}))
    if level >= 4:
        file.append((r.FULL_MEMBERSHIP_MEETING, made["member"], vote))
    return [(kind, day, details) for kind, day, details in file if day <= today]


def build(people: int) -> None:
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from membership import records
    from membership.models import DevelopmentRecord, Organization, Person, Stage, StageChange
    from membership.services import add_organization

    rng = random.Random(50_000)
    today = datetime.date(2026, 11, 22)
    university = add_organization(None, name="大学党委", kind=Organization.Kind.COMMITTEE)
    branches = []
    for c in range(10):
        college = add_organization(
            university, name=f"学院{c}党委", kind=Organization.Kind.COMMITTEE
        )
        for b in range(10):
            branches.append(
                add_organization(college, name=f"学院{c}第{b}党支部", kind=Organization.Kind.BRANCH)
            )
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(username=f"2{n:09d}", full_name=f"学员{n}", password=password)
            for n in range(people)
        ],
        batch_size=5000,
    )
    users = list(User.objects.filter(username__startswith="2").order_by("pk"))
    stages = [Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY, Stage.MEMBER]
    plan = [
        (user, rng.choices(stages, weights=(3, 4, 2, 1, 1))[0], rng.choice(branches))
        for user in users
    ]
    Person.objects.bulk_create(
        [
            Person(
                user=u,
                organization=b,
                stage=s,
                birth_date=datetime.date(2003, 1, 1)
                + datetime.timedelta(days=rng.randint(0, 1500)),
                is_league_member=True,
            )
            for u, s, b in plan
        ],
        batch_size=5000,
    )
    person_of = dict(Person.objects.values_list("user_id", "pk"))
    rows, changes = [], []
    for user, stage, _branch in plan:
        pid = person_of[user.pk]
        for kind, day, details in timeline(rng, stage, today):
            rows.append(
                DevelopmentRecord(person_id=pid, kind=kind, occurred_on=day, details=details)
            )
            for to_stage, decision in records.DECISION_FOR_STAGE.items():
                if decision == kind:
                    changes.append(StageChange(person_id=pid, to_stage=to_stage, effective_on=day))
    DevelopmentRecord.objects.bulk_create(rows, batch_size=10000)
    StageChange.objects.bulk_create(changes, batch_size=10000)
    print(f"built {people} people, {len(rows)} records", flush=True)


def measure(people: int, *, compare: bool = False) -> None:
    from django.contrib.auth.models import Group

    from accounts import roles
    from accounts.models import User
    from membership.models import Organization
    from membership.selectors import (
        ASSESSMENT_OVERDUE,
        ELIGIBLE,
        MISSING_ONLY_TRAINING,
        filter_people,
        people_visible_to,
    )

    on = datetime.date(2026, 11, 22)
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"full_name": "管理员", "is_superuser": True}
    )
    organizer, _ = User.objects.get_or_create(
        username="bench-organizer", defaults={"full_name": "组织员"}
    )
    organizer.groups.add(Group.objects.get(name=roles.ORGANIZERS))
    Organization.objects.get(name="学院0党委").organizers.add(organizer)
    print(f"\nEligibility lists over {people} people (PostgreSQL), on {on}:")
    for who, user in (("whole university", admin), ("one college (10%)", organizer)):
        scope = people_visible_to(user)
        total = scope.count()
        for which in (ELIGIBLE, MISSING_ONLY_TRAINING, ASSESSMENT_OVERDUE):
            for prefilter in (True, False) if compare else (True,):
                started = time.perf_counter()
                found = filter_people(scope, which, on=on, prefilter=prefilter)
                elapsed = time.perf_counter() - started
                label = which if prefilter else f"{which} (no SQL prefilter)"
                print(
                    f"  {who:<18} {label:<40} {len(found):6d} of {total:6d}  {elapsed:7.2f} s  ({elapsed / max(total, 1) * 1e6:6.1f} µs/person)"
                )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument(
        "--keep", action="store_true", help="reuse the database filled by an earlier run"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also time each list without the SQL prefilter of waiting periods",
    )
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    env = django_env(database_url)
    if not args.keep:
        reset_database(database_url)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "school.settings"
    import django

    django.setup()
    if not args.keep:
        started = time.perf_counter()
        build(args.people)
        print(f"(filled in {time.perf_counter() - started:.0f} s)")
    measure(args.people, compare=args.compare)


if __name__ == "__main__":
    main()
