"""The reports' filters: a period, a need and an area for the gaps, a window for capacity.

Filters arrive in the URL, so anything may come: a field that does not validate is shown
with its error and left out (the report falls back to its default), never a server error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Count
from django.db.models.functions import Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotsa.accounts.forms import PeriodForm
from lotsa.directory.models import Term
from lotsa.referrals.models import UnmetNeed

from . import capacity, gaps

MAX_MONTHS = 60
WINDOWS = (30, 90, 180, 365)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    months = first.year * 12 + first.month - 1 - 11
    return dt.date(months // 12, months % 12 + 1, 1), today


def months(since: dt.date, until: dt.date) -> int:
    """Whole months from the month of `since` to the month of `until`."""
    return (until.year - since.year) * 12 + until.month - since.month


def area_choices(municipalities: tuple[str, ...]) -> list[tuple[str, str]]:
    """The areas unmet needs were recorded in, in the planner's municipalities (one query)."""
    rows = (
        UnmetNeed.objects.filter(municipality__in=municipalities)
        .values("municipality", area_trimmed=Trim("area"))
        .annotate(count=Count("pk"))
        .order_by()
    )
    several = len(municipalities) > 1
    choices = [
        (
            gaps.area_key(row["municipality"], row["area_trimmed"] or ""),
            gaps.area_label(
                row["municipality"], row["area_trimmed"] or "", with_municipality=several
            ),
        )
        for row in rows
    ]
    return sorted(choices, key=lambda choice: choice[1].casefold())


def need_choices() -> list[tuple[str, str]]:
    terms = Term.objects.filter(vocabulary=Term.Vocabulary.CATEGORY)
    return [(term.code, term.name) for term in terms]


class GapFilterForm(PeriodForm):
    need = forms.ChoiceField(label=_("Need"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)

    def __init__(self, *args: Any, municipalities: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipalities = municipalities
        # An unbound form shows the period the report counts by default.
        self.fields["since"].initial, self.fields["until"].initial = default_period()
        need = self.fields["need"]
        assert isinstance(need, forms.ChoiceField)
        need.choices = [
            ("", _("Every need")),
            *need_choices(),
            (gaps.NONE, _("Described in words only")),
        ]
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [("", _("Every area")), *area_choices(municipalities)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and months(since, until) >= MAX_MONTHS:
            self.add_error(
                "until",
                _("Choose a period of at most %(months)s months.") % {"months": MAX_MONTHS},
            )
        return data

    def filters(self) -> gaps.Filters:
        """The filters to count by: the valid fields, defaults for the rest."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        since, until = data.get("since"), data.get("until")
        if until is None:
            until = max(since or timezone.localdate(), timezone.localdate())
        if since is None or since > until or months(since, until) >= MAX_MONTHS:
            since = default_period(until)[0]
        return gaps.Filters(
            municipalities=self.municipalities,
            since=since,
            until=until,
            need=data.get("need") or "",
            area=data.get("area") or "",
        )

    def query(self, **extra: str) -> str:
        """The valid filters as a query string (empty ones left out), plus `extra`."""
        data = getattr(self, "cleaned_data", {})
        values = {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name in ("since", "until", "need", "area")
            if (value := data.get(name)) and name not in self.errors
        }
        values.update({name: value for name, value in extra.items() if value})
        return urlencode(values)


class ExamplesForm(GapFilterForm):
    """The filters, and optionally one group of a table (`by`, `key`)."""

    by = forms.ChoiceField(
        label=_("Table"),
        required=False,
        choices=[("", "")] + [(name, name) for name in gaps.GROUPINGS],
        widget=forms.HiddenInput,
    )
    key = forms.CharField(
        label=_("Group"), required=False, max_length=120, widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        by, key = data.get("by") or "", data.get("key") or ""
        if by and not key:
            self.add_error("key", _("Choose a group."))
        elif by == "month" and gaps.month_of(key) is None:
            self.add_error("key", _("Choose a month as YYYY-MM."))
        elif by == "reason" and key not in gaps.Why.values:
            self.add_error("key", _("Choose one of the reasons."))
        elif by == "age_band" and key != gaps.NONE and key not in gaps.AgeBand.values:
            self.add_error("key", _("Choose one of the age bands."))
        return data

    def group(self) -> tuple[str, str]:
        """The group asked for, or ("", "") for all the filters hold."""
        if "by" in self.errors or "key" in self.errors:
            return "", ""
        data = getattr(self, "cleaned_data", {})
        return data.get("by") or "", data.get("key") or ""


class WindowForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Referrals and answers of the last"), coerce=int, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["days"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(days, _("%(days)s days") % {"days": days}) for days in WINDOWS]

    def chosen_days(self) -> int:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return int(data.get("days") or capacity.DEFAULT_DAYS)
