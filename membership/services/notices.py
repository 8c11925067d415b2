"""Public notices (公示): publish the people an organization proposes for the next stage, and
record what the notice drew.

Publishing writes, in one transaction, the notice, a notice record in each person's file (so the
eligibility engine sees it) and the page on the site. An objection is recorded by correcting a
person's notice record, which keeps the first record in the file.
"""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import Action
from audit.services import label_of
from audit.services import record as record_audit
from cms.models import NoticeIndexPage, NoticePage
from membership import records
from membership.eligibility.dates import WorkCalendar, period_end, period_length
from membership.eligibility.engine import UNIT_NAMES
from membership.eligibility.facts import RecordFact
from membership.eligibility.packs import load_pack
from membership.models import (
    DevelopmentRecord,
    NoticeEntry,
    Organization,
    Person,
    PublicNotice,
    Stage,
)
from membership.selectors import (
    current_record,
    default_pack_id,
    facts_for,
    organizations_visible_to,
    people_in_charge_of,
)
from membership.services import add_record, correct_record
from school.exceptions import DomainError

#: Who may be on each kind of notice: the stage they are in.
STAGE_FOR_NOTICE = {
    PublicNotice.Kind.CANDIDATE: Stage.ACTIVIST,
    PublicNotice.Kind.ADMISSION: Stage.CANDIDATE,
}
#: The period when the rule pack sets none: five working days, the common practice.
DEFAULT_PERIOD = 5
DEFAULT_UNIT = "working_days"


class NoticeRefused(DomainError):
    code = "notice_refused"


def notice_period(kind: str, pack_id: str | None = None) -> tuple[int, str]:
    """The shortest period of a notice of ``kind`` under the rule pack, and its unit
    ("working_days" or "days"): the pack's public-notice check for that record, or five
    working days when the pack has none or sets no period."""
    pack = load_pack(pack_id or default_pack_id())
    for spec in pack.checks:
        if (
            spec.type == "public_notice"
            and spec.params.get("record") == kind
            and spec.params.get("period")
        ):
            return int(spec.params["period"]), str(spec.params.get("unit", DEFAULT_UNIT))
    return DEFAULT_PERIOD, DEFAULT_UNIT


def default_end(kind: str, starts_on: datetime.date, pack_id: str | None = None) -> datetime.date:
    """The last day of the shortest notice of ``kind`` that starts on ``starts_on``."""
    period, unit = notice_period(kind, pack_id)
    return period_end(starts_on, period, unit, _calendar(pack_id))


def _calendar(pack_id: str | None = None) -> WorkCalendar:
    return load_pack(pack_id or default_pack_id()).calendar


