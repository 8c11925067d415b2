"""The Excel question-bank template (题库模板): read a filled-in workbook, write the empty
template, and export a bank into it. A pure module: bytes in, plain values (``types``) out.

The template has a sheet 题库 with a header row and one question a row, and a sheet 填写说明
that tells people how to fill it in. The Chinese headers and the Chinese words people type in
the cells (题型, 难度, 多选评分, 正确/错误) are the template's contract with the schools that
keep their banks in it, so they are constants here, not translations; only the messages about
problems are translated.

What the template cannot hold, so that ``parse_excel(write_bank(questions))`` gives back the
questions except for these:

- a question's ``title`` (there is no column for it: it comes back empty);
- more than six options (``write_bank`` refuses such a question);
- the fractions of a multiple-choice question scored 全对得分 or 少选得一半: only which options
  are right matters to those rules, so they come back as equal shares. 按权重 keeps them, written
  as percentages after the letters (A:50%,B:30%,C:20%,D:-100%).
"""

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from courses.questions import types as q_types
from courses.questions.types import (
    ALL_OR_NOTHING,
    BLANK,
    EASY,
    FILL_IN,
    HARD,
    MEDIUM,
    MULTIPLE,
    PARTIAL,
    SHORT_ANSWER,
    SINGLE,
    TRUE_FALSE,
    WEIGHTED,
    ParsedOption,
    ParsedQuestion,
    ParseResult,
    Problem,
    percent,
    problems_of,
)
from school.spreadsheets import (
    Limits,
    SpreadsheetRefused,
    excerpt,
    open_workbook,
    set_cell_value,
    sheet_rows,
    upload_limits,
)

QUESTIONS_SHEET = "题库"
INSTRUCTIONS_SHEET = "填写说明"

# The columns, in the template's order; a filled-in sheet may have them in any order.
KIND_COLUMN = "题型"
TEXT_COLUMN = "题干"
OPTION_LETTERS = "ABCDEF"
OPTION_COLUMNS = tuple(f"选项{letter}" for letter in OPTION_LETTERS)
ANSWER_COLUMN = "答案"
POINTS_COLUMN = "分值"
CATEGORY_COLUMN = "分类"
DIFFICULTY_COLUMN = "难度"
SCORING_COLUMN = "多选评分"
EXPLANATION_COLUMN = "解析"
COLUMNS = (
    KIND_COLUMN,
    TEXT_COLUMN,
    *OPTION_COLUMNS,
    ANSWER_COLUMN,
    POINTS_COLUMN,
    CATEGORY_COLUMN,
    DIFFICULTY_COLUMN,
    SCORING_COLUMN,
    EXPLANATION_COLUMN,
)
REQUIRED_COLUMNS = (KIND_COLUMN, TEXT_COLUMN, ANSWER_COLUMN)
MAX_OPTIONS = len(OPTION_LETTERS)

# The words people write in the cells, matched ignoring spaces, case and full-width forms.
# The first word of each is the one the template offers in its dropdowns and writes on export.
KIND_WORDS = {
    SINGLE: ("单选题", "单选"),
    MULTIPLE: ("多选题", "多选"),
    TRUE_FALSE: ("判断题", "判断"),
    FILL_IN: ("填空题", "填空"),
    SHORT_ANSWER: ("简答题", "简答", "问答题"),
}
DIFFICULTY_WORDS = {
    EASY: ("简单", "易", "容易"),
    MEDIUM: ("中等", "中", "一般"),
    HARD: ("困难", "难"),
}
SCORING_WORDS = {
    ALL_OR_NOTHING: ("全对得分", "全部选对"),
    PARTIAL: ("少选得一半", "少选得半分"),
    WEIGHTED: ("按权重",),
}
TRUTH_WORDS = {
    True: ("正确", "对", "√", "✓", "✔", "是", "T", "TRUE"),
    False: ("错误", "错", "×", "✗", "✘", "否", "F", "FALSE"),
}

# A fill-in answer: blanks separated by BLANK_SEPARATORS, the accepted answers of one blank by
# ANSWER_SEPARATORS; a backslash before a separator (or a backslash) makes it part of the answer.
BLANK_SEPARATORS = "|｜;；"
ANSWER_SEPARATORS = "/／"
ESCAPE = "\\"
_SPECIAL = BLANK_SEPARATORS + ANSWER_SEPARATORS + ESCAPE
# How people mark a blank in a fill-in question's text: （ ）, ( ), （）, or ___ and longer.
BLANK_IN_TEXT = re.compile(r"[（(][ \u3000]*[）)]|_{3,}")

