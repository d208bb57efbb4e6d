"""The public directory: search, an offering's page and its print view, problem reports.

No login anywhere here: only what `Offering.objects.public()` holds is ever shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lotsa.accounts.ratelimits import rate_limit

from .. import filters, problem_reports
from ..models import Offering, Place


def _get_public_offering(offering_uuid: UUID) -> Offering:
    """A published, current offering of an approved organisation, with all it shows, or 404."""
    offerings = (
        Offering.objects.public()
        .select_related("organization")
        .prefetch_related(
            "categories", "audiences", "accessibility", "languages", "places", "schedules"
        )
    )
    return get_object_or_404(offerings, uuid=offering_uuid)


def _markers(items: Iterable[tuple[Offering, Place]]) -> list[dict[str, Any]]:
    """Map markers for `map.js`; the page's list holds the same information as text."""
    return [
        {
            "name": offering.name,
            "url": reverse("directory:offering", args=[offering.uuid]),
            "lat": place.latitude,
            "lon": place.longitude,
        }
        for offering, place in items
    ]


def _is_partial(request: HttpRequest) -> bool:
    # htmx restores history with a full-page request that also says HX-Request.
    htmx = getattr(request, "htmx", None)
    return bool(htmx and not htmx.history_restore_request)


@require_http_methods(["GET", "HEAD"])
@rate_limit("search")
def search(request: HttpRequest) -> HttpResponse:
    form = filters.SearchForm(request.GET)
    outcome = filters.run(form, request.GET.get("page"))
    markers = _markers(
        (result.offering, place)
        for result in outcome.results
        for place in result.offering.places.all()
    )
    is_partial = _is_partial(request)
    context = {
        "form": form,
        "outcome": outcome,
        "page_obj": outcome.page,
        "markers": markers,
        "is_partial": is_partial,
    }
    template = "directory/search.html#results" if is_partial else "directory/search.html"
    response = render(request, template, context)
    # The same URL answers with a fragment for htmx and a page otherwise: caches must know.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _offering_context(request: HttpRequest, offering: Offering) -> dict[str, Any]:
    places = list(offering.places.all())
    page_url = request.build_absolute_uri(reverse("directory:offering", args=[offering.uuid]))
    return {
        "offering": offering,
        "sessions": offering.next_sessions(count=5),
        "places": places,
        "markers": _markers((offering, place) for place in places),
        # Imported listings may bypass form validation: link only to web addresses.
        "website_is_linkable": offering.website.startswith(("https://", "http://")),
        "page_url": page_url,
        "is_stale": request.user.is_authenticated and offering.is_stale(),
        "today": timezone.localdate(),
    }


@require_http_methods(["GET", "HEAD"])
def offering_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    offering = _get_public_offering(uuid)
    return render(request, "directory/offering.html", _offering_context(request, offering))


@require_http_methods(["GET", "HEAD"])
def offering_print(request: HttpRequest, uuid: UUID) -> HttpResponse:
    offering = _get_public_offering(uuid)
    return render(request, "directory/offering_print.html", _offering_context(request, offering))


@require_http_methods(["GET", "HEAD", "POST"])
def report_problem(request: HttpRequest, uuid: UUID) -> HttpResponse:
    offering = _get_public_offering(uuid)
    form = problem_reports.ProblemReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        problem_reports.report_problem(
            offering,
            kind=form.cleaned_data["kind"],
            message=form.cleaned_data["message"],
            contact=form.cleaned_data["contact"],
        )
        messages.success(
            request, _("Thank you! We will check the listing and correct it if needed.")
        )
        return redirect("directory:offering", uuid=offering.uuid)
    return render(request, "directory/report_problem.html", {"offering": offering, "form": form})
