"""The return-on-investment calculator: editable costs with visible defaults, the measured
change in health-care use, and the net cost or saving per person and per krona with a
sensitivity range; as a page, CSV and XLSX.

For managers (`reports.view_outcomes`), over their organisation's referrals; everyone else
gets 404. Aggregates only: with fewer than `LOTSA_REPORT_MIN_GROUP` people measured before
and after, no figure is shown.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import roi, snapshots, tables
from ..filters import RoiForm
from ..scope import require_manager
from ..snapshots import Snapshot
from ..suppression import is_small, min_group
from ..tables import FLAG, INTEGER, NUMBER, SHARE, TEXT, Column, Table
from .manager_pages import about_rows, chart, export_name, period_label, snapshot_note


def _form(request: HttpRequest) -> RoiForm:
    scope = require_manager(request)
    return RoiForm(request.GET or None, scope=scope)


def _calculate(
    form: RoiForm,
) -> tuple[int, roi.Result | None, Snapshot[dict[roi.UsePair, int]]]:
    """How many people have health-care use recorded before and after, the result (None
    when they are too few to show), and when the use was read."""
    made = snapshots.use_pairs(form.period())
    people = sum(made.report.values())
    result = roi.calculate(made.report, form.inputs()) if people >= min_group() else None
    return people, result, made


@login_required
@require_safe
def roi_view(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    period = form.period()
    inputs = form.inputs()
    n, result, made = _calculate(form)
    visits_chart = None
    if result is not None:
        visits_chart = chart(
            "bar",
            [_("Health centre"), _("Emergency department")],
            [
                {
                    "label": _("Six months before"),
                    "data": [result.gp.before, result.emergency.before],
                },
                {"label": _("Six months after"), "data": [result.gp.after, result.emergency.after]},
            ],
            y_title=_("Visits per person"),
        )
    return render(
        request,
        "reports/roi.html",
        {
            "form": form,
            "period": period,
            "period_label": period_label(period),
            "snapshot_note": snapshot_note(made),
            "inputs": inputs,
            "defaults": form.defaults,
            "currency": inputs.currency,
            "n": n,
            "n_small": is_small(n),
            "result": result,
            "visits_chart": visits_chart,
            "min_group": min_group(),
            "query": form.query(),
            "cost_fields": [
                form[name]
                for name in (
                    "link_worker_cost",
                    "overhead_cost",
                    "gp_visit_cost",
                    "emergency_visit_cost",
                    "months_lasting",
                )
            ],
        },
    )


def export_tables(form: RoiForm, result: roi.Result | None) -> list[Table]:
    """The calculator's inputs, the measured change and the result, as on the page."""
    inputs, defaults = form.inputs(), form.defaults
    input_rows = [
        [
            name,
            str(form.fields[name].label),
            float(value),
            float(defaults.as_dict()[name]),
            "months" if name == "months_lasting" else inputs.currency,
        ]
        for name, value in inputs.as_dict().items()
    ]
    suppressed_label = _("Fewer than %(n)s: not shown") % {"n": min_group()}
    measured_columns = [
        Column("key", _("Key")),
        Column("label", _("Name")),
        Column("n", _("People"), INTEGER),
        Column("mean_before", _("Six months before (mean)"), NUMBER),
        Column("mean_after", _("Six months after (mean)"), NUMBER),
        Column("mean_change", _("Mean change"), NUMBER),
        Column("ci_low", _("95 % CI, lower"), NUMBER),
        Column("ci_high", _("95 % CI, upper"), NUMBER),
        Column("relative_change", _("Relative change"), SHARE),
        Column("suppressed", suppressed_label, FLAG),
    ]
    result_columns = [
        Column("key", _("Key")),
        Column("label", _("Name")),
        Column("value", _("Value"), NUMBER),
        Column("low", _("Range, low"), NUMBER),
        Column("high", _("Range, high"), NUMBER),
        Column("unit", _("Unit"), TEXT),
        Column("suppressed", suppressed_label, FLAG),
    ]
    tables_ = [
        Table(
            "inputs",
            _("Inputs"),
            [
                Column("key", _("Key")),
                Column("label", _("Name")),
                Column("value", _("Value"), NUMBER),
                Column("default", _("Default"), NUMBER),
                Column("unit", _("Unit"), TEXT),
            ],
            input_rows,
        )
    ]
    if result is None:
        tables_.append(
            Table(
                "measured",
                _("Measured health-care use"),
                measured_columns,
                [["people", _("People"), None, *[None] * 6, True]],
            )
        )
        return tables_
    visits = (
        ("gp_visits", _("Visits to the health centre"), result.gp),
        ("emergency_visits", _("Emergency department visits"), result.emergency),
    )
    tables_.append(
        Table(
            "measured",
            _("Measured health-care use"),
            measured_columns,
            [
                [
                    key,
                    label,
                    result.n,
                    change.before,
                    change.after,
                    change.change,
                    change.ci_low,
                    change.ci_high,
                    change.relative,
                    False,
                ]
                for key, label, change in visits
            ],
        )
    )
    money = inputs.currency
    change = result.cost_change
    # (key, name, value, range low, range high, unit)
    figures = [
        ("cost_before", _("Health-care cost, six months before"), result.cost_before, None, None),
        ("cost_after", _("Health-care cost, six months after"), result.cost_after, None, None),
        (
            "cost_change",
            _("Change in health-care cost over the months it lasts"),
            change.change,
            change.ci_low,
            change.ci_high,
        ),
        ("saving", _("Saving"), result.saving, result.saving_low, result.saving_high),
        ("programme_cost", _("Programme cost"), result.programme_cost, None, None),
        (
            "net",
            _("Net saving (negative: net cost)"),
            result.net,
            result.net_low,
            result.net_high,
        ),
        (
            "per_krona",
            _("Saving per krona spent"),
            result.per_krona,
            result.per_krona_low,
            result.per_krona_high,
        ),
    ]
    tables_.append(
        Table(
            "result",
            _("Result per person"),
            result_columns,
            [
                [key, label, value, low, high, money if key != "per_krona" else "ratio", False]
                for key, label, value, low, high in figures
            ],
        )
    )
    return tables_


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(form.error_text(), status=400, content_type="text/plain; charset=utf-8")
    period = form.period()
    _n, result, made = _calculate(form)
    name = export_name("roi", period)
    found = export_tables(form, result)
    if fmt == "csv":
        return tables.csv_response(found, name)
    return tables.xlsx_response(
        found,
        name,
        about=about_rows(
            form,
            period,
            _("Return on investment"),
            (
                _("Method"),
                _(
                    "Visits in the six months before and after the referral, for the people "
                    "with both recorded; priced with the inputs; the range is the confidence "
                    "interval (95 %) of the mean priced change per person. No comparison "
                    "group: part of the change may have happened anyway."
                ),
            ),
            computed_at=made.computed_at,
        ),
        title=_("Return on investment"),
    )


@login_required
@require_safe
def roi_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@login_required
@require_safe
def roi_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")
