"""Importing health-care use from a CSV file, for a link worker: only their team's cases can
be matched, by case reference or by the person's identity number. All or nothing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from lotsa.accounts import access as accounts_access
from lotsa.directory.access import AuthenticatedRequest
from lotsa.referrals import access

from .. import healthcare_import
from ..forms import HealthcareImportForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_healthcare_use(request: AuthenticatedRequest) -> HttpResponse:
    if not accounts_access.is_link_worker(request.user):
        raise Http404
    report = None
    if request.method == "POST":
        form = HealthcareImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = healthcare_import.import_healthcare_use(
                form.cleaned_data["file"].read(),
                cases=access.team_cases(request.user),
                acting_user=request.user,
                dry_run=form.cleaned_data["check_only"],
            )
            if report.is_ok and not report.dry_run:
                form = HealthcareImportForm()
    else:
        form = HealthcareImportForm()
    return render(
        request,
        "outcomes/import.html",
        {
            "form": form,
            "report": report,
            "columns": healthcare_import.column_help(),
        },
    )


@login_required
@require_safe
def import_template(request: AuthenticatedRequest) -> HttpResponse:
    """An empty CSV file with the header row, to fill in."""
    if not accounts_access.is_link_worker(request.user):
        raise Http404
    response = HttpResponse(healthcare_import.template_csv(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="healthcare-use.csv"'
    return response
