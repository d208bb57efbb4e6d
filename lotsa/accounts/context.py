"""Template context for the navigation: what the signed-in user may reach."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from . import access, policy


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "nav_is_editor": signed_in
        and access.organizations_for(user, *access.EDITOR_ROLES).exists(),
        "nav_is_moderator": signed_in and access.can_moderate(user),
        "nav_is_clinician": signed_in and access.referring_organizations(user).exists(),
        "nav_is_link_worker": signed_in and access.is_link_worker(user),
        "nav_is_answering": signed_in and access.answering_organizations(user).exists(),
        "nav_is_connector": signed_in and access.is_connector(user),
        "nav_is_administrator": signed_in and access.is_administrator(user),
        "nav_is_planner": signed_in and policy.allows(user, "reports.view_gaps"),
        "map_tile_url": settings.LOTSA_MAP_TILE_URL,
        "map_attribution": settings.LOTSA_MAP_ATTRIBUTION,
    }
