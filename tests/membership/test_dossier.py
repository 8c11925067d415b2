"""Exporting a development dossier: the workbook's sheets, headers, values and date cells; the
PDF's pages, embedded font, text layer and footer. Pure: no database."""

import dataclasses
import datetime
import io
import logging
import re
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from courses.certificates.render import FontNotFound, find_cjk_font
from membership.dossier import (
    Dossier,
    DossierCheck,
    DossierRecord,
    DossierTraining,
    dossier_pdf,
    dossier_xlsx,
)

UTC = datetime.UTC
D = datetime.date

LONG_OPINION = (
    "考察意见：该同志政治立场坚定，学习认真，积极参加支部组织的各项活动，能够起到模范带头作用，"
    "群众基础较好，同意继续培养。"
)


def record(on, kind="培养考察", details="培养联系人：王明、李华", **kwargs):
    return DossierRecord(
        on=on,
        kind_label=kind,
        details=details,
        recorded_by="陈志刚（T2001）",
        # 06:30 UTC is 14:30 in Beijing.
        recorded_at=datetime.datetime.combine(on, datetime.time(6, 30), tzinfo=UTC),
        **kwargs,
    )


THREE_RECORDS = (
    record(D(2024, 3, 1), "入党申请", "递交入党申请书（成绩 <90 & 良好）"),
    record(D(2024, 6, 30), "确定为入党积极分子", "培养联系人：王明、李华", superseded=True),
    record(
        D(2024, 7, 2),
        "确定为入党积极分子",
        "培养联系人：王明、李晓华",
        correction="更正原因：培养联系人姓名登记有误。",
    ),
)

DOSSIER = Dossier(
    school="中共江城大学委员会",
    generated_at=datetime.datetime(2026, 5, 1, 2, 15, tzinfo=UTC),
    generated_by="张建国（T1001）",
    name="林晓雨",
    number="2023010101",
    gender="女",
    ethnicity="汉族",
    birth_date=D(2005, 6, 1),
    organization="计算机学院党委 / 本科生2023级党支部",
    college="计算机学院",
    grade=2023,
    class_name="计科2301班",
    league_member=True,
    stage="入党积极分子",
    records=THREE_RECORDS,
    trainings=(
        DossierTraining(
            "入党积极分子培训",
            Decimal("32"),
            D(2025, 11, 20),
            Decimal("86.5"),
            "证书 2026-DX-7K3M9M",
        ),
        DossierTraining("学院集中培训（线下）", Decimal("8.5"), D(2025, 6, 2), None, "导入记录"),
    ),
    next_stage="发展对象",
    eligible_on=D(2026, 5, 1),
    checks=(
        DossierCheck(
            "确定为入党积极分子满一年",
            True,
            "2024-07-02 确定为入党积极分子",
            "第十二条",
            D(2025, 7, 2),
            True,
        ),
        DossierCheck(
            "每半年一次培养考察", False, "最近一次考察 2025-09-01", "第十四条", D(2026, 3, 1), True
        ),
        DossierCheck("团组织推优", False, "无推优记录", "第十五条", None, False),
    ),
)

KINDS = ("入党申请", "党组织派人谈话", "培养考察", "思想汇报", "指定培养联系人")
MANY_RECORDS = tuple(
    record(
        D(2020, 1, 1) + datetime.timedelta(days=i),
        KINDS[i % len(KINDS)],
        f"第{i + 1}条。" + LONG_OPINION * (1 + i % 3),
        superseded=i % 17 == 0,
    )
    for i in range(200)
)


@pytest.fixture(scope="module")
def font_path():
    try:
        return find_cjk_font()
    except FontNotFound as error:
        pytest.skip(f"no Chinese font on this machine: {error}")


@pytest.fixture(scope="module")
def workbook():
    return openpyxl.load_workbook(io.BytesIO(dossier_xlsx(DOSSIER)))


@pytest.fixture(scope="module")
def small_pdf(font_path):
    return dossier_pdf(DOSSIER, font_path=font_path)


