"""The development roster (发展党员台账) that schools arrive with: read an .xlsx or .csv file into
typed rows, and write the empty template. A pure module: bytes in, plain values out.

One person a row, the headers (``HEADERS``, in Chinese: they are the contract with the schools,
so they are constants, not translations) in row 1, in any order. Only the messages about
problems are translated. Every problem is reported with its row and column; whether a file with
problems imports anything is the caller's decision (the import service imports nothing then).
What the file alone cannot tell (whether a branch exists, whether a date is in the future) is
also the service's to check.

How cells are read:

- Text is trimmed of spaces, full-width spaces and zero-width characters at both ends.
- 学号 is kept as text. A number cell (2023010101 or 2023010101.0) becomes "2023010101"; a number
  Excel has already rounded (2.02301E+09 in a CSV, 16 digits or more in a cell) is a problem,
  since the real number cannot be recovered. Full-width digits become ASCII.
- Dates: 2025-03-01, 2025/3/1, 2025.3.1 or 2025年3月1日 (full-width digits too), optionally
  followed by a midnight time as Excel writes it into a CSV (2025/3/1 0:00); in an .xlsx also a
  date cell, or a date-and-time cell whose time is midnight. A number cell in a date column is a
  problem: it is an Excel serial number shown as a number, and guessing would be wrong as often
  as right.
- Several values in one cell (考察日期, 培养联系人, 入党介绍人) are separated by 、 , ， ; ； or a
  line break within the cell (Alt+Enter). Spaces do not separate names: a name may hold one
  (foreign names, or 张　三 padded to three characters). Between dates they do, when the
  piece is not a date as a whole. Empty pieces and repeated values are dropped; 考察日期 comes
  out sorted.
- 性别: 男/女 (also 男性/女性, M/F, Male/Female). 是否团员: 是/否, Y/N, Yes/No, √/×, 1/0,
  TRUE/FALSE, or an Excel TRUE/FALSE cell; empty is None. Case, width and spaces do not matter.
- In an .xlsx, a cell merged over several rows of one column (a branch written once for its
  members) counts for each of those rows, as it appears on screen.

Checks within a row, each reported on the later column (``_STAGES``, ``_NEEDS``, ``_ORDER``):
the stages follow each other (申请入党 ≤ 确定积极分子 ≤ 确定发展对象 ≤ 支部大会 ≤ 党委审批 ≤
转正), each needing the one before it; 入党宣誓 needs 党委审批 and falls between it and 转正;
the steps of a stage need the stage's date (培养联系人 and 考察日期 need 确定积极分子日期, each
assessment strictly after it; 入党介绍人, 政审 and 预审 need 确定发展对象日期); 推优 is not after
确定积极分子; 预审 falls between 确定发展对象 and 支部大会, and 政审 and 发展对象培训 are not after
支部大会; 公示 has both ends or neither, in order; the date of birth is before every other date.
A cell reports one problem, the first found: usually the cause of the others.

Only rows without problems are in ``RosterResult.rows``, so they are exactly what an import of
a problem-free file would apply.
"""

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from school.spreadsheets import (
    Limits,
    SpreadsheetRefused,
    check_size,
    csv_rows,
    excerpt,
    merged_bounds,
    open_workbook,
    sheet_rows,
    upload_limits,
    xlsx_merged_ranges,
)

ROSTER_SHEET = "发展党员台账"
INSTRUCTIONS_SHEET = "填写说明"


@dataclass
class RosterRow:
    row: int  # the spreadsheet row number (the header is row 1)
    number: str  # 学号
    name: str  # 姓名
    gender: str  # "male", "female" or ""
    birth_date: datetime.date | None
    branch: str  # 所在党支部: the branch's name, as written
    league_member: bool | None  # 是否团员; None when empty
    applied_on: datetime.date | None  # 申请入党日期
    league_recommended_on: datetime.date | None  # 推优日期
    activist_on: datetime.date | None  # 确定积极分子日期
    mentors: list[str]  # 培养联系人
    assessments: list[datetime.date]  # 考察日期, sorted
    activist_training_on: datetime.date | None  # 积极分子培训结业日期
    candidate_on: datetime.date | None  # 确定发展对象日期
    introducers: list[str]  # 入党介绍人
    political_review_on: datetime.date | None  # 政审日期
    candidate_training_on: datetime.date | None  # 发展对象培训结业日期
    pre_review_on: datetime.date | None  # 预审日期
    notice_starts_on: datetime.date | None  # 公示开始日期
    notice_ends_on: datetime.date | None  # 公示结束日期
    meeting_on: datetime.date | None  # 支部大会日期
    approved_on: datetime.date | None  # 党委审批日期
    oath_on: datetime.date | None  # 入党宣誓日期
    full_member_on: datetime.date | None  # 转正日期


