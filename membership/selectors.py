"""Reads of membership records, always scoped to what the user may see."""

import datetime
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import User
from courses.models import Certificate
from membership import records
from membership.eligibility.dates import add_months
from membership.eligibility.engine import Eligibility, RulePack, eligibility, next_stage_after
from membership.eligibility.facts import STAGES, PersonFacts, RecordFact, TrainingFact
from membership.eligibility.packs import load_pack
from membership.models import (
    DevelopmentRecord,
    NoticeEntry,
    Organization,
    Person,
    PublicNotice,
    Stage,
    StageChange,
)
from school import scoping
from school.exceptions import DomainError


def sees_everyone(user) -> bool:
    """School admins (党委组织部) and superusers see every person; organizers see their subtrees."""
    return user.is_superuser or user.groups.filter(name=roles.SCHOOL_ADMINS).exists()


def organizations_visible_to(user) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    if sees_everyone(user):
        return Organization.objects.all()
    roots = list(user.organized_organizations.values_list("path", flat=True))
    if not roots:
        return Organization.objects.none()
    condition = Q()
    for path in roots:
        condition |= Q(path__startswith=path)
    return Organization.objects.filter(condition)


def people_visible_to(user) -> QuerySet[Person]:
    """The people ``user`` may see: everyone (school admins), the people of the organizations
    they organize and everything under them (organizers), or only their own record."""
    people = Person.objects.select_related("user", "organization")
    if not user.is_authenticated:
        return people.none()
    if sees_everyone(user):
        return people
    organizations = organizations_visible_to(user)
    return people.filter(Q(organization__in=organizations) | Q(user=user))


def people_in_charge_of(user) -> QuerySet[Person]:
    """The people whose files ``user`` may change: everyone (school admins) or the people of the
    organizations they organize and everything under them — never their own file, which
    someone else keeps."""
    people = Person.objects.select_related("user", "organization")
    if not user.is_authenticated:
        return people.none()
    if not sees_everyone(user):
        people = people.filter(organization__in=organizations_visible_to(user))
    return people.exclude(user=user)


def accounts_in_charge_of(user) -> QuerySet[User]:
    """The accounts whose name ``user`` may correct (with a reason, on the person's file): those
    of the people they are in charge of. Registered with ``accounts.services``."""
    return User.objects.filter(person__in=people_in_charge_of(user).values("pk"))


def accounts_visible_to(user) -> QuerySet[User]:
    """The accounts ``user`` may pick in a form (a class's organizers, an organization's): every
    account (school admins), or their own, the organizers of the organizations they see and
    the accounts of their people (organizers)."""
    if not user.is_authenticated:
        return User.objects.none()
    if sees_everyone(user):
        return User.objects.all()
    organizations = organizations_visible_to(user)
    return User.objects.filter(
        Q(pk=user.pk)
        | Q(
            pk__in=Organization.organizers.through.objects.filter(
                organization__in=organizations
            ).values("user")
        )
        | Q(pk__in=Person.objects.filter(organization__in=organizations).values("user"))
    )


def records_visible_to(user) -> QuerySet[DevelopmentRecord]:
    return DevelopmentRecord.objects.filter(person__in=people_visible_to(user).values("pk"))


def stage_changes_visible_to(user) -> QuerySet[StageChange]:
    return StageChange.objects.filter(person__in=people_visible_to(user).values("pk"))


def notice_entries_visible_to(user) -> QuerySet[NoticeEntry]:
    """The entries of the people ``user`` may see, on whatever notice: an organizer with one
    person on a notice of the university sees that person's entry, not the others'."""
    return NoticeEntry.objects.filter(person__in=people_visible_to(user).values("pk"))


def learners_in_organizations(user) -> QuerySet[User] | None:
    """For the courses' admin: the accounts of the people ``user`` may see (``None`` when they
    see everyone). Registered with ``courses.scope`` when the app starts."""
    if sees_everyone(user):
        return None
    return User.objects.filter(person__in=people_visible_to(user).values("pk"))


