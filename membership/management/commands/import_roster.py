from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from membership.services.roster import import_roster
from school.spreadsheets import SpreadsheetRefused, check_size, upload_limits


class Command(BaseCommand):
    help = (
        "Import a roster (发展党员台账, .xlsx or .csv) of people and their development dates. "
        "All or nothing: with any error nothing is imported. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Only check the file and say what would change."
        )
        parser.add_argument(
            "--as",
            dest="actor",
            default="admin",
            help="The account the records are entered by (default: admin); its organizations limit the import.",
        )

    def handle(self, *args, file: Path, dry_run: bool, actor: str, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        user = User.objects.filter(username=actor).first()
        if user is None:
            raise CommandError(f"No account {actor!r} to import as.")
        try:
            # Before the file is read: a file over the cap is refused by its size alone.
            check_size(file.stat().st_size, upload_limits("roster"))
        except SpreadsheetRefused as refused:
            raise CommandError(refused.message) from None
        result = import_roster(file.name, file.read_bytes(), actor=user, dry_run=dry_run)
        for column in result.unknown_columns:
            self.stdout.write(f"column not read: {column}")
        for error in result.errors:
            where = f"row {error.row}" + (f", {error.column}" if error.column else "")
            self.stderr.write(f"{where}: {error.message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} errors: nothing was imported.")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} people {verb} added and {result.updated} updated."
            )
        )
