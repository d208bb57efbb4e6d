"""Referring: a clinician's referral, a volunteer connector's flag, the person's own request,
and what the referrer sees afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lotsa.accounts import access as accounts_access
from lotsa.accounts.models import Membership, Organization, Team
from lotsa.accounts.ratelimits import rate_limit
from lotsa.audit import context as audit_context
from lotsa.audit import events
from lotsa.directory.access import AuthenticatedRequest
from lotsa.people import actions as people_actions
from lotsa.people.forms import PersonForm
from lotsa.people.models import LANGUAGES, Consent, Person

from .. import access, actions
from ..forms.intake import (
    ClinicianReferralForm,
    ConnectorFlagForm,
    SelfReferralForm,
    find_people,
    self_referral_municipalities,
)
from ..models import Case, Referral

PAGE_SIZE = 50
ALREADY_SENT = gettext_lazy(
    "This form was already sent, and nothing new was created. To refer someone else, start a "
    "new form."
)
# The person's details that a clinician fills in at once; the rest fold away.
PERSON_ESSENTIALS = (
    "first_name",
    "last_name",
    "identity_number",
    "birth_date",
    "phone",
    "email",
    "municipality",
    "language",
    "needs_interpreter",
    "contact_preference",
)
PERSON_MORE = ("address", "postcode", "city", "sex", "household")


def _refer_once(
    submission_key: UUID, make_person: Callable[[], Person], team: Team, **kwargs: Any
) -> Referral:
    """Find or create the person and refer them, together, once per submission key.

    When the same form arrives twice at once, both requests may create a person; the one
    whose referral loses the race rolls its person back. The events of it all name the
    referring unit, or for a self-referral the team's organisation that receives it.
    """
    referring = kwargs.get("referring_organization")
    audit_context.acting_for(referring.pk if referring is not None else team.organization_id)
    with transaction.atomic():
        person = make_person()
        referral = actions.refer_to_team(person, team, submission_key=submission_key, **kwargs)
        if referral.person_id != person.pk:
            transaction.set_rollback(True)
    return referral


def _already_sent(data: Any) -> Referral | None:
    """The referral made by an earlier post of the same form, if there was one."""
    try:
        key = UUID(str(data.get("submission_key", "")))
    except ValueError:
        return None
    return Referral.objects.filter(submission_key=key).first()


def _record_reads(people: list[Person], request: HttpRequest) -> None:
    events.record_many(
        events.READ, people, user=request.user, purpose="find person", request=request
    )


def _as_initial(form: Any) -> dict[str, Any]:
    """A bound form's values as typed, to show them again without validating."""
    return {name: form[name].data for name in form.fields}


# --- the clinician's referral ---------------------------------------------------------------


@login_required
def new_referral(request: AuthenticatedRequest) -> HttpResponse:
    units = accounts_access.referring_organizations(request.user).order_by("name")
    if not units:
        raise Http404
    people = access.visible_people(request.user)
    teams = Team.objects.filter(Q(serves__in=units) | Q(organization__in=units)).distinct()
    if not teams.exists():
        return render(request, "referrals/intake/new_referral.html", {"no_team": True})
    first_unit = units[0]
    default_team = Team.objects.serving(first_unit).first()
    form_kwargs: dict[str, Any] = {"units": units, "teams": teams, "people": people}
    person_kwargs: dict[str, Any] = {"prefix": "person", "default_country": first_unit.country}
    context: dict[str, Any] = {"find_query": "", "found": None, "duplicates": []}

    if request.method != "POST":
        form = ClinicianReferralForm(initial={"team": default_team}, **form_kwargs)
        person_form = PersonForm(
            initial={"municipality": first_unit.municipality, "language": first_unit.language},
            **person_kwargs,
        )
        return _render_new_referral(request, form, person_form, context)

    sent = _already_sent(request.POST)
    if sent is not None:
        # Sent before (a double click, or the Back button): nothing new was created.
        messages.warning(request, ALREADY_SENT)
        return redirect("referrals:sent-detail", key=sent.uuid)
    data = request.POST.copy()
    use_person = data.get("use_person")
    if use_person:
        data["person"] = use_person
    form = ClinicianReferralForm(data, **form_kwargs)
    person_form = PersonForm(data, **person_kwargs)
    context["find_query"] = data.get("find_query", "").strip()

    if data.get("action") == "find":
        # Searching shows the form again as typed, without judging it yet.
        form = ClinicianReferralForm(initial=_as_initial(form), **form_kwargs)
        person_form = PersonForm(initial=_as_initial(person_form), **person_kwargs)
        return _render_new_referral(request, form, person_form, context)

    form.is_valid()
    chosen: Person | None = form.cleaned_data.get("person")
    if chosen is not None:
        # The new person's fields are not needed: show them as typed, without errors.
        person_form = PersonForm(initial=_as_initial(person_form), **person_kwargs)
        if not form.is_valid():
            return _render_new_referral(request, form, person_form, context)

        def make_person() -> Person:
            return chosen

    else:
        if not (person_form.is_valid() and form.is_valid()):
            return _render_new_referral(request, form, person_form, context)
        fields = person_form.person_fields()
        duplicates = list(
            Person.objects.duplicates_of(
                identity_number=fields["identity_number"],
                first_name=fields["first_name"],
                last_name=fields["last_name"],
                birth_date=fields["birth_date"],
            ).filter(pk__in=people.values("pk"))
        )
        if duplicates and not data.get("create_anyway"):
            context["duplicates"] = duplicates
            return _render_new_referral(request, form, person_form, context)

        def make_person() -> Person:
            return people_actions.create_person(fields, acting_user=request.user)

    cleaned = form.cleaned_data
    referral = _refer_once(
        cleaned["submission_key"],
        make_person,
        cleaned["team"],
        source=Referral.Source.CLINICIAN,
        acting_user=request.user,
        referring_organization=cleaned["unit"],
        reasons=cleaned["reasons"],
        details=cleaned["details"],
        ucla3=form.ucla3,
        consent_method=cleaned["consent_method"],
        feedback_consent=cleaned["feedback_consent"],
    )
    messages.success(
        request,
        _(
            "The referral was sent to %(team)s. They contact the person within "
            "%(days)s working days."
        )
        % {"team": referral.team.name, "days": settings.LOTSA_FIRST_CONTACT_WORKING_DAYS},
    )
    return redirect("referrals:sent-detail", key=referral.uuid)


