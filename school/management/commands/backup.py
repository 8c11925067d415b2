import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from school.backup import BackupError, create_backup, default_destination, describe_size


class Command(BaseCommand):
    help = (
        "Back up the database and the media folder into one archive with a manifest and the "
        "SHA-256 of each part (PostgreSQL: pg_dump's custom format; SQLite: its backup API). "
        "Safe while the site runs. The archive holds everyone's files: keep it as safe as the "
        "database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            type=Path,
            help="Where to write it (default: var/backups/party-school-<date>-<time>.tar).",
        )

    def handle(self, *args, output: Path | None, **options):
        destination = output or default_destination()
        started = time.monotonic()
        try:
            manifest = create_backup(destination)
        except BackupError as error:
            raise CommandError(str(error)) from None
        sizes = {part.name: describe_size(part.size) for part in manifest.parts}
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written to %(path)s (%(size)s: %(parts)s; %(files)d media files) "
                    "in %(seconds).1f s."
                )
                % {
                    "path": destination,
                    "size": describe_size(destination.stat().st_size),
                    "parts": ", ".join(f"{name} {size}" for name, size in sizes.items()),
                    "files": manifest.media_files,
                    "seconds": time.monotonic() - started,
                }
            )
        )
