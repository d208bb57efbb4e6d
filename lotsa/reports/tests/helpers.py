"""Unmet needs and offerings for the reports' tests, recorded at a chosen moment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation

from lotsa.accounts.models import Team, User
from lotsa.directory.models import Term
from lotsa.referrals.models import UnmetNeed

AARHUS = "DK-751"


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment in the site's time zone."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def record_need(
    team: Team,
    by: User,
    when: dt.datetime,
    need: str | None = "grief-support",
    *,
    text: str = "",
    area: str = "",
    audience: str = "",
    age_band: str = "",
    reasons: tuple[str, ...] = ("none_exists",),
    municipality: str = "SE-2480",
) -> UnmetNeed:
    terms = {
        (term.vocabulary, term.code): term
        for term in Term.objects.filter(code__in=[c for c in (need, audience) if c])
    }
    unmet = UnmetNeed.objects.create(
        team=team,
        recorded_by=by,
        municipality=municipality,
        need=terms.get(("category", need or "")),
        need_text=text,
        area=area,
        audience=terms.get(("audience", audience)),
        age_band=age_band,
        reasons=list(reasons),
    )
    # `recorded_at` is set on creation: move it to the moment the test needs.
    UnmetNeed.objects.filter(pk=unmet.pk).update(recorded_at=when)
    return unmet


def en_url(name: str, **query: Any) -> str:
    """A URL under /en/ with a query string, so that texts compare in English."""
    from urllib.parse import urlencode

    with translation.override("en"):
        url = reverse(name)
    return f"{url}?{urlencode(query, doseq=True)}" if query else url
