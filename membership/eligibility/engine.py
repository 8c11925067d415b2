"""The eligibility engine (发展条件审查): facts and a date in, checks out (a pure module).

For one person on one date the engine finds the next stage and evaluates every check that a rule
pack lists for it. Eligible means ready for the decision that makes the move (the branch
committee's for activist and candidate, the branch general meeting's for probationary and full
membership). The engine never decides: the decision is a record that people enter, and the
deadlines after it (approval within three months, the oath) are checks of the following gate,
tracked as deadlines, not as preconditions.

The rules are data (`membership/rulepacks/*.toml`, loaded by `packs.py`): each pack entry names
a check type of `CHECK_TYPES` and its parameters. A check type is a small function of the
person's facts as of the date; it returns whether the check is met, the evidence in Chinese,
and a date (when a waiting period is or will be over, or when a deadline falls due).

Only what happened on or before the date counts: records and trainings dated later are left
out, so asking about a past date gives the answer of that date.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from membership import records
from membership.eligibility.dates import (
    EMPTY_CALENDAR,
    WorkCalendar,
    add_months,
    add_years,
    full_months,
    full_years,
    period_length,
)
from membership.eligibility.facts import STAGES, PersonFacts, RecordFact, TrainingFact

BLOCKING = "blocking"
WARNING = "warning"
SEVERITIES = (BLOCKING, WARNING)

# --- Output -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    code: str
    label: str  # Chinese, from the pack
    met: bool
    severity: str  # "blocking" | "warning"
    article: str  # e.g. "第十三条" or "党章第七条"; "" for local practice
    evidence: str  # what was found, in Chinese: dates, record ids, the certificate serial, counts
    due_on: datetime.date | None  # waiting period: the date it is met; deadline: the date it is due
    certain: bool = True  # False where the pack marks the rule as uncertain


@dataclass(frozen=True)
class Eligibility:
    stage: str  # the current stage ("" before applying)
    next_stage: str | None
    on: datetime.date
    rules: str  # the pack id
    eligible: bool  # every blocking check met (warnings never block); False without a next stage
    checks: list[Check]


# --- Rule packs (the model that packs.py loads files into) --------------------------------------

# Keys of a pack entry that describe the check; every other key is a parameter of its type.
ENTRY_KEYS = ("code", "stage", "type", "label", "severity", "article", "certain", "note", "changed")


@dataclass(frozen=True)
class CheckSpec:
    """One entry of a rule pack: which check, for which gate, with which parameters.

    `stage` is the stage the gate leads to. `certain` is False where the pack cannot confirm the
    rule or its article from the regulation's text; `note` says why. `changed` says what a
    revision changed relative to the pack it extends ("" when the rule was inherited as it was).
    """

    code: str
    stage: str
    type: str
    label: str
    severity: str
    article: str
    certain: bool = True
    params: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    changed: str = ""

    def entry(self) -> dict[str, Any]:
        """The entry as a pack file writes it (descriptive keys and parameters side by side)."""
        return {
            "code": self.code,
            "stage": self.stage,
            "type": self.type,
            "label": self.label,
            "severity": self.severity,
            "article": self.article,
            "certain": self.certain,
            "note": self.note,
            "changed": self.changed,
            **self.params,
        }


@dataclass(frozen=True)
class RulePack:
    """A versioned set of checks, with the holiday calendar its working days are counted by."""

    id: str
    title: str
    checks: tuple[CheckSpec, ...]
    calendar: WorkCalendar = EMPTY_CALENDAR
    extends: str = ""
    source: str = ""

    def checks_for(self, stage: str) -> list[CheckSpec]:
        return [spec for spec in self.checks if spec.stage == stage]

    def check(self, code: str) -> CheckSpec:
        for spec in self.checks:
            if spec.code == code:
                return spec
        raise KeyError(code)


# --- What the check types see -------------------------------------------------------------------


@dataclass(frozen=True)
class Situation:
    """The facts of one person as of one date, with the calendar to count working days by."""

    facts: PersonFacts
    on: datetime.date
    calendar: WorkCalendar

    def records(self, kind: str) -> list[RecordFact]:
        """Records of `kind` dated on or before the date, oldest first."""
        return [r for r in self.facts.of_kind(kind) if r.on <= self.on]

    def latest(self, kind: str) -> RecordFact | None:
        found = self.records(kind)
        return found[-1] if found else None

    def anchor(self, kind: str) -> RecordFact | None:
        """The latest record of `kind` that a period runs from: a review or approval recorded
        as not passed starts nothing; a record that does not say counts."""
        found = [r for r in self.records(kind) if r.details.get("passed") is not False]
        return found[-1] if found else None


@dataclass(frozen=True)
class Outcome:
    met: bool
    evidence: str
    due_on: datetime.date | None = None


# Chinese names of the record kinds, for evidence (records.KINDS holds the English msgids).
KIND_NAMES = {
    records.APPLICATION: "入党申请",
    records.TALK: "谈话",
    records.PARTY_RECOMMENDATION: "党员推荐",
    records.LEAGUE_RECOMMENDATION: "团组织推优",
    records.ACTIVIST_DECISION: "确定为入党积极分子",
    records.MENTORS: "指定培养联系人",
    records.ASSESSMENT: "培养考察",
    records.THOUGHT_REPORT: "思想汇报",
    records.TRAINING: "培训记录",
    records.CANDIDATE_NOTICE: "发展对象公示",
    records.CANDIDATE_DECISION: "确定为发展对象",
    records.INTRODUCERS: "确定入党介绍人",
    records.POLITICAL_REVIEW: "政治审查",
    records.PRE_REVIEW: "基层党委预审",
    records.ADMISSION_NOTICE: "接收预备党员公示",
    records.ADMISSION_MEETING: "支部大会讨论接收预备党员",
    records.ADMISSION_APPROVAL: "上级党委审批接收预备党员",
    records.OATH: "入党宣誓",
    records.PROBATION_EXTENSION: "延长预备期",
    records.FULL_MEMBERSHIP_APPLICATION: "转正申请",
    records.FULL_MEMBERSHIP_MEETING: "支部大会讨论转正",
    records.FULL_MEMBERSHIP_APPROVAL: "上级党委审批转正",
    records.ARCHIVED: "入党材料归档",
}
AUDIENCE_NAMES = {"activist": "入党积极分子培训", "candidate": "发展对象集中培训"}
UNIT_NAMES = {"working_days": "个工作日", "days": "天"}
OUTCOME_NAMES = {
    "no_objection": "无异议",
    "objection_resolved": "有异议，已解决",
    "objection_unresolved": "有异议，尚未解决",
}


def _kind(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)


def _cite(record: RecordFact) -> str:
    """ "入党申请 2025-03-01（记录 #12）": what a record is, its date and its id."""
    text = f"{_kind(record.kind)} {record.on}"
    return f"{text}（记录 #{record.id}）" if record.id is not None else text


def _number(value: Any) -> Decimal | None:
    """A decimal from pack or record data; None when it is missing or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _plain(value: Decimal) -> str:
    """24.00 → "24", 23.5 → "23.5" (never "1E+2")."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _whole(value: Any) -> int | None:
    """An integer from record data (bool and fractions are not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _date(value: Any) -> datetime.date | None:
    """A date from record data (an ISO string, as JSON holds it); None when it is not one."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- Check types --------------------------------------------------------------------------------
#
# Each takes the situation and the entry's parameters (validated when the pack was loaded, see
# CHECK_TYPES) and returns an Outcome. Parameters that name record kinds hold kinds of
# membership.records.


def min_age(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """At least `years` full years old on the date. due_on: the birthday it is reached on."""
    years = params["years"]
    birth = situation.facts.birth_date
    if birth is None:
        return Outcome(False, "未登记出生日期")
    reached = add_years(birth, years)
    age = max(full_years(birth, situation.on), 0)
    if situation.on >= reached:
        return Outcome(True, f"出生日期 {birth}，{situation.on} 时 {age} 周岁", reached)
    return Outcome(
        False,
        f"出生日期 {birth}，{situation.on} 时 {age} 周岁，{reached} 年满 {years} 周岁",
        reached,
    )


def waiting_period(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """`months` months have passed since the latest `since` record; met on the day they end
    ("一年以上" includes the day one year later). due_on: that day."""
    since, months = params["since"], params["months"]
    start = situation.anchor(since)
    if start is None:
        return Outcome(False, f"未登记{_kind(since)}")
    ends = add_months(start.on, months)
    if situation.on >= ends:
        return Outcome(True, f"{_cite(start)}，{ends} 满 {months} 个月", ends)
    return Outcome(False, f"{_cite(start)}，{ends} 方满 {months} 个月", ends)


def deadline(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """A `record` within `months` months of the latest `since` record. Met while it is not yet
    due, and when the record came in time; unmet when it came late or is still missing after
    the due date. Nothing is due before the `since` record exists. A review or approval
    recorded as not passed neither starts nor meets a deadline. due_on: the due date."""
    since, kind, months = params["since"], params["record"], params["months"]
    start = situation.anchor(since)
    if start is None:
        return Outcome(True, f"尚未登记{_kind(since)}，期限未起算")
    due = add_months(start.on, months)
    done = [
        r
        for r in situation.records(kind)
        if r.on >= start.on and r.details.get("passed") is not False
    ]
    if done:
        first = done[0]
        if first.on <= due:
            return Outcome(True, f"{_cite(start)}，{_cite(first)}，期限 {due}", due)
        return Outcome(False, f"{_cite(start)}，{_cite(first)}，已超过期限 {due}", due)
    if situation.on <= due:
        return Outcome(True, f"{_cite(start)}，应于 {due} 前完成{_kind(kind)}，尚未登记", due)
    return Outcome(False, f"{_cite(start)}，应于 {due} 前完成{_kind(kind)}，已逾期，尚未登记", due)


def record_required(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """A record of one of `kinds` is on file (dated on or after the latest `since` record, when
    `since` is given and on file)."""
    kinds = params["kinds"]
    start = situation.anchor(params["since"]) if "since" in params else None
    found = sorted(
        (r for kind in kinds for r in situation.records(kind) if start is None or r.on >= start.on),
        key=lambda r: r.on,
    )
    if found:
        return Outcome(True, "；".join(_cite(r) for r in found))
    wanted = "或".join(_kind(kind) for kind in kinds)
    after = f"（{_cite(start)}之后）" if start is not None else ""
    return Outcome(False, f"未登记{wanted}{after}")


def names_count(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """The latest `record` names between `min` and `max` distinct people."""
    kind, least, most = params["record"], params["min"], params["max"]
    latest = situation.latest(kind)
    if latest is None:
        return Outcome(False, f"未登记{_kind(kind)}")
    raw = latest.details.get("names")
    names = (
        list(dict.fromkeys(str(n).strip() for n in raw if str(n).strip()))
        if isinstance(raw, list)
        else []
    )
    listed = "、".join(names) if names else "未填写姓名"
    wanted = f"{least} 名" if least == most else f"{least} 至 {most} 名"
    met = least <= len(names) <= most
    verdict = "" if met else f"，应为 {wanted}"
    return Outcome(met, f"{_cite(latest)}：{listed}（{len(names)} 名）{verdict}")


def league_recommendation(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """League members under `under_age` on the date need a `record` (推优). Without a birth
    date the rule is taken to apply: missing data should not waive it."""
    kind, under_age = params["record"], params["under_age"]
    facts = situation.facts
    if not facts.is_league_member:
        return Outcome(True, "非共青团员，不适用")
    if facts.birth_date is not None:
        age = full_years(facts.birth_date, situation.on)
        if age >= under_age:
            return Outcome(
                True, f"共青团员，{situation.on} 时 {age} 周岁，已满 {under_age} 周岁，不适用"
            )
        who = f"共青团员，{situation.on} 时 {age} 周岁"
    else:
        who = "共青团员，未登记出生日期"
    latest = situation.latest(kind)
    if latest is None:
        return Outcome(False, f"{who}，未登记{_kind(kind)}")
    return Outcome(True, f"{who}，{_cite(latest)}")


def periodic_records(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """One `record` for every full `every_months` months since the latest `since` record
    (records dated after it are counted). due_on, when one is missing: the day the first
    missing one fell due."""
    since, kind, every = params["since"], params["record"], params["every_months"]
    start = situation.anchor(since)
    if start is None:
        return Outcome(False, f"未登记{_kind(since)}")
    found = [r for r in situation.records(kind) if r.on > start.on]
    needed = max(full_months(start.on, situation.on), 0) // every
    listed = "、".join(f"{r.on}" + (f"（#{r.id}）" if r.id is not None else "") for r in found)
    counted = f"已有 {len(found)} 次" + (f"：{listed}" if found else "")
    if needed == 0:
        return Outcome(
            True, f"{_cite(start)}，未满 {every} 个月，尚无应有的{_kind(kind)}；{counted}"
        )
    if len(found) >= needed:
        return Outcome(True, f"{_cite(start)}，应有{_kind(kind)} {needed} 次，{counted}")
    first_missing = add_months(start.on, every * (len(found) + 1))
    return Outcome(
        False, f"{_cite(start)}，应有{_kind(kind)} {needed} 次，{counted}", first_missing
    )


def public_notice(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """The latest `record` notice ran from its date to details["ends_on"], at least `period`
    working days (or calendar days, with unit = "days"; both ends count), is over, and left no
    unresolved objection. A notice is over the day after it ends: a decision taken on its last
    day would be taken while objections may still come in. A notice with no outcome on file is
    taken to have drawn none (the evidence says so). due_on: the first day a decision may be
    taken."""
    kind, period = params["record"], params.get("period")
    unit = params.get("unit", "working_days")
    notice = situation.latest(kind)
    if notice is None:
        return Outcome(False, f"未登记{_kind(kind)}")
    ends_on = _date(notice.details.get("ends_on"))
    if ends_on is None:
        return Outcome(False, f"{_cite(notice)}，未登记有效的公示截止日期")
    if ends_on < notice.on:
        return Outcome(False, f"{_cite(notice)}，截止日期 {ends_on} 早于开始日期")
    length = period_length(notice.on, ends_on, unit, situation.calendar)
    text = f"{_kind(kind)} {notice.on} 至 {ends_on}" + (
        f"（记录 #{notice.id}）" if notice.id is not None else ""
    )
    text += f"，共 {length} {UNIT_NAMES[unit]}"
    if unit == "working_days":
        missing = situation.calendar.missing_years(notice.on, ends_on)
        if missing:
            years = "、".join(str(year) for year in missing)
            text += f"（{years} 年节假日安排未录入，按周一至周五计算）"
    if period is not None and length < period:
        return Outcome(False, f"{text}，少于 {period} {UNIT_NAMES[unit]}")
    decide_from = ends_on + datetime.timedelta(days=1)
    if situation.on < decide_from:
        return Outcome(False, f"{text}，公示尚未期满，{decide_from} 起可作决定", decide_from)
    outcome = notice.details.get("outcome")
    if outcome == "objection_unresolved":
        return Outcome(False, f"{text}，{OUTCOME_NAMES[outcome]}", decide_from)
    said = (
        OUTCOME_NAMES.get(outcome, "未登记公示结果")
        if isinstance(outcome, str)
        else "未登记公示结果"
    )
    return Outcome(True, f"{text}，{said}", decide_from)


def _training_name(fact: TrainingFact) -> str:
    """The certificate serial, or the imported record's id."""
    if fact.serial:
        return f"结业证书 {fact.serial}"
    if fact.record_id is not None:
        return f"培训记录 #{fact.record_id}"
    return "培训"


def _training_summary(fact: TrainingFact) -> str:
    parts = [fact.title] if fact.title else []
    parts.append(f"{fact.completed_on} 结业")
    if fact.hours:
        parts.append(f"{_plain(fact.hours)} 学时")
    if fact.days:
        parts.append(f"{fact.days} 天")
    if fact.grade is not None:
        parts.append(f"成绩 {_plain(fact.grade)}")
    return f"{_training_name(fact)}（{'，'.join(parts)}）"


def training(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """A training for `audience` completed on or before the date: a certificate of this school
    or an imported record (both are facts.trainings). With `min_hours` and/or `min_days`, it
    lasted at least that many study hours or that many days (either suffices); with
    `min_grade`, its grade is at least that, when the grade is known."""
    audience = params["audience"]
    min_hours, min_days = _number(params.get("min_hours")), params.get("min_days")
    min_grade = _number(params.get("min_grade"))
    mine = [t for t in situation.facts.trainings if t.audience == audience]
    if not mine:
        return Outcome(False, f"未登记{AUDIENCE_NAMES.get(audience, audience)}")
    shortfalls = []
    for candidate in sorted(mine, key=lambda t: t.completed_on):
        problems = []
        if candidate.completed_on > situation.on:
            problems.append(f"{situation.on} 时尚未结业")
        if min_hours is not None or min_days is not None:
            long_enough = (min_hours is not None and candidate.hours >= min_hours) or (
                min_days is not None and candidate.days >= min_days
            )
            if not long_enough:
                wanted = []
                if min_hours is not None:
                    wanted.append(f"不少于 {_plain(min_hours)} 学时")
                if min_days is not None:
                    wanted.append(f"不少于 {min_days} 天")
                problems.append(f"培训时间不足（应{'或'.join(wanted)}）")
        if min_grade is not None and candidate.grade is not None and candidate.grade < min_grade:
            problems.append(f"成绩低于 {_plain(min_grade)}")
        if not problems:
            return Outcome(True, _training_summary(candidate))
        shortfalls.append(f"{_training_summary(candidate)}：{'，'.join(problems)}")
    return Outcome(False, "；".join(shortfalls))


def passed(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """The latest `record` says passed = true. None on file, or failed, is unmet."""
    kind = params["record"]
    latest = situation.latest(kind)
    if latest is None:
        return Outcome(False, f"未登记{_kind(kind)}")
    verdict = latest.details.get("passed")
    if verdict is True:
        return Outcome(True, f"{_cite(latest)}，通过")
    if verdict is False:
        return Outcome(False, f"{_cite(latest)}，未通过")
    return Outcome(False, f"{_cite(latest)}，未登记结论")


def _extensions(situation: Situation, kind: str, start: RecordFact | None) -> list[RecordFact]:
    return [r for r in situation.records(kind) if start is None or r.on >= start.on]


def probation(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """`months` months of probation from the latest `since` record (the admission meeting),
    plus the months of the first `extension` after it: only one extension can count, and an
    improper one is the `extension_limit` check's to flag. due_on: the day probation ends."""
    since, months, kind = params["since"], params["months"], params["extension"]
    start = situation.anchor(since)
    if start is None:
        return Outcome(False, f"未登记{_kind(since)}")
    text = f"{_cite(start)}，预备期 {months} 个月"
    extensions = _extensions(situation, kind, start)
    total = months
    if extensions:
        extra = _whole(extensions[0].details.get("months")) or 0
        total += extra
        text += f"，{_cite(extensions[0])}延长 {extra} 个月"
    ends = add_months(start.on, total)
    if situation.on >= ends:
        return Outcome(True, f"{text}，{ends} 期满", ends)
    return Outcome(False, f"{text}，{ends} 方满", ends)


def extension_limit(situation: Situation, params: Mapping[str, Any]) -> Outcome:
    """At most `max_count` `record`s (extensions of probation), each of `min_months` to
    `max_months` months."""
    kind, least, most = params["record"], params["min_months"], params["max_months"]
    max_count = params["max_count"]
    extensions = _extensions(situation, kind, situation.anchor(params["since"]))
    if not extensions:
        return Outcome(True, f"未{_kind(kind)}")
    problems = []
    if len(extensions) > max_count:
        problems.append(f"共 {len(extensions)} 次，最多 {max_count} 次")
    listed = []
    for extension in extensions:
        months = _whole(extension.details.get("months"))
        listed.append(f"{_cite(extension)} {months if months is not None else '未填写'} 个月")
        if months is None or not least <= months <= most:
            problems.append(f"{_cite(extension)}延长月数应为 {least} 至 {most} 个月")
    text = "；".join(listed)
    if problems:
        return Outcome(False, f"{text}。{'；'.join(problems)}")
    return Outcome(True, text)


# --- The registry -------------------------------------------------------------------------------

AUDIENCES = ("activist", "candidate")
UNITS = tuple(UNIT_NAMES)


def _is_kind(value: Any) -> bool:
    return isinstance(value, str) and value in records.KINDS


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# What a parameter of each kind may hold, and how a pack error describes it.
PARAM_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "kind": (_is_kind, "a record kind of membership.records"),
    "kinds": (
        lambda v: isinstance(v, list | tuple) and bool(v) and all(_is_kind(k) for k in v),
        "a non-empty list of record kinds of membership.records",
    ),
    "count": (_is_count, "a whole number, 0 or more"),
    "positive": (lambda v: _is_count(v) and v > 0, "a whole number, 1 or more"),
    "number": (
        lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v >= 0,
        "a number, 0 or more",
    ),
    "audience": (lambda v: v in AUDIENCES, f"one of {', '.join(AUDIENCES)}"),
    "unit": (lambda v: v in UNITS, f"one of {', '.join(UNITS)}"),
}


@dataclass(frozen=True)
class CheckType:
    """A check function and the parameters a pack entry gives it (name → PARAM_KINDS key)."""

    evaluate: Callable[[Situation, Mapping[str, Any]], Outcome]
    required: Mapping[str, str]
    optional: Mapping[str, str] = field(default_factory=dict)


CHECK_TYPES: dict[str, CheckType] = {
    "min_age": CheckType(min_age, {"years": "positive"}),
    "waiting_period": CheckType(waiting_period, {"since": "kind", "months": "positive"}),
    "deadline": CheckType(deadline, {"since": "kind", "record": "kind", "months": "positive"}),
    "record_required": CheckType(record_required, {"kinds": "kinds"}, {"since": "kind"}),
    "names_count": CheckType(names_count, {"record": "kind", "min": "count", "max": "count"}),
    "league_recommendation": CheckType(
        league_recommendation, {"record": "kind", "under_age": "positive"}
    ),
    "periodic_records": CheckType(
        periodic_records, {"since": "kind", "record": "kind", "every_months": "positive"}
    ),
    "public_notice": CheckType(
        public_notice, {"record": "kind"}, {"period": "positive", "unit": "unit"}
    ),
    "training": CheckType(
        training,
        {"audience": "audience"},
        {"min_hours": "number", "min_days": "positive", "min_grade": "number"},
    ),
    "passed": CheckType(passed, {"record": "kind"}),
    "probation": CheckType(probation, {"since": "kind", "months": "positive", "extension": "kind"}),
    "extension_limit": CheckType(
        extension_limit,
        {
            "since": "kind",
            "record": "kind",
            "min_months": "positive",
            "max_months": "positive",
            "max_count": "positive",
        },
    ),
}


# --- The engine ---------------------------------------------------------------------------------


def next_stage_after(stage: str) -> str | None:
    """The stage after `stage` ("" → "applicant"); None for a full member."""
    if stage == "":
        return STAGES[0]
    if stage not in STAGES:
        raise ValueError(f"Unknown stage: {stage!r}")
    index = STAGES.index(stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def evaluate(spec: CheckSpec, situation: Situation) -> Check:
    """One pack entry, evaluated."""
    outcome = CHECK_TYPES[spec.type].evaluate(situation, spec.params)
    return Check(
        code=spec.code,
        label=spec.label,
        met=outcome.met,
        severity=spec.severity,
        article=spec.article,
        evidence=outcome.evidence,
        due_on=outcome.due_on,
        certain=spec.certain,
    )


def eligibility(facts: PersonFacts, *, on: datetime.date, pack: RulePack) -> Eligibility:
    """Whether the person is ready, on `on`, for the decision that moves them to the next stage,
    with every check of the pack's gate for that stage.

    A full member has no next stage: not eligible, and no checks (what follows full membership,
    such as archiving the materials, is bookkeeping rather than a gate). Raises ValueError for
    a stage that is not one of facts.STAGES.
    """
    target = next_stage_after(facts.stage)
    if target is None:
        return Eligibility(facts.stage, None, on, pack.id, eligible=False, checks=[])
    situation = Situation(facts, on, pack.calendar)
    checks = [evaluate(spec, situation) for spec in pack.checks_for(target)]
    eligible = all(check.met for check in checks if check.severity == BLOCKING)
    return Eligibility(facts.stage, target, on, pack.id, eligible=eligible, checks=checks)


# --- The meeting record -------------------------------------------------------------------------


def meeting_problems(details: Mapping[str, Any]) -> list[str]:
    """What is wrong with the counts of a branch general meeting (admission or full membership),
    in Chinese; [] when the record shows a valid resolution.

    Rules (细则 on the branch general meeting): the voting members present must be more than
    half of those entitled to attend; the votes in favour must be more than half of those
    entitled (not of those present); absentees' written opinions count as votes. So the votes
    cast can be at most those present plus the written opinions, and written opinions come
    only from absentees. This is not an eligibility check: it validates the record of the
    decision.
    """
    problems: list[str] = []
    names = {
        "entitled": "应到会有表决权的正式党员人数",
        "present": "实到会有表决权的正式党员人数",
        "votes_for": "赞成票数",
        "votes_against": "反对票数",
        "abstentions": "弃权票数",
        "written_opinions": "书面意见数",
    }
    counts: dict[str, int] = {}
    for key, name in names.items():
        value = details.get(key)
        if value is None:
            if key in ("entitled", "present", "votes_for"):
                problems.append(f"未填写{name}")
            counts[key] = 0
        elif not _is_count(value):
            problems.append(f"{name}应为不小于 0 的整数")
            counts[key] = 0
        else:
            counts[key] = value
    if problems:
        return problems
    entitled, present = counts["entitled"], counts["present"]
    if entitled == 0:
        return ["应到会有表决权的正式党员人数应大于 0"]
    if present > entitled:
        problems.append(f"实到人数（{present}）多于应到人数（{entitled}）")
    if present * 2 <= entitled:
        problems.append(
            f"有表决权的到会人数（{present}）未超过应到会有表决权人数（{entitled}）的半数"
        )
    if counts["votes_for"] * 2 <= entitled:
        problems.append(
            f"赞成票（{counts['votes_for']}）未超过应到会有表决权的正式党员人数（{entitled}）的半数"
        )
    absent = max(entitled - present, 0)
    if counts["written_opinions"] > absent:
        problems.append(f"书面意见数（{counts['written_opinions']}）多于未到会人数（{absent}）")
    cast = counts["votes_for"] + counts["votes_against"] + counts["abstentions"]
    allowed = present + counts["written_opinions"]
    if cast > allowed:
        problems.append(
            f"赞成、反对、弃权票合计（{cast}）多于到会人数与书面意见数之和（{allowed}）"
        )
    return problems
