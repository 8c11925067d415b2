"""Writes to the membership records. Each function is one business operation in a transaction."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from accounts.models import User
from audit.models import Action
from audit.services import changes_between, label_of
from audit.services import record as record_audit
from membership import records
from membership.details import details_problems
from membership.eligibility.engine import Eligibility, meeting_problems
from membership.models import DevelopmentRecord, Organization, Person, Stage, StageChange
from membership.selectors import (
    eligibility_of,
    organizations_visible_to,
    people_in_charge_of,
    sees_everyone,
)
from school.exceptions import Conflict, DomainError, Forbidden, OutOfReach

IMPORTED = _("Imported from a historical roster; the gates were not checked.")


class OrganizationKindNotAllowed(DomainError):
    code = "organization_kind_not_allowed"


class StageChangeRefused(DomainError):
    code = "stage_change_refused"


class StageGateNotMet(Conflict):
    """The next stage's checks are not all met. ``extra["checks"]`` lists the unmet ones."""

    code = "stage_gate_not_met"
    default_detail = _("Not every condition for the next stage is met.")


class OverrideNotAllowed(Forbidden):
    code = "override_not_allowed"
    default_detail = _(
        "Only the party committee's administrators may record a move whose checks are unmet."
    )


class InvalidRecord(DomainError):
    code = "invalid_record"


def kind_problem(parent: Organization | None, kind: str) -> str | None:
    """Why an organization of ``kind`` cannot sit under ``parent``, or None when it can."""
    parent_kind = parent.kind if parent else None
    if parent_kind in Organization.ALLOWED_PARENTS[Organization.Kind(kind)]:
        return None
    return _("A %(kind)s cannot sit under %(parent)s.") % {
        "kind": Organization.Kind(kind).label,
        "parent": parent.name if parent else _("the top of the tree"),
    }


def add_organization(
    parent: Organization | None, *, name: str, kind: str, **fields
) -> Organization:
    """Add a node to the organization tree, under ``parent`` (or as a new top-level committee).

    Refuses shapes the party's structure does not have, e.g. a branch under a party group.
    """
    problem = kind_problem(parent, kind)
    if problem:
        raise OrganizationKindNotAllowed(problem)
    node = Organization(name=name, kind=kind, **fields)
    return parent.add_child(instance=node) if parent else Organization.add_root(instance=node)


class PersonExists(Conflict):
    code = "person_exists"
    default_detail = _("This person already has a file.")


class AccountMismatch(DomainError):
    code = "account_mismatch"


def check_in_charge(person: Person, actor: User | None) -> None:
    """Refuse (as not found) a change to the file of someone ``actor`` is not in charge of: the
    people of other organizations, and one's own file. ``None`` is the system (imports run
    by a school administrator, the demo), which the callers have already scoped."""
    if actor is not None and not people_in_charge_of(actor).filter(pk=person.pk).exists():
        raise OutOfReach()


def _check_organization(organization: Organization, actor: User | None) -> None:
    if (
        actor is not None
        and not organizations_visible_to(actor).filter(pk=organization.pk).exists()
    ):
        raise OutOfReach()


@transaction.atomic
def add_person(
    *, number: str, full_name: str, organization: Organization, actor: User, **fields
) -> Person:
    """Open the development file of the account with this student or staff number, in
    ``organization`` (one of the actor's), making the account (with no usable password) when
    there is none. Not idempotent: a second file for the same account is ``PersonExists``.

    An existing account is taken only when ``full_name`` is the account's name, so nobody can
    claim a number they merely guessed; and a staff account only by a school administrator.
    Writes the audit row (every field, with no value before) and Wagtail's log (the file's
    history in the admin). Locks the account row."""
    _check_organization(organization, actor)
    number, full_name = number.strip(), full_name.strip()
    user = User.objects.select_for_update().filter(username=number).first()
    if user is not None:
        if Person.objects.filter(user=user).exists():
            raise PersonExists()
        if user.full_name != full_name:
            raise AccountMismatch(
                _("The account with this number has another name; check the number and the name.")
            )
        staff = user.is_staff or user.is_superuser or user.groups.exists()
        if staff and not sees_everyone(actor):
            raise AccountMismatch(
                _("This is a staff account; ask the party committee's office to open its file.")
            )
    account = "existing" if user is not None else "created"
    if user is None:
        user = User.objects.create_user(username=number, full_name=full_name)
    person = Person.objects.create(user=user, organization=organization, **fields)
    log(instance=person, action="wagtail.create", user=actor, content_changed=True)
    record_audit(
        Action.PERSON_CREATE,
        actor=actor,
        target=person,
        changes=changes_between(
            {},
            {"number": number, "full_name": full_name, "organization": organization, **fields},
        ),
        details={"account": account},
    )
    return person


