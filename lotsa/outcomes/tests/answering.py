"""Form data and objects the link worker's outcome tests share: a case with its schedule,
and what a follow-up page posts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone, translation

from lotsa.outcomes.actions import schedule_follow_ups
from lotsa.outcomes.models import FollowUp
from lotsa.referrals.models import Case


def en_url(name: str, **kwargs: Any) -> str:
    """A URL under /en/, so that texts compare in English."""
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def point(case: Case, months: int) -> FollowUp:
    return {follow_up.months: follow_up for follow_up in schedule_follow_ups(case)}[months]


def follow_up_url(case: Case, months: int) -> str:
    return en_url("outcomes:follow-up", key=case.uuid, months=months)


def posted(
    who5: int | None = None,
    ucla3: int | None = None,
    survey: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """What the follow-up form posts: every WHO-5 item `who5`, every UCLA-3 item `ucla3`
    (None: left blank), the survey's fields, and the date (today)."""
    data: dict[str, Any] = {"answered_on": timezone.localdate().isoformat()}
    for key in ("cheerful", "calm", "active", "rested", "interest"):
        data[f"who5-{key}"] = "" if who5 is None else str(who5)
    for key in ("companionship", "left_out", "isolated"):
        data[f"ucla3-{key}"] = "" if ucla3 is None else str(ucla3)
    for key, value in (survey or {}).items():
        data[f"survey-{key}"] = value
    data.update(extra)
    return data


SURVEY = {"satisfaction": "4", "hours_suited": "yes", "progress": "some", "would_change": ""}
