"""Who may read the reports, and for which municipalities (the planner's scope).

The policy (`reports.view_gaps`) lets in the municipality's planners: coordinators and
managers. Each sees the municipalities of the organisations where they hold one of those
roles; an administrator is no planner. Reports hold aggregates only, so no audit event is
written: no person's data is read.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from lotsa.accounts import access
from lotsa.accounts.policy import allows

VIEW_GAPS = "reports.view_gaps"
PLANNER_ROLES = (access.Role.COORDINATOR, access.Role.MANAGER)


def planned_municipalities(user: Any) -> tuple[str, ...]:
    """The municipality keys `user` plans for, sorted (empty for anyone else)."""
    keys = access.organizations_for(user, *PLANNER_ROLES).values_list("municipality", flat=True)
    return tuple(sorted({key for key in keys if key}))


def require_planner(request: HttpRequest) -> tuple[str, ...]:
    """The requesting planner's municipalities; 404 for anyone the policy does not let in."""
    if not allows(request.user, VIEW_GAPS):
        raise Http404
    keys = planned_municipalities(request.user)
    if not keys:
        raise Http404
    return keys
