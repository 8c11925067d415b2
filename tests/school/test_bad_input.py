"""Bad input anywhere is a 4xx (or a refusal on the form) in the user's language, and changes
nothing: hostile uploads (a cell at XFD1048576, a 300 MB string compressed, a zip bomb, a zip
whose members lie about their size, a 50 MB CSV), NUL bytes and control characters, year 0 and
year 1 dates, huge and malformed pages, ids that are not numbers."""

import functools
import io
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from courses.models import Question
from courses.questions.excel import COLUMNS as QUESTION_COLUMNS
from courses.services.question_import import parse_file
from membership.roster import HEADERS
from membership.services.roster import import_roster

pytestmark = pytest.mark.usefixtures("in_english")

MB = 1024 * 1024
ROSTER_HEADER = "学号,姓名,所在党支部\n"


def snapshot() -> dict[str, int]:
    """How many rows every table of ours (and the accounts) holds."""
    ours = {"accounts", "cms", "courses", "membership", "authtoken"}
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ours and not model._meta.proxy
    }


# --- Files made to hurt ------------------------------------------------------------------------


@functools.cache
def xlsx_with_far_cell(headers=HEADERS) -> bytes:
    """A small workbook whose sheet reaches XFD1048576 (one cell there)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    sheet["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@functools.cache
def xlsx_with_far_cell_undeclared(headers=HEADERS) -> bytes:
    """The same, with the sheet's <dimension> taken out, so only streaming can tell."""
    data = xlsx_with_far_cell(headers)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = content.replace(b'<dimension ref="A1:XFD1048576"/>', b"")
            target.writestr(info.filename, content)
    return out.getvalue()


