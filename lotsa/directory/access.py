"""The directory's access helpers: whose listings a user edits, and which ones they moderate.

Built on `lotsa.accounts.access`. Each helper returns the object or raises 404 (never 403,
so that nobody learns what exists), and each has a test where an outsider is refused.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from lotsa.accounts import access
from lotsa.accounts.models import Organization, User
from lotsa.accounts.policy import allows

from .models import ClaimRequest, Offering, OfferingChange, ProblemReport

M = TypeVar("M", bound=Model)


class AuthenticatedRequest(HttpRequest):
    """The request type of views behind `login_required`: `user` is a real user."""

    user: User  # type: ignore[assignment]


def editable_organizations(user: Any) -> QuerySet[Organization]:
    """Organisations whose listings `user` edits: as provider, coordinator or administrator."""
    return access.organizations_for(user, *access.EDITOR_ROLES)


def get_offering_for_editor(request: HttpRequest, offering_uuid: uuid.UUID) -> Offering:
    """An offering of an organisation the user edits, or 404."""
    offerings = Offering.objects.select_related("organization").filter(
        organization__in=editable_organizations(request.user)
    )
    offering = get_object_or_404(offerings, uuid=offering_uuid)
    if not allows(request.user, "directory.edit_listing", offering):
        raise Http404
    return offering


def get_organization_for_editor(request: HttpRequest, pk: int) -> Organization:
    """An organisation the signed-in user may edit, or 404 (never 403: no hint it exists)."""
    organization = get_object_or_404(editable_organizations(request.user), pk=pk)
    if not allows(request.user, "directory.edit_listing", organization):
        raise Http404
    return organization


def require_moderator(request: HttpRequest) -> set[str] | None:
    """The municipalities the user moderates (None = all); 404 for everyone else."""
    if not allows(request.user, "directory.moderate", None):
        raise Http404
    return access.moderated_municipalities(request.user)


def in_moderated_municipalities(
    queryset: QuerySet[M], keys: set[str] | None, field: str = "organization__municipality"
) -> QuerySet[M]:
    """Narrow `queryset` to the municipalities a moderator covers (None = every one)."""
    if keys is None:
        return queryset
    return queryset.filter(**{f"{field}__in": keys})


def _get_for_moderator(request: HttpRequest, queryset: QuerySet[M], field: str, pk: int) -> M:
    keys = require_moderator(request)
    found = get_object_or_404(in_moderated_municipalities(queryset, keys, field), pk=pk)
    municipality = found
    for step in field.split("__"):
        municipality = getattr(municipality, step)
    if not allows(request.user, "directory.moderate", municipality):
        raise Http404
    return found


def get_change_for_moderator(request: HttpRequest, pk: int) -> OfferingChange:
    """A submitted listing of a municipality the user moderates, or 404."""
    changes = OfferingChange.objects.select_related("organization", "offering", "submitted_by")
    return _get_for_moderator(request, changes, "organization__municipality", pk)


def get_claim_for_moderator(request: HttpRequest, pk: int) -> ClaimRequest:
    """A claim on an organisation of a municipality the user moderates, or 404."""
    claims = ClaimRequest.objects.select_related("organization", "user")
    return _get_for_moderator(request, claims, "organization__municipality", pk)


def get_registration_for_moderator(request: HttpRequest, pk: int) -> Organization:
    """A self-registered organisation not yet approved, in the user's municipalities, or 404."""
    pending = Organization.objects.filter(is_approved=False)
    return _get_for_moderator(request, pending, "municipality", pk)


def get_problem_for_moderator(request: HttpRequest, pk: int) -> ProblemReport:
    """A problem report about a listing in a municipality the user moderates, or 404."""
    reports = ProblemReport.objects.select_related("offering__organization")
    return _get_for_moderator(request, reports, "offering__organization__municipality", pk)
