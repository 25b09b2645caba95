"""Every string is translated into Simplified Chinese, and the catalogue is up to date."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"
    assert len(catalogue.translated_entries()) > 50


def test_catalogue_matches_the_source(tmp_path):
    """`make messages` would not add any string: nothing in the code is left out."""
    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext (xgettext) is needed to check the catalogue: apt-get install gettext")
    work = tmp_path / "src"
    ignore = shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "tests", "bench", "node_modules")
    shutil.copytree(ROOT, work, ignore=ignore)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--add-location=file",
            "--ignore=.venv",
            "--ignore=var",
            "--ignore=tests",
            "--ignore=bench",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "catalogue-check-" + "x" * 40,
            "HTTPS": "false",
            "VAR_DIR": str(tmp_path / "var"),
            "PYTHONPATH": str(work),
        },
    )
    assert result.returncode == 0, result.stderr
    fresh = {e.msgid for e in polib.pofile(str(work / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    current = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    missing = sorted(fresh - current)
    assert not missing, f"Run `make messages` and translate: {missing[:20]}"
