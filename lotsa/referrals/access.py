"""Access helpers for people, referrals and cases: who may see which, following DOMAIN.md.

Built on `lotsa.accounts.access`. A view never fetches a person's data any other way. Each
helper returns the object or raises 404 (never 403: nobody learns what exists), writes the
audit event of the read, and has a test where the outsider is refused.

- A clinician sees the referrals their unit made, their status, and how it went only when the
  person consented to feedback; never link-worker notes.
- A link worker sees their team's referrals and cases.
- A provider sees the people referred to their own offerings, only the fields the person
  consented to share with that provider, and only while the consent stands.
- A volunteer connector sees the flags they raised and whether someone called.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from lotsa.accounts import access
from lotsa.accounts.policy import allows
from lotsa.audit import events
from lotsa.audit.models import AuditEvent
from lotsa.people.models import Consent, Person

from .models import ActivityReferral, Case, Referral

READ = AuditEvent.Action.READ
WITHDRAWN = (ActivityReferral.Status.CANCELLED, ActivityReferral.Status.ENTERED_IN_ERROR)
LINK_SALT = "lotsa.referrals.answer-link"


def _denied(request: HttpRequest, model: type[Model], key: object, purpose: str) -> Http404:
    """Log a refused attempt (the key asked for, never what it would have shown)."""
    events.record_denied(model, str(key), user=request.user, purpose=purpose, request=request)
    return Http404()


def _get(
    request: HttpRequest,
    queryset: QuerySet[Any],
    key: UUID | str,
    purpose: str,
    unit: Callable[[Any], int | None],
    permission: str,
) -> Any:
    """One object by its UUID that the policy lets the user `permission`, with the read event
    naming the unit it was read as.

    The queryset already holds only what the user may see; the policy is asked again on the
    row found, so that a too-wide query cannot hand anything out on its own."""
    try:
        obj = queryset.get(uuid=key)
    except (queryset.model.DoesNotExist, ValidationError, ValueError):
        raise _denied(request, queryset.model, key, purpose) from None
    if not allows(request.user, permission, obj):
        raise _denied(request, queryset.model, key, purpose)
    events.record(
        READ, obj, user=request.user, organization_id=unit(obj), purpose=purpose, request=request
    )
    return obj


# --- what a user may list ---------------------------------------------------------------


def team_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals to the teams `user` works in."""
    return Referral.objects.filter(team__in=access.teams_for(user))


def unit_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals made by the units where `user` is a clinician."""
    return Referral.objects.filter(
        source=Referral.Source.CLINICIAN,
        referring_organization__in=access.referring_organizations(user),
    )


def own_flags(user: Any) -> QuerySet[Referral]:
    """The flags a volunteer connector raised themself, while they are still a connector."""
    if not access.is_connector(user):
        return Referral.objects.none()
    return Referral.objects.filter(source=Referral.Source.CONNECTOR, referred_by=user)


def team_cases(user: Any) -> QuerySet[Case]:
    return Case.objects.filter(team__in=access.teams_for(user))


def provider_referrals(user: Any) -> QuerySet[ActivityReferral]:
    """Activity referrals to the user's organisations' offerings whose consent stands."""
    return ActivityReferral.objects.filter(
        offering__organization__in=access.answering_organizations(user),
        consent__withdrawn_at__isnull=True,
    ).exclude(status__in=(ActivityReferral.Status.DRAFT, ActivityReferral.Status.ENTERED_IN_ERROR))


def visible_people(user: Any) -> QuerySet[Person]:
    """People whose records `user` may open: through their team's or unit's referrals."""
    return Person.objects.filter(
        # Referral's default ordering is cleared: no ORDER BY in a compound subquery.
        pk__in=team_referrals(user)
        .order_by()
        .values("person_id")
        .union(unit_referrals(user).order_by().values("person_id"))
    )


# --- fetching one, with its audit event --------------------------------------------------


def get_referral_for_team(request: HttpRequest, key: UUID | str) -> Referral:
    """A referral to one of the user's teams (to triage it), or 404."""
    referrals = team_referrals(request.user).select_related("person", "team", "referred_by")
    referral: Referral = _get(
        request,
        referrals,
        key,
        "triage",
        lambda r: r.team.organization_id,
        "referrals.triage_referral",
    )
    return referral


def get_referral_for_referrer(request: HttpRequest, key: UUID | str) -> Referral:
    """A referral the user's unit made, or a flag the connector raised; else 404."""
    referrals = (unit_referrals(request.user) | own_flags(request.user)).select_related(
        "person", "team", "referring_organization"
    )
    referral: Referral = _get(
        request,
        referrals,
        key,
        "follow referral",
        lambda r: r.referring_organization_id,
        "referrals.follow_referral",
    )
    return referral