@transaction.atomic
def publish_notice(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    people: Sequence[Person],
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    feedback: str,
    title: str = "",
    on_site: bool = True,
) -> PublicNotice:
    """Publish a notice of ``kind`` by ``organization`` for ``people``, from ``starts_on`` to
    ``ends_on`` (by default the shortest period the rule pack allows).

    Refuses, changing nothing: people the actor may not see or outside the organization, people
    not at the stage the notice is for, people already on a notice of this kind that has not
    ended, a period shorter than the pack's, a start in the future, and no feedback channel.
    With ``on_site`` the notice is published on the site's public notices section. Writes
    the audit row of the notice (and each person's notice record writes its own).
    """
    kind = PublicNotice.Kind(kind)
    # Fresh from the database: the tree keeps its nodes sorted, so adding an organization can
    # move the paths of others held in memory.
    organization = Organization.objects.get(pk=organization.pk)
    feedback = feedback.strip()
    if not people:
        raise NoticeRefused(_("Choose at least one person."))
    if not feedback:
        raise NoticeRefused(_("Say where people send objections: phone, e-mail or office."))
    if not organizations_visible_to(actor).filter(pk=organization.pk).exists():
        raise NoticeRefused(
            _("You do not organize %(organization)s.") % {"organization": organization}
        )
    today = timezone.localdate()
    if starts_on > today:
        raise NoticeRefused(
            _("A notice is recorded when it goes up: the start cannot be after today.")
        )
    period, unit = notice_period(kind)
    ends_on = ends_on or period_end(starts_on, period, unit, _calendar())
    if ends_on < starts_on:
        raise NoticeRefused(_("The notice cannot end before it starts."))
    length = period_length(starts_on, ends_on, unit, _calendar())
    if length < period:
        raise NoticeRefused(
            (
                _("A notice runs at least %(period)s working days; this one runs %(length)s.")
                if unit == "working_days"
                else _("A notice runs at least %(period)s days; this one runs %(length)s.")
            )
            % {"period": period, "length": length}
        )

    # Lock the people, so two organizers publishing at once cannot put one person on two notices.
    ids = sorted({person.pk for person in people})
    locked = list(
        people_in_charge_of(actor).select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    )
    if len(locked) != len(ids):
        raise NoticeRefused(_("Some of these people are not in your organizations."))
    _check_people(locked, organization=organization, kind=kind, starts_on=starts_on)

    notice = PublicNotice.objects.create(
        kind=kind,
        organization=organization,
        title=title.strip() or default_title(organization, kind, locked),
        starts_on=starts_on,
        ends_on=ends_on,
        feedback=feedback,
        published_by=actor,
    )
    for person in locked:
        record = add_record(
            person,
            kind=kind,
            occurred_on=starts_on,
            details={"ends_on": ends_on.isoformat(), "note": notice.title},
            actor=actor,
        )
        NoticeEntry.objects.create(notice=notice, person=person, record=record)
    if on_site:
        notice.page = _publish_page(notice, locked, actor=actor)
        notice.save(update_fields=["page"])
    record_audit(
        Action.NOTICE_PUBLISH,
        actor=actor,
        target=notice,
        details={
            "kind": kind.value,
            "organization": organization.pk,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "people": [person.pk for person in locked],
            "page": notice.page_id,
        },
    )
    return notice


def _check_people(
    people: list[Person], *, organization: Organization, kind: str, starts_on: datetime.date
) -> None:
    problems = []
    outside = [p for p in people if not p.organization.path.startswith(organization.path)]
    if outside:
        problems.append(
            _("Not in %(organization)s: %(names)s.")
            % {"organization": organization, "names": _names(outside)}
        )
    stage = STAGE_FOR_NOTICE[PublicNotice.Kind(kind)]
    wrong_stage = [p for p in people if p.stage != stage]
    if wrong_stage:
        problems.append(
            _("This notice is for people who are %(stage)s: %(names)s are not.")
            % {"stage": stage.label, "names": _names(wrong_stage)}
        )
    running = (
        NoticeEntry.objects.filter(
            person__in=people, notice__kind=kind, notice__ends_on__gte=starts_on
        )
        .select_related("person__user", "notice")
        .order_by("person__user__username")
    )
    for entry in running:
        problems.append(
            _("%(person)s is already on “%(notice)s” until %(date)s.")
            % {
                "person": entry.person.user.full_name,
                "notice": entry.notice,
                "date": entry.notice.ends_on,
            }
        )
    if problems:
        raise NoticeRefused(" ".join(str(problem) for problem in problems))


def _names(people: list[Person]) -> str:
    return "、".join(person.user.full_name for person in people)


# --- The page on the site: always in Chinese, as the notice board is ------------------------------

PROPOSAL = {
    PublicNotice.Kind.CANDIDATE: ("确定", "为发展对象"),
    PublicNotice.Kind.ADMISSION: ("接收", "为中共预备党员"),
}


def default_title(organization: Organization, kind: str, people: list[Person]) -> str:
    verb, target = PROPOSAL[PublicNotice.Kind(kind)]
    first = people[0].user.full_name
    who = f"{first}同志" if len(people) == 1 else f"{first}等{len(people)}名同志"
    return f"{organization.name}关于拟{verb}{who}{target}的公示"


def _publish_page(notice: PublicNotice, people: list[Person], *, actor: User) -> NoticePage:
    # Two notices added at once do not take the same tree path: treebeard locks the parent.
    index = NoticeIndexPage.objects.live().order_by("path").first()
    if index is None:
        raise NoticeRefused(
            _("The site has no public notices section to publish in: add one in the page tree.")
        )
    with translation.override("zh-hans"):
        page = NoticePage(
            title=notice.title,
            slug=f"notice-{notice.pk}",
            starts_on=notice.starts_on,
            ends_on=notice.ends_on,
            feedback=notice.feedback,
            body=_page_body(notice, people),
        )
    index.add_child(instance=page)
    # The organizer's right to publish a notice is add_publicnotice, not a page permission:
    # the page is the notice's public side, written by this service alone.
    page.save_revision(user=actor).publish(user=actor, skip_permission_checks=True)
    return page


