"""Importing a roster (发展党员台账) into people and their development records.

All or nothing: the file is parsed and every row checked against the database first (the
branch exists and the importer may manage it, no date lies in the future, the person is the
importer's to change); with any error nothing is saved. Re-importing the same file finds
every record already there and changes nothing.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from membership import records
from membership.models import DevelopmentRecord, Organization, Person, Stage
from membership.roster import RosterError, RosterRow, parse_roster
from membership.selectors import organizations_visible_to, people_in_charge_of, sees_everyone
from membership.services import record_stage_change

IMPORT_REASON = "发展党员台账导入"


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
    were (or would be) created and updated, and every error by row and column."""
    today = today or timezone.localdate()
    parsed = parse_roster(filename, data)
    result = RosterImport(errors=list(parsed.errors), unknown_columns=parsed.unknown_columns)
    try:
        with transaction.atomic():
            # One import at a time: the same file sent twice at once (a double click, a retry)
            # is checked and applied after the first, and finds everything already there.
            list(Organization.objects.select_for_update().filter(depth=1).values_list("pk"))
            result.errors += _database_errors(parsed.rows, actor=actor, today=today)
            if result.errors:
                return result
            branches = _branches_for(actor)
            for row in parsed.rows:
                outcome = _apply(row, branch=branches[row.branch][0], actor=actor)
                result.created += outcome == "created"
                result.updated += outcome == "updated"
            if dry_run:
                raise _DryRun()
    except _DryRun:
        pass  # everything above was rolled back: the counts say what would happen
    return result


class _DryRun(Exception):
    pass


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
                _("No branch named “%(name)s” that you manage.") % {"name": row.branch},
            )
        )
    elif len(matches) > 1:
        errors.append(
            RosterError(
                row.row,
                "所在党支部",
                _("Several branches are named “%(name)s”.") % {"name": row.branch},
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


def _apply(row: RosterRow, *, branch: Organization, actor: User) -> str:
    """Bring one person in line with their row. Returns "created", "updated" or "unchanged"."""
    user = User.objects.filter(username=row.number).first()
    created = user is None
    changed = False
    if user is None:
        user = User.objects.create(
            username=row.number, full_name=row.name, password=make_password(None)
        )
    person = Person.objects.filter(user=user).first()
    values = {
        "organization": branch,
        "gender": row.gender,
        "birth_date": row.birth_date,
        **({"is_league_member": row.league_member} if row.league_member is not None else {}),
    }
    if person is None:
        person = Person.objects.create(user=user, **values)
    else:
        different = {k: v for k, v in values.items() if getattr(person, k) != v}
        if different:
            for key, value in different.items():
                setattr(person, key, value)
            person.save(update_fields=list(different))
            changed = True

    current = list(DevelopmentRecord.objects.filter(person=person, superseded_by__isnull=True))
    have = {(r.kind, r.occurred_on) for r in current}
    # Stage decisions, in order, for the stages the person has not reached yet.
    reached = {Stage(s) for s in person.stage_changes.values_list("to_stage", flat=True)}
    for stage, day in _stage_dates(row):
        if stage in reached:
            continue
        record_stage_change(
            person,
            to_stage=stage,
            effective_on=day,
            actor=actor,
            imported=True,
            basis=IMPORT_REASON,
        )
        person.refresh_from_db()
        changed = True
    for kind, day, details in _planned_records(row):
        if (kind, day) in have:
            continue
        DevelopmentRecord.objects.create(
            person=person,
            kind=kind,
            occurred_on=day,
            details=details,
            recorded_by=actor,
            source=DevelopmentRecord.Source.IMPORTED,
        )
        changed = True
    if created:
        return "created"
    return "updated" if changed else "unchanged"
