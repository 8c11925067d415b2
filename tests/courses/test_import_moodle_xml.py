"""Reading Moodle XML question files (a pure module: bytes in, questions, problems and skipped
kinds out)."""

from decimal import Decimal

import pytest

from courses.questions import types as q
from courses.questions.moodle_xml import category_name, html_to_text, parse_moodle_xml

# The messages are compared with their English source text.
pytestmark = pytest.mark.usefixtures("in_english")


def quiz(*questions: str) -> bytes:
    """A Moodle XML file; the first <question> is on line 3."""
    body = "\n".join(questions)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{body}\n</quiz>\n'.encode()


def only_question(data: bytes) -> q.ParsedQuestion:
    result = parse_moodle_xml(data)
    assert result.problems == []
    assert result.skipped == []
    assert len(result.questions) == 1
    return result.questions[0]


def messages(result: q.ParseResult) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in result.problems]


SINGLE_CHOICE = """<question type="multichoice">
  <name><text>党的宗旨</text></name>
  <questiontext format="html">
    <text><![CDATA[<p>中国共产党的根本宗旨是</p><p>（&nbsp;&nbsp;）</p>]]></text>
  </questiontext>
  <generalfeedback format="html"><text>&lt;p&gt;见&lt;b&gt;党章&lt;/b&gt;总纲。&lt;/p&gt;</text></generalfeedback>
  <defaultgrade>2.0000000</defaultgrade>
  <penalty>0.3333333</penalty>
  <hidden>0</hidden>
  <single>true</single>
  <shuffleanswers>true</shuffleanswers>
  <answer fraction="100" format="html">
    <text><![CDATA[<p>全心全意为人民服务</p>]]></text>
    <feedback format="html"><text>正确</text></feedback>
  </answer>
  <answer fraction="0" format="html"><text>实现共产主义</text></answer>
  <answer fraction="0" format="html"><text>发展生产力</text></answer>
</question>"""

MULTIPLE_CHOICE = """<question type="multichoice">
  <name><text>四个意识</text></name>
  <questiontext format="html"><text>下列属于“四个意识”的是</text></questiontext>
  <single>false</single>
  <answer fraction="50"><text>政治意识</text></answer>
  <answer fraction="50"><text>大局意识</text></answer>
  <answer fraction="-100"><text>个人意识</text></answer>
</question>"""

TRUE_FALSE = """<question type="truefalse">
  <name><text>预备期</text></name>
  <questiontext format="moodle_auto_format"><text>预备党员的预备期为一年。</text></questiontext>
  <answer fraction="{true}" format="moodle_auto_format"><text>true</text></answer>
  <answer fraction="{false}" format="moodle_auto_format"><text>false</text></answer>
</question>"""

SHORT_ANSWER = """<question type="shortanswer">
  <name><text>建党</text></name>
  <questiontext format="html"><text>中国共产党成立于哪一年？</text></questiontext>
  <usecase>0</usecase>
  <answer fraction="100" format="moodle_auto_format"><text>1921</text></answer>
  <answer fraction="100" format="moodle_auto_format"><text>1921年</text></answer>
  <answer fraction="50" format="moodle_auto_format"><text>1920</text></answer>
</question>"""

ESSAY = """<question type="essay">
  <name><text>党性修养</text></name>
  <questiontext format="html"><text>谈谈你对加强党性修养的认识。</text></questiontext>
  <generalfeedback format="html"><text>言之有理即可。</text></generalfeedback>
  <responseformat>editor</responseformat>
  <graderinfo format="html"><text><![CDATA[<p>要点一：理论学习</p><p>要点二：实践锻炼</p>]]></text></graderinfo>
</question>"""


def category(path: str) -> str:
    return f'<question type="category"><category><text>{path}</text></category></question>'


# The kinds this school has


def test_single_choice_is_read_with_its_fields():
    question = only_question(quiz(SINGLE_CHOICE))

    assert question.kind == q.SINGLE
    assert question.line == 3
    assert question.title == "党的宗旨"
    # &nbsp; is a space that HTML does not collapse.
    assert question.text == "中国共产党的根本宗旨是\n（  ）"
    assert question.explanation == "见党章总纲。"
    assert question.points == Decimal(2)
    assert question.difficulty == q.MEDIUM
    assert [(option.text, option.fraction) for option in question.options] == [
        ("全心全意为人民服务", 1),
        ("实现共产主义", 0),
        ("发展生产力", 0),
    ]


