"""Importing a roster (发展党员台账) into people and their development records.

All or nothing: the file is parsed and every row checked against the database first (the
branch exists and the importer may manage it, no date lies in the future, the person is the
importer's to change); with any error nothing is saved. Re-importing the same file finds
every record already there and changes nothing.

Reading and checking take no lock, so a dry run, or a file with errors, never makes anyone
wait, however large it is. A file without errors is written in one short transaction that
locks the accounts of the file's numbers (in the order of the numbers, so two imports cannot
lock each other out), checks the rows again against what is now on record (another import
may have written in between) and writes only what is missing.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from membership import records
from membership.models import DevelopmentRecord, Organization, Person, Stage, StageChange
from membership.roster import RosterError, RosterRow, parse_roster
from membership.selectors import organizations_visible_to, people_in_charge_of, sees_everyone
from membership.services import record_stage_change
from school.spreadsheets import excerpt

IMPORT_REASON = "发展党员台账导入"
# Two imports creating the same account at once: the second's insert waits for the first and
# then fails on the unique number; it starts over and finds the account there.
_WRITE_ATTEMPTS = 3


@dataclass
class RosterImport:
    created: int = 0
    updated: int = 0
    errors: list[RosterError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def import_roster(
    filename: str,
    data: bytes,
    *,
    actor: User,
    dry_run: bool = False,
    today: datetime.date | None = None,
) -> RosterImport:
    """Import the roster; with ``dry_run`` (or any error) nothing is saved. Returns how many people
    were (or would be) created and updated, and every error by row and column.

    Locks nothing while it reads and checks; a dry run locks nothing at all. The writes run in
    one transaction that locks the accounts of the file's numbers, so the same file sent twice
    at once (a double click, a retry) is written once: the second import, checked again under
    the lock, finds everything there. Safe to repeat. Raises what ``record_stage_change``
    raises for a history it cannot record (which the checks above are meant to rule out).
    """
    today = today or timezone.localdate()
    parsed = parse_roster(filename, data)
    result = RosterImport(errors=list(parsed.errors), unknown_columns=parsed.unknown_columns)
    result.errors += _database_errors(parsed.rows, actor=actor, today=today)
    if result.errors:
        return result
    if dry_run:
        plans = _plans(parsed.rows, actor=actor)
        result.created, result.updated = _counts(plans)
        return result
    for attempt in range(1, _WRITE_ATTEMPTS + 1):
        try:
            return _write(parsed.rows, actor=actor, today=today, result=result)
        except IntegrityError:
            if attempt == _WRITE_ATTEMPTS:
                raise
    return result  # not reached: the last attempt returns or raises


@transaction.atomic
def _write(
    rows: list[RosterRow], *, actor: User, today: datetime.date, result: RosterImport
) -> RosterImport:
    """Lock the file's accounts, check the rows again, and write what they add."""
    numbers = sorted({row.number for row in rows})
    list(
        User.objects.select_for_update()
        .filter(username__in=numbers)
        .order_by("username")
        .values_list("pk", flat=True)
    )
    errors = _database_errors(rows, actor=actor, today=today)
    if errors:
        result.errors = errors
        return result
    branches = _branches_for(actor)
    plans = _plans(rows, actor=actor)
    # New accounts in the order of their numbers, like the locks above, so two imports that
    # create some of the same accounts wait for each other instead of locking each other out.
    for plan in sorted(plans, key=lambda plan: plan.row.number):
        _apply(plan, branch=branches[plan.row.branch][0], actor=actor)
    result.created, result.updated = _counts(plans)
    return result


