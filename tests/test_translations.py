"""The translation catalogues: every string of the source is translated, and compiled.

The source is copied aside and scripts/messages run on the copy, so the test sees the
catalogue as the source makes it today (a string added without its translation fails here,
naming it) without touching the working tree.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SOURCE_DIRS = [path for path in ROOT.iterdir() if (path / "__init__.py").exists()]
COPIED = [*SOURCE_DIRS, ROOT / "templates", ROOT / "static", ROOT / "locale", ROOT / "scripts"]
LANGUAGES = sorted(path.name for path in (ROOT / "locale").iterdir() if path.is_dir())


def untranslated(po_file):
    """Return the msgids of `po_file` with an empty or fuzzy translation."""
    result = subprocess.run(
        ["msgattrib", "--untranslated", "--no-wrap", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-wrap", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = []
    for output in (result.stdout, fuzzy.stdout):
        found += [
            line.removeprefix("msgid ").strip('"')
            for line in output.splitlines()
            if line.startswith("msgid ") and line != 'msgid ""'
        ]
    return found


@pytest.fixture(scope="module")
def catalogues_from_source(tmp_path_factory):
    """The catalogues scripts/messages makes from a copy of today's source."""
    copy = tmp_path_factory.mktemp("source")
    for path in COPIED:
        shutil.copytree(path, copy / path.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    subprocess.run(
        [str(copy / "scripts" / "messages"), "--no-compile"],
        check=True,
        env={"PY": str(ROOT / ".venv" / "bin" / "python"), "PATH": "/usr/bin:/bin"},
    )
    return copy / "locale"


def test_hindi_is_one_of_the_site_languages():
    assert "hi" in LANGUAGES
    assert "hi" in dict(settings.LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_source_has_a_translation(catalogues_from_source, language):
    missing = untranslated(catalogues_from_source / language / "LC_MESSAGES" / "django.po")
    assert missing == [], f"{len(missing)} strings without a {language} translation: {missing[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalogue_is_up_to_date_with_the_source(catalogues_from_source, language):
    made = (catalogues_from_source / language / "LC_MESSAGES" / "django.po").read_text()
    committed = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text()
    assert made == committed, "run scripts/messages and commit locale/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(tmp_path, language):
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(folder / "django.po")], check=True
    )
    assert (folder / "django.mo").read_bytes() == compiled.read_bytes(), (
        "run scripts/messages and commit locale/"
    )