def _render_new_referral(
    request: AuthenticatedRequest,
    form: ClinicianReferralForm,
    person_form: PersonForm,
    context: dict[str, Any],
) -> HttpResponse:
    people = form.fields["person"].queryset  # type: ignore[attr-defined]
    found: list[Person] = []
    if context["find_query"]:
        found = list(find_people(people, context["find_query"]))
    candidates = list(found)
    chosen = str(form["person"].value() or "")
    if chosen and chosen not in {str(p.uuid) for p in candidates}:
        candidates += list(people.filter(uuid=chosen)) if _is_uuid(chosen) else []
    _record_reads([*candidates, *context["duplicates"]], request)
    essentials = [person_form[name] for name in PERSON_ESSENTIALS]
    more = [person_form[name] for name in PERSON_MORE]
    context.update(
        {
            "form": form,
            "person_form": person_form,
            "candidates": candidates,
            "chosen": chosen,
            "has_searched": bool(context["find_query"]),
            "found": found,
            "person_essentials": essentials,
            "person_more": more,
            "more_has_errors": any(field.errors for field in more),
        }
    )
    return render(request, "referrals/intake/new_referral.html", context)


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


# --- what the referrer sees afterwards ------------------------------------------------------


@login_required
def sent_referrals(request: AuthenticatedRequest) -> HttpResponse:
    referrals = access.unit_referrals(request.user)
    if not accounts_access.referring_organizations(request.user).exists():
        raise Http404
    referrals = referrals.select_related("person", "team").order_by("-created_at", "-pk")
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    events.record_many(
        events.READ,
        page.object_list,
        user=request.user,
        purpose="sent referrals",
        request=request,
        organization_of=lambda referral: referral.referring_organization_id,
    )
    return render(request, "referrals/intake/sent_referrals.html", {"page": page})


