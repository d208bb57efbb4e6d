"""FHIR search: reading the parameters Lotsa supports, and the searchset Bundle of a page.

Supported, per FHIR's rules: token lists (`status=accepted,rejected`, a `system|code` is read
by its code), references (`patient=Patient/<id>`, a bare id, or a full URL), dates with the
prefixes eq, ne, lt, le, gt and ge at the precision given (`_lastUpdated=ge2026-11`), and
paging with `_count` (at most MAX_COUNT) and `_offset`. A value Lotsa cannot read is refused
with 400 and an OperationOutcome naming the parameter; a parameter Lotsa does not know is
ignored, as FHIR's default lenient handling asks.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .errors import FhirError

DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_OFFSET = 1_000_000
PREFIXES = ("eq", "ne", "lt", "le", "gt", "ge")
DATE = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


def tokens(value: str | None) -> list[str]:
    """The codes of a token parameter: comma-separated, each `code` or `system|code`."""
    if not value:
        return []
    return [part.rpartition("|")[2].strip() for part in value.split(",") if part.strip()]


def references(value: str | None, resource_type: str, name: str) -> list[UUID]:
    """The ids a reference parameter names: `Type/id`, a bare id, or a URL ending in either."""
    found = []
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        kind, _slash, key = part.rstrip("/").rpartition("/")
        if kind and kind.rpartition("/")[2] != resource_type:
            raise FhirError(
                400, f"{name} must name a {resource_type}.", code="value", expression=name
            )
        try:
            found.append(UUID(key))
        except ValueError:
            raise FhirError(
                400, f"{name} is not a {resource_type} id.", code="value", expression=name
            ) from None
    return found


# Far enough from the ends of Python's calendar that no time zone moves past them.
EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


def _utc(moment: dt.datetime) -> dt.datetime:
    try:
        return min(max(moment.astimezone(dt.UTC), EARLIEST), LATEST)
    except OverflowError:
        return EARLIEST if moment.year == 1 else LATEST


def _after(start: dt.datetime, step: dt.timedelta) -> dt.datetime:
    try:
        return _utc(start + step)
    except OverflowError:
        return LATEST


def _range(match: re.Match[str]) -> tuple[dt.datetime, dt.datetime]:
    """The range [start, end) a date search value covers, at its own precision, in UTC."""
    year = int(match["year"])
    month, day = match["month"], match["day"]
    zone = match["zone"]
    tz: dt.tzinfo = timezone.get_current_timezone()
    if zone == "Z":
        tz = dt.UTC
    elif zone:
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    if month is None:
        start = dt.datetime(year, 1, 1, tzinfo=tz)
        days = 366 if calendar.isleap(year) else 365
        return _utc(start), _after(start, dt.timedelta(days=days))
    if day is None:
        start = dt.datetime(year, int(month), 1, tzinfo=tz)
        days = calendar.monthrange(year, int(month))[1]
        return _utc(start), _after(start, dt.timedelta(days=days))
    date = dt.date(year, int(month), int(day))
    if match["time"] is None:
        start = dt.datetime.combine(date, dt.time(), tzinfo=tz)
        return _utc(start), _after(start, dt.timedelta(days=1))
    time = dt.time.fromisoformat(match["time"])
    start = dt.datetime.combine(date, time, tzinfo=tz)
    precise = time.second or len(match["time"]) > 5
    step = dt.timedelta(seconds=1) if precise else dt.timedelta(minutes=1)
    return _utc(start), _after(start, step)


def dates(values: Sequence[str] | None, field: str, name: str) -> Q:
    """The condition of one date parameter, given once or more (all must hold)."""
    condition = Q()
    for raw in values or ():
        # An unencoded "+" of a time zone arrives as a space: read it as the "+" it was.
        value = raw.strip().replace(" ", "+")
        prefix = value[:2] if value[:2] in PREFIXES else "eq"
        if value[:2] in PREFIXES:
            value = value[2:]
        match = DATE.match(value)
        if match is None:
            raise FhirError(
                400,
                f"{name} must be a date such as ge2026-11-01 (prefixes: {', '.join(PREFIXES)}).",
                code="value",
                expression=name,
            )
        try:
            start, end = _range(match)
        except (ValueError, OverflowError):
            raise FhirError(
                400, f"{name} is not a real date.", code="value", expression=name
            ) from None
        condition &= {
            "eq": Q(**{f"{field}__gte": start, f"{field}__lt": end}),
            "ne": ~Q(**{f"{field}__gte": start, f"{field}__lt": end}),
            "lt": Q(**{f"{field}__lt": start}),
            "le": Q(**{f"{field}__lt": end}),
            "gt": Q(**{f"{field}__gte": end}),
            "ge": Q(**{f"{field}__gte": start}),
        }[prefix]
    return condition


def page(
    request: HttpRequest,
    rows: QuerySet[Any] | Sequence[Any],
    *,
    count: int,
    offset: int,
    render: Callable[[list[Any]], list[dict[str, Any]]],
    record: Callable[[list[Any]], None],
) -> dict[str, Any]:
    """The searchset Bundle of one page of `rows` (a query, or a list): `render` writes the
    resources of its rows, `record` the audit events of the rows shown (before anything is
    sent)."""
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    shown = list(rows[offset : offset + count]) if count else []
    if shown:
        record(shown)
    resources = render(shown)
    links = [{"relation": "self", "url": _link(request, offset, count)}]
    if offset + count < total and count:
        links.append({"relation": "next", "url": _link(request, offset + count, count)})
    if offset and count:
        links.append({"relation": "previous", "url": _link(request, max(offset - count, 0), count)})
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
    }
    if resources:
        bundle["entry"] = [
            {
                "fullUrl": request.build_absolute_uri(
                    f"/fhir/{resource['resourceType']}/{resource['id']}"
                ),
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ]
    return bundle


def _link(request: HttpRequest, offset: int, count: int) -> str:
    query = request.GET.copy()
    query["_count"] = str(count)
    query["_offset"] = str(offset)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
