"""Municipal moderation: new and changed listings, claims, self-registered organisations,
problem reports and stale listings, each limited to the municipalities a user moderates.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lotsa.accounts.access import EDITOR_ROLES
from lotsa.accounts.models import Organization

from .. import actions
from ..access import (
    AuthenticatedRequest,
    get_change_for_moderator,
    get_claim_for_moderator,
    get_problem_for_moderator,
    get_registration_for_moderator,
    in_moderated_municipalities,
    require_moderator,
)
from ..forms import DecisionForm, ResolveProblemForm, describe_differences
from ..models import ClaimRequest, Offering, OfferingChange, ProblemReport
from ..problem_reports import resolve_problem

# The queue shows the oldest first; more than this many waiting is shown as a count.
QUEUE_LIMIT = 50
PAGE_SIZE = 50


def _differences(change: OfferingChange) -> list[Any]:
    live = actions.offering_data(change.offering) if change.offering else None
    return describe_differences(live, change.data)


@login_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    keys = require_moderator(request)
    changes = in_moderated_municipalities(
        OfferingChange.objects.filter(status=OfferingChange.Status.PENDING), keys
    ).select_related("organization", "offering", "submitted_by")
    # Each change is shown against its live offering: fetch those rows once for all changes.
    changes = changes.prefetch_related(
        *(f"offering__{field}" for field in (*actions.TERM_FIELDS, "places", "schedules"))
    )
    claims = in_moderated_municipalities(
        ClaimRequest.objects.filter(status=ClaimRequest.Status.PENDING), keys
    ).select_related("organization", "user")
    registrations = in_moderated_municipalities(
        Organization.objects.filter(is_approved=False), keys, "municipality"
    ).order_by("created_at")
    open_problems = in_moderated_municipalities(
        ProblemReport.objects.filter(status=ProblemReport.Status.OPEN),
        keys,
        "offering__organization__municipality",
    )
    stale = in_moderated_municipalities(Offering.objects.public().stale(), keys)
    return render(
        request,
        "directory/moderation/queue.html",
        {
            "changes": [
                {"change": change, "differences": _differences(change)}
                for change in changes[:QUEUE_LIMIT]
            ],
            "change_count": changes.count(),
            "claims": claims,
            "registrations": registrations,
            "problem_count": open_problems.count(),
            "stale_count": stale.count(),
        },
    )


@login_required
def change_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    change = get_change_for_moderator(request, pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if change.status != OfferingChange.Status.PENDING:
            messages.error(request, _("This listing was already decided."))
            return redirect("directory:moderation")
        if form.is_valid():
            try:
                if form.is_approval:
                    actions.approve_change(
                        change, acting_user=request.user, message=form.cleaned_data["message"]
                    )
                    messages.success(request, _("The listing is approved and published."))
                else:
                    actions.reject_change(
                        change, acting_user=request.user, message=form.cleaned_data["message"]
                    )
                    messages.success(request, _("The listing is sent back with your message."))
            except actions.DecisionError:
                messages.error(request, _("This listing was already decided."))
            return redirect("directory:moderation")
    return render(
        request,
        "directory/moderation/change.html",
        {"change": change, "differences": _differences(change), "form": form},
    )


@login_required
def claim_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    claim = get_claim_for_moderator(request, pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if claim.status != ClaimRequest.Status.PENDING:
            messages.error(request, _("This request was already decided."))
            return redirect("directory:moderation")
        if form.is_valid():
            try:
                if form.is_approval:
                    actions.approve_claim(
                        claim, acting_user=request.user, message=form.cleaned_data["message"]
                    )
                    messages.success(
                        request,
                        _("%(user)s now manages the listings of %(organization)s.")
                        % {"user": claim.user, "organization": claim.organization},
                    )
                else:
                    actions.reject_claim(
                        claim, acting_user=request.user, message=form.cleaned_data["message"]
                    )
                    messages.success(request, _("The request is refused with your message."))
            except actions.DecisionError:
                messages.error(request, _("This request was already decided."))
            return redirect("directory:moderation")
    current_editors = claim.organization.memberships.filter(role__in=EDITOR_ROLES).select_related(
        "user"
    )
    return render(
        request,
        "directory/moderation/claim.html",
        {"claim": claim, "form": form, "current_editors": current_editors},
    )


@login_required
def organization_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    organization = get_registration_for_moderator(request, pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            if form.is_approval:
                actions.approve_registration(organization, acting_user=request.user)
                messages.success(
                    request,
                    _("%(organization)s is approved; its approved listings are now public.")
                    % {"organization": organization.name},
                )
            else:
                actions.reject_registration(
                    organization, acting_user=request.user, message=form.cleaned_data["message"]
                )
                messages.success(
                    request,
                    _("The registration of %(organization)s is refused and removed.")
                    % {"organization": organization.name},
                )
        except actions.DecisionError:
            messages.error(request, _("This registration was already decided."))
        return redirect("directory:moderation")
    memberships = organization.memberships.select_related("user")
    pending_changes = organization.offering_changes.filter(
        status=OfferingChange.Status.PENDING
    ).order_by("submitted_at")
    return render(
        request,
        "directory/moderation/organization.html",
        {
            "organization": organization,
            "form": form,
            "memberships": memberships,
            "pending_changes": pending_changes,
        },
    )


@login_required
def problems(request: AuthenticatedRequest) -> HttpResponse:
    keys = require_moderator(request)
    reports = in_moderated_municipalities(
        ProblemReport.objects.filter(status=ProblemReport.Status.OPEN),
        keys,
        "offering__organization__municipality",
    ).select_related("offering__organization")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/moderation/problems.html", {"page": page})


@login_required
def problem_resolve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_problem_for_moderator(request, pk)
    form = ResolveProblemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if report.status != ProblemReport.Status.OPEN:
            messages.error(request, _("This report was already resolved."))
            return redirect("directory:problems")
        if form.is_valid():
            resolve_problem(
                report, acting_user=request.user, resolution=form.cleaned_data["resolution"]
            )
            messages.success(request, _("The report is marked as resolved."))
            return redirect("directory:problems")
    return render(request, "directory/moderation/problem.html", {"report": report, "form": form})


@login_required
def stale(request: AuthenticatedRequest) -> HttpResponse:
    keys = require_moderator(request)
    offerings = (
        in_moderated_municipalities(Offering.objects.public().stale(), keys)
        .select_related("organization")
        .order_by("last_reviewed_at", "name")
    )
    page = Paginator(offerings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/moderation/stale.html", {"page": page})
