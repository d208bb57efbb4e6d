"""The log review — the log by person and by user, the sample for the regular log check, alerts
— and the person's log extract (page and PDF).

Administrators only (`audit.review_log`, `people.handle_request` in the policy); everyone else
gets 404. A page about one person is reached through `access.get_person`, which writes the
event of the access; pages about a user, the sample and the alerts write no person event.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from lotsa.accounts import forms as accounts_forms
from lotsa.accounts.models import User
from lotsa.accounts.widgets import DateInput
from lotsa.audit import chain
from lotsa.audit.models import AuditEvent
from lotsa.people.models import Person

from .. import access, review
from ..forms import FindPersonForm
from ..models import LogCheck

REVIEW = "audit.review_log"
PAGE_SIZE = 50
SAMPLE_SIZE = 20
MAX_SAMPLE_SIZE = 200
MAX_SEED = 10**12 - 1
SAMPLE_DAYS = 30
ALERT_DAYS = 7
# Dates outside these years are refused: they say nothing about Lotsa's log, and a day at
# either end of the calendar cannot be turned into a time in every time zone.
EXTRACT_CSS = "lotsa/log-extract.css"


# --- forms --------------------------------------------------------------------------------


class PeriodForm(accounts_forms.PeriodForm):
    """The review's period, which its links and redirects carry on."""

    def query(self) -> str:
        """The valid filters as a query string (empty ones left out), for links and redirects."""
        data = getattr(self, "cleaned_data", {})
        values = {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name in ("since", "until", "action")
            if (value := data.get(name))
        }
        return urlencode(values)


class FilterForm(PeriodForm):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("All actions")), *AuditEvent.Action.choices],
    )


class UserSearchForm(FilterForm):
    """The events by one user, found by e-mail address (a user's, not a person's: it may go
    into a URL)."""

    email = forms.EmailField(label=gettext_lazy("The user's e-mail address"), max_length=254)
    field_order = ["email", "since", "until", "action"]

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        self.found = User.objects.filter(email__iexact=email).first()
        if self.found is None:
            raise forms.ValidationError(
                gettext_lazy("No user has this e-mail address."), code="unknown"
            )
        return email


class PersonSearchForm(FindPersonForm, FilterForm):
    """The events about one person, found by identity number in a POST (never in a URL)."""

    field_order = ["identity_number", "since", "until", "action"]


class SampleForm(PeriodForm):
    since = forms.DateField(label=gettext_lazy("From"), widget=DateInput)
    until = forms.DateField(label=gettext_lazy("To"), widget=DateInput)
    size = forms.IntegerField(
        label=gettext_lazy("Number of events"), min_value=1, max_value=MAX_SAMPLE_SIZE
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Seed"),
        min_value=0,
        max_value=MAX_SEED,
        help_text=gettext_lazy("The same seed and period give the same sample again."),
    )


class LogCheckForm(SampleForm):
    """The regular log check as a record: the sample it drew, and what the reviewer found."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=LogCheck.Outcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "What you checked, what you found and what was done. Write no name or identity "
            "number: refer to events by their number in the log."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("since", "until", "size", "seed"):
            self.fields[name].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == LogCheck.Outcome.FINDINGS and not data.get("notes", "").strip():
            self.add_error("notes", gettext_lazy("Say what you found and what was done."))
        return data


# --- helpers --------------------------------------------------------------------------------


def _page(request: HttpRequest, events: Any) -> Page:
    """One page of `events`, with the names of their units (a count and two queries)."""
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = review.with_units(list(page.object_list))
    return page


def _filters(form: PeriodForm) -> dict[str, Any]:
    """The valid filters of `form`; an invalid field is shown with its error and left out."""
    form.is_valid()
    data = form.cleaned_data
    return {
        "since": data.get("since"),
        "until": data.get("until"),
        "action": data.get("action") or None,
    }


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


# --- the review -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Search by user (GET, e-mail address) or by person (POST, identity number); the latest
    alerts, the last log checks and the head of the log's chain."""
    access.require(request, REVIEW)
    # Two forms on one page: each its own ids.
    user_form = UserSearchForm(request.GET if "email" in request.GET else None, auto_id="user_%s")
    person_form = PersonSearchForm(
        request.POST if request.method == "POST" else None, auto_id="person_%s"
    )
    if user_form.is_bound and user_form.is_valid() and user_form.found is not None:
        url = reverse("privacy:review-user", args=[user_form.found.pk])
        return redirect(_with_query(url, user_form.query()))
    if person_form.is_bound and person_form.is_valid() and person_form.person is not None:
        url = reverse("privacy:review-person", args=[person_form.person.uuid])
        return redirect(_with_query(url, person_form.query()))
    today = timezone.localdate()
    since = today - dt.timedelta(days=ALERT_DAYS - 1)
    findings = review.alerts(since, today)
    head_sequence, head_hash = chain.head(AuditEvent)
    return render(
        request,
        "privacy/review/start.html",
        {
            "user_form": user_form,
            "person_form": person_form,
            "findings": len(findings),
            "alerts_since": since,
            "checks": LogCheck.objects.select_related("checked_by")[:5],
            "head_sequence": head_sequence,
            "head_hash": head_hash,
        },
    )


@login_required
@require_safe
def person_events(request: HttpRequest, key: UUID) -> HttpResponse:
    """Every event about one person, newest first, with user, unit, purpose and IP address."""
    person = access.get_person(request, key, permission=REVIEW, purpose="log review")
    form = FilterForm(request.GET)
    events = review.events_for(person_uuid=person.uuid, **_filters(form))
    return render(
        request,
        "privacy/review/person.html",
        {"person": person, "form": form, "page": _page(request, events)},
    )


