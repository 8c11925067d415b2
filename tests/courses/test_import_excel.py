"""The Excel question-bank template: reading a filled-in workbook, writing the template and a bank."""

import datetime
import zipfile
from dataclasses import replace
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from courses.questions import types as q
from courses.questions.excel import (
    COLUMNS,
    EXAMPLE_ROWS,
    INSTRUCTIONS_SHEET,
    QUESTIONS_SHEET,
    TRUTH_WORDS,
    parse_excel,
    write_bank,
    write_template,
)

# The messages are compared with their English source text.
pytestmark = pytest.mark.usefixtures("in_english")

SINGLE_ROW = {
    "题型": "单选题",
    "题干": "党的最高领导机关是（ ）。",
    "选项A": "党的全国代表大会和它所产生的中央委员会",
    "选项B": "中央政治局",
    "选项C": "中央书记处",
    "选项D": "中央纪律检查委员会",
    "答案": "A",
}
MULTIPLE_ROW = {
    "题型": "多选题",
    "题干": "党的三大优良作风是（ ）。",
    "选项A": "理论联系实际",
    "选项B": "密切联系群众",
    "选项C": "批评与自我批评",
    "选项D": "实事求是",
    "答案": "ABC",
}
TRUE_FALSE_ROW = {"题型": "判断题", "题干": "预备党员的预备期为一年。", "答案": "正确"}
FILL_IN_ROW = {
    "题型": "填空题",
    "题干": "中国共产党第一次全国代表大会于（ ）年（ ）月召开。",
    "答案": "1921|7/七",
}
SHORT_ANSWER_ROW = {
    "题型": "简答题",
    "题干": "发展党员工作的总要求是什么？",
    "答案": "控制总量、优化结构、提高质量、发挥作用。",
}