def _minimal_workbook(target: zipfile.ZipFile, *, sheet: bool = True) -> None:
    """The parts of a one-sheet workbook; without ``sheet``, the caller writes sheet1.xml."""
    target.writestr(
        "[Content_Types].xml",
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    target.writestr(
        "_rels/.rels",
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
    )
    target.writestr(
        "xl/workbook.xml",
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    )
    target.writestr(
        "xl/_rels/workbook.xml.rels",
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    if sheet:
        target.writestr(
            "xl/worksheets/sheet1.xml",
            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
            b"</row></sheetData></worksheet>",
        )


@functools.cache
def xlsx_with_huge_string(size: int = 300 * MB) -> bytes:
    """A workbook of a few hundred KB whose one shared string unpacks to ``size`` bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        _minimal_workbook(target)
        with target.open("xl/sharedStrings.xml", "w") as member:
            member.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
            )
            chunk = b"A" * MB
            for _ in range(size // MB):
                member.write(chunk)
            member.write(b"</t></si></sst>")
    return out.getvalue()


@functools.cache
def zip_bomb(members: int = 4, size: int = 64 * MB) -> bytes:
    """A workbook with members of zeros: ``members`` × ``size`` unpacked, a few hundred KB packed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        _minimal_workbook(target)
        for number in range(members):
            with target.open(f"xl/media/zeros{number}.bin", "w") as member:
                chunk = bytes(MB)
                for _ in range(size // MB):
                    member.write(chunk)
    return out.getvalue()


@functools.cache
def zip_that_lies(real: int = 150 * MB, declared: int = 1000) -> bytes:
    """A workbook whose sheet unpacks to ``real`` bytes but whose zip directory says ``declared``."""
    head = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>'
    )
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    tail = b"</sheetData></worksheet>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        _minimal_workbook(target, sheet=False)
        target.writestr("xl/sharedStrings.xml", b"<sst/>")
        with target.open("xl/worksheets/sheet1.xml", "w") as member:
            member.write(head + row)
            for _ in range((real - len(head) - len(row) - len(tail)) // MB):
                member.write(b" " * MB)
            member.write(b" " * ((real - len(head) - len(row) - len(tail)) % MB) + tail)
    data = bytes(out.getvalue())
    # The sheet's true size is in its data descriptor and in the central directory: both are
    # made to say ``declared``.
    size = real.to_bytes(4, "little")
    assert data.count(size) == 2, data.count(size)
    return data.replace(size, declared.to_bytes(4, "little"))


@functools.cache
def big_csv(size: int = 50 * MB) -> bytes:
    line = "2023000001,某某,测试学院本科生2023级党支部\n".encode()
    return (ROSTER_HEADER.encode() + line * (size // len(line) + 1))[: size + 1]


# Each made for a header row (the roster's or the question template's).
HOSTILE_WORKBOOKS = {
    "a cell at XFD1048576": xlsx_with_far_cell,
    "a cell at XFD1048576, not declared": xlsx_with_far_cell_undeclared,
    "a 300 MB string": lambda headers: xlsx_with_huge_string(),
    "a zip bomb": lambda headers: zip_bomb(),
    "a zip that lies about its sizes": lambda headers: zip_that_lies(),
}


def measured(work):
    """(result, seconds, peak MB of Python memory) of ``work()``."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = work()
    finally:
        seconds = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, seconds, peak / MB


# --- Uploads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("make", HOSTILE_WORKBOOKS.values(), ids=HOSTILE_WORKBOOKS.keys())
def test_a_hostile_roster_workbook_is_refused_quickly_and_changes_nothing(
    make, branch, branch_organizer
):
    data = make(HEADERS)
    before = snapshot()
    result, seconds, peak = measured(
        lambda: import_roster("roster.xlsx", data, actor=branch_organizer)
    )
    assert [error.row for error in result.errors] == [0]
    assert len(result.errors[0].message) < 300
    assert seconds < 10 and peak < 64, (seconds, peak)
    assert snapshot() == before


@pytest.mark.parametrize("make", HOSTILE_WORKBOOKS.values(), ids=HOSTILE_WORKBOOKS.keys())
def test_a_hostile_question_workbook_is_refused_quickly(make):
    data = make(QUESTION_COLUMNS)
    result, seconds, peak = measured(lambda: parse_file("bank.xlsx", data))
    assert [problem.line for problem in result.problems] == [0] and not result.questions
    assert seconds < 10 and peak < 64, (seconds, peak)


def test_the_refusals_say_why(branch, branch_organizer):
    # In the user's language: these messages are gettext's, and tests/test_translations.py
    # fails while one has no Chinese translation.
    far = import_roster("roster.xlsx", xlsx_with_far_cell(HEADERS), actor=branch_organizer)
    huge = import_roster("roster.xlsx", xlsx_with_huge_string(), actor=branch_organizer)
    bomb = import_roster("roster.xlsx", zip_bomb(), actor=branch_organizer)
    csv = import_roster("roster.csv", big_csv(), actor=branch_organizer)
    assert "XFD1048576" in far.errors[0].message and "10001 rows" in far.errors[0].message
    assert "unpacks to more than 100 MB" in huge.errors[0].message
    assert "unpacks to more than 100 MB" in bomb.errors[0].message
    assert "larger than 10 MB" in csv.errors[0].message


def test_a_string_cell_is_never_echoed_beyond_an_excerpt(branch, branch_organizer):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["学号", "姓名", "所在党支部", "性别", "出生日期"])
    sheet.append(["2023000001", "林一", "X" * 30_000, "Y" * 30_000, "Z" * 30_000])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_roster("roster.xlsx", buffer.getvalue(), actor=branch_organizer)
    assert result.errors
    assert all(len(error.message) < 300 for error in result.errors), result.errors


def test_a_cell_longer_than_excel_allows_is_refused(branch, branch_organizer):
    data = (ROSTER_HEADER + "2023000001,林一," + "支" * 40_000 + "\n").encode()
    result = import_roster("roster.csv", data, actor=branch_organizer)
    assert [error.row for error in result.errors] == [0]
    assert "32767" in result.errors[0].message


def test_too_many_rows_are_refused(branch, branch_organizer, settings):
    settings.ROSTER_UPLOAD_MAX_ROWS = 100
    rows = "".join(f"20230{n:05d},某某,测试学院本科生2023级党支部\n" for n in range(101))
    result = import_roster("roster.csv", (ROSTER_HEADER + rows).encode(), actor=branch_organizer)
    assert [error.row for error in result.errors] == [0]
    assert "100" in result.errors[0].message


def test_a_50_mb_csv_is_refused_by_its_size_everywhere(
    tmp_path, client, api_client, branch, branch_organizer, admin
):
    data = big_csv()
    before = snapshot()

    result, seconds, _peak = measured(
        lambda: import_roster("roster.csv", data, actor=branch_organizer, dry_run=True)
    )
    assert [error.row for error in result.errors] == [0] and seconds < 1

    api_client.force_authenticate(branch_organizer)
    upload = SimpleUploadedFile("roster.csv", data, content_type="text/csv")
    response = api_client.post(
        "/api/v1/people/import/", {"file": upload, "dry_run": "true"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"

    client.force_login(admin)
    upload = SimpleUploadedFile("roster.csv", data, content_type="text/csv")
    page = client.post(reverse("people:roster"), {"file": upload})
    assert page.status_code == 200
    assert "10 MB" in page.content.decode()

    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--as", "admin", verbosity=0)
    assert snapshot() == before


def test_a_question_file_over_the_cap_is_refused_on_the_form(client, admin):
    client.force_login(admin)
    upload = SimpleUploadedFile("bank.gift", b"x" * (10 * MB + 1))
    page = client.post(reverse("question_banks:import"), {"file": upload, "new_bank": "题库"})
    assert page.status_code == 200 and "10 MB" in page.content.decode()
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "make",
    [HOSTILE_WORKBOOKS[name] for name in ("a cell at XFD1048576", "a 300 MB string", "a zip bomb")],
)
def test_a_hostile_list_to_verify_is_refused_on_the_form(make, client, admin):
    client.force_login(admin)
    upload = SimpleUploadedFile("numbers.xlsx", make(("学号",)))
    before = snapshot()
    page = client.post(reverse("certificates:bulk_verify"), {"file": upload})
    assert page.status_code == 200
    assert "error" in page.content.decode()
    assert snapshot() == before


# --- Control characters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/people/?student_number=%00",
        "/api/v1/people/?student_number=2023%0001",
        "/api/v1/people/?stage=%01",
        "/api/v1/certificates/verify/2026-DX-%00/",
        "/api/v1/exams/?%00=1",
    ],
)
def test_nul_and_control_characters_in_an_address_are_a_400(url, api_client, branch_organizer):
    api_client.force_authenticate(branch_organizer)
    before = snapshot()
    response = api_client.get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"
    assert snapshot() == before


def test_nul_in_a_page_address_is_a_400_in_the_users_language(client):
    response = client.get("/search/?q=%00")
    assert response.status_code == 400
    assert "控制字符" in response.content.decode() or "NUL" in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        '{"state": "visible\\u0000"}',
        '{"state": "visible", "video_seconds": 1e999}',
        '{"\\u0000": 1, "state": "visible"}',
    ],
)
def test_nul_and_numbers_without_a_value_in_a_json_body_are_a_400(body, api_client, learner):
    api_client.force_authenticate(learner)
    before = snapshot()
    response = api_client.post(
        "/api/v1/lessons/1/heartbeat/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert snapshot() == before


# --- Dates, pages, ids -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "eligible_on=0001-04-14",
        "eligible_on=0000-01-01",
        "missing_only_training_on=1899-12-31",
        "assessment_overdue_on=2101-01-01",
        "eligible_on=9999-12-31",
        "eligible_on=20261201",
    ],
)
def test_a_date_outside_1900_to_2100_is_a_400(query, api_client, branch_organizer):
    api_client.force_authenticate(branch_organizer)
    response = api_client.get(f"/api/v1/people/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"


def test_a_notice_dated_in_year_1_is_refused_and_nothing_is_published(
    api_client, branch, branch_organizer
):
    api_client.force_authenticate(branch_organizer)
    before = snapshot()
    response = api_client.post(
        "/api/v1/notices/",
        {
            "kind": "candidate_notice",
            "organization": branch.pk,
            "student_numbers": ["2023010101"],
            "starts_on": "0001-01-01",
            "feedback": "党委组织部",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "starts_on" in response.json()["errors"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("page=99999999999999999999999999", 200),
        ("page=2", 200),
        ("page=0", 400),
        ("page=-1", 400),
        ("page=abc", 400),
        ("page=last", 400),
        ("page_size=101", 400),
        ("page_size=100000000000000000000", 400),
        ("page_size=0", 400),
        ("page_size=100", 200),
    ],
)
def test_pages_past_the_end_are_empty_and_bad_pages_are_a_400(query, status, api_client, learner):
    api_client.force_authenticate(learner)
    for url in ("/api/v1/enrollments/", "/api/v1/exams/", "/api/v1/certificates/"):
        response = api_client.get(f"{url}?{query}")
        assert response.status_code == status, (url, response.content)
        body = response.json()
        if status == 200:
            assert body["results"] == [] and body["next"] is None and "count" in body
        else:
            assert body["code"] == "invalid"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/lessons/null/visit/",
        "/api/v1/lessons/99999999999999999999/visit/",
        "/api/v1/courses/-522884446285010108416/enroll/",
        "/api/v1/people/1.5/",
        "/api/v1/attempts/1/answers/abc/",
        "/api/v1/no-such-thing/",
    ],
)
def test_an_id_that_is_not_a_number_is_a_json_404(url, api_client, learner):
    api_client.force_authenticate(learner)
    before = snapshot()
    response = api_client.post(url) if url.endswith(("visit/", "enroll/")) else api_client.get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot() == before
