"""Scoring of every instrument exactly as DOMAIN.md gives it: the smallest and largest score,
one point either side of every band's cut-off, a missing item (the score is missing, never
zero), an out-of-range answer refused; SWEMWBS against the whole raw → metric table."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from lotsa.outcomes import instruments
from lotsa.outcomes.instruments import DJG6, ONS4, ONS_LONELINESS, SWEMWBS, UCLA3, WHO5

# DOMAIN.md, "SWEMWBS raw → metric (7..35)", copied here by hand rather than imported, so that
# a slip in the instrument's own table cannot pass unnoticed.
SWEMWBS_TABLE = {
    7: "7.00", 8: "9.51", 9: "11.25", 10: "12.40", 11: "13.33", 12: "14.08", 13: "14.75",
    14: "15.32", 15: "15.84", 16: "16.36", 17: "16.88", 18: "17.43", 19: "17.98", 20: "18.59",
    21: "19.25", 22: "19.98", 23: "20.73", 24: "21.54", 25: "22.35", 26: "23.21", 27: "24.11",
    28: "25.03", 29: "26.02", 30: "27.03", 31: "28.13", 32: "29.31", 33: "30.70", 34: "32.55",
    35: "35.00",
}  # fmt: skip


def every(instrument: instruments.Instrument, value: int) -> dict[str, int]:
    return dict.fromkeys(instrument.item_keys, value)


def answers_summing_to(instrument: instruments.Instrument, total: int, low: int, high: int) -> dict:
    """Answers between `low` and `high` per item whose sum is `total`."""
    answers = {}
    left = total
    keys = instrument.item_keys
    for index, key in enumerate(keys):
        rest = len(keys) - index - 1
        value = max(low, min(high, left - rest * low))
        answers[key] = value
        left -= value
    assert left == 0, total
    return answers


def band(instrument: instruments.Instrument, scale: str, value: float | None) -> str | None:
    with translation.override("en"):
        found = instrument.scale(scale).band(value)
        return found.label if found else None


# --- UCLA-3 -------------------------------------------------------------------------------


def test_ucla3_runs_from_3_to_9() -> None:
    assert UCLA3.score(every(UCLA3, 1)) == {"total": 3}
    assert UCLA3.score(every(UCLA3, 3)) == {"total": 9}
    assert UCLA3.primary_score({"total": 9}) == 9.0


@pytest.mark.parametrize(("total", "expected"), [(3, "Not lonely"), (5, "Not lonely"),
                                                 (6, "Lonely"), (9, "Lonely")])  # fmt: skip
def test_ucla3_reads_6_and_more_as_lonely(total: int, expected: str) -> None:
    scores = UCLA3.score(answers_summing_to(UCLA3, total, 1, 3))
    assert scores["total"] == total
    assert band(UCLA3, "total", total) == expected


def test_ucla3_with_an_item_missing_has_no_score() -> None:
    assert UCLA3.score({"companionship": 3, "left_out": 3, "isolated": None}) == {"total": None}
    assert UCLA3.score({"companionship": 3}) == {"total": None}
    assert UCLA3.primary_score({"total": None}) is None


@pytest.mark.parametrize("value", [0, 4, -1, True])
def test_ucla3_refuses_an_answer_out_of_range(value: int) -> None:
    with pytest.raises(instruments.InvalidAnswers) as refused:
        UCLA3.score({"companionship": value, "left_out": 1, "isolated": 1})
    assert list(refused.value.errors) == ["companionship"]


# --- ONS loneliness question ------------------------------------------------------------


def test_ons_loneliness_is_a_category_never_a_sum() -> None:
    assert ONS_LONELINESS.is_categorical
    assert ONS_LONELINESS.primary is None
    assert ONS_LONELINESS.score({"lonely": 1}) == {"category": 1}
    assert ONS_LONELINESS.score({"lonely": 5}) == {"category": 5}
    assert ONS_LONELINESS.primary_score({"category": 5}) is None
    with translation.override("en"):
        labels = [choice.label for choice in ONS_LONELINESS.items[0].choices]
    assert labels == ["Often or always", "Some of the time", "Occasionally", "Hardly ever", "Never"]


def test_ons_loneliness_unanswered_is_missing() -> None:
    assert ONS_LONELINESS.score({"lonely": None}) == {"category": None}
    assert ONS_LONELINESS.score({}) == {"category": None}


@pytest.mark.parametrize("value", [0, 6])
def test_ons_loneliness_refuses_an_answer_out_of_range(value: int) -> None:
    with pytest.raises(instruments.InvalidAnswers):
        ONS_LONELINESS.score({"lonely": value})


# --- ONS4 --------------------------------------------------------------------------------

WELLBEING = ("life_satisfaction", "worthwhile", "happiness")


def test_ons4_gives_four_scores_and_never_a_sum() -> None:
    scores = ONS4.score({"life_satisfaction": 0, "worthwhile": 10, "happiness": 5, "anxiety": 3})
    assert scores == {"life_satisfaction": 0, "worthwhile": 10, "happiness": 5, "anxiety": 3}
    assert ONS4.primary is None
    assert ONS4.primary_score(scores) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "Low"), (4, "Low"), (5, "Medium"), (6, "Medium"), (7, "High"), (8, "High"),
     (9, "Very high"), (10, "Very high")],
)  # fmt: skip
def test_ons4_wellbeing_bands(value: int, expected: str) -> None:
    for scale in WELLBEING:
        assert ONS4.score(dict.fromkeys(ONS4.item_keys, value))[scale] == value
        assert band(ONS4, scale, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "Very low"), (1, "Very low"), (2, "Low"), (3, "Low"), (4, "Medium"), (5, "Medium"),
     (6, "High"), (10, "High")],
)  # fmt: skip
def test_ons4_anxiety_bands(value: int, expected: str) -> None:
    assert band(ONS4, "anxiety", value) == expected


def test_ons4_anxiety_is_better_lower() -> None:
    assert ONS4.scale("anxiety").improved(6, 5)
    assert not ONS4.scale("anxiety").improved(5, 6)
    assert ONS4.scale("happiness").improved(5, 6)


def test_ons4_a_missing_item_leaves_only_its_own_score_missing() -> None:
    scores = ONS4.score({"life_satisfaction": 7, "worthwhile": None, "happiness": 8})
    assert scores == {"life_satisfaction": 7, "worthwhile": None, "happiness": 8, "anxiety": None}


@pytest.mark.parametrize("value", [-1, 11])
def test_ons4_refuses_an_answer_out_of_range(value: int) -> None:
    with pytest.raises(instruments.InvalidAnswers) as refused:
        ONS4.score({"anxiety": value})
    assert list(refused.value.errors) == ["anxiety"]


# --- SWEMWBS -----------------------------------------------------------------------------


def test_the_swemwbs_table_is_domain_mds() -> None:
    assert {raw: str(metric) for raw, metric in instruments.SWEMWBS_METRIC.items()} == (
        SWEMWBS_TABLE
    )


@pytest.mark.parametrize("raw", range(7, 36))
def test_swemwbs_converts_every_raw_score_to_its_metric_score(raw: int) -> None:
    scores = SWEMWBS.score(answers_summing_to(SWEMWBS, raw, 1, 5))
    assert scores["raw"] == raw
    assert Decimal(str(scores["metric"])) == Decimal(SWEMWBS_TABLE[raw])
    # Reported on the metric scale.
    assert SWEMWBS.primary_score(scores) == float(SWEMWBS_TABLE[raw])


def test_swemwbs_runs_from_7_to_35() -> None:
    assert SWEMWBS.score(every(SWEMWBS, 1)) == {"raw": 7, "metric": 7.0}
    assert SWEMWBS.score(every(SWEMWBS, 5)) == {"raw": 35, "metric": 35.0}


def test_swemwbs_with_an_item_missing_has_no_score() -> None:
    answers = every(SWEMWBS, 5)
    answers["own_mind"] = None  # type: ignore[assignment]
    assert SWEMWBS.score(answers) == {"raw": None, "metric": None}


@pytest.mark.parametrize("value", [0, 6])
def test_swemwbs_refuses_an_answer_out_of_range(value: int) -> None:
    answers = every(SWEMWBS, 3)
    answers["relaxed"] = value
    with pytest.raises(instruments.InvalidAnswers) as refused:
        SWEMWBS.score(answers)
    assert list(refused.value.errors) == ["relaxed"]


# --- WHO-5 ---------------------------------------------------------------------------------


def test_who5_runs_from_0_to_100() -> None:
    assert WHO5.score(every(WHO5, 0)) == {"raw": 0, "percentage": 0}
    assert WHO5.score(every(WHO5, 5)) == {"raw": 25, "percentage": 100}
    assert WHO5.primary_score({"raw": 25, "percentage": 100}) == 100.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(0, "Suggests poor wellbeing"), (12, "Suggests poor wellbeing"),
     (13, "Good wellbeing"), (25, "Good wellbeing")],
)  # fmt: skip
def test_who5_at_50_or_less_suggests_poor_wellbeing(raw: int, expected: str) -> None:
    scores = WHO5.score(answers_summing_to(WHO5, raw, 0, 5))
    assert scores == {"raw": raw, "percentage": raw * 4}
    assert band(WHO5, "percentage", scores["percentage"]) == expected
    # 50 itself (not a reachable score: WHO-5 moves in steps of 4) is still poor.
    assert band(WHO5, "percentage", 50) == "Suggests poor wellbeing"


def test_who5_a_change_of_10_points_is_meaningful() -> None:
    scale = WHO5.scale("percentage")
    assert scale.improved(40, 52)
    assert scale.improved(40, 50)
    assert not scale.improved(40, 48)
    assert not scale.improved(52, 40)


def test_who5_with_an_item_missing_has_no_score() -> None:
    assert WHO5.score({"cheerful": 5, "calm": 5, "active": 5, "rested": 5}) == {
        "raw": None,
        "percentage": None,
    }


@pytest.mark.parametrize("value", [-1, 6])
def test_who5_refuses_an_answer_out_of_range(value: int) -> None:
    with pytest.raises(instruments.InvalidAnswers):
        WHO5.score({"cheerful": value})


# --- De Jong Gierveld 6 -------------------------------------------------------------------

YES, MORE_OR_LESS, NO = instruments.YES, instruments.MORE_OR_LESS, instruments.NO
EMOTIONAL = ("emptiness", "miss_people", "rejected")
SOCIAL = ("rely_on", "trust", "close_to")


def djg(emotional: tuple[int, ...], social: tuple[int, ...]) -> dict[str, int]:
    return {
        **dict(zip(EMOTIONAL, emotional, strict=True)),
        **dict(zip(SOCIAL, social, strict=True)),
    }


def test_djg6_runs_from_0_to_6_with_the_social_items_reversed() -> None:
    assert DJG6.score(djg((NO, NO, NO), (YES, YES, YES))) == {
        "total": 0,
        "emotional": 0,
        "social": 0,
    }
    assert DJG6.score(djg((YES, YES, YES), (NO, NO, NO))) == {
        "total": 6,
        "emotional": 3,
        "social": 3,
    }
    # "More or less" counts on both subscales.
    more_or_less = (MORE_OR_LESS,) * 3
    assert DJG6.score(djg(more_or_less, more_or_less))["total"] == 6


@pytest.mark.parametrize(
    ("emotional", "social", "total", "expected"),
    [
        ((NO, NO, NO), (YES, YES, YES), 0, "Not lonely"),
        ((YES, NO, NO), (YES, YES, YES), 1, "Not lonely"),
        ((YES, NO, NO), (NO, YES, YES), 2, "Moderately lonely"),
        ((YES, YES, NO), (NO, NO, YES), 4, "Moderately lonely"),
        ((YES, YES, YES), (NO, NO, YES), 5, "Severely lonely"),
        ((YES, YES, YES), (NO, NO, NO), 6, "Severely lonely"),
    ],
)
def test_djg6_bands(emotional: tuple, social: tuple, total: int, expected: str) -> None:
    scores = DJG6.score(djg(emotional, social))
    assert scores["total"] == total
    assert band(DJG6, "total", total) == expected


def test_djg6_a_missing_item_voids_its_subscale_and_the_total() -> None:
    answers: dict[str, int | None] = djg((YES, YES, YES), (NO, NO, NO))  # type: ignore[assignment]
    answers["rejected"] = None
    assert DJG6.score(answers) == {"total": None, "emotional": None, "social": 3}


@pytest.mark.parametrize("value", [0, 4])
def test_djg6_refuses_an_answer_out_of_range(value: int) -> None:
    with pytest.raises(instruments.InvalidAnswers):
        DJG6.score({"trust": value})


def test_an_unknown_item_is_refused() -> None:
    with pytest.raises(instruments.InvalidAnswers) as refused:
        WHO5.score({"sleep": 3})
    assert list(refused.value.errors) == ["sleep"]


def test_every_instrument_has_its_texts_in_swedish_danish_and_english() -> None:
    for instrument in instruments.INSTRUMENTS.values():
        for text in (instrument.name, instrument.instructions):
            assert set(text) == {"sv", "da", "en"}, instrument.code
        for item in instrument.items:
            assert set(item.text) == {"sv", "da", "en"}, (instrument.code, item.key)
            for choice in item.choices:
                assert all(choice.text.get(code) for code in ("sv", "da", "en"))