@dataclass
class RosterError:
    row: int  # 0 for the file as a whole, 1 for the header row
    column: str  # the header, e.g. "出生日期"; "" for the whole row or file
    message: str


@dataclass
class RosterResult:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)  # a notice, not an error


# What a column holds, which says how its cells are read.
NUMBER = "number"
TEXT = "text"
GENDER = "gender"
YES_NO = "yes_no"
DATE = "date"
DATES = "dates"
NAMES = "names"


@dataclass(frozen=True)
class _Column:
    header: str
    field: str  # the RosterRow attribute
    kind: str
    required: bool = False


_COLUMNS = (
    _Column("学号", "number", NUMBER, required=True),
    _Column("姓名", "name", TEXT, required=True),
    _Column("性别", "gender", GENDER),
    _Column("出生日期", "birth_date", DATE),
    _Column("所在党支部", "branch", TEXT, required=True),
    _Column("是否团员", "league_member", YES_NO),
    _Column("申请入党日期", "applied_on", DATE),
    _Column("推优日期", "league_recommended_on", DATE),
    _Column("确定积极分子日期", "activist_on", DATE),
    _Column("培养联系人", "mentors", NAMES),
    _Column("考察日期", "assessments", DATES),
    _Column("积极分子培训结业日期", "activist_training_on", DATE),
    _Column("确定发展对象日期", "candidate_on", DATE),
    _Column("入党介绍人", "introducers", NAMES),
    _Column("政审日期", "political_review_on", DATE),
    _Column("发展对象培训结业日期", "candidate_training_on", DATE),
    _Column("预审日期", "pre_review_on", DATE),
    _Column("公示开始日期", "notice_starts_on", DATE),
    _Column("公示结束日期", "notice_ends_on", DATE),
    _Column("支部大会日期", "meeting_on", DATE),
    _Column("党委审批日期", "approved_on", DATE),
    _Column("入党宣誓日期", "oath_on", DATE),
    _Column("转正日期", "full_member_on", DATE),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in _COLUMNS)
REQUIRED_HEADERS: tuple[str, ...] = tuple(c.header for c in _COLUMNS if c.required)
_HEADER_OF = {column.field: column.header for column in _COLUMNS}

# The words people write, matched ignoring spaces, case and full-width forms. The first word
# of each is the one the template's dropdown offers.
GENDER_WORDS = {
    "male": ("男", "男性", "M", "MALE"),
    "female": ("女", "女性", "F", "FEMALE"),
}
YES_NO_WORDS = {
    True: ("是", "Y", "YES", "√", "✓", "✔", "1", "TRUE"),
    False: ("否", "N", "NO", "×", "✗", "✘", "0", "FALSE"),
}

# The development stages in order. Each needs the one before it, and none is earlier than the
# nearest earlier one that is filled in (so a missing stage does not hide a wrong order).
_STAGES = (
    "applied_on",
    "activist_on",
    "candidate_on",
    "meeting_on",
    "approved_on",
    "full_member_on",
)
# (later, earlier): a filled-in ``later`` needs ``earlier`` filled in too.
_NEEDS = (
    ("activist_on", "applied_on"),
    ("candidate_on", "activist_on"),
    ("meeting_on", "candidate_on"),
    ("approved_on", "meeting_on"),
    ("full_member_on", "approved_on"),
    ("oath_on", "approved_on"),  # the oath is sworn by a probationary member: after approval
    ("mentors", "activist_on"),
    ("assessments", "activist_on"),
    ("introducers", "candidate_on"),
    ("political_review_on", "candidate_on"),
    ("pre_review_on", "candidate_on"),
    ("notice_ends_on", "notice_starts_on"),
    ("notice_starts_on", "notice_ends_on"),
)
# (earlier, later): when both are filled in, ``earlier`` is not after ``later``. Only orders
# that hold everywhere: a wrong complaint here would stop a whole school's import. Where the
# notice (公示) falls and when the trainings happen differ between schools and rule versions.
_ORDER = (
    ("league_recommended_on", "activist_on"),  # 推优 is one way to be chosen as an activist
    ("candidate_on", "pre_review_on"),
    ("pre_review_on", "meeting_on"),
    ("political_review_on", "meeting_on"),
    ("candidate_training_on", "meeting_on"),
    ("approved_on", "oath_on"),
    ("oath_on", "full_member_on"),
    ("notice_starts_on", "notice_ends_on"),
)

