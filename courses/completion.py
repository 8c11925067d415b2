"""Whether a learner has completed a course, by its completion policy (a pure module).

The policy says which conditions apply; the facts say what the learner did. Each condition
comes back with a code, whether it is met and what was found, so a learner and an organizer
see exactly what is missing.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rules:
    require_lessons: bool = True
    min_hours: Decimal = Decimal(0)
    has_exam: bool = False
    require_exam_pass: bool = True
    weighted_grade: bool = False
    exam_weight: Decimal = Decimal(70)
    attendance_weight: Decimal = Decimal(10)
    essay_weight: Decimal = Decimal(20)
    pass_mark: Decimal = Decimal(60)
    require_essay: bool = False
    essay_pass_mark: Decimal = Decimal(60)
    require_signoff: bool = False


@dataclass(frozen=True)
class Facts:
    lessons_done: int = 0
    lessons_total: int = 0
    hours_earned: Decimal = Decimal(0)
    exam_percent: Decimal | None = None  # the best graded attempt, out of 100
    exam_passed: bool = False
    attendance: Decimal | None = None  # out of 100
    essay_submitted: bool = False
    essay_score: Decimal | None = None  # out of 100, once graded
    signed_off: bool = False


@dataclass(frozen=True)
class Condition:
    code: str
    label: str
    met: bool
    detail: str


@dataclass(frozen=True)
class Evaluation:
    conditions: list[Condition]
    final_grade: Decimal | None

    @property
    def complete(self) -> bool:
        return bool(self.conditions) and all(condition.met for condition in self.conditions)

    @property
    def missing(self) -> list[Condition]:
        return [condition for condition in self.conditions if not condition.met]


def final_grade(rules: Rules, facts: Facts) -> Decimal | None:
    """The weighted grade when the policy has one and every weighted mark is in; else the exam's."""
    if not rules.weighted_grade:
        return facts.exam_percent
    parts = [
        (rules.exam_weight, facts.exam_percent),
        (rules.attendance_weight, facts.attendance),
        (rules.essay_weight, facts.essay_score),
    ]
    if any(weight and mark is None for weight, mark in parts):
        return None
    total = sum((weight * (mark or 0) for weight, mark in parts), Decimal(0)) / HUNDRED
    return total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def evaluate(rules: Rules, facts: Facts) -> Evaluation:
    conditions: list[Condition] = []
    if rules.require_lessons:
        conditions.append(
            Condition(
                "lessons",
                _("Every lesson complete"),
                facts.lessons_total > 0 and facts.lessons_done >= facts.lessons_total,
                _("%(done)d of %(total)d lessons")
                % {"done": facts.lessons_done, "total": facts.lessons_total},
            )
        )
    if rules.min_hours:
        conditions.append(
            Condition(
                "hours",
                _("Study hours reached"),
                facts.hours_earned >= rules.min_hours,
                _("%(earned)s of %(required)s hours")
                % {"earned": facts.hours_earned, "required": rules.min_hours},
            )
        )
    if rules.has_exam and rules.require_exam_pass:
        score = "-" if facts.exam_percent is None else f"{facts.exam_percent:.1f}"
        conditions.append(
            Condition(
                "exam",
                _("Final exam passed"),
                facts.exam_passed,
                _("best score %(score)s") % {"score": score},
            )
        )
    grade = final_grade(rules, facts)
    if rules.weighted_grade:
        conditions.append(
            Condition(
                "grade",
                _("Final grade reaches the pass mark"),
                grade is not None and grade >= rules.pass_mark,
                _("grade %(grade)s, pass mark %(mark)s")
                % {"grade": "-" if grade is None else grade, "mark": rules.pass_mark},
            )
        )
    if rules.require_essay:
        graded = facts.essay_score is not None
        if rules.weighted_grade:
            met = graded  # its mark counts in the weighted grade
        else:
            met = facts.essay_score is not None and facts.essay_score >= rules.essay_pass_mark

        detail = (
            _("graded %(score)s") % {"score": facts.essay_score}
            if graded
            else _("submitted, not graded yet")
            if facts.essay_submitted
            else _("not submitted")
        )
        conditions.append(Condition("essay", _("Reflection essay graded"), met, detail))
    if rules.require_signoff:
        conditions.append(
            Condition(
                "signoff",
                _("Signed off by an organizer"),
                facts.signed_off,
                _("signed off") if facts.signed_off else _("not yet"),
            )
        )
    return Evaluation(conditions=conditions, final_grade=grade)