def notices_visible_to(user) -> QuerySet[PublicNotice]:
    """The public notices of the organizations ``user`` organizes, and those with their people
    on them (a learner: the notices they are on), with ``people_count``."""
    return (
        PublicNotice.objects.filter(
            Q(organization__in=organizations_visible_to(user))
            | Q(entries__person__in=people_visible_to(user).values("pk"))
        )
        .distinct()
        .select_related("organization", "page")
        .annotate(people_count=Count("entries", distinct=True))
    )


def latest_versions(first: Sequence[DevelopmentRecord]) -> dict[int, DevelopmentRecord]:
    """Each record as it stands now, by the first record's pk: the last correction of it, or
    itself. One query per generation of corrections (usually none or one)."""
    latest = {record.pk: record for record in first}
    newest = {record.pk: record.pk for record in first}  # latest version's pk → first pk
    while newest:
        following = {}
        for record in DevelopmentRecord.objects.filter(supersedes_id__in=list(newest)):
            if record.supersedes_id is None:  # never: the query asked for corrections
                continue
            original = newest[record.supersedes_id]
            latest[original] = record
            following[record.pk] = original
        newest = following
    return latest


def current_record(entry: NoticeEntry) -> DevelopmentRecord:
    """The person's notice record as it stands: the last correction of the one first written."""
    return latest_versions([entry.record])[entry.record_id]


class NoticeRow(NamedTuple):
    """One person on a notice, with their notice record as it stands (the latest correction)."""

    entry: NoticeEntry
    record: DevelopmentRecord

    @property
    def outcome(self) -> str | None:
        return self.record.details.get("outcome")


def notice_rows(notices: Sequence[PublicNotice], *, user) -> dict[int, list[NoticeRow]]:
    """The people on each notice that ``user`` may see, by student number, with their current
    notice records — who else is on a notice of the university, and what it drew for them,
    is for their own organizers. A fixed number of queries whatever the number of notices:
    one for the entries, then one per generation of corrections (usually none or one)."""
    entries = list(
        notice_entries_visible_to(user)
        .filter(notice__in=[n.pk for n in notices])
        .select_related("person__user", "person__organization", "record")
        .order_by("person__user__username")
    )
    latest = latest_versions([entry.record for entry in entries])
    rows: dict[int, list[NoticeRow]] = {notice.pk: [] for notice in notices}
    for entry in entries:
        rows[entry.notice_id].append(NoticeRow(entry, latest[entry.record_id]))
    return rows


class UnknownPeople(DomainError):
    code = "unknown_people"


def people_with_numbers(user, numbers: Sequence[str]) -> list[Person]:
    """The people ``user`` may see with these student or staff numbers, in the numbers' order,
    each once. ``UnknownPeople`` names every number of no one the user may see — the same
    words for a number nobody has and one outside the user's organizations (no probing)."""
    wanted = list(dict.fromkeys(number.strip() for number in numbers if number.strip()))
    found = {
        person.user.username: person
        for person in people_visible_to(user).filter(user__username__in=wanted)
    }
    unknown = [number for number in wanted if number not in found]
    if unknown:
        raise UnknownPeople(
            _("No one in your organizations has the number %(numbers)s.")
            % {"numbers": "、".join(unknown)}
        )
    return [found[number] for number in wanted]


def access_person(user, pk) -> Person:
    """The person with this pk, if ``user`` may see them; Http404 otherwise (never 403: no probing)."""
    return get_object_or_404(people_visible_to(user), pk=pk)


# --- Facts for the eligibility engine -------------------------------------------------------------


def _training_from_record(record: RecordFact) -> TrainingFact:
    details = record.details
    return TrainingFact(
        audience=details.get("audience", ""),
        completed_on=record.on,
        hours=Decimal(details.get("hours") or 0),
        days=int(details.get("days") or 0),
        grade=Decimal(details["grade"]) if details.get("grade") not in (None, "") else None,
        title=details.get("title", ""),
        record_id=record.id,
    )


NO_DETAILS: Mapping[str, Any] = MappingProxyType({})


class PersonRow(NamedTuple):
    """What the engine reads of a person besides their records: a Person has these attributes,
    and the lists read them as plain rows."""

    pk: int
    user_id: int
    stage: str
    birth_date: datetime.date | None
    is_league_member: bool


