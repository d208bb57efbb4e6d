"""Forms of the privacy pages: finding a person by identity number, opening break-glass."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lotsa.lib import identitynumbers
from lotsa.people.models import Person


class FindPersonForm(forms.Form):
    """The person a request is about, by identity number: typed in a POST, never in a URL."""

    person: Person  # once the form is valid

    identity_number = forms.CharField(
        label=_("Identity number"),
        max_length=20,
        help_text=_("Personnummer, samordningsnummer or CPR number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_identity_number(self) -> str:
        try:
            number = identitynumbers.parse(self.cleaned_data["identity_number"])
        except ValueError:
            raise forms.ValidationError(
                _("This is not a valid personnummer, samordningsnummer or CPR number."),
                code="invalid",
            ) from None
        person = Person.objects.filter(identity_number=number.value).first()
        if person is None:
            raise forms.ValidationError(
                _("Nobody with this identity number is in Lotsa."), code="unknown"
            )
        self.person = person
        return number.value


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to open this person's record now?"),
        min_length=20,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Say what happened and who asked. The reason is kept, shown in the log review and "
            "in the person's log extract."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this access is logged and reviewed."), required=True
    )

    @property
    def minutes(self) -> int:
        return int(settings.LOTSA_BREAK_GLASS_MINUTES)
