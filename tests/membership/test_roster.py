import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import translation

from membership.roster import (
    COLUMN_NOTES,
    HEADERS,
    INSTRUCTIONS_SHEET,
    ROSTER_SHEET,
    RosterResult,
    RosterRow,
    parse_roster,
    template_xlsx,
)

D = datetime.date

# A person who has been through every step, with dates in order: each test changes one thing.
FULL = {
    "学号": "2023010101",
    "姓名": "张三",
    "性别": "女",
    "出生日期": "2005-06-18",
    "所在党支部": "计算机学院本科生第一党支部",
    "是否团员": "是",
    "申请入党日期": "2023-10-08",
    "推优日期": "2024-03-20",
    "确定积极分子日期": "2024-04-10",
    "培养联系人": "李四、王五",
    "考察日期": "2025-04-12、2024-10-15",
    "积极分子培训结业日期": "2024-06-28",
    "确定发展对象日期": "2025-05-09",
    "入党介绍人": "赵六、孙七",
    "政审日期": "2025-05-30",
    "发展对象培训结业日期": "2025-06-06",
    "预审日期": "2025-06-12",
    "公示开始日期": "2025-06-13",
    "公示结束日期": "2025-06-19",
    "支部大会日期": "2025-06-24",
    "党委审批日期": "2025-07-15",
    "入党宣誓日期": "2025-07-28",
    "转正日期": "2026-06-24",
}
FULL_ROW = RosterRow(
    row=2,
    number="2023010101",
    name="张三",
    gender="female",
    birth_date=D(2005, 6, 18),
    branch="计算机学院本科生第一党支部",
    league_member=True,
    applied_on=D(2023, 10, 8),
    league_recommended_on=D(2024, 3, 20),
    activist_on=D(2024, 4, 10),
    mentors=["李四", "王五"],
    assessments=[D(2024, 10, 15), D(2025, 4, 12)],
    activist_training_on=D(2024, 6, 28),
    candidate_on=D(2025, 5, 9),
    introducers=["赵六", "孙七"],
    political_review_on=D(2025, 5, 30),
    candidate_training_on=D(2025, 6, 6),
    pre_review_on=D(2025, 6, 12),
    notice_starts_on=D(2025, 6, 13),
    notice_ends_on=D(2025, 6, 19),
    meeting_on=D(2025, 6, 24),
    approved_on=D(2025, 7, 15),
    oath_on=D(2025, 7, 28),
    full_member_on=D(2026, 6, 24),
)
# The least a row holds.
MINIMAL = {"学号": "2023010102", "姓名": "李明", "所在党支部": "第一党支部"}


def csv_text(rows: list[dict], headers: tuple[str, ...] = HEADERS) -> str:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return output.getvalue()


def parse_csv(rows: list[dict], headers: tuple[str, ...] = HEADERS) -> RosterResult:
    with translation.override("en"):
        return parse_roster("roster.csv", csv_text(rows, headers).encode())


def xlsx(rows: list[list], title: str = ROSTER_SHEET) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def parse(filename: str, data: bytes) -> RosterResult:
    with translation.override("en"):
        return parse_roster(filename, data)


def located(result: RosterResult) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in result.errors]


def only_error(result: RosterResult) -> tuple[int, str, str]:
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    return error.row, error.column, error.message


def with_cell(column: str, value: str, row: dict = FULL) -> dict:
    return {**row, column: value}


def without(row: dict, *columns: str) -> dict:
    return {column: value for column, value in row.items() if column not in columns}


# Reading.


def test_a_full_csv_row_becomes_typed_values():
    result = parse_csv([FULL])

    assert result.errors == []
    assert result.unknown_columns == []
    assert result.rows == [FULL_ROW]


def test_a_minimal_row_leaves_the_rest_empty():
    result = parse_csv([MINIMAL])

    assert result.errors == []
    [row] = result.rows
    assert (row.number, row.name, row.branch) == ("2023010102", "李明", "第一党支部")
    assert row.gender == ""
    assert row.league_member is None
    assert row.mentors == row.introducers == row.assessments == []
    assert row.applied_on is None and row.full_member_on is None