def facts_for(people: Sequence[Person | PersonRow]) -> dict[int, PersonFacts]:
    """Engine facts for many people in two queries: their current records (corrected ones left
    out) and their certificates of this school. Read as plain rows, not model instances: the
    organizers' lists run this over tens of thousands of people."""
    ids = [person.pk for person in people]
    by_person: dict[int, list[RecordFact]] = defaultdict(list)
    # Details as text, decoded here: most records have none, and skipping the JSON decoder for
    # those is a quarter of the time of this query.
    rows = (
        DevelopmentRecord.objects.filter(person_id__in=ids, superseded_by__isnull=True)
        .order_by("occurred_on", "pk")
        .values_list("person_id", "kind", "occurred_on", Cast("details", TextField()), "pk")
    )
    for person_id, kind, occurred_on, details, pk in rows:
        by_person[person_id].append(
            RecordFact(
                kind=kind,
                on=occurred_on,
                details=NO_DETAILS if details == "{}" else json.loads(details),
                id=pk,
            )
        )
    trainings: dict[int, list[TrainingFact]] = defaultdict(list)
    user_to_person = {person.user_id: person.pk for person in people}
    certificates = Certificate.objects.filter(
        user_id__in=user_to_person, status=Certificate.Status.VALID
    ).values_list(
        "user_id",
        "serial",
        "hours",
        "final_grade",
        "completed_on",
        "course_title",
        "course__audiences__code",
    )
    for user_id, serial, hours, grade, completed_on, title, audience in certificates:
        if audience:
            trainings[user_to_person[user_id]].append(
                TrainingFact(
                    audience=audience,
                    completed_on=completed_on,
                    hours=hours,
                    grade=grade,
                    title=title,
                    serial=serial,
                )
            )
    facts = {}
    for person in people:
        mine = by_person.get(person.pk, [])
        trainings[person.pk] += [
            _training_from_record(r) for r in mine if r.kind == records.TRAINING
        ]
        facts[person.pk] = PersonFacts(
            stage=person.stage if any(r.kind == records.APPLICATION for r in mine) else "",
            birth_date=person.birth_date,
            is_league_member=person.is_league_member,
            records=tuple(mine),
            trainings=tuple(trainings[person.pk]),
        )
    return facts


def person_facts(person: Person) -> PersonFacts:
    return facts_for([person])[person.pk]


def default_pack_id() -> str:
    return settings.MEMBERSHIP_RULE_PACK


def eligibility_of(person: Person, *, on: datetime.date, pack_id: str | None = None) -> Eligibility:
    """Whether ``person`` is ready, on ``on``, for the decision that moves them to the next stage."""
    return eligibility(person_facts(person), on=on, pack=load_pack(pack_id or default_pack_id()))


def eligibility_of_many(
    people: Sequence[Person], *, on: datetime.date, pack_id: str | None = None
) -> dict[int, Eligibility]:
    """eligibility_of for a page of people, in a fixed number of queries; by person pk."""
    pack = load_pack(pack_id or default_pack_id())
    facts = facts_for(people)
    return {person.pk: eligibility(facts[person.pk], on=on, pack=pack) for person in people}


# --- Organizers' filters -------------------------------------------------------------------------

ELIGIBLE, MISSING_ONLY_TRAINING, ASSESSMENT_OVERDUE = (
    "eligible",
    "missing_only_training",
    "assessment_overdue",
)
TRAINING_CHECKS_SUFFIX = "_training"  # pack check codes for trainings end with this
# Steps a branch takes only once a person is otherwise ready — the public notices and the higher
# committee's pre-review, which looks at the training certificate — so they do not keep someone
# off the "missing only the training" list.
STEPS_AFTER_TRAINING = frozenset({"candidate_notice", "pre_review", "admission_notice"})


def _blocking_unmet(result: Eligibility):
    return [check for check in result.checks if check.severity == "blocking" and not check.met]


def matches(result: Eligibility, which: str) -> bool:
    """Whether an eligibility result belongs to one of the organizers' lists."""
    if which == ELIGIBLE:
        return result.eligible
    unmet = _blocking_unmet(result)
    if which == MISSING_ONLY_TRAINING:
        unmet = [check for check in unmet if check.code not in STEPS_AFTER_TRAINING]
        return bool(unmet) and all(_on_list(check.code, which) for check in unmet)
    if which == ASSESSMENT_OVERDUE:
        return any(_on_list(check.code, which) and not check.met for check in result.checks)
    raise ValueError(which)


