"""The reports' own navigation: which reports the signed-in user may open."""

from __future__ import annotations

from typing import Any

from django import template

from lotsa.accounts.policy import allows

from ..scope import VIEW_OUTCOMES

register = template.Library()


@register.simple_tag(takes_context=True)
def may_view_outcomes(context: Any) -> bool:
    """Whether the user may open the managers' reports (flow, outcomes, cost)."""
    request = context.get("request")
    return request is not None and allows(request.user, VIEW_OUTCOMES)
