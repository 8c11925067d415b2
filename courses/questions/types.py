"""The plain shape every question format is parsed into (and the Excel template written from).

Parsers never touch the database: they return a ``ParseResult`` with the questions they
understood, a ``Problem`` for everything wrong (with its line or row, so a dry run can list
them all) and a ``Skipped`` for every question of a kind this school does not have.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

# Question kinds.
SINGLE = "single"  # 单选题: one option is right
MULTIPLE = "multiple"  # 多选题: several options may be right
TRUE_FALSE = "true_false"  # 判断题
FILL_IN = "fill_in"  # 填空题: one or more blanks, each with one or more accepted answers
SHORT_ANSWER = "short_answer"  # 简答题: graded by hand
KINDS = (SINGLE, MULTIPLE, TRUE_FALSE, FILL_IN, SHORT_ANSWER)

# Difficulty.
EASY, MEDIUM, HARD = "easy", "medium", "hard"
DIFFICULTIES = (EASY, MEDIUM, HARD)

# How a multiple-choice answer is scored.
ALL_OR_NOTHING = "all_or_nothing"  # exactly the right options: full points; anything else: 0
PARTIAL = "partial"  # no wrong option and at least one right one: half the points (少选得一半)
WEIGHTED = "weighted"  # the sum of the chosen options' fractions (Moodle), between 0 and 1
MULTIPLE_SCORING = (ALL_OR_NOTHING, PARTIAL, WEIGHTED)

# In a fill-in question's text every blank is written as this marker, in order. A fill-in
# question with one blank and no marker shows its input after the text. Any run of four or
# more underscores is one blank (Moodle files often use eight).
BLANK = "____"
BLANK_RUN = re.compile(r"_{4,}")

# What the database keeps: a question's points have one decimal place, an option's share of
# the points four. Longer texts than these do not fit either.
MAX_POINTS = Decimal("9999.9")
MAX_TITLE, MAX_OPTION, MAX_CATEGORY = 120, 500, 60


def count_blanks(text: str) -> int:
    return len(BLANK_RUN.findall(text))


def split_at_blanks(text: str) -> list[str]:
    """The text around its blanks: n blanks give n + 1 pieces."""
    return BLANK_RUN.split(text)


@dataclass
class ParsedOption:
    text: str
    # Share of the points this option carries, from -1 to 1 (Moodle's fraction: 100% = 1).
    # Single choice: the right option has 1, the others 0. Multiple choice: the right ones
    # are positive and add up to 1; wrong ones are 0 or negative.
    fraction: Decimal = Decimal(0)

    @property
    def correct(self) -> bool:
        return self.fraction > 0


@dataclass
class ParsedQuestion:
    kind: str
    text: str  # plain text; a fill-in question marks its blanks with BLANK
    line: int  # where the question starts: the line (GIFT, XML) or the row (Excel)
    title: str = ""
    category: str = ""  # e.g. 党章, 党史, 发展党员程序
    points: Decimal = Decimal(1)
    difficulty: str = MEDIUM
    explanation: str = ""  # shown to the learner once the attempt is graded
    options: list[ParsedOption] = field(default_factory=list)  # SINGLE and MULTIPLE
    multiple_scoring: str = ALL_OR_NOTHING  # MULTIPLE only
    correct: bool | None = None  # TRUE_FALSE only
    blanks: list[list[str]] = field(default_factory=list)  # FILL_IN: accepted answers per blank
    reference_answer: str = ""  # SHORT_ANSWER: what graders compare with


@dataclass
class Problem:
    line: int  # line or row; 0 for the file as a whole
    message: str  # in the user's language (a translated string)
    column: str = ""  # Excel only: the column's header, e.g. 答案


@dataclass
class Skipped:
    line: int
    kind: str  # the format's own name for it, e.g. "matching", "numerical"
    message: str


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# What a problem found by ``problems_of`` is about.
TEXT, TITLE, POINTS, CATEGORY, DIFFICULTY, KIND, SCORING = (
    "text",
    "title",
    "points",
    "category",
    "difficulty",
    "kind",
    "scoring",
)
ANSWER = "answer"  # which options are right, the true/false answer, the accepted blanks
OPTION_COUNT, OPTION_TEXT, OPTION_LENGTH = "option_count", "option_text", "option_length"


@dataclass
class QuestionProblem:
    field: str
    message: str


def problems_of(question: ParsedQuestion) -> list["QuestionProblem"]:
    """What makes ``question`` unusable, each with the field it is about and a message in the
    user's language; empty when it is fine.

    Every parser runs its questions through this, so the rules are the same whatever the
    file format: they are the rules the exam engine relies on when it scores. The field lets
    a format point at the place (the Excel template: the cell).
    """
    errors: list[QuestionProblem] = []
    if not question.text.strip():
        errors.append(QuestionProblem(TEXT, _("The question has no text.")))
    if question.points <= 0 or question.points > MAX_POINTS:
        errors.append(
            QuestionProblem(
                POINTS,
                _("The points must be more than 0 and at most %(max)s.") % {"max": MAX_POINTS},
            )
        )
    elif question.points != question.points.quantize(Decimal("0.1")):
        errors.append(QuestionProblem(POINTS, _("The points may have one decimal place at most.")))
    if len(question.title) > MAX_TITLE:
        errors.append(
            QuestionProblem(
                TITLE, _("The title is longer than %(max)d characters.") % {"max": MAX_TITLE}
            )
        )
    if len(question.category) > MAX_CATEGORY:
        errors.append(
            QuestionProblem(
                CATEGORY,
                _("The category is longer than %(max)d characters.") % {"max": MAX_CATEGORY},
            )
        )
    if question.difficulty not in DIFFICULTIES:
        errors.append(QuestionProblem(DIFFICULTY, _("Unknown difficulty.")))
    if question.kind in (SINGLE, MULTIPLE):
        if len(question.options) < 2:
            errors.append(
                QuestionProblem(OPTION_COUNT, _("A choice question needs at least two options."))
            )
        if any(not option.text.strip() for option in question.options):
            errors.append(QuestionProblem(OPTION_TEXT, _("An option has no text.")))
        if any(len(option.text) > MAX_OPTION for option in question.options):
            errors.append(
                QuestionProblem(
                    OPTION_LENGTH,
                    _("An option is longer than %(max)d characters.") % {"max": MAX_OPTION},
                )
            )
        right = [option for option in question.options if option.correct]
        if question.kind == SINGLE and len(right) != 1:
            errors.append(
                QuestionProblem(
                    ANSWER, _("A single-choice question needs exactly one right option.")
                )
            )
        if question.kind == MULTIPLE and not right:
            errors.append(
                QuestionProblem(
                    ANSWER, _("A multiple-choice question needs at least one right option.")
                )
            )
        if question.kind == MULTIPLE and question.multiple_scoring not in MULTIPLE_SCORING:
            errors.append(
                QuestionProblem(SCORING, _("Unknown scoring rule for a multiple-choice question."))
            )
    if question.kind == TRUE_FALSE and question.correct is None:
        errors.append(
            QuestionProblem(ANSWER, _("A true/false question needs its answer: true or false."))
        )
    if question.kind == FILL_IN:
        if not question.blanks or any(
            not [a for a in blank if a.strip()] for blank in question.blanks
        ):
            errors.append(
                QuestionProblem(ANSWER, _("Every blank needs at least one accepted answer."))
            )
        markers = count_blanks(question.text)

        if markers and markers != len(question.blanks):
            errors.append(
                QuestionProblem(
                    ANSWER,
                    _("The text has %(markers)d blanks but %(answers)d answers are given.")
                    % {"markers": markers, "answers": len(question.blanks)},
                )
            )
        if not markers and len(question.blanks) > 1:
            errors.append(QuestionProblem(TEXT, _("Mark where each blank goes in the text.")))
    if question.kind not in KINDS:
        errors.append(QuestionProblem(KIND, _("Unknown question kind.")))
    return errors + _fraction_problems(question)


FRACTION_TOLERANCE = Decimal("0.0001")


def _fraction_problems(question: ParsedQuestion) -> list["QuestionProblem"]:
    """What in a choice question's fractions this school's scoring cannot honour.

    Moodle lets a single-choice option earn part of the points or cost points; here a single
    choice is right or wrong. Weighted multiple choice adds up the chosen options' fractions,
    so (as in Moodle) the right ones must add up to 100%.
    """
    if question.kind not in (SINGLE, MULTIPLE):
        return []
    errors: list[QuestionProblem] = []
    fractions = [option.fraction for option in question.options]
    for fraction in fractions:
        if not -1 <= fraction <= 1:
            errors.append(
                QuestionProblem(
                    ANSWER,
                    _("The weight %(weight)s%% is not between -100%% and 100%%.")
                    % {"weight": percent(fraction)},
                )
            )
    if question.kind == SINGLE:
        partial = [f for f in fractions if f not in (0, 1) and -1 <= f <= 1]
        if partial:
            errors.append(
                QuestionProblem(
                    ANSWER,
                    _(
                        "A single-choice option is either right (100%%) or wrong (0%%); "
                        "this question gives an option %(weight)s%%."
                    )
                    % {"weight": percent(partial[0])},
                )
            )
    if question.kind == MULTIPLE and question.multiple_scoring == WEIGHTED:
        total = sum((f for f in fractions if f > 0), Decimal(0))
        if total and abs(total - 1) > FRACTION_TOLERANCE:
            errors.append(
                QuestionProblem(
                    ANSWER,
                    _("The right options' weights add up to %(total)s%%, not 100%%.")
                    % {"total": percent(total)},
                )
            )
    return errors


def percent(fraction: Decimal) -> str:
    """A fraction as a percentage without trailing zeros: 0.5 is "50", 0.3333333 "33.33333"."""
    text = format(fraction * 100, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
