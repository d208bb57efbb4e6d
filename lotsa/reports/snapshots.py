"""Computed manager reports, kept for a while: a materialised aggregate.

The flow and outcome reports read every referral, case and assessment of the cohort; over
five years of a national service (a million referrals) that takes far longer than a page may.
So a computed report is kept in the cache, under its kind, scope, period, choices and
language, and served until it is `LOTSA_REPORT_SNAPSHOT_SECONDS` old (0: never kept). The
page says when its figures were computed. `manage.py refresh_reports` (cron, see
docs/deploy.md) computes every manager's default reports ahead, so that nobody waits for
them in the morning.

A snapshot holds aggregates only, the same the page shows, never a row about a person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

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


def key(kind: str, period: Period, *choices: Any) -> str:
    scope = period.scope
    parts = [
        FORMAT,
        kind,
        list(scope.organization_ids),
        list(scope.municipalities),
        period.since.isoformat(),
        period.until.isoformat(),
        period.team_id,
        (get_language() or settings.LANGUAGE_CODE)[:2],
        list(choices),
    ]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"lotsa-report:{kind}:{digest}"


def snapshot(
    kind: str, period: Period, compute: Callable[[], T], *choices: Any, fresh: bool = False
) -> Snapshot[T]:
    """The report `compute()` makes, as kept if it is there (and not `fresh`), else computed
    now and kept."""
    seconds = settings.LOTSA_REPORT_SNAPSHOT_SECONDS
    name = key(kind, period, *choices)
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
    return snapshot("flow", period, lambda: flows.flow(period), fresh=fresh)


def outcomes(
    period: Period, months: int, points: list[int], *, fresh: bool = False
) -> Snapshot[OutcomeReport]:
    return snapshot(
        "outcomes",
        period,
        lambda: outcome_report(period, months, points),
        months,
        points,
        fresh=fresh,
    )