_SEPARATORS = re.compile(r"[、,，;；\n]+")
_ZERO_WIDTH = "\u200b\ufeff"  # not whitespace to str.strip(), but invisible all the same
_DATE = re.compile(
    r"(?P<year>\d{4})\s*(?:"
    r"(?P<separator>[-/.])\s*(?P<month>\d{1,2})\s*(?P=separator)\s*(?P<day>\d{1,2})"
    r"|年\s*(?P<cn_month>\d{1,2})\s*月\s*(?P<cn_day>\d{1,2})\s*[日号]?"
    r")(?:(?:\s+|T)(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?"
)
# How Excel writes a long number it has rounded: 2.02301E+09.
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E\+\d+", re.IGNORECASE)
# Excel keeps 15 significant digits: a longer number in a number cell has lost its last ones.
_EXCEL_DIGITS = 10**15
# Characters no text file holds, though GB18030 would decode them from random bytes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Old .xls files and password-protected workbooks are OLE compound files, not zip archives.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURE = b"PK\x03\x04"
_CSV_SUFFIXES = (".csv", ".txt", "")
_HEADER_SEARCH_ROWS = 10  # how far below row 1 a misplaced header row is looked for


def _key(text: str) -> str:
    """``text`` as a lookup key: half-width forms, no spaces, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _lookup(words: dict) -> dict:
    return {_key(word): value for value, names in words.items() for word in names}


_GENDERS = _lookup(GENDER_WORDS)
_YES_NO = _lookup(YES_NO_WORDS)
_COLUMN_OF_KEY = {_key(column.header): column for column in _COLUMNS}


# Reading.


class _Unreadable(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_roster(filename: str, data: bytes, *, limits: Limits | None = None) -> RosterResult:
    """The rows of a roster file and every problem in it, with its row and column.

    ``filename`` only tells a CSV from a file of another kind: an .xlsx (or an .xls, which
    cannot be read) is recognised by its content. A file that cannot be read at all, or that
    is beyond the ``limits`` of a roster upload (its size, rows, columns, cells, and for an
    .xlsx what it unpacks to: ``school.spreadsheets``), gives one error at row 0 and nothing
    else. Messages quote at most an excerpt of a cell.
    """
    limits = limits or upload_limits("roster")
    try:
        check_size(len(data), limits)
        rows = _rows_of_file(filename, data, limits)
    except SpreadsheetRefused as refused:
        return RosterResult(errors=[RosterError(row=0, column="", message=refused.message)])
    except _Unreadable as unreadable:
        return RosterResult(errors=[RosterError(row=0, column="", message=unreadable.message)])
    return _parse_rows(rows)


def _rows_of_file(filename: str, data: bytes, limits: Limits) -> list[tuple[int, tuple]]:
    """(spreadsheet row number, cell values) of every row from row 1, or _Unreadable."""
    if not data.strip():
        raise _Unreadable(_("The file is empty."))
    if data.startswith(_OLE_SIGNATURE):
        raise _Unreadable(
            _(
                "This is an Excel 97-2003 (.xls) file or a password-protected workbook. "
                "Save it as an Excel workbook (.xlsx) without a password and upload it again."
            )
        )
    suffix = PurePath(filename).suffix.lower()
    if data.startswith(_ZIP_SIGNATURE) or suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(data, limits)
    elif suffix in _CSV_SUFFIXES:
        rows = _csv_rows(data, limits)
    else:
        raise _Unreadable(_("Upload the roster as an Excel workbook (.xlsx) or a CSV file."))
    # Trimmed once here, so that an empty cell is None from now on.
    rows = [(line, tuple(_trimmed(value) for value in values)) for line, values in rows]
    if all(value is None for _line, values in rows for value in values):
        raise _Unreadable(_("The file is empty."))
    return rows


def _xlsx_rows(data: bytes, limits: Limits) -> list[tuple[int, tuple]]:
    not_a_workbook = _(
        "This file is not an Excel workbook (.xlsx) that can be read. "
        "Open it in Excel or WPS, save it as .xlsx and upload it again."
    )
    try:
        # Read-only: the rows are streamed and counted (school.spreadsheets), so a workbook
        # that declares a cell at XFD1048576 or unpacks to gigabytes is refused, not loaded.
        workbook = open_workbook(data, limits)
    except SpreadsheetRefused:
        raise
    except Exception:
        # openpyxl raises whatever its zip and XML layers raise (BadZipFile, KeyError for a
        # missing part, XML syntax errors, ValueError...): all mean "not a workbook we can read".
        raise _Unreadable(not_a_workbook) from None
    try:
        sheet = _roster_sheet(workbook)
        if sheet is None:
            raise _Unreadable(_("The workbook has no sheet."))
        try:
            rows = list(sheet_rows(sheet, limits))
            merges = xlsx_merged_ranges(data, sheet)
        except SpreadsheetRefused:
            raise
        except Exception:
            # Only openpyxl's and lxml's reading runs here: a damaged sheet, not a bug of ours.
            raise _Unreadable(not_a_workbook) from None
        return _merged_down(rows, merges)
    finally:
        workbook.close()


def _roster_sheet(workbook: Any) -> Worksheet | None:
    """发展党员台账, or else the first sheet that is not 填写说明; None when there is none."""
    sheets = workbook.worksheets  # not chart sheets
    for sheet in sheets:
        if sheet.title == ROSTER_SHEET:
            return sheet
    others = [sheet for sheet in sheets if sheet.title != INSTRUCTIONS_SHEET]
    return (others or sheets or [None])[0]


def _merged_down(rows: list[tuple[int, tuple]], merges: list[str]) -> list[tuple[int, tuple]]:
    """The rows with each cell covered by a merge within one column showing its first cell's
    value, as on screen.

    Merges across columns are left as Excel stores them (the value in the first cell only):
    which column such a value belongs to is not something to guess.
    """
    values: dict[tuple[int, int], object] = {}
    by_line = {line: cells for line, cells in rows}
    last_row = rows[-1][0] if rows else 0
    for reference in merges:
        bounds = merged_bounds(reference)
        if bounds is None:
            continue
        min_col, min_row, max_col, max_row = bounds
        if min_col != max_col or min_row == 1 or min_row > last_row:
            continue
        first = by_line.get(min_row, ())
        value = first[min_col - 1] if min_col - 1 < len(first) else None
        for line in range(min_row + 1, min(max_row, last_row) + 1):
            values[(line, min_col - 1)] = value
    if not values:
        return rows
    # A read-only sheet ends a row at its last stored cell: a merged cell past it pads the row.
    widths: dict[int, int] = {}
    for at, index in values:
        widths[at] = max(widths.get(at, 0), index + 1)
    merged: list[tuple[int, tuple]] = []
    for line, cells in rows:
        width = max(len(cells), widths.get(line, 0))
        padded = (*cells, *([None] * (width - len(cells))))
        merged.append(
            (line, tuple(values.get((line, index), value) for index, value in enumerate(padded)))
        )
    return merged


def _csv_rows(data: bytes, limits: Limits) -> list[tuple[int, tuple]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" and some exports separate with tabs.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        # One record a row, as Excel shows the file: a quoted line break stays within its cell.
        return list(csv_rows(text, limits, delimiter=delimiter))
    except csv.Error:
        raise _Unreadable(_not_text()) from None


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            break  # binary: it decodes, but it is not text
        return text
    raise _Unreadable(_not_text())


def _not_text() -> str:
    return _(
        "This file cannot be read as a CSV file in UTF-8 or GB18030. Save it from Excel or WPS "
        "as CSV (UTF-8) or as an Excel workbook (.xlsx) and upload it again."
    )


@dataclass
class _Header:
    columns: dict[str, int] = field(default_factory=dict)  # each known column's index
    headed: set[int] = field(default_factory=set)  # every column with a header, known or not
    errors: list[RosterError] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _parse_rows(rows: list[tuple[int, tuple]]) -> RosterResult:
    header = _read_header(rows[0][1] if rows else ())
    missing = [column for column in REQUIRED_HEADERS if column not in header.columns]
    if missing:
        misplaced = _misplaced_header(rows)
        if misplaced:
            message = _(
                "Row %(row)s looks like the header row. The headers must be in row 1: "
                "delete the rows above it."
            ) % {"row": misplaced}
            return RosterResult(errors=[RosterError(row=1, column="", message=message)])
    result = RosterResult(errors=header.errors, unknown_columns=header.unknown)
    if missing:
        return result  # without a 学号, a name or a branch no row can be read
    first_row_of: dict[str, int] = {}
    headerless_reported: set[int] = set()
    known = tuple(header.columns.values())
    for line, values in rows[1:]:
        for index, value in enumerate(values):
            if index in header.headed or index in headerless_reported or value is None:
                continue
            # Reported once a column, at its first value: a note typed beside the table, or a
            # column whose header was deleted. Either way its values would be lost unsaid.
            headerless_reported.add(index)
            message = _("Column %(letter)s has values but no header, so they are not read.")
            result.errors.append(
                RosterError(line, "", message % {"letter": get_column_letter(index + 1)})
            )
        if all(index >= len(values) or values[index] is None for index in known):
            continue
        row = _Row(line, values, header.columns)
        parsed = _parse_row(row)
        if parsed.number:
            first = first_row_of.setdefault(parsed.number, line)
            if first != line:
                message = _("The student number %(number)s is already on row %(row)s.")
                row.report("学号", message % {"number": excerpt(parsed.number), "row": first})
        if row.errors:
            result.errors += sorted(row.errors, key=lambda e: header.columns.get(e.column, -1))
        else:
            result.rows.append(parsed)
    return result


def _read_header(values: tuple) -> _Header:
    header = _Header()
    for index, value in enumerate(values):
        name = _cell_text(value)
        if not name:
            continue
        header.headed.add(index)
        column = _COLUMN_OF_KEY.get(_key(name))
        if column is None:
            if excerpt(name) not in header.unknown:
                header.unknown.append(excerpt(name))
        elif column.header in header.columns:
            message = _("This column appears more than once.")
            if not any(e.column == column.header for e in header.errors):
                header.errors.append(RosterError(1, column.header, message))
        else:
            header.columns[column.header] = index
    for required in REQUIRED_HEADERS:
        if required not in header.columns:
            message = _("This column is required but the header row does not have it.")
            header.errors.append(RosterError(1, required, message))
    return header


def _misplaced_header(rows: list[tuple[int, tuple]]) -> int | None:
    """The row below row 1 that holds every required header, if there is one near the top: a
    title row above the table is the usual reason row 1 lacks the headers."""
    for line, values in rows[1:_HEADER_SEARCH_ROWS]:
        keys = {_key(_cell_text(value)) for value in values}
        if all(_key(column) in keys for column in REQUIRED_HEADERS):
            return line
    return None


def _trimmed(value: object) -> object:
    """A cell's value with text trimmed (``_plain``), and None for an empty cell."""
    if isinstance(value, str):
        return _plain(value) or None
    return value