def _page_body(notice: PublicNotice, people: list[Person]) -> list[tuple[str, object]]:
    verb, target = PROPOSAL[PublicNotice.Kind(notice.kind)]
    basis = (
        "经党员推荐、支部委员会研究"
        if notice.kind == PublicNotice.Kind.CANDIDATE
        else "经支部委员会审查、上级党委预审"
    )
    _, unit = notice_period(notice.kind)
    length = period_length(notice.starts_on, notice.ends_on, unit, _calendar())
    intro = (
        f"<p>{basis}，拟{verb}以下{'' if len(people) == 1 else f'{len(people)}名'}同志{target}，"
        "现予以公示。"
        f"公示期为 {notice.starts_on:%Y年%-m月%-d日} 至 {notice.ends_on:%Y年%-m月%-d日}"
        f"（{length}{UNIT_NAMES[unit]}）。</p>"
    )
    closing = (
        "<p>公示期内，党员和群众可通过下方方式向党组织反映公示对象的情况和问题。"
        "反映问题应实事求是，以个人名义反映的请署真实姓名，以便核实。</p>"
    )
    return [
        ("text", intro),
        ("table", _people_table(notice.kind, people)),
        ("text", closing),
    ]


def _people_table(kind: str, people: list[Person]) -> dict:
    admission = kind == PublicNotice.Kind.ADMISSION
    header = [
        "姓名",
        "性别",
        "民族",
        "出生年月",
        "所在党组织",
        "申请入党时间",
        "确定为入党积极分子时间",
    ]
    if admission:
        header += ["确定为发展对象时间", "入党介绍人"]
    facts = facts_for(people)  # current records only, as the engine reads them
    rows = [header]
    for person in people:
        mine = facts[person.pk]
        applications = mine.of_kind(records.APPLICATION)
        row = [
            person.user.full_name,
            str(person.get_gender_display()) if person.gender else "",
            person.ethnicity,
            f"{person.birth_date:%Y.%m}" if person.birth_date else "",
            person.organization.name,
            _month(applications[0] if applications else None),
            _month(mine.latest(records.ACTIVIST_DECISION)),
        ]
        if admission:
            introducers = mine.latest(records.INTRODUCERS)
            row += [
                _month(mine.latest(records.CANDIDATE_DECISION)),
                "、".join(introducers.details.get("names", [])) if introducers else "",
            ]
        rows.append(row)
    return {
        "data": rows,
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": "",
    }


def _month(record: RecordFact | None) -> str:
    return f"{record.on:%Y.%m}" if record else ""


# --- What the notice drew ---------------------------------------------------------------------------


@transaction.atomic
def record_notice_outcome(
    entry: NoticeEntry, *, outcome: str, note: str, actor: User
) -> DevelopmentRecord:
    """Record what the notice drew for one person (no objection, an objection resolved, or one
    unresolved, which holds the person back): a correction of their notice record, whose
    reason keeps ``note`` — what was raised and how it was looked into. Writes the audit row of
    the outcome (and the correction its own)."""
    if outcome not in records.NOTICE_OUTCOMES:
        raise NoticeRefused(_("Unknown outcome of the public notice."))
    note = note.strip()
    if outcome != "no_objection" and not note:
        raise NoticeRefused(_("Say what was raised and how it was looked into."))
    current = current_record(entry)
    details = {**current.details, "outcome": outcome}
    correction = correct_record(
        current,
        occurred_on=current.occurred_on,
        details=details,
        actor=actor,
        reason=f"{records.NOTICE_OUTCOMES[outcome]}{'：' + note if note else ''}"[:200],
    )
    record_audit(
        Action.NOTICE_OUTCOME,
        actor=actor,
        target=entry,
        label=label_of(entry.person, entry.notice),
        changes={"outcome": [current.details.get("outcome"), outcome]},
        details={"person": entry.person_id, "record": correction.pk, "note": note},
    )
    return correction
