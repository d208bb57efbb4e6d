"""The research export page: choose the organisations, the period and the format, say what the
export is for, and download it; the data dictionary beside.

For researchers (`reports.export_research`); everyone else gets 404. The download is a POST:
it writes the export's events to the access log (one about the export, one per person in it)
in the transaction that hands the file out. Without a pseudonym key the export is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from lotsa.accounts.forms import PeriodForm
from lotsa.accounts.models import Organization

from .. import research

FORMATS = (
    ("csv", _("CSV: one file per table, with the data dictionary and metadata, zipped")),
    ("json", _("JSON: one document with the metadata, the data dictionary and every table")),
)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last five years: long enough for a cohort's twelve-month follow-ups."""
    today = today or timezone.localdate()
    return today.replace(year=today.year - 5, day=1), today


class ExportForm(PeriodForm):
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one organisation.")},
    )
    purpose = forms.CharField(
        label=_("What the export is for"),
        max_length=150,
        help_text=_(
            "The study and its ethical approval, e.g. “Loneliness study, approval "
            "2025-01234-01”. It is written to the access log."
        ),
        error_messages={"required": _("Say what the export is for.")},
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=FORMATS, initial="csv", widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("since", "until"):
            self.fields[name].required = True
        self.fields["since"].initial, self.fields["until"].initial = default_period()
        field = self.fields["organizations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = organizations
        field.initial = list(organizations)

    def scope(self) -> research.Scope:
        data = self.cleaned_data
        return research.Scope(
            organizations=tuple(data["organizations"].order_by("name", "pk")),
            since=data["since"],
            until=data["until"],
        )


def _file(export: research.Export, chosen: str) -> HttpResponse:
    stem = f"lotsa-research-{export.metadata['created_on']}-{export.export_id}"
    if chosen == "json":
        response = HttpResponse(research.as_json(export), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    else:
        response = HttpResponse(research.as_zip(export), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{stem}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def research_export(request: HttpRequest) -> HttpResponse:
    organizations = research.require_researcher(request)
    has_key = bool(research.configured_key())
    form = ExportForm(
        request.POST if request.method == "POST" else None, organizations=organizations
    )
    status = 200
    if request.method == "POST":
        if not has_key:
            status = 503
        elif form.is_valid():
            scope = form.scope()
            export = research.build(scope)
            with transaction.atomic():
                research.record_export(
                    export,
                    acting_user=request.user,
                    purpose=form.cleaned_data["purpose"],
                    organization_id=scope.organizations[0].pk,
                    request=request,
                )
                return _file(export, form.cleaned_data["format"])
    return render(
        request,
        "reports/research.html",
        {
            "form": form,
            "has_key": has_key,
            "dictionary": research.dictionary(research.category_codes()),
            "k": research.min_group(),
        },
        status=status,
    )