@pytest.fixture(scope="module")
def large_pdf(font_path):
    return dossier_pdf(dataclasses.replace(DOSSIER, records=MANY_RECORDS), font_path=font_path)


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def page_texts(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


# --- Workbook ---------------------------------------------------------------------------------


def test_workbook_has_the_four_sheets_with_chinese_headers(workbook):
    assert workbook.sheetnames == ["基本信息", "发展记录", "培训记录", "发展条件审查"]
    assert rows(workbook["基本信息"])[0] == ["项目", "内容"]
    assert rows(workbook["发展记录"])[0] == [
        "序号", "日期", "事项", "内容", "更正说明", "状态", "登记人", "登记时间",
    ]  # fmt: skip
    assert rows(workbook["培训记录"])[0] == ["序号", "培训名称", "学时", "完成日期", "成绩", "来源"]
    assert rows(workbook["发展条件审查"])[0] == [
        "序号", "条件", "结果", "类别", "依据", "条款", "期限",
    ]  # fmt: skip


def test_every_sheet_has_a_bold_frozen_header_row_and_set_column_widths(workbook):
    for sheet in workbook:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        assert all(sheet.column_dimensions[cell.column_letter].width > 4 for cell in sheet[1])
    # The details column is wider than the serial-number column, but capped: long texts wrap.
    records = workbook["发展记录"]
    assert records.column_dimensions["D"].width > records.column_dimensions["A"].width
    assert records.column_dimensions["D"].width <= 50


def test_basic_information_lists_the_person(workbook):
    info = dict(rows(workbook["基本信息"])[1:])
    assert info["姓名"] == "林晓雨"
    assert info["学号/工号"] == "2023010101"
    assert info["所在党组织"] == "计算机学院党委 / 本科生2023级党支部"
    assert info["年级"] == 2023
    assert info["共青团员"] == "是"
    assert info["当前阶段"] == "入党积极分子"
    assert info["拟进入阶段"] == "发展对象"
    assert info["出生日期"] == datetime.datetime(2005, 6, 1)
    # Generated at 02:15 UTC: the archive shows Beijing time.
    assert info["生成时间"] == datetime.datetime(2026, 5, 1, 10, 15)


def test_records_are_rows_with_real_date_cells_in_beijing_time(workbook):
    sheet = workbook["发展记录"]
    assert rows(sheet)[1] == [
        1,
        datetime.datetime(2024, 3, 1),
        "入党申请",
        "递交入党申请书（成绩 <90 & 良好）",
        None,
        "有效",
        "陈志刚（T2001）",
        datetime.datetime(2024, 3, 1, 14, 30),
    ]
    assert sheet["B2"].is_date and sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["H2"].is_date and sheet["H2"].number_format == "yyyy-mm-dd hh:mm"
    assert rows(sheet)[3][4] == "更正原因：培养联系人姓名登记有误。"


def test_a_superseded_record_is_struck_through_and_marked_corrected(workbook):
    sheet = workbook["发展记录"]
    statuses = [row[5] for row in rows(sheet)[1:]]
    assert statuses == ["有效", "已更正", "有效"]
    # The old record stays legible but struck through; its 状态 stands out instead.
    assert [cell.column_letter for cell in sheet[3] if not cell.font.strike] == ["F"]
    assert sheet["F3"].font.b and sheet["F3"].font.color.rgb.endswith("B3261E")
    assert not any(cell.font.strike for cell in sheet[2])


def test_trainings_keep_numbers_as_numbers_and_dates_as_dates(workbook):
    sheet = workbook["培训记录"]
    assert rows(sheet)[1:] == [
        [1, "入党积极分子培训", 32, datetime.datetime(2025, 11, 20), 86.5, "证书 2026-DX-7K3M9M"],
        [2, "学院集中培训（线下）", 8.5, datetime.datetime(2025, 6, 2), None, "导入记录"],
    ]
    assert sheet["D2"].is_date


def test_checks_say_whether_each_condition_is_met_and_whether_it_blocks(workbook):
    sheet = workbook["发展条件审查"]
    assert [row[1:4] for row in rows(sheet)[1:]] == [
        ["确定为入党积极分子满一年", "满足", "必要条件"],
        ["每半年一次培养考察", "未满足", "必要条件"],
        ["团组织推优", "未满足", "提示"],
    ]
    assert sheet["G2"].is_date and sheet["G2"].value == datetime.datetime(2025, 7, 2)
    assert sheet["G4"].value is None


def test_an_empty_dossier_still_has_all_sheets_with_headers():
    empty = dataclasses.replace(DOSSIER, records=(), trainings=(), checks=(), birth_date=None)
    workbook = openpyxl.load_workbook(io.BytesIO(dossier_xlsx(empty)))
    assert [sheet.max_row for sheet in workbook][1:] == [1, 1, 1]
    assert dict(rows(workbook["基本信息"])[1:])["出生日期"] is None


# --- PDF --------------------------------------------------------------------------------------


def test_the_pdf_is_one_a4_portrait_page_for_three_records(small_pdf):
    assert small_pdf.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(small_pdf)).pages
    assert len(pages) == 1
    box = pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_the_text_layer_holds_the_person_records_and_checks(small_pdf):
    (text,) = page_texts(small_pdf)
    for expected in (
        "发展党员纪实档案",
        "中共江城大学委员会",
        "林晓雨",
        "计算机学院党委 / 本科生2023级党支部",
        "递交入党申请书（成绩 <90 & 良好）",  # markup characters come out as written
        "2024-03-01 14:30",  # recorded at 06:30 UTC
        "【已更正】",
        "更正原因：培养联系人姓名登记有误。",
        "证书 2026-DX-7K3M9M",
        "合计 2 项，40.5 学时。",
        "拟进入阶段：发展对象",
        "第十四条",
    ):
        assert expected in text
    assert text.count("未满足") == 2
    assert "生成时间：2026-05-01 10:15" in text
    assert "第 1 页 共 1 页" in text