# A choice answer after normalizing (see _key): letters, each with an optional percentage, with
# or without separators: B, ABD, A,B,D, A、B、D, A:50%,B:50%,C:-100%.
_CHOICE = re.compile(r"([A-Z])(?:[:=]?([+-]?\d+(?:\.\d+)?)%)?")
_CHOICES = re.compile(rf"(?:{_CHOICE.pattern}[,;、]*)+")

# Option fractions are kept to four decimal places (QuestionOption.fraction), so equal shares
# are cut to four places and the last right option takes the remainder: they add up to 1.
FRACTION_QUANTUM = Decimal("0.0001")

# Old .xls files and password-protected workbooks are OLE compound files, not zip archives.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_LAST_ROW = 1_048_576  # Excel's last row: dropdowns and formats cover the whole column.
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
_OPTIONAL_FILL = PatternFill("solid", fgColor="595959")
_TEXT_FORMAT = "@"  # so Excel keeps 7-1 and 001 as typed instead of making a date or a number
_COLUMN_WIDTHS = {
    KIND_COLUMN: 10,
    TEXT_COLUMN: 50,
    **dict.fromkeys(OPTION_COLUMNS, 20),
    ANSWER_COLUMN: 18,
    POINTS_COLUMN: 8,
    CATEGORY_COLUMN: 14,
    DIFFICULTY_COLUMN: 8,
    SCORING_COLUMN: 12,
    EXPLANATION_COLUMN: 40,
}


def _key(text: str) -> str:
    """``text`` as a lookup key: half-width forms, no spaces, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _lookup(words: dict) -> dict:
    return {_key(word): value for value, names in words.items() for word in names}


_TRUTHS = _lookup(TRUTH_WORDS)
_HEADERS = {_key(column): column for column in COLUMNS}


# Reading.


class _Unreadable(Exception):
    """openpyxl could not read the workbook."""


def parse_excel(data: bytes, *, limits: Limits | None = None) -> ParseResult:
    """The questions in a filled-in template, and every problem with its row and column.

    Reads the sheet 题库, or the first sheet when there is none. Row 1 holds the headers, in
    any order; every other row that is not empty is a question. A row with a problem gives no
    question, so ``questions`` holds exactly what an import of a problem-free file would create.
    A file that is not a readable .xlsx, or that is beyond the ``limits`` of a question-bank
    upload (size, rows, columns, cells, what it unpacks to: ``school.spreadsheets``), gives one
    problem at row 0.
    """
    limits = limits or upload_limits("questions")
    try:
        workbook = open_workbook(data, limits)
    except SpreadsheetRefused as refused:
        return ParseResult(problems=[Problem(line=0, message=refused.message)])
    except Exception:
        # openpyxl raises whatever its zip and XML layers raise (BadZipFile, KeyError for a
        # missing part, XML syntax errors, ValueError...): all mean "not a workbook we can read".
        return _unreadable(data)
    try:
        sheet = _questions_sheet(workbook)
        if sheet is None:
            return ParseResult(problems=[Problem(line=0, message=_("The workbook has no sheet."))])
        return _parse_rows(_rows_of(sheet, limits))
    except SpreadsheetRefused as refused:
        return ParseResult(problems=[Problem(line=0, message=refused.message)])
    except _Unreadable:
        return _unreadable(data)
    finally:
        workbook.close()


def _unreadable(data: bytes) -> ParseResult:
    if data.startswith(_OLE_SIGNATURE):
        message = _(
            "This is an Excel 97-2003 (.xls) file or a password-protected workbook. "
            "Save it as an Excel workbook (.xlsx) without a password and upload it again."
        )
    else:
        message = _(
            "This file is not an Excel workbook (.xlsx) that can be read. "
            "Open it in Excel or WPS, save it as .xlsx and upload it again."
        )
    return ParseResult(problems=[Problem(line=0, message=message)])


def _questions_sheet(workbook):
    """题库, or else the first sheet that is not 填写说明; None when there is no sheet at all."""
    sheets = workbook.worksheets  # not chart sheets
    for sheet in sheets:
        if sheet.title == QUESTIONS_SHEET:
            return sheet
    others = [sheet for sheet in sheets if sheet.title != INSTRUCTIONS_SHEET]
    return (others or sheets or [None])[0]


def _rows_of(sheet, limits: Limits) -> Iterator[tuple]:
    """The sheet's rows as tuples of values, from row 1, with empty rows in their places, as
    far as the limits allow (``SpreadsheetRefused`` beyond them)."""
    try:
        for _line, values in sheet_rows(sheet, limits):
            yield values
    except SpreadsheetRefused:
        raise
    except Exception as error:
        # Only openpyxl's own reading runs inside this try: a damaged sheet, not a bug of ours.
        raise _Unreadable from error


def _parse_rows(rows: Iterator[tuple]) -> ParseResult:
    header = _read_header(next(rows, ()))
    result = ParseResult(problems=header.problems)
    if any(column not in header.columns for column in REQUIRED_COLUMNS):
        return result  # without its kind, text or answer no row can be read
    known = tuple(header.columns.values())
    headerless_reported: set[int] = set()
    for line, values in enumerate(rows, start=2):
        for index, value in enumerate(values):
            unread = index not in header.headed and index not in headerless_reported
            if unread and not _is_blank(value):
                headerless_reported.add(index)
                result.problems.append(_headerless(line, index))
        if all(index >= len(values) or _is_blank(values[index]) for index in known):
            continue
        row = _Row(line, values, header.columns)
        question = _parse_row(row)
        if row.problems:
            result.problems.extend(row.problems)
        else:
            result.questions.append(question)
    return result


@dataclass
class _Header:
    columns: dict[str, int] = field(default_factory=dict)  # each known column's index
    headed: set[int] = field(default_factory=set)  # every column with a header, known or not
    problems: list[Problem] = field(default_factory=list)


def _read_header(values: tuple) -> _Header:
    header = _Header()
    for index, value in enumerate(values):
        name = _cell_text(value)
        if not name:
            continue
        header.headed.add(index)
        column = _HEADERS.get(_key(name))
        if column is None:
            message = _("Unknown column. The template's columns are: %(columns)s.") % {
                "columns": "、".join(COLUMNS)
            }
            header.problems.append(Problem(line=1, column=excerpt(name), message=message))
        elif column in header.columns:
            message = _("This column appears more than once.")
            header.problems.append(Problem(line=1, column=column, message=message))
        else:
            header.columns[column] = index
    for column in REQUIRED_COLUMNS:
        if column not in header.columns:
            message = _("This column is required but the header row does not have it.")
            header.problems.append(Problem(line=1, column=column, message=message))
    return header


def _headerless(line: int, index: int) -> Problem:
    # Reported once per column, at its first value: a note typed beside the table, or a
    # column whose header was deleted. Either way its values would be lost without a word.
    message = _("Column %(letter)s has values but no header, so they are not read.") % {
        "letter": get_column_letter(index + 1)
    }
    return Problem(line=line, message=message)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value) -> str:
    """A cell's value as trimmed text: numbers as typed (2, not 2.0), line breaks as \\n."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).replace("\r\n", "\n").strip()