def _on_list(code: str, which: str) -> bool:
    if which == MISSING_ONLY_TRAINING:
        return code.endswith(TRAINING_CHECKS_SUFFIX)
    if which == ASSESSMENT_OVERDUE:
        return code.startswith("assessment")
    return True


def stages_for(which: str, pack: RulePack) -> list[str]:
    """The stages whose people can be on a list at all: those whose next gate has a check of
    the list's kind (a training, an assessment) in this pack. Someone at a stage before their
    application is on file is evaluated against the applicant gate, so "applicant" counts for it."""
    gates = {spec.stage for spec in pack.checks if _on_list(spec.code, which)}
    stages = [stage for stage in STAGES if next_stage_after(stage) in gates]
    if "applicant" in gates and "applicant" not in stages:
        stages.append("applicant")
    return stages


#: add_months clamps to a month's last day (31 August + 6 months = 28 February), so a start
#: up to three days after add_months(on, -months) can still have waited long enough.
CLAMPING_SLACK = datetime.timedelta(days=4)


def could_be_ready(pack: RulePack, on: datetime.date) -> Q:
    """A necessary condition, in SQL, for being ready for the next gate on ``on``: for each
    gate, a record for each of its blocking waiting periods old enough to have run out. People
    who fail it cannot be eligible, nor miss only a training; the engine decides for the rest.
    The gate is the one ``person_facts`` picks: the stage's next, or "applicant" with no
    application on file."""
    has_application = Exists(
        DevelopmentRecord.objects.filter(
            person=OuterRef("pk"), kind=records.APPLICATION, superseded_by__isnull=True
        )
    )

    def waited(gate: str) -> Q:
        condition = Q()
        for spec in pack.checks_for(gate):
            if spec.type == "waiting_period" and spec.severity == "blocking":
                cutoff = add_months(on, -int(spec.params["months"])) + CLAMPING_SLACK
                condition &= Q(
                    Exists(
                        DevelopmentRecord.objects.filter(
                            person=OuterRef("pk"),
                            kind=spec.params["since"],
                            occurred_on__lte=cutoff,
                        )
                    )
                )
        return condition

    condition = ~Q(has_application) & waited(STAGES[0])
    for stage in STAGES:
        gate = next_stage_after(stage)
        if gate is not None:
            condition |= Q(has_application) & Q(stage=stage) & waited(gate)
    return condition


def filter_people(
    people: QuerySet[Person],
    which: str,
    *,
    on: datetime.date,
    pack_id: str | None = None,
    chunk: int = 2000,
    prefilter: bool = True,
) -> list[Person]:
    """The people of ``people`` on one of the lists, as of ``on``, in the queryset's order (by
    pk when it has none). Eligibility is computed, never stored: people are read in chunks as
    plain rows, with their facts fetched in bulk per chunk; only those on the list are loaded
    as Person instances."""
    pack = load_pack(pack_id or default_pack_id())
    found: list[int] = []
    candidates = people.filter(stage__in=stages_for(which, pack))
    if prefilter and which in (ELIGIBLE, MISSING_ONLY_TRAINING):
        # Both lists need every waiting period over; the SQL skips those still waiting.
        candidates = candidates.filter(could_be_ready(pack, on))
    rows = candidates.order_by("pk").values_list(*PersonRow._fields)
    last = 0
    while True:
        batch = [PersonRow(*row) for row in rows.filter(pk__gt=last)[:chunk]]
        if not batch:
            break
        facts = facts_for(batch)
        found += [
            row.pk for row in batch if matches(eligibility(facts[row.pk], on=on, pack=pack), which)
        ]
        last = batch[-1].pk
    if not found:
        return []
    listed = people.filter(pk__in=found)
    return list(listed if people.ordered else listed.order_by("pk"))


def register_reach() -> None:
    """Tell the registry (school.scoping) who reaches which rows of this app, and which accounts
    a form may offer (accounts hold no membership data, but only membership knows who
    organizes whom)."""
    scoping.register(Organization, organizations_visible_to)
    scoping.register(Person, people_visible_to)
    scoping.register(DevelopmentRecord, records_visible_to)
    scoping.register(StageChange, stage_changes_visible_to)
    scoping.register(PublicNotice, notices_visible_to)
    scoping.register(NoticeEntry, notice_entries_visible_to)
    scoping.register(User, accounts_visible_to)


