"""Background work of the directory: e-mails about moderation decisions and freshness reminders.

Each task takes ids (JSON), loads what it needs, and writes every e-mail in the recipient's
own language, with absolute links under that language's URL prefix.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import task

from lotsa.accounts import access
from lotsa.accounts.models import Organization, User
from lotsa.messaging.email import absolute_url, send_templated_mail

from .models import ClaimRequest, Offering, OfferingChange


@task()
def send_change_decision(change_id: int) -> None:
    """Tell the submitter that their listing was approved or sent back, and why."""
    change = (
        OfferingChange.objects.select_related("submitted_by", "offering", "organization")
        .filter(pk=change_id)
        .first()
    )
    if change is None or change.status == OfferingChange.Status.PENDING:
        return
    user = change.submitted_by
    language = user.message_language
    with translation.override(language):
        context = {
            "user": user,
            "change": change,
            "name": change.data.get("name", ""),
            "is_approved": change.status == OfferingChange.Status.APPROVED,
            "listings_url": absolute_url("directory:my-listings"),
            "offering_url": (
                absolute_url("directory:offering", uuid=change.offering.uuid)
                if change.offering
                else ""
            ),
        }
    send_templated_mail(
        "directory/email/change_decision", context, to=user.email, language=language
    )


@task()
def send_claim_decision(claim_id: int) -> None:
    """Tell a claimant whether they now manage the organisation's listings."""
    claim = ClaimRequest.objects.select_related("user", "organization").filter(pk=claim_id).first()
    if claim is None or claim.status == ClaimRequest.Status.PENDING:
        return
    language = claim.user.message_language
    with translation.override(language):
        context = {
            "user": claim.user,
            "claim": claim,
            "is_approved": claim.status == ClaimRequest.Status.APPROVED,
            "listings_url": absolute_url("directory:my-listings"),
        }
    send_templated_mail(
        "directory/email/claim_decision", context, to=claim.user.email, language=language
    )


@task()
def send_registration_decision(
    user_ids: list[int], organization_name: str, is_approved: bool, message: str
) -> None:
    """Tell a self-registered organisation's contacts whether it is now public.

    Takes the name rather than the id: a refused registration is deleted before this runs.
    """
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        language = user.message_language
        with translation.override(language):
            context = {
                "user": user,
                "organization_name": organization_name,
                "is_approved": is_approved,
                "message": message,
                "listings_url": absolute_url("directory:my-listings"),
            }
        send_templated_mail(
            "directory/email/registration_decision", context, to=user.email, language=language
        )


@task()
def send_freshness_reminder(organization_id: int) -> None:
    """Ask an organisation to confirm or update its stale listings, once per interval.

    The organisation's editors get the mail, each in their language; an organisation
    without an editor gets it at its own address, in its country's language.
    """
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    # No transaction around the sending: on SQLite it would hold the write lock for as long
    # as the mail server takes. The listings are marked after the mails went out.
    offerings = list(
        Offering.objects.filter(organization=organization).due_for_reminder().order_by("name")
    )
    if not offerings:
        return
    editors = User.objects.filter(
        is_active=True,
        memberships__organization=organization,
        memberships__role__in=access.EDITOR_ROLES,
    ).distinct()
    recipients = [(user.email, user.message_language, True) for user in editors]
    if not recipients and organization.email:
        language = organization.language
        recipients = [(organization.email, language, False)]
    for email, language, has_account in recipients:
        with translation.override(language):
            listings = [
                {
                    "name": offering.name,
                    "last_reviewed_at": offering.last_reviewed_at,
                    "public_url": absolute_url("directory:offering", uuid=offering.uuid),
                }
                for offering in offerings
            ]
            context = {
                "organization": organization,
                "listings": listings,
                "has_account": has_account,
                "listings_url": absolute_url("directory:my-listings"),
                "claim_url": absolute_url("directory:claim") + f"?organization={organization.pk}",
                "stale_after_weeks": settings.LOTSA_STALE_AFTER_WEEKS,
            }
        send_templated_mail(
            "directory/email/freshness_reminder", context, to=email, language=language
        )
    # Marked even when nobody could be written to, so that the command does not enqueue the
    # same organisation on every run; staff still see the listings as stale.
    Offering.objects.filter(pk__in=[o.pk for o in offerings]).update(reminded_at=timezone.now())