def test_xlsx_with_date_and_number_cells_in_any_column_order():
    headers = list(reversed(HEADERS))
    cells = dict(FULL)
    cells.update(
        {
            "学号": 2023010101,  # a number cell
            "出生日期": datetime.datetime(2005, 6, 18),  # a date cell, as openpyxl reads it back
            "申请入党日期": datetime.datetime(2023, 10, 8, 0, 0),  # date and midnight time
            "推优日期": D(2024, 3, 20),
            "确定积极分子日期": "2024/4/10",  # text in a date column
            "考察日期": datetime.datetime(2024, 10, 15),  # one date cell in the column of several
            "是否团员": True,  # an Excel TRUE cell
        }
    )
    data = xlsx([headers, [cells[header] for header in headers]])

    result = parse("roster.xlsx", data)

    assert result.errors == []
    assert result.rows == [
        RosterRow(**{**FULL_ROW.__dict__, "assessments": [D(2024, 10, 15)]}),
    ]


def test_a_student_number_typed_as_a_decimal_number_loses_the_point_zero():
    data = xlsx([["学号", "姓名", "所在党支部"], [2023010101.0, "张三", "一支部"]])

    assert parse("roster.xlsx", data).rows[0].number == "2023010101"


def test_full_width_digits_in_a_student_number_become_ascii():
    result = parse_csv([with_cell("学号", "２０２３０１０１０１", MINIMAL)])

    assert result.rows[0].number == "2023010101"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030_parses_the_same(encoding):
    text = csv_text([FULL, MINIMAL], headers=(*HEADERS, "备注"))

    result = parse("roster.csv", text.encode(encoding))

    assert result.errors == []
    assert result.unknown_columns == ["备注"]
    assert [row.number for row in result.rows] == ["2023010101", "2023010102"]
    assert result.rows[0] == FULL_ROW


def test_a_tab_separated_file_is_read():
    text = "学号\t姓名\t所在党支部\t考察日期\n2023010101\t张三\t一支部\t\n"

    result = parse("roster.txt", text.encode("utf-8"))

    assert result.errors == []
    assert result.rows[0].name == "张三"


def test_a_line_break_inside_a_quoted_csv_cell_stays_in_the_cell_and_rows_keep_their_numbers():
    text = (
        "学号,姓名,所在党支部,申请入党日期,确定积极分子日期,培养联系人\n"
        '1,张三,一支部,2023-10-08,2024-04-10,"李四\n王五"\n'
        "2,李明,,,,\n"
    )

    result = parse("roster.csv", text.encode())

    assert result.rows[0].mentors == ["李四", "王五"]
    assert located(result) == [(3, "所在党支部")]


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-01",
        "2025-3-1",
        "2025/3/1",
        "2025/03/01",
        "2025.3.1",
        "2025年3月1日",
        "2025年03月01日",
        "2025 年 3 月 1 日",
        "2025年3月1号",
        "２０２５－０３－０１",
        "２０２５年３月１日",
        "2025/3/1 0:00",
        "2025-03-01 00:00:00",
    ],
)
def test_every_date_format_is_read(text):
    result = parse_csv([with_cell("出生日期", text, MINIMAL)])

    assert result.errors == []
    assert result.rows[0].birth_date == D(2025, 3, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-02-30", '"2025-02-30" is not a day of the calendar.'),
        ("2025-13-01", '"2025-13-01" is not a day of the calendar.'),
        (
            "2025年3月",
            '"2025年3月" is not a date. Write dates as 2025-03-01, 2025/3/1 or 2025年3月1日.',
        ),
        (
            "3/1/2025",
            '"3/1/2025" is not a date. Write dates as 2025-03-01, 2025/3/1 or 2025年3月1日.',
        ),
        (
            "2025-3/1",
            '"2025-3/1" is not a date. Write dates as 2025-03-01, 2025/3/1 or 2025年3月1日.',
        ),
        ("去年", '"去年" is not a date. Write dates as 2025-03-01, 2025/3/1 or 2025年3月1日.'),
        ("2025-03-01 08:30", '"2025-03-01 08:30" has a time of day. Write the date only.'),
    ],
)
def test_a_date_that_cannot_be_read_is_reported_with_its_row_column_and_value(text, message):
    result = parse_csv([MINIMAL, with_cell("出生日期", text, MINIMAL | {"学号": "2"})])

    assert only_error(result) == (3, "出生日期", message)
    assert [row.row for row in result.rows] == [2]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            45717,
            "45717 is a number, not a date. Format the cell as a date, or write the date as 2025-03-01.",
        ),
        (
            datetime.datetime(2025, 3, 1, 9, 30),
            '"2025-03-01 09:30:00" has a time of day. Write the date only.',
        ),
        (
            datetime.time(9, 30),
            "Excel has turned this cell into a time. Write the date, such as 2025-03-01.",
        ),
    ],
)
def test_an_xlsx_cell_that_is_not_a_date_is_reported(cell, message):
    data = xlsx([["学号", "姓名", "所在党支部", "申请入党日期"], ["1", "张三", "一支部", cell]])

    assert only_error(parse("roster.xlsx", data)) == (2, "申请入党日期", message)


