"""The link worker's work: the team inbox and triage, the caseload, the case, referring on.

Every view fetches through `lotsa.referrals.access` (404 for anyone outside the team) and
changes things only through the actions, whose `ReferralError` codes become messages here.
A closed case is read-only, except that a consent can always be withdrawn (GDPR art. 7:
withdrawing is as easy as giving).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotsa.accounts import access as accounts_access
from lotsa.accounts.models import User
from lotsa.audit import events
from lotsa.directory import search
from lotsa.directory.access import AuthenticatedRequest
from lotsa.directory.models import Offering, Term
from lotsa.people import actions as people_actions
from lotsa.people.forms import PersonForm, country_of
from lotsa.people.models import Consent

from .. import access, actions
from ..actions import ReferralError
from ..forms.cases import (
    AssignForm,
    CancelReferralForm,
    CaseForm,
    CloseCaseForm,
    ContactForm,
    DeclineForm,
    ForwardForm,
    ParticipationForm,
    ReferForm,
    ReplyForm,
    StageForm,
    UnmetNeedForm,
    age_band,
)
from ..models import TIMES_OF_DAY, WEEKDAYS, ActivityReferral, Case, Contact, Referral

# What the link worker is told when an action cannot go ahead, by ReferralError code.
ERRORS = {
    "already_triaged": gettext_lazy(
        "Someone in the team has already dealt with this referral. Nothing was changed."
    ),
    "not_in_team": gettext_lazy("Choose a member of the team."),
    "reason_required": gettext_lazy("Give a reason."),
    "same_team": gettext_lazy("Choose another team than the one the referral is in."),
    "case_closed": gettext_lazy("The case is closed and can no longer be changed."),
    "ended": gettext_lazy("The activity has ended or is paused — choose another."),
    "not_for_team": gettext_lazy(
        "The activity takes people by referral only, and not from your team — choose another."
    ),
    "full": gettext_lazy(
        "The activity is full. Put the person on the waiting list, or choose another activity."
    ),
    "no_capacity": gettext_lazy(
        "The activity is full and keeps no waiting list. Choose another activity."
    ),
    "already_referred": gettext_lazy(
        "The person is already referred to this activity and the referral is still open."
    ),
    "fields_required": gettext_lazy("Choose at least one detail to send."),
    "answered": gettext_lazy(
        "The referral has changed in the meantime and can no longer be changed that way."
    ),
    "not_accepted": gettext_lazy(
        "Participation can be recorded once the activity has accepted the person."
    ),
    "need_required": gettext_lazy("Choose what was needed, or describe it in words."),
    "unknown_participation": gettext_lazy("Choose how the person takes part."),
    "unknown_answer": gettext_lazy("Choose an answer."),
    "no_consent": gettext_lazy(
        "The person has withdrawn their consent to the team: nothing can be sent on."
    ),
}
INBOX_FILTERS = {
    "all": gettext_lazy("All"),
    "unassigned": gettext_lazy("Unassigned"),
    "mine": gettext_lazy("Assigned to me"),
}
# Answers from activities stay on the caseload for this long.
RECENT_ANSWERS = dt.timedelta(days=7)
FIND_LIMIT = 30
SUGGESTION_LIMIT = 5


def _error(error: ReferralError) -> str:
    return str(ERRORS.get(error.code, _("That could not be done.")))


def _require_link_worker(request: HttpRequest) -> None:
    if not accounts_access.is_link_worker(request.user):
        raise Http404


def _refuse_if_closed(request: HttpRequest, case: Case) -> HttpResponse | None:
    """A redirect to the case with a message when the case is closed, else None."""
    if case.is_open:
        return None
    messages.error(request, ERRORS["case_closed"])
    return redirect("referrals:case", key=case.uuid)


def _user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


# --- the team inbox ----------------------------------------------------------------------


@login_required
@require_safe
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    _require_link_worker(request)
    show = request.GET.get("show", "all")
    if show not in INBOX_FILTERS:
        show = "all"
    referrals = (
        access.team_referrals(request.user)
        .filter(status=Referral.Status.NEW)
        .select_related("person", "team", "assigned_to", "referring_organization")
        .order_by("due_on", "created_at")
    )
    if show == "unassigned":
        referrals = referrals.filter(assigned_to__isnull=True)
    elif show == "mine":
        referrals = referrals.filter(assigned_to=request.user)
    filters = [
        {"key": key, "label": label, "url": f"{reverse('referrals:inbox')}?show={key}"}
        for key, label in INBOX_FILTERS.items()
    ]
    rows = list(referrals)
    # The list shows names and reasons: each row is a read of the person's data.
    events.record_many(
        events.READ,
        rows,
        user=request.user,
        purpose="inbox",
        request=request,
        organization_of=lambda referral: referral.team.organization_id,
    )
    return render(
        request,
        "referrals/cases/inbox.html",
        {
            "referrals": rows,
            "show": show,
            "filters": filters,
            "several_teams": accounts_access.teams_for(request.user).count() > 1,
            "today": timezone.localdate(),
        },
    )


def _triage_consents(referral: Referral) -> QuerySet[Consent]:
    return referral.person.consents.filter(
        Q(scope=Consent.Scope.TEAM, team=referral.team)
        | Q(scope=Consent.Scope.FEEDBACK, organization_id=referral.referring_organization_id)
    ).select_related("organization", "team", "recorded_by")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def triage(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    referral = access.get_referral_for_team(request, key)
    assign_form = AssignForm(team=referral.team, initial={"assignee": referral.assigned_to})
    decline_form = DeclineForm()
    forward_form = ForwardForm(team=referral.team)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "assign":
                if referral.status != Referral.Status.NEW:
                    raise ReferralError("already_triaged")
                assign_form = AssignForm(request.POST, team=referral.team)
                if assign_form.is_valid():
                    assignee = assign_form.cleaned_data["assignee"]
                    actions.assign_referral(referral, assignee, acting_user=request.user)
                    if assignee is None:
                        messages.success(request, _("The referral is no longer assigned."))
                    else:
                        messages.success(
                            request,
                            _("The referral is assigned to %(name)s.")
                            % {"name": _user_name(assignee)},
                        )
                    return redirect("referrals:triage", key=referral.uuid)
            elif action == "open":
                case = actions.open_case(referral, acting_user=request.user)
                messages.success(request, _("The case is opened."))
                return redirect("referrals:case", key=case.uuid)
            elif action == "decline":
                decline_form = DeclineForm(request.POST)
                if decline_form.is_valid():
                    actions.decline_referral(
                        referral, decline_form.cleaned_data["reason"], acting_user=request.user
                    )
                    messages.success(request, _("The referral is declined."))
                    return redirect("referrals:inbox")
            elif action == "forward":
                forward_form = ForwardForm(request.POST, team=referral.team)
                if forward_form.is_valid():
                    team = forward_form.cleaned_data["team"]
                    actions.forward_referral(
                        referral,
                        team,
                        consent_method=forward_form.cleaned_data["consent_method"],
                        acting_user=request.user,
                    )
                    messages.success(
                        request,
                        _("The referral is forwarded to %(team)s.") % {"team": team.name},
                    )
                    return redirect("referrals:inbox")
            else:
                return redirect("referrals:triage", key=referral.uuid)
        except ReferralError as error:
            messages.error(request, _error(error))
            return redirect("referrals:triage", key=referral.uuid)
    opened_case = Case.objects.filter(referral=referral).only("uuid").first()
    return render(
        request,
        "referrals/cases/triage.html",
        {
            "referral": referral,
            "person": referral.person,
            "case": opened_case,
            "consents": list(_triage_consents(referral)),
            "field_labels": Consent.Field.choices,
            "is_new": referral.status == Referral.Status.NEW,
            "assign_form": assign_form,
            "decline_form": decline_form,
            "forward_form": forward_form,
        },
    )


# --- my caseload -------------------------------------------------------------------------


@login_required
@require_safe
def caseload(request: AuthenticatedRequest) -> HttpResponse:
    _require_link_worker(request)
    whole_team = request.GET.get("scope") == "team"
    today = timezone.localdate()
    cases = (
        access.team_cases(request.user)
        .filter(closed_at__isnull=True)
        .select_related("person", "referral", "assigned_to", "team")
        .annotate(
            live_referrals=Count(
                "activity_referrals",
                filter=Q(activity_referrals__status__in=ActivityReferral.LIVE_STATUSES),
            )
        )
        .order_by(F("next_action_on").asc(nulls_last=True), "opened_at")
    )
    inbox_referrals = (
        access.team_referrals(request.user)
        .filter(status=Referral.Status.NEW)
        .select_related("person", "assigned_to", "team")
        .order_by("due_on", "created_at")
    )
    if whole_team:
        waiting = list(inbox_referrals.filter(Q(assigned_to__isnull=False) | Q(due_on__lt=today)))
    else:
        cases = cases.filter(assigned_to=request.user)
        waiting = list(
            inbox_referrals.filter(
                Q(assigned_to=request.user) | Q(assigned_to__isnull=True, due_on__lt=today)
            )
        )
    cases_list = list(cases)
    events.record_many(
        events.READ,
        [*cases_list, *waiting],
        user=request.user,
        purpose="caseload",
        request=request,
        organization_of=lambda row: row.team.organization_id,
    )
    answers = (
        ActivityReferral.objects.filter(case__in=[c.pk for c in cases_list])
        .filter(
            Q(
                status=ActivityReferral.Status.ON_HOLD,
                reason=ActivityReferral.Reason.NEEDS_INFORMATION,
            )
            | Q(answered_at__gte=timezone.now() - RECENT_ANSWERS)
        )
        .select_related("offering", "case__person")
        .order_by("-updated_at")
    )
    return render(
        request,
        "referrals/cases/caseload.html",
        {
            "whole_team": whole_team,
            "cases": cases_list,
            "waiting_referrals": waiting,
            "not_contacted": [c for c in cases_list if c.referral.first_contact_at is None],
            "due_cases": [c for c in cases_list if c.next_action_on and c.next_action_on <= today],
            "answers": list(answers),
            "today": today,
        },
    )


# --- the case ----------------------------------------------------------------------------


def _case_consents(case: Case) -> QuerySet[Consent]:
    """The person's consents that concern this case: to the team, its referrer, its providers."""
    return Consent.objects.filter(person_id=case.person_id).filter(
        Q(scope=Consent.Scope.TEAM, team_id=case.team_id)
        | Q(
            scope=Consent.Scope.FEEDBACK,
            organization_id=case.referral.referring_organization_id,
        )
        | Q(pk__in=case.activity_referrals.values("consent_id"))
        | Q(scope=Consent.Scope.RESEARCH)
    )