@login_required
@require_safe
def user_events(request: HttpRequest, pk: int) -> HttpResponse:
    """Every event by one user, newest first, with the person (by key) and the unit."""
    access.require(request, REVIEW)
    target = get_object_or_404(User, pk=pk)
    form = FilterForm(request.GET)
    events = review.events_for(user=target, **_filters(form))
    return render(
        request,
        "privacy/review/user.html",
        {"target": target, "form": form, "page": _page(request, events)},
    )


def _default_sample() -> dict[str, Any]:
    """The last SAMPLE_DAYS full days (a period that has ended: the sample stays the same)."""
    today = timezone.localdate()
    return {
        "since": today - dt.timedelta(days=SAMPLE_DAYS),
        "until": today - dt.timedelta(days=1),
        "size": SAMPLE_SIZE,
        "seed": secrets.randbelow(MAX_SEED + 1),
    }


@login_required
@require_http_methods(["GET", "POST"])
def sample(request: HttpRequest) -> HttpResponse:
    """The random, reproducible sample for the regular log check; the POST records the check."""
    access.require(request, REVIEW)
    if request.method == "POST":
        check_form = LogCheckForm(request.POST, auto_id="check_%s")
        if check_form.is_valid():
            data = check_form.cleaned_data
            review.record_log_check(
                acting_user=request.user,
                since=data["since"],
                until=data["until"],
                seed=data["seed"],
                sample_size=data["size"],
                outcome=data["outcome"],
                notes=data["notes"].strip(),
            )
            messages.success(request, _("The log check was recorded."))
            return redirect("privacy:review")
        form = SampleForm(request.POST)
    else:
        # What the query leaves out is the default: the last days, the usual size, a new seed.
        query = request.GET.copy()
        for key, value in _default_sample().items():
            if not query.get(key):
                query[key] = str(value)
        form = SampleForm(query)
        check_form = LogCheckForm(
            initial=form.cleaned_data if form.is_valid() else None, auto_id="check_%s"
        )
    drawn = None
    still_open = False
    if form.is_valid():
        data = form.cleaned_data
        drawn = review.sample(data["since"], data["until"], data["size"], data["seed"])
        still_open = data["until"] >= timezone.localdate()
    return render(
        request,
        "privacy/review/sample.html",
        {
            "form": form,
            "check_form": check_form,
            "events": drawn,
            "still_open": still_open,
            "new_seed_query": urlencode(
                {
                    key: form.data.get(key, "")
                    for key in ("since", "until", "size")
                    if form.data.get(key)
                }
            ),
        },
    )


@login_required
@require_safe
def alerts(request: HttpRequest) -> HttpResponse:
    """The findings of a period (by default the last ALERT_DAYS days, today included)."""
    access.require(request, REVIEW)
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    since, until = today - dt.timedelta(days=ALERT_DAYS - 1), today
    if form.is_bound and form.is_valid():
        chosen_since = form.cleaned_data["since"]
        until = form.cleaned_data["until"] or max(today, chosen_since or today)
        since = chosen_since or until - dt.timedelta(days=ALERT_DAYS - 1)
    findings = review.alerts(since, until)
    groups = [
        {
            "kind": kind,
            "label": label,
            "findings": [f for f in findings if f.kind == kind],
        }
        for kind, label in review.AlertKind.choices
    ]
    return render(
        request,
        "privacy/review/alerts.html",
        {
            "form": form,
            "since": since,
            "until": until,
            "groups": groups,
            "total": len(findings),
            "people_per_hour": settings.LOTSA_ALERT_PEOPLE_PER_HOUR,
            "working_hours": settings.LOTSA_WORKING_HOURS,
        },
    )


# --- the person's log extract -------------------------------------------------------------


def _extract_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    form = PeriodForm(request.GET)
    filters = _filters(form)
    rows = review.extract_events(person, filters["since"], filters["until"])
    return {
        "person": person,
        "form": form,
        "rows": rows,
        "since": filters["since"],
        "until": filters["until"],
        "issued": timezone.localtime(timezone.now(), timezone.get_default_timezone()),
        "query": form.query(),
    }


def _get_person_for_extract(request: HttpRequest, key: UUID) -> Person:
    return access.get_person(
        request,
        key,
        permission=access.HANDLE_REQUEST,
        purpose="log extract",
        action=AuditEvent.Action.PRINT,
    )


@login_required
@require_safe
def log_extract(request: HttpRequest, key: UUID) -> HttpResponse:
    """The person's log extract as a printable page: which unit, when, what and why."""
    person = _get_person_for_extract(request, key)
    return render(request, "privacy/extract/log_extract.html", _extract_context(request, person))


@login_required
@require_safe
def log_extract_pdf(request: HttpRequest, key: UUID) -> HttpResponse:
    """The same extract as PDF. WeasyPrint fetches nothing: no base URL, every protocol
    refused, the stylesheet read from the static files and handed over as text."""
    person = _get_person_for_extract(request, key)
    html = render_to_string(
        "privacy/extract/log_extract_pdf.html", _extract_context(request, person), request
    )
    # Imported here: WeasyPrint loads Pango at import, which the rest of the app never needs.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    refuse_all = URLFetcher(allowed_protocols=set())
    found = finders.find(EXTRACT_CSS)
    css = Path(str(found)).read_text(encoding="utf-8") if found else ""
    pdf = HTML(string=html, base_url=None, url_fetcher=refuse_all).write_pdf(
        stylesheets=[CSS(string=css, url_fetcher=refuse_all)]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"log-extract-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