def xlsx(*rows, headers=COLUMNS, title=QUESTIONS_SHEET) -> bytes:
    """A workbook with one sheet: ``headers`` in row 1, then ``rows`` (dicts by header, or lists)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers] if isinstance(row, dict) else row)
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def parse(*rows, **kwargs) -> q.ParseResult:
    return parse_excel(xlsx(*rows, **kwargs))


def only_question(*rows, **kwargs) -> q.ParsedQuestion:
    result = parse(*rows, **kwargs)
    assert result.problems == []
    assert len(result.questions) == 1
    return result.questions[0]


def where(result: q.ParseResult) -> list[tuple[int, str]]:
    return [(problem.line, problem.column) for problem in result.problems]


def fractions(question: q.ParsedQuestion) -> list[Decimal]:
    return [option.fraction for option in question.options]


# Every kind.


def test_single_choice_row_gives_one_right_option_and_the_rest_wrong():
    question = only_question(
        {**SINGLE_ROW, "分值": 2, "分类": "党章", "难度": "简单", "解析": "见党章第十条。"}
    )
    assert question.kind == q.SINGLE
    assert question.line == 2
    assert question.text == "党的最高领导机关是（ ）。"  # a choice question keeps its （ ）
    assert [option.text for option in question.options] == [
        "党的全国代表大会和它所产生的中央委员会",
        "中央政治局",
        "中央书记处",
        "中央纪律检查委员会",
    ]
    assert fractions(question) == [1, 0, 0, 0]
    assert question.points == Decimal(2)
    assert question.category == "党章"
    assert question.difficulty == q.EASY
    assert question.explanation == "见党章第十条。"


def test_multiple_choice_right_options_share_the_points_in_four_places_adding_up_to_one():
    question = only_question(MULTIPLE_ROW)
    assert question.kind == q.MULTIPLE
    assert fractions(question) == [
        Decimal("0.3333"),
        Decimal("0.3333"),
        Decimal("0.3334"),
        Decimal(0),
    ]
    assert sum(fractions(question)) == 1
    assert question.multiple_scoring == q.ALL_OR_NOTHING


def test_true_false_row():
    question = only_question(TRUE_FALSE_ROW)
    assert question.kind == q.TRUE_FALSE
    assert question.correct is True
    assert question.options == []


def test_fill_in_row_marks_its_blanks_and_splits_the_accepted_answers():
    question = only_question(FILL_IN_ROW)
    assert question.kind == q.FILL_IN
    assert question.text == "中国共产党第一次全国代表大会于____年____月召开。"
    assert question.blanks == [["1921"], ["7", "七"]]


def test_short_answer_row_keeps_the_reference_answer_with_its_line_breaks():
    question = only_question(
        {**SHORT_ANSWER_ROW, "答案": "  第一，控制总量；\r\n第二，优化结构。  ", "分值": 5}
    )
    assert question.kind == q.SHORT_ANSWER
    assert question.reference_answer == "第一，控制总量；\n第二，优化结构。"
    assert question.points == 5


def test_short_answer_may_have_no_reference_answer():
    question = only_question({**SHORT_ANSWER_ROW, "答案": None})
    assert question.reference_answer == ""


def test_empty_optional_columns_take_the_defaults():
    question = only_question(MULTIPLE_ROW)
    assert question.points == 1
    assert question.difficulty == q.MEDIUM
    assert question.category == ""
    assert question.explanation == ""
    assert question.multiple_scoring == q.ALL_OR_NOTHING


def test_values_are_trimmed():
    question = only_question({**SINGLE_ROW, "题型": " 单选题 ", "题干": "  题目  ", "答案": " B "})
    assert question.text == "题目"
    assert fractions(question) == [0, 1, 0, 0]


# Every notation.


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("单选题", q.SINGLE),
        ("单选", q.SINGLE),
        ("多选题", q.MULTIPLE),
        ("多选", q.MULTIPLE),
        ("判断题", q.TRUE_FALSE),
        ("判断", q.TRUE_FALSE),
        ("填空题", q.FILL_IN),
        ("填空", q.FILL_IN),
        ("简答题", q.SHORT_ANSWER),
        ("简答", q.SHORT_ANSWER),
        ("问答题", q.SHORT_ANSWER),
    ],
)
def test_every_kind_word_is_understood(word, kind):
    rows = {
        q.SINGLE: SINGLE_ROW,
        q.MULTIPLE: MULTIPLE_ROW,
        q.TRUE_FALSE: TRUE_FALSE_ROW,
        q.FILL_IN: FILL_IN_ROW,
        q.SHORT_ANSWER: SHORT_ANSWER_ROW,
    }
    assert only_question({**rows[kind], "题型": word}).kind == kind


@pytest.mark.parametrize("answer", ["B", "b", "Ｂ", "ｂ"])
def test_single_choice_answer_letter_in_any_case_and_width(answer):
    assert fractions(only_question({**SINGLE_ROW, "答案": answer})) == [0, 1, 0, 0]


@pytest.mark.parametrize(
    "answer", ["ABD", "A,B,D", "A、B、D", "A B D", "abd", "Ａ，Ｂ，Ｄ", "a；b；d", "DBA"]
)
def test_multiple_choice_answer_notations(answer):
    question = only_question({**MULTIPLE_ROW, "答案": answer})
    assert [option.correct for option in question.options] == [True, True, False, True]


def test_multiple_choice_with_two_right_options_gives_halves():
    question = only_question({**MULTIPLE_ROW, "答案": "BD"})
    assert fractions(question) == [0, Decimal("0.5"), 0, Decimal("0.5")]


def test_multiple_choice_with_one_right_option_is_allowed():
    assert fractions(only_question({**MULTIPLE_ROW, "答案": "C"})) == [0, 0, 1, 0]


@pytest.mark.parametrize(
    "word", [*TRUTH_WORDS[True], "true", "True", "t", "Ｔ", " 对 "], ids=lambda word: word
)
def test_true_words(word):
    assert only_question({**TRUE_FALSE_ROW, "答案": word}).correct is True


@pytest.mark.parametrize("word", [*TRUTH_WORDS[False], "false", "f", "Ｆ"], ids=lambda word: word)
def test_false_words(word):
    assert only_question({**TRUE_FALSE_ROW, "答案": word}).correct is False


@pytest.mark.parametrize("separator", ["|", "｜", "；", ";"])
def test_fill_in_blank_separators(separator):
    question = only_question({**FILL_IN_ROW, "答案": f"1921{separator}7月/七月"})
    assert question.blanks == [["1921"], ["7月", "七月"]]


def test_fill_in_accepts_full_width_slash_between_accepted_answers():
    question = only_question({**FILL_IN_ROW, "答案": "1921|7月／七月"})
    assert question.blanks == [["1921"], ["7月", "七月"]]


def test_fill_in_backslash_keeps_a_separator_in_an_answer():
    question = only_question(
        {
            **FILL_IN_ROW,
            "题干": "一半写作（ ），路径写作（ ）。",
            "答案": r"1\/2/二分之一|C:\temp\|",
        }
    )
    assert question.blanks == [["1/2", "二分之一"], ["C:\\temp|"]]


@pytest.mark.parametrize(
    "blank", ["（ ）", "( )", "（）", "()", "（　）", "(  )", "___", "________"]
)
def test_fill_in_blank_markers_become_the_blank_marker(blank):
    question = only_question({**FILL_IN_ROW, "题干": f"党的一大于{blank}年召开。", "答案": "1921"})
    assert question.text == f"党的一大于{q.BLANK}年召开。"


def test_fill_in_with_one_blank_may_have_no_marker():
    question = only_question({**FILL_IN_ROW, "题干": "党的一大召开的年份是", "答案": "1921"})
    assert question.text == "党的一大召开的年份是"
    assert question.blanks == [["1921"]]


def test_fill_in_parentheses_with_content_are_not_blanks():
    question = only_question(
        {**FILL_IN_ROW, "题干": "党的一大（1921年）在（ ）召开。", "答案": "上海"}
    )
    assert question.text == "党的一大（1921年）在____召开。"


@pytest.mark.parametrize(
    ("word", "difficulty"),
    [
        ("易", q.EASY),
        ("简单", q.EASY),
        ("容易", q.EASY),
        ("中", q.MEDIUM),
        ("中等", q.MEDIUM),
        ("一般", q.MEDIUM),
        ("难", q.HARD),
        ("困难", q.HARD),
    ],
)
def test_difficulty_words(word, difficulty):
    assert only_question({**SINGLE_ROW, "难度": word}).difficulty == difficulty


@pytest.mark.parametrize(
    ("word", "rule"),
    [
        ("全对得分", q.ALL_OR_NOTHING),
        ("全部选对", q.ALL_OR_NOTHING),
        ("少选得一半", q.PARTIAL),
        ("少选得半分", q.PARTIAL),
        ("按权重", q.WEIGHTED),
    ],
)
def test_scoring_words(word, rule):
    assert only_question({**MULTIPLE_ROW, "多选评分": word}).multiple_scoring == rule


def test_scoring_column_is_ignored_for_other_kinds():
    assert only_question({**SINGLE_ROW, "多选评分": "随便"}).kind == q.SINGLE


def test_weighted_answer_with_percentages_keeps_uneven_and_negative_fractions():
    question = only_question(
        {**MULTIPLE_ROW, "多选评分": "按权重", "答案": "A:50%，B：30％, C=20%,D:-100%"}
    )
    assert fractions(question) == [
        Decimal("0.5"),
        Decimal("0.3"),
        Decimal("0.2"),
        Decimal(-1),
    ]


def test_weighted_percentages_may_miss_a_hundred_by_a_hair():
    question = only_question(
        {**MULTIPLE_ROW, "多选评分": "按权重", "答案": "A33.33%B33.33%C33.33%"}
    )
    assert fractions(question)[:3] == [Decimal("0.3333")] * 3


def test_weighted_answer_without_percentages_gives_equal_shares():
    question = only_question({**MULTIPLE_ROW, "多选评分": "按权重", "答案": "AB"})
    assert fractions(question) == [Decimal("0.5"), Decimal("0.5"), 0, 0]


# Numbers, dates and empty rows.


def test_numeric_cells_become_text_and_numbers():
    result = parse(
        {**FILL_IN_ROW, "题干": "党的一大于（ ）年召开。", "答案": 1921, "分值": 2.5},
        {**SINGLE_ROW, "选项A": 1921, "选项B": 1949.5, "分值": 3},
        {**TRUE_FALSE_ROW, "答案": True, "分值": "２"},
        {**FILL_IN_ROW, "题干": "圆周率约为（ ）。", "答案": 3.14},
    )
    assert result.problems == []
    fill_in, single, true_false, pi = result.questions
    assert fill_in.blanks == [["1921"]]
    assert fill_in.points == Decimal("2.5")
    assert [option.text for option in single.options][:2] == ["1921", "1949.5"]
    assert single.points == 3
    assert true_false.correct is True
    assert true_false.points == 2
    assert pi.blanks == [["3.14"]]


def test_a_cell_excel_turned_into_a_date_is_a_problem_not_a_guess():
    result = parse(
        {**FILL_IN_ROW, "题干": "建党节是（ ）。", "答案": datetime.datetime(2024, 7, 1)}
    )
    assert where(result) == [(2, "答案")]
    assert result.questions == []


def test_empty_rows_are_skipped_and_rows_keep_their_numbers():
    result = parse(SINGLE_ROW, {}, ["", "  ", None], TRUE_FALSE_ROW)
    assert result.problems == []
    assert [question.line for question in result.questions] == [2, 5]


def test_a_row_that_is_empty_but_for_formatting_is_skipped():
    workbook = load_workbook(BytesIO(xlsx(SINGLE_ROW)))
    workbook.active["N40"].number_format = "@"
    output = BytesIO()
    workbook.save(output)
    result = parse_excel(output.getvalue())
    assert result.problems == []
    assert len(result.questions) == 1


def test_thousands_of_rows_are_read():
    rows = [{**TRUE_FALSE_ROW, "题干": f"第{n}题"} for n in range(3000)]
    result = parse(*rows)
    assert result.problems == []
    assert len(result.questions) == 3000
    assert result.questions[-1].line == 3001


# Columns.


def test_columns_may_come_in_any_order():
    assert only_question(SINGLE_ROW, headers=tuple(reversed(COLUMNS))) == only_question(SINGLE_ROW)


def test_only_the_required_columns_are_enough():
    question = only_question(TRUE_FALSE_ROW, headers=("答案", "题干", "题型"))
    assert question.correct is True


def test_headers_are_matched_ignoring_spaces_and_full_width_letters():
    row = ["单选题", "题目", "甲", "乙", "A"]
    question = only_question(row, headers=(" 题型 ", "题 干", "选项ａ", "选项Ｂ", "答案"))
    assert [option.text for option in question.options] == ["甲", "乙"]


def test_unknown_columns_are_reported_at_row_one_and_the_rows_still_read():
    result = parse([*SINGLE_ROW.values(), "备注内容"], headers=(*SINGLE_ROW.keys(), "备注"))
    assert where(result) == [(1, "备注")]
    assert result.problems[0].message
    assert not result.ok
    assert len(result.questions) == 1


def test_a_column_beyond_option_f_is_unknown():
    result = parse(SINGLE_ROW, headers=(*COLUMNS, "选项G"))
    assert where(result) == [(1, "选项G")]


def test_missing_required_columns_are_each_reported_and_no_row_is_read():
    result = parse(["甲", "乙"], headers=("题干", "选项A"))
    assert where(result) == [(1, "题型"), (1, "答案")]
    assert result.questions == []


def test_a_column_that_appears_twice_is_reported():
    result = parse([*SINGLE_ROW.values(), "x"], headers=(*SINGLE_ROW.keys(), "答案"))
    assert where(result) == [(1, "答案")]


def test_values_in_a_column_without_header_are_reported_once_at_the_first_row():
    result = parse(
        [*TRUE_FALSE_ROW.values(), None, "备注一"],
        [*TRUE_FALSE_ROW.values(), None, "备注二"],
        headers=tuple(TRUE_FALSE_ROW),
    )
    assert where(result) == [(2, "")]
    assert "E" in result.problems[0].message
    assert len(result.questions) == 2


def test_a_workbook_without_a_question_sheet_is_read_from_its_first_sheet():
    question = only_question(TRUE_FALSE_ROW, title="Sheet1")
    assert question.correct is True


def test_the_question_sheet_is_found_wherever_it_is():
    workbook = load_workbook(BytesIO(xlsx(TRUE_FALSE_ROW)))
    workbook.create_sheet("封面", 0)["A1"] = "2025年党课题库"
    output = BytesIO()
    workbook.save(output)
    assert len(parse_excel(output.getvalue()).questions) == 1


# Problems: every kind, with its row and column.


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ({**SINGLE_ROW, "题型": None}, "题型"),
        ({**SINGLE_ROW, "题型": "论述题"}, "题型"),
        ({**SINGLE_ROW, "题干": "  "}, "题干"),
        ({**SINGLE_ROW, "选项B": None}, "选项B"),
        ({**SINGLE_ROW, "选项B": None, "选项C": None, "选项D": None}, "选项B"),
        ({**SINGLE_ROW, "答案": None}, "答案"),
        ({**SINGLE_ROW, "答案": "AB"}, "答案"),
        ({**SINGLE_ROW, "答案": "E"}, "答案"),
        ({**SINGLE_ROW, "答案": "第一项"}, "答案"),
        ({**SINGLE_ROW, "答案": "A:100%"}, "答案"),
        ({**MULTIPLE_ROW, "答案": "AAB"}, "答案"),
        ({**MULTIPLE_ROW, "答案": "ABG"}, "答案"),
        ({**MULTIPLE_ROW, "答案": "A:50%,B:50%"}, "答案"),
        ({**MULTIPLE_ROW, "多选评分": "按权重", "答案": "A:50%,B"}, "答案"),
        ({**MULTIPLE_ROW, "多选评分": "按权重", "答案": "A:50%,B:40%"}, "答案"),
        ({**MULTIPLE_ROW, "多选评分": "按权重", "答案": "A:150%,B:-50%"}, "答案"),
        ({**MULTIPLE_ROW, "多选评分": "按权重", "答案": "A:-50%"}, "答案"),
        ({**MULTIPLE_ROW, "多选评分": "看情况"}, "多选评分"),
        ({**TRUE_FALSE_ROW, "答案": "可能"}, "答案"),
        ({**TRUE_FALSE_ROW, "答案": None}, "答案"),
        ({**TRUE_FALSE_ROW, "选项A": "正确", "选项B": "错误", "答案": "正确"}, "选项A"),
        ({**FILL_IN_ROW, "答案": "1921"}, "答案"),
        ({**FILL_IN_ROW, "答案": "1921||7"}, "答案"),
        ({**FILL_IN_ROW, "答案": None}, "答案"),
        ({**FILL_IN_ROW, "题干": "党的一大于哪年哪月召开？"}, "题干"),
        ({**SHORT_ANSWER_ROW, "选项C": "多余的选项"}, "选项C"),
        ({**SINGLE_ROW, "分值": "两分"}, "分值"),
        ({**SINGLE_ROW, "分值": 0}, "分值"),
        ({**SINGLE_ROW, "分值": -1}, "分值"),
        ({**SINGLE_ROW, "分值": 2.25}, "分值"),
        ({**SINGLE_ROW, "分值": 10000}, "分值"),
        ({**SINGLE_ROW, "分类": "党" * (q.MAX_CATEGORY + 1)}, "分类"),
        ({**SINGLE_ROW, "选项C": "甲" * (q.MAX_OPTION + 1)}, "选项C"),
        ({**SINGLE_ROW, "难度": "超难"}, "难度"),
        ({**SINGLE_ROW, "选项A": datetime.date(2021, 7, 1)}, "选项A"),
    ],
)
def test_each_problem_is_reported_once_with_its_row_and_column(row, column):
    result = parse(TRUE_FALSE_ROW, row)
    assert where(result) == [(3, column)]
    assert result.problems[0].message
    assert len(result.questions) == 1  # the row with the problem gives no question


def test_problems_found_by_the_shared_rules_point_at_their_cell_in_any_language():
    row = {**MULTIPLE_ROW, "多选评分": "按权重", "答案": "A:50%,B:40%"}
    with translation.override("en"):
        english = parse(row).problems
    with translation.override("zh-hans"):
        chinese = parse(row).problems
    assert [(p.line, p.column) for p in english] == [(2, "答案")]
    assert [(p.line, p.column) for p in chinese] == [(2, "答案")]
    assert "90" in english[0].message


def test_an_answer_naming_an_empty_option_says_which():
    result = parse({**SINGLE_ROW, "答案": "E"})
    assert "E" in result.problems[0].message


def test_a_dry_run_lists_every_problem_of_every_row_at_once():
    result = parse(
        SINGLE_ROW,
        {**SINGLE_ROW, "答案": "Z", "分值": "abc", "难度": "很难"},
        {},
        {**TRUE_FALSE_ROW, "题型": "选择"},
        TRUE_FALSE_ROW,
        {**FILL_IN_ROW, "答案": "1921"},
        headers=(*COLUMNS, "出题人"),
    )
    assert where(result) == [
        (1, "出题人"),
        (3, "分值"),
        (3, "难度"),
        (3, "答案"),
        (5, "题型"),
        (7, "答案"),
    ]
    assert [question.line for question in result.questions] == [2, 6]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01random bytes\xff" * 50,
        "题型,题干,答案\n判断题,预备期为一年,对\n".encode(),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),  # an old .xls
        b"PK\x03\x04 truncated zip",
    ],
    ids=["empty", "random", "csv", "xls", "broken zip"],
)
def test_a_file_that_is_not_a_readable_xlsx_is_one_problem_at_row_zero(data):
    result = parse_excel(data)
    assert where(result) == [(0, "")]
    assert result.problems[0].message
    assert result.questions == []


def test_a_zip_that_is_not_a_workbook_is_one_problem_at_row_zero():
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    assert where(parse_excel(output.getvalue())) == [(0, "")]


def test_an_old_xls_file_gets_its_own_message():
    xls = parse_excel(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)).problems[0].message
    assert xls != parse_excel(b"garbage").problems[0].message


# Writing.


def test_the_template_reads_back_as_no_questions_and_no_problems():
    result = parse_excel(write_template())
    assert result.questions == []
    assert result.problems == []


def test_the_template_has_the_header_row_dropdowns_and_instructions():
    workbook = load_workbook(BytesIO(write_template()))
    assert workbook.sheetnames == [QUESTIONS_SHEET, INSTRUCTIONS_SHEET]
    sheet = workbook[QUESTIONS_SHEET]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert sheet.max_row == 1  # no example row that would be imported by mistake
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    dropdowns = {
        str(validation.sqref).split(":")[0]: validation.formula1
        for validation in sheet.data_validations.dataValidation
    }
    assert dropdowns == {
        "A2": '"单选题,多选题,判断题,填空题,简答题"',
        "L2": '"简单,中等,困难"',
        "M2": '"全对得分,少选得一半,按权重"',
    }
    instructions = "\n".join(
        str(value)
        for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True)
        for value in row
        if value
    )
    for column in COLUMNS[:2] + COLUMNS[8:]:
        assert column in instructions
    assert "按权重" in instructions


def test_the_examples_in_the_instructions_import_without_problems():
    result = parse(*EXAMPLE_ROWS)
    assert result.problems == []
    assert {question.kind for question in result.questions} == set(q.KINDS)


def options(*fractions_):
    return [
        q.ParsedOption(text=f"选项内容{number}", fraction=Decimal(fraction))
        for number, fraction in enumerate(fractions_, start=1)
    ]


BANK = [
    q.ParsedQuestion(
        kind=q.SINGLE,
        text="党的最高领导机关是（ ）。",
        line=0,
        options=options(0, 1, 0, 0, 0, 0),
        points=Decimal("2.5"),
        category="党章",
        difficulty=q.EASY,
        explanation="党章第十条。\n第二行。",
    ),
    q.ParsedQuestion(
        kind=q.MULTIPLE,
        text="党的三大优良作风是（ ）。",
        line=0,
        options=options("0.3333", "0.3333", "0.3334", 0),
        multiple_scoring=q.ALL_OR_NOTHING,
    ),
    q.ParsedQuestion(
        kind=q.MULTIPLE,
        text="少选得一半的题。",
        line=0,
        options=options(0, "0.5", 0, "0.5"),
        multiple_scoring=q.PARTIAL,
        difficulty=q.HARD,
    ),
    q.ParsedQuestion(
        kind=q.MULTIPLE,
        text="按权重评分、比例不均的题。",
        line=0,
        options=options("0.5", "0.3", "0.2", "-1", 0),
        multiple_scoring=q.WEIGHTED,
        points=Decimal(4),
    ),
    q.ParsedQuestion(
        kind=q.MULTIPLE,
        text="按权重评分、平分的题。",
        line=0,
        options=options("0.3333", "0.3333", "0.3334"),
        multiple_scoring=q.WEIGHTED,
    ),
    q.ParsedQuestion(kind=q.TRUE_FALSE, text="预备期为一年。", line=0, correct=True),
    q.ParsedQuestion(kind=q.TRUE_FALSE, text="预备期为两年。", line=0, correct=False),
    q.ParsedQuestion(
        kind=q.FILL_IN,
        text=f"党的一大于{q.BLANK}年{q.BLANK}月召开，一半写作{q.BLANK}。",
        line=0,
        blanks=[["1921"], ["7", "七"], ["1/2", "a|b；c", "C:\\temp"]],
    ),
    q.ParsedQuestion(kind=q.FILL_IN, text="党的一大召开的年份", line=0, blanks=[["1921"]]),
    q.ParsedQuestion(
        kind=q.SHORT_ANSWER,
        text="=发展党员工作的总要求是什么？",  # starts like a formula: must stay text
        line=0,
        reference_answer="控制总量、优化结构、\n提高质量、发挥作用。",
        points=Decimal(10),
        category="发展党员程序",
    ),
    q.ParsedQuestion(kind=q.SHORT_ANSWER, text="谈谈你的入党动机。", line=0),
]


@pytest.mark.parametrize("question", BANK, ids=lambda question: question.text[:12])
def test_a_question_written_to_the_template_reads_back_the_same(question):
    result = parse_excel(write_bank([question]))
    assert result.problems == []
    assert result.questions == [replace(question, line=2)]


def test_a_whole_bank_reads_back_in_order():
    result = parse_excel(write_bank(BANK))
    assert result.problems == []
    assert result.questions == [
        replace(question, line=line) for line, question in enumerate(BANK, start=2)
    ]


def test_weighted_answers_are_written_as_percentages_only_when_the_shares_are_uneven():
    sheet = load_workbook(BytesIO(write_bank(BANK[3:5])))[QUESTIONS_SHEET]
    assert sheet["I2"].value == "A:50%,B:30%,C:20%,D:-100%"
    assert sheet["I3"].value == "ABC"


def test_other_multiple_choice_rules_round_trip_as_equal_shares():
    uneven = replace(BANK[1], options=options("0.6", "0.4", 0, "-0.5"))
    (question,) = parse_excel(write_bank([uneven])).questions
    assert fractions(question) == [Decimal("0.5"), Decimal("0.5"), 0, 0]


def test_text_that_looks_like_a_formula_is_written_as_text():
    sheet = load_workbook(BytesIO(write_bank([BANK[-2]])))[QUESTIONS_SHEET]
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == "=发展党员工作的总要求是什么？"


def test_a_question_with_more_options_than_the_template_holds_is_refused():
    with pytest.raises(ValueError):
        write_bank([replace(BANK[0], options=options(1, 0, 0, 0, 0, 0, 0))])