# --- The learner's own file (我的发展) -------------------------------------------------------------

# Who acts on an unmet check, by its type: time alone, the learner, or the branch that records it.
TIME = "time"
LEARNER = "learner"
BRANCH = "branch"
_ACTOR_BY_TYPE = {
    "min_age": TIME,
    "waiting_period": TIME,
    "probation": TIME,
    "training": LEARNER,
}


class OwnCheck(NamedTuple):
    code: str
    type: str  # the pack's check type ("training", "waiting_period", ...)
    label: str
    met: bool
    warning: bool
    certain: bool
    evidence: str
    article: str
    due_on: datetime.date | None
    waiting_on: str  # TIME, LEARNER or BRANCH while unmet; "" once met
    certificate_serial: str  # the certificate that met a training check; "" for the others


class OwnRecord(NamedTuple):
    record: DevelopmentRecord
    summary: str
    corrected: bool  # superseded by a later record


class OwnStage(NamedTuple):
    stage: str
    label: str
    entered_on: datetime.date | None
    current: bool
    done: bool


class OwnFile(NamedTuple):
    person: Person
    on: datetime.date
    rules_title: str
    result: Eligibility
    next_stage_label: str
    unmet: int  # blocking checks not met
    stages: list[OwnStage]
    checks: list[OwnCheck]
    records: list[OwnRecord]


def own_file(person: Person, *, on: datetime.date) -> OwnFile:
    """What the person themself sees of their file: the stages with the day each began, the
    next stage's checks (who has to act on each, and the certificate behind a training check),
    and the timeline of records, corrections shown as corrections.

    Notes are left out of the timeline: they are the branch's working notes (a political
    review's findings, what an objection to a notice said and so who may have made it).
    """
    pack = load_pack(default_pack_id())
    facts = person_facts(person)
    result = eligibility(facts, on=on, pack=pack)
    # The engine cites the certificate that met a training check by its serial.
    serials = [training.serial for training in facts.trainings if training.serial]
    specs = {spec.code: spec for spec in pack.checks}
    checks = []
    for check in result.checks:
        spec = specs.get(check.code)
        actor = _ACTOR_BY_TYPE.get(spec.type, BRANCH) if spec else BRANCH
        if spec and spec.params.get("record") == records.THOUGHT_REPORT:
            actor = LEARNER  # the learner writes the reports; the branch only files them
        checks.append(
            OwnCheck(
                code=check.code,
                type=spec.type if spec else "",
                label=check.label,
                met=check.met,
                warning=check.severity == "warning",
                certain=check.certain,
                evidence=check.evidence,
                article=check.article,
                due_on=check.due_on,
                waiting_on="" if check.met else actor,
                certificate_serial=next((x for x in serials if x in check.evidence), ""),
            )
        )
    entered: dict[str, datetime.date] = {}
    for change in person.stage_changes.order_by("effective_on", "pk"):
        entered[change.to_stage] = change.effective_on
    current = STAGES.index(person.stage) if person.stage in STAGES else -1
    labels = dict(Stage.choices)
    stages = [
        OwnStage(
            stage=stage,
            label=str(labels[stage]),
            entered_on=entered.get(stage),
            current=index == current,
            done=index < current,
        )
        for index, stage in enumerate(STAGES)
    ]
    file_records = person.records.select_related("recorded_by", "superseded_by").order_by(
        "-occurred_on", "-recorded_at"
    )
    timeline = [
        OwnRecord(
            record=record,
            summary=records.summary({k: v for k, v in record.details.items() if k != "note"}),
            corrected=hasattr(record, "superseded_by"),
        )
        for record in file_records
    ]
    return OwnFile(
        person=person,
        on=on,
        rules_title=pack.title,
        result=result,
        next_stage_label=str(labels[result.next_stage]) if result.next_stage else "",
        unmet=sum(1 for check in checks if not check.met and not check.warning),
        stages=stages,
        checks=checks,
        records=timeline,
    )