def _shown(value) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def update_person(person: Person, *, actor: User, **fields) -> Person:
    """Change a file's details (never the stage, which moves by stage changes). Locks the person
    row. The actor must be in charge of the person and, when the person moves, reach the new
    organization. Writes each changed field with its value before and after to the audit log
    (and to Wagtail's log, the file's history in the admin); nothing when nothing changed."""
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=person.pk)
    )
    check_in_charge(person, actor)
    if "stage" in fields:
        raise InvalidRecord(_("The stage changes only by recording a stage change."))
    organization = fields.get("organization")
    if organization is not None and organization.pk != person.organization_id:
        _check_organization(organization, actor)
    changes = {}
    for name, value in fields.items():
        before = getattr(person, name)
        if before != value:
            changes[name] = [_shown(before), _shown(value)]
            setattr(person, name, value)
    if changes:
        person.save(update_fields=list(changes))
        log(
            instance=person,
            action="wagtail.edit",
            user=actor,
            content_changed=True,
            data={"changes": changes},
        )
        record_audit(Action.PERSON_UPDATE, actor=actor, target=person, changes=changes)
    return person


def _check_record(kind: str, occurred_on: datetime.date, details: dict) -> None:
    problems = details_problems(kind, details)
    if occurred_on > timezone.localdate():
        problems.append(str(_("The date is in the future.")))
    if problems:
        raise InvalidRecord("；".join(problems))


@transaction.atomic
def add_record(
    person: Person,
    *,
    kind: str,
    occurred_on: datetime.date,
    details: dict | None = None,
    actor: User | None,
    source: str = DevelopmentRecord.Source.ENTERED,
) -> DevelopmentRecord:
    """Add a dated record to the person's development file, and its audit row. Not idempotent:
    each call is a new record. Decisions that move a person to another stage go through
    ``record_stage_change``."""
    check_in_charge(person, actor)
    details = details or {}
    if kind in records.DECISION_FOR_STAGE.values():
        raise InvalidRecord(
            _("Record this decision as a stage change, so its conditions are checked.")
        )
    _check_record(kind, occurred_on, details)
    record = DevelopmentRecord.objects.create(
        person=person,
        kind=kind,
        occurred_on=occurred_on,
        details=details,
        recorded_by=actor,
        source=source,
    )
    record_audit(
        Action.RECORD_ADD,
        actor=actor,
        target=record,
        label=label_of(person, record),
        details={"person": person.pk, "kind": kind, "occurred_on": occurred_on, **details},
    )
    return record


@transaction.atomic
def correct_record(
    record: DevelopmentRecord,
    *,
    occurred_on: datetime.date,
    details: dict | None = None,
    actor: User,
    reason: str,
) -> DevelopmentRecord:
    """Correct a record: a new record of the same kind supersedes it, with the reason. The old
    one stays in the file. Locks the record, so it is corrected once. The audit row keeps the
    date and details before and after."""
    if not reason.strip():
        raise InvalidRecord(_("Say why the record is corrected."))
    record = DevelopmentRecord.objects.select_for_update().get(pk=record.pk)
    check_in_charge(record.person, actor)
    if DevelopmentRecord.objects.filter(supersedes=record).exists():
        raise InvalidRecord(_("This record has already been corrected; correct the newer one."))
    details = record.details if details is None else details
    _check_record(record.kind, occurred_on, details)
    correction = DevelopmentRecord.objects.create(
        person=record.person,
        kind=record.kind,
        occurred_on=occurred_on,
        details=details,
        recorded_by=actor,
        supersedes=record,
        correction_reason=reason.strip(),
    )
    record_audit(
        Action.RECORD_CORRECT,
        actor=actor,
        target=correction,
        label=label_of(record.person, correction),
        changes=changes_between(
            {"occurred_on": record.occurred_on, "details": record.details},
            {"occurred_on": occurred_on, "details": details},
        ),
        details={"person": record.person_id, "supersedes": record.pk, "reason": reason.strip()},
    )
    return correction


