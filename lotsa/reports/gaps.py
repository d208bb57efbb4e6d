"""The municipality's gaps: unmet needs counted by need, target group, area, reason, age
and month, with their anonymised examples.

An unmet need holds no person (an age band and a target group say for whom), and what is
shown here is counts; the examples of a group are the unmet needs' own fields, shown only
when the group holds at least `LOTSA_REPORT_MIN_GROUP` of them, so that nobody in a small
area can be recognised. Each table is one query, counted by the database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Trim, TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lotsa.referrals.models import UnmetNeed

from . import areas

# The key of "not given" (no category, no target group, no age).
NONE = "-"
# The dimensions whose groups link to their examples by `by` and `key` (need and area are
# filters of their own).
GROUPINGS = ("audience", "reason", "age_band", "month")
EXAMPLES_LIMIT = 100
MONTH_KEY = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
Why = UnmetNeed.Why
AgeBand = UnmetNeed.AgeBand


def min_group() -> int:
    return max(int(settings.LOTSA_REPORT_MIN_GROUP), 1)


@dataclass(frozen=True)
class Filters:
    """What a report counts: a planner's municipalities, a period, a need, an area."""

    municipalities: tuple[str, ...]
    since: dt.date
    until: dt.date
    need: str = ""  # a category code, NONE for "described in words only", "" for every need
    area: str = ""  # an area key (`area_key`), "" for every area