def _plain(text: str) -> str:
    """``text`` without spaces (full-width ones too) or zero-width characters at its ends."""
    text = text.replace("\r\n", "\n").strip()
    while text and (text[0] in _ZERO_WIDTH or text[-1] in _ZERO_WIDTH):
        text = text.strip(_ZERO_WIDTH).strip()
    return text


def _cell_text(value: object) -> str:
    """A cell's value as trimmed text: numbers as typed (2, not 2.0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return _plain(str(value))


class _Problem(Exception):
    """A cell's value cannot be read; the message says why, naming the value."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Row:
    """One row of the roster: its cells by column, and the problems found in it."""

    def __init__(self, line: int, values: tuple, columns: dict[str, int]) -> None:
        self.line = line
        self.values = values
        self.columns = columns
        self.errors: list[RosterError] = []

    def value(self, column: str) -> object:
        index = self.columns.get(column)
        if index is None or index >= len(self.values):
            return None
        return self.values[index]

    def is_filled(self, column: str) -> bool:
        return self.value(column) is not None

    def report(self, column: str, message: str) -> None:
        """Record a problem, unless the cell has one already: one cause often has several
        symptoms, and a dry run should name the cause."""
        if column and any(error.column == column for error in self.errors):
            return
        self.errors.append(RosterError(self.line, column, message))


