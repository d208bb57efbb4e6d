"""Forms of outcome measurement: one instrument's items, the experience survey, and a
period's health-care use. The same forms serve the link worker and the person's own link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotsa.accounts.widgets import DateInput

from . import instruments
from .actions import SurveyAnswers
from .models import ExperienceSurvey, HealthcareUse


class InstrumentForm(forms.Form):
    """One radio group per item, in the active language. An item may be left unanswered
    (the person may not want to say): the scales it belongs to are then missing, never 0."""

    def __init__(self, instrument: instruments.Instrument, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", instrument.code)
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            self.fields[item.key] = forms.TypedChoiceField(
                label=item.label,
                choices=[(choice.value, choice.label) for choice in item.choices],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    @property
    def instructions(self) -> str:
        return instruments.localized(self.instrument.instructions)

    def answers(self) -> dict[str, int | None]:
        """The cleaned answers, {item key: value or None}; call after is_valid()."""
        return {item.key: self.cleaned_data.get(item.key) for item in self.instrument.items}

    def unanswered(self) -> list[str]:
        return [key for key, value in self.answers().items() if value is None]


class ExperienceSurveyForm(forms.Form):
    prefix = "survey"

    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the activity overall?"),
        choices=[
            (5, _("Very satisfied")),
            (4, _("Satisfied")),
            (3, _("Neither satisfied nor dissatisfied")),
            (2, _("Dissatisfied")),
            (1, _("Very dissatisfied")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    hours_suited = forms.ChoiceField(
        label=_("Did the days and hours suit you?"),
        choices=ExperienceSurvey.HoursSuited.choices,
        widget=forms.RadioSelect,
    )
    progress = forms.ChoiceField(
        label=_("Do you feel you have made progress?"),
        choices=ExperienceSurvey.Progress.choices,
        widget=forms.RadioSelect,
    )
    would_change = forms.CharField(
        label=_("What would you change?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def survey(self) -> SurveyAnswers:
        return SurveyAnswers(
            satisfaction=self.cleaned_data["satisfaction"],
            hours_suited=self.cleaned_data["hours_suited"],
            progress=self.cleaned_data["progress"],
            would_change=self.cleaned_data["would_change"],
        )


class HealthcareUseForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=HealthcareUse.Period.choices)
    gp_visits = forms.IntegerField(
        label=_("Visits to the health centre"), min_value=0, max_value=365
    )
    emergency_visits = forms.IntegerField(
        label=_("Emergency department visits"), min_value=0, max_value=365
    )


class AnsweredOnForm(forms.Form):
    """When the person answered: today, or the day of a paper form typed in later."""

    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput())

    def clean_answered_on(self) -> dt.date:
        answered_on: dt.date = self.cleaned_data["answered_on"]
        if answered_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return answered_on


class FollowUpAnswers:
    """Every form of one follow-up page: an InstrumentForm per instrument the organisation
    uses, the experience survey (at follow-ups, when the organisation uses it) and the date.

    The survey is optional as a whole: left entirely empty, it is not recorded; begun, it must
    be complete. An instrument left entirely empty is not recorded either (not asked, or the
    person did not want to answer it); one answered in part is recorded with its missing
    scales as None."""

    def __init__(
        self,
        used: list[instruments.Instrument],
        *,
        with_survey: bool,
        data: Any = None,
        initial_date: dt.date | None = None,
    ) -> None:
        self.instrument_forms = [InstrumentForm(instrument, data) for instrument in used]
        self.survey_form = ExperienceSurveyForm(data) if with_survey else None
        self.date_form = AnsweredOnForm(
            data, initial={"answered_on": initial_date or timezone.localdate()}
        )
        self.data = data
        self.errors: list[str] = []

    @property
    def forms(self) -> list[forms.Form]:
        found: list[forms.Form] = [*self.instrument_forms, self.date_form]
        if self.survey_form is not None:
            found.append(self.survey_form)
        return found

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(form.errors for form in self.forms)

    def survey_begun(self) -> bool:
        if self.survey_form is None or self.data is None:
            return False
        form = self.survey_form
        return any(str(self.data.get(form.add_prefix(name), "")).strip() for name in form.fields)

    def is_valid(self) -> bool:
        valid = all(form.is_valid() for form in [*self.instrument_forms, self.date_form])
        if self.survey_begun():
            assert self.survey_form is not None
            valid = self.survey_form.is_valid() and valid
        if valid and not self.answers() and self.survey() is None:
            self.errors.append(
                str(_("Answer at least one question, or leave the follow-up for later."))
            )
            valid = False
        return valid

    def answers(self) -> dict[str, dict[str, int | None]]:
        """{instrument code: answers} for every instrument with at least one answer."""
        return {
            form.instrument.code: form.answers()
            for form in self.instrument_forms
            if any(value is not None for value in form.answers().values())
        }

    def survey(self) -> SurveyAnswers | None:
        if not self.survey_begun():
            return None
        assert self.survey_form is not None
        return self.survey_form.survey()

    def answered_on(self) -> dt.date:
        answered_on: dt.date = self.date_form.cleaned_data["answered_on"]
        return answered_on

    def refuse(self, invalid: instruments.InvalidAnswers) -> None:
        """Put the action's refusal (`code.item` → what is wrong) on the fields it names."""
        by_code: dict[str, forms.Form] = {
            form.instrument.code: form for form in self.instrument_forms
        }
        if self.survey_form is not None:
            by_code["survey"] = self.survey_form
        for key in invalid.errors:
            code, _dot, field = key.partition(".")
            form = by_code.get(code)
            if form is not None and field in form.fields:
                form.add_error(field, _("Choose one of the answers offered."))
            else:
                self.errors.append(str(_("An answer could not be recorded: choose again.")))


# The largest file the health-care use import reads (a row is some 80 bytes).
IMPORT_MAX_BYTES = 5 * 1024 * 1024


class HealthcareImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: case or identity_number, period, gp_visits, emergency_visits, "
            "counted_on. Comma or semicolon separated, UTF-8."
        ),
    )
    check_only = forms.BooleanField(label=_("Only check the file, do not import"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB: split it."))
        return upload
