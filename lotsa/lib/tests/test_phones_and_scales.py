"""Phone numbers, working days and the three-item loneliness scale."""

from __future__ import annotations

import datetime as dt

import pytest

from lotsa.lib import loneliness, phones
from lotsa.lib.workdays import add_working_days, days_off


def test_a_swedish_mobile_number_is_stored_internationally() -> None:
    assert phones.normalise("070-123 45 67") == "+46701234567"
    assert phones.is_mobile("+46701234567")
    assert phones.display("+46701234567") == "070-123 45 67"


def test_a_danish_number_is_read_in_denmark() -> None:
    assert phones.normalise("20 12 34 56", "DK") == "+4520123456"


@pytest.mark.parametrize("number", ["123", "telefon", "070-12"])
def test_what_cannot_be_a_phone_number_is_refused(number: str) -> None:
    with pytest.raises(ValueError):
        phones.normalise(number)


def test_working_days_skip_the_weekend() -> None:
    friday = dt.date(2026, 11, 20)
    assert add_working_days(friday, 1) == dt.date(2026, 11, 23)
    assert add_working_days(friday, 5) == dt.date(2026, 11, 27)
    assert add_working_days(dt.date(2026, 11, 22), 5) == dt.date(2026, 11, 27)  # from a Sunday


def test_the_loneliness_score_is_the_sum_of_three_answers() -> None:
    assert loneliness.score([1, 1, 1]) == 3
    assert loneliness.score([3, 3, 3]) == 9
    assert loneliness.score([2, 2, 2]) == 6
    assert loneliness.suggests_loneliness(6)
    assert not loneliness.suggests_loneliness(5)


def test_a_missing_answer_makes_the_score_missing_never_zero() -> None:
    assert loneliness.score([3, None, 3]) is None
    assert not loneliness.suggests_loneliness(None)


def test_answers_outside_the_scale_are_refused() -> None:
    with pytest.raises(ValueError):
        loneliness.score([0, 1, 2])
    with pytest.raises(ValueError):
        loneliness.score([1, 2])


def test_the_days_off_of_sweden() -> None:
    sweden = days_off(2025, "SE")
    assert len(sweden) == 16
    # Midsummer Day, All Saints' Day, Ascension Day, Christmas Eve, New Year's Eve.
    for day in ("2025-06-21", "2025-11-01", "2025-05-29", "2025-12-24", "2025-12-31"):
        assert dt.date.fromisoformat(day) in sweden
    assert dt.date(2026, 6, 19) in days_off(2026, "SE")  # Midsummer Eve, a Friday


def test_the_days_off_of_denmark() -> None:
    denmark = days_off(2025, "DK")
    assert len(denmark) == 13
    assert dt.date(2025, 6, 5) in denmark  # Constitution Day
    assert dt.date(2025, 5, 16) not in denmark  # Great Prayer Day, abolished from 2024
    assert dt.date(2023, 5, 5) in days_off(2023, "DK")