class _Row:
    """One row of the question sheet: its cells by column, and the problems found in it."""

    def __init__(self, line: int, values: tuple, columns: dict[str, int]) -> None:
        self.line = line
        self.values = values
        self.columns = columns
        self.problems: list[Problem] = []

    def text(self, column: str) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(self.values):
            return ""
        value = self.values[index]
        if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
            # Excel turns 7-1 or 7月1日 into a date as it is typed; guessing the text back
            # would import an answer nobody wrote.
            self.report(
                column,
                _(
                    "Excel has turned this cell into a date or a time. "
                    "Format the cell as text and type it again."
                ),
            )
            return ""
        return _cell_text(value)

    def report(self, column: str, message: str) -> None:
        """Record a problem, unless the cell has one already: one cause often has several
        symptoms (an answer that cannot be read leaves no right option), and a dry run should
        name the cause."""
        if column and column in self.reported():
            return
        self.problems.append(Problem(line=self.line, column=column, message=message))

    def reported(self) -> set[str]:
        return {problem.column for problem in self.problems}


def _parse_row(row: _Row) -> ParsedQuestion:
    kind = _read_word(row, KIND_COLUMN, None)
    question = ParsedQuestion(
        kind=kind or "",
        text=row.text(TEXT_COLUMN),
        line=row.line,
        category=row.text(CATEGORY_COLUMN),
        points=_read_points(row),
        difficulty=_read_word(row, DIFFICULTY_COLUMN, MEDIUM),
        explanation=row.text(EXPLANATION_COLUMN),
    )
    options = _read_options(row)
    answer = row.text(ANSWER_COLUMN)
    if not answer and kind in (SINGLE, MULTIPLE, TRUE_FALSE, FILL_IN):
        row.report(ANSWER_COLUMN, _("The answer is missing."))

    if kind not in (SINGLE, MULTIPLE, None) and options:
        first = next(column for column, text in zip(OPTION_COLUMNS, options, strict=False) if text)
        row.report(first, _("Only choice questions have options: leave the option cells empty."))

    if kind in (SINGLE, MULTIPLE):
        for column, text in zip(OPTION_COLUMNS, options, strict=False):
            if not text:
                row.report(column, _("This option is empty but a later one is filled in."))
        if kind == MULTIPLE:
            question.multiple_scoring = _read_word(row, SCORING_COLUMN, ALL_OR_NOTHING)
        question.options = [ParsedOption(text) for text in options]
        if answer:
            _read_choice_answer(row, question, answer)
    elif kind == TRUE_FALSE and answer:
        question.correct = _TRUTHS.get(_key(answer))
        if question.correct is None:
            message = _("Unknown answer for a true/false question. Use one of: %(words)s.")
            row.report(ANSWER_COLUMN, message % {"words": _words(TRUTH_WORDS)})
    elif kind == FILL_IN:
        question.text = BLANK_IN_TEXT.sub(BLANK, question.text)
        question.blanks = _split_blanks(answer) if answer else []
    elif kind == SHORT_ANSWER:
        question.reference_answer = answer  # may be empty: graders can do without

    # The rules every format shares, each pointed at its cell.
    for problem in problems_of(question):
        row.report(_column_of_problem(problem, question), problem.message)
    return question


