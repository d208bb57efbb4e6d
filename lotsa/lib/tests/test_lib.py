"""The framework-free helpers: places, distances, organisation numbers, text, schedules."""

import datetime as dt
from typing import Any

import pytest

from lotsa.lib import distance, municipalities, orgnumbers, schedules, text


def test_it_knows_every_swedish_and_danish_municipality() -> None:
    found = municipalities.all_municipalities()
    assert sum(m.country == "SE" for m in found.values()) == 290
    assert sum(m.country == "DK" for m in found.values()) >= 98
    assert found["SE-0180"].name == "Stockholms kommun"
    assert found["SE-2480"].name == "Umeå kommun"


def test_it_finds_a_municipality_or_town_by_name() -> None:
    found = municipalities.find_place("umeå")
    assert found is not None
    _name, lat, lon, key = found
    assert key == "SE-2480"
    assert distance.haversine_km(lat, lon, 63.8258, 20.2630) < 10
    assert municipalities.find_place("Holmsund") is not None
    assert municipalities.find_place("Atlantis") is None


def test_it_suggests_close_names_for_a_misspelt_place() -> None:
    assert "Uppsala kommun" in municipalities.suggest_places("Upsala")
    assert municipalities.suggest_places("") == []


def test_distance_between_umea_and_stockholm_is_about_510_km() -> None:
    assert distance.haversine_km(63.8258, 20.2630, 59.3293, 18.0686) == pytest.approx(513, abs=10)


def test_the_bounding_box_contains_the_circle() -> None:
    lat_min, lat_max, lon_min, lon_max = distance.bounding_box(63.8, 20.3, 10)
    assert distance.haversine_km(63.8, 20.3, lat_max, 20.3) == pytest.approx(10, rel=0.01)
    assert distance.haversine_km(63.8, 20.3, 63.8, lon_max) == pytest.approx(10, rel=0.01)
    assert lat_min < 63.8 < lat_max and lon_min < 20.3 < lon_max


def test_it_tells_nordic_coordinates_from_others() -> None:
    assert distance.is_in_sweden_or_denmark(63.8, 20.3)
    assert distance.is_in_sweden_or_denmark(55.68, 12.57)  # Copenhagen
    assert not distance.is_in_sweden_or_denmark(48.85, 2.35)  # Paris
    assert not distance.is_in_sweden_or_denmark(20.3, 63.8)  # swapped


def test_it_validates_organisation_numbers() -> None:
    assert orgnumbers.normalise("8020000009", "SE") == "802000-0009"
    assert orgnumbers.normalise("13585628", "DK") == "13585628"
    for number, country in [("802000-0000", "SE"), ("12345678", "DK"), ("abc", "SE")]:
        with pytest.raises(ValueError):
            orgnumbers.normalise(number, country)


def test_it_stems_swedish_and_danish() -> None:
    # Snowball cuts "promenad" to "promen": prefix matching is what makes the search find it.
    assert text.stem("promenaden", "sv").startswith(text.stem("promenad", "sv"))
    assert text.stem("sorgegruppen", "da").startswith("sorg")
    assert (
        text.stemmed_document("Vi går och fikar", "sv") == "går fik"
    )  # "vi" and "och" are stop words
    assert text.query_terms("och det att") == []
    assert len(text.query_terms("x" * 500)[0]) == text.MAX_QUERY_LENGTH


def test_weekly_schedules_give_the_next_dates() -> None:
    monday = dt.date(2026, 11, 23)
    dates = schedules.next_dates(
        byday=["TU", "TH"],
        interval=1,
        valid_from=None,
        valid_to=None,
        single_date=None,
        after=monday,
        count=3,
    )
    assert dates == [dt.date(2026, 11, 24), dt.date(2026, 11, 26), dt.date(2026, 12, 1)]


def test_every_other_week_skips_a_week() -> None:
    dates = schedules.next_dates(
        byday=["MO"],
        interval=2,
        valid_from=dt.date(2026, 11, 23),
        valid_to=None,
        single_date=None,
        after=dt.date(2026, 11, 23),
        count=2,
    )
    assert dates == [dt.date(2026, 11, 23), dt.date(2026, 12, 7)]


def test_a_schedule_ends_on_its_last_date() -> None:
    dates = schedules.next_dates(
        byday=["MO"],
        interval=1,
        valid_from=None,
        valid_to=dt.date(2026, 11, 30),
        single_date=None,
        after=dt.date(2026, 11, 23),
        count=5,
    )
    assert dates == [dt.date(2026, 11, 23), dt.date(2026, 11, 30)]


def test_a_single_date_in_the_past_has_no_next_session() -> None:
    kwargs: dict[str, Any] = {
        "byday": [],
        "interval": 1,
        "valid_from": None,
        "valid_to": None,
        "count": 3,
    }
    assert (
        schedules.next_dates(single_date=dt.date(2026, 1, 1), after=dt.date(2026, 2, 1), **kwargs)
        == []
    )
    assert schedules.next_dates(
        single_date=dt.date(2026, 3, 1), after=dt.date(2026, 2, 1), **kwargs
    ) == [dt.date(2026, 3, 1)]
