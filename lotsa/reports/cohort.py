"""The cohort a manager's report counts: the referrals made in a period to the teams of the
manager's scope (or to one of them), and the cases opened from them.

A referral belongs to the period of its creation (`Referral.created_at`, the day in the
site's time zone), so that a cohort keeps its people while they reach their follow-ups. A
referral forwarded to another team is counted once, as the referral that team received.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from lotsa.referrals.models import Case, Referral

from .scope import Scope


@dataclass(frozen=True)
class Period:
    """What a manager's report counts: the referrals made from `since` to `until` (both
    days included) in the manager's scope, to one team if `team_id` is given."""

    scope: Scope
    since: dt.date
    until: dt.date
    team_id: int | None = None


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def referrals(period: Period) -> QuerySet[Referral]:
    """The referrals of the cohort (not the forwarded ones: they count where they went)."""
    found = Referral.objects.filter(
        period.scope.referrals(),
        created_at__gte=start_of(period.since),
        created_at__lt=start_of(period.until + dt.timedelta(days=1)),
    ).exclude(status=Referral.Status.FORWARDED)
    if period.team_id is not None:
        found = found.filter(team_id=period.team_id)
    return found


def cases(period: Period) -> QuerySet[Case]:
    """The cases opened from the cohort's referrals."""
    return Case.objects.filter(referral__in=referrals(period).values("pk"))
