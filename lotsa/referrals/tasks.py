"""Background work of the referral loop: e-mails and text messages, sent after commit.

Each task takes ids (JSON), loads what it needs and writes in the recipient's own language;
each does nothing when its object is gone. No e-mail to staff or to a provider carries a
person's details: it says that something waits and links to where the reader may see it.
The one message that goes to the person (their place is confirmed) holds only the
activity's what, when and where, and goes the way they asked to be contacted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone, translation
from django_tasks import task

from lotsa.accounts.models import Membership, Team, User
from lotsa.directory.models import Offering
from lotsa.messaging.email import absolute_url, send_templated_mail, send_templated_sms
from lotsa.people.models import Person

from . import access, prescription
from .models import ActivityReferral, Referral

Status = ActivityReferral.Status
MAX_REMINDERS = 2


@dataclasses.dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    has_account: bool


def _team_recipients(team: Team) -> list[Recipient]:
    """The team's shared address if it has one, else each link worker of the team."""
    if team.email:
        return [Recipient(team.email, team.organization.language, False)]
    return [
        Recipient(user.email, user.message_language, True)
        for user in team.members.filter(is_active=True).order_by("pk")
    ]


def _provider_recipients(offering: Offering) -> list[Recipient]:
    """The activity's address, else the organisation's, else its contacts with accounts."""
    organization = offering.organization
    language = organization.language
    for address in (offering.email, organization.email):
        if address:
            return [Recipient(address, language, False)]
    contacts = User.objects.filter(
        is_active=True,
        memberships__organization=organization,
        memberships__role=Membership.Role.PROVIDER,
    ).distinct()
    return [Recipient(user.email, user.message_language, True) for user in contacts.order_by("pk")]


def _activity_referral(pk: int) -> ActivityReferral | None:
    return (
        ActivityReferral.objects.select_related(
            "offering__organization",
            "consent",
            "case__person",
            "case__team__organization",
            "case__assigned_to",
        )
        .filter(pk=pk)
        .first()
    )


# --- to the link worker team ----------------------------------------------------------------


@task()
def notify_team_of_referral(referral_id: int) -> None:
    """Tell a link worker team that a referral waits in its inbox."""
    referral = Referral.objects.select_related("team__organization").filter(pk=referral_id).first()
    if referral is None or referral.status != Referral.Status.NEW:
        return
    for recipient in _team_recipients(referral.team):
        with translation.override(recipient.language):
            context = {
                "team_name": referral.team.name,
                "due_on": referral.due_on,
                "triage_url": absolute_url("referrals:triage", key=referral.uuid),
            }
        send_templated_mail(
            "referrals/email/new_referral",
            context,
            to=recipient.email,
            language=recipient.language,
        )


# --- to the provider ---------------------------------------------------------------------------


def _send_answer_link(referral: ActivityReferral, *, reminder: bool) -> int:
    """Issue a fresh answer link (the earlier one stops working) and e-mail it; returns how
    many e-mails went out."""
    recipients = _provider_recipients(referral.offering)
    if not recipients:
        return 0
    token = access.issue_answer_token(referral)
    expires_on = timezone.localdate() + dt.timedelta(days=settings.LOTSA_ANSWER_LINK_DAYS)
    team = referral.case.team
    for recipient in recipients:
        with translation.override(recipient.language):
            context = {
                "offering_name": referral.offering.name,
                "team_name": team.name,
                "team_phone": team.phone,
                "team_email": team.email,
                "reminder": reminder,
                "answer_url": absolute_url("referrals:answer-by-link", token=token),
                "expires_on": expires_on,
                "referral_url": (
                    absolute_url("referrals:provider-referral", key=referral.uuid)
                    if recipient.has_account
                    else ""
                ),
            }
        send_templated_mail(
            "referrals/email/answer_link",
            context,
            to=recipient.email,
            language=recipient.language,
        )
    return len(recipients)


@task()
def notify_provider_of_referral(activity_referral_id: int) -> None:
    """Send the provider the signed answer link for a new activity referral."""
    referral = _activity_referral(activity_referral_id)
    if (
        referral is None
        or referral.status not in ActivityReferral.ANSWERABLE_STATUSES
        or not referral.consent.is_active
    ):
        return
    _send_answer_link(referral, reminder=False)


