"""Background work of the person's follow-up link: sending it, and reminding once.

Each task takes ids (JSON), loads what it needs, writes in the person's own language and
does nothing when the follow-up is answered, cancelled or gone, the case is closed, or the
person can no longer be reached that way. The token is made here, at the moment of sending,
so that no usable link waits in the task queue.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django_tasks import task

from lotsa.audit import events
from lotsa.audit.models import AuditEvent
from lotsa.messaging.email import absolute_url, send_templated_mail, send_templated_sms

from . import links
from .models import FollowUp

TEMPLATE = "outcomes/messages/follow_up_link"


def _follow_up(pk: int) -> FollowUp | None:
    return (
        FollowUp.objects.select_related("case__person", "case__team__organization")
        .filter(pk=pk)
        .first()
    )


def _can_send(follow_up: FollowUp) -> bool:
    try:
        links.check_channel(follow_up, follow_up.link_channel)
    except links.LinkError:
        return False
    return True


def _deliver(follow_up: FollowUp, token: str, *, reminder: bool) -> None:
    """Write the link to the person by the follow-up's channel, in their language."""
    person = follow_up.case.person
    team = follow_up.case.team
    language = person.message_language
    with translation.override(language):
        context: dict[str, Any] = {
            "first_name": person.first_name,
            "team_name": team.name,
            "team_phone": team.phone,
            "months": follow_up.months,
            "url": absolute_url("outcomes:respond", token=token),
            "expires_on": links.expires_on(),
            "reminder": reminder,
        }
    if follow_up.link_channel == FollowUp.Channel.SMS:
        send_templated_sms(TEMPLATE, context, to=person.phone, language=language)
    else:
        send_templated_mail(TEMPLATE, context, to=person.email, language=language)


@task()
def send_follow_up_link(follow_up_id: int) -> None:
    """Make a fresh link to the follow-up and send it the way `links.send_link` chose."""
    follow_up = _follow_up(follow_up_id)
    if follow_up is None or not _can_send(follow_up):
        return
    token = links.issue_token(follow_up)
    _deliver(follow_up, token, reminder=False)


def due_for_reminder(now: dt.datetime | None = None) -> Any:
    """Follow-ups whose link went out `reminder_days` ago or more, is still unanswered and
    still valid, and has not been sent again as a reminder."""
    now = now or timezone.now()
    return (
        FollowUp.objects.pending()
        .filter(
            case__closed_at__isnull=True,
            link_sent_at__lte=now - dt.timedelta(days=links.reminder_days()),
            link_sent_at__gt=now - dt.timedelta(days=links.link_days()),
        )
        .exclude(Q(link_nonce="") | Q(link_nonce__startswith=links.REMINDED))
        .order_by("pk")
    )


@task()
def remind_unanswered_links() -> None:
    """Send each unanswered link once more, as a fresh link (the first stops working).

    Each follow-up is claimed by a conditional update of its nonce before the message goes,
    so that two sweeps at once remind once."""
    for pk, nonce in list(due_for_reminder().values_list("pk", "link_nonce")):
        follow_up = _follow_up(pk)
        if follow_up is None or not _can_send(follow_up):
            continue
        with transaction.atomic():
            fresh = links.new_nonce(reminder=True)
            claimed = FollowUp.objects.filter(pk=pk, link_nonce=nonce).update(link_nonce=fresh)
            if not claimed:
                continue
            follow_up.link_nonce = fresh
            events.record(
                AuditEvent.Action.CHANGE,
                follow_up,
                user=None,
                organization_id=follow_up.case.team.organization_id,
                purpose=f"follow-up link reminder sent by {follow_up.link_channel}",
                person=follow_up.case.person,
            )
        _deliver(follow_up, links.sign(follow_up), reminder=True)
