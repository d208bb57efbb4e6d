"""Use cases on people: creating a person and recording or withdrawing consent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lotsa.accounts import access
from lotsa.accounts.models import Organization, Team, User
from lotsa.audit import events
from lotsa.audit.models import AuditEvent

from .models import BreakGlass, Consent, Person

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "identity_number",
    "identity_kind",
    "phone",
    "email",
    "address",
    "postcode",
    "city",
    "municipality",
    "language",
    "needs_interpreter",
    "contact_preference",
    "sex",
    "household",
)


def create_person(fields: dict[str, Any], *, acting_user: User | None) -> Person:
    with transaction.atomic():
        person = Person.objects.create(
            created_by=acting_user, **{k: v for k, v in fields.items() if k in PERSON_FIELDS}
        )
        events.record(AuditEvent.Action.CREATE, person, user=acting_user, purpose="referral")
    return person


def update_person(person: Person, fields: dict[str, Any], *, acting_user: User) -> Person:
    with transaction.atomic():
        for name, value in fields.items():
            if name in PERSON_FIELDS:
                setattr(person, name, value)
        person.save()
        events.record(AuditEvent.Action.CHANGE, person, user=acting_user, purpose="case work")
    return person


def record_consent(
    person: Person,
    scope: str,
    *,
    method: str,
    acting_user: User | None,
    team: Team | None = None,
    organization: Organization | None = None,
    fields: list[str] | None = None,
) -> Consent:
    """Record a consent as given now; the person's words are the source, Lotsa the record."""
    with transaction.atomic():
        consent = Consent.objects.create(
            person=person,
            scope=scope,
            team=team,
            organization=organization,
            fields=list(fields or []),
            method=method,
            recorded_by=acting_user,
        )
        events.record(
            AuditEvent.Action.CREATE,
            consent,
            user=acting_user,
            organization_id=organization.pk if organization else None,
            purpose="consent",
        )
    return consent


def withdraw_consent(consent: Consent, *, acting_user: User) -> Consent:
    """Withdraw at once: the next request of whoever relied on it is refused."""
    with transaction.atomic():
        updated = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=acting_user
        )
        if updated:
            consent.refresh_from_db()
            events.record(AuditEvent.Action.CHANGE, consent, user=acting_user, purpose="consent")
    return consent


def open_break_glass(
    person: Person, *, acting_user: User, reason: str, minutes: int | None = None
) -> BreakGlass:
    """Open an administrator's emergency access to `person`'s record, for a limited time.

    The reason is kept with the grant and the opening is in the access log; every read under
    it is logged again by the fetcher, with the purpose "break-glass".
    """
    minutes = minutes or settings.LOTSA_BREAK_GLASS_MINUTES
    with transaction.atomic():
        now = timezone.now()
        grant = BreakGlass.objects.create(
            user=acting_user,
            person=person,
            reason=reason,
            started_at=now,
            ends_at=now + dt.timedelta(minutes=minutes),
        )
        events.record(
            AuditEvent.Action.CREATE,
            grant,
            user=acting_user,
            organization_id=access.administrator_unit(acting_user),
            purpose=break_glass_purpose(reason),
        )
    return grant


def break_glass_purpose(reason: str) -> str:
    """The purpose logged for break-glass access: it says so first, then why."""
    return f"break-glass: {' '.join(reason.split())}"[:200]
