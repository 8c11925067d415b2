"""Reading GIFT files (a pure module: text in, questions, problems and skipped kinds out)."""

from decimal import Decimal

import pytest

from courses.questions import types as q
from courses.questions.gift import parse_gift

# The messages are compared with their English source text.
pytestmark = pytest.mark.usefixtures("in_english")


def only_question(text: str) -> q.ParsedQuestion:
    result = parse_gift(text)
    assert result.problems == []
    assert result.skipped == []
    assert len(result.questions) == 1
    return result.questions[0]


def messages(result: q.ParseResult) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in result.problems]


def fractions(question: q.ParsedQuestion) -> list[tuple[str, Decimal]]:
    return [(option.text, option.fraction) for option in question.options]


# Choice questions


def test_one_right_answer_makes_a_single_choice():
    question = only_question(
        "中国共产党的根本宗旨是{=全心全意为人民服务 ~实现共产主义 ~发展生产力}"
    )

    assert question.kind == q.SINGLE
    assert question.text == "中国共产党的根本宗旨是"
    assert fractions(question) == [
        ("全心全意为人民服务", 1),
        ("实现共产主义", 0),
        ("发展生产力", 0),
    ]


def test_answers_may_stand_on_lines_of_their_own():
    question = only_question(
        "中国共产党的最高理想和最终目标是\n{\n  ~建成小康社会\n  =实现共产主义\n}"
    )

    assert question.kind == q.SINGLE
    assert question.text == "中国共产党的最高理想和最终目标是"
    assert fractions(question) == [("建成小康社会", 0), ("实现共产主义", 1)]


def test_weighted_options_become_fractions():
    question = only_question("下列属于“四个意识”的是{~%50%政治意识 ~%50%大局意识 ~%-100%个人意识}")

    assert question.kind == q.MULTIPLE
    assert question.multiple_scoring == q.WEIGHTED
    assert fractions(question) == [
        ("政治意识", Decimal("0.5")),
        ("大局意识", Decimal("0.5")),
        ("个人意识", Decimal("-1")),
    ]


def test_weighted_right_answers_make_a_multiple_choice():
    question = only_question("党的建设包括{=%50%政治建设 =%50%思想建设 ~享乐主义}")

    assert question.kind == q.MULTIPLE
    assert question.multiple_scoring == q.WEIGHTED
    assert fractions(question) == [
        ("政治建设", Decimal("0.5")),
        ("思想建设", Decimal("0.5")),
        ("享乐主义", 0),
    ]


def test_thirds_that_moodle_rounds_add_up_to_a_whole():
    question = only_question("下列正确的是{~%33.33333%甲 ~%33.33333%乙 ~%33.33333%丙 ~%-100%丁}")

    assert question.kind == q.MULTIPLE
    assert question.options[0].fraction == Decimal("0.3333333")


def test_several_unweighted_right_answers_must_all_be_chosen():
    question = only_question("党的作风包括{=理论联系实际 =密切联系群众 =批评与自我批评 ~形式主义}")

    assert question.kind == q.MULTIPLE
    # Without weights, a learner who ticks everything must not score: all or nothing.
    assert question.multiple_scoring == q.ALL_OR_NOTHING
    rights = [option.fraction for option in question.options if option.correct]
    assert len(rights) == 3
    assert sum(rights) == 1
    assert question.options[3].fraction == 0


def test_weights_that_do_not_add_up_to_a_whole_are_a_problem():
    result = parse_gift("下列正确的是{~%50%甲 ~%30%乙 ~丙}")

    assert result.questions == []
    assert messages(result) == [(1, "The right options' weights add up to 80%, not 100%.")]


def test_partial_credit_in_a_single_choice_is_a_problem():
    result = parse_gift("党的最高领导机关是{=党的全国代表大会 ~%50%中央委员会 ~中央政治局}")

    # A partial option counts as right too, so the question has two.
    assert messages(result) == [
        (1, "A single-choice question needs exactly one right option."),
        (
            1,
            "A single-choice option is either right (100%) or wrong (0%); "
            "this question gives an option 50%.",
        ),
    ]


