"""Backing up and restoring the whole school: the database and the media folder, in one file.

A backup is an uncompressed tar archive (its parts are compressed already, or are pictures
and video) holding, in this order:

- ``manifest.json``: the format, when it was made, the database's vendor, the migrations
  applied, and for each part its name, size and SHA-256;
- the database: ``database.pgdump`` (``pg_dump --format=custom``) or ``database.sqlite3``
  (SQLite's online backup API, a consistent copy while the site runs);
- ``media.tar``: everything under MEDIA_ROOT.

A restore reads the whole archive into a scratch folder and checks every part against the
manifest before it touches anything; a damaged or truncated archive is refused. It then
replaces the database in one transaction (PostgreSQL: every table dropped and the dump loaded
by one ``psql --single-transaction``; SQLite: the backup API, which swaps the file's pages at
once), so a failure leaves the database as it was, and then swaps the media folder in with
two renames. A database that has tables, or a media folder with files, is replaced only when
asked to (``force``): the archive holds everyone's development files, and so does the
database it would replace.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "party-school-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PART = "media.tar"
DATABASE_PART = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
# How long the restore waits for a table another connection is using before it gives up:
# a site or worker still running would otherwise make it wait for ever.
LOCK_TIMEOUT = "10s"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


@dataclass(frozen=True)
class Part:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: str
    vendor: str
    migrations: list[str]
    parts: list[Part]
    media_files: int

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "created_at": self.created_at,
                "database": {"vendor": self.vendor},
                "migrations": self.migrations,
                "media_files": self.media_files,
                "parts": [part.__dict__ for part in self.parts],
            },
            ensure_ascii=False,
            indent=2,
        ).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise ValueError("format")
            if raw.get("version") != VERSION:
                raise BackupError(
                    _(
                        "This backup is of format version %(version)s, which this version cannot read."
                    )
                    % {"version": raw.get("version")}
                )
            return cls(
                created_at=raw["created_at"],
                vendor=raw["database"]["vendor"],
                migrations=list(raw["migrations"]),
                media_files=int(raw["media_files"]),
                parts=[Part(p["name"], int(p["size"]), p["sha256"]) for p in raw["parts"]],
            )
        except (ValueError, KeyError, TypeError):
            raise BackupError(_("This file is not a backup of the party school.")) from None


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    unapplied_migrations: list[str]  # in the code, not in the backup: run `migrate`


# --- Backing up -------------------------------------------------------------------------


def create_backup(destination: Path, *, using: str = "default") -> Manifest:
    """Write a backup of the database ``using`` and of MEDIA_ROOT to ``destination``.

    Safe while the site runs (both dumps are consistent snapshots of the database). The file
    appears only when complete (it is written beside it and renamed), readable by its owner
    only: it holds everyone's files. Raises ``BackupError``.
    """
    connection = connections[using]
    vendor = _vendor(connection)
    media_root = _media_root()
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as scratch:
        folder = Path(scratch)
        database = folder / DATABASE_PART[vendor]
        if vendor == "postgresql":
            _pg_dump(connection, database)
        else:
            _sqlite_backup(connection, database)
        media = folder / MEDIA_PART
        media_files = _tar_folder(media_root, media)
        manifest = Manifest(
            created_at=timezone.now().isoformat(timespec="seconds"),
            vendor=vendor,
            migrations=_applied_migrations(connection),
            parts=[_describe(database), _describe(media)],
            media_files=media_files,
        )
        partial = destination.with_name(f".{destination.name}.partial")
        with _private_file(partial) as out, tarfile.open(fileobj=out, mode="w") as archive:
            _add_bytes(archive, MANIFEST, manifest.to_json())
            for part in (database, media):
                archive.add(part, arcname=part.name, recursive=False)
        os.replace(partial, destination)
    return manifest


def _pg_dump(connection: BaseDatabaseWrapper, target: Path) -> None:
    _run(["pg_dump", "--format=custom", "--no-password", "--file", str(target)], connection)


def _sqlite_backup(connection: BaseDatabaseWrapper, target: Path) -> None:
    # Through Django's own connection: the same database whatever NAME says (a file, or the
    # in-memory database of the tests), copied consistently even while others write.
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def _tar_folder(folder: Path, target: Path) -> int:
    files = 0
    with tarfile.open(target, mode="w") as archive:
        if not folder.is_dir():
            info = tarfile.TarInfo("media")
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, int(time.time())
            archive.addfile(info)
            return 0
        archive.add(folder, arcname="media", recursive=False)
        for path in sorted(folder.rglob("*")):
            if path.is_symlink() or not (path.is_file() or path.is_dir()):
                continue  # nothing of ours makes links or devices; none is carried over
            archive.add(
                path, arcname=f"media/{path.relative_to(folder).as_posix()}", recursive=False
            )
            files += path.is_file()
    return files


def _describe(path: Path) -> Part:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return Part(path.name, path.stat().st_size, digest.hexdigest())


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    archive.addfile(info, io.BytesIO(data))


@contextlib.contextmanager
def _private_file(path: Path) -> Iterator[IO[bytes]]:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


# --- Restoring --------------------------------------------------------------------------


def read_manifest(source: Path) -> Manifest:
    """The manifest of the backup at ``source``, without reading the rest."""
    try:
        with tarfile.open(source, mode="r:") as archive:
            first = archive.next()
            if first is None or first.name != MANIFEST:
                raise BackupError(_("This file is not a backup of the party school."))
            data = archive.extractfile(first)
            assert data is not None
            return Manifest.from_json(data.read())
    except (tarfile.TarError, EOFError):
        raise BackupError(_("This file is not a backup of the party school.")) from None


def restore_backup(source: Path, *, force: bool = False, using: str = "default") -> Restored:
    """Replace the database ``using`` and MEDIA_ROOT with the backup at ``source``.

    Refuses, changing nothing (``BackupError``): a file that is not a backup; a backup of
    another database vendor or made by a newer version (migrations this code does not have);
    a database with tables or a media folder with files, unless ``force``; a part whose size
    or SHA-256 is not the manifest's, or an archive that ends early. The site and the workers
    should be stopped: a table still in use makes the restore give up after ``LOCK_TIMEOUT``.
    """
    connection = connections[using]
    vendor = _vendor(connection)
    media_root = _media_root()
    if not source.is_file():
        raise BackupError(_("No such file: %(path)s") % {"path": source})
    manifest = read_manifest(source)
    if manifest.vendor != vendor:
        raise BackupError(
            _("This is a backup of a %(backup)s database; this site runs on %(site)s.")
            % {"backup": manifest.vendor, "site": vendor}
        )
    known = _known_migrations()
    newer = sorted(set(manifest.migrations) - known)
    if newer:
        raise BackupError(
            _(
                "This backup was made by a newer version of the party school (it has "
                "migrations this version does not: %(migrations)s). Restore it with that version."
            )
            % {"migrations": ", ".join(newer[:5])}
        )
    if not force:
        tables = len(connection.introspection.table_names())
        files = sum(1 for path in media_root.rglob("*") if path.is_file())
        if tables or files:
            raise BackupError(
                _(
                    "This site is not empty (%(tables)d tables in the database, %(files)d files "
                    "in the media folder): a restore replaces all of it with the backup. Run "
                    "again with --force to replace it."
                )
                % {"tables": tables, "files": files}
            )

    media_root.parent.mkdir(parents=True, exist_ok=True)
    # The scratch folder sits beside MEDIA_ROOT, so the new media folder is renamed into place.
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as scratch:
        folder = Path(scratch)
        parts = _extract_verified(source, manifest, folder)
        if set(parts) != {DATABASE_PART[vendor], MEDIA_PART}:
            raise BackupError(_("This backup is incomplete: a part is missing."))
        new_media = folder / "media"
        _untar_media(parts[MEDIA_PART], new_media)
        # Everything is checked: from here on the site is replaced.
        if vendor == "postgresql":
            _pg_restore(connection, parts[DATABASE_PART[vendor]], folder)
        else:
            _sqlite_restore(connection, parts[DATABASE_PART[vendor]])
        _swap_folder(new_media, media_root, folder / "previous-media")
    return Restored(manifest, sorted(known - set(_applied_migrations(connection))))


def _extract_verified(source: Path, manifest: Manifest, folder: Path) -> dict[str, Path]:
    """Copy each part out of the archive, checking its size and SHA-256 on the way."""
    expected = {part.name: part for part in manifest.parts}
    found: dict[str, Path] = {}
    try:
        with tarfile.open(source, mode="r:") as archive:
            for member in archive:
                if member.name == MANIFEST:
                    continue
                part = expected.get(member.name)
                if part is None or not member.isfile() or member.name in found:
                    raise BackupError(
                        _("This backup holds something its manifest does not list: %(name)s")
                        % {"name": member.name}
                    )
                data = archive.extractfile(member)
                assert data is not None
                target = folder / part.name
                digest, size = hashlib.sha256(), 0
                with target.open("wb") as out:
                    while chunk := data.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                if size != part.size or digest.hexdigest() != part.sha256:
                    raise BackupError(
                        _(
                            "The backup is damaged: %(part)s does not match its checksum in "
                            "the manifest. Nothing was restored."
                        )
                        % {"part": part.name}
                    )
                found[part.name] = target
    except (tarfile.TarError, EOFError):
        raise BackupError(
            _("The backup is truncated or damaged: it ends early. Nothing was restored.")
        ) from None
    missing = sorted(set(expected) - set(found))
    if missing:
        raise BackupError(
            _("The backup is truncated: %(parts)s missing. Nothing was restored.")
            % {"parts": ", ".join(missing)}
        )
    return found


def _untar_media(archive_path: Path, target: Path) -> None:
    target.mkdir()
    with tarfile.open(archive_path, mode="r:") as archive:
        for member in archive:
            path = PurePosixPath(member.name)
            relative = path.relative_to("media") if path.parts[:1] == ("media",) else None
            if relative is None or path.is_absolute() or ".." in path.parts:
                raise BackupError(
                    _("This backup holds something its manifest does not list: %(name)s")
                    % {"name": member.name}
                )
            destination = target.joinpath(*relative.parts)
            if member.isdir():
                destination.mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                destination.parent.mkdir(parents=True, exist_ok=True)
                data = archive.extractfile(member)
                assert data is not None
                with destination.open("wb") as out:
                    shutil.copyfileobj(data, out, CHUNK)
                os.utime(destination, (member.mtime, member.mtime))
            # Anything else (links, devices) is never written by a backup; it is skipped.


def _pg_restore(connection: BaseDatabaseWrapper, dump: Path, folder: Path) -> None:
    """Drop every table and view of the schema and load the dump, in one transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'VIEW', viewname FROM pg_views WHERE schemaname = current_schema() "
            "UNION ALL "
            "SELECT 'TABLE', tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
        objects = cursor.fetchall()
    quote = connection.ops.quote_name
    drops = [f"SET lock_timeout = '{LOCK_TIMEOUT}';"] + [
        f"DROP {kind} IF EXISTS {quote(name)} CASCADE;" for kind, name in objects
    ]
    (folder / "drop.sql").write_text("\n".join(drops) + "\n", encoding="utf-8")
    # Our own connections hold no lock, but close them so nothing of ours is in the way.
    connection.close()
    script = folder / "restore.sql"
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(script),
            str(dump),
        ],
        None,
    )
    _run(
        [
            "psql",
            "--no-psqlrc",
            "--quiet",
            "--no-password",
            "--set",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "--file",
            str(folder / "drop.sql"),
            "--file",
            str(script),
        ],
        connection,
    )