def test_multiple_choice_is_weighted_by_the_fractions():
    question = only_question(quiz(MULTIPLE_CHOICE))

    assert question.kind == q.MULTIPLE
    assert question.multiple_scoring == q.WEIGHTED
    assert [(option.text, option.fraction) for option in question.options] == [
        ("政治意识", Decimal("0.5")),
        ("大局意识", Decimal("0.5")),
        ("个人意识", Decimal("-1")),
    ]


def test_points_default_to_one():
    question = only_question(quiz(MULTIPLE_CHOICE))

    assert question.points == 1


@pytest.mark.parametrize(("true", "false", "correct"), [("100", "0", True), ("0", "100", False)])
def test_true_false_takes_the_answer_worth_100_percent(true, false, correct):
    question = only_question(quiz(TRUE_FALSE.format(true=true, false=false)))

    assert question.kind == q.TRUE_FALSE
    assert question.correct is correct
    assert question.text == "预备党员的预备期为一年。"


def test_short_answer_is_a_blank_accepting_the_full_credit_answers():
    question = only_question(quiz(SHORT_ANSWER))

    assert question.kind == q.FILL_IN
    assert question.text == "中国共产党成立于哪一年？"
    assert question.blanks == [["1921", "1921年"]]


def test_essay_is_a_short_answer_with_the_grader_information_as_reference():
    question = only_question(quiz(ESSAY))

    assert question.kind == q.SHORT_ANSWER
    assert question.reference_answer == "要点一：理论学习\n要点二：实践锻炼"
    assert question.explanation == "言之有理即可。"


def test_text_that_is_not_html_keeps_its_angle_brackets_and_entities():
    question = only_question(
        quiz(
            """<question type="truefalse">
  <questiontext format="plain_text"><text><![CDATA[a <b> &amp; c]]></text></questiontext>
  <answer fraction="100"><text>true</text></answer>
  <answer fraction="0"><text>false</text></answer>
</question>"""
        )
    )

    assert question.text == "a <b> &amp; c"


def test_category_is_the_last_part_of_its_path_and_holds_for_the_following_questions():
    result = parse_moodle_xml(
        quiz(
            ESSAY,
            category("$course$/top/党章"),
            SINGLE_CHOICE,
            MULTIPLE_CHOICE,
            category("$course$/top/党史"),
            SHORT_ANSWER,
        )
    )

    assert result.problems == []
    assert [question.category for question in result.questions] == ["", "党章", "党章", "党史"]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("$course$/top/党章", "党章"),
        ("党史", "党史"),
        ("$course$/top/党的建设/发展党员程序", "发展党员程序"),
        ("$course$/top/党章//党规", "党章/党规"),
        ("$course$/top", ""),
        ("$course$", ""),
        ("", ""),
    ],
)
def test_category_name_of_a_moodle_path(path, name):
    assert category_name(path) == name


# Kinds this school does not have


@pytest.mark.parametrize(
    "kind",
    [
        "matching",
        "numerical",
        "multianswer",
        "description",
        "calculated",
        "ddwtos",
        "gapselect",
        "randomsamatch",
    ],
)
def test_other_kinds_are_skipped_at_their_line(kind):
    result = parse_moodle_xml(
        quiz(
            ESSAY,
            f'<question type="{kind}">\n  <questiontext><text>略</text></questiontext>\n</question>',
        )
    )

    assert len(result.questions) == 1
    assert result.problems == []
    [skipped] = result.skipped
    assert skipped.kind == kind
    assert skipped.line == 3 + ESSAY.count("\n") + 1
    assert skipped.message


# Problems


def test_a_file_that_is_not_well_formed_is_one_problem_with_its_line():
    result = parse_moodle_xml(b"<quiz>\n<question type='essay'>\n</quiz>\n")

    assert result.questions == []
    [problem] = result.problems
    assert problem.line == 3
    assert problem.message.startswith("The file is not well-formed XML: ")


def test_an_empty_file_is_a_problem():
    result = parse_moodle_xml(b"")

    assert len(result.problems) == 1
    assert result.problems[0].message.startswith("The file is not well-formed XML")


def test_xml_that_is_not_a_quiz_is_a_problem():
    result = parse_moodle_xml("<html><body>题库</body></html>".encode())

    assert messages(result) == [
        (0, "This is not a Moodle XML question file: its root element is <html>, not <quiz>.")
    ]


def test_declared_entities_are_not_expanded():
    data = """<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<quiz>
<question type="essay">
  <name><text>&lol2;</text></name>
  <questiontext format="html"><text>谈谈&lol2;</text></questiontext>
</question>
</quiz>
""".encode()

    question = only_question(data)

    # The reference shows as written, so the dry run shows what the file really says.
    assert question.title == "&lol2;"
    assert question.text == "谈谈&lol2;"


