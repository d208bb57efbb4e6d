"""The link worker's ranked, explained suggestions for a case, filtered and re-ranked on the
spot (htmx, or a plain GET form without JavaScript).

The case is fetched through `get_case_for_user`, which writes the read event; the list of
offerings writes none (offerings are not people). A closed case gets the refusal the
referrals views give. The number of queries does not grow with the number of suggestions.
"""

from __future__ import annotations

import dataclasses
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lotsa.referrals import access

from .. import ranking
from ..forms import SuggestionFilterForm

LIMIT = 10


def _is_partial(request: HttpRequest) -> bool:
    # htmx restores history with a full-page request that also says HX-Request.
    htmx = getattr(request, "htmx", None)
    return bool(htmx and not htmx.history_restore_request)


@login_required
@require_safe
def suggestions(request: HttpRequest, key: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    if not case.is_open:
        messages.error(request, _("The case is closed and can no longer be changed."))
        return redirect("referrals:case", key=case.uuid)
    today = timezone.localdate()
    needs, origin = ranking.needs_and_origin(case, today)
    form = SuggestionFilterForm(request.GET, case)
    chosen = form.filters()
    needs = dataclasses.replace(
        needs, days=chosen["days"], times=chosen["times"], max_km=chosen["km"]
    )
    offerings = ranking.default_offerings()
    if chosen["free_places"]:
        offerings = offerings.filter(Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity")))
    if not chosen["online"]:
        offerings = offerings.filter(is_online=False)
    found = ranking.rank(needs, limit=LIMIT, today=today, offerings=offerings)
    live = set(case.activity_referrals.live().values_list("offering_id", flat=True))
    is_partial = _is_partial(request)
    context = {
        "case": case,
        "form": form,
        "suggestions": found,
        "live_offering_ids": live,
        "origin": origin,
        # Placed only by the municipality: measured from its centre, so ask for the address.
        "origin_is_municipality": origin is not None
        and origin.is_approximate
        and origin.label == case.person.municipality_name,
        "needs": needs,
        "is_empty": needs.is_empty,
        "radius_km": ranking.search_radius_km(needs),
        "default_radius_km": settings.LOTSA_MATCHING_RADIUS_KM,
        "is_partial": is_partial,
    }
    template = "matching/suggestions.html#results" if is_partial else "matching/suggestions.html"
    response = render(request, template, context)
    # The same URL answers with a fragment for htmx and a page otherwise: caches must know.
    patch_vary_headers(response, ["HX-Request"])
    return response