def _sqlite_restore(connection: BaseDatabaseWrapper, copy: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)
    except sqlite3.OperationalError as error:
        raise BackupError(
            _("The database is in use (%(error)s): stop the site and the workers, then restore.")
            % {"error": error}
        ) from None
    finally:
        source.close()


def _swap_folder(new: Path, current: Path, previous: Path) -> None:
    if current.exists():
        os.replace(current, previous)
    os.replace(new, current)
    shutil.rmtree(previous, ignore_errors=True)


# --- Shared -----------------------------------------------------------------------------


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.in_atomic_block:
        # pg_dump would miss this transaction's rows, and SQLite's backup would wait for ever.
        raise RuntimeError("Back up and restore outside a transaction (transaction.atomic).")
    if connection.vendor not in DATABASE_PART:
        raise BackupError(
            _("Backups are made of SQLite and PostgreSQL databases, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


def _media_root() -> Path:
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupError(
            _("The media files are not in a local folder; back them up where they are stored.")
        )
    return Path(settings.MEDIA_ROOT).resolve()


def _applied_migrations(connection: BaseDatabaseWrapper) -> list[str]:
    if "django_migrations" not in connection.introspection.table_names():
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _known_migrations() -> set[str]:
    return {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}


def _libpq_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The connection's settings as libpq's variables: the password never shows in ``ps``."""
    config: dict[str, Any] = connection.settings_dict
    environment = {
        "PGDATABASE": config["NAME"],
        "PGHOST": config.get("HOST") or "",
        "PGPORT": str(config.get("PORT") or ""),
        "PGUSER": config.get("USER") or "",
        "PGPASSWORD": config.get("PASSWORD") or "",
    }
    options = config.get("OPTIONS") or {}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(option):
            environment[f"PG{option.upper()}"] = str(options[option])
    return {name: value for name, value in environment.items() if value}


def _run(command: list[str], connection: BaseDatabaseWrapper | None) -> None:
    environment = {**os.environ, **(_libpq_environment(connection) if connection else {})}
    try:
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            _(
                "%(program)s is not installed: install PostgreSQL's client programs "
                "(on Debian or Ubuntu: apt-get install postgresql-client)."
            )
            % {"program": command[0]}
        ) from None
    if result.returncode != 0:
        error = result.stderr.strip().splitlines()
        if any("lock timeout" in line for line in error):
            raise BackupError(
                _("The database is in use: stop the site and the workers, then restore.")
            )
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": error[-1] if error else result.returncode}
        )


def default_destination() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "var" / "backups" / f"party-school-{stamp}.tar"


def describe_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
