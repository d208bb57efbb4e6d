"""A person's requests and emergencies: finding them, their page, break-glass access.

Administrators only (the policy in `lotsa.accounts.policy`); everyone else gets 404.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lotsa.accounts.policy import allows
from lotsa.directory.access import AuthenticatedRequest
from lotsa.people import actions as people_actions
from lotsa.people.models import BreakGlass

from .. import access, subject
from ..forms import BreakGlassForm, FindPersonForm


@login_required
@require_http_methods(["GET", "POST"])
def find_person(request: HttpRequest) -> HttpResponse:
    """Find the person a request or an emergency is about, by identity number."""
    access.require(request, access.HANDLE_REQUEST)
    form = FindPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("privacy:person", form.person.uuid)
    return render(request, "privacy/people/find.html", {"form": form})


@login_required
def person(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    """Who the person is (to confirm a request is theirs) and what can be done for them."""
    found = access.get_person(
        request, key, permission=access.HANDLE_REQUEST, purpose="person's request"
    )
    grant = (
        BreakGlass.objects.current()
        .filter(person=found, user=request.user)
        .order_by("-ends_at")
        .first()
    )
    return render(request, "privacy/people/person.html", {"person": found, "grant": grant})


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    """Open emergency access to one person's record: a reason, a time limit, all logged."""
    found = access.get_person(
        request, key, permission="people.open_break_glass", purpose="break-glass request"
    )
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        people_actions.open_break_glass(
            found, acting_user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.warning(
            request,
            _("Break-glass access is open for %(minutes)s minutes. Every page you open is logged.")
            % {"minutes": form.minutes},
        )
        return redirect("privacy:break-glass-record", found.uuid)
    return render(request, "privacy/people/break_glass.html", {"person": found, "form": form})


@login_required
def break_glass_record(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    """The person's whole record, read-only, while the administrator's break-glass runs."""
    grant = (
        BreakGlass.objects.current()
        .filter(person__uuid=key, user=request.user.pk)
        .order_by("-ends_at")
        .first()
    )
    if grant is None and allows(request.user, "people.open_break_glass"):
        # No access open (or it ran out): ask for a reason first.
        return redirect("privacy:break-glass", key)
    found = access.get_person(
        request,
        key,
        permission="people.read_by_break_glass",
        purpose=people_actions.break_glass_purpose(grant.reason if grant else ""),
    )
    return render(
        request,
        "privacy/people/record.html",
        {
            "person": found,
            "grant": grant,
            "minutes_left": max(0, int((grant.ends_at - timezone.now()).total_seconds() // 60))
            if grant
            else 0,
            "data": subject.readable(subject.collect(found)),
        },
    )
