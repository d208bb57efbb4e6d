"""The provider's side of the closed loop: referrals to our activities, and the answer.

A provider answers in their inbox when signed in, or through the e-mailed link without an
account (the signed token is the credential, valid once and for a limited time). Either way
the page shows only what the person agreed to share with that provider.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache

from lotsa.accounts.access import answering_organizations
from lotsa.accounts.models import User
from lotsa.accounts.ratelimits import rate_limit
from lotsa.audit import events
from lotsa.directory.access import AuthenticatedRequest

from .. import actions
from ..access import (
    AnswerLinkError,
    get_activity_referral_by_token,
    get_activity_referral_for_provider,
    provider_referrals,
    shared_details,
)
from ..actions import ReferralError
from ..forms.answers import AnswerForm, ParticipationForm
from ..models import ActivityReferral

Status = ActivityReferral.Status
PARTICIPATING = (Status.ACCEPTED, Status.IN_PROGRESS)
ALREADY_ANSWERED = _lazy("This referral was already answered – nothing changed.")


def _post_data(request: HttpRequest, form_name: str) -> Any:
    if request.method == "POST" and request.POST.get("form") == form_name:
        return request.POST
    return None


def _no_referrer(response: HttpResponse) -> HttpResponse:
    """The answer link's token is in the URL: keep it out of other sites' Referer headers and
    out of indexes. `same-origin`, not `no-referrer`: with no referrer at all the browser
    sends `Origin: null` on the answer form and Django's CSRF check refuses it."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _full_message(referral: ActivityReferral) -> str:
    if referral.offering.has_waitlist:
        return _(
            "The last place was just taken. Put the person on the waiting list, or answer "
            "that there is no place."
        )
    return _("The last place was just taken. Answer that there is no place.")


def _answer(
    referral: ActivityReferral, form: AnswerForm, *, acting_user: User | None, via_link: bool
) -> ActivityReferral | None:
    """Run the answer; when it is refused, put why on the form and return None.

    `answered` (someone answered first) is raised on: the caller says so on its own page.
    """
    try:
        return actions.answer_activity_referral(
            referral,
            form.cleaned_data["answer"],
            acting_user=acting_user,
            text=form.cleaned_data["text"],
            via_link=via_link,
        )
    except ReferralError as error:
        if error.code == "answered":
            raise
        if error.code == "full":
            referral.offering.refresh_from_db()
            form.add_error(None, _full_message(referral))
        elif error.code == "reason_required":
            form.add_error("text", _("Say why, or what you need to know."))
        else:
            form.add_error("answer", _("Choose an answer."))
        return None


def _page_context(referral: ActivityReferral, **extra: Any) -> dict[str, Any]:
    case = referral.case
    return {
        "referral": referral,
        "offering": referral.offering,
        "details": shared_details(referral),
        "link_worker": case.assigned_to,
        "team": case.team,
        "is_answerable": referral.status in actions.ANSWERABLE,
        **extra,
    }


# --- signed in --------------------------------------------------------------------------------


@login_required
@never_cache
def provider_inbox(request: AuthenticatedRequest) -> HttpResponse:
    """Referrals to our activities: those awaiting an answer first, then the rest."""
    if not answering_organizations(request.user).exists():
        raise Http404
    referrals = list(
        provider_referrals(request.user)
        .select_related("offering", "consent", "case__person")
        .prefetch_related("case__accessibility_needs")
        .order_by("-created_at")
    )
    # The list shows people's details: one read event per row, written in one query.
    events.record_many(
        events.READ,
        referrals,
        user=request.user,
        purpose="provider inbox",
        request=request,
        organization_of=lambda referral: referral.offering.organization_id,
    )

    def rows(waiting: bool) -> list[dict[str, Any]]:
        return [
            {"referral": referral, "details": shared_details(referral)}
            for referral in referrals
            if (referral.status == Status.REQUESTED) == waiting
        ]

    return render(
        request,
        "referrals/answers/inbox.html",
        {"waiting": rows(waiting=True), "others": rows(waiting=False)},
    )


@login_required
@never_cache
def provider_referral(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    """One referral: what the person shares, the link worker's message, the answer form,
    and after a place is given, how participation goes."""
    referral = get_activity_referral_for_provider(request, key)
    answer_form = AnswerForm(_post_data(request, "answer"), offering=referral.offering)
    participation_form = ParticipationForm(_post_data(request, "participation"))
    try:
        if answer_form.is_bound and referral.status not in actions.ANSWERABLE:
            raise ReferralError("answered")
        if answer_form.is_valid() and _answer(
            referral, answer_form, acting_user=request.user, via_link=False
        ):
            messages.success(
                request, _("Thank you. Your answer is saved and the link worker is told.")
            )
            return redirect("referrals:provider-referral", key=referral.uuid)
    except ReferralError:
        messages.info(request, ALREADY_ANSWERED)
        return redirect("referrals:provider-referral", key=referral.uuid)
    if participation_form.is_valid():
        try:
            actions.record_participation(
                referral,
                participation_form.cleaned_data["participation"],
                acting_user=request.user,
                on=participation_form.cleaned_data["on"],
            )
        except ReferralError:
            messages.error(
                request, _("Participation can be recorded only after the person got a place.")
            )
        else:
            messages.success(request, _("Saved. The link worker is told."))
        return redirect("referrals:provider-referral", key=referral.uuid)
    return render(
        request,
        "referrals/answers/referral.html",
        _page_context(
            referral,
            form=answer_form,
            participation_form=participation_form,
            can_record_participation=referral.status in PARTICIPATING,
            via_link=False,
        ),
    )


# --- the e-mailed link -------------------------------------------------------------------------


LINK_STATUS = {"expired": 410, "used": 410, "invalid": 404}


@never_cache
@rate_limit("answer_link", methods=("GET", "HEAD", "POST"))
def answer_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The same answer page for someone without an account; the token is the credential.

    An expired, used or tampered link changes nothing and explains itself. What the page
    may say is limited by what the link proves: nothing at all for a tampered one, and for an
    expired one only generic advice (its referral is not looked up).
    """
    try:
        referral = get_activity_referral_by_token(request, token)
        if referral.status not in actions.ANSWERABLE:
            raise AnswerLinkError("used")
    except AnswerLinkError as error:
        response = render(
            request,
            "referrals/answers/link_problem.html",
            {"reason": error.reason},
            status=LINK_STATUS[error.reason],
        )
        return _no_referrer(response)
    form = AnswerForm(_post_data(request, "answer"), offering=referral.offering)
    if form.is_valid():
        try:
            answered = _answer(referral, form, acting_user=None, via_link=True)
        except ReferralError:
            # Answered in the inbox meanwhile: the link is used up, nothing changed.
            response = render(
                request, "referrals/answers/link_problem.html", {"reason": "used"}, status=410
            )
            return _no_referrer(response)
        if answered is not None:
            response = render(
                request,
                "referrals/answers/thanks.html",
                {
                    "referral": answered,
                    "offering": answered.offering,
                    "is_accepted": answered.status == Status.ACCEPTED,
                    "team": answered.case.team,
                },
            )
            return _no_referrer(response)
    response = render(
        request,
        "referrals/answers/referral.html",
        _page_context(referral, form=form, via_link=True),
    )
    return _no_referrer(response)