@pytest.mark.parametrize(
    "text",
    [
        "李四、王五",
        "李四;王五",
        "李四；王五",
        "李四,王五",
        "李四，王五",
        "李四\n王五",
        "李四\r\n王五",
        " 李四 、　王五、",
        "李四、、王五；李四",
    ],
)
def test_names_are_separated_by_the_listed_marks_and_line_breaks(text):
    result = parse_csv([with_cell("入党介绍人", text)])

    assert result.errors == []
    assert result.rows[0].introducers == ["李四", "王五"]


def test_spaces_do_not_separate_names():
    result = parse_csv([with_cell("培养联系人", "John Smith、张　三")])

    assert result.rows[0].mentors == ["John Smith", "张　三"]


@pytest.mark.parametrize(
    "text",
    [
        "2024-10-15、2025-04-12",
        "2025/4/12；2024/10/15",
        "2024年10月15日;2025年4月12日",
        "2024-10-15,2025-04-12，2024-10-15",
        "2024-10-15\n2025-04-12",
        "2024-10-15 2025-04-12",
        "2024-10-15　 2025/4/12、",
    ],
)
def test_assessment_dates_are_separated_like_names_and_come_out_sorted(text):
    result = parse_csv([with_cell("考察日期", text)])

    assert result.errors == []
    assert result.rows[0].assessments == [D(2024, 10, 15), D(2025, 4, 12)]


def test_one_bad_date_among_several_is_named():
    result = parse_csv([with_cell("考察日期", "2024-10-15、2025-04-31")])

    assert only_error(result) == (2, "考察日期", '"2025-04-31" is not a day of the calendar.')


@pytest.mark.parametrize(
    ("text", "gender"),
    [("男", "male"), ("女", "female"), ("男性", "male"), ("M", "male"), ("f", "female")],
)
def test_gender_words(text, gender):
    assert parse_csv([with_cell("性别", text, MINIMAL)]).rows[0].gender == gender


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("Yes", True),
        ("√", True),
        ("×", False),
        ("1", True),
        ("0", False),
        ("ｙ", True),
        ("", None),
    ],
)
def test_yes_and_no_words(text, answer):
    assert parse_csv([with_cell("是否团员", text, MINIMAL)]).rows[0].league_member is answer


def test_yes_and_no_as_number_and_boolean_cells():
    data = xlsx(
        [
            ["学号", "姓名", "所在党支部", "是否团员"],
            ["1", "张三", "一支部", 1],
            ["2", "李四", "一支部", 0],
            ["3", "王五", "一支部", False],
        ]
    )

    assert [row.league_member for row in parse("roster.xlsx", data).rows] == [True, False, False]


def test_spaces_full_width_spaces_and_zero_width_characters_around_values_are_trimmed():
    row = {
        "学号": "\u3000 2023010101\t",
        "姓名": "\u200b张三\u3000",
        "所在党支部": " 第一党支部 ",
        "申请入党日期": "\u30002024-01-01 ",
    }

    [parsed] = parse_csv([row]).rows

    assert (parsed.number, parsed.name, parsed.branch) == ("2023010101", "张三", "第一党支部")
    assert parsed.applied_on == D(2024, 1, 1)


def test_headers_are_matched_ignoring_spaces_and_full_width_forms():
    data = xlsx([["学 号", " 姓名", "所在党支部\u3000"], ["1", "张三", "一支部"]])

    result = parse("roster.xlsx", data)

    assert result.errors == [] and result.unknown_columns == []
    assert result.rows[0].name == "张三"


