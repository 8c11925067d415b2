"""The completion rules (pure): each condition, and weighted final grades."""

from decimal import Decimal

import pytest

from courses.completion import Facts, Rules, evaluate, final_grade

pytestmark = pytest.mark.usefixtures("in_english")

D = Decimal
DONE = Facts(
    lessons_done=6, lessons_total=6, hours_earned=D(32), exam_percent=D(80), exam_passed=True
)


def codes(evaluation) -> dict[str, bool]:
    return {condition.code: condition.met for condition in evaluation.conditions}


def test_lessons_and_hours():
    rules = Rules(min_hours=D(32))
    assert evaluate(rules, DONE).complete
    short = Facts(lessons_done=5, lessons_total=6, hours_earned=D("31.9"))
    assert codes(evaluate(rules, short)) == {"lessons": False, "hours": False}


def test_a_course_with_no_lessons_published_is_not_complete():
    assert not evaluate(Rules(), Facts(lessons_done=0, lessons_total=0)).complete


def test_the_final_exam_must_be_passed():
    rules = Rules(has_exam=True)
    assert codes(evaluate(rules, DONE))["exam"]
    failed = Facts(lessons_done=6, lessons_total=6, exam_percent=D(55), exam_passed=False)
    assert not evaluate(rules, failed).complete
    assert "55.0" in evaluate(rules, failed).missing[0].detail


@pytest.mark.parametrize(
    ("exam", "attendance", "essay", "grade", "complete"),
    [
        (D(80), D(90), D(85), D("82.0"), True),  # 56 + 9 + 17
        (D(60), D(50), D(50), D("57.0"), False),  # 42 + 5 + 10: below the pass mark
        (D(80), None, D(85), None, False),  # attendance not entered yet
    ],
)
def test_weighted_final_grade_exam_70_attendance_10_essay_20(
    exam, attendance, essay, grade, complete
):
    rules = Rules(has_exam=True, require_exam_pass=False, weighted_grade=True, require_essay=True)
    facts = Facts(
        lessons_done=6,
        lessons_total=6,
        exam_percent=exam,
        exam_passed=exam >= 60,
        attendance=attendance,
        essay_submitted=essay is not None,
        essay_score=essay,
    )
    result = evaluate(rules, facts)
    assert result.final_grade == grade
    assert result.complete is complete


def test_other_weights_are_just_data():
    rules = Rules(
        weighted_grade=True,
        exam_weight=D(50),
        attendance_weight=D(50),
        essay_weight=D(0),
        pass_mark=D(75),
    )
    assert final_grade(rules, Facts(exam_percent=D(70), attendance=D(90))) == D("80.0")


def test_an_essay_must_be_graded_and_pass_without_a_weighted_grade():
    rules = Rules(require_lessons=False, require_essay=True, essay_pass_mark=D(60))
    assert not evaluate(rules, Facts(essay_submitted=True)).complete
    assert "not graded" in evaluate(rules, Facts(essay_submitted=True)).missing[0].detail
    assert not evaluate(rules, Facts(essay_submitted=True, essay_score=D(59))).complete
    assert evaluate(rules, Facts(essay_submitted=True, essay_score=D(60))).complete


def test_an_organizers_sign_off():
    rules = Rules(require_lessons=False, require_signoff=True)
    assert not evaluate(rules, Facts()).complete
    assert evaluate(rules, Facts(signed_off=True)).complete


def test_without_a_weighted_grade_the_final_grade_is_the_exams():
    assert evaluate(Rules(has_exam=True), DONE).final_grade == D(80)