def test_a_penalty_in_a_single_choice_is_a_problem():
    result = parse_gift("党的最高领导机关是{=党的全国代表大会 ~%-50%中央委员会 ~中央政治局}")

    assert messages(result) == [
        (
            1,
            "A single-choice option is either right (100%) or wrong (0%); "
            "this question gives an option -50%.",
        )
    ]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("{~%abc%甲 ~%50%乙}", "The weight “abc” is not a number."),
        ("{~%150%甲 ~乙}", "The weight 150% is not between -100% and 100%."),
    ],
)
def test_a_weight_must_be_a_percentage_from_minus_100_to_100(block, message):
    result = parse_gift(f"下列正确的是{block}")

    assert result.questions == []
    assert message in [problem.message for problem in result.problems]


def test_single_choice_without_a_right_answer_is_a_problem():
    result = parse_gift("\n党的最高领导机关是{~中央委员会 ~中央政治局}")

    assert result.questions == []
    assert messages(result) == [(2, "A single-choice question needs exactly one right option.")]


def test_answer_feedback_is_not_kept():
    question = only_question("入党誓词中“永不叛党”{=对#正确，见入党誓词 ~错#再想想}")

    assert fractions(question) == [("对", 1), ("错", 0)]


# True or false


@pytest.mark.parametrize(
    ("block", "correct"),
    [
        ("{T}", True),
        ("{TRUE}", True),
        ("{t}", True),
        ("{True}", True),
        ("{F}", False),
        ("{FALSE}", False),
        ("{f}", False),
        ("{false}", False),
    ],
)
def test_true_false_in_every_spelling(block, correct):
    question = only_question(f"预备党员的预备期为一年。{block}")

    assert question.kind == q.TRUE_FALSE
    assert question.correct is correct
    assert question.text == "预备党员的预备期为一年。"


def test_true_false_feedback_is_ignored_and_general_feedback_kept():
    question = only_question(
        "党员的党龄从预备期满转为正式党员之日算起。{T#错了#对了####见党章第七条。}"
    )

    assert question.correct is True
    assert question.explanation == "见党章第七条。"


# Fill in the blanks


def test_missing_word_becomes_a_blank_in_the_text():
    question = only_question("中国共产党成立于{=1921}年。")

    assert question.kind == q.FILL_IN
    assert question.text == f"中国共产党成立于{q.BLANK}年。"
    assert question.blanks == [["1921"]]


def test_answer_at_the_end_is_one_blank_after_the_text():
    question = only_question("中国共产党的根本宗旨是 {=全心全意为人民服务 =为人民服务}")

    assert question.kind == q.FILL_IN
    assert question.text == "中国共产党的根本宗旨是"
    assert q.BLANK not in question.text
    assert question.blanks == [["全心全意为人民服务", "为人民服务"]]


def test_fill_in_accepts_only_the_full_credit_answers():
    question = only_question("中国共产党成立于{=1921 =%100%一九二一 =%50%1920}年。")

    assert question.blanks == [["1921", "一九二一"]]


def test_fill_in_with_only_partial_credit_answers_is_a_problem():
    result = parse_gift("中国共产党成立于{=%50%1920}年。")

    assert messages(result) == [(1, "Every blank needs at least one accepted answer.")]


def test_choice_in_the_middle_of_the_text_leaves_a_blank():
    question = only_question("党的基本路线的核心是{=以经济建设为中心 ~改革开放}，这是兴国之要。")

    assert question.kind == q.SINGLE
    assert question.text == f"党的基本路线的核心是{q.BLANK}，这是兴国之要。"


def test_a_wildcard_answer_is_a_problem():
    result = parse_gift("党章规定{=*共产主义*}")

    assert messages(result) == [
        (1, "The accepted answer “*共产主义*” uses Moodle's * wildcard, which is not supported.")
    ]


# Short answers (graded by hand)


