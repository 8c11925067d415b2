from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.models import QuestionBank
from courses.services.question_import import import_questions, parse_file
from school.spreadsheets import SpreadsheetRefused, check_size, upload_limits


class Command(BaseCommand):
    help = (
        "Import questions from a GIFT (.gift/.txt), Moodle XML (.xml) or Excel template (.xlsx) "
        "file into a question bank. All or nothing: with any problem, nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--bank", required=True, help="The bank's name; created if it does not exist."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only list what would be imported and every problem.",
        )

    def handle(self, *args, file: Path, bank: str, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            # Before the file is read: a file over the cap is refused by its size alone.
            check_size(file.stat().st_size, upload_limits("questions"))
        except SpreadsheetRefused as refused:
            raise CommandError(refused.message) from None
        result = parse_file(file.name, file.read_bytes())
        for skipped in result.skipped:
            self.stdout.write(f"line {skipped.line}: skipped ({skipped.kind}): {skipped.message}")
        for problem in result.problems:
            where = f"line {problem.line}" + (
                f", column {problem.column}" if problem.column else ""
            )
            self.stderr.write(f"{where}: {problem.message}")
        self.stdout.write(
            f"{len(result.questions)} questions read, {len(result.skipped)} skipped, {len(result.problems)} problems."
        )
        if result.problems:
            raise CommandError("Nothing was imported: fix the problems above.")
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
            return
        question_bank, _created = QuestionBank.objects.get_or_create(name=bank)
        outcome = import_questions(question_bank, result, actor=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(outcome.created)} questions into “{question_bank.name}”; "
                f"{len(outcome.duplicates)} were already there."
            )
        )
