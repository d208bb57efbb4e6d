"""The outcomes panel on the link worker's case page:
`{% load outcomes %}{% outcomes_panel case %}`.

The referrals app may not import outcomes, so its case page includes the panel through this
tag. The case page fetched the case through `get_case_for_user`, which checked the team and
logged the read; the panel shows the same person's outcomes and logs nothing more.
"""

from __future__ import annotations

from typing import Any

from django import template

from lotsa.referrals.models import Case

from ..timeline import case_outcomes

register = template.Library()


@register.inclusion_tag("outcomes/_panel.html")
def outcomes_panel(case: Case) -> dict[str, Any]:
    """The schedule (made the first time the case is opened), the latest scores with their
    bands, and the links to fill in a follow-up or see everything."""
    return {"case": case, "outcomes": case_outcomes(case)}
