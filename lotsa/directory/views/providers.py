"""Providers' self-service: registering and claiming organisations, their listings and details."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lotsa.accounts.models import Organization

from .. import actions
from ..access import (
    AuthenticatedRequest,
    editable_organizations,
    get_offering_for_editor,
    get_organization_for_editor,
)
from ..forms import ClaimForm, OfferingForm, OrganizationForm, RegistrationForm
from ..models import ClaimRequest, Offering, OfferingChange

# How long a moderator's rejection stays on the provider's page.
REJECTIONS_SHOWN_FOR = dt.timedelta(days=90)


def _post_data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@login_required
def my_listings(request: AuthenticatedRequest) -> HttpResponse:
    organizations = list(editable_organizations(request.user).order_by("name"))
    offerings = Offering.objects.filter(organization__in=organizations).order_by("name")
    changes = OfferingChange.objects.filter(organization__in=organizations).select_related(
        "offering"
    )
    pending = list(changes.filter(status=OfferingChange.Status.PENDING).order_by("submitted_at"))
    rejected = list(
        changes.filter(
            status=OfferingChange.Status.REJECTED,
            decided_by__isnull=False,  # rejections without a moderator were replaced drafts
            decided_at__gte=timezone.now() - REJECTIONS_SHOWN_FOR,
        ).order_by("-decided_at")
    )
    pending_offering_ids = {change.offering_id for change in pending if change.offering_id}
    today = timezone.localdate()
    sections = [
        {
            "organization": organization,
            "offerings": [
                {
                    "offering": offering,
                    "is_stale": offering.is_stale(today),
                    "has_pending_change": offering.pk in pending_offering_ids,
                }
                for offering in offerings
                if offering.organization_id == organization.pk
            ],
            "new_pending": [
                change
                for change in pending
                if change.organization_id == organization.pk and change.is_new
            ],
            "rejected": [c for c in rejected if c.organization_id == organization.pk],
        }
        for organization in organizations
    ]
    claims = (
        ClaimRequest.objects.filter(user=request.user)
        .exclude(status=ClaimRequest.Status.APPROVED)
        .select_related("organization")
    )
    return render(
        request,
        "directory/provider/my_listings.html",
        {"sections": sections, "claims": claims},
    )


@login_required
def organization_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_editor(request, pk)
    name = organization.name
    form = OrganizationForm(_post_data(request), instance=organization)
    if form.is_valid():
        actions.update_organization(organization, form.cleaned_data, acting_user=request.user)
        messages.success(request, _("The organisation's details are saved."))
        return redirect("directory:my-listings")
    return render(
        request,
        "directory/provider/organization_form.html",
        {"form": form, "organization": organization, "name": name},
    )


def _say_outcome(request: HttpRequest, outcome: actions.Outcome, *, is_new: bool) -> None:
    if outcome is actions.Outcome.PENDING:
        if is_new:
            text = _(
                "Thank you. Municipal staff will review the listing; it is shown once they "
                "approve it."
            )
        else:
            text = _(
                "Thank you. Municipal staff will review your changes; the listing changes once "
                "they approve them."
            )
        messages.success(request, text)
    elif outcome is actions.Outcome.PUBLISHED:
        messages.success(request, _("The listing is published."))
    elif outcome is actions.Outcome.UPDATED:
        messages.success(request, _("Places and status are updated."))
    else:
        messages.info(request, _("Nothing was changed compared with the published listing."))


@login_required
def offering_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_editor(request, pk)
    initial = {
        "municipality": organization.municipality,
        "text_language": "da" if organization.country == Organization.Country.DENMARK else "sv",
        "status": Offering.Status.ACTIVE,
        "how_to_join": Offering.HowToJoin.DROP_IN,
    }
    form = OfferingForm(_post_data(request), initial=initial)
    if form.is_valid():
        outcome, _change = actions.submit_offering(
            organization, None, form.to_data(), acting_user=request.user
        )
        _say_outcome(request, outcome, is_new=True)
        return redirect("directory:my-listings")
    return render(
        request,
        "directory/provider/offering_form.html",
        {"form": form, "organization": organization, "offering": None, "pending": None},
    )


@login_required
def offering_edit(request: AuthenticatedRequest, uuid: UUID) -> HttpResponse:
    offering = get_offering_for_editor(request, uuid)
    pending = (
        offering.changes.filter(status=OfferingChange.Status.PENDING)
        .order_by("-submitted_at")
        .first()
    )
    # A provider who edits again while changes wait for review continues from those changes.
    data = pending.data if pending else actions.offering_data(offering)
    form = OfferingForm(_post_data(request), initial=OfferingForm.initial_from(data))
    if form.is_valid():
        outcome, _change = actions.submit_offering(
            offering.organization, offering, form.to_data(), acting_user=request.user
        )
        _say_outcome(request, outcome, is_new=False)
        return redirect("directory:my-listings")
    return render(
        request,
        "directory/provider/offering_form.html",
        {
            "form": form,
            "organization": offering.organization,
            "offering": offering,
            "pending": pending,
            "extra_places": max(offering.places.count() - 1, 0),
        },
    )


@login_required
@require_POST
def offering_confirm(request: AuthenticatedRequest, uuid: UUID) -> HttpResponse:
    offering = get_offering_for_editor(request, uuid)
    actions.confirm_offering(offering, acting_user=request.user)
    messages.success(
        request, _("Thank you: “%(name)s” is marked as still correct.") % {"name": offering.name}
    )
    return redirect(reverse("directory:my-listings") + f"#offering-{offering.uuid}")


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(_post_data(request), user=request.user)
    if request.method == "POST" and form.is_spam:
        # Robots fill in the hidden field; they get a polite page and nothing is created.
        return redirect("directory:search")
    if form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            if form.needs_account:
                user = actions.create_account(
                    email=data["email"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    language=(get_language() or "sv")[:2],
                )
            else:
                user = request.user  # type: ignore[assignment]
            actions.register_organization(form.organization_fields(), acting_user=user)
        if form.needs_account:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _(
                "Your organisation is registered. Add your activities now: municipal staff "
                "review the organisation and its activities before they are shown publicly."
            ),
        )
        return redirect("directory:my-listings")
    return render(request, "directory/provider/register.html", {"form": form})


@login_required
def claim(request: AuthenticatedRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    query = source.get("query", "").strip()
    selected = source.get("organization", "")
    form = ClaimForm(
        _post_data(request),
        user=request.user,
        query=query,
        selected=selected,
        initial={"query": query, "organization": selected or None},
    )
    if form.is_valid():
        try:
            actions.create_claim(
                form.cleaned_data["organization"],
                form.cleaned_data["message"],
                acting_user=request.user,
            )
        except actions.DecisionError:
            messages.error(request, _("You have already asked to manage this organisation."))
        else:
            messages.success(
                request,
                _("Thank you. Municipal staff will review your request and answer by e-mail."),
            )
        return redirect("directory:my-listings")
    return render(
        request,
        "directory/provider/claim.html",
        {"form": form, "query": query, "has_searched": bool(query or selected)},
    )
