"""Working days: due dates that skip weekends."""

from __future__ import annotations

import datetime as dt


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