def _case_context(case: Case, **forms: Any) -> dict[str, Any]:
    today = timezone.localdate()
    context: dict[str, Any] = {
        "case": case,
        "person": case.person,
        "referral": case.referral,
        "contacts": list(case.contacts.select_related("recorded_by")),
        "activity_referrals": list(
            case.activity_referrals.select_related("offering__organization")
        ),
        "consents": list(
            _case_consents(case).select_related("team", "organization").order_by("-given_at")
        ),
        # Not "languages": base.html sets that name for the language switcher.
        "interest_terms": list(case.interests.all()),
        "accessibility_terms": list(case.accessibility_needs.all()),
        "language_terms": list(case.languages.all()),
        "available_days": _labels(case.available_days, dict(WEEKDAYS)),
        "available_times": _labels(case.available_times, dict(TIMES_OF_DAY)),
        "contact_form": ContactForm(
            initial={"happened_on": today, "channel": Contact.Channel.PHONE, "reached": True}
        ),
        "stage_form": StageForm(initial={"stage": case.stage}),
        "stages": Case.Stage.choices,
        "field_labels": Consent.Field.choices,
    }
    context.update(forms)
    return context


def _labels(codes: list[str], labels: dict[str, Any]) -> list[str]:
    return [str(labels[code]) for code in codes if code in labels]


