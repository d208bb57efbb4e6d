"""The directory's use cases: listings submitted, moderated and confirmed; organisations
registered, edited, approved and claimed.

A listing travels as `data`, the JSON shape of `OfferingChange.data`: plain fields, term
codes for the vocabularies, one `place` dict (None when online) and a list of `schedules`
dicts, with dates and times as ISO strings. `offering_data()` gives the same shape for a
live offering, so a submission and the listing it changes compare field by field.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from django.db import transaction
from django.utils import timezone

from lotsa.accounts import access
from lotsa.accounts.models import Membership, Organization, User
from lotsa.audit import events

from . import search, tasks
from .models import ClaimRequest, Offering, OfferingChange, Place, Schedule, Term

OFFERING_FIELDS = (
    "name",
    "description",
    "text_language",
    "min_age",
    "max_age",
    "is_online",
    "is_free",
    "fee",
    "contact_name",
    "phone",
    "email",
    "website",
    "how_to_join",
    "capacity",
    "places_taken",
    "waitlist_length",
    "has_waitlist",
    "status",
)
TERM_FIELDS = {
    "categories": Term.Vocabulary.CATEGORY,
    "audiences": Term.Vocabulary.AUDIENCE,
    "accessibility": Term.Vocabulary.ACCESSIBILITY,
    "languages": Term.Vocabulary.LANGUAGE,
}
PLACE_FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "municipality",
    "latitude",
    "longitude",
    "directions",
)
# Capacity and status change from week to week and mislead no one, so a provider updates
# them without review (unless another change of the listing is waiting for review).
DIRECT_FIELDS = frozenset({"capacity", "places_taken", "waitlist_length", "has_waitlist", "status"})
ORGANIZATION_FIELDS = (
    "name",
    "description",
    "contact_name",
    "email",
    "phone",
    "website",
    "org_number",
)


class DecisionError(Exception):
    """The request was decided already (by another moderator, or superseded)."""


class Outcome(enum.StrEnum):
    PENDING = "pending"  # waits for a moderator
    PUBLISHED = "published"  # the submitter moderates this municipality: live at once
    UPDATED = "updated"  # capacity or status only: applied without review
    UNCHANGED = "unchanged"  # same as the live listing: nothing to review


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def place_data(place: Place) -> dict[str, Any]:
    data: dict[str, Any] = {field: getattr(place, field) for field in PLACE_FIELDS}
    data["latitude"] = round(place.latitude, 6)
    data["longitude"] = round(place.longitude, 6)
    return data


def schedule_data(schedule: Schedule) -> dict[str, Any]:
    return {
        "byday": schedule.days,
        "interval": schedule.interval,
        "single_date": _date(schedule.single_date),
        "opens_at": _time(schedule.opens_at),
        "closes_at": _time(schedule.closes_at),
        "valid_from": _date(schedule.valid_from),
        "valid_to": _date(schedule.valid_to),
        "note": schedule.note,
    }


def offering_data(offering: Offering) -> dict[str, Any]:
    """The live offering in the shape of `OfferingChange.data`."""
    data: dict[str, Any] = {field: getattr(offering, field) for field in OFFERING_FIELDS}
    for field in TERM_FIELDS:
        data[field] = sorted(term.code for term in getattr(offering, field).all())
    # Through .all(), so that a prefetched list serves (Place is ordered by pk).
    place = next(iter(offering.places.all()), None)
    data["place"] = place_data(place) if place and not offering.is_online else None
    data["schedules"] = [schedule_data(schedule) for schedule in offering.schedules.all()]
    return data


def changed_fields(offering: Offering, data: dict[str, Any]) -> set[str]:
    live = offering_data(offering)
    return {key for key, value in data.items() if live.get(key) != value}


def _apply(offering: Offering, data: dict[str, Any]) -> None:
    """Make `offering` what `data` describes: fields, terms, its one place, its schedules."""
    for field in OFFERING_FIELDS:
        setattr(offering, field, data[field])
    offering.is_published = True
    offering.last_reviewed_at = timezone.localdate()
    offering.save()
    for field, vocabulary in TERM_FIELDS.items():
        getattr(offering, field).set(
            Term.objects.filter(vocabulary=vocabulary, code__in=data[field])
        )

    places = list(offering.places.all())
    if data["place"] is None:
        offering.places.all().delete()
    else:
        # Keep the first place's row (and its UUID, the HSDS location id) when there is one.
        place = places[0] if places else Place(offering=offering)
        for field in PLACE_FIELDS:
            setattr(place, field, data["place"][field])
        place.save()
        offering.places.exclude(pk=place.pk).delete()

    offering.schedules.all().delete()
    Schedule.objects.bulk_create(
        Schedule(
            offering=offering,
            byday=",".join(row["byday"]),
            interval=row["interval"],
            single_date=row["single_date"],
            opens_at=row["opens_at"],
            closes_at=row["closes_at"],
            valid_from=row["valid_from"],
            valid_to=row["valid_to"],
            note=row["note"],
        )
        for row in data["schedules"]
    )


def _close_pending(offering: Offering, note: str) -> None:
    """Retire the offering's pending submissions: a newer one (or none) replaces them.

    They are closed as rejected without a moderator, so that the provider's page can tell a
    moderator's rejection from a replaced draft, and an older draft can never be approved
    over a newer one.
    """
    OfferingChange.objects.filter(offering=offering, status=OfferingChange.Status.PENDING).update(
        status=OfferingChange.Status.REJECTED, decided_at=timezone.now(), message=note
    )


def submit_offering(
    organization: Organization,
    offering: Offering | None,
    data: dict[str, Any],
    *,
    acting_user: User,
) -> tuple[Outcome, OfferingChange | None]:
    """Send a new listing (`offering` None) or a changed one to moderation.

    A newer submission replaces the offering's pending one. Staff who moderate the
    organisation's municipality publish at once; capacity and status alone apply directly.
    """
    with transaction.atomic():
        if offering is not None:
            offering = Offering.objects.select_for_update().get(pk=offering.pk)
            has_pending = offering.changes.filter(status=OfferingChange.Status.PENDING).exists()
            changed = changed_fields(offering, data)
            if not changed:
                _close_pending(offering, "Withdrawn: sent again unchanged from the live listing.")
                return Outcome.UNCHANGED, None
            if changed <= DIRECT_FIELDS and not has_pending:
                for field in changed:
                    setattr(offering, field, data[field])
                offering.save(update_fields=[*sorted(changed), "updated_at"])
                events.record(
                    "change",
                    offering,
                    user=acting_user,
                    organization_id=organization.pk,
                    purpose="capacity or status: " + ", ".join(sorted(changed)),
                )
                return Outcome.UPDATED, None
            _close_pending(offering, "Replaced by a newer submission.")

        change = OfferingChange.objects.create(
            organization=organization, offering=offering, data=data, submitted_by=acting_user
        )
        events.record("create", change, user=acting_user, organization_id=organization.pk)
        if access.can_moderate(acting_user, organization.municipality):
            approve_change(change, acting_user=acting_user)
            return Outcome.PUBLISHED, change
        return Outcome.PENDING, change


def approve_change(
    change: OfferingChange, *, acting_user: User, message: str = ""
) -> OfferingChange:
    """Publish a submitted listing as it was sent; the submitter is told by e-mail."""
    with transaction.atomic():
        change = OfferingChange.objects.select_for_update().get(pk=change.pk)
        if change.status != OfferingChange.Status.PENDING:
            raise DecisionError
        is_new = change.offering_id is None
        offering = change.offering or Offering(organization_id=change.organization_id)
        _apply(offering, change.data)
        change.offering = offering
        change.status = OfferingChange.Status.APPROVED
        change.decided_by = acting_user
        change.decided_at = timezone.now()
        change.message = message.strip()
        change.save()
        events.record("approve", change, user=acting_user, organization_id=change.organization_id)
        events.record(
            "create" if is_new else "change",
            offering,
            user=acting_user,
            organization_id=change.organization_id,
            purpose=f"offering change {change.pk}",
        )
        search.reindex([offering.pk])
        if change.submitted_by_id != acting_user.pk:
            transaction.on_commit(lambda: tasks.send_change_decision.enqueue(change.pk))
    return change


def reject_change(change: OfferingChange, *, acting_user: User, message: str) -> OfferingChange:
    """Send a submitted listing back with a message; the live listing stays as it was."""
    if not message.strip():
        raise ValueError("a rejection needs a message to the provider")
    with transaction.atomic():
        change = OfferingChange.objects.select_for_update().get(pk=change.pk)
        if change.status != OfferingChange.Status.PENDING:
            raise DecisionError
        change.status = OfferingChange.Status.REJECTED
        change.decided_by = acting_user
        change.decided_at = timezone.now()
        change.message = message.strip()
        change.save()
        events.record("reject", change, user=acting_user, organization_id=change.organization_id)
        transaction.on_commit(lambda: tasks.send_change_decision.enqueue(change.pk))
    return change


def confirm_offering(offering: Offering, *, acting_user: User) -> Offering:
    """The provider says the listing is still correct: it is fresh again from today."""
    with transaction.atomic():
        offering.last_reviewed_at = timezone.localdate()
        offering.save(update_fields=["last_reviewed_at", "updated_at"])
        events.record(
            "change",
            offering,
            user=acting_user,
            organization_id=offering.organization_id,
            purpose="confirmed still correct",
        )
    return offering


def update_organization(
    organization: Organization, fields: dict[str, Any], *, acting_user: User
) -> Organization:
    """An editor's change to their organisation's details; applies at once, audited."""
    with transaction.atomic():
        # Compared with the stored row: a ModelForm has already written to `organization`.
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        changed = sorted(
            name
            for name in ORGANIZATION_FIELDS
            if name in fields and getattr(organization, name) != fields[name]
        )
        if not changed:
            return organization
        for name in changed:
            setattr(organization, name, fields[name])
        organization.save(update_fields=changed)
        events.record(
            "change",
            organization,
            user=acting_user,
            organization_id=organization.pk,
            purpose="edited: " + ", ".join(changed),
        )
        if "name" in changed:
            # The organisation's name is part of each listing's search text.
            search.reindex(organization.offerings.values_list("pk", flat=True))
    return organization


def create_account(
    *, email: str, password: str, first_name: str, last_name: str, language: str
) -> User:
    """A new user who registers their organisation; signs in by e-mail address."""
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            language=language,
        )
        events.record("create", user, user=user, purpose="self-registration")
    return user


def register_organization(fields: dict[str, Any], *, acting_user: User) -> Organization:
    """A self-registered organisation, hidden until staff of its municipality approve it."""
    with transaction.atomic():
        organization = Organization.objects.create(is_approved=False, **fields)
        Membership.objects.create(
            user=acting_user, organization=organization, role=Membership.Role.PROVIDER
        )
        events.record(
            "create",
            organization,
            user=acting_user,
            organization_id=organization.pk,
            purpose="self-registration",
        )
    return organization


def _editor_ids(organization: Organization) -> list[int]:
    return list(
        Membership.objects.filter(organization=organization, role__in=access.EDITOR_ROLES)
        .values_list("user_id", flat=True)
        .distinct()
    )


def approve_registration(organization: Organization, *, acting_user: User) -> Organization:
    """Make a self-registered organisation and its approved listings public."""
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if organization.is_approved:
            raise DecisionError
        organization.is_approved = True
        organization.save(update_fields=["is_approved"])
        events.record("approve", organization, user=acting_user, organization_id=organization.pk)
        user_ids, name = _editor_ids(organization), organization.name
        transaction.on_commit(
            lambda: tasks.send_registration_decision.enqueue(user_ids, name, True, "")
        )
    return organization


def reject_registration(organization: Organization, *, acting_user: User, message: str) -> None:
    """Refuse a self-registration (spam, a duplicate): the organisation and its drafts go.

    The person's account stays; they are told why by e-mail.
    """
    if not message.strip():
        raise ValueError("a rejection needs a message")
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if organization.is_approved:
            raise DecisionError
        events.record(
            "reject",
            organization,
            user=acting_user,
            organization_id=organization.pk,
            purpose="registration refused; organisation deleted",
        )
        user_ids, name = _editor_ids(organization), organization.name
        offering_ids = list(organization.offerings.values_list("pk", flat=True))
        organization.delete()
        search.reindex(offering_ids)
        text = message.strip()
        transaction.on_commit(
            lambda: tasks.send_registration_decision.enqueue(user_ids, name, False, text)
        )


def has_pending_claim(organization: Organization, user: User) -> bool:
    return ClaimRequest.objects.filter(
        organization=organization, user=user, status=ClaimRequest.Status.PENDING
    ).exists()


def create_claim(organization: Organization, message: str, *, acting_user: User) -> ClaimRequest:
    """Ask to manage an existing organisation's listings; staff of its municipality decide."""
    with transaction.atomic():
        if has_pending_claim(organization, acting_user):
            raise DecisionError
        claim = ClaimRequest.objects.create(
            organization=organization, user=acting_user, message=message.strip()
        )
        events.record("create", claim, user=acting_user, organization_id=organization.pk)
    return claim