def _parse_row(row: _Row) -> RosterRow:
    values: dict[str, Any] = {}
    for column in _COLUMNS:
        value = row.value(column.header)
        empty = _EMPTY[column.kind]
        if value is None:
            if column.required:
                row.report(column.header, _("%(column)s is required.") % {"column": column.header})
            values[column.field] = empty() if callable(empty) else empty
            continue
        try:
            values[column.field] = _READERS[column.kind](value)
        except _Problem as problem:
            row.report(column.header, problem.message)
            values[column.field] = empty() if callable(empty) else empty
    parsed = RosterRow(row=row.line, **values)
    _check_dates(row, parsed)
    return parsed


def _check_dates(row: _Row, parsed: RosterRow) -> None:
    for later, earlier in _NEEDS:
        # Filled in, not read: a date that cannot be read is reported as such, not as missing.
        if row.is_filled(_HEADER_OF[later]) and not row.is_filled(_HEADER_OF[earlier]):
            message = _("%(column)s is filled in, but %(earlier)s is empty.")
            row.report(
                _HEADER_OF[later],
                message % {"column": _HEADER_OF[later], "earlier": _HEADER_OF[earlier]},
            )

    stages = [(name, getattr(parsed, name)) for name in _STAGES]
    present = [(name, day) for name, day in stages if day is not None]
    pairs = list(pairwise(present))
    pairs += [
        ((earlier, getattr(parsed, earlier)), (later, getattr(parsed, later)))
        for earlier, later in _ORDER
    ]
    for (earlier, earlier_day), (later, later_day) in pairs:
        if earlier_day is not None and later_day is not None and later_day < earlier_day:
            message = _("%(column)s (%(date)s) is earlier than %(earlier)s (%(earlier_date)s).")
            row.report(
                _HEADER_OF[later],
                message
                % {
                    "column": _HEADER_OF[later],
                    "date": later_day.isoformat(),
                    "earlier": _HEADER_OF[earlier],
                    "earlier_date": earlier_day.isoformat(),
                },
            )

    if parsed.activist_on is not None:
        too_early = [day for day in parsed.assessments if day <= parsed.activist_on]
        if too_early:
            message = _("The assessment on %(date)s is not after %(earlier)s (%(earlier_date)s).")
            row.report(
                _HEADER_OF["assessments"],
                message
                % {
                    "date": too_early[0].isoformat(),
                    "earlier": _HEADER_OF["activist_on"],
                    "earlier_date": parsed.activist_on.isoformat(),
                },
            )

    if parsed.birth_date is not None:
        others = [
            (day, column.header)
            for column in _COLUMNS
            if column.kind in (DATE, DATES) and column.field != "birth_date"
            for day in _dates_in(getattr(parsed, column.field))
        ]
        earliest = min(others, default=None)
        if earliest is not None and earliest[0] <= parsed.birth_date:
            message = _("The date of birth (%(date)s) is not before %(other)s (%(other_date)s).")
            row.report(
                _HEADER_OF["birth_date"],
                message
                % {
                    "date": parsed.birth_date.isoformat(),
                    "other": earliest[1],
                    "other_date": earliest[0].isoformat(),
                },
            )