@login_required
@require_safe
def case_detail(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    return render(request, "referrals/cases/case.html", _case_context(case))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_edit(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    if refused := _refuse_if_closed(request, case):
        return refused
    if request.method == "POST":
        form = CaseForm(request.POST)
        if form.is_valid():
            try:
                actions.update_case(
                    case,
                    form.case_fields(),
                    acting_user=request.user,
                    interests=form.cleaned_data["interests"],
                    accessibility_needs=form.cleaned_data["accessibility_needs"],
                    languages=form.cleaned_data["languages"],
                )
            except ReferralError as error:
                messages.error(request, _error(error))
            else:
                messages.success(request, _("The plan is saved."))
            return redirect("referrals:case", key=case.uuid)
    else:
        form = CaseForm(initial=CaseForm.initial_from(case))
    return render(request, "referrals/cases/case_form.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_edit(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    if refused := _refuse_if_closed(request, case):
        return refused
    name = case.person.full_name
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        instance=case.person,
        default_country=country_of(case.team.municipality),
    )
    if request.method == "POST" and form.is_valid():
        people_actions.update_person(case.person, form.person_fields(), acting_user=request.user)
        messages.success(request, _("The contact details are saved."))
        return redirect("referrals:case", key=case.uuid)
    return render(
        request, "referrals/cases/person_form.html", {"case": case, "form": form, "name": name}
    )


@login_required
@require_POST
def add_contact(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    if refused := _refuse_if_closed(request, case):
        return refused
    form = ContactForm(request.POST)
    if not form.is_valid():
        return render(request, "referrals/cases/case.html", _case_context(case, contact_form=form))
    data = form.cleaned_data
    actions.record_contact(
        case,
        channel=data["channel"],
        acting_user=request.user,
        happened_on=data["happened_on"],
        duration_minutes=data["duration_minutes"],
        reached=data["reached"],
        note=data["note"],
    )
    messages.success(request, _("The contact is recorded."))
    return redirect(reverse("referrals:case", kwargs={"key": case.uuid}) + "#contacts")


@login_required
@require_POST
def change_stage(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    if refused := _refuse_if_closed(request, case):
        return refused
    form = StageForm(request.POST)
    if not form.is_valid():
        return render(request, "referrals/cases/case.html", _case_context(case, stage_form=form))
    actions.change_stage(case, form.cleaned_data["stage"], acting_user=request.user)
    messages.success(
        request,
        _("The pathway stage is now “%(stage)s”.") % {"stage": case.get_stage_display()},
    )
    return redirect("referrals:case", key=case.uuid)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def close_case(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    if refused := _refuse_if_closed(request, case):
        return refused
    form = CloseCaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.close_case(
                case,
                reason=data["reason"],
                next_step=data["next_step"],
                note=data["note"],
                acting_user=request.user,
            )
        except ReferralError as error:
            messages.error(request, _error(error))
        else:
            messages.success(request, _("The case is closed."))
        return redirect("referrals:case", key=case.uuid)
    waiting = case.activity_referrals.filter(
        status__in=(
            ActivityReferral.Status.DRAFT,
            ActivityReferral.Status.REQUESTED,
            ActivityReferral.Status.ON_HOLD,
        )
    ).select_related("offering")
    return render(
        request,
        "referrals/cases/close.html",
        {"case": case, "form": form, "waiting": list(waiting)},
    )


@login_required
@require_POST
def withdraw_consent(request: AuthenticatedRequest, key: UUID, consent_id: int) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    consent = get_object_or_404(_case_consents(case), pk=consent_id)
    if consent.is_active:
        actions.withdraw_consent(consent, acting_user=request.user)
        messages.success(
            request, _("The consent is withdrawn. It no longer allows anything from now on.")
        )
    else:
        messages.info(request, _("The consent was already withdrawn."))
    return redirect(reverse("referrals:case", kwargs={"key": case.uuid}) + "#consents")


# --- finding an activity and referring to it ---------------------------------------------


def _referable_offerings() -> QuerySet[Offering]:
    return Offering.objects.public().filter(status=Offering.Status.ACTIVE)


def _with_places(offerings: QuerySet[Offering]) -> QuerySet[Offering]:
    return offerings.filter(Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity")))


@login_required
@require_safe
def find_offering(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    if refused := _refuse_if_closed(request, case):
        return refused
    query = request.GET.get("q", "").strip()[:200]
    category = request.GET.get("category", "")
    offerings = _referable_offerings()
    if category:
        offerings = offerings.filter(categories__code=category).distinct()
    if query:
        offerings = search.apply(offerings, query)
    results = list(
        offerings.select_related("organization").prefetch_related("categories", "places")[
            : FIND_LIMIT + 1
        ]
    )
    live = set(case.activity_referrals.live().values_list("offering_id", flat=True))
    return render(
        request,
        "referrals/cases/find_offering.html",
        {
            "case": case,
            "query": query,
            "category": category,
            "categories": Term.objects.filter(vocabulary=Term.Vocabulary.CATEGORY),
            "results": results[:FIND_LIMIT],
            "has_more": len(results) > FIND_LIMIT,
            "live_offering_ids": live,
            "searched": bool(query or category),
        },
    )


def _suggestions(offering: Offering) -> list[Offering]:
    """A few other activities in the same categories that still have places."""
    others = (
        _with_places(_referable_offerings())
        .filter(categories__in=offering.categories.all())
        .exclude(pk=offering.pk)
        .select_related("organization")
        .distinct()
        .order_by("name")
    )
    return list(others[:SUGGESTION_LIMIT])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def refer(request: AuthenticatedRequest, key: UUID, offering: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    if refused := _refuse_if_closed(request, case):
        return refused
    # Ended and paused listings are found too, so that the page can say so.
    target = get_object_or_404(
        Offering.objects.filter(is_published=True, organization__is_approved=True)
        .select_related("organization")
        .prefetch_related("places", "schedules"),
        uuid=offering,
    )
    form = ReferForm(request.POST if request.method == "POST" else None, offering=target)
    problem = ""
    if target.status != Offering.Status.ACTIVE:
        problem = "ended"
    elif target.capacity_status == Offering.CapacityStatus.NO_CAPACITY:
        problem = "no_capacity"
    existing = case.activity_referrals.live().filter(offering=target).first()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.refer_to_offering(
                case,
                target,
                fields=data["fields_shared"],
                consent_method=data["consent_method"],
                acting_user=request.user,
                message=data["message"],
                to_waitlist=data["to_waitlist"],
                submission_key=data["submission_key"],
            )
        except ReferralError as error:
            if error.code == "case_closed":
                messages.error(request, _error(error))
                return redirect("referrals:case", key=case.uuid)
            if error.code == "fields_required":
                form.add_error("fields_shared", _error(error))
            elif error.code == "full":
                form.waitlist_required = True
                form.add_error("to_waitlist", _error(error))
            else:
                problem = error.code
                form.add_error(None, _error(error))
        else:
            if referral.on_waitlist or data["to_waitlist"]:
                text = _("The referral is sent, asking for a place on the waiting list.")
            else:
                text = _("The referral is sent. You will see the answer here.")
            messages.success(request, text)
            return redirect("referrals:activity-referral", key=referral.uuid)
    return render(
        request,
        "referrals/cases/refer.html",
        {
            "case": case,
            "offering": target,
            "form": form,
            "problem": problem,
            "problem_text": ERRORS.get(problem, ""),
            "existing": existing,
            "suggestions": _suggestions(target) if problem in ("no_capacity", "ended") else [],
            "sessions": target.next_sessions(count=3),
        },
    )


# --- an unmet need -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def unmet_need(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    if refused := _refuse_if_closed(request, case):
        return refused
    person = case.person
    initial = {
        "age_band": age_band(person.age()),
        "municipality": person.municipality or case.team.municipality,
        "need_text": request.GET.get("need", "")[:200],
    }
    form = UnmetNeedForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_unmet_need(
                team=case.team,
                municipality=data["municipality"],
                reasons=data["reasons"],
                acting_user=request.user,
                need=data["need"],
                need_text=data["need_text"],
                age_band=data["age_band"],
                audience=data["audience"],
                area=data["area"],
            )
        except ReferralError as error:
            form.add_error(None, _error(error))
        else:
            messages.success(
                request,
                _("The unmet need is recorded. It helps the municipality see where gaps are."),
            )
            return redirect("referrals:case", key=case.uuid)
    return render(request, "referrals/cases/unmet_need.html", {"case": case, "form": form})


# --- an activity referral ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_referral(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    referral = access.get_activity_referral_for_link_worker(request, key)
    case = referral.case
    cancel_form = CancelReferralForm()
    participation_form = ParticipationForm(initial={"on": timezone.localdate()})
    reply_form = ReplyForm()
    if request.method == "POST":
        if refused := _refuse_if_closed(request, case):
            return refused
        action = request.POST.get("action")
        try:
            if action == "cancel":
                cancel_form = CancelReferralForm(request.POST)
                if cancel_form.is_valid():
                    actions.cancel_activity_referral(
                        referral,
                        reason=cancel_form.cleaned_data["reason"],
                        text=cancel_form.cleaned_data["text"],
                        acting_user=request.user,
                    )
                    messages.success(request, _("The referral is withdrawn."))
                    return redirect("referrals:activity-referral", key=referral.uuid)
            elif action == "participation":
                participation_form = ParticipationForm(request.POST)
                if participation_form.is_valid():
                    actions.record_participation(
                        referral,
                        participation_form.cleaned_data["participation"],
                        acting_user=request.user,
                        on=participation_form.cleaned_data["on"],
                    )
                    messages.success(request, _("Participation is recorded."))
                    return redirect("referrals:activity-referral", key=referral.uuid)
            elif action == "reply":
                reply_form = ReplyForm(request.POST)
                if reply_form.is_valid():
                    actions.reply_to_provider(
                        referral, reply_form.cleaned_data["text"], acting_user=request.user
                    )
                    messages.success(
                        request, _("Your answer is sent; the activity gets a new link to answer.")
                    )
                    return redirect("referrals:activity-referral", key=referral.uuid)
            elif action == "resend":
                actions.resend_answer_link(referral, acting_user=request.user)
                messages.success(
                    request,
                    _("A new answer link is sent to the activity; the old one no longer works."),
                )
                return redirect("referrals:activity-referral", key=referral.uuid)
            else:
                return redirect("referrals:activity-referral", key=referral.uuid)
        except ReferralError as error:
            messages.error(request, _error(error))
            return redirect("referrals:activity-referral", key=referral.uuid)
    return render(
        request,
        "referrals/cases/activity_referral.html",
        {
            "referral": referral,
            "case": case,
            "person": case.person,
            "offering": referral.offering,
            "events": list(referral.events.select_related("by")),
            "shared": access.shared_details(referral),
            "consent": referral.consent,
            "can_cancel": case.is_open and referral.is_live,
            "can_record_participation": case.is_open
            and referral.status
            in (ActivityReferral.Status.ACCEPTED, ActivityReferral.Status.IN_PROGRESS),
            "can_resend": case.is_open
            and referral.status in actions.ANSWERABLE
            and referral.consent.is_active,
            "cancel_form": cancel_form,
            "participation_form": participation_form,
            "reply_form": reply_form,
            "can_reply": case.is_open
            and referral.status == ActivityReferral.Status.ON_HOLD
            and referral.reason == ActivityReferral.Reason.NEEDS_INFORMATION
            and referral.consent.is_active,
        },
    )
