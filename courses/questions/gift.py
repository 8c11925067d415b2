"""Parsing GIFT, Moodle's plain-text question format, into the plain shape of ``types``.

    // 党章 chapter one
    $CATEGORY: $course$/top/党章

    ::党的宗旨::中国共产党的根本宗旨是{
    =全心全意为人民服务
    ~实现共产主义
    ####见党章总纲。}

    中国共产党成立于{=1921}年。

A question ends at a blank line. ``=`` marks a right answer and ``~`` a wrong one, ``%50%``
weighs an answer, ``#`` starts an answer's feedback (not kept) and ``####`` the question's
(kept as the explanation). Kinds this school does not have (numerical, matching, a description
with no answers) are skipped and listed; anything else wrong is a problem at the line where its
question starts.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypedDict

from django.utils.translation import gettext as _

from courses.questions import types as q
from courses.questions.moodle_xml import (
    category_name,
    html_to_text,
    number,
    plain_decimal,
    skipped,
    wildcard_problems,
)
from school.spreadsheets import excerpt

# Only "\n" is a line break: str.splitlines() also breaks at form feeds and U+2028, which
# would put the line numbers out of step with the user's editor.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CATEGORY = re.compile(r"\$CATEGORY:(?P<path>.*)", re.IGNORECASE)
_TEXT_FORMAT = re.compile(r"\[(?P<format>html|moodle|plain|markdown)\]", re.IGNORECASE)
_TRUE_FALSE = re.compile(r"(?P<value>t|true|f|false)\s*(#.*)?", re.IGNORECASE | re.DOTALL)
_ANSWER = re.compile(r"(?P<marker>[=~])(?P<text>[^=~]*)")
_WEIGHT = re.compile(r"\s*%(?P<weight>[^%]*)%")

# Escaped special characters are swapped for private-use characters before the question's
# structure is read, so "\{" never opens an answer block, and swapped back in the text.
_ESCAPABLE = "~=#{}:\\"
_HIDDEN = {char: chr(0xE000 + i) for i, char in enumerate(_ESCAPABLE)}
_UNHIDE = str.maketrans({hidden: char for char, hidden in _HIDDEN.items()})


def parse_gift(text: str) -> q.ParseResult:
    result = q.ParseResult()
    for line, raw, category in _question_texts(text):
        read = _read_question(raw, line, category)
        if isinstance(read, q.Skipped):
            result.skipped.append(read)
            continue
        if isinstance(read, q.ParsedQuestion):
            errors = [p.message for p in q.problems_of(read)] + wildcard_problems(read)
            if not errors:
                result.questions.append(read)
                continue
        else:
            errors = read
        result.problems += [q.Problem(line=line, message=message) for message in errors]
    return result


def _question_texts(text: str) -> Iterator[tuple[int, str, str]]:
    """(first line, text, category) of each question, without comments and category lines."""
    category, first = "", 0
    lines: list[str] = []
    for line_number, line in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            # As in Moodle, a comment is not a blank line: it does not end a question.
            continue
        directive = _CATEGORY.match(stripped)
        if stripped and not directive:
            if not lines:
                first = line_number
            lines.append(line)
            continue
        if lines:
            yield first, "\n".join(lines), category
            lines = []
        if directive:
            category = category_name(directive["path"])
    if lines:
        yield first, "\n".join(lines), category


class _Fields(TypedDict):
    """What every kind of question takes from the same place in the GIFT text."""

    line: int
    title: str
    category: str
    text: str
    explanation: str


@dataclass
class _Answer:
    right: bool  # written with "=" rather than "~"
    weight: Decimal | None  # the %n% before the text, if any
    text: str

    @property
    def fraction(self) -> Decimal:
        if self.weight is not None:
            return self.weight / 100
        return Decimal(1) if self.right else Decimal(0)


def _read_question(raw: str, line: int, category: str) -> q.ParsedQuestion | q.Skipped | list[str]:
    """The question in ``raw``, a skipped kind, or what is wrong with it."""
    text = _hide_escapes(raw).strip()
    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            return [_("The title has no closing “::”.")]
        title, text = _unhide(text[2:end]).strip(), text[end + 2 :].lstrip()
    is_html = False
    text_format = _TEXT_FORMAT.match(text)
    if text_format:
        is_html = text_format["format"].lower() == "html"
        text = text[text_format.end() :]

    opening = text.find("{")
    if opening < 0:
        if "}" in text:
            return [_("A “}” has no “{” before it; write a “}” in the text as “\\}”.")]
        return skipped(line, "description")
    closing = text.find("}", opening)
    if closing < 0:
        return [_("The answer block is not closed: a “{” has no matching “}”.")]
    before, block, after = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
    if "{" in block or "{" in after or "}" in after:
        return [
            _("A question has one answer block; write a “{” or “}” in the text as “\\{” or “\\}”.")
        ]

    def plain(part: str) -> str:
        part = _unhide(part)
        return html_to_text(part) if is_html else part.strip()

    block, _separator, feedback = block.partition("####")
    fields = _Fields(
        line=line,
        title=title,
        category=category,
        # Text after the block makes it a "missing word": the block's place becomes the blank.
        text=plain(before + q.BLANK + after if after.strip() else before),
        explanation=plain(feedback),
    )
    body = block.strip()
    if not body:
        return q.ParsedQuestion(kind=q.SHORT_ANSWER, **fields)
    if body.startswith("#"):
        return skipped(line, "numerical")
    if "~" not in body and "->" in body:
        return skipped(line, "matching")
    true_false = _TRUE_FALSE.fullmatch(body)
    if true_false:
        correct = true_false["value"].lower().startswith("t")
        return q.ParsedQuestion(kind=q.TRUE_FALSE, correct=correct, **fields)

    answers, errors = _answers(body, plain)
    if errors:
        return errors
    if "~" in body:
        return _choice_question(answers, fields)
    # Only "=" answers: a short answer, which here is a fill-in with one blank. Answers worth
    # less than 100% earn partial credit in Moodle; a blank here is right or wrong.
    accepted = [answer.text for answer in answers if answer.fraction == 1]
    return q.ParsedQuestion(kind=q.FILL_IN, blanks=[accepted], **fields)


def _answers(body: str, plain: Callable[[str], str]) -> tuple[list[_Answer], list[str]]:
    first = _ANSWER.search(body)
    if first is None or body[: first.start()].strip():
        return [], [
            _(
                "The answer block is not understood: write =right and ~wrong answers, "
                "T or F, or nothing for a short answer graded by hand."
            )
        ]
    answers, errors = [], []
    for match in _ANSWER.finditer(body):
        text, _separator, _feedback = match["text"].partition("#")
        weight = None
        written = _WEIGHT.match(text)
        if written:
            text = text[written.end() :]
            try:
                weight = number(_unhide(written["weight"]).strip())
            except InvalidOperation:
                errors.append(
                    _("The weight “%(weight)s” is not a number.")
                    % {"weight": excerpt(_unhide(written["weight"]))}
                )
        answers.append(_Answer(right=match["marker"] == "=", weight=weight, text=plain(text)))
    return answers, errors


def _choice_question(answers: list[_Answer], fields: _Fields) -> q.ParsedQuestion:
    """One "=" answer makes a single choice, as in Moodle; no "=" (rights given by weights)
    or several make a multiple choice."""
    rights = [answer for answer in answers if answer.right]
    weighted = any(answer.weight is not None for answer in answers)
    if len(rights) == 1 or not (rights or weighted):
        # With no right answer at all, the author most likely forgot the "=" of a single
        # choice; problems_of() says so.
        options = [q.ParsedOption(text=a.text, fraction=a.fraction) for a in answers]
        return q.ParsedQuestion(kind=q.SINGLE, options=options, **fields)
    if weighted:
        options = [q.ParsedOption(text=a.text, fraction=a.fraction) for a in answers]
        return q.ParsedQuestion(
            kind=q.MULTIPLE, options=options, multiple_scoring=q.WEIGHTED, **fields
        )
    # Several "=" and no weights: the rights share the points, and since nothing says what a
    # wrong choice costs, only the exact set of rights scores (weighted scoring would give
    # full points to a learner who ticks every option).
    shares = iter(_equal_shares(len(rights)))
    options = [
        q.ParsedOption(text=a.text, fraction=next(shares) if a.right else Decimal(0))
        for a in answers
    ]
    return q.ParsedQuestion(
        kind=q.MULTIPLE, options=options, multiple_scoring=q.ALL_OR_NOTHING, **fields
    )


def _equal_shares(count: int) -> list[Decimal]:
    """``count`` fractions that add up to exactly 1, at Moodle's precision of 7 places."""
    share = plain_decimal((Decimal(1) / count).quantize(Decimal("0.0000001")))
    return [share] * (count - 1) + [Decimal(1) - share * (count - 1)]


def _hide_escapes(text: str) -> str:
    def swap(match: re.Match) -> str:
        char = match[1]
        if char == "n":
            return "\n"
        return _HIDDEN.get(char, match[0])

    return re.sub(r"\\(.)", swap, text, flags=re.DOTALL)


def _unhide(text: str) -> str:
    return text.translate(_UNHIDE)
