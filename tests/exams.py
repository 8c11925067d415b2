"""Question banks and exams for the exam tests, built with the models as instructors would."""

import datetime
from decimal import Decimal

from django.utils import timezone

from courses.models import Exam, ExamRule, FillBlank, Question, QuestionBank, QuestionOption
from courses.questions import types as q


def single(bank, text, right, wrongs, *, category="党章", points=1):
    question = Question.objects.create(
        bank=bank, kind=q.SINGLE, text=text, category=category, points=points
    )
    QuestionOption.objects.create(question=question, text=right, fraction=1, sort_order=0)
    for n, wrong in enumerate(wrongs, start=1):
        QuestionOption.objects.create(question=question, text=wrong, fraction=0, sort_order=n)
    return question


def multiple(bank, text, rights, wrongs, *, scoring=q.ALL_OR_NOTHING, category="党章", points=2):
    question = Question.objects.create(
        bank=bank,
        kind=q.MULTIPLE,
        text=text,
        category=category,
        points=points,
        multiple_scoring=scoring,
    )
    share = Decimal(1) / len(rights)
    for n, right in enumerate(rights):
        QuestionOption.objects.create(
            question=question, text=right, fraction=share.quantize(Decimal("0.0001")), sort_order=n
        )
    for n, wrong in enumerate(wrongs, start=len(rights)):
        QuestionOption.objects.create(
            question=question, text=wrong, fraction=-1 if scoring == q.WEIGHTED else 0, sort_order=n
        )
    return question


def true_false(bank, text, correct, *, category="党史"):
    return Question.objects.create(
        bank=bank, kind=q.TRUE_FALSE, text=text, category=category, correct_answer=correct
    )


def fill_in(bank, text, blanks, *, category="党史", points=2):
    question = Question.objects.create(
        bank=bank, kind=q.FILL_IN, text=text, category=category, points=points
    )
    for n, accepted in enumerate(blanks):
        FillBlank.objects.create(question=question, answers="\n".join(accepted), sort_order=n)
    return question


def short_answer(bank, text, *, category="发展党员程序", points=10):
    return Question.objects.create(
        bank=bank,
        kind=q.SHORT_ANSWER,
        text=text,
        category=category,
        points=points,
        reference_answer="要点……",
    )


def build_bank() -> QuestionBank:
    """Three questions of each kind (two short answers)."""
    bank = QuestionBank.objects.create(name="结业考试题库")
    for n in range(3):
        single(
            bank,
            f"单选题{n}：党的根本宗旨是？",
            "全心全意为人民服务",
            ["发展经济", "维护稳定", "改革开放"],
        )
        multiple(bank, f"多选题{n}：党的纪律包括？", ["政治纪律", "组织纪律"], ["学术纪律"])
        true_false(bank, f"判断题{n}：中国共产党成立于1921年。", True)
        fill_in(
            bank, f"填空题{n}：预备期为____年，从____通过之日算起。", [["1", "一"], ["支部大会"]]
        )
    for n in range(2):
        short_answer(bank, f"简答题{n}：谈谈你的入党动机。")
    return bank


def build_exam(
    course, bank, *, opens=-1, closes=24, minutes=30, attempts=1, short_answers=1, **fields
) -> Exam:
    """An exam open from ``opens`` to ``closes`` hours from now, drawing one of every kind."""
    now = timezone.now()
    exam = Exam.objects.create(
        course=course,
        title="入党积极分子培训结业考试",
        opens_at=now + datetime.timedelta(hours=opens),
        closes_at=now + datetime.timedelta(hours=closes),
        time_limit_minutes=minutes,
        max_attempts=attempts,
        pass_score=Decimal(fields.pop("pass_score", 6)),
        is_published=fields.pop("is_published", True),
        requires_lessons_complete=fields.pop("requires_lessons_complete", False),
        **fields,
    )
    rules = [(q.SINGLE, 2, 1), (q.MULTIPLE, 1, 2), (q.TRUE_FALSE, 2, 1), (q.FILL_IN, 1, 2)]
    if short_answers:
        rules.append((q.SHORT_ANSWER, short_answers, 10))
    for n, (kind, count, points) in enumerate(rules):
        ExamRule.objects.create(
            exam=exam, bank=bank, kind=kind, count=count, points_each=points, sort_order=n
        )
    return exam
