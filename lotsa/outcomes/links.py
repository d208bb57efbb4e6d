"""The person's own follow-up link: a signed, expiring token that opens one follow-up's
questions without an account, sent by text message or e-mail in the person's language.

The token holds the follow-up's UUID and a nonce kept on the row (`FollowUp.link_nonce`),
signed with a salt of its own and valid for `LOTSA_FOLLOW_UP_LINK_DAYS`. A new link, a
reminder or the answers arriving change or clear the nonce, so that an older link stops
working. The URL carries only the token: never a name or an identity number.

A sent link that is still unanswered `LOTSA_FOLLOW_UP_LINK_REMINDER_DAYS` later is sent
again once, as a fresh link (`linktasks.remind_unanswered_links`). Which links were sent as
reminders is told by their nonce: it starts with `REMINDED` (not a hexadecimal digit).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotsa.accounts.models import User
from lotsa.audit import events
from lotsa.audit.models import AuditEvent
from lotsa.lib import phones
from lotsa.people.models import Person

from .models import FollowUp

LINK_SALT = "lotsa.outcomes.follow-up-link"
# The nonce of a link sent as the reminder: the sweep reminds each sent link once.
REMINDED = "r"
Channel = FollowUp.Channel
Preference = Person.ContactPreference


def link_days() -> int:
    return int(settings.LOTSA_FOLLOW_UP_LINK_DAYS)


def reminder_days() -> int:
    """Days after sending an unanswered link is sent again (once)."""
    return settings.LOTSA_FOLLOW_UP_LINK_REMINDER_DAYS


def expires_on(sent: dt.datetime | None = None) -> dt.date:
    """The last day a link sent at `sent` (default: now) works."""
    return timezone.localdate(sent or timezone.now()) + dt.timedelta(days=link_days())


# --- sending -------------------------------------------------------------------------------


class LinkError(Exception):
    """Why a link cannot be sent; `code` for the caller, `message` to show the link worker."""

    MESSAGES: dict[str, Any] = {
        "no_contact": _("The person does not want to be contacted."),
        "no_phone": _("The person has no phone number to send a text message to."),
        "not_mobile": _(
            "The person's phone number is not a mobile number: a text message cannot reach it."
        ),
        "no_email": _("The person has no e-mail address."),
        "unknown_channel": _("Choose text message or e-mail."),
        "not_pending": _("This follow-up has already been answered or was cancelled."),
        "case_closed": _("The case is closed."),
    }

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(self.MESSAGES.get(self.code, self.code))


def preferred_channel(person: Person) -> str:
    """The channel the person asked to be contacted by, if a link can go that way; else the
    one their details allow (a mobile number first); "" when none does."""
    if person.contact_preference == Preference.NONE:
        return ""
    usable = available_channels(person)
    if person.contact_preference in usable:
        return str(person.contact_preference)
    return usable[0] if usable else ""


def available_channels(person: Person) -> list[str]:
    """The channels a link can reach the person by, in the order to offer them."""
    if person.contact_preference == Preference.NONE:
        return []
    found = []
    if person.phone and phones.is_mobile(person.phone):
        found.append(str(Channel.SMS))
    if person.email:
        found.append(str(Channel.EMAIL))
    return found


def check_channel(follow_up: FollowUp, channel: str) -> None:
    """Raise LinkError if a link to `follow_up` cannot go by `channel` now."""
    case = follow_up.case
    person = case.person
    if channel not in Channel.values:
        raise LinkError("unknown_channel")
    if not follow_up.is_pending:
        raise LinkError("not_pending")
    if not case.is_open:
        raise LinkError("case_closed")
    # A person who said "do not contact" gets no message, whoever presses the button.
    if person.contact_preference == Preference.NONE:
        raise LinkError("no_contact")
    if channel == Channel.SMS:
        if not person.phone:
            raise LinkError("no_phone")
        if not phones.is_mobile(person.phone):
            raise LinkError("not_mobile")
    if channel == Channel.EMAIL and not person.email:
        raise LinkError("no_email")


def send_link(follow_up: FollowUp, *, channel: str, acting_user: User | None) -> FollowUp:
    """Send the person a link to answer `follow_up` alone, by `channel` ("sms" or "email";
    "" for the channel they prefer), in their language, after commit.

    Any earlier link stops working at once; the new one is made and sent by a task
    (`linktasks.send_follow_up_link`), so that the token never waits in the task queue.
    Raises LinkError when the link cannot go that way (see `LinkError.MESSAGES`)."""
    from . import linktasks

    with transaction.atomic():
        locked = (
            FollowUp.objects.select_for_update()
            .select_related("case__person", "case__team")
            .get(pk=follow_up.pk)
        )
        channel = channel or preferred_channel(locked.case.person) or Channel.SMS
        check_channel(locked, channel)
        locked.link_nonce = ""
        locked.link_sent_at = timezone.now()
        locked.link_channel = channel
        locked.save(update_fields=["link_nonce", "link_sent_at", "link_channel"])
        events.record(
            AuditEvent.Action.CHANGE,
            locked,
            user=acting_user,
            organization_id=locked.case.team.organization_id,
            purpose=f"follow-up link sent by {channel}",
            person=locked.case.person,
        )
        pk = locked.pk
        transaction.on_commit(lambda: linktasks.send_follow_up_link.enqueue(pk))
    return locked


# --- the token -----------------------------------------------------------------------------


def new_nonce(*, reminder: bool = False) -> str:
    return (REMINDED if reminder else "") + secrets.token_hex(15)


def issue_token(follow_up: FollowUp, *, reminder: bool = False) -> str:
    """A fresh token for `follow_up`'s link; any earlier link stops working."""
    nonce = new_nonce(reminder=reminder)
    FollowUp.objects.filter(pk=follow_up.pk).update(link_nonce=nonce)
    follow_up.link_nonce = nonce
    return sign(follow_up)