def approve_claim(claim: ClaimRequest, *, acting_user: User, message: str = "") -> ClaimRequest:
    """The claimant becomes the organisation's contact (role provider)."""
    with transaction.atomic():
        claim = ClaimRequest.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimRequest.Status.PENDING:
            raise DecisionError
        Membership.objects.get_or_create(
            user_id=claim.user_id,
            organization_id=claim.organization_id,
            role=Membership.Role.PROVIDER,
        )
        claim.status = ClaimRequest.Status.APPROVED
        claim.decided_by = acting_user
        claim.decided_at = timezone.now()
        claim.decision_message = message.strip()
        claim.save()
        events.record("approve", claim, user=acting_user, organization_id=claim.organization_id)
        transaction.on_commit(lambda: tasks.send_claim_decision.enqueue(claim.pk))
    return claim


def reject_claim(claim: ClaimRequest, *, acting_user: User, message: str) -> ClaimRequest:
    if not message.strip():
        raise ValueError("a rejection needs a message")
    with transaction.atomic():
        claim = ClaimRequest.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimRequest.Status.PENDING:
            raise DecisionError
        claim.status = ClaimRequest.Status.REJECTED
        claim.decided_by = acting_user
        claim.decided_at = timezone.now()
        claim.decision_message = message.strip()
        claim.save()
        events.record("reject", claim, user=acting_user, organization_id=claim.organization_id)
        transaction.on_commit(lambda: tasks.send_claim_decision.enqueue(claim.pk))
    return claim
