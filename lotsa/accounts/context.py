"""Template context for the navigation: what the signed-in user may reach."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from . import access, policy


def navigation(request: HttpRequest) -> dict[str, object]:
    """The flags of the menu, on every page: one query for the user's roles, and one more
    only where a role needs a closer look (a team, a municipality, the planners' rule)."""
    user = getattr(request, "user", None)
    roles = access.roles_of(user) if user is not None else set()
    Role = access.Role
    return {
        "nav_is_editor": bool(roles & set(access.EDITOR_ROLES)),
        "nav_is_moderator": bool(roles & set(access.MODERATOR_ROLES)) and access.can_moderate(user),
        "nav_is_clinician": Role.CLINICIAN in roles,
        "nav_is_link_worker": Role.LINK_WORKER in roles and access.is_link_worker(user),
        "nav_is_answering": bool(roles & {Role.PROVIDER, Role.COORDINATOR}),
        "nav_is_connector": Role.CONNECTOR in roles,
        "nav_is_administrator": Role.ADMINISTRATOR in roles,
        "nav_is_researcher": Role.RESEARCHER in roles,
        "nav_is_planner": bool(roles & {Role.COORDINATOR, Role.MANAGER})
        and policy.allows(user, "reports.view_gaps"),
        "map_tile_url": settings.LOTSA_MAP_TILE_URL,
        "map_attribution": settings.LOTSA_MAP_ATTRIBUTION,
    }
