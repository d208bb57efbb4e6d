"""Computed manager reports, kept for a while: a materialised aggregate.

The flow, outcome and cost reports read every referral, case and assessment of the cohort,
and capacity pressure every offering and activity referral of the municipalities; over five
years of a national service (a million referrals) that takes far longer than a page may.
So a computed report is kept in the cache, under its kind, scope, period, choices and
language, and served until it is `LOTSA_REPORT_SNAPSHOT_SECONDS` old (0: never kept). The
page says when its figures were computed. `manage.py refresh_reports` (cron, see
docs/deploy.md) computes every manager's default reports ahead, so that nobody waits for
them in the morning.

A snapshot holds no one's identity: the aggregates the page shows, and for the calculator
the counted pairs of visit numbers (before, after), without whose they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from . import capacity, cohort, roi
from . import flow as flows
from .cohort import Period
from .outcome_report import OutcomeReport, outcome_report

T = TypeVar("T")
# Part of every key: a new release whose reports are shaped otherwise reads none of the old.
FORMAT = 1


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    report: T
    computed_at: dt.datetime
    seconds: float  # how long it took to compute

    @property
    def kept_minutes(self) -> int:
        return max(1, round(settings.LOTSA_REPORT_SNAPSHOT_SECONDS / 60))


def period_parts(period: Period) -> list[Any]:
    """What makes a period's cohort: the scope, the days and the unit."""
    scope = period.scope
    return [
        list(scope.organization_ids),
        list(scope.municipalities),
        period.since.isoformat(),
        period.until.isoformat(),
        period.team_id,
    ]


def key(kind: str, *parts: Any) -> str:
    """The cache key of a report of `kind` over `parts`, in the active language."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    text = json.dumps([FORMAT, kind, language, *parts], default=str)
    return f"lotsa-report:{kind}:{hashlib.sha256(text.encode()).hexdigest()}"


def snapshot(
    kind: str, parts: list[Any], compute: Callable[[], T], *, fresh: bool = False
) -> Snapshot[T]:
    """The report `compute()` makes, as kept under `kind` and `parts` if it is there (and
    not `fresh`), else computed now and kept."""
    seconds = settings.LOTSA_REPORT_SNAPSHOT_SECONDS
    name = key(kind, *parts)
    if seconds > 0 and not fresh:
        found = cache.get(name)
        if isinstance(found, Snapshot):
            return found
    started = timezone.now()
    made = Snapshot(
        report=compute(),
        computed_at=started,
        seconds=(timezone.now() - started).total_seconds(),
    )
    if seconds > 0:
        cache.set(name, made, seconds)
    return made


def flow(period: Period, *, fresh: bool = False) -> Snapshot[flows.Flow]:
    return snapshot("flow", period_parts(period), lambda: flows.flow(period), fresh=fresh)


def outcomes(
    period: Period, months: int, points: list[int], *, fresh: bool = False
) -> Snapshot[OutcomeReport]:
    return snapshot(
        "outcomes",
        [*period_parts(period), months, points],
        lambda: outcome_report(period, months, points),
        fresh=fresh,
    )


def use_pairs(period: Period, *, fresh: bool = False) -> Snapshot[dict[roi.UsePair, int]]:
    """The health-care use of the cohort for the calculator, whose prices change at every
    look: the pairs are kept, counted (visits are small numbers: few distinct pairs), and
    the calculation is made anew from the counts."""
    return snapshot(
        "use-pairs",
        period_parts(period),
        lambda: dict(Counter(roi.use_pairs(cohort.cases(period)))),
        fresh=fresh,
    )


def pressure(window: capacity.Window, *, fresh: bool = False) -> Snapshot[capacity.Pressure]:
    return snapshot(
        "capacity",
        [list(window.municipalities), window.days],
        lambda: capacity.pressure(window),
        fresh=fresh,
    )