@dataclass(frozen=True)
class Row:
    """One group of a table: its key (stable, English, for links and CSV) and its count."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class AreaRow(Row):
    municipality: str = ""
    area: str = ""
    lat: float | None = None
    lon: float | None = None
    is_approximate: bool = False


@dataclass(frozen=True)
class Example:
    """An unmet need's own fields: what, for whom (age band, target group), where, why, when
    (the month only)."""

    month: dt.date
    need: str
    need_text: str
    age_band: str
    audience: str
    area: str
    reasons: list[str]


@dataclass(frozen=True)
class Gaps:
    total: int
    by_need: list[Row]
    by_audience: list[Row]
    by_area: list[AreaRow]
    by_reason: list[Row]
    by_age_band: list[Row]
    by_month: list[Row]
    by_need_and_area: list[Row]


# --- keys ------------------------------------------------------------------------------------


def area_key(municipality: str, area: str) -> str:
    """An area's key: the municipality's key, a slash, the area as written (trimmed)."""
    return f"{municipality}/{area.strip()}"


def split_area_key(key: str) -> tuple[str, str] | None:
    municipality, slash, area = key.partition("/")
    if not slash or not municipality:
        return None
    return municipality, area


def month_of(key: str) -> dt.date | None:
    match = MONTH_KEY.match(key)
    return dt.date(int(match[1]), int(match[2]), 1) if match else None


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(since: dt.date, until: dt.date) -> list[dt.date]:
    """The first days of the months from `since` to `until`, both included."""
    month, last, months = since.replace(day=1), until.replace(day=1), []
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


# --- the queries -----------------------------------------------------------------------------


def _in_scope(filters: Filters) -> QuerySet[UnmetNeed]:
    return UnmetNeed.objects.filter(
        municipality__in=filters.municipalities,
        recorded_at__gte=start_of(filters.since),
        recorded_at__lt=start_of(filters.until + dt.timedelta(days=1)),
    )


def unmet_needs(filters: Filters) -> QuerySet[UnmetNeed]:
    """The unmet needs a report counts (the planner's municipalities, period, need, area)."""
    needs = _in_scope(filters)
    if filters.need == NONE:
        needs = needs.filter(need__isnull=True)
    elif filters.need:
        needs = needs.filter(need__code=filters.need)
    if filters.area:
        parts = split_area_key(filters.area)
        if parts is None:
            return needs.none()
        needs = needs.alias(area_trimmed=Trim("area")).filter(
            municipality=parts[0], area_trimmed=parts[1]
        )
    return needs


def in_group(needs: QuerySet[UnmetNeed], by: str, key: str) -> QuerySet[UnmetNeed]:
    """The unmet needs of one group of a table (`by` one of GROUPINGS)."""
    if by == "audience":
        return (
            needs.filter(audience__isnull=True) if key == NONE else needs.filter(audience__code=key)
        )
    if by == "reason":
        if key not in Why.values:
            return needs.none()
        # `reasons` is a JSON list of codes: its text holds the quoted code (no code is part
        # of another), which both databases can find.
        return needs.filter(reasons__icontains=f'"{key}"')
    if by == "age_band":
        return needs.filter(age_band="" if key == NONE else key)
    if by == "month":
        month = month_of(key)
        if month is None:
            return needs.none()
        return needs.filter(
            recorded_at__gte=start_of(month), recorded_at__lt=start_of(next_month(month))
        )
    return needs


def _term_label(row: dict[str, Any], prefix: str, missing: str) -> str:
    language = (get_language() or "sv")[:2]
    if row[f"{prefix}__code"] is None:
        return missing
    return str(row.get(f"{prefix}__name_{language}") or row[f"{prefix}__name_sv"])


def _term_fields(prefix: str) -> list[str]:
    return [f"{prefix}__{name}" for name in ("code", "name_sv", "name_da", "name_en")]


def _by_term(needs: QuerySet[UnmetNeed], prefix: str, missing: str) -> list[Row]:
    rows = needs.values(*_term_fields(prefix)).annotate(count=Count("pk")).order_by()
    result = [
        Row(row[f"{prefix}__code"] or NONE, _term_label(row, prefix, missing), row["count"])
        for row in rows
    ]
    return sorted(result, key=lambda row: (-row.count, row.label))


def by_need(needs: QuerySet[UnmetNeed]) -> list[Row]:
    return _by_term(needs, "need", _("Described in words only"))


def by_audience(needs: QuerySet[UnmetNeed]) -> list[Row]:
    return _by_term(needs, "audience", _("No target group given"))


def area_label(municipality: str, area: str, *, with_municipality: bool) -> str:
    name = areas.municipality_name(municipality)
    if not area:
        return _("%(municipality)s, area not given") % {"municipality": name}
    return f"{area} ({name})" if with_municipality else area


def by_area(needs: QuerySet[UnmetNeed], *, with_municipality: bool = False) -> list[AreaRow]:
    rows = (
        needs.values("municipality", area_trimmed=Trim("area"))
        .annotate(count=Count("pk"))
        .order_by()
    )
    result = []
    for row in rows:
        municipality, area = row["municipality"], row["area_trimmed"] or ""
        location = areas.locate(municipality, area)
        result.append(
            AreaRow(
                key=area_key(municipality, area),
                label=area_label(municipality, area, with_municipality=with_municipality),
                count=row["count"],
                municipality=municipality,
                area=area,
                lat=location.lat if location else None,
                lon=location.lon if location else None,
                is_approximate=location.is_approximate if location else False,
            )
        )
    return sorted(result, key=lambda row: (-row.count, row.label))


def by_reason(needs: QuerySet[UnmetNeed]) -> list[Row]:
    """Every reason with the unmet needs that gave it (one need may give several)."""
    counts = needs.aggregate(
        **{code: Count("pk", filter=Q(reasons__icontains=f'"{code}"')) for code in Why.values}
    )
    rows = [Row(code, str(label), counts[code] or 0) for code, label in Why.choices]
    return sorted(rows, key=lambda row: -row.count)


def by_age_band(needs: QuerySet[UnmetNeed]) -> list[Row]:
    """Every age band, youngest first, and "unknown" when some gave none."""
    counts = dict(needs.values_list("age_band").annotate(count=Count("pk")).order_by())
    rows = [Row(code, str(label), counts.get(code, 0)) for code, label in AgeBand.choices]
    if counts.get(""):
        rows.append(Row(NONE, _("Age not given"), counts[""]))
    return rows


def by_month(needs: QuerySet[UnmetNeed], since: dt.date, until: dt.date) -> list[Row]:
    """Every month of the period, with none left out."""
    rows = (
        needs.annotate(month=TruncMonth("recorded_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[dt.date, int] = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        counts[month] = counts.get(month, 0) + row["count"]
    return [
        Row(f"{month:%Y-%m}", f"{month:%Y-%m}", counts.get(month, 0))
        for month in months_between(since, until)
    ]


def by_need_and_area(
    needs: QuerySet[UnmetNeed], *, with_municipality: bool = False, limit: int = 20
) -> list[Row]:
    """The largest gaps: a need in an area. The key is "<need key>|<area key>"."""
    rows = (
        needs.values(*_term_fields("need"), "municipality", area_trimmed=Trim("area"))
        .annotate(count=Count("pk"))
        .order_by()
    )
    result = []
    for row in rows:
        need = _term_label(row, "need", _("Described in words only"))
        municipality, area = row["municipality"], row["area_trimmed"] or ""
        place = area_label(municipality, area, with_municipality=with_municipality)
        key = f"{row['need__code'] or NONE}|{area_key(municipality, area)}"
        result.append(Row(key, f"{need} – {place}", row["count"]))
    result.sort(key=lambda row: (-row.count, row.label))
    return result[:limit]


def gaps(filters: Filters) -> Gaps:
    """Every table of the Gaps view, for `filters` (eight queries, whatever the rows)."""
    needs = unmet_needs(filters)
    several = len(filters.municipalities) > 1
    return Gaps(
        total=needs.count(),
        by_need=by_need(needs),
        by_audience=by_audience(needs),
        by_area=by_area(needs, with_municipality=several),
        by_reason=by_reason(needs),
        by_age_band=by_age_band(needs),
        by_month=by_month(needs, filters.since, filters.until),
        by_need_and_area=by_need_and_area(needs, with_municipality=several),
    )


@dataclass(frozen=True)
class MapPoint:
    """Areas at one point of the map (areas the map cannot place share the municipality's
    centre), with their counts."""

    lat: float
    lon: float
    count: int
    is_approximate: bool
    areas: list[AreaRow]


def map_points(rows: list[AreaRow]) -> list[MapPoint]:
    """The area rows that have a place, merged where they share a point."""
    points: dict[tuple[float, float], list[AreaRow]] = {}
    for row in rows:
        if row.lat is not None and row.lon is not None and row.count:
            points.setdefault((row.lat, row.lon), []).append(row)
    return [
        MapPoint(
            lat=lat,
            lon=lon,
            count=sum(row.count for row in group),
            is_approximate=any(row.is_approximate for row in group),
            areas=group,
        )
        for (lat, lon), group in points.items()
    ]


# --- examples --------------------------------------------------------------------------------


def examples(needs: QuerySet[UnmetNeed]) -> tuple[int, list[Example] | None]:
    """How many unmet needs `needs` holds, and their anonymised examples (newest first, at
    most EXAMPLES_LIMIT) — or None when the group is smaller than the minimum."""
    count = needs.count()
    if count < min_group():
        return count, None
    rows = needs.select_related("need", "audience").order_by("-recorded_at", "-pk")
    return count, [
        Example(
            month=timezone.localtime(need.recorded_at).date().replace(day=1),
            need=need.need.name if need.need else "",
            need_text=need.need_text,
            age_band=need.get_age_band_display() if need.age_band else "",
            audience=need.audience.name if need.audience else "",
            area=need.area.strip(),
            reasons=need.get_reasons_display(),
        )
        for need in rows[:EXAMPLES_LIMIT]
    ]
