"""The team's follow-ups as tasks: those due within the next two weeks and those overdue, for
the link worker's own cases or the whole team's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from lotsa.accounts import access as accounts_access
from lotsa.audit import events
from lotsa.directory.access import AuthenticatedRequest
from lotsa.referrals import access

from .. import actions, timeline
from ..models import FollowUp


@login_required
@require_safe
def follow_ups(request: AuthenticatedRequest) -> HttpResponse:
    if not accounts_access.is_link_worker(request.user):
        raise Http404
    whole_team = request.GET.get("scope") == "team"
    today = timezone.localdate()
    cases = access.team_cases(request.user).filter(closed_at__isnull=True)
    # Cases nobody has opened since they were opened get their schedule now, as the nightly
    # sweep would, so that the list is complete today.
    actions.schedule_missing_follow_ups(cases)
    pending = (
        FollowUp.objects.pending()
        .filter(case__in=cases, due_on__lte=today + timeline.WINDOW)
        .select_related("case__person", "case__assigned_to", "case__team", "case__referral")
        .order_by("due_on", "case__opened_at", "months")
    )
    if not whole_team:
        pending = pending.filter(case__assigned_to=request.user)
    points = [timeline.state_point(follow_up, today) for follow_up in pending]
    # The list shows names: each case listed is a read of its person's data, logged once.
    cases_shown = list({point.follow_up.case_id: point.follow_up.case for point in points}.values())
    events.record_many(
        events.READ,
        cases_shown,
        user=request.user,
        purpose="follow-ups",
        request=request,
        organization_of=lambda case: case.team.organization_id,
    )
    return render(
        request,
        "outcomes/follow_ups.html",
        {
            "whole_team": whole_team,
            "overdue": [p for p in points if p.state == timeline.State.OVERDUE],
            "due": [p for p in points if p.state == timeline.State.DUE],
            "today": today,
            "window_days": timeline.WINDOW.days,
        },
    )
