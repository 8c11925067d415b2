"""Parsing Moodle XML question files into the plain shape of ``types``.

    <quiz>
      <question type="category"><category><text>$course$/top/党章</text></category></question>
      <question type="multichoice">
        <name><text>党的宗旨</text></name>
        <questiontext format="html"><text><![CDATA[<p>中国共产党的根本宗旨是</p>]]></text></questiontext>
        <single>true</single>
        <answer fraction="100"><text>全心全意为人民服务</text></answer>
        <answer fraction="0"><text>实现共产主义</text></answer>
      </question>
    </quiz>

Multiple choice, true/false, short answer (a fill-in with one blank) and essay (a short answer
graded by hand) are read; every other Moodle type is skipped and listed. Line numbers are the
line of the ``<question>`` element.

The helpers for Moodle's conventions (category paths, HTML text, fractions, skipped kinds) are
shared with the GIFT parser, which is Moodle's other question format.
"""

import re
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import TypedDict

from django.utils.translation import gettext as _
from lxml import etree

from courses.questions import types as q
from school.spreadsheets import excerpt

# Moodle's tolerance: fractions like 33.33333% add up to 99.99999%, which is 100%.


def parse_moodle_xml(data: bytes) -> q.ParseResult:
    result = q.ParseResult()
    # An uploaded file is untrusted: no entity expansion (billion laughs), no DTD or network
    # fetches (XXE), no unbounded trees.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        result.problems.append(
            q.Problem(
                line=error.lineno or 0,
                message=_("The file is not well-formed XML: %(error)s")
                % {"error": excerpt(error.msg, 200)},
            )
        )
        return result
    if root.tag != "quiz":
        result.problems.append(
            q.Problem(
                line=0,
                message=_(
                    "This is not a Moodle XML question file: its root element is <%(tag)s>, not <quiz>."
                )
                % {"tag": excerpt(root.tag)},
            )
        )
        return result

    category = ""
    for element in root.iterchildren("question"):
        kind = element.get("type", "")
        line = element.sourceline or 0
        if kind == "category":
            # Like GIFT's $CATEGORY: it applies to the questions that follow.
            category = category_name(_text(element.find("category")))
            continue
        if not kind:
            result.problems.append(
                q.Problem(line=line, message=_("The question has no type attribute."))
            )
            continue
        read = _READERS.get(kind)
        if read is None:
            result.skipped.append(skipped(line, kind))
            continue
        errors: list[str] = []
        question = read(element, _common_fields(element, line, category, errors), errors)
        errors += [problem.message for problem in q.problems_of(question)]
        errors += wildcard_problems(question)
        if errors:
            result.problems += [q.Problem(line=line, message=message) for message in errors]
        else:
            result.questions.append(question)
    return result


class _Fields(TypedDict):
    """What every kind of question takes from the same elements."""

    line: int
    category: str
    title: str
    text: str
    explanation: str
    points: Decimal


def _common_fields(element, line: int, category: str, errors: list[str]) -> _Fields:
    points = Decimal(1)
    grade = _text(element.find("defaultgrade")).strip()
    if grade:
        try:
            points = plain_decimal(number(grade))
        except InvalidOperation:
            errors.append(
                _("The default grade “%(grade)s” is not a number.") % {"grade": excerpt(grade)}
            )
    return _Fields(
        line=line,
        category=category,
        title=_text(element.find("name")).strip(),
        text=_formatted(element.find("questiontext")),
        explanation=_formatted(element.find("generalfeedback")),
        points=points,
    )


def _read_multichoice(element, fields: _Fields, errors: list[str]) -> q.ParsedQuestion:
    single = _text(element.find("single")).strip().lower() not in ("false", "0")
    options = [
        q.ParsedOption(text=_formatted(answer), fraction=_fraction(answer, errors))
        for answer in element.iterchildren("answer")
    ]
    if single:
        return q.ParsedQuestion(kind=q.SINGLE, options=options, **fields)
    return q.ParsedQuestion(kind=q.MULTIPLE, options=options, multiple_scoring=q.WEIGHTED, **fields)


def _read_truefalse(element, fields: _Fields, errors: list[str]) -> q.ParsedQuestion:
    # Moodle writes the two answers as the words "true" and "false"; the one worth 100% wins.
    correct = None
    for answer in element.iterchildren("answer"):
        if _fraction(answer, errors) == 1:
            correct = {"true": True, "false": False}.get(_text(answer).strip().lower())
    return q.ParsedQuestion(kind=q.TRUE_FALSE, correct=correct, **fields)


