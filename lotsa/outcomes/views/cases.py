"""The link worker's side of a case's outcomes: the outcomes page (schedule, scores over time,
experience surveys, health-care use), a follow-up's form, and sending the person their link.

Every view fetches the case through `lotsa.referrals.access.get_case_for_user` (the team's
link workers only, 404 for anyone else, the read logged). A closed case's answers can be
read but no more recorded; health-care use can still be entered, because the six months
after the referral often end after the case was closed.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotsa.directory.access import AuthenticatedRequest
from lotsa.referrals import access
from lotsa.referrals.models import ActivityReferral, Case

from .. import actions, instruments, links, timeline
from ..forms import FollowUpAnswers, HealthcareUseForm
from ..models import Assessment, ExperienceSurvey, FollowUp, Mode


def _case_page(request: AuthenticatedRequest, case: Case, **extra: Any) -> HttpResponse:
    context: dict[str, Any] = {
        "case": case,
        "person": case.person,
        "outcomes": timeline.case_outcomes(case),
        "healthcare_form": HealthcareUseForm(),
    }
    context.update(extra)
    return render(request, "outcomes/case.html", context)


@login_required
@require_safe
def case_outcomes(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    return _case_page(request, case)


@login_required
@require_POST
def healthcare_use(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    form = HealthcareUseForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, healthcare_form=form)
    data = form.cleaned_data
    use = actions.record_healthcare_use(
        case,
        period=data["period"],
        gp_visits=data["gp_visits"],
        emergency_visits=data["emergency_visits"],
        acting_user=request.user,
    )
    messages.success(
        request,
        _("The visits are saved: %(period)s.") % {"period": use.get_period_display().lower()},
    )
    return redirect(reverse("outcomes:case", kwargs={"key": case.uuid}) + "#healthcare")


# --- one follow-up ------------------------------------------------------------------------


def _follow_up(case: Case, months: int) -> FollowUp:
    """The case's follow-up at `months` (the schedule is made first, for an open case)."""
    if case.is_open:
        actions.schedule_follow_ups(case)
    follow_up: FollowUp = get_object_or_404(case.follow_ups, months=months)
    return follow_up


def _asks_survey(case: Case, follow_up: FollowUp) -> bool:
    """The experience survey belongs to the follow-ups, not the baseline (PROSA)."""
    return not follow_up.is_baseline and actions.uses_experience_survey(case)


def _follow_up_page(
    request: AuthenticatedRequest,
    case: Case,
    follow_up: FollowUp,
    answers: FollowUpAnswers | None = None,
    status: int = 200,
) -> HttpResponse:
    used = actions.instruments_for(case)
    with_survey = _asks_survey(case, follow_up)
    if answers is None:
        answers = FollowUpAnswers(used, with_survey=with_survey)
    given = timeline.score_tables(
        case,
        Assessment.objects.filter(follow_up=follow_up).order_by("answered_on", "created_at", "pk"),
    )
    today = timezone.localdate()
    return render(
        request,
        "outcomes/follow_up.html",
        {
            "case": case,
            "person": case.person,
            "follow_up": follow_up,
            "point": timeline.state_point(follow_up, today, case.is_open),
            "answers": answers,
            "instrument_forms": answers.instrument_forms,
            "survey_form": answers.survey_form,
            "date_form": answers.date_form,
            "given": [table for table in given if table.rows],
            "surveys": list(
                ExperienceSurvey.objects.filter(follow_up=follow_up).order_by("created_at", "pk")
            ),
            # Attendance and step progression come from the case, not from the person's
            # answers: shown here, read-only, beside the survey.
            "activity_referrals": list(
                case.activity_referrals.exclude(
                    status__in=(
                        ActivityReferral.Status.DRAFT,
                        ActivityReferral.Status.ENTERED_IN_ERROR,
                    )
                ).select_related("offering__organization")
            ),
            "channels": links.available_channels(case.person),
            "link_expires_on": links.expires_on(follow_up.link_sent_at)
            if follow_up.link_sent_at
            else None,
            "Channel": FollowUp.Channel,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def follow_up(request: AuthenticatedRequest, key: UUID, months: int) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    found = _follow_up(case, months)
    if request.method != "POST":
        return _follow_up_page(request, case, found)
    if not case.is_open:
        messages.error(request, _("The case is closed: its follow-ups can no longer be answered."))
        return redirect("outcomes:follow-up", key=case.uuid, months=found.months)
    answers = FollowUpAnswers(
        actions.instruments_for(case), with_survey=_asks_survey(case, found), data=request.POST
    )
    if not answers.is_valid():
        return _follow_up_page(request, case, found, answers)
    try:
        recorded = actions.record_follow_up(
            found,
            answers=answers.answers(),
            survey=answers.survey(),
            mode=Mode.WITH_LINK_WORKER,
            acting_user=request.user,
            answered_on=answers.answered_on(),
        )
    except instruments.InvalidAnswers as invalid:
        answers.refuse(invalid)
        return _follow_up_page(request, case, found, answers)
    label = timeline.point_label(found.months)
    if recorded.was_duplicate:
        messages.warning(
            request,
            _(
                "This follow-up (%(point)s) had already been answered. The new answers are "
                "kept as a duplicate: the first answers still count."
            )
            % {"point": label},
        )
    else:
        messages.success(request, _("The follow-up (%(point)s) is recorded.") % {"point": label})
    return redirect("outcomes:case", key=case.uuid)


@login_required
@require_POST
def send_link(request: AuthenticatedRequest, key: UUID, months: int) -> HttpResponse:
    case = access.get_case_for_user(request, key)
    found = _follow_up(case, months)
    channel = request.POST.get("channel", "")
    try:
        sent = links.send_link(found, channel=channel, acting_user=request.user)
    except links.LinkError as error:
        messages.error(request, error.message)
    else:
        until = formats.date_format(links.expires_on(sent.link_sent_at), "SHORT_DATE_FORMAT")
        if sent.link_channel == FollowUp.Channel.EMAIL:
            text = _("The link is on its way by e-mail. It works until %(date)s.")
        else:
            text = _("The link is on its way by text message. It works until %(date)s.")
        messages.success(request, text % {"date": until})
    return redirect("outcomes:follow-up", key=case.uuid, months=found.months)
