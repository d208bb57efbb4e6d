"""Recurring sessions: the next dates of a weekly rule or a single date (RFC 5545 via dateutil)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil import rrule

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_RRULE_DAYS = dict(zip(WEEKDAYS, rrule.weekdays, strict=True))


@dataclass(frozen=True)
class Session:
    date: dt.date
    opens_at: dt.time | None
    closes_at: dt.time | None


def next_dates(
    *,
    byday: list[str],
    interval: int,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    single_date: dt.date | None,
    after: dt.date,
    count: int,
) -> list[dt.date]:
    """The next `count` dates on or after `after` of a weekly rule or a single date."""
    if single_date is not None:
        return [single_date] if single_date >= after else []
    if not byday:
        return []
    start = valid_from or after
    rule = rrule.rrule(
        rrule.WEEKLY,
        interval=max(interval, 1),
        byweekday=[_RRULE_DAYS[d] for d in byday],
        dtstart=dt.datetime.combine(start, dt.time()),
        until=dt.datetime.combine(valid_to, dt.time()) if valid_to else None,
    )
    first = dt.datetime.combine(after, dt.time())
    dates: list[dt.date] = []
    moment = rule.after(first, inc=True)
    while moment is not None and len(dates) < count:
        dates.append(moment.date())
        moment = rule.after(moment, inc=False)
    return dates
