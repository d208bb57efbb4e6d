"""Background work of outcome measurement: the nightly sweep of follow-up schedules and the
reminders to link workers of follow-ups that are due.

No e-mail carries a person's details: it says that follow-ups wait and links to where the
link worker, signed in, may see them. (The person's own link and its reminder are in
`linktasks`.)
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone, translation
from django_tasks import task

from lotsa.accounts.models import Team, User
from lotsa.messaging.email import absolute_url, send_templated_mail
from lotsa.referrals.models import Case

from . import actions, timeline
from .models import FollowUp


@dataclasses.dataclass(frozen=True)
class Recipient:
    email: str
    language: str


def _recipients(case: Case) -> list[Recipient]:
    """The case's link worker while they are active and in the team; else the team's shared
    address, else every active link worker of the team."""
    link_worker: User | None = case.assigned_to
    team: Team = case.team
    if (
        link_worker is not None
        and link_worker.is_active
        and team.members.filter(pk=link_worker.pk).exists()
    ):
        return [Recipient(link_worker.email, link_worker.message_language)]
    if team.email:
        return [Recipient(team.email, team.organization.language)]
    return [
        Recipient(user.email, user.message_language)
        for user in team.members.filter(is_active=True).order_by("pk")
    ]


def remind_due_follow_ups() -> int:
    """E-mail each due follow-up's link worker once (`reminded_at`), one e-mail per
    recipient listing their follow-ups; returns how many follow-ups were reminded."""
    now = timezone.now()
    due = (
        FollowUp.objects.due(timezone.localdate(now))
        .filter(reminded_at__isnull=True, case__closed_at__isnull=True)
        .order_by("due_on", "pk")
    )
    waiting: dict[Recipient, list[FollowUp]] = defaultdict(list)
    reminded = 0
    for pk in list(due.values_list("pk", flat=True)):
        # Claimed first, so that two runs at once remind once.
        if not FollowUp.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
            continue
        follow_up = FollowUp.objects.select_related(
            "case__assigned_to", "case__team__organization"
        ).get(pk=pk)
        reminded += 1
        for recipient in _recipients(follow_up.case):
            waiting[recipient].append(follow_up)
    for recipient, follow_ups in waiting.items():
        with translation.override(recipient.language):
            items = [
                {
                    "point": timeline.point_label(follow_up.months),
                    "due_on": follow_up.due_on,
                    "url": absolute_url(
                        "outcomes:follow-up", key=follow_up.case.uuid, months=follow_up.months
                    ),
                }
                for follow_up in follow_ups
            ]
            context = {"items": items, "list_url": absolute_url("outcomes:follow-ups")}
        send_templated_mail(
            "outcomes/email/follow_ups_due",
            context,
            to=recipient.email,
            language=recipient.language,
        )
    return reminded


def sweep_schedules() -> tuple[int, int]:
    """Make the schedules of open cases nobody opened, and end those of closed cases;
    returns (cases scheduled, follow-ups cancelled)."""
    scheduled = actions.schedule_missing_follow_ups(Case.objects.filter(Q(closed_at__isnull=True)))
    cancelled = actions.cancel_follow_ups_of_closed_cases()
    return scheduled, cancelled


@task()
def send_follow_up_reminders() -> None:
    """The nightly round: sweep the schedules, then remind of the follow-ups due."""
    sweep_schedules()
    remind_due_follow_ups()