def _database_errors(
    rows: list[RosterRow], *, actor: User, today: datetime.date
) -> list[RosterError]:
    """What the database says against the rows: unknown or foreign branches, people the importer
    does not manage, dates in the future, decisions on record with other dates."""
    branches = _branches_for(actor)
    numbers = [row.number for row in rows]
    visible = set(
        people_in_charge_of(actor)
        .filter(user__username__in=numbers)
        .values_list("user__username", flat=True)
    )
    existing = set(
        Person.objects.filter(user__username__in=numbers).values_list("user__username", flat=True)
    )
    accounts = {
        user.username: user
        for user in User.objects.filter(username__in=numbers).prefetch_related("groups")
    }
    sees_all = sees_everyone(actor)
    # Only the files the importer keeps are compared with the roster: what another college's
    # file says is not theirs to read, not even as "the file says ... but ... is on record".
    decided = _decision_dates([number for number in numbers if number in visible])
    errors: list[RosterError] = []
    for row in rows:
        errors += _row_errors(
            row, branches=branches, today=today, existing=existing, visible=visible
        )
        account = accounts.get(row.number)
        if account is not None and row.number not in existing:
            errors += _account_errors(row, account, sees_all=sees_all)
        elif account is not None and row.number in visible and account.full_name != row.name:
            errors.append(
                RosterError(
                    row.row,
                    "姓名",
                    _(
                        "The file has the name %(name)s; if the roster is right, correct the name in the person's file."
                    )
                    % {"name": account.full_name},
                )
            )
        errors += _conflicting_decisions(row, decided.get(row.number, {}))
    return errors


def _account_errors(row: RosterRow, account: User, *, sees_all: bool) -> list[RosterError]:
    """An account with this number but no file yet is given one only under the name it has (so
    a guessed number cannot be claimed) and, for a staff account, only by a school admin."""
    if account.full_name != row.name:
        return [
            RosterError(
                row.row,
                "学号",
                _("The account with this number has another name; check the number and the name."),
            )
        ]
    staff = account.is_staff or account.is_superuser or bool(account.groups.all())
    if staff and not sees_all:
        return [
            RosterError(
                row.row,
                "学号",
                _("This is a staff account; ask the party committee's office to open its file."),
            )
        ]
    return []


def _branches_for(actor: User) -> dict[str, list[Organization]]:
    found: dict[str, list[Organization]] = {}
    for organization in organizations_visible_to(actor).filter(kind=Organization.Kind.BRANCH):
        found.setdefault(organization.name, []).append(organization)
    return found


DATE_FIELDS = {
    "birth_date": "出生日期",
    "applied_on": "申请入党日期",
    "league_recommended_on": "推优日期",
    "activist_on": "确定积极分子日期",
    "activist_training_on": "积极分子培训结业日期",
    "candidate_on": "确定发展对象日期",
    "political_review_on": "政审日期",
    "candidate_training_on": "发展对象培训结业日期",
    "pre_review_on": "预审日期",
    "notice_starts_on": "公示开始日期",
    "notice_ends_on": "公示结束日期",
    "meeting_on": "支部大会日期",
    "approved_on": "党委审批日期",
    "oath_on": "入党宣誓日期",
    "full_member_on": "转正日期",
}


def _row_errors(row: RosterRow, *, branches, today, existing, visible) -> list[RosterError]:
    errors = []
    matches = branches.get(row.branch, [])
    if not matches:
        errors.append(
            RosterError(
                row.row,
                "所在党支部",
                _("No branch named “%(name)s” that you manage.") % {"name": excerpt(row.branch)},
            )
        )
    elif len(matches) > 1:
        errors.append(
            RosterError(
                row.row,
                "所在党支部",
                _("Several branches are named “%(name)s”.") % {"name": excerpt(row.branch)},
            )
        )
    if row.number in existing and row.number not in visible:
        errors.append(
            RosterError(
                row.row, "学号", _("This person belongs to an organization you do not manage.")
            )
        )
    for name, column in DATE_FIELDS.items():
        value = getattr(row, name)
        if value and value > today:
            errors.append(
                RosterError(
                    row.row, column, _("The date %(date)s is in the future.") % {"date": value}
                )
            )
    if any(day > today for day in row.assessments):
        errors.append(RosterError(row.row, "考察日期", _("An assessment date is in the future.")))
    return errors