@login_required
def sent_referral(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    referral = access.get_referral_for_referrer(request, key)
    if referral.source == Referral.Source.CONNECTOR:
        # A connector learns only whether someone called, whatever else is known.
        return render(request, "referrals/intake/flag_detail.html", {"flag": referral})
    case = Case.objects.filter(referral=referral).first()
    outcome = None
    if case is not None and _may_see_outcome(referral):
        outcome = {
            "activity_referrals": list(
                case.activity_referrals.exclude(
                    status__in=("draft", "entered-in-error")
                ).select_related("offering")
            ),
            "is_closed": not case.is_open,
            "closure_reason": case.get_closure_reason_display(),
            "next_step": case.get_next_step_display(),
            "closed_at": case.closed_at,
        }
    forwarded_to = referral.forwarded_to
    return render(
        request,
        "referrals/intake/sent_referral.html",
        {"referral": referral, "case": case, "outcome": outcome, "forwarded_to": forwarded_to},
    )


def _may_see_outcome(referral: Referral) -> bool:
    """The referring unit sees how it went only while the person's feedback consent stands."""
    if referral.referring_organization_id is None:
        return False
    return (
        Consent.objects.active()
        .filter(
            person_id=referral.person_id,
            scope=Consent.Scope.FEEDBACK,
            organization_id=referral.referring_organization_id,
        )
        .exists()
    )


# --- the volunteer connector's flag ---------------------------------------------------------


def _connector_team(organizations: QuerySet[Organization]) -> tuple[Organization, Team] | None:
    """The team that takes a connector's flags: one serving their organisation, else one in
    its municipality that takes self-referrals."""
    for organization in organizations:
        team = Team.objects.serving(organization).first()
        if team is None:
            team = Team.objects.filter(
                municipality=organization.municipality, takes_self_referrals=True
            ).first()
        if team is not None:
            return organization, team
    return None


@login_required
def new_flag(request: AuthenticatedRequest) -> HttpResponse:
    organizations = accounts_access.organizations_for(request.user, Membership.Role.CONNECTOR)
    if not organizations:
        raise Http404
    found = _connector_team(organizations.order_by("name"))
    if found is None:
        return render(request, "referrals/intake/new_flag.html", {"no_team": True})
    organization, team = found
    if request.method == "POST":
        sent = _already_sent(request.POST)
        if sent is not None:
            messages.warning(request, ALREADY_SENT)
            return redirect("referrals:flags")
    form = ConnectorFlagForm(
        request.POST if request.method == "POST" else None, country=organization.country
    )
    if form.is_valid():
        data = form.cleaned_data
        fields = {
            "first_name": data["first_name"],
            "phone": data["phone"],
            "municipality": organization.municipality,
            "language": organization.language,
        }
        _refer_once(
            data["submission_key"],
            lambda: people_actions.create_person(fields, acting_user=request.user),
            team,
            source=Referral.Source.CONNECTOR,
            acting_user=request.user,
            referring_organization=organization,
            details=data["details"],
            consent_method=Consent.Method.VERBAL,
            agreed_to_be_called=True,
        )
        messages.success(
            request,
            _("Thank you. %(team)s will call %(name)s.")
            % {"team": team.name, "name": data["first_name"]},
        )
        return redirect("referrals:flags")
    return render(request, "referrals/intake/new_flag.html", {"form": form, "team": team})


@login_required
def my_flags(request: AuthenticatedRequest) -> HttpResponse:
    flags = access.own_flags(request.user)
    if not accounts_access.is_connector(request.user):
        raise Http404
    flags = flags.select_related("person").order_by("-created_at", "-pk")
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    events.record_many(
        events.READ,
        page.object_list,
        user=request.user,
        purpose="own flags",
        request=request,
        organization_of=lambda flag: flag.referring_organization_id,
    )
    return render(request, "referrals/intake/my_flags.html", {"page": page})


# --- the person's own referral --------------------------------------------------------------


@rate_limit("self_referral", methods=("POST",))
def self_referral(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.filter(takes_self_referrals=True)
    choices = self_referral_municipalities(teams)
    if not choices:
        return render(request, "referrals/intake/self_referral.html", {"unavailable": True})
    if request.method != "POST":
        language = get_language() or "sv"
        initial = {"language": language if language in dict(LANGUAGES) else "sv"}
        form = SelfReferralForm(initial=initial, municipality_choices=choices)
        return render(request, "referrals/intake/self_referral.html", {"form": form})

    if _already_sent(request.POST) is not None:
        return redirect("referrals:self-referral-done")
    form = SelfReferralForm(request.POST, municipality_choices=choices)
    is_valid = form.is_valid()
    if form.is_spam:
        # Bots get the same answer as people, and nothing is kept.
        return redirect("referrals:self-referral-done")
    if not is_valid:
        if form.token_rejected:
            form.refresh_token()
        return render(request, "referrals/intake/self_referral.html", {"form": form})
    data = form.cleaned_data
    team = teams.filter(municipality=data["municipality"]).order_by("name").first()
    assert team is not None  # the municipality was one of the choices
    fields = form.person_fields()
    _refer_once(
        data["submission_key"],
        lambda: people_actions.create_person(fields, acting_user=None),
        team,
        source=Referral.Source.SELF,
        acting_user=None,
        reasons=data["reasons"],
        details=data["details"],
        consent_method=Consent.Method.DIGITAL,
        agreed_to_be_called=True,
    )
    return redirect("referrals:self-referral-done")


def self_referral_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "referrals/intake/self_referral_done.html",
        {"days": settings.LOTSA_FIRST_CONTACT_WORKING_DAYS},
    )
