"""Files made to hurt an import: a far cell, a huge string, zip bombs, a zip that lies about
its sizes, a 50 MB CSV. Used by the bad-input tests and by ``bench/uploads.py``."""

import functools
import io
import re
import zipfile

import openpyxl

from membership.roster import HEADERS

MB = 1024 * 1024
ROSTER_HEADER = "学号,姓名,所在党支部\n"


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


def without_dimension(data: bytes) -> bytes:
    """The workbook with its sheets' declared size (<dimension>) taken out."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb"<dimension ref=\"[^\"]*\"/>", b"", content)
            target.writestr(info.filename, content)
    return out.getvalue()


@functools.cache
def xlsx_with_far_cell_undeclared(headers=HEADERS) -> bytes:
    """The same, with the sheet's <dimension> taken out, so only streaming can tell."""
    return without_dimension(xlsx_with_far_cell(headers))


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