def test_unknown_columns_are_reported_once_but_are_not_errors():
    headers = ("序号", "学号", "姓名", "所在党支部", "备注", "备注")
    result = parse_csv([{"序号": "1", **MINIMAL, "备注": "转入"}], headers)

    assert result.unknown_columns == ["序号", "备注"]
    assert result.errors == []
    assert len(result.rows) == 1


def test_fully_empty_rows_are_skipped_and_the_others_keep_their_row_numbers():
    data = xlsx(
        [
            ["学号", "姓名", "所在党支部", "备注"],
            ["1", "张三", "一支部", None],
            [None, None, None, None],
            ["  ", "\u3000", None, None],
            [None, None, None, "只有备注的行"],  # no roster value: nothing to import
            ["2", "李四", "一支部", None],
        ]
    )
    text = "学号,姓名,所在党支部\n1,张三,一支部\n,,\n\n ,　,\n2,李四,一支部\n"

    for result in (parse("roster.xlsx", data), parse("roster.csv", text.encode())):
        assert result.errors == []
        assert [row.row for row in result.rows] == [2, 6]


def test_a_cell_merged_down_a_column_counts_for_each_of_its_rows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["学号", "姓名", "所在党支部"])
    sheet.append(["1", "张三", "第一党支部"])
    sheet.append(["2", "李四", None])
    sheet.append(["3", "王五", None])
    sheet.append(["4", "赵六", "第二党支部"])
    sheet.merge_cells("C2:C4")
    output = io.BytesIO()
    workbook.save(output)

    result = parse("roster.xlsx", output.getvalue())

    assert result.errors == []
    assert [row.branch for row in result.rows] == ["第一党支部"] * 3 + ["第二党支部"]


def test_the_roster_sheet_is_read_whatever_its_position():
    workbook = openpyxl.Workbook()
    workbook.active.title = INSTRUCTIONS_SHEET
    workbook.active.append(["说明"])
    other = workbook.create_sheet("统计")
    other.append(["学号"])
    roster = workbook.create_sheet(ROSTER_SHEET)
    roster.append(["学号", "姓名", "所在党支部"])
    roster.append(["1", "张三", "一支部"])
    output = io.BytesIO()
    workbook.save(output)

    result = parse("roster.xlsx", output.getvalue())

    assert result.errors == []
    assert [row.name for row in result.rows] == ["张三"]


def test_an_xlsx_is_recognised_by_its_content_whatever_its_name():
    data = xlsx([["学号", "姓名", "所在党支部"], ["1", "张三", "一支部"]])

    assert parse("roster", data).rows[0].name == "张三"
    assert parse("台账.CSV", data).rows[0].name == "张三"


def test_a_large_file_is_read():
    # CSV rather than .xlsx: openpyxl's own reading would be most of the time spent, and every
    # check after reading is the same for both.
    rows = [FULL | {"学号": str(2023000000 + index)} for index in range(5000)]
    rows[-1]["学号"] = "2023000000"  # the same number as the first row

    result = parse_csv(rows)

    assert len(result.rows) == 4999
    assert only_error(result) == (
        5001,
        "学号",
        "The student number 2023000000 is already on row 2.",
    )


# The template.


def test_the_template_parses_back_to_no_rows_and_no_errors():
    assert parse("template.xlsx", template_xlsx()) == RosterResult(
        rows=[], errors=[], unknown_columns=[]
    )


def test_the_template_has_the_headers_in_order_and_explains_every_column():
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx()))

    assert workbook.sheetnames == [ROSTER_SHEET, INSTRUCTIONS_SHEET]
    header = next(workbook[ROSTER_SHEET].iter_rows(max_row=1, values_only=True))
    assert header == HEADERS
    assert [note[0] for note in COLUMN_NOTES] == list(HEADERS)
    explained = {cell for row in workbook[INSTRUCTIONS_SHEET].values for cell in row if cell}
    assert set(HEADERS) <= explained


def test_a_filled_in_template_is_read():
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    sheet = workbook[ROSTER_SHEET]
    sheet.append([FULL[header] for header in HEADERS])
    output = io.BytesIO()
    workbook.save(output)

    assert parse("roster.xlsx", output.getvalue()).rows == [FULL_ROW]


# Errors in the header row.


