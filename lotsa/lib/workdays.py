"""Working days: due dates that skip weekends, and the days off of Sweden and Denmark."""

from __future__ import annotations

import datetime as dt
import functools

from dateutil.easter import easter


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days (Monday–Friday) after `start`.

    Public holidays are not skipped: they differ between Sweden and Denmark and by year, and
    a due date a day early errs on the person's side.
    """
    date = start
    remaining = days
    while remaining > 0:
        date += dt.timedelta(days=1)
        if date.weekday() < 5:
            remaining -= 1
    return date


def _weekday_from(year: int, month: int, first_day: int, weekday: int) -> dt.date:
    """The `weekday` (Monday 0) in the seven days from `first_day` of `month`."""
    start = dt.date(year, month, first_day)
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


@functools.cache
def days_off(year: int, country: str) -> frozenset[dt.date]:
    """The public holidays of Sweden ("SE") or Denmark ("DK") in `year`, and the eves that
    are days off in practice.

    Sweden (lag 1989:253): New Year's Day, Epiphany, Good Friday, Easter Sunday and Monday,
    1 May, Ascension Day, National Day (6 June), Whitsunday, Midsummer Day, All Saints' Day,
    Christmas Day, Boxing Day; and Midsummer Eve, Christmas Eve and New Year's Eve, which the
    Working Hours Act treats as holidays. Denmark: New Year's Day, Maundy Thursday, Good
    Friday, Easter Sunday and Monday, Great Prayer Day (until 2023), Ascension Day, Whitsunday
    and Whit Monday, Christmas Day and Boxing Day; and Constitution Day (5 June), Christmas
    Eve and New Year's Eve, days off by most agreements.

    (The `holidays` package would do this, but it needs python-dateutil < 3.)
    """
    sunday = easter(year)

    def after_easter(days: int) -> dt.date:
        return sunday + dt.timedelta(days=days)

    common = {
        dt.date(year, 1, 1),
        after_easter(-2),
        sunday,
        after_easter(1),
        after_easter(39),
        after_easter(49),
        dt.date(year, 12, 24),
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
        dt.date(year, 12, 31),
    }
    if country == "DK":
        danish = {after_easter(-3), after_easter(50), dt.date(year, 6, 5)}
        if year < 2024:
            danish.add(after_easter(26))
        return frozenset(common | danish)
    swedish = {
        dt.date(year, 1, 6),
        dt.date(year, 5, 1),
        dt.date(year, 6, 6),
        _weekday_from(year, 6, 19, 4),  # Midsummer Eve: the Friday from 19 to 25 June
        _weekday_from(year, 6, 20, 5),  # Midsummer Day: the Saturday from 20 to 26 June
        _weekday_from(year, 10, 31, 5),  # All Saints' Day: the Saturday 31 Oct to 6 Nov
    }
    return frozenset(common | swedish)
