"""Chinese is the site's first language: every message has a reviewed translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
PO_FILE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_to_chinese():
    catalog = polib.pofile(str(PO_FILE))
    missing = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not missing, f"untranslated: {missing}"
    assert not fuzzy, f"fuzzy (needs review): {fuzzy}"


def _messages(catalog) -> dict:
    return {
        (entry.msgctxt, entry.msgid): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
        for entry in catalog
        if entry.msgid and not entry.obsolete
    }


def test_compiled_catalog_matches_the_source():
    compiled = polib.mofile(str(PO_FILE.with_suffix(".mo")))
    source = polib.pofile(str(PO_FILE))
    assert _messages(compiled) == _messages(source), "Run `make messages` and commit the .mo file."


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_catalog_has_every_message_in_the_code(tmp_path):
    """Runs makemessages into a copy of the catalog and checks it found nothing new."""
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    subprocess.run(
        [sys.executable, "-c", _MAKEMESSAGES, str(locale)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    fresh = {
        e.msgid
        for e in polib.pofile(str(locale / "zh_Hans" / "LC_MESSAGES" / "django.po"))
        if not e.obsolete
    }
    known = {e.msgid for e in polib.pofile(str(PO_FILE)) if not e.obsolete}
    assert fresh <= known, f"not in the catalog yet (run `make messages`): {sorted(fresh - known)}"


_MAKEMESSAGES = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "school.settings")
import django
from django.conf import settings
django.setup()
settings.LOCALE_PATHS = [sys.argv[1]]
from django.core.management import call_command
call_command("makemessages", locale=["zh_Hans"], ignore_patterns=[".venv/*", "var/*", "tests/*"], verbosity=0)
"""
