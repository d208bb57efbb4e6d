"""Admin for the organisations' outcome settings: which instruments their link workers use and
whether they ask the experience survey. Configuration only: no person's answers are here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import instruments
from .models import OutcomeSettings


def instrument_choices() -> list[tuple[str, str]]:
    return [(code, instrument.label) for code, instrument in instruments.INSTRUMENTS.items()]


class OutcomeSettingsForm(forms.ModelForm):
    """The instruments as ticks: only known codes can be chosen, each once, in the order the
    instruments are defined (so that the follow-up form reads the same everywhere)."""

    instruments = forms.MultipleChoiceField(
        label=_("instruments"),
        choices=instrument_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Used at the baseline and every follow-up. None ticked: the default set "
            "(LOTSA_DEFAULT_INSTRUMENTS). Keep the set once measuring has begun: answers to "
            "different instruments cannot be compared."
        ),
    )

    class Meta:
        model = OutcomeSettings
        fields = ["organization", "instruments", "experience_survey"]

    def clean_instruments(self) -> list[str]:
        chosen = set(self.cleaned_data["instruments"])
        unknown = chosen - set(instruments.INSTRUMENTS)
        if unknown:
            raise forms.ValidationError(
                _("Unknown instruments: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
            )
        return [code for code in instruments.INSTRUMENTS if code in chosen]


@admin.register(OutcomeSettings)
class OutcomeSettingsAdmin(admin.ModelAdmin):
    form = OutcomeSettingsForm
    list_display = ["organization", "instrument_names", "experience_survey"]
    list_filter = ["experience_survey"]
    search_fields = ["organization__name"]
    autocomplete_fields = ["organization"]

    @admin.display(description=_("instruments"))
    def instrument_names(self, obj: OutcomeSettings) -> str:
        codes = obj.instruments or settings.LOTSA_DEFAULT_INSTRUMENTS
        names = [instruments.get(code).label for code in codes if code in instruments.INSTRUMENTS]
        suffix = "" if obj.instruments else f" ({_('default')})"
        return ", ".join(names) + suffix

    def get_changeform_initial_data(self, request: Any) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("instruments", list(settings.LOTSA_DEFAULT_INSTRUMENTS))
        return initial