def test_missing_required_columns_are_reported_on_the_header_row():
    result = parse_csv([{"性别": "男"}], headers=("性别", "出生日期"))

    assert located(result) == [(1, "学号"), (1, "姓名"), (1, "所在党支部")]
    assert result.errors[0].message == (
        "This column is required but the header row does not have it."
    )
    assert result.rows == []


def test_a_duplicate_column_is_reported_once_on_the_header_row():
    headers = ("学号", "姓名", "出生日期", "所在党支部", "出生日期", "出生日期")

    result = parse_csv([MINIMAL], headers)

    assert only_error(result) == (1, "出生日期", "This column appears more than once.")


def test_a_title_row_above_the_headers_is_pointed_out():
    data = xlsx(
        [["计算机学院发展党员台账"], ["学号", "姓名", "所在党支部"], ["1", "张三", "一支部"]]
    )

    assert only_error(parse("roster.xlsx", data)) == (
        1,
        "",
        "Row 2 looks like the header row. The headers must be in row 1: delete the rows above it.",
    )


def test_values_in_a_column_without_a_header_are_reported_once():
    data = xlsx(
        [
            ["学号", "姓名", "所在党支部"],
            ["1", "张三", "一支部"],
            ["2", "李四", "一支部", None, "转专业"],
            ["3", "王五", "一支部", None, "休学"],
        ]
    )

    assert only_error(parse("roster.xlsx", data)) == (
        3,
        "",
        "Column E has values but no header, so they are not read.",
    )


# Errors in the rows.


@pytest.mark.parametrize("column", ["学号", "姓名", "所在党支部"])
def test_a_missing_required_value_is_reported(column):
    result = parse_csv([with_cell(column, "\u3000")])

    assert only_error(result) == (2, column, f"{column} is required.")
    assert result.rows == []


def test_the_same_student_number_on_two_rows_is_reported_on_the_later_ones():
    rows = [MINIMAL, MINIMAL | {"学号": "7"}, MINIMAL, MINIMAL | {"学号": " 2023010102 "}]

    result = parse_csv(rows)

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (4, "学号", "The student number 2023010102 is already on row 2."),
        (5, "学号", "The student number 2023010102 is already on row 2."),
    ]
    assert [row.row for row in result.rows] == [2, 3]


def test_an_unknown_gender_is_reported():
    result = parse_csv([with_cell("性别", "未知")])

    assert only_error(result) == (2, "性别", 'Unknown gender "未知". Write 男 or 女.')


def test_an_unknown_yes_or_no_is_reported():
    result = parse_csv([with_cell("是否团员", "曾是")])

    assert only_error(result) == (2, "是否团员", '"曾是" is not a yes or no. Write 是 or 否.')


def test_a_date_cell_in_a_text_column_is_reported():
    data = xlsx([["学号", "姓名", "所在党支部"], ["1", datetime.datetime(2025, 7, 1), "一支部"]])

    assert only_error(parse("roster.xlsx", data)) == (
        2,
        "姓名",
        "Excel has turned this cell into a date or a time. Format the cell as text and type it again.",
    )


def test_a_student_number_excel_has_rounded_is_reported():
    from_csv = parse_csv([with_cell("学号", "2.02301E+09", MINIMAL)])
    data = xlsx([["学号", "姓名", "所在党支部"], [2.0230101010123457e18, "张三", "一支部"]])
    from_xlsx = parse("roster.xlsx", data)

    assert only_error(from_csv) == (
        2,
        "学号",
        'Excel has rounded this number to "2.02301E+09". '
        "Format the column as text and type the number again.",
    )
    assert located(from_xlsx) == [(2, "学号")]


