"""Whether a learner has completed a course, by its completion policy (a pure module).

The policy says which conditions apply; the facts say what the learner did. Each condition
comes back with a code, whether it is met and what was found, so a learner and an organizer
see exactly what is missing.
"""

from dataclasses import dataclass, replace
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
    exam_awaiting_grading: bool = False  # an attempt is handed in, its short answers not graded


# Who has to act for an unmet condition, so the learner knows whether to study, wait or ask.
LEARNER = "learner"
INSTRUCTOR = "instructor"  # grades short answers and essays
ORGANIZER = "organizer"  # marks attendance, signs off


@dataclass(frozen=True)
class Condition:
    code: str
    label: str
    met: bool
    detail: str
    waiting_on: str = ""  # LEARNER, INSTRUCTOR or ORGANIZER while unmet; "" once met


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
                LEARNER,
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
                LEARNER,
            )
        )
    if rules.has_exam and rules.require_exam_pass:
        if facts.exam_percent is not None:
            detail = _("best score %(score)s") % {"score": f"{facts.exam_percent:.1f}"}
        elif facts.exam_awaiting_grading:
            detail = _("handed in, the short answers are being graded")
        else:
            detail = _("not sat yet")
        conditions.append(
            Condition(
                "exam",
                _("Final exam passed"),
                facts.exam_passed,
                detail,
                INSTRUCTOR
                if facts.exam_awaiting_grading and facts.exam_percent is None
                else LEARNER,
            )
        )
    grade = final_grade(rules, facts)
    if rules.weighted_grade:
        conditions.append(_grade_condition(rules, facts, grade))
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
        conditions.append(
            Condition(
                "essay",
                _("Reflection essay graded"),
                met,
                detail,
                INSTRUCTOR if facts.essay_submitted and not graded else LEARNER,
            )
        )
    if rules.require_signoff:
        conditions.append(
            Condition(
                "signoff",
                _("Signed off by an organizer"),
                facts.signed_off,
                _("signed off") if facts.signed_off else _("not yet"),
                ORGANIZER,
            )
        )
    return Evaluation(
        conditions=[
            condition if not condition.met else replace(condition, waiting_on="")
            for condition in conditions
        ],
        final_grade=grade,
    )


def _grade_condition(rules: Rules, facts: Facts, grade: Decimal | None) -> Condition:
    """The weighted grade; while a mark is missing, which one and who gives it."""
    met = grade is not None and grade >= rules.pass_mark
    if grade is not None:
        detail = _("grade %(grade)s, pass mark %(mark)s") % {
            "grade": grade,
            "mark": rules.pass_mark,
        }
        return Condition("grade", _("Final grade reaches the pass mark"), met, detail, LEARNER)
    missing: list[tuple[str, str]] = []
    if rules.exam_weight and facts.exam_percent is None:
        missing.append(
            (
                _("exam score, being graded") if facts.exam_awaiting_grading else _("exam score"),
                INSTRUCTOR if facts.exam_awaiting_grading else LEARNER,
            )
        )
    if rules.attendance_weight and facts.attendance is None:
        missing.append((_("attendance mark, recorded by the organizer"), ORGANIZER))
    if rules.essay_weight and facts.essay_score is None:
        missing.append(
            (
                _("essay grade, given by the instructor")
                if facts.essay_submitted
                else _("essay, to be handed in"),
                INSTRUCTOR if facts.essay_submitted else LEARNER,
            )
        )
    detail = _("waiting for: %(marks)s") % {"marks": _("; ").join(str(m) for m, _a in missing)}
    # The detail names every missing mark and its giver; the first one's giver is waited on.
    return Condition("grade", _("Final grade reaches the pass mark"), met, detail, missing[0][1])