DECISION_COLUMNS: dict[str, str] = {
    Stage.APPLICANT: "申请入党日期",
    Stage.ACTIVIST: "确定积极分子日期",
    Stage.CANDIDATE: "确定发展对象日期",
    Stage.PROBATIONARY: "支部大会日期",
    Stage.MEMBER: "转正日期",
}


def _decision_dates(numbers: list[str]) -> dict[str, dict[str, datetime.date]]:
    """For the people of the file already on record, the date of each stage they reached."""
    found: dict[str, dict[str, datetime.date]] = {}
    changes = Person.objects.filter(user__username__in=numbers).values_list(
        "user__username", "stage_changes__to_stage", "stage_changes__effective_on"
    )
    for number, stage, day in changes:
        if stage:
            found.setdefault(number, {})[stage] = day
    return found


def _conflicting_decisions(row: RosterRow, decided: dict[str, datetime.date]) -> list[RosterError]:
    """A stage's date that differs from the decision on record is not overwritten silently."""
    return [
        RosterError(
            row.row,
            DECISION_COLUMNS[stage],
            _(
                "The file says %(file)s but %(recorded)s is on record; correct the record in the person's file."
            )
            % {"file": day, "recorded": decided[stage]},
        )
        for stage, day in _stage_dates(row)
        if stage in decided and decided[stage] != day
    ]


def _planned_records(row: RosterRow) -> list[tuple[str, datetime.date, dict]]:
    """The non-decision records a row describes, each with its date and details."""
    planned: list[tuple[str, datetime.date, dict[str, Any]]] = []
    if row.league_recommended_on:
        planned.append((records.LEAGUE_RECOMMENDATION, row.league_recommended_on, {}))
    if row.mentors and row.activist_on:
        planned.append((records.MENTORS, row.activist_on, {"names": row.mentors}))
    planned += [(records.ASSESSMENT, day, {}) for day in row.assessments]
    if row.activist_training_on:
        planned.append(
            (
                records.TRAINING,
                row.activist_training_on,
                {"audience": "activist", "title": "入党积极分子培训（台账记录）"},
            )
        )
    if row.introducers and row.candidate_on:
        planned.append((records.INTRODUCERS, row.candidate_on, {"names": row.introducers}))
    if row.political_review_on:
        planned.append((records.POLITICAL_REVIEW, row.political_review_on, {"passed": True}))
    if row.candidate_training_on:
        # The roster says the short course was completed; the regulations set it at three days
        # at least, which is what the record states.
        planned.append(
            (
                records.TRAINING,
                row.candidate_training_on,
                {"audience": "candidate", "days": 3, "title": "发展对象培训（台账记录）"},
            )
        )
    if row.pre_review_on:
        planned.append((records.PRE_REVIEW, row.pre_review_on, {"passed": True}))
    if row.notice_starts_on:
        details: dict[str, Any] = {"outcome": "no_objection"}
        if row.notice_ends_on:
            details["ends_on"] = row.notice_ends_on.isoformat()
        planned.append((records.ADMISSION_NOTICE, row.notice_starts_on, details))
    if row.approved_on:
        planned.append((records.ADMISSION_APPROVAL, row.approved_on, {"passed": True}))
    if row.oath_on:
        planned.append((records.OATH, row.oath_on, {}))
    return planned


def _stage_dates(row: RosterRow) -> list[tuple[str, datetime.date]]:
    pairs = [
        (Stage.APPLICANT, row.applied_on),
        (Stage.ACTIVIST, row.activist_on),
        (Stage.CANDIDATE, row.candidate_on),
        (Stage.PROBATIONARY, row.meeting_on),
        (Stage.MEMBER, row.full_member_on),
    ]
    return [(stage, day) for stage, day in pairs if day]