def sign(follow_up: FollowUp) -> str:
    """The token of `follow_up`'s current nonce (it must have one)."""
    if not follow_up.link_nonce:
        raise ValueError("the follow-up has no link")
    return signing.dumps(
        {"f": str(follow_up.uuid), "n": follow_up.link_nonce}, salt=LINK_SALT, compress=True
    )


class LinkUnusable(Exception):
    """Why a link does not open: `invalid` (tampered, cut short), `expired`, `answered` (the
    follow-up is done), `used` (a newer link was sent, or the follow-up or case ended)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_token(token: str) -> dict[str, str]:
    """The token's content if its signature holds, however old (for tests and the audit
    check that need to know whose link it is); raises signing.BadSignature otherwise."""
    data: dict[str, str] = signing.loads(token, salt=LINK_SALT)
    return data


def get_follow_up_by_token(request: HttpRequest, token: str) -> FollowUp:
    """The follow-up a link opens, for the person who holds it; raises LinkUnusable.

    The link is the credential: whoever holds it may answer, signed in or not. The read is
    logged as the person's own (no user, whoever is signed in in the browser), naming the
    team's organisation. An expired or tampered link is not looked up at all."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=dt.timedelta(days=link_days()))
    except signing.SignatureExpired:
        raise LinkUnusable("expired") from None
    except signing.BadSignature:
        raise LinkUnusable("invalid") from None
    if not isinstance(data, dict) or not data.get("n"):
        raise LinkUnusable("invalid")
    try:
        found = (
            FollowUp.objects.filter(uuid=str(data.get("f")))
            .select_related("case__person", "case__team__organization")
            .first()
        )
    except (ValidationError, ValueError):
        raise LinkUnusable("invalid") from None
    if found is None:
        raise LinkUnusable("used")
    if found.completed_at is not None:
        raise LinkUnusable("answered")
    if (
        found.cancelled_at is not None
        or not found.case.is_open
        or not found.link_nonce
        or not secrets.compare_digest(found.link_nonce, str(data["n"]))
    ):
        raise LinkUnusable("used")
    events.record(
        AuditEvent.Action.READ,
        found,
        user=None,
        organization_id=found.case.team.organization_id,
        purpose="follow-up link opened by the person",
        request=request,
        person=found.case.person,
    )
    return found