def test_the_pdf_embeds_the_simplified_chinese_face_and_no_other_font(small_pdf, font_path):
    descriptors = small_pdf.count(b"/Type /FontDescriptor")
    assert descriptors >= 1
    # Every font has its outlines in the file (TrueType: /FontFile2), so the archive prints the
    # same anywhere; no Helvetica or other reader-supplied font is named.
    assert small_pdf.count(b"/FontFile2") == descriptors
    base_fonts = re.findall(rb"/BaseFont /([^\s/>]+)", small_pdf)
    assert base_fonts
    assert all(re.fullmatch(rb"[A-Z]{6}\+.+", name) for name in base_fonts), base_fonts
    if "NotoSansCJK" in font_path or "NotoSerifCJK" in font_path:
        assert all(b"CJKsc-" in name for name in base_fonts), base_fonts


def test_two_hundred_records_run_onto_numbered_pages_with_the_header_repeated(large_pdf):
    texts = page_texts(large_pdf)
    total = len(texts)
    assert total >= 8
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 共 {total} 页" in text
        if number > 1:
            assert "林晓雨（2023010101）" in text  # the running head
        if "2020-" in text:  # a page of records starts with the table's header
            assert re.search(r"日期\s+事项\s+内容\s+登记人\s+登记时间", text)
    everything = "\n".join(texts)
    assert "第200条。" in everything
    assert everything.count("【已更正】") == len([r for r in MANY_RECORDS if r.superseded])


def test_full_width_punctuation_never_opens_a_line(large_pdf):
    lines = [line.strip() for text in page_texts(large_pdf) for line in text.splitlines()]
    assert not [line for line in lines if line[:1] in "，。；：、！？）"]


def test_a_record_longer_than_a_page_continues_on_the_next(font_path):
    endless = record(D(2024, 9, 1), "思想汇报", LONG_OPINION * 60)
    pdf = dossier_pdf(dataclasses.replace(DOSSIER, records=(endless,)), font_path=font_path)
    texts = page_texts(pdf)
    assert len(texts) >= 3
    assert "".join(texts).count("考察意见") == 60


def test_an_unreadable_font_falls_back_to_the_built_in_song_face(tmp_path, caplog):
    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_bytes(b"not a font")
    with caplog.at_level(logging.WARNING, logger="membership.dossier"):
        pdf = dossier_pdf(DOSSIER, font_path=str(not_a_font))
    assert b"/BaseFont /STSong-Light" in pdf
    assert b"/FontFile" not in pdf
    assert "falling back to STSong-Light" in caplog.text
    (text,) = page_texts(pdf)
    assert "林晓雨" in text
