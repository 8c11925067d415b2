"""Importing question banks from files, and exporting them to the Excel template."""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import FillBlank, Question, QuestionBank, QuestionOption
from courses.questions import types as q
from courses.questions.excel import parse_excel, write_bank
from courses.questions.gift import parse_gift
from courses.questions.moodle_xml import parse_moodle_xml
from school.exceptions import DomainError
from school.spreadsheets import Limits, SpreadsheetRefused, check_size, upload_limits

FORMATS = {".gift": "gift", ".txt": "gift", ".xml": "moodle_xml", ".xlsx": "excel"}


class ImportRefused(DomainError):
    code = "import_has_problems"


def detect_format(filename: str) -> str | None:
    return FORMATS.get(PurePath(filename).suffix.lower())


def decode_text(data: bytes) -> str:
    """A GIFT file's text: UTF-8 (with or without BOM), else GB18030 (what Chinese Windows writes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def parse_file(filename: str, data: bytes) -> q.ParseResult:
    """Parse an uploaded file by its extension. Never touches the database.

    A file beyond the limits of a question-bank upload (its size, and for the Excel template
    its rows, columns, cells and what it unpacks to; ``school.spreadsheets``), or holding more
    questions than a file may, gives one problem at line 0 and no question."""
    limits = upload_limits("questions")
    try:
        check_size(len(data), limits)
    except SpreadsheetRefused as refused:
        return q.ParseResult(problems=[q.Problem(0, refused.message)])
    result = _parse(filename, data, limits)
    if len(result.questions) + len(result.skipped) > limits.max_rows:
        message = _("The file has more than %(limit)s questions. Split it into several files.")
        return q.ParseResult(problems=[q.Problem(0, message % {"limit": limits.max_rows})])
    return result


def _parse(filename: str, data: bytes, limits: Limits) -> q.ParseResult:
    kind = detect_format(filename)
    if kind == "excel":
        return parse_excel(data, limits=limits)
    if kind == "moodle_xml":
        return parse_moodle_xml(data)
    if kind == "gift":
        try:
            text = decode_text(data)
        except UnicodeDecodeError:
            return q.ParseResult(
                problems=[q.Problem(0, _("The file is neither UTF-8 nor GB18030 text."))]
            )
        return parse_gift(text)
    return q.ParseResult(
        problems=[
            q.Problem(
                0,
                _(
                    "Unknown file type: use .gift or .txt (GIFT), .xml (Moodle XML) or .xlsx (Excel)."
                ),
            )
        ]
    )


def _identity(kind: str, text: str) -> tuple[str, str]:
    return kind, " ".join(text.split())


@dataclass
class ImportOutcome:
    created: list[Question] = field(default_factory=list)
    duplicates: list[q.ParsedQuestion] = field(default_factory=list)  # already in the bank


def find_duplicates(bank: QuestionBank | None, result: q.ParseResult) -> list[q.ParsedQuestion]:
    """Questions of ``result`` the bank already has (same kind and text): re-imports skip them."""
    if bank is None:
        return []
    existing = {_identity(kind, text) for kind, text in bank.questions.values_list("kind", "text")}
    return [
        question
        for question in result.questions
        if _identity(question.kind, question.text) in existing
    ]


@transaction.atomic
def import_questions(bank: QuestionBank, result: q.ParseResult, *, actor: User) -> ImportOutcome:
    """Save the parsed questions into ``bank``: all of them or, if the file had any problem,
    none (``ImportRefused``). Questions the bank already has are skipped, so importing the
    same file twice adds nothing the second time. Locks the bank row while it adds."""
    if result.problems:
        raise ImportRefused(
            _("The file has problems; nothing was imported. Fix them and try again.")
        )
    bank = QuestionBank.objects.select_for_update().get(pk=bank.pk)
    outcome = ImportOutcome(duplicates=find_duplicates(bank, result))
    skip = {_identity(question.kind, question.text) for question in outcome.duplicates}
    for parsed in result.questions:
        identity = _identity(parsed.kind, parsed.text)
        if identity in skip:
            continue
        skip.add(identity)  # the same question twice in one file is imported once
        outcome.created.append(_create(bank, parsed))
    return outcome


def _create(bank: QuestionBank, parsed: q.ParsedQuestion) -> Question:
    question = Question.objects.create(
        bank=bank,
        kind=parsed.kind,
        title=parsed.title,
        text=parsed.text,
        points=parsed.points,
        category=parsed.category,
        difficulty=parsed.difficulty,
        explanation=parsed.explanation,
        multiple_scoring=parsed.multiple_scoring,
        correct_answer=parsed.correct,
        reference_answer=parsed.reference_answer,
    )
    QuestionOption.objects.bulk_create(
        QuestionOption(
            question=question,
            text=o.text,
            fraction=o.fraction.quantize(Decimal("0.0001")),
            sort_order=n,
        )
        for n, o in enumerate(parsed.options)
    )
    FillBlank.objects.bulk_create(
        FillBlank(question=question, answers="\n".join(accepted), sort_order=n)
        for n, accepted in enumerate(parsed.blanks)
    )
    return question


def to_parsed(question: Question) -> q.ParsedQuestion:
    """A stored question in the plain shape the file formats use (for export and checks)."""
    return q.ParsedQuestion(
        kind=question.kind,
        text=question.text,
        line=0,
        title=question.title,
        category=question.category,
        points=question.points,
        difficulty=question.difficulty,
        explanation=question.explanation,
        options=[q.ParsedOption(o.text, o.fraction) for o in question.options.all()],
        multiple_scoring=question.multiple_scoring,
        correct=question.correct_answer,
        blanks=[blank.accepted() for blank in question.blanks.all()],
        reference_answer=question.reference_answer,
    )


def export_bank(bank: QuestionBank) -> bytes:
    """The bank's questions in use, in the Excel template."""
    questions = (
        bank.questions.filter(is_active=True)
        .prefetch_related("options", "blanks")
        .order_by("category", "pk")
    )
    return write_bank([to_parsed(question) for question in questions])
