"""What the managers' report pages share: a chart's data for `charts.js`, the exports' file
names and their About sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..cohort import Period
from ..filters import ManagerReportForm
from ..snapshots import Snapshot
from ..suppression import min_group


def chart(
    kind: str,
    labels: Sequence[str],
    datasets: Sequence[dict[str, Any]],
    *,
    horizontal: bool = False,
    y_title: str = "",
    x_title: str = "",
) -> dict[str, Any]:
    """A chart as plain data (`json_script`): `kind` "bar" or "line"; each dataset a label,
    its values (None where a value is suppressed: no bar, no point) and optionally a
    `style` ("dashed" for an interval's bounds)."""
    return {
        "type": kind,
        "labels": [str(label) for label in labels],
        "datasets": [
            {
                "label": str(dataset["label"]),
                "data": [
                    None if value is None else round(float(value), 4) for value in dataset["data"]
                ],
                "style": dataset.get("style", ""),
            }
            for dataset in datasets
        ],
        "horizontal": horizontal,
        "yTitle": str(y_title),
        "xTitle": str(x_title),
    }


def period_label(period: Period) -> str:
    return _("%(since)s to %(until)s") % {
        "since": date_format(period.since, "DATE_FORMAT"),
        "until": date_format(period.until, "DATE_FORMAT"),
    }


def snapshot_note(made: Snapshot[Any]) -> str:
    """When the figures were computed, and for how long they are kept (see `snapshots`)."""
    when = date_format(timezone.localtime(made.computed_at), "DATETIME_FORMAT")
    if settings.LOTSA_REPORT_SNAPSHOT_SECONDS <= 0:
        return _("Figures computed %(when)s.") % {"when": when}
    return _(
        "Figures computed %(when)s. A report is computed again when it is %(minutes)s minutes old."
    ) % {"when": when, "minutes": made.kept_minutes}


def export_name(report: str, period: Period, *parts: str) -> str:
    """The exports' file name without its suffix: lotsa-<report>-<since>-<until>[-parts]."""
    return "-".join(
        ["lotsa", report, f"{period.since:%Y-%m-%d}", f"{period.until:%Y-%m-%d}", *parts]
    )


def unit_label(form: ManagerReportForm, period: Period) -> str:
    if period.team_id is None:
        return _("Every unit")
    choices = dict(form.fields["team"].choices)  # type: ignore[attr-defined]
    return str(choices.get(period.team_id, period.team_id))


def about_rows(
    form: ManagerReportForm,
    period: Period,
    report: str,
    *extra: tuple[str, str],
    computed_at: dt.datetime | None = None,
) -> list[tuple[str, str]]:
    """The XLSX's About sheet: what the file holds and how it was counted."""
    return [
        (_("Report"), report),
        (_("Organisations"), ", ".join(period.scope.organization_names)),
        (_("Referrals made"), period_label(period)),
        (_("Unit"), unit_label(form, period)),
        *extra,
        (
            _("Small groups"),
            _(
                "Groups of fewer than %(n)s people are not shown (empty cells, marked in the "
                "column “Fewer than %(n)s: not shown”)."
            )
            % {"n": min_group()},
        ),
        (_("Made"), date_format(timezone.localtime(), "DATETIME_FORMAT")),
        *(
            [
                (
                    _("Figures computed"),
                    date_format(timezone.localtime(computed_at), "DATETIME_FORMAT"),
                )
            ]
            if computed_at
            else []
        ),
    ]
