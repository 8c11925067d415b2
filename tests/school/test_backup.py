"""`manage.py backup` and `manage.py restore`, round trip on the suite's database (SQLite in
the first pass of CI, PostgreSQL in the second)."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from wagtail.documents.models import Document

from accounts.models import User
from courses.models import Certificate
from courses.tasks import render_certificate
from tests.factories import UserFactory

# Backups are made and restored outside any transaction, as the commands run: PostgreSQL's
# tools work from other connections and see only committed rows, and SQLite's backup waits
# for a transaction of its own connection. serialized_rollback brings back what migrations made.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def every_row():
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if not model._meta.proxy
    }


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def demo_school():
    call_command("seed_demo", verbosity=0)
    # The demo's certificate is drawn by a task when its transaction commits; drawn here as
    # well (a drawn one is left as it is), so that the media surely holds files to restore.
    for pk in Certificate.objects.filter(rendered_at__isnull=True).values_list("pk", flat=True):
        render_certificate(pk)


@pytest.fixture
def backup(tmp_path):
    def make():
        path = tmp_path / "backups" / "school.tar"
        call_command("backup", str(path), verbosity=0)
        return path

    return make


def test_a_restore_brings_back_every_row_and_file_as_it_was(demo_school, backup, in_english):
    rows, files = every_row(), media_files()
    assert Certificate.objects.exclude(png="").exists()  # rendered files are in the media
    archive = backup()
    assert archive.stat().st_mode & 0o077 == 0  # it holds everyone's files

    # Change, add and delete rows and files.
    User.objects.filter(username="activist").update(full_name="改掉的名字")
    UserFactory(username="2099000001", full_name="后来的人")
    document = Document.objects.get()
    document.file.delete(save=False)
    document.delete()
    certificate_png = Path(Certificate.objects.get().png.path)
    certificate_png.unlink()
    (Path(settings.MEDIA_ROOT) / "stray.txt").write_text("后来加的文件")
    changed_rows, changed_files = every_row(), media_files()
    assert changed_rows != rows and changed_files != files

    with pytest.raises(CommandError, match=r"not empty.*--force"):
        call_command("restore", str(archive), verbosity=0)
    assert every_row() == changed_rows and media_files() == changed_files

    call_command("restore", str(archive), "--force", verbosity=0)
    assert every_row() == rows
    assert media_files() == files


def test_the_manifest_lists_each_part_with_its_checksum(backup):
    archive = backup()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        assert names[0] == "manifest.json" and set(names[1:]) == {
            part["name"] for part in manifest["parts"]
        }
        for part in manifest["parts"]:
            data = tar.extractfile(part["name"]).read()
            assert (len(data), hashlib.sha256(data).hexdigest()) == (part["size"], part["sha256"])
    assert manifest["format"] == "party-school-backup"
    assert "accounts.0001_create_user" in manifest["migrations"]


def damaged_copies(archive: Path, tmp_path: Path):
    data = archive.read_bytes()
    with tarfile.open(archive) as tar:
        database = next(m for m in tar.getmembers() if m.name.startswith("database."))
    flipped = bytearray(data)
    flipped[database.offset_data + database.size // 2] ^= 0xFF
    yield "truncated", data[: len(data) * 2 // 3], "truncated"
    yield "flipped", bytes(flipped), f"damaged: {database.name} does not match its checksum"
    # Whole tar blocks cut off the end: the archive still reads, a part is missing.
    yield "short", data[: database.offset_data + database.size + 511 & ~511], "truncated"


@pytest.mark.parametrize("damage", ["truncated", "flipped", "short"])
def test_a_damaged_archive_is_refused_before_anything_is_touched(
    backup, tmp_path, damage, in_english
):
    archive = backup()
    _name, data, message = next(d for d in damaged_copies(archive, tmp_path) if d[0] == damage)
    damaged = tmp_path / f"{damage}.tar"
    damaged.write_bytes(data)
    UserFactory(username="2099000001", full_name="后来的人")
    (Path(settings.MEDIA_ROOT)).mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "stray.txt").write_text("后来加的文件")
    rows, files = every_row(), media_files()

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(damaged), "--force", verbosity=0)
    assert every_row() == rows and media_files() == files
    assert not list(Path(settings.MEDIA_ROOT).parent.glob(".restore-*"))  # scratch cleaned up


def test_a_file_that_is_not_a_backup_is_refused(tmp_path, in_english):
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as tar:
        info = tarfile.TarInfo("notes.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    with pytest.raises(CommandError, match="not a backup of the party school"):
        call_command("restore", str(other), "--force", verbosity=0)
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore", str(tmp_path / "missing.tar"), verbosity=0)


def test_a_backup_of_a_newer_version_is_refused(backup, tmp_path, in_english):
    archive = backup()
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    newer = tmp_path / "newer.tar"
    with tarfile.open(newer, "w") as tar:
        for member, data in members:
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"].append("courses.9999_from_the_future")
                data = json.dumps(manifest).encode()
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match=r"newer version.*courses.9999_from_the_future"):
        call_command("restore", str(newer), "--force", verbosity=0)