@dataclass
class _Plan:
    """What importing one row changes: the account, the file, its stage changes and records."""

    row: RosterRow
    user: User | None  # None: the account is created
    person: Person | None  # None: the file is opened
    changes: dict[str, Any]  # the file's fields that differ from the row
    stages: list[tuple[str, datetime.date]]  # the stage changes not yet recorded, in order
    records: list[tuple[str, datetime.date, dict]]  # the other records not yet on file

    @property
    def outcome(self) -> str:
        if self.user is None:
            return "created"
        if self.person is None or self.changes or self.stages or self.records:
            return "updated"
        return "unchanged"


def _plans(rows: list[RosterRow], *, actor: User) -> list[_Plan]:
    """What each row would change, read in a fixed number of queries for the whole file."""
    branches = _branches_for(actor)
    numbers = [row.number for row in rows]
    users = {user.username: user for user in User.objects.filter(username__in=numbers)}
    people = {
        person.user.username: person
        for person in Person.objects.filter(user__username__in=numbers).select_related("user")
    }
    person_ids = [person.pk for person in people.values()]
    have: dict[int, set[tuple[str, datetime.date]]] = {}
    for person_id, kind, day in DevelopmentRecord.objects.filter(
        person__in=person_ids, superseded_by__isnull=True
    ).values_list("person_id", "kind", "occurred_on"):
        have.setdefault(person_id, set()).add((kind, day))
    reached: dict[int, set[str]] = {}
    for person_id, stage in StageChange.objects.filter(person__in=person_ids).values_list(
        "person_id", "to_stage"
    ):
        reached.setdefault(person_id, set()).add(stage)

    plans = []
    for row in rows:
        person = people.get(row.number)
        values = _file_values(row, branch=branches[row.branch][0])
        changes = (
            {key: value for key, value in values.items() if getattr(person, key) != value}
            if person is not None
            else values
        )
        done = reached.get(person.pk, set()) if person is not None else set()
        on_file = have.get(person.pk, set()) if person is not None else set()
        plans.append(
            _Plan(
                row=row,
                user=users.get(row.number),
                person=person,
                changes=changes,
                stages=[(stage, day) for stage, day in _stage_dates(row) if stage not in done],
                records=[
                    (kind, day, details)
                    for kind, day, details in _planned_records(row)
                    if (kind, day) not in on_file
                ],
            )
        )
    return plans


def _counts(plans: list[_Plan]) -> tuple[int, int]:
    outcomes = [plan.outcome for plan in plans]
    return outcomes.count("created"), outcomes.count("updated")


def _file_values(row: RosterRow, *, branch: Organization) -> dict[str, Any]:
    return {
        "organization": branch,
        "gender": row.gender,
        "birth_date": row.birth_date,
        **({"is_league_member": row.league_member} if row.league_member is not None else {}),
    }


def _apply(plan: _Plan, *, branch: Organization, actor: User) -> None:
    """Bring one person in line with their row, as planned under the import's locks."""
    row = plan.row
    user = plan.user
    if user is None:
        user = User.objects.create(
            username=row.number, full_name=row.name, password=make_password(None)
        )
    person = plan.person
    if person is None:
        person = Person.objects.create(user=user, **_file_values(row, branch=branch))
    elif plan.changes:
        for key, value in plan.changes.items():
            setattr(person, key, value)
        person.save(update_fields=list(plan.changes))
    # Stage decisions, in order, for the stages the person has not reached yet.
    for stage, day in plan.stages:
        record_stage_change(
            person,
            to_stage=stage,
            effective_on=day,
            actor=actor,
            imported=True,
            basis=IMPORT_REASON,
        )
        person.refresh_from_db()
    DevelopmentRecord.objects.bulk_create(
        DevelopmentRecord(
            person=person,
            kind=kind,
            occurred_on=day,
            details=details,
            recorded_by=actor,
            source=DevelopmentRecord.Source.IMPORTED,
        )
        for kind, day, details in plan.records
    )