@task()
def notify_provider_of_change(activity_referral_id: int) -> None:
    """Tell the provider that a referral was withdrawn."""
    referral = _activity_referral(activity_referral_id)
    if referral is None or referral.status != Status.CANCELLED:
        return
    team = referral.case.team
    for recipient in _provider_recipients(referral.offering):
        with translation.override(recipient.language):
            context = {
                "offering_name": referral.offering.name,
                "team_name": team.name,
                "team_phone": team.phone,
                "inbox_url": (
                    absolute_url("referrals:provider-inbox") if recipient.has_account else ""
                ),
            }
        send_templated_mail(
            "referrals/email/referral_withdrawn",
            context,
            to=recipient.email,
            language=recipient.language,
        )


@task()
def remind_unanswered_referrals() -> None:
    """Re-send the answer link of referrals still waiting for an answer, at most twice.

    The first reminder goes `LOTSA_ANSWER_REMINDER_DAYS` days after the referral, the second
    when twice as many days have passed and as many since the first. A referral whose last
    reminder was sent at or after the second mark has had both (there is no counter: the
    timestamps tell).
    """
    every = dt.timedelta(days=settings.LOTSA_ANSWER_REMINDER_DAYS)
    now = timezone.now()
    first = Q(reminded_at__isnull=True, created_at__lte=now - every)
    second = Q(
        reminded_at__lte=now - every,
        created_at__lte=now - MAX_REMINDERS * every,
        reminded_at__lt=F("created_at") + MAX_REMINDERS * every,
    )
    due = (
        ActivityReferral.objects.filter(
            status=Status.REQUESTED,
            answered_at__isnull=True,
            consent__withdrawn_at__isnull=True,
            case__closed_at__isnull=True,
        )
        .filter(first | second)
        .order_by("pk")
    )
    for pk, reminded_at in list(due.values_list("pk", "reminded_at")):
        # Claimed first, so that two runs at once remind once.
        claimed = ActivityReferral.objects.filter(pk=pk, reminded_at=reminded_at).update(
            reminded_at=now
        )
        referral = _activity_referral(pk) if claimed else None
        if referral is not None:
            _send_answer_link(referral, reminder=True)


# --- to the link worker, and to the person ------------------------------------------------------


@task()
def notify_link_worker_of_change(activity_referral_id: int) -> None:
    """Tell the case's link worker that the provider answered or participation changed."""
    referral = _activity_referral(activity_referral_id)
    if referral is None:
        return
    case = referral.case
    link_worker = case.assigned_to
    if link_worker is not None and link_worker.is_active:
        recipients = [Recipient(link_worker.email, link_worker.message_language, True)]
    else:
        recipients = _team_recipients(case.team)
    for recipient in recipients:
        with translation.override(recipient.language):
            context = {
                "offering_name": referral.offering.name,
                "status": referral.get_status_display(),
                "reason": referral.get_reason_display() if referral.reason else "",
                "participation": (
                    referral.get_participation_display() if referral.participation else ""
                ),
                "referral_url": absolute_url("referrals:activity-referral", key=referral.uuid),
            }
        send_templated_mail(
            "referrals/email/referral_changed",
            context,
            to=recipient.email,
            language=recipient.language,
        )


@task()
def tell_person_of_place(activity_referral_id: int) -> None:
    """Send the person what, when and where, the way they want to be contacted.

    Enqueued by the accepting answer itself, so a late task about another change never sends
    it. SMS preference: a text message; e-mail preference: an e-mail. Phone call, letter or
    no contact: nothing here; the link worker calls or prints the prescription.
    """
    referral = _activity_referral(activity_referral_id)
    if referral is None or not referral.case.is_open or not referral.consent.is_active:
        return
    if referral.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
        return
    person = referral.case.person
    language = person.message_language
    facts = prescription.build(referral, sessions=1)
    context = {"p": facts}
    preference = person.contact_preference
    if preference == Person.ContactPreference.SMS and person.phone:
        send_templated_sms(
            "referrals/email/place_confirmed", context, to=person.phone, language=language
        )
    elif preference == Person.ContactPreference.EMAIL and person.email:
        send_templated_mail(
            "referrals/email/place_confirmed", context, to=person.email, language=language
        )
