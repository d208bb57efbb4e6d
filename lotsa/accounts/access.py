"""Access helpers: which organisations a user acts for, and in which role.

Every view that edits an organisation's data or reads a person's data goes through here, so
that the rules live in one place and each has a test where the outsider is refused.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Membership, Organization, Team

Role = Membership.Role
EDITOR_ROLES = (Role.PROVIDER, Role.COORDINATOR, Role.ADMINISTRATOR)
MODERATOR_ROLES = (Role.COORDINATOR, Role.ADMINISTRATOR)


def organizations_for(user: Any, *roles: str) -> QuerySet[Organization]:
    """The organisations where `user` holds one of `roles` (any role when none given)."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    memberships = Membership.objects.filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Organization.objects.filter(pk__in=memberships.values("organization_id"))


def roles_of(user: Any) -> set[str]:
    """Every role `user` holds in any organisation (none when signed out), in one query."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def is_administrator(user: Any) -> bool:
    return organizations_for(user, Role.ADMINISTRATOR).exists()


def administrator_unit(user: Any) -> int | None:
    """The organisation an administrator acts for (the first, when several), for the log."""
    unit = organizations_for(user, Role.ADMINISTRATOR).order_by("pk").values("pk").first()
    return unit["pk"] if unit else None


def moderated_municipalities(user: Any) -> set[str] | None:
    """Municipality keys whose listings `user` moderates; None means every municipality.

    Coordinators of a municipality unit moderate the listings of their own municipality;
    administrators moderate everywhere.
    """
    if is_administrator(user):
        return None
    return set(
        organizations_for(user, Role.COORDINATOR)
        .filter(kind=Organization.Kind.MUNICIPALITY)
        .values_list("municipality", flat=True)
    )


def can_moderate(user: Any, municipality: str | None = None) -> bool:
    keys = moderated_municipalities(user)
    if keys is None:
        return True
    return bool(keys) if municipality is None else municipality in keys


def teams_for(user: Any) -> QuerySet[Team]:
    """The link worker teams `user` works in, as a link worker of the team's organisation.

    Both must hold: someone who leaves the organisation (their membership ends) loses the
    team's cases even if nobody takes them off the team.
    """
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    employers = organizations_for(user, Role.LINK_WORKER)
    return Team.objects.filter(members=user, organization__in=employers)


def is_link_worker(user: Any) -> bool:
    return teams_for(user).exists()


def referring_organizations(user: Any) -> QuerySet[Organization]:
    """The units whose referrals `user` sees as a clinician: their own health centres."""
    return organizations_for(user, Role.CLINICIAN)


def answering_organizations(user: Any) -> QuerySet[Organization]:
    """The providers whose referred people `user` may see: as contact or activity lead."""
    return organizations_for(user, Role.PROVIDER, Role.COORDINATOR)


def is_connector(user: Any) -> bool:
    return organizations_for(user, Role.CONNECTOR).exists()
