"""The Gaps view: unmet needs on a map and in tables, their anonymised examples, and CSV.

For the municipality's planners (`reports.view_gaps`); everyone else gets 404. Counts only:
a group's examples (the unmet needs' own fields) are shown when it holds at least
`LOTSA_REPORT_MIN_GROUP` of them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from .. import access, gaps
from ..areas import municipality_name
from ..forms import ExamplesForm, GapFilterForm

# The CSV's columns: machine-readable English names (see the reports' documentation).
CSV_COLUMNS = ("table", "key", "label", "count", "latitude", "longitude")


def _examples_url(form: GapFilterForm, **group: str) -> str:
    return f"{reverse('reports:gap-examples')}?{form.query(**group)}"


def _linked(
    rows: Iterable[gaps.Row], group: Callable[[gaps.Row], dict[str, str]], form: GapFilterForm
) -> list[dict[str, Any]]:
    """Rows with the link to their examples — only for groups large enough to show them."""
    minimum = gaps.min_group()
    return [
        {"row": row, "url": _examples_url(form, **group(row)) if row.count >= minimum else ""}
        for row in rows
    ]


def _month_label(row: gaps.Row) -> str:
    month = gaps.month_of(row.key)
    return date_format(month, "YEAR_MONTH_FORMAT") if month else row.key


def _need_and_area(row: gaps.Row) -> dict[str, str]:
    need, _bar, area = row.key.partition("|")
    return {"need": need, "area": area}


def _map_points(report: gaps.Gaps, form: GapFilterForm) -> list[dict[str, Any]]:
    """The map's points as plain data for `gaps.js` (labels are text, never HTML)."""
    minimum = gaps.min_group()
    return [
        {
            "lat": point.lat,
            "lon": point.lon,
            "count": point.count,
            "approximate": point.is_approximate,
            "areas": [
                {
                    "label": row.label,
                    "count": row.count,
                    "url": _examples_url(form, area=row.key) if row.count >= minimum else "",
                }
                for row in point.areas
            ],
        }
        for point in gaps.map_points(report.by_area)
    ]


@login_required
@require_safe
def gaps_view(request: HttpRequest) -> HttpResponse:
    municipalities = access.require_planner(request)
    form = GapFilterForm(request.GET or None, municipalities=municipalities)
    filters = form.filters()
    report = gaps.gaps(filters)
    months = [
        {"row": row, "label": _month_label(row), "url": item["url"]}
        for row, item in zip(
            report.by_month,
            _linked(report.by_month, lambda row: {"by": "month", "key": row.key}, form),
            strict=True,
        )
    ]
    return render(
        request,
        "reports/gaps.html",
        {
            "form": form,
            "filters": filters,
            "report": report,
            "municipality_names": [municipality_name(key) for key in municipalities],
            "min_group": gaps.min_group(),
            "by_need": _linked(report.by_need, lambda row: {"need": row.key}, form),
            "by_area": _linked(report.by_area, lambda row: {"area": row.key}, form),
            "by_need_and_area": _linked(report.by_need_and_area, _need_and_area, form),
            "by_audience": _linked(
                report.by_audience, lambda row: {"by": "audience", "key": row.key}, form
            ),
            "by_reason": _linked(
                report.by_reason, lambda row: {"by": "reason", "key": row.key}, form
            ),
            "by_age_band": _linked(
                report.by_age_band, lambda row: {"by": "age_band", "key": row.key}, form
            ),
            "by_month": months,
            "month_max": max((row.count for row in report.by_month), default=0),
            "map_points": _map_points(report, form),
            "any_approximate": any(row.is_approximate for row in report.by_area),
            "csv_query": form.query(),
        },
    )


@login_required
@require_safe
def gap_examples(request: HttpRequest) -> HttpResponse:
    """The anonymised examples of one gap: the filters, and optionally one table's group."""
    municipalities = access.require_planner(request)
    form = ExamplesForm(request.GET or None, municipalities=municipalities)
    filters = form.filters()
    by, key = form.group()
    needs = gaps.in_group(gaps.unmet_needs(filters), by, key) if by else gaps.unmet_needs(filters)
    count, examples = gaps.examples(needs)
    return render(
        request,
        "reports/examples.html",
        {
            "form": form,
            "filters": filters,
            "count": count,
            "examples": examples,
            "min_group": gaps.min_group(),
            "described": _describe(form, filters, by, key),
            "back_query": form.query(),
        },
    )


def _describe(form: GapFilterForm, filters: gaps.Filters, by: str, key: str) -> list[str]:
    """What the examples are of, in words: the chosen need, area and group."""
    parts = []
    for name in ("need", "area"):
        value = getattr(filters, name)
        if value:
            choices = dict(form.fields[name].choices)  # type: ignore[attr-defined]
            parts.append(str(choices.get(value, value)))
    if by == "month" and (month := gaps.month_of(key)):
        parts.append(date_format(month, "YEAR_MONTH_FORMAT"))
    elif by == "reason":
        parts.append(str(gaps.Why(key).label))
    elif by == "age_band":
        parts.append(str(gaps.AgeBand(key).label) if key != gaps.NONE else "–")
    elif by == "audience":
        labels = {row.key: row.label for row in gaps.by_audience(gaps.unmet_needs(filters))}
        parts.append(labels.get(key, key))
    return parts


@login_required
@require_safe
def gaps_csv(request: HttpRequest) -> HttpResponse:
    """Every table of the Gaps view as one CSV (UTF-8 with a BOM, so that Excel reads it)."""
    municipalities = access.require_planner(request)
    form = GapFilterForm(request.GET or None, municipalities=municipalities)
    if form.is_bound and not form.is_valid():
        errors = "; ".join(
            f"{name}: {' '.join(map(str, texts))}" for name, texts in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    filters = form.filters()
    report = gaps.gaps(filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"lotsa-gaps-{filters.since:%Y-%m-%d}-{filters.until:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for table, row in csv_rows(report):
        lat = getattr(row, "lat", None)
        lon = getattr(row, "lon", None)
        writer.writerow(
            [
                table,
                row.key,
                row.label,
                row.count,
                "" if lat is None else f"{lat:.5f}",
                "" if lon is None else f"{lon:.5f}",
            ]
        )
    return response


def csv_rows(report: gaps.Gaps) -> Iterable[tuple[str, gaps.Row]]:
    yield "total", gaps.Row("total", "total", report.total)
    tables: tuple[tuple[str, list[Any]], ...] = (
        ("need", report.by_need),
        ("audience", report.by_audience),
        ("area", report.by_area),
        ("reason", report.by_reason),
        ("age_band", report.by_age_band),
        ("month", report.by_month),
        ("need_area", report.by_need_and_area),
    )
    for table, rows in tables:
        for row in rows:
            yield table, row