def _read_word(row: _Row, column: str, default):
    """The value the word in ``column`` (题型, 难度, 多选评分) stands for; ``default`` when the
    cell is empty, which only 题型 may not be."""
    text = row.text(column)
    if not text:
        if column == KIND_COLUMN:
            row.report(column, _("The question kind is missing."))
        return default
    value = _LOOKUPS[column].get(_key(text))
    if value is None:
        message = {
            KIND_COLUMN: _("Unknown question kind. Use one of: %(words)s."),
            DIFFICULTY_COLUMN: _("Unknown difficulty. Use one of: %(words)s."),
            SCORING_COLUMN: _("Unknown scoring rule. Use one of: %(words)s."),
        }[column]
        row.report(column, message % {"words": _words(_VOCABULARIES[column])})
        return default
    return value


def _words(vocabulary: dict) -> str:
    """The words the template writes, for a message: 单选题、多选题、……"""
    return "、".join(words[0] for words in vocabulary.values())


def _read_points(row: _Row) -> Decimal:
    text = row.text(POINTS_COLUMN)
    if not text:
        return Decimal(1)
    try:
        points = Decimal(unicodedata.normalize("NFKC", text))
    except InvalidOperation:
        points = None
    if points is None or not points.is_finite():
        row.report(POINTS_COLUMN, _("The points must be a number, such as 2 or 0.5."))
        return Decimal(1)
    return points  # more than 0: problems_of checks that


def _read_options(row: _Row) -> list[str]:
    """The options' texts, A first, up to the last one filled in (empty ones after it dropped)."""
    texts = [row.text(column) for column in OPTION_COLUMNS]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _read_choice_answer(row: _Row, question: ParsedQuestion, answer: str) -> None:
    """Set the options' fractions from the letters (and percentages) in ``answer``."""
    match = _CHOICES.fullmatch(_key(answer))
    if match is None:
        row.report(ANSWER_COLUMN, _("The answer must be option letters, such as B or ABD."))
        return
    picks = _CHOICE.findall(match.group())
    letters = [letter for letter, _weight in picks]
    for letter in sorted(set(letters)):
        if OPTION_LETTERS.find(letter) not in range(len(question.options)):
            message = _("The answer names option %(letter)s, which is empty.")
            row.report(ANSWER_COLUMN, message % {"letter": letter})
    if len(set(letters)) != len(letters):
        row.report(ANSWER_COLUMN, _("The answer names an option more than once."))
    if question.kind == SINGLE and (len(picks) != 1 or picks[0][1]):
        row.report(ANSWER_COLUMN, _("A single-choice answer is one option letter, such as B."))
    if ANSWER_COLUMN in row.reported():
        return  # the fractions stay 0, and nothing more is said about the answer

    weights = [weight for _letter, weight in picks]
    if question.kind == SINGLE:
        fractions = {letters[0]: Decimal(1)}
    elif not any(weights):
        fractions = dict(zip(letters, _equal_shares(len(letters)), strict=True))
    elif not all(weights):
        row.report(
            ANSWER_COLUMN, _("Give a percentage after every letter of the answer, or after none.")
        )
        return
    elif question.multiple_scoring != WEIGHTED:
        message = _("Percentages in the answer are only used when %(column)s is %(rule)s.")
        row.report(
            ANSWER_COLUMN,
            message % {"column": SCORING_COLUMN, "rule": SCORING_WORDS[WEIGHTED][0]},
        )
        return
    else:
        # Between -100% and 100%, the right ones adding up to 100%: problems_of checks that.
        fractions = {letter: Decimal(weight) / 100 for letter, weight in picks}
    for letter, option in zip(OPTION_LETTERS, question.options, strict=False):
        option.fraction = fractions.get(letter, Decimal(0))


