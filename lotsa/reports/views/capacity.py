"""Capacity pressure: full offerings and waiting lists, referrals per place, declines for no
place and the waiting time to a place, by category and area; and the same as CSV.

For the municipality's planners (`reports.view_gaps`); everyone else gets 404.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .. import access, capacity, snapshots
from ..areas import municipality_name
from ..forms import WindowForm
from .manager_pages import snapshot_note

# The CSV's columns: machine-readable English names (see the reports' documentation).
CSV_COLUMNS = (
    "table",
    "key",
    "label",
    "organization",
    "area",
    "offerings",
    "places",
    "places_taken",
    "waitlist",
    "full",
    "referrals",
    "referrals_per_place",
    "declined_no_place",
    "waitlisted",
    "placed",
    "average_days_to_place",
)


def _window(request: HttpRequest) -> tuple[WindowForm, capacity.Window]:
    municipalities = access.require_planner(request)
    form = WindowForm(
        request.GET if "days" in request.GET else None, initial={"days": capacity.DEFAULT_DAYS}
    )
    return form, capacity.Window(municipalities, days=form.chosen_days())


@login_required
@require_safe
def capacity_view(request: HttpRequest) -> HttpResponse:
    form, window = _window(request)
    made = snapshots.pressure(window)
    return render(
        request,
        "reports/capacity.html",
        {
            "form": form,
            "window": window,
            "pressure": made.report,
            "snapshot_note": snapshot_note(made),
            "municipality_names": [municipality_name(key) for key in window.municipalities],
            "csv_query": f"days={window.days}",
        },
    )


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _pressure_cells(row: capacity.PressureRow) -> list[Any]:
    return [
        row.offerings,
        row.places,
        row.places_taken,
        row.waitlist,
        row.full,
        row.referrals,
        _number(row.referrals_per_place, 2),
        row.declined_no_place,
        row.waitlisted,
        row.placed,
        _number(row.average_days, 1),
    ]


def csv_rows(pressure: capacity.Pressure) -> Iterable[list[Any]]:
    yield [
        "total",
        pressure.total.key,
        pressure.total.label,
        "",
        "",
        *_pressure_cells(pressure.total),
    ]
    for table, rows in (("category", pressure.by_category), ("area", pressure.by_area)):
        for row in rows:
            yield [table, row.key, row.label, "", "", *_pressure_cells(row)]
    for offering in pressure.waitlisted:
        is_full = offering.capacity is not None and offering.places_taken >= offering.capacity
        yield [
            "offering",
            offering.key,
            offering.name,
            offering.organization,
            offering.area,
            1,
            "" if offering.capacity is None else offering.capacity,
            offering.places_taken,
            offering.waitlist,
            int(is_full),
            offering.referrals,
            _number(offering.referrals / offering.capacity if offering.capacity else None, 2),
            offering.declined_no_place,
            offering.waitlisted,
            "",
            "",
        ]


@login_required
@require_safe
def capacity_csv(request: HttpRequest) -> HttpResponse:
    """The capacity tables as one CSV (UTF-8 with a BOM, so that Excel reads it)."""
    form, window = _window(request)
    if form.is_bound and not form.is_valid():
        errors = "; ".join(
            f"{name}: {' '.join(map(str, texts))}" for name, texts in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    pressure = snapshots.pressure(window).report
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"lotsa-capacity-{window.now:%Y-%m-%d}-{window.days}-days.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(pressure))
    return response