def test_billion_laughs_are_not_expanded():
    entities = "\n".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    data = f"""<?xml version="1.0"?>
<!DOCTYPE quiz [
<!ENTITY lol0 "lol">
{entities}
]>
<quiz>
<question type="essay"><questiontext format="html"><text>&lol9;</text></questiontext></question>
</quiz>
""".encode()

    result = parse_moodle_xml(data)

    # libxml2 refuses the file outright (its amplification guard), or reads it with the
    # reference unexpanded: either way nothing holds a billion "lol"s.
    assert result.questions or result.problems
    assert all("lollol" not in question.text for question in result.questions)
    assert all(len(problem.message) < 1000 for problem in result.problems)


def test_external_entities_are_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密")
    data = f"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file://{secret}">]>
<quiz>
<question type="essay"><questiontext format="html"><text>题&secret;</text></questiontext></question>
</quiz>
""".encode()

    question = only_question(data)

    assert "机密" not in question.text


def test_a_question_that_breaks_the_rules_is_a_problem_at_its_line():
    wrong = SINGLE_CHOICE.replace('fraction="100"', 'fraction="0"')
    result = parse_moodle_xml(quiz(ESSAY, wrong))

    assert [question.kind for question in result.questions] == [q.SHORT_ANSWER]
    assert messages(result) == [
        (
            3 + ESSAY.count("\n") + 1,
            "A single-choice question needs exactly one right option.",
        )
    ]


def test_multiple_choice_weights_must_add_up_to_a_whole():
    wrong = MULTIPLE_CHOICE.replace('fraction="50"', 'fraction="40"')
    result = parse_moodle_xml(quiz(wrong))

    assert messages(result) == [(3, "The right options' weights add up to 80%, not 100%.")]


def test_partial_credit_in_a_single_choice_is_a_problem():
    partial = SINGLE_CHOICE.replace(
        '<answer fraction="0" format="html"><text>发展生产力',
        '<answer fraction="33.33333" format="html"><text>发展生产力',
    )
    result = parse_moodle_xml(quiz(partial))

    assert (
        3,
        "A single-choice option is either right (100%) or wrong (0%); "
        "this question gives an option 33.33333%.",
    ) in messages(result)


def test_numbers_that_are_not_numbers_are_problems():
    wrong = SINGLE_CHOICE.replace("2.0000000", "两分").replace('fraction="100"', 'fraction="NaN"')
    result = parse_moodle_xml(quiz(wrong))

    assert result.questions == []
    assert [message for _line, message in messages(result)][:2] == [
        "The default grade “两分” is not a number.",
        "The answer's fraction “NaN” is not a number.",
    ]


def test_a_question_without_a_type_is_a_problem():
    result = parse_moodle_xml(
        quiz("<question><questiontext><text>题</text></questiontext></question>")
    )

    assert messages(result) == [(3, "The question has no type attribute.")]


def test_every_problem_in_a_file_is_reported_at_once():
    empty_text = ESSAY.replace("谈谈你对加强党性修养的认识。", "")
    no_answer = TRUE_FALSE.format(true="0", false="0")
    result = parse_moodle_xml(
        quiz(SINGLE_CHOICE, empty_text, no_answer, '<question type="numerical"></question>')
    )

    assert [question.title for question in result.questions] == ["党的宗旨"]
    essay_line = 3 + SINGLE_CHOICE.count("\n") + 1
    true_false_line = essay_line + ESSAY.count("\n") + 1
    assert messages(result) == [
        (essay_line, "The question has no text."),
        (true_false_line, "A true/false question needs its answer: true or false."),
    ]
    assert [skipped.kind for skipped in result.skipped] == ["numerical"]


# HTML to plain text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>第一段</p>\n  <p>第二段</p>", "第一段\n第二段"),
        ("第一行<br>第二行<br/><br />第四行", "第一行\n第二行\n\n第四行"),
        ("<div><p>嵌套</p></div><ul><li>甲</li><li>乙</li></ul>", "嵌套\n甲\n乙"),
        ("a &amp; b &lt;c&gt; &quot;d&quot; &#20826;", 'a & b <c> "d" 党'),
        ("<p>  多余   空白\n  合并 </p>", "多余 空白 合并"),
        ("文字<script>alert(1)</script><style>p {}</style>", "文字"),
        ("<span>党</span><b>章</b>", "党章"),
        ("", ""),
    ],
)
def test_html_becomes_plain_text_with_its_line_breaks(html, text):
    assert html_to_text(html) == text


def test_a_full_width_space_inside_a_line_is_kept():
    assert html_to_text("<p>党章　总纲</p>") == "党章　总纲"
