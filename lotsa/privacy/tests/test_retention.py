"""Every model has a retention class, and the settings cannot go below the law's floor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.test import override_settings
from django.utils import translation

from lotsa.privacy import retention
from lotsa.privacy.retention import CLASSES, MODELS, Purge


def test_every_model_has_a_retention_class() -> None:
    missing = [model._meta.label for model in apps.get_models() if model._meta.label not in MODELS]
    assert missing == [], (
        f"decide how long these are kept: add them to MODELS in lotsa/privacy/retention.py "
        f"(and the table in docs/security.md): {missing}"
    )


def test_every_model_of_ours_is_in_the_table() -> None:
    ours = [m for m in apps.get_models() if m.__module__.startswith("lotsa.")]
    assert ours
    table = dict(retention.table())
    assert all(model._meta.label in table for model in ours)


def test_every_class_named_exists_and_says_everything() -> None:
    assert set(MODELS.values()) <= set(CLASSES)
    assert set(CLASSES) <= set(MODELS.values()), "a class no model uses"
    with translation.override("en"):
        for code, found in CLASSES.items():
            assert found.code == code
            assert found.purge in (Purge.ANONYMISE, Purge.DELETE, Purge.KEEP)
            for text in (found.name, found.holds, found.why, found.at_the_end, found.on_erasure):
                assert str(text).strip(), code
            assert "%(" not in found.period() and "%(" not in found.reason(), code


def test_the_periods_follow_the_settings() -> None:
    with (
        override_settings(LOTSA_RETENTION_CASE_MONTHS=36, LOTSA_RETENTION_AUDIT_YEARS=10),
        translation.override("en"),
    ):
        assert CLASSES["case_record"].period() == "36 months after the case was closed."
        assert CLASSES["access_log"].period().startswith("10 years")


def errors() -> list[str]:
    return [error.id or "" for error in retention.check_retention_settings()]


def test_the_settings_as_shipped_pass_the_check() -> None:
    assert errors() == []


@override_settings(LOTSA_RETENTION_AUDIT_YEARS=4)
def test_an_access_log_kept_under_five_years_is_refused() -> None:
    assert errors() == ["lotsa.privacy.E001"]


@override_settings(LOTSA_RETENTION_CASE_MONTHS=12, LOTSA_RETENTION_LEGAL_HOLD_MONTHS=13)
def test_a_legal_hold_longer_than_the_retention_is_refused() -> None:
    assert errors() == ["lotsa.privacy.E003"]


@override_settings(LOTSA_RETENTION_CASE_MONTHS=0, LOTSA_RETENTION_LOGIN_DAYS=0)
def test_periods_of_nothing_are_refused() -> None:
    assert errors() == ["lotsa.privacy.E002", "lotsa.privacy.E004"]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 11, 22), 24, dt.date(2023, 11, 22)),
        (dt.date(2025, 3, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 1, 15), 1, dt.date(2024, 12, 15)),
        (dt.date(2025, 11, 22), 60, dt.date(2020, 11, 22)),
        (dt.date(2025, 11, 22), -6, dt.date(2026, 5, 22)),
    ],
)
def test_months_before_counts_calendar_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert retention.months_before(day, months) == expected


def test_the_cutoffs_of_a_given_day() -> None:
    cut = retention.cutoffs(dt.date(2025, 11, 22))
    assert cut.case.date() == dt.date(2023, 11, 22)
    assert cut.audit.date() == dt.date(2020, 11, 22)
    assert (cut.now - cut.login).days == 90