def _dates_in(value: datetime.date | list[datetime.date] | None) -> list[datetime.date]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# The readers of non-blank cells, by kind. Each returns the value or raises _Problem.


def _read_text(value: object) -> str:
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        # Excel turns 7-1 or 7月1日 into a date as it is typed; guessing the text back would
        # import something nobody wrote.
        raise _Problem(
            _(
                "Excel has turned this cell into a date or a time. "
                "Format the cell as text and type it again."
            )
        )
    return _cell_text(value)


def _read_number(value: object) -> str:
    text = unicodedata.normalize("NFKC", _read_text(value))
    rounded = isinstance(value, float) and abs(value) >= _EXCEL_DIGITS
    if rounded or _SCIENTIFIC.fullmatch(text):
        raise _Problem(
            _(
                'Excel has rounded this number to "%(value)s". '
                "Format the column as text and type the number again."
            )
            % {"value": excerpt(text)}
        )
    return text


def _read_gender(value: object) -> str:
    text = _read_text(value)
    gender = _GENDERS.get(_key(text))
    if gender is None:
        raise _Problem(_('Unknown gender "%(value)s". Write 男 or 女.') % {"value": excerpt(text)})
    return str(gender)


def _read_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _read_text(value)
    answer = _YES_NO.get(_key(text))
    if answer is None:
        raise _Problem(
            _('"%(value)s" is not a yes or no. Write 是 or 否.') % {"value": excerpt(text)}
        )
    return bool(answer)


