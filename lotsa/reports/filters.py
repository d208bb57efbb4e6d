"""The filters of the managers' reports: a period and a unit for all three, the follow-up
point and the scale for the outcomes, and the cost calculator's inputs.

Filters arrive in the URL, so anything may come: a field that does not validate is shown with
its error and left out (the report uses its default), never a server error. The exports
answer a bad filter with 400 instead, so that a file never silently holds something else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotsa.accounts.forms import PeriodForm

from . import roi
from .cohort import Period
from .forms import MAX_MONTHS, months
from .scope import Scope

# The default period: cohorts need time to reach their follow-ups, so two years, not one.
DEFAULT_MONTHS = 24


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last 24 months: from the first day of the month 23 months ago to today."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    index = first.year * 12 + first.month - 1 - (DEFAULT_MONTHS - 1)
    return dt.date(index // 12, index % 12 + 1, 1), today


class ManagerReportForm(PeriodForm):
    team = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)

    # The fields `query` carries into the links to the other formats.
    query_fields: tuple[str, ...] = ("since", "until", "team")

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["since"].initial, self.fields["until"].initial = default_period()
        team = self.fields["team"]
        assert isinstance(team, forms.ChoiceField)
        team.choices = [("", _("Every unit")), *((t.pk, t.name) for t in scope.teams())]
        team.help_text = _("A link worker team.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and months(since, until) >= MAX_MONTHS:
            self.add_error(
                "until",
                _("Choose a period of at most %(months)s months.") % {"months": MAX_MONTHS},
            )
        return data

    def valid_data(self) -> dict[str, Any]:
        """The fields that validated (the others are left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if name not in self.errors}

    def period(self) -> Period:
        """The period to count: the valid fields, defaults for the rest."""
        data = self.valid_data()
        since, until = data.get("since"), data.get("until")
        if until is None:
            until = max(since or timezone.localdate(), timezone.localdate())
        if since is None or since > until or months(since, until) >= MAX_MONTHS:
            since = default_period(until)[0]
        return Period(scope=self.scope, since=since, until=until, team_id=data.get("team"))

    def query(self, **extra: Any) -> str:
        """The valid filters as a query string (empty ones left out), plus `extra`."""
        data = self.valid_data()
        values = {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name in self.query_fields
            if (value := data.get(name)) not in (None, "")
        }
        values.update({name: value for name, value in extra.items() if value not in (None, "")})
        return urlencode(values)

    def error_text(self) -> str:
        """The errors as one line of text, for an export's 400 answer."""
        return "; ".join(
            f"{name}: {' '.join(map(str, texts))}" for name, texts in self.errors.items()
        )


def follow_up_points() -> list[int]:
    """The follow-up points after the baseline, in months (LOTSA_FOLLOW_UP_MONTHS)."""
    return sorted({int(months) for months in settings.LOTSA_FOLLOW_UP_MONTHS if int(months) > 0})


class OutcomeForm(ManagerReportForm):
    months = forms.TypedChoiceField(label=_("Follow-up at"), coerce=int, required=False)
    scale = forms.ChoiceField(label=_("Scale shown over time and by group"), required=False)

    query_fields = ("since", "until", "team", "months", "scale")

    def __init__(self, *args: Any, scales: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        points = follow_up_points()
        field = self.fields["months"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m, _("%(months)s months") % {"months": m}) for m in points]
        field.initial = points[0] if points else None
        scale = self.fields["scale"]
        assert isinstance(scale, forms.ChoiceField)
        scale.choices = [("", _("The first with data")), *scales]

    def chosen_months(self) -> int:
        points = follow_up_points()
        return int(self.valid_data().get("months") or (points[0] if points else 3))

    def chosen_scale(self) -> str:
        return str(self.valid_data().get("scale") or "")


def _money(label: Any, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=False,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(10_000_000))],
    )


class RoiForm(ManagerReportForm):
    """The calculator's inputs; each starts at its default (`roi.defaults`), shown on the
    page, and any may be changed."""

    link_worker_cost = _money(
        _("Link worker, per person"), _("What the link worker's time costs for one person.")
    )
    overhead_cost = _money(
        _("Programme overheads, per person"),
        _("Premises, training, management and mapping of offerings, divided per person."),
    )
    gp_visit_cost = _money(_("A visit to the health centre"))
    emergency_visit_cost = _money(_("A visit to the emergency department"))
    months_lasting = forms.IntegerField(
        label=_("Months the change lasts"),
        help_text=_(
            "The change was measured over six months; a longer time assumes it lasts as long."
        ),
        required=False,
        min_value=1,
        max_value=60,
    )

    query_fields = (
        "since",
        "until",
        "team",
        "link_worker_cost",
        "overhead_cost",
        "gp_visit_cost",
        "emergency_visit_cost",
        "months_lasting",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.defaults = roi.defaults(self.scope.country)
        for name, value in self.defaults.as_dict().items():
            self.fields[name].initial = value

    def inputs(self) -> roi.Inputs:
        """The inputs to calculate with: the valid fields, defaults for the rest."""
        data = self.valid_data()
        chosen = {name: data.get(name) for name in self.defaults.as_dict()}
        return dataclasses.replace(
            self.defaults, **{name: value for name, value in chosen.items() if value is not None}
        )
