"""The flow report: from referral to still attending at three months, the time to first
contact, reasons, pathways and who is reached; as a page, CSV and XLSX.

For managers (`reports.view_outcomes`), over their organisation's referrals; everyone else
gets 404. Aggregates only, every group under `LOTSA_REPORT_MIN_GROUP` suppressed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import flow as flows
from .. import snapshots, tables
from ..filters import ManagerReportForm
from ..scope import require_manager
from ..suppression import min_group
from ..tables import FLAG, INTEGER, NUMBER, SHARE, Column, Table
from .manager_pages import about_rows, chart, export_name, period_label, snapshot_note


def _form(request: HttpRequest) -> ManagerReportForm:
    scope = require_manager(request)
    return ManagerReportForm(request.GET or None, scope=scope)


@login_required
@require_safe
def flow_view(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    made = snapshots.flow(form.period())
    report = made.report
    steps = [{"row": row, "help": flows.STEP_HELP[row.key]} for row in report.steps]
    return render(
        request,
        "reports/flow.html",
        {
            "form": form,
            "report": report,
            "steps": steps,
            "period_label": period_label(form.period()),
            "snapshot_note": snapshot_note(made),
            "min_group": min_group(),
            "query": form.query(),
            "flow_chart": chart(
                "bar",
                [str(row.label) for row in report.steps],
                [{"label": _("Referrals"), "data": [row.count for row in report.steps]}],
                horizontal=True,
            ),
        },
    )


def _count_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("label", _("Group")),
        Column("count", _("Referrals"), INTEGER),
        Column("share", _("Share"), SHARE),
        Column("suppressed", _("Fewer than %(n)s: not shown") % {"n": min_group()}, FLAG),
    ]


def _count_rows(rows: list[flows.Count]) -> list[list[Any]]:
    return [[row.key, row.label, row.count, row.share, row.is_suppressed] for row in rows]


def export_tables(report: flows.Flow) -> list[Table]:
    """Every table of the flow page, as the exports hold them."""
    key = Column("key", _("Key"))
    if report.is_too_small:
        return [
            Table(
                "total",
                _("Referrals"),
                [key, Column("suppressed", _("Fewer than %(n)s") % {"n": min_group()}, FLAG)],
                [["total", True]],
            )
        ]
    first = report.first_contact
    area_columns = [
        *_count_columns(key),
        Column("population", _("Inhabitants (town)"), INTEGER),
        Column("per_10000", _("Referrals per 10,000 inhabitants"), NUMBER),
    ]
    return [
        Table(
            "flow", _("From referral to activity"), _count_columns(key), _count_rows(report.steps)
        ),
        Table(
            "first_contact",
            _("Time to first contact"),
            [
                key,
                Column("contacted", _("Contacted"), INTEGER),
                Column("median_days", _("Median days to first contact"), NUMBER),
                Column("due", _("Due date passed or contacted"), INTEGER),
                Column("within_due", _("Contacted by the due date"), INTEGER),
                Column("within_due_share", _("Share contacted by the due date"), SHARE),
            ],
            [
                [
                    "total",
                    first.contacted,
                    first.median_days,
                    first.due,
                    first.within_due,
                    first.within_share,
                ]
            ],
        ),
        Table("status", _("After triage"), _count_columns(key), _count_rows(report.by_status)),
        Table(
            "reason", _("Reasons for referral"), _count_columns(key), _count_rows(report.by_reason)
        ),
        Table("pathway", _("Pathway"), _count_columns(key), _count_rows(report.by_source)),
        Table("age_band", _("Age band"), _count_columns(key), _count_rows(report.by_age_band)),
        Table("sex", _("Sex"), _count_columns(key), _count_rows(report.by_sex)),
        Table(
            "area",
            _("Town"),
            area_columns,
            [
                [*cells, row.population, row.per_10000]
                for cells, row in zip(_count_rows(report.by_area), report.by_area, strict=True)
            ],
        ),
    ]


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(form.error_text(), status=400, content_type="text/plain; charset=utf-8")
    period = form.period()
    made = snapshots.flow(period)
    report = made.report
    name = export_name("flow", period)
    if fmt == "csv":
        return tables.csv_response(export_tables(report), name)
    return tables.xlsx_response(
        export_tables(report),
        name,
        about=about_rows(form, period, _("Flow"), computed_at=made.computed_at),
        title=_("Flow"),
    )


@login_required
@require_safe
def flow_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@login_required
@require_safe
def flow_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")
