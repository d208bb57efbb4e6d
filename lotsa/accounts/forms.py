"""Forms every app's pages share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .widgets import DateInput

# Dates outside these years say nothing about Lotsa's data (and break time zone arithmetic).
FIRST_DATE = dt.date(1970, 1, 1)
LAST_DATE = dt.date(2999, 12, 31)


def _in_range(value: dt.date | None) -> dt.date | None:
    if value is not None and not FIRST_DATE <= value <= LAST_DATE:
        raise forms.ValidationError(
            _("Choose a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
        )
    return value


class PeriodForm(forms.Form):
    """A period from one day to another, both optional and both days included (a filter in
    the URL: anything may come, and a bad date is a field error, never a server error)."""

    since = forms.DateField(label=_("From"), required=False, widget=DateInput)
    until = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def clean_since(self) -> dt.date | None:
        return _in_range(self.cleaned_data.get("since"))

    def clean_until(self) -> dt.date | None:
        return _in_range(self.cleaned_data.get("until"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start."))
        return data