def _equal_shares(count: int) -> list[Decimal]:
    """``count`` fractions of four decimal places that add up to exactly 1."""
    share = (Decimal(1) / count).quantize(FRACTION_QUANTUM, rounding=ROUND_DOWN)
    return [share] * (count - 1) + [Decimal(1) - share * (count - 1)]


def _split_blanks(answer: str) -> list[list[str]]:
    """A fill-in answer's accepted answers, a list a blank: 1921|7月/七月 -> [[1921], [7月, 七月]]."""
    blanks: list[list[str]] = []
    accepted: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(answer):
        character = answer[index]
        following = answer[index + 1 : index + 2]
        if character == ESCAPE and following and following in _SPECIAL:
            current.append(following)
            index += 2
            continue
        if character in BLANK_SEPARATORS or character in ANSWER_SEPARATORS:
            accepted.append("".join(current).strip())
            current = []
            if character in BLANK_SEPARATORS:
                blanks.append(accepted)
                accepted = []
        else:
            current.append(character)
        index += 1
    accepted.append("".join(current).strip())
    blanks.append(accepted)
    # An empty blank stays, empty: problems_of says every blank needs an answer.
    return [[text for text in blank if text] for blank in blanks]


def _missing_option(question: ParsedQuestion) -> str:
    return OPTION_COLUMNS[min(len(question.options), 1)]


def _empty_option(question: ParsedQuestion) -> str:
    columns = zip(OPTION_COLUMNS, question.options, strict=False)
    return next((column for column, option in columns if not option.text.strip()), "")


def _longest_option(question: ParsedQuestion) -> str:
    lengths = [len(option.text) for option in question.options]
    return OPTION_COLUMNS[lengths.index(max(lengths))] if lengths else ""


# The column each kind of problem found by problems_of is about, so a dry run points at the cell.
_PROBLEM_COLUMNS: dict[str, str | Callable[[ParsedQuestion], str]] = {
    q_types.TEXT: TEXT_COLUMN,
    q_types.TITLE: "",
    q_types.POINTS: POINTS_COLUMN,
    q_types.CATEGORY: CATEGORY_COLUMN,
    q_types.DIFFICULTY: DIFFICULTY_COLUMN,
    q_types.KIND: KIND_COLUMN,
    q_types.SCORING: SCORING_COLUMN,
    q_types.ANSWER: ANSWER_COLUMN,
    q_types.OPTION_COUNT: _missing_option,
    q_types.OPTION_TEXT: _empty_option,
    q_types.OPTION_LENGTH: _longest_option,
}


def _column_of_problem(problem, question: ParsedQuestion) -> str:
    column = _PROBLEM_COLUMNS.get(problem.field, "")
    return column if isinstance(column, str) else column(question)


_VOCABULARIES = {
    KIND_COLUMN: KIND_WORDS,
    DIFFICULTY_COLUMN: DIFFICULTY_WORDS,
    SCORING_COLUMN: SCORING_WORDS,
}
_LOOKUPS = {column: _lookup(words) for column, words in _VOCABULARIES.items()}


# Writing.


def write_template() -> bytes:
    """The empty template: the header row, dropdowns for 题型, 难度 and 多选评分, and 填写说明."""
    return write_bank([])