def get_case_for_user(request: HttpRequest, key: UUID | str) -> Case:
    """An open or closed case of one of the user's teams, or 404."""
    cases = team_cases(request.user).select_related("person", "team", "referral", "assigned_to")
    case: Case = _get(
        request, cases, key, "case work", lambda c: c.team.organization_id, "referrals.work_on_case"
    )
    return case


def get_activity_referral_for_link_worker(
    request: HttpRequest, key: UUID | str
) -> ActivityReferral:
    referrals = ActivityReferral.objects.filter(
        case__team__in=access.teams_for(request.user)
    ).select_related("case__person", "case__team", "offering__organization", "consent")
    found: ActivityReferral = _get(
        request,
        referrals,
        key,
        "case work",
        lambda r: r.case.team.organization_id,
        "referrals.work_on_activity_referral",
    )
    return found


def get_activity_referral_for_provider(request: HttpRequest, key: UUID | str) -> ActivityReferral:
    """A referral to the user's organisation's offering, while the person's consent stands."""
    referrals = provider_referrals(request.user).select_related(
        "case__person", "offering__organization", "consent", "case__assigned_to", "case__team"
    )
    found: ActivityReferral = _get(
        request,
        referrals,
        key,
        "answer referral",
        lambda r: r.offering.organization_id,
        "referrals.answer_activity_referral",
    )
    return found


# --- the answer link: signed, expiring, used once -------------------------------------------


def issue_answer_token(activity_referral: ActivityReferral) -> str:
    """A fresh token for the e-mailed answer link; any earlier link stops working."""
    activity_referral.link_nonce = secrets.token_hex(16)
    ActivityReferral.objects.filter(pk=activity_referral.pk).update(
        link_nonce=activity_referral.link_nonce
    )
    return signing.dumps(
        {"r": str(activity_referral.uuid), "n": activity_referral.link_nonce},
        salt=LINK_SALT,
        compress=True,
    )


class AnswerLinkError(Exception):
    """Why a link cannot be used: `expired`, `used` or `invalid`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def get_activity_referral_by_token(request: HttpRequest, token: str) -> ActivityReferral:
    """The referral an e-mailed link answers, for a provider without an account.

    Raises AnswerLinkError: `invalid` (tampered), `expired` (older than the setting) or `used`
    (answered already, withdrawn consent, or replaced by a newer link).
    """
    max_age = dt.timedelta(days=settings.LOTSA_ANSWER_LINK_DAYS)
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise AnswerLinkError("expired") from None
    except signing.BadSignature:
        raise AnswerLinkError("invalid") from None
    found = (
        ActivityReferral.objects.filter(uuid=data.get("r"), consent__withdrawn_at__isnull=True)
        .select_related("case__person", "offering__organization", "consent", "case__assigned_to")
        .first()
    )
    if found is None or not found.link_nonce or found.link_nonce != data.get("n"):
        raise AnswerLinkError("used")
    if not allows(None, "referrals.answer_activity_referral_by_link", found):
        raise AnswerLinkError("used")
    events.record(
        READ,
        found,
        user=None,
        organization_id=found.offering.organization_id,
        purpose="answer referral by link",
        request=request,
    )
    return found


# --- what a provider is told -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SharedDetails:
    """Exactly the details a person agreed to share with one provider; nothing else."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    language: str | None = None
    needs_interpreter: bool | None = None
    age: int | None = None
    needs: list[str] | None = None
    what_matters: str | None = None
    # The referral was withdrawn: the provider no longer needs, nor sees, anything.
    withdrawn: bool = False

    @property
    def fields(self) -> list[str]:
        return [
            f.name
            for f in dataclasses.fields(self)
            if f.name != "withdrawn" and getattr(self, f.name) is not None
        ]


def shared_details(activity_referral: ActivityReferral) -> SharedDetails:
    """What the provider of `activity_referral` may see of the person, by the consent."""
    consent = activity_referral.consent
    if activity_referral.status in WITHDRAWN:
        return SharedDetails(withdrawn=True)
    if not consent.is_active:
        return SharedDetails()
    person = activity_referral.case.person
    case = activity_referral.case
    field = Consent.Field
    values: dict[str, Any] = {}
    if consent.shares(field.NAME):
        values["name"] = person.full_name
    if consent.shares(field.PHONE):
        values["phone"] = person.phone
    if consent.shares(field.EMAIL):
        values["email"] = person.email
    if consent.shares(field.LANGUAGE):
        values["language"] = person.get_language_display()
        values["needs_interpreter"] = person.needs_interpreter
    if consent.shares(field.AGE):
        values["age"] = person.age()
    if consent.shares(field.NEEDS):
        values["needs"] = [term.name for term in case.accessibility_needs.all()]
    if consent.shares(field.WHAT_MATTERS):
        values["what_matters"] = case.what_matters
    return SharedDetails(**values)
