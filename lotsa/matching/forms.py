"""The on-the-spot filters of the suggestions page: a GET form that starts from the case."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from lotsa.directory.filters import MAX_RADIUS_KM
from lotsa.referrals.models import TIMES_OF_DAY, WEEKDAYS, Case


class SuggestionFilterForm(forms.Form):
    """Re-rank for this visit without changing the case: days, times, distance, places, online.

    The page opens with the case's own constraints; once the form is sent (`changed` is in
    the URL) what it says counts, so that a box can be unticked."""

    changed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    day = forms.MultipleChoiceField(
        label=_("Days"), required=False, choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    time = forms.MultipleChoiceField(
        label=_("Times of day"),
        required=False,
        choices=TIMES_OF_DAY,
        widget=forms.CheckboxSelectMultiple,
    )
    km = forms.IntegerField(
        label=_("Within (km)"), required=False, min_value=1, max_value=MAX_RADIUS_KM
    )
    free_places = forms.BooleanField(label=_("Only with free places"), required=False)
    online = forms.BooleanField(label=_("Include online activities"), required=False)

    def __init__(self, data: QueryDict, case: Case) -> None:
        self.was_sent = bool(data.get("changed"))
        if not self.was_sent:
            data = QueryDict(mutable=True)
            data.setlist("day", list(case.available_days))
            data.setlist("time", list(case.available_times))
            if case.max_travel_km is not None:
                data["km"] = str(case.max_travel_km)
            data["online"] = "on"
        data = data.copy()
        data["changed"] = "1"
        super().__init__(data)

    def filters(self) -> dict[str, Any]:
        """The valid values (an invalid one is left out, as in the directory's search)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "days": frozenset(data.get("day") or ()),
            "times": frozenset(data.get("time") or ()),
            "km": data.get("km"),
            "free_places": bool(data.get("free_places")),
            "online": bool(data.get("online")),
        }
