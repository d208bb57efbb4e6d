"""The outcome report: per instrument scale the change from baseline to a follow-up, with
its confidence interval, test, effect size and the share improved; over time; by subgroup
("what works for whom"); the ONS loneliness answers before and after; as a page, CSV and
XLSX.

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

from .. import snapshots, tables
from ..change import PAIRED_T, WILCOXON
from ..filters import OutcomeForm, follow_up_points
from ..outcome_report import ChangeRow, OutcomeReport, ScaleRef, all_scales
from ..scope import require_manager
from ..snapshots import Snapshot
from ..suppression import is_small, min_group
from ..tables import FLAG, INTEGER, NUMBER, SHARE, TEXT, Column, Table
from .manager_pages import about_rows, chart, export_name, period_label, snapshot_note


def _form(request: HttpRequest) -> OutcomeForm:
    scope = require_manager(request)
    return OutcomeForm(
        request.GET or None,
        scope=scope,
        scales=[(ref.key, ref.label) for ref in all_scales()],
    )


def _report(form: OutcomeForm) -> Snapshot[OutcomeReport]:
    period, months, points = form.period(), form.chosen_months(), follow_up_points()
    return snapshots.outcomes(period, months, points)


def chosen_scale(report: OutcomeReport, key: str) -> ScaleRef | None:
    """The scale to show over time and by group: the one asked for if it has data, else the
    first with numbers at the chosen point, else the first with any data."""
    if key and (ref := report.scale(key)) is not None:
        return ref
    for row in report.summary:
        if not row.is_suppressed:
            return report.scale(row.key)
    return report.scales[0] if report.scales else None


def test_name(test: str) -> str:
    return {PAIRED_T: _("paired t-test"), WILCOXON: _("Wilcoxon signed-rank test")}.get(test, "")


def _change_chart(rows: list[ChangeRow], title: str) -> dict[str, Any] | None:
    """A bar per group; None when every group is suppressed (nothing to draw)."""
    if all(row.change is None for row in rows):
        return None
    return chart(
        "bar",
        [row.label for row in rows],
        [
            {
                "label": title,
                "data": [row.change.mean_change if row.change else None for row in rows],
            }
        ],
        horizontal=True,
        x_title=title,
    )


def _timeline_chart(rows: list[ChangeRow]) -> dict[str, Any]:
    labels = [_("Baseline"), *(row.label for row in rows)]
    return chart(
        "line",
        labels,
        [
            {
                "label": _("Mean change"),
                "data": [0.0, *(row.change.mean_change if row.change else None for row in rows)],
            },
            {
                "label": _("Confidence interval (95 %), lower"),
                "data": [None, *(row.change.ci_low if row.change else None for row in rows)],
                "style": "dashed",
            },
            {
                "label": _("Confidence interval (95 %), upper"),
                "data": [None, *(row.change.ci_high if row.change else None for row in rows)],
                "style": "dashed",
            },
        ],
        y_title=_("Change from baseline"),
    )


@login_required
@require_safe
def outcomes_view(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    made = _report(form)
    report = made.report
    chosen = chosen_scale(report, form.chosen_scale())
    timeline = report.over_time.get(chosen.key, []) if chosen else []
    subgroups = report.subgroups.get(chosen.key, []) if chosen else []
    categorical = [
        {
            "report": item,
            "chart": chart(
                "bar",
                [row.label for row in item.rows],
                [
                    {"label": _("Baseline"), "data": [row.before for row in item.rows]},
                    {
                        "label": _("%(months)s months") % {"months": report.months},
                        "data": [row.after for row in item.rows],
                    },
                ],
                y_title=_("People"),
            ),
        }
        for item in report.categorical
    ]
    return render(
        request,
        "reports/outcomes.html",
        {
            "form": form,
            "extra_fields": [form["months"], form["scale"]],
            "report": report,
            "cases_small": is_small(report.cases),
            "period_label": period_label(form.period()),
            "snapshot_note": snapshot_note(made),
            "min_group": min_group(),
            "query": form.query(),
            "summary": [
                {"row": row, "ref": report.scale(row.key), "test": _test_of(row)}
                for row in report.summary
            ],
            "chosen": chosen,
            "timeline": [{"row": row, "test": _test_of(row)} for row in timeline],
            "timeline_chart": _timeline_chart(timeline) if timeline else None,
            "subgroups": [
                {
                    "table": table,
                    "chart": _change_chart(table.rows, _("Mean change")),
                    "chart_id": f"subgroup-{table.dimension}",
                }
                for table in subgroups
            ],
            "categorical": categorical,
            "any_numbers": any(not row.is_suppressed for row in report.summary)
            or any(item.change for item in report.categorical),
        },
    )


def _test_of(row: ChangeRow) -> str:
    return test_name(row.change.test) if row.change else ""


# --- the files ------------------------------------------------------------------------------------


def _change_cells(row: ChangeRow) -> list[Any]:
    change = row.change
    if change is None:
        return [None] * 13 + [True]
    share_hidden = row.share_hidden
    return [
        change.n,
        change.mean_before,
        change.mean_after,
        change.mean_change,
        change.ci_low,
        change.ci_high,
        change.test,
        change.p,
        change.t_p,
        change.normality_p,
        change.wilcoxon_p,
        change.cohens_dz,
        None if share_hidden else change.improved_share,
        False,
    ]


def _change_columns() -> list[Column]:
    return [
        Column("n", _("People"), INTEGER),
        Column("mean_before", _("Mean at baseline"), NUMBER),
        Column("mean_after", _("Mean at follow-up"), NUMBER),
        Column("mean_change", _("Mean change"), NUMBER),
        Column("ci_low", _("95 % CI, lower"), NUMBER),
        Column("ci_high", _("95 % CI, upper"), NUMBER),
        Column("test", _("Test reported"), TEXT),
        Column("p_value", _("p (test reported)"), NUMBER),
        Column("t_test_p", _("p (paired t-test)"), NUMBER),
        Column("normality_p", _("p (Shapiro–Wilk, normality)"), NUMBER),
        Column("wilcoxon_p", _("p (Wilcoxon signed-rank)"), NUMBER),
        Column("cohens_dz", _("Cohen's d_z"), NUMBER),
        Column("improved_share", _("Share improved meaningfully"), SHARE),
        Column("suppressed", _("Fewer than %(n)s: not shown") % {"n": min_group()}, FLAG),
    ]


def _scale_cells(ref: ScaleRef | None, key: str) -> list[Any]:
    if ref is None:
        return [key, "", "", "", None, None]
    return [
        ref.key,
        ref.instrument.code,
        ref.scale.key,
        ref.label,
        ref.scale.higher_is_better,
        ref.scale.meaningful_change,
    ]


def _scale_columns() -> list[Column]:
    return [
        Column("scale_key", _("Key")),
        Column("instrument", _("Instrument")),
        Column("scale", _("Scale")),
        Column("label", _("Name")),
        Column("higher_is_better", _("Higher is better"), FLAG),
        Column("meaningful_change", _("Meaningful change"), NUMBER),
    ]


def export_tables(report: OutcomeReport) -> list[Table]:
    """Every table of the outcome report — for every scale, not only the one on the page."""
    months = Column("follow_up_months", _("Follow-up (months)"), INTEGER)
    result = [
        Table(
            "change",
            _("Change from baseline to %(months)s months") % {"months": report.months},
            [*_scale_columns(), months, *_change_columns()],
            [
                [*_scale_cells(report.scale(row.key), row.key), report.months, *_change_cells(row)]
                for row in report.summary
            ],
        ),
        Table(
            "over_time",
            _("Change over time"),
            [*_scale_columns(), months, *_change_columns()],
            [
                [*_scale_cells(report.scale(key), key), int(row.key), *_change_cells(row)]
                for key, rows in report.over_time.items()
                for row in rows
            ],
        ),
        Table(
            "subgroups",
            _("By group at %(months)s months") % {"months": report.months},
            [
                *_scale_columns(),
                months,
                Column("dimension", _("Grouped by")),
                Column("group", _("Group key")),
                Column("group_label", _("Group")),
                *_change_columns(),
            ],
            [
                [
                    *_scale_cells(report.scale(key), key),
                    report.months,
                    table.dimension,
                    row.key,
                    row.label,
                    *_change_cells(row),
                ]
                for key, group_tables in report.subgroups.items()
                for table in group_tables
                for row in table.rows
            ],
        ),
    ]
    for item in report.categorical:
        code = item.instrument.code
        if item.change is None:
            result.append(
                Table(
                    code,
                    item.instrument.label,
                    [
                        Column("key", _("Key")),
                        Column("suppressed", _("Fewer than %(n)s") % {"n": min_group()}, FLAG),
                    ],
                    [["total", True]],
                )
            )
            continue
        result.append(
            Table(
                code,
                item.instrument.label,
                [
                    Column("answer", _("Answer"), INTEGER),
                    Column("label", _("Name")),
                    months,
                    Column("baseline", _("At baseline"), INTEGER),
                    Column("follow_up", _("At follow-up"), INTEGER),
                    Column(
                        "suppressed", _("Fewer than %(n)s: not shown") % {"n": min_group()}, FLAG
                    ),
                ],
                [
                    [
                        row.value,
                        row.label,
                        report.months,
                        row.before,
                        row.after,
                        row.before is None or row.after is None,
                    ]
                    for row in item.rows
                ],
            )
        )
        result.append(
            Table(
                f"{code}_shift",
                _("Answers that changed"),
                [
                    Column("key", _("Key")),
                    Column("label", _("Name")),
                    months,
                    Column("count", _("People"), INTEGER),
                    Column(
                        "suppressed", _("Fewer than %(n)s: not shown") % {"n": min_group()}, FLAG
                    ),
                ],
                [
                    [key, label, report.months, count, count is None]
                    for key, label, count in item.shifts
                ],
            )
        )
    return result


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(form.error_text(), status=400, content_type="text/plain; charset=utf-8")
    made = _report(form)
    report = made.report
    name = export_name("outcomes", report.period, f"{report.months}-months")
    if fmt == "csv":
        return tables.csv_response(export_tables(report), name)
    return tables.xlsx_response(
        export_tables(report),
        name,
        about=about_rows(
            form,
            report.period,
            _("Outcomes"),
            (_("Follow-up"), _("%(months)s months") % {"months": report.months}),
            (
                _("Statistics"),
                _(
                    "Mean change (follow-up − baseline) with a confidence interval (95 %) from "
                    "the t distribution; the paired t-test, or the Wilcoxon signed-rank test "
                    "when Shapiro–Wilk rejects normality of the changes (p < 0.05); Cohen's "
                    "d_z = mean change ÷ standard deviation of the changes. Groups show "
                    "estimates, not tests."
                ),
            ),
            computed_at=made.computed_at,
        ),
        title=_("Outcomes"),
    )


@login_required
@require_safe
def outcomes_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@login_required
@require_safe
def outcomes_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")