@pytest.mark.parametrize(
    ("column", "value", "reported", "message"),
    [
        (
            "确定积极分子日期",
            "2023-10-07",
            "确定积极分子日期",
            "确定积极分子日期 (2023-10-07) is earlier than 申请入党日期 (2023-10-08).",
        ),
        (
            "确定发展对象日期",
            "2024-04-09",
            "确定发展对象日期",
            "确定发展对象日期 (2024-04-09) is earlier than 确定积极分子日期 (2024-04-10).",
        ),
        (
            "支部大会日期",
            "2025-05-08",
            "支部大会日期",
            "支部大会日期 (2025-05-08) is earlier than 确定发展对象日期 (2025-05-09).",
        ),
        (
            "党委审批日期",
            "2025-06-23",
            "党委审批日期",
            "党委审批日期 (2025-06-23) is earlier than 支部大会日期 (2025-06-24).",
        ),
        (
            "入党宣誓日期",
            "2025-07-14",
            "入党宣誓日期",
            "入党宣誓日期 (2025-07-14) is earlier than 党委审批日期 (2025-07-15).",
        ),
        (
            "转正日期",
            "2025-07-27",
            "转正日期",
            "转正日期 (2025-07-27) is earlier than 入党宣誓日期 (2025-07-28).",
        ),
        (
            "推优日期",
            "2024-04-11",
            "确定积极分子日期",
            "确定积极分子日期 (2024-04-10) is earlier than 推优日期 (2024-04-11).",
        ),
        (
            "预审日期",
            "2025-05-08",
            "预审日期",
            "预审日期 (2025-05-08) is earlier than 确定发展对象日期 (2025-05-09).",
        ),
        (
            "预审日期",
            "2025-06-25",
            "支部大会日期",
            "支部大会日期 (2025-06-24) is earlier than 预审日期 (2025-06-25).",
        ),
        (
            "政审日期",
            "2025-06-25",
            "支部大会日期",
            "支部大会日期 (2025-06-24) is earlier than 政审日期 (2025-06-25).",
        ),
        (
            "发展对象培训结业日期",
            "2025-06-25",
            "支部大会日期",
            "支部大会日期 (2025-06-24) is earlier than 发展对象培训结业日期 (2025-06-25).",
        ),
        (
            "公示结束日期",
            "2025-06-12",
            "公示结束日期",
            "公示结束日期 (2025-06-12) is earlier than 公示开始日期 (2025-06-13).",
        ),
    ],
)
def test_dates_out_of_order_are_reported_on_the_later_column(column, value, reported, message):
    assert only_error(parse_csv([with_cell(column, value)])) == (2, reported, message)


def test_the_same_day_for_two_stages_is_in_order():
    row = FULL | {
        "确定积极分子日期": "2023-10-08",
        "推优日期": "2023-10-08",
        "考察日期": "2024-01-01",
    }

    assert parse_csv([row]).errors == []


def test_the_stage_order_skips_over_a_stage_that_is_not_a_date():
    # 确定发展对象日期 cannot be read, so 支部大会日期 is compared with 确定积极分子日期.
    row = FULL | {"确定发展对象日期": "待定", "支部大会日期": "2024-04-09"}

    assert located(parse_csv([row])) == [(2, "确定发展对象日期"), (2, "支部大会日期")]


@pytest.mark.parametrize("day", ["2024-04-10", "2024-01-01"])
def test_an_assessment_not_after_the_activist_date_is_reported(day):
    result = parse_csv([with_cell("考察日期", f"2025-04-12、{day}")])

    assert only_error(result) == (
        2,
        "考察日期",
        f"The assessment on {day} is not after 确定积极分子日期 (2024-04-10).",
    )


@pytest.mark.parametrize(
    ("removed", "column"),
    [
        ("申请入党日期", "确定积极分子日期"),
        ("确定积极分子日期", "确定发展对象日期"),
        ("确定发展对象日期", "支部大会日期"),
        ("支部大会日期", "党委审批日期"),
    ],
)
def test_a_later_stage_without_the_earlier_stage_is_reported(removed, column):
    row = without(FULL, *HEADERS[HEADERS.index(removed) :])
    row[column] = FULL[column]

    assert only_error(parse_csv([row])) == (
        2,
        column,
        f"{column} is filled in, but {removed} is empty.",
    )


def test_mentors_and_assessments_need_the_activist_date():
    row = without(FULL, *HEADERS[HEADERS.index("确定积极分子日期") :])
    row |= {"培养联系人": "李四", "考察日期": "2024-10-15"}

    result = parse_csv([row])

    assert [(e.column, e.message) for e in result.errors] == [
        ("培养联系人", "培养联系人 is filled in, but 确定积极分子日期 is empty."),
        ("考察日期", "考察日期 is filled in, but 确定积极分子日期 is empty."),
    ]


