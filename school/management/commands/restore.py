import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from school.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore the database and the media folder from an archive made by `manage.py backup`. "
        "Every part is checked against the manifest's SHA-256 before anything is touched; a "
        "site that is not empty is replaced only with --force. Stop the site and the workers "
        "first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that has tables and a media folder that has files.",
        )

    def handle(self, *args, archive: Path, force: bool, **options):
        started = time.monotonic()
        try:
            restored = restore_backup(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored %(path)s (made %(created)s): the database and %(files)d media "
                    "files, in %(seconds).1f s."
                )
                % {
                    "path": archive,
                    "created": restored.manifest.created_at,
                    "files": restored.manifest.media_files,
                    "seconds": time.monotonic() - started,
                }
            )
        )
        if restored.unapplied_migrations:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The backup is older than this version: run `manage.py migrate` "
                        "before starting the site."
                    )
                )
            )