def _read_shortanswer(element, fields: _Fields, errors: list[str]) -> q.ParsedQuestion:
    # Answers worth less than 100% earn partial credit in Moodle; a blank here is right or wrong.
    accepted = [
        _formatted(answer)
        for answer in element.iterchildren("answer")
        if _fraction(answer, errors) == 1
    ]
    return q.ParsedQuestion(kind=q.FILL_IN, blanks=[accepted], **fields)


def _read_essay(element, fields: _Fields, errors: list[str]) -> q.ParsedQuestion:
    reference = _formatted(element.find("graderinfo"))
    return q.ParsedQuestion(kind=q.SHORT_ANSWER, reference_answer=reference, **fields)


_READERS = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "essay": _read_essay,
}


def _fraction(answer, errors: list[str]) -> Decimal:
    raw = answer.get("fraction", "0").strip()
    try:
        return number(raw) / 100
    except InvalidOperation:
        errors.append(
            _("The answer's fraction “%(fraction)s” is not a number.") % {"fraction": excerpt(raw)}
        )
        return Decimal(0)


def _text(element) -> str:
    """The text of ``element``'s <text> child, or of ``element`` itself when it has none.

    itertext() leaves a reference to a declared entity as it is written ("&name;"), so a
    file's own entities are never expanded, and they show in the dry run instead of vanishing.
    """
    if element is None:
        return ""
    text = element.find("text")
    return "".join((element if text is None else text).itertext())


def _formatted(element) -> str:
    """Plain text of a Moodle text field, by its format attribute (HTML unless it says not)."""
    if element is None:
        return ""
    if element.get("format", "html") == "html":
        return html_to_text(_text(element))
    return _text(element).strip()


# Shared with the GIFT parser: Moodle's conventions.


def category_name(path: str) -> str:
    """The category a Moodle category path names: its last part, "$course$/top/党章" is 党章.

    "$course$" (or $system$, $module$, $cat1$…) and the "top" under it are Moodle's places,
    not names. A "/" inside a name is written "//".
    """
    names = [name.replace("//", "/").strip() for name in re.split(r"(?<!/)/(?!/)", path.strip())]
    names = [name for name in names if name]
    if names and re.fullmatch(r"\$\w+\$", names[0]):
        names = names[1:]
        if names and names[0] == "top":
            names = names[1:]
    return names[-1] if names else ""


def skipped(line: int, kind: str) -> q.Skipped:
    """A question of a kind this school does not have; ``kind`` is the format's own name."""
    if kind == "description":
        message = _("A description has no answer to grade, so it was not imported.")
    else:
        message = _("This school has no “%(kind)s” questions, so this one was not imported.") % {
            "kind": excerpt(kind)
        }
    return q.Skipped(line=line, kind=excerpt(kind), message=message)


def wildcard_problems(question: q.ParsedQuestion) -> list[str]:
    """Moodle's short answers may use * for "anything"; here an accepted answer is matched as
    written, so such an answer would never be right."""
    if question.kind != q.FILL_IN:
        return []
    return [
        _("The accepted answer “%(answer)s” uses Moodle's * wildcard, which is not supported.")
        % {"answer": excerpt(answer)}
        for blank in question.blanks
        for answer in blank
        if "*" in answer
    ]


def number(text: str) -> Decimal:
    """``text`` as a finite Decimal; InvalidOperation for anything else, "NaN" included."""
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def plain_decimal(value: Decimal) -> Decimal:
    """``value`` without trailing zeros (Moodle writes 1.0000000), and never in exponent form."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


# Elements that start a new line in the text; <br> starts one even when the line is empty.
# fmt: off
_BLOCKS = frozenset({
    "address", "article", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre",
    "section", "table", "td", "th", "tr", "ul",
})
# fmt: on
_INVISIBLE = frozenset({"script", "style", "template"})
_BLOCK_BREAK = object()


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list = []
        self._invisible = 0

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append(_BLOCK_BREAK)
        elif tag in _INVISIBLE:
            self._invisible += 1

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append(_BLOCK_BREAK)
        elif tag in _INVISIBLE and self._invisible:
            self._invisible -= 1

    def handle_data(self, data):
        if not self._invisible:
            # HTML's own whitespace only: a full-width space (U+3000) is part of the text.
            self.parts.append(re.sub(r"[ \t\n\r\f]+", " ", data))


def html_to_text(html: str) -> str:
    """The text of an HTML fragment as a browser shows it, roughly: tags gone, entities
    unescaped, runs of whitespace one space, a line for each paragraph and <br>."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = [""]
    for part in collector.parts:
        if part is _BLOCK_BREAK:
            # Blocks in a row (</p><p>) make one line break, not one for each tag.
            if lines[-1].strip():
                lines.append("")
        elif part == "\n":
            lines.append("")
        else:
            lines[-1] += part
    return "\n".join(line.replace("\xa0", " ").strip() for line in lines).strip()
