"""Small helpers for the matching tests: needs as plain values, places at a distance."""

from __future__ import annotations

import math
from typing import Any

from lotsa.lib import distance
from lotsa.matching.ranking import Needs
from lotsa.referrals.models import Case

# Umeå, where `lotsa.test.make_offering` puts its places by default.
HOME = (63.8258, 20.2630)


SETS = {"interests", "days", "times", "accessibility", "languages", "audiences"}


def needs(**overrides: Any) -> Needs:
    """Needs of someone at HOME who asks for nothing in particular, with `overrides`."""
    values: dict[str, Any] = {
        "words": "",
        "interests": frozenset(),
        "days": frozenset(),
        "times": frozenset(),
        "max_km": None,
        "origin": HOME,
        "accessibility": frozenset(),
        "languages": frozenset(),
        "group": Case.GroupPreference.EITHER,
        "needs_free": False,
        "age": 40,
        "audiences": frozenset(),
        "stage": Case.Stage.READY,
        "team_id": None,
        "municipality": "SE-2480",
    }
    for key, value in overrides.items():
        values[key] = frozenset(value) if key in SETS else value
    return Needs(**values)


def north_of_home(km: float) -> dict[str, float]:
    """`make_offering` coordinates `km` due north of HOME (by haversine)."""
    latitude = HOME[0] + math.degrees(km / distance.EARTH_RADIUS_KM)
    return {"latitude": latitude, "longitude": HOME[1]}