def test_empty_block_is_a_short_answer_graded_by_hand():
    question = only_question("::党性修养::谈谈你对加强党性修养的认识。{}")

    assert question.kind == q.SHORT_ANSWER
    assert question.text == "谈谈你对加强党性修养的认识。"
    assert question.reference_answer == ""


def test_general_feedback_becomes_the_explanation():
    question = only_question("谈谈“两个维护”的内涵。{####坚决维护核心地位，坚决维护集中统一领导。}")

    assert question.kind == q.SHORT_ANSWER
    assert question.explanation == "坚决维护核心地位，坚决维护集中统一领导。"


def test_general_feedback_of_a_choice_is_not_an_option():
    question = only_question("党的宗旨是{=全心全意为人民服务 ~发展经济 ####见党章总纲。}")

    assert fractions(question) == [("全心全意为人民服务", 1), ("发展经济", 0)]
    assert question.explanation == "见党章总纲。"


# Titles, categories, comments, formats


def test_title_is_read_and_not_part_of_the_text():
    question = only_question("::党的宗旨::中国共产党的根本宗旨是{=全心全意为人民服务 ~发展经济}")

    assert question.title == "党的宗旨"
    assert question.text == "中国共产党的根本宗旨是"


def test_category_is_the_last_part_of_its_path_and_holds_for_the_following_questions():
    result = parse_gift(
        "入党需要介绍人。{T}\n"
        "\n"
        "$CATEGORY: $course$/top/党章\n"
        "\n"
        "党员有八项权利。{T}\n"
        "\n"
        "党员有八项义务。{T}\n"
        "\n"
        "$CATEGORY: 党史\n"
        "\n"
        "中国共产党成立于{=1921}年。\n"
    )

    assert [question.category for question in result.questions] == ["", "党章", "党章", "党史"]


def test_a_slash_in_a_category_name_is_written_twice():
    result = parse_gift("$CATEGORY: $course$/top/党章//党规\n\n预备期为一年。{T}")

    assert result.questions[0].category == "党章/党规"


def test_comment_lines_are_ignored_between_and_inside_questions():
    result = parse_gift(
        "// 第一章 总纲\n"
        "::宗旨::中国共产党的根本宗旨是{\n"
        "// 这一行是注释，不是选项\n"
        "=全心全意为人民服务\n"
        "~发展经济\n"
        "}\n"
        "\n"
        "// 以下为判断题\n"
        "入党誓词共八十字。{T}\n"
    )

    assert result.problems == []
    assert [question.line for question in result.questions] == [2, 9]
    assert fractions(result.questions[0]) == [("全心全意为人民服务", 1), ("发展经济", 0)]


def test_escaped_characters_are_literal_in_text_and_answers():
    question = only_question(
        r"::比较\:::公式 a\=b\~c \# \{1\} 的含义\:\n第二行 \\ 完{=a\=b ~c\~d \#1 ~\{e\}}"
    )

    assert question.title == "比较:"
    assert question.text == "公式 a=b~c # {1} 的含义:\n第二行 \\ 完"
    assert fractions(question) == [("a=b", 1), ("c~d #1", 0), ("{e}", 0)]


def test_html_text_is_stripped_to_plain_text():
    question = only_question(
        "[html]<p>下列属于&nbsp;<b>“四个自信”</b>的是</p><p>（多选）</p>"
        "{~%50%<i>道路</i>自信 ~%50%理论自信 ~%-100%个人自信 ####<p>见十九大报告。</p>}"
    )

    assert question.text == "下列属于 “四个自信”的是\n（多选）"
    assert [option.text for option in question.options] == ["道路自信", "理论自信", "个人自信"]
    assert question.explanation == "见十九大报告。"


@pytest.mark.parametrize("prefix", ["[plain]", "[markdown]", "[moodle]", "[PLAIN]"])
def test_other_format_prefixes_are_removed(prefix):
    question = only_question(f"::题::{prefix}党的三大作风 <是> 什么？{{}}")

    assert question.text == "党的三大作风 <是> 什么？"