@pytest.mark.parametrize("column", ["入党介绍人", "政审日期", "预审日期"])
def test_the_candidate_steps_need_the_candidate_date(column):
    row = without(FULL, *HEADERS[HEADERS.index("确定发展对象日期") :])
    row[column] = FULL[column]

    assert only_error(parse_csv([row]))[:2] == (2, column)


def test_the_oath_and_full_membership_need_the_approval_date():
    row = without(FULL, "党委审批日期")

    assert located(parse_csv([row])) == [(2, "入党宣誓日期"), (2, "转正日期")]


@pytest.mark.parametrize(
    ("removed", "column"), [("公示开始日期", "公示结束日期"), ("公示结束日期", "公示开始日期")]
)
def test_a_notice_needs_both_ends(removed, column):
    assert only_error(parse_csv([without(FULL, removed)]))[:2] == (2, column)


def test_a_step_after_a_date_that_cannot_be_read_is_not_called_missing():
    result = parse_csv([with_cell("确定积极分子日期", "2024-04-31")])

    assert located(result) == [(2, "确定积极分子日期")]


def test_a_date_of_birth_after_another_date_is_reported():
    result = parse_csv([with_cell("出生日期", "2023-10-08")])

    assert only_error(result) == (
        2,
        "出生日期",
        "The date of birth (2023-10-08) is not before 申请入党日期 (2023-10-08).",
    )


def test_several_errors_in_one_file_are_all_reported_in_row_and_column_order():
    headers = ("备注", *HEADERS)
    rows = [
        FULL,
        MINIMAL | {"性别": "?", "学号": ""},
        {},
        FULL
        | {"学号": "5", "转正日期": "2026-13-01", "出生日期": "2030-01-01", "培养联系人": "李四"},
        FULL | {"学号": "6", "确定积极分子日期": "", "是否团员": "可能"},
        FULL,
    ]

    result = parse_csv(rows, headers)

    assert located(result) == [
        (3, "学号"),
        (3, "性别"),
        (5, "出生日期"),
        (5, "转正日期"),
        (6, "是否团员"),
        (6, "培养联系人"),
        (6, "考察日期"),
        (6, "确定发展对象日期"),
        (7, "学号"),
    ]
    assert [row.row for row in result.rows] == [2]
    assert result.unknown_columns == ["备注"]


# Files that cannot be read.

XLS_MESSAGE = (
    "This is an Excel 97-2003 (.xls) file or a password-protected workbook. "
    "Save it as an Excel workbook (.xlsx) without a password and upload it again."
)
NOT_XLSX_MESSAGE = (
    "This file is not an Excel workbook (.xlsx) that can be read. "
    "Open it in Excel or WPS, save it as .xlsx and upload it again."
)
NOT_TEXT_MESSAGE = (
    "This file cannot be read as a CSV file in UTF-8 or GB18030. Save it from Excel or WPS "
    "as CSV (UTF-8) or as an Excel workbook (.xlsx) and upload it again."
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("roster.xls", OLE, XLS_MESSAGE),
        ("roster.xlsx", OLE, XLS_MESSAGE),  # a password-protected workbook is an OLE file
        ("roster.xlsx", b"PK\x03\x04" + bytes(range(256)), NOT_XLSX_MESSAGE),
        ("roster.xlsx", "学号,姓名\n".encode(), NOT_XLSX_MESSAGE),
        ("roster.csv", bytes(range(256)) * 8, NOT_TEXT_MESSAGE),
        ("roster.csv", "学号,姓名\n".encode("utf-16"), NOT_TEXT_MESSAGE),
        ("roster.csv", b"\x81\x30\xff\xfe", NOT_TEXT_MESSAGE),
        (
            "roster.pdf",
            b"%PDF-1.7\n",
            "Upload the roster as an Excel workbook (.xlsx) or a CSV file.",
        ),
        ("roster.csv", b"", "The file is empty."),
        ("roster.csv", b" \r\n\r\n", "The file is empty."),
        ("roster.csv", "\ufeff".encode(), "The file is empty."),
        ("roster.csv", b",,,\n,,\n", "The file is empty."),
        ("roster.xlsx", xlsx([]), "The file is empty."),
    ],
)
def test_a_file_that_cannot_be_read_is_one_error_at_row_0(filename, data, message):
    result = parse(filename, data)

    assert result == RosterResult(errors=[result.errors[0]])
    assert only_error(result) == (0, "", message)
