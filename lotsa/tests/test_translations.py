"""The interface is complete in Swedish, Danish and English.

Three checks: every translatable string in the code and templates has a translation in each
.po file (by running makemessages on a copy of the tree, so a new string shows up as
untranslated); the compiled .mo files match the .po files; and no template carries visible
text outside the translation tags.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LOTSA = ROOT / "lotsa"
LANGUAGES = ("sv", "da", "en")

needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
    reason="GNU gettext (xgettext, msgmerge) is not installed; the OS package is 'gettext'",
)


def po_path(root: Path, language: str) -> Path:
    return root / "lotsa" / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("tree")
    shutil.copytree(LOTSA, copy / "lotsa", ignore=shutil.ignore_patterns("__pycache__", "tests"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    command = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--no-location"]
    command += [f"--locale={language}" for language in LANGUAGES]
    subprocess.run(command, cwd=copy, check=True, capture_output=True)  # noqa: S603
    return copy


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(extracted: Path, language: str) -> None:
    catalogue = polib.pofile(str(po_path(extracted, language)))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:10]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:10]}"


def test_the_english_catalogue_says_what_the_source_says() -> None:
    """English is the source: an entry that says anything else is a stale guess (a fuzzy match
    from another string once showed "Printed on …" for "One finding since …")."""
    wrong = []
    for entry in polib.pofile(str(po_path(ROOT, "en"))):
        if entry.msgid_plural:
            said = (entry.msgstr_plural.get(0), entry.msgstr_plural.get(1))
            if said != (entry.msgid, entry.msgid_plural):
                wrong.append(entry.msgid)
        elif entry.msgstr != entry.msgid:
            wrong.append(entry.msgid)
    assert not wrong, f"{len(wrong)} English entries differ from their source: {wrong[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogues_match_the_po_files(language: str) -> None:
    po = polib.pofile(str(po_path(ROOT, language)))
    mo = polib.mofile(str(po_path(ROOT, language).with_suffix(".mo")))
    expected = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po.translated_entries()}
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo if e.msgid}
    assert compiled == expected, f"run `make messages` to compile {language}"


# Template syntax, comments and markup that carry no visible text of their own.
_NOT_TEXT = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
    re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<[^>]*>", re.S),
    re.compile(r"&[a-z]+;|&#\d+;"),
]
# Words that are the same in every language: the product's name and plain symbols.
_SAME_IN_EVERY_LANGUAGE = {"Lotsa", "Leaflet", "OpenStreetMap", "km", "kr"}


def visible_text(source: str) -> list[str]:
    for pattern in _NOT_TEXT:
        source = pattern.sub(" ", source)
    words = re.findall(r"[^\W\d_]{2,}", source)
    return [w for w in words if w not in _SAME_IN_EVERY_LANGUAGE]


def templates() -> list[Path]:
    return sorted(LOTSA.rglob("templates/**/*.html"))


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(LOTSA)))
def test_templates_have_no_untranslated_text(path: Path) -> None:
    words = visible_text(path.read_text())
    assert not words, f"untranslated text in {path.relative_to(LOTSA)}: {words[:10]}"


def test_the_template_check_finds_bare_text() -> None:
    assert visible_text("<p>Hello {% translate 'World' %}</p>") == ["Hello"]
    assert visible_text("<p>{% blocktranslate %}Hi {{ x }}{% endblocktranslate %}</p>") == []
