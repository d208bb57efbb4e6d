"""Every setting read from the environment is listed in .env.example, and the defaults are safe."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_lists_every_setting() -> None:
    source = (ROOT / "lotsa" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "the pattern found no settings: it has gone stale"
    assert read - listed == set(), f"add to .env.example: {sorted(read - listed)}"
    assert listed - read == set(), f"no longer read by settings.py: {sorted(listed - read)}"


def test_sqlite_runs_in_wal_mode_with_immediate_transactions() -> None:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("this run uses PostgreSQL")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_swedish_is_the_default_language_of_three() -> None:
    assert settings.LANGUAGE_CODE == "sv"
    assert [code for code, _ in settings.LANGUAGES] == ["sv", "da", "en"]