def _read_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time():
            raise _Problem(_time_of_day(str(value)))
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, datetime.time | datetime.timedelta):
        raise _Problem(
            _("Excel has turned this cell into a time. Write the date, such as 2025-03-01.")
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise _Problem(
            _(
                "%(value)s is a number, not a date. Format the cell as a date, "
                "or write the date as 2025-03-01."
            )
            % {"value": excerpt(_cell_text(value))}
        )
    return _date_of_text(_cell_text(value))


def _date_of_text(text: str) -> datetime.date:
    match = _DATE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        raise _Problem(
            _('"%(value)s" is not a date. Write dates as 2025-03-01, 2025/3/1 or 2025年3月1日.')
            % {"value": excerpt(text)}
        )
    if match["time"] and set(match["time"]) - set("0:."):
        raise _Problem(_time_of_day(text))
    month = match["month"] or match["cn_month"]
    day = match["day"] or match["cn_day"]
    try:
        return datetime.date(int(match["year"]), int(month), int(day))
    except ValueError:
        raise _Problem(
            _('"%(value)s" is not a day of the calendar.') % {"value": excerpt(text)}
        ) from None


def _time_of_day(text: str) -> str:
    return _('"%(value)s" has a time of day. Write the date only.') % {"value": excerpt(text)}


def _read_dates(value: object) -> list[datetime.date]:
    if not isinstance(value, str):
        return [_read_date(value)]
    days: set[datetime.date] = set()
    for piece in _pieces(value):
        try:
            days.add(_date_of_text(piece))
        except _Problem:
            words = piece.split()
            if len(words) < 2:
                raise
            # 2024-04-15 2024-10-20: spaces between dates, as long as every piece is one.
            days.update(_date_of_text(word) for word in words)
    return sorted(days)


def _read_names(value: object) -> list[str]:
    return list(dict.fromkeys(_pieces(_read_text(value))))


def _pieces(text: str) -> Iterator[str]:
    """The non-empty values in a cell that holds several."""
    for piece in _SEPARATORS.split(text):
        piece = _plain(piece)
        if piece:
            yield piece


_READERS: dict[str, Callable[[object], Any]] = {
    NUMBER: _read_number,
    TEXT: _read_text,
    GENDER: _read_gender,
    YES_NO: _read_yes_no,
    DATE: _read_date,
    DATES: _read_dates,
    NAMES: _read_names,
}
# The value of an empty cell, or of one that cannot be read; a callable for a fresh list.
_EMPTY: dict[str, object] = {
    NUMBER: "",
    TEXT: "",
    GENDER: "",
    YES_NO: None,
    DATE: None,
    DATES: list,
    NAMES: list,
}


# Writing the template.

_LAST_ROW = 1_048_576  # Excel's last row: dropdowns and formats cover the whole column.
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
_OPTIONAL_FILL = PatternFill("solid", fgColor="595959")
_TEXT_FORMAT = "@"  # so Excel keeps 学号 and several dates as typed
_DATE_FORMAT = "yyyy-mm-dd"
_WIDTHS = {NUMBER: 14, TEXT: 12, GENDER: 6, YES_NO: 10, DATE: 14, DATES: 24, NAMES: 16}
_WIDE_COLUMNS = {"所在党支部": 28}
_DROPDOWNS: dict[str, dict] = {GENDER: GENDER_WORDS, YES_NO: YES_NO_WORDS}

INSTRUCTIONS_TITLE = "发展党员台账导入模板填写说明"
GENERAL_NOTES = (
    "请在“发展党员台账”工作表中逐人填写，每人占一行。第 1 行是表头，表头上方不要再加标题行。",
    "列名要与模板保持一致，列的前后顺序可以调整，用不到的选填列可以删去。"
    "模板里没有的列不会导入，上传时会列出这些列名供核对。",
    "学号、姓名、所在党支部三列（表头为红色）必须保留，每一行都要填写。"
    "其他各列按发展进度填写，还没有进行的环节留空即可。",
    "日期可以写成 2025-03-01、2025/3/1、2025.3.1 或 2025年3月1日，也可以直接使用单元格的"
    "日期格式。只有年和月（如 2025年3月）的日期无法识别。",
    "考察日期、培养联系人、入党介绍人可以填写多项，各项之间用顿号（、）、逗号或分号分隔，"
    "也可以在单元格内按 Alt+Enter 换行分隔。",
    "各阶段日期须依次不早于前一阶段：申请入党日期、确定积极分子日期、确定发展对象日期、"
    "支部大会日期、党委审批日期、转正日期。填了后一阶段的日期，前一阶段的日期也要填上。"
    "各列的其他要求见下表。",
    "同一学号在文件中只能出现一次。整行空白的行会被跳过。"
    "上下合并的单元格（例如同一党支部的几行合并为一格）按每一行都填了该内容处理。",
    "表格右侧不要另写备注：没有表头却有内容的列会被指出。",
    "上传后系统先检查整个文件，逐条列出有问题的行号和列名；文件中还有问题时不会导入任何数据，"
    "请修改后重新上传。文件也可以另存为 CSV（UTF-8 或 GB18030/GBK 编码）后上传。",
    "本工作表只作说明，不会被导入。",
)
COLUMN_NOTES_HEADER = ("列名", "是否必填", "填写要求", "示例")
COLUMN_NOTES = (
    (
        "学号",
        "必填",
        "学生填学号，教职工填工号；同一文件中不能重复。本列已设为文本格式，"
        "以免较长的号码被 Excel 显示成科学计数法而丢失末几位。",
        "2023010101",
    ),
    ("姓名", "必填", "与学籍或人事系统中的姓名一致。", "张三"),
    ("性别", "选填", "男或女，可在下拉列表中选择。", "女"),
    ("出生日期", "选填", "要早于本行的其他所有日期。", "2005-06-18"),
    (
        "所在党支部",
        "必填",
        "党支部的全称，要与系统中登记的名称一字不差。",
        "计算机学院本科生第一党支部",
    ),
    (
        "是否团员",
        "选填",
        "是或否，也可以写 Y/N、√/×、1/0；不清楚时留空。",
        "是",
    ),
    ("申请入党日期", "选填", "向党组织递交入党申请书的日期。", "2023-10-08"),
    (
        "推优日期",
        "选填",
        "团组织推荐其为入党积极分子人选的日期，不晚于确定积极分子日期。",
        "2024-03-20",
    ),
    (
        "确定积极分子日期",
        "选填",
        "支部委员会确定其为入党积极分子的日期。须先有申请入党日期，且不早于该日期。",
        "2024-04-10",
    ),
    (
        "培养联系人",
        "选填",
        "一至两名正式党员的姓名，多人之间用顿号分隔。须有确定积极分子日期。",
        "李四、王五",
    ),
    (
        "考察日期",
        "选填",
        "每半年一次培养考察的日期，可填多个，用顿号或分号分隔，先后顺序不限。"
        "每个日期都要晚于确定积极分子日期。",
        "2024-10-15、2025-04-12",
    ),
    ("积极分子培训结业日期", "选填", "入党积极分子培训班的结业日期。", "2024-06-28"),
    (
        "确定发展对象日期",
        "选填",
        "支部委员会确定其为发展对象的日期。须先有确定积极分子日期，且不早于该日期。",
        "2025-05-09",
    ),
    (
        "入党介绍人",
        "选填",
        "两名正式党员的姓名，用顿号分隔。须有确定发展对象日期。",
        "赵六、孙七",
    ),
    (
        "政审日期",
        "选填",
        "政治审查形成结论的日期。须有确定发展对象日期，且不晚于支部大会日期。",
        "2025-05-30",
    ),
    (
        "发展对象培训结业日期",
        "选填",
        "发展对象集中培训的结业日期，不晚于支部大会日期。",
        "2025-06-06",
    ),
    (
        "预审日期",
        "选填",
        "上级党委预审的日期。须有确定发展对象日期，且在确定发展对象日期与支部大会日期之间。",
        "2025-06-12",
    ),
    (
        "公示开始日期",
        "选填",
        "公示的第一天。公示开始日期和结束日期要么都填，要么都不填。",
        "2025-06-13",
    ),
    ("公示结束日期", "选填", "公示的最后一天，不早于公示开始日期。", "2025-06-19"),
    (
        "支部大会日期",
        "选填",
        "支部大会讨论接收其为预备党员的日期。须先有确定发展对象日期，且不早于该日期。",
        "2025-06-24",
    ),
    (
        "党委审批日期",
        "选填",
        "上级党委审批的日期。须先有支部大会日期，且不早于该日期。",
        "2025-07-15",
    ),
    (
        "入党宣誓日期",
        "选填",
        "面向党旗宣誓的日期。须有党委审批日期，且不早于该日期。",
        "2025-07-28",
    ),
    (
        "转正日期",
        "选填",
        "转为正式党员的日期。须有党委审批日期，且不早于党委审批日期和入党宣誓日期。",
        "2026-06-24",
    ),
)

_INSTRUCTION_WIDTHS = (22, 10, 70, 28)
_LINE_HEIGHT = 16  # points per line of wrapped text
_WRAP = Alignment(wrap_text=True, vertical="top")


def template_xlsx() -> bytes:
    """The empty roster: the header row (required columns in red), text and date formats for
    the columns, dropdowns for 性别 and 是否团员, and the 填写说明 sheet. It parses back to
    no rows and no problems."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ROSTER_SHEET
    for index, column in enumerate(_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = _WIDE_COLUMNS.get(column.header, _WIDTHS[column.kind])
        dimension.number_format = _DATE_FORMAT if column.kind == DATE else _TEXT_FORMAT
        if column.kind in _DROPDOWNS:
            _add_dropdown(sheet, letter, _DROPDOWNS[column.kind])
    sheet.freeze_panes = "C2"  # 学号 and 姓名 stay in sight while scrolling right
    _write_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _add_dropdown(sheet: Worksheet, letter: str, vocabulary: dict) -> None:
    # No error message: the reader accepts other words (Y/N, M/F...), so Excel must not
    # refuse them.
    words = ",".join(words[0] for words in vocabulary.values())
    validation = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True)
    validation.add(f"{letter}2:{letter}{_LAST_ROW}")
    sheet.add_data_validation(validation)


def _write_instructions(sheet: Worksheet) -> None:
    for index, width in enumerate(_INSTRUCTION_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    full_width = sum(_INSTRUCTION_WIDTHS)
    last = len(_INSTRUCTION_WIDTHS)

    sheet.cell(row=1, column=1, value=INSTRUCTIONS_TITLE).font = Font(bold=True, size=14)
    line = 3
    for number, note in enumerate(GENERAL_NOTES, start=1):
        text = f"{number}. {note}"
        sheet.cell(row=line, column=1, value=text).alignment = _WRAP
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=last)
        # Excel does not grow a merged cell to fit its text, so the row is made tall enough.
        sheet.row_dimensions[line].height = _LINE_HEIGHT * _lines(text, full_width)
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
            cell.number_format = _TEXT_FORMAT
        sheet.row_dimensions[line].height = _LINE_HEIGHT * max(
            _lines(text, width) for text, width in zip(values, _INSTRUCTION_WIDTHS, strict=True)
        )


def _lines(text: str, width: int) -> int:
    """About how many lines ``text`` takes in a column ``width`` wide (a Chinese character: 2)."""
    per_line = max(width // 2, 1)
    return sum(-(-max(len(part), 1) // per_line) for part in text.split("\n"))