def write_bank(questions: Sequence[ParsedQuestion]) -> bytes:
    """The template filled with ``questions``, one a row in their order.

    ``parse_excel`` reads them back as they were, except for what the module docstring lists.
    Raises ValueError for a question the template cannot hold: an unknown kind, more than six
    options. Text is always written as text: a question starting with = is not a formula.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = QUESTIONS_SHEET
    _write_header(sheet)
    for line, question in enumerate(questions, start=2):
        cells = _cells_of(question)
        for index, column in enumerate(COLUMNS, start=1):
            value = cells.get(column)
            if value not in (None, ""):
                _write_cell(sheet, line, index, value)
    _write_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET))
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def _write_header(sheet: Worksheet) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if column in REQUIRED_COLUMNS else _OPTIONAL_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = _COLUMN_WIDTHS[column]
        if column != POINTS_COLUMN:
            dimension.number_format = _TEXT_FORMAT
        if column in _VOCABULARIES:
            _add_dropdown(sheet, letter, _VOCABULARIES[column])
    sheet.freeze_panes = "A2"


def _add_dropdown(sheet: Worksheet, letter: str, vocabulary: dict) -> None:
    # No error message: the dropdown offers the usual words, and the reader accepts the others
    # (单选, 易...) that people type, so Excel must not refuse them.
    words = ",".join(words[0] for words in vocabulary.values())
    validation = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True)
    validation.add(f"{letter}2:{letter}{_LAST_ROW}")
    sheet.add_data_validation(validation)


def _write_cell(sheet: Worksheet, line: int, index: int, value) -> None:
    cell = sheet.cell(row=line, column=index)
    # Text is text (school.spreadsheets): a question starting with = is never a formula.
    set_cell_value(cell, value)
    if isinstance(value, str):
        cell.number_format = _TEXT_FORMAT


def _cells_of(question: ParsedQuestion) -> dict[str, object]:
    kind_words = KIND_WORDS.get(question.kind)
    if kind_words is None:
        raise ValueError(f"Unknown question kind {question.kind!r} (line {question.line}).")
    cells: dict[str, object] = {
        KIND_COLUMN: kind_words[0],
        TEXT_COLUMN: question.text,
        POINTS_COLUMN: _points_cell(question.points),
        CATEGORY_COLUMN: question.category,
        DIFFICULTY_COLUMN: DIFFICULTY_WORDS.get(question.difficulty, (question.difficulty,))[0],
        EXPLANATION_COLUMN: question.explanation,
    }
    if question.kind in (SINGLE, MULTIPLE):
        if len(question.options) > MAX_OPTIONS:
            raise ValueError(
                f"The template holds {MAX_OPTIONS} options; the question at line "
                f"{question.line} has {len(question.options)}."
            )
        for column, option in zip(OPTION_COLUMNS, question.options, strict=False):
            cells[column] = option.text
        cells[ANSWER_COLUMN] = _choice_answer(question)
        if question.kind == MULTIPLE:
            rule = question.multiple_scoring
            cells[SCORING_COLUMN] = SCORING_WORDS.get(rule, (rule,))[0]
    elif question.kind == TRUE_FALSE:
        if question.correct is not None:
            cells[ANSWER_COLUMN] = TRUTH_WORDS[question.correct][0]
    elif question.kind == FILL_IN:
        cells[ANSWER_COLUMN] = BLANK_SEPARATORS[0].join(
            ANSWER_SEPARATORS[0].join(_escape(text) for text in blank) for blank in question.blanks
        )
    else:
        cells[ANSWER_COLUMN] = question.reference_answer
    return cells


def _points_cell(points: Decimal) -> int | float | str:
    """A number Excel can add up, unless a float would change it (then the text: still read)."""
    if points == points.to_integral_value():
        return int(points)
    as_float = float(points)
    return as_float if Decimal(repr(as_float)) == points else str(points)


def _choice_answer(question: ParsedQuestion) -> str:
    right = [
        letter
        for letter, option in zip(OPTION_LETTERS, question.options, strict=False)
        if option.correct
    ]
    if question.kind == MULTIPLE and question.multiple_scoring == WEIGHTED:
        equal = dict(zip(right, _equal_shares(len(right)), strict=True)) if right else {}
        fractions = dict(zip(OPTION_LETTERS, (o.fraction for o in question.options), strict=False))
        if any(fraction != equal.get(letter, 0) for letter, fraction in fractions.items()):
            return ",".join(
                f"{letter}:{percent(fraction)}%"
                for letter, fraction in fractions.items()
                if fraction
            )
    return "".join(right)


def _escape(text: str) -> str:
    return "".join(ESCAPE + c if c in _SPECIAL else c for c in text)


# The instructions sheet (填写说明): the template's own content, in Chinese.

INSTRUCTIONS_TITLE = "题库导入模板填写说明"
GENERAL_NOTES = (
    "在“题库”工作表中每行填写一道题，第 1 行是表头。请不要修改列名；列的先后顺序可以调整，"
    "用不到的选填列可以删除。",
    "“题型”“题干”“答案”三列必须保留。表头为红色的是必填列，灰色的是选填列。",
    "空行会被跳过。请不要在表格右侧另写备注：没有表头的列不会被导入，系统会提示。",
    "本工作表不会被导入。下方的示例仅供参考，需要时可整行复制到“题库”工作表。",
    "模板中的单元格已设为文本格式。从别处粘贴内容时，Excel 可能把“7-1”“7月1日”之类的答案"
    "自动改成日期，导入时会提示，请把单元格设为文本后重新输入。",
    "导入时系统会检查整个文件，列出每一处问题所在的行号和列名，请按提示修改后重新上传。",
)
COLUMN_NOTES_HEADER = ("列名", "是否必填", "填写方法", "示例")
COLUMN_NOTES = (
    (
        KIND_COLUMN,
        "必填",
        "单选题、多选题、判断题、填空题或简答题，可在下拉列表中选择；"
        "也可写作单选、多选、判断、填空、简答、问答题。",
        "单选题",
    ),
    (
        TEXT_COLUMN,
        "必填",
        "题目内容。填空题在每个空的位置写（ ）或三个以上的下划线 ___，"
        "空的个数要与答案中的空数相同；其他题型题干中的（ ）原样保留。",
        "中国共产党第一次全国代表大会于（ ）年召开。",
    ),
    (
        "选项A～选项F",
        "单选题、多选题必填",
        "从选项A开始依次填写，至少两个、最多六个。用不到的选项留空，但不能跳过中间的选项"
        "（例如填了A和C却空着B）。判断题、填空题、简答题不填选项。",
        "中央政治局",
    ),
    (
        ANSWER_COLUMN,
        "必填（简答题可不填）",
        "单选题：一个选项字母，如 B。\n"
        "多选题：所有正确选项的字母，如 ABD；字母之间也可以用逗号、顿号或空格隔开。"
        "字母不分大小写、全角半角。\n"
        "判断题：正确或错误，也可写对/错、√/×、是/否、T/F。\n"
        "填空题：各空的答案之间用“|”或“；”隔开；同一个空有几种都算对的答案时，用“/”隔开，"
        "如 1921|7/七。答案本身含有这些分隔符时，在分隔符前加反斜杠，如 1\\/2。\n"
        "简答题：参考答案，供阅卷老师对照。",
        "ABD",
    ),
    (POINTS_COLUMN, "选填", "本题分值，大于 0 的数字；不填按 1 分计。", "2"),
    (
        CATEGORY_COLUMN,
        "选填",
        "试题所属的分类，组卷时可按分类抽题，如党章、党史、发展党员程序。",
        "党史",
    ),
    (
        DIFFICULTY_COLUMN,
        "选填",
        "简单、中等或困难，可在下拉列表中选择，也可写作易、中、难；不填按中等计。",
        "中等",
    ),
    (
        SCORING_COLUMN,
        "选填，仅多选题",
        "全对得分：所选选项与答案完全一致才得分，不填时按此规则。\n"
        "少选得一半：没有错选、至少选对一项但没有选全，得一半分。\n"
        "按权重：每个选项各占一定比例，得分为所选选项比例之和乘以分值，最低 0 分。",
        "少选得一半",
    ),
    (EXPLANATION_COLUMN, "选填", "答案解析，学员交卷评分后可以看到。", ""),
)
WEIGHTED_NOTE = (
    "按权重的写法：多选评分为“按权重”时，可以在答案的每个字母后写出该选项所占的百分比，"
    "如 A:50%,B:30%,C:20%，正确选项的百分比合计应为 100%；错选要扣分的选项写负数，"
    "如 D:-50%。不写百分比时，各正确选项平分。其他评分规则下不写百分比。"
)
EXAMPLES_HEADING = "示例（可整行复制到“题库”工作表）"
EXAMPLE_ROWS: tuple[dict[str, object], ...] = (
    {
        KIND_COLUMN: "单选题",
        TEXT_COLUMN: "党的最高领导机关是（ ）。",
        OPTION_COLUMNS[0]: "党的全国代表大会和它所产生的中央委员会",
        OPTION_COLUMNS[1]: "中央政治局",
        OPTION_COLUMNS[2]: "中央政治局常务委员会",
        OPTION_COLUMNS[3]: "中央书记处",
        ANSWER_COLUMN: "A",
        POINTS_COLUMN: 1,
        CATEGORY_COLUMN: "党章",
        DIFFICULTY_COLUMN: "简单",
        EXPLANATION_COLUMN: "党章规定，党的最高领导机关是党的全国代表大会和它所产生的中央委员会。",
    },
    {
        KIND_COLUMN: "多选题",
        TEXT_COLUMN: "党的三大优良作风是（ ）。",
        OPTION_COLUMNS[0]: "理论联系实际",
        OPTION_COLUMNS[1]: "密切联系群众",
        OPTION_COLUMNS[2]: "批评与自我批评",
        OPTION_COLUMNS[3]: "实事求是",
        ANSWER_COLUMN: "ABC",
        POINTS_COLUMN: 2,
        CATEGORY_COLUMN: "党史",
        SCORING_COLUMN: "少选得一半",
    },
    {
        KIND_COLUMN: "多选题",
        TEXT_COLUMN: "下列属于党的纪律处分的有（ ）。",
        OPTION_COLUMNS[0]: "警告",
        OPTION_COLUMNS[1]: "严重警告",
        OPTION_COLUMNS[2]: "留党察看",
        OPTION_COLUMNS[3]: "罚款",
        ANSWER_COLUMN: "A:30%,B:30%,C:40%,D:-50%",
        POINTS_COLUMN: 2,
        CATEGORY_COLUMN: "党的纪律",
        DIFFICULTY_COLUMN: "困难",
        SCORING_COLUMN: "按权重",
        EXPLANATION_COLUMN: "党的纪律处分有五种：警告、严重警告、撤销党内职务、留党察看、开除党籍。",
    },
    {
        KIND_COLUMN: "判断题",
        TEXT_COLUMN: "预备党员的预备期为一年。",
        ANSWER_COLUMN: "正确",
        CATEGORY_COLUMN: "发展党员程序",
        DIFFICULTY_COLUMN: "简单",
    },
    {
        KIND_COLUMN: "填空题",
        TEXT_COLUMN: "中国共产党第一次全国代表大会于（ ）年（ ）月在上海开幕。",
        ANSWER_COLUMN: "1921|7/七",
        POINTS_COLUMN: 2,
        CATEGORY_COLUMN: "党史",
    },
    {
        KIND_COLUMN: "简答题",
        TEXT_COLUMN: "发展党员工作的总要求是什么？",
        ANSWER_COLUMN: "控制总量、优化结构、提高质量、发挥作用。",
        POINTS_COLUMN: 5,
        CATEGORY_COLUMN: "发展党员程序",
    },
)

_INSTRUCTION_WIDTHS = (16, 20, 70, 40)
_LINE_HEIGHT = 16  # points per line of wrapped text
_WRAP = Alignment(wrap_text=True, vertical="top")


def _write_instructions(sheet: Worksheet) -> None:
    for index, width in enumerate(_INSTRUCTION_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    full_width = sum(_INSTRUCTION_WIDTHS)
    last = len(_INSTRUCTION_WIDTHS)

    sheet.cell(row=1, column=1, value=INSTRUCTIONS_TITLE).font = Font(bold=True, size=14)
    line = 3
    notes = [f"{number}. {note}" for number, note in enumerate(GENERAL_NOTES, start=1)]
    for note in notes:
        _write_note(sheet, line, note, full_width, last)
        line += 1

    line += 1
    for index, text in enumerate(COLUMN_NOTES_HEADER, start=1):
        cell = sheet.cell(row=line, column=index, value=text)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL
    for values in COLUMN_NOTES:
        line += 1
        for index, text in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=index, value=text)
            cell.alignment = _WRAP
        sheet.row_dimensions[line].height = _LINE_HEIGHT * max(
            _lines(text, width) for text, width in zip(values, _INSTRUCTION_WIDTHS, strict=True)
        )

    line += 2
    _write_note(sheet, line, WEIGHTED_NOTE, full_width, last)

    line += 2
    sheet.cell(row=line, column=1, value=EXAMPLES_HEADING).font = Font(bold=True)
    line += 1
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=line, column=index, value=column)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if column in REQUIRED_COLUMNS else _OPTIONAL_FILL
    for example in EXAMPLE_ROWS:
        line += 1
        for index, column in enumerate(COLUMNS, start=1):
            if column in example:
                _write_cell(sheet, line, index, example[column])


def _write_note(sheet: Worksheet, line: int, text: str, width: int, last_column: int) -> None:
    sheet.cell(row=line, column=1, value=text).alignment = _WRAP
    sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=last_column)
    # Excel does not grow a merged cell to fit its text, so the row is made tall enough.
    sheet.row_dimensions[line].height = _LINE_HEIGHT * _lines(text, width)


def _lines(text: str, width: int) -> int:
    """About how many lines ``text`` takes in a column ``width`` wide (a Chinese character: 2)."""
    per_line = max(width // 2, 1)
    return sum(-(-max(len(part), 1) // per_line) for part in text.split("\n"))