def unmet_checks(result: Eligibility) -> list[dict]:
    return [
        {
            "code": c.code,
            "label": c.label,
            "evidence": c.evidence,
            "article": c.article,
            "due_on": c.due_on.isoformat() if c.due_on else None,
        }
        for c in result.checks
        if c.severity == "blocking" and not c.met
    ]


@transaction.atomic
def record_stage_change(
    person: Person,
    *,
    to_stage: str,
    effective_on: datetime.date,
    actor: User | None,
    details: dict | None = None,
    basis: str = "",
    note: str = "",
    override_reason: str = "",
    imported: bool = False,
    pack_id: str | None = None,
) -> StageChange:
    """Record the decision that moves ``person`` to ``to_stage`` on ``effective_on``.

    Locks the person row, so two organizers recording at once cannot both move the same
    person. The move must be to the next stage, on or after the previous move; every blocking
    check of the next stage must be met on ``effective_on`` (``StageGateNotMet`` lists the
    unmet ones) and a branch meeting's record must be valid — unless a school administrator
    overrides with a written reason, which is kept. Imported history (``imported``) is
    recorded as such, unchecked. Writes the decision record, the stage change and the audit row
    together.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    check_in_charge(person, actor)
    details = details or {}
    last = person.stage_changes.order_by("-effective_on", "-recorded_at").first()
    expected = Stage(person.stage).next() if last else Stage.APPLICANT
    if to_stage != expected:
        raise StageChangeRefused(
            _("%(person)s is %(stage)s; the next stage is %(next)s, not %(asked)s.")
            % {
                "person": person,
                "stage": person.get_stage_display(),
                "next": expected.label if expected else _("none"),
                "asked": Stage(to_stage).label,
            }
        )
    if last and effective_on < last.effective_on:
        raise StageChangeRefused(
            _("The date %(date)s is before the previous stage change on %(previous)s.")
            % {"date": effective_on, "previous": last.effective_on}
        )
    decision_kind = records.DECISION_FOR_STAGE[to_stage]
    _check_record(decision_kind, effective_on, details)

    override_reason = override_reason.strip()
    if not imported:
        problems = []
        if decision_kind in (records.ADMISSION_MEETING, records.FULL_MEMBERSHIP_MEETING):
            problems = meeting_problems(details)
        result = eligibility_of(person, on=effective_on, pack_id=pack_id)
        unmet = unmet_checks(result)
        if unmet or problems:
            if not override_reason:
                detail = "；".join([c["label"] for c in unmet] + problems)
                raise StageGateNotMet(
                    _("Not every condition is met: %(unmet)s") % {"unmet": detail},
                    extra={"checks": unmet, "meeting_problems": problems},
                )
            if actor is None or not sees_everyone(actor):
                raise OverrideNotAllowed()
        else:
            override_reason = ""  # nothing was overridden

    else:
        override_reason = str(IMPORTED)

    decision = DevelopmentRecord.objects.create(
        person=person,
        kind=decision_kind,
        occurred_on=effective_on,
        details=details,
        recorded_by=actor,
        source=DevelopmentRecord.Source.IMPORTED if imported else DevelopmentRecord.Source.ENTERED,
    )
    change = StageChange.objects.create(
        person=person,
        from_stage=person.stage if last else "",
        to_stage=to_stage,
        effective_on=effective_on,
        basis=basis,
        note=note,
        recorded_by=actor,
        decision=decision,
        override_reason=override_reason,
    )
    record_audit(
        Action.STAGE_CHANGE,
        actor=actor,
        target=change,
        changes={"stage": [change.from_stage, to_stage]},
        details={
            "person": person.pk,
            "effective_on": effective_on,
            "decision": decision.pk,
            "basis": basis,
            "override_reason": override_reason,
            "imported": imported,
        },
    )
    person.stage = to_stage
    person.save(update_fields=["stage"])
    return change
