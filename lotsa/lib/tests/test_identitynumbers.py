"""Identity numbers: Swedish personnummer and samordningsnummer, Danish CPR."""

from __future__ import annotations

import datetime as dt

import pytest

from lotsa.lib import identitynumbers


def test_it_reads_a_personnummer_in_any_usual_form() -> None:
    for written in ("19900101-2385", "900101-2385", "199001012385", "9001012385"):
        parsed = identitynumbers.parse(written, "SE")
        assert parsed.value == "199001012385"
        assert parsed.kind == "personnummer"
        assert parsed.birth_date == dt.date(1990, 1, 1)


def test_it_knows_a_samordningsnummer_and_its_birth_date() -> None:
    parsed = identitynumbers.parse("19811268-2383", "SE")
    assert parsed.kind == "samordningsnummer"
    assert parsed.birth_date == dt.date(1981, 12, 8)


def test_it_reads_a_cpr_number() -> None:
    parsed = identitynumbers.parse("010190-1234", "DK")
    assert (parsed.value, parsed.kind, parsed.birth_date) == (
        "0101901234",
        "cpr",
        dt.date(1990, 1, 1),
    )


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("19900101-2384", "SE"),  # wrong check digit
        ("19901301-2385", "SE"),  # month 13
        ("320190-1234", "DK"),  # day 32
        ("abc", None),
        ("", None),
    ],
)
def test_it_refuses_what_is_not_valid_without_echoing_it(number: str, country: str | None) -> None:
    with pytest.raises(ValueError) as raised:
        identitynumbers.parse(number, country)
    assert number.replace("-", "") not in str(raised.value) or not number


def test_without_a_country_it_takes_the_only_format_that_fits() -> None:
    assert identitynumbers.parse("199001012385").country == "SE"
    assert identitynumbers.parse("0101901234").country == "DK"


def test_the_masked_form_hides_the_last_four_digits() -> None:
    assert identitynumbers.parse("199001012385", "SE").masked() == "19900101····"
