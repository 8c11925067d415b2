"""The kinds of development records (发展记录) and what each one holds (a pure module).

A record is dated, attributed and never edited: a correction is a new record that supersedes
the old one. ``details`` is a small dict whose keys depend on the kind (``DETAIL_KEYS``).
Decisions that move a person to the next stage are records too (``DECISION_FOR_STAGE``).
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

APPLICATION = "application"  # 入党申请
TALK = "talk"  # 党组织派人谈话
PARTY_RECOMMENDATION = "party_recommendation"  # 党员推荐
LEAGUE_RECOMMENDATION = "league_recommendation"  # 团组织推优
ACTIVIST_DECISION = "activist_decision"  # 确定为入党积极分子 (branch committee)
MENTORS = "mentors"  # 指定培养联系人
ASSESSMENT = "assessment"  # 培养考察 (every six months)
THOUGHT_REPORT = "thought_report"  # 思想汇报
TRAINING = "training"  # a training completed outside the online school (imported record)
CANDIDATE_NOTICE = "candidate_notice"  # 公示 before being listed as a development candidate
CANDIDATE_DECISION = "candidate_decision"  # 确定为发展对象 (branch committee)
INTRODUCERS = "introducers"  # 入党介绍人
POLITICAL_REVIEW = "political_review"  # 政治审查 conclusion
PRE_REVIEW = "pre_review"  # 预审 by the higher committee
ADMISSION_NOTICE = "admission_notice"  # 公示 before admission
ADMISSION_MEETING = "admission_meeting"  # 支部大会 on admission (makes a probationary member)
ADMISSION_APPROVAL = "admission_approval"  # 上级党委审批
OATH = "oath"  # 入党宣誓
PROBATION_EXTENSION = "probation_extension"  # 延长预备期
FULL_MEMBERSHIP_APPLICATION = "full_membership_application"  # 转正申请
FULL_MEMBERSHIP_MEETING = "full_membership_meeting"  # 支部大会 on full membership
FULL_MEMBERSHIP_APPROVAL = "full_membership_approval"  # 上级党委审批转正
ARCHIVED = "archived"  # 入党材料归档

KINDS = {
    APPLICATION: _("Application for membership"),
    TALK: _("Talk with the applicant"),
    PARTY_RECOMMENDATION: _("Recommendation by party members"),
    LEAGUE_RECOMMENDATION: _("Youth League recommendation"),
    ACTIVIST_DECISION: _("Decision: activist"),
    MENTORS: _("Mentors assigned"),
    ASSESSMENT: _("Half-yearly assessment"),
    THOUGHT_REPORT: _("Thought report"),
    TRAINING: _("Training completed (record)"),
    CANDIDATE_NOTICE: _("Public notice: development candidate"),
    CANDIDATE_DECISION: _("Decision: development candidate"),
    INTRODUCERS: _("Introducers"),
    POLITICAL_REVIEW: _("Political review"),
    PRE_REVIEW: _("Pre-review by the higher committee"),
    ADMISSION_NOTICE: _("Public notice: admission"),
    ADMISSION_MEETING: _("Branch general meeting: admission"),
    ADMISSION_APPROVAL: _("Committee approval: admission"),
    OATH: _("Oath"),
    PROBATION_EXTENSION: _("Probation extended"),
    FULL_MEMBERSHIP_APPLICATION: _("Application for full membership"),
    FULL_MEMBERSHIP_MEETING: _("Branch general meeting: full membership"),
    FULL_MEMBERSHIP_APPROVAL: _("Committee approval: full membership"),
    ARCHIVED: _("Materials archived"),
}

# What ``details`` may hold for each kind, and of which type. Absent keys are allowed.
#   names      list of person names (mentors: 1-2; introducers: 2; recommenders)
#   passed     bool (political review, pre-review, approvals)
#   ends_on    ISO date (a public notice runs from the record's date to ends_on)
#   outcome    "no_objection" | "objection_resolved" | "objection_unresolved" (notices)
#   entitled   int: voting full members who should attend (meetings)
#   present    int: voting full members present
#   votes_for, votes_against, abstentions   int
#   written_opinions   int: absentees' written opinions counted
#   secret_ballot      bool
#   months     int: a probation extension (6 to 12)
#   audience   "activist" | "candidate": whom a training trains (TRAINING)
#   hours      str decimal: study hours (TRAINING)
#   days       int: days of concentrated training (TRAINING)
#   title      str: a training's or a report's title
#   grade      str decimal: a training's exam or final grade (TRAINING)
#   note       str: free text
DETAIL_KEYS: dict[str, dict[str, type]] = {
    APPLICATION: {"note": str},
    TALK: {"names": list, "note": str},
    PARTY_RECOMMENDATION: {"names": list, "note": str},
    LEAGUE_RECOMMENDATION: {"note": str},
    ACTIVIST_DECISION: {"note": str},
    MENTORS: {"names": list, "note": str},
    ASSESSMENT: {"note": str},
    THOUGHT_REPORT: {"title": str, "note": str},
    TRAINING: {"audience": str, "hours": str, "days": int, "title": str, "grade": str, "note": str},
    CANDIDATE_NOTICE: {"ends_on": str, "outcome": str, "note": str},
    CANDIDATE_DECISION: {"note": str},
    INTRODUCERS: {"names": list, "note": str},
    POLITICAL_REVIEW: {"passed": bool, "note": str},
    PRE_REVIEW: {"passed": bool, "note": str},
    ADMISSION_NOTICE: {"ends_on": str, "outcome": str, "note": str},
    ADMISSION_MEETING: {
        "entitled": int,
        "present": int,
        "votes_for": int,
        "votes_against": int,
        "abstentions": int,
        "written_opinions": int,
        "secret_ballot": bool,
        "note": str,
    },
    ADMISSION_APPROVAL: {"passed": bool, "note": str},
    OATH: {"note": str},
    PROBATION_EXTENSION: {"months": int, "note": str},
    FULL_MEMBERSHIP_APPLICATION: {"note": str},
    FULL_MEMBERSHIP_MEETING: {
        "entitled": int,
        "present": int,
        "votes_for": int,
        "votes_against": int,
        "abstentions": int,
        "written_opinions": int,
        "secret_ballot": bool,
        "note": str,
    },
    FULL_MEMBERSHIP_APPROVAL: {"passed": bool, "note": str},
    ARCHIVED: {"note": str},
}

NOTICE_OUTCOMES = {
    "no_objection": _("No objection"),
    "objection_resolved": _("Objection resolved"),
    "objection_unresolved": _("Objection unresolved"),
}

# The record that, entered, moves a person into each stage (the decision of DESIGN.md).
DECISION_FOR_STAGE = {
    "applicant": APPLICATION,
    "activist": ACTIVIST_DECISION,
    "candidate": CANDIDATE_DECISION,
    "probationary": ADMISSION_MEETING,
    "member": FULL_MEMBERSHIP_MEETING,
}


def summary(details: Mapping[str, Any]) -> str:
    """A record's details as one line for people, in the active language."""
    parts = []
    if details.get("names"):
        parts.append("、".join(details["names"]))
    if "passed" in details:
        parts.append(str(_("passed")) if details["passed"] else str(_("not passed")))
    if details.get("ends_on"):
        parts.append(str(_("until %(date)s")) % {"date": details["ends_on"]})
    if details.get("outcome"):
        parts.append(str(NOTICE_OUTCOMES.get(details["outcome"], details["outcome"])))
    if "entitled" in details:
        parts.append(
            str(
                _(
                    "%(entitled)s should attend, %(present)s present, %(for)s for, %(against)s against"
                )
            )
            % {
                "entitled": details["entitled"],
                "present": details.get("present", "—"),
                "for": details.get("votes_for", "—"),
                "against": details.get("votes_against", "—"),
            }
        )
    for key, unit in (
        ("months", _("%(n)s months")),
        ("hours", _("%(n)s study hours")),
        ("days", _("%(n)s days")),
    ):
        if details.get(key):
            parts.append(str(unit) % {"n": details[key]})
    if details.get("grade"):
        parts.append(str(_("grade %(grade)s")) % {"grade": details["grade"]})
    parts += [str(details[key]) for key in ("title", "note") if details.get(key)]
    return "；".join(parts)