def test_full_width_punctuation_is_ordinary_text():
    question = only_question(
        "下列关于“两个确立”的表述，正确的是：（　）｛注｝{=具有决定性意义 ~无关紧要}"
    )

    assert question.text == "下列关于“两个确立”的表述，正确的是：（　）｛注｝"


def test_points_and_difficulty_have_defaults():
    question = only_question("预备期为一年。{T}")

    assert question.points == 1
    assert question.difficulty == q.MEDIUM


def test_windows_line_endings_and_a_byte_order_mark_are_accepted():
    result = parse_gift("\ufeff::甲::预备期为一年。{T}\r\n\r\n::乙::党员有八项义务。{T}\r\n")

    assert result.problems == []
    assert [(question.title, question.line) for question in result.questions] == [
        ("甲", 1),
        ("乙", 3),
    ]


# Kinds this school does not have


def test_numerical_matching_and_description_are_skipped_with_their_lines():
    result = parse_gift(
        "中国共产党成立于哪一年？{#1921}\n"
        "\n"
        "::配对::将会议与年份配对。{\n"
        "=遵义会议 -> 1935\n"
        "=古田会议 -> 1929\n"
        "}\n"
        "\n"
        "以下是第二部分：判断题。\n"
    )

    assert result.questions == []
    assert result.problems == []
    assert [(skipped.line, skipped.kind) for skipped in result.skipped] == [
        (1, "numerical"),
        (3, "matching"),
        (8, "description"),
    ]
    assert result.skipped[0].message == (
        "This school has no “numerical” questions, so this one was not imported."
    )


# Problems


def test_unclosed_block_is_a_problem_at_the_first_line_of_its_question():
    result = parse_gift(
        "预备期为一年。{T}\n\n::宗旨::\n中国共产党的根本宗旨是{=全心全意为人民服务\n"
    )

    assert len(result.questions) == 1
    assert messages(result) == [
        (3, "The answer block is not closed: a “{” has no matching “}”."),
    ]


def test_a_blank_line_inside_a_block_ends_the_question():
    result = parse_gift("中国共产党的根本宗旨是{\n=全心全意为人民服务\n\n~发展经济\n}")

    assert messages(result) == [
        (1, "The answer block is not closed: a “{” has no matching “}”."),
        (4, "A “}” has no “{” before it; write a “}” in the text as “\\}”."),
    ]


def test_a_second_answer_block_is_a_problem():
    result = parse_gift("中国共产党成立于{=1921}年{=7}月。")

    assert messages(result) == [
        (
            1,
            "A question has one answer block; write a “{” or “}” in the text as “\\{” or “\\}”.",
        )
    ]


def test_an_unclosed_title_is_a_problem():
    result = parse_gift("::党的宗旨 中国共产党的根本宗旨是{=全心全意为人民服务 ~发展经济}")

    assert messages(result) == [(1, "The title has no closing “::”.")]


def test_a_block_that_is_not_understood_is_a_problem():
    result = parse_gift("中国共产党成立于{1921}年。")

    assert result.questions == []
    assert result.problems[0].line == 1
    assert result.problems[0].message.startswith("The answer block is not understood")


def test_a_question_without_text_is_a_problem():
    result = parse_gift("::只有标题::{T}")

    assert messages(result) == [(1, "The question has no text.")]


def test_every_problem_in_a_file_is_reported_at_once():
    result = parse_gift(
        "// 一份有错误的题库\n"
        "::一::预备期为一年。{T}\n"
        "\n"
        "::二::党的最高领导机关是{~中央委员会 ~中央政治局}\n"
        "\n"
        "::三::中国共产党成立于{=1921年。\n"
        "\n"
        "::四::党员有八项义务。{F}\n"
        "\n"
        "::五::中国共产党成立于哪一年？{#1921}\n"
        "\n"
        "::六::下列正确的是{~%50%甲 ~%30%乙}\n"
    )

    assert [question.title for question in result.questions] == ["一", "四"]
    assert [line for line, _message in messages(result)] == [4, 6, 12]
    assert [(skipped.line, skipped.kind) for skipped in result.skipped] == [(10, "numerical")]
    assert not result.ok
