"""The form for a person's contact details, used when referring and when editing a person.

Identity numbers are validated and normalised (Swedish personnummer or samordningsnummer,
Danish CPR); an error never repeats the number. Phone numbers are stored as E.164, read in
the country of the chosen municipality (Sweden when none is chosen).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lotsa.accounts.widgets import DateInput
from lotsa.lib import identitynumbers, municipalities, phones

from .models import Person

COUNTRIES = ("SE", "DK")
INVALID_IDENTITY_NUMBER = _(
    "This is not a valid Swedish personnummer or samordningsnummer, or Danish CPR number. "
    "Check the digits, or leave the field empty."
)
BIRTH_DATE_DISAGREES = _("The date of birth does not match the identity number.")
INVALID_PHONE = _(
    "This is not a valid phone number. Write it with the area code, e.g. 070-123 45 67."
)


def municipality_choices() -> list[tuple[str, Any]]:
    """All municipalities grouped by country, for a select."""
    return [
        ("", "---------"),
        (gettext("Sweden"), municipalities.choices("SE")),
        (gettext("Denmark"), municipalities.choices("DK")),
    ]


def country_of(municipality: str, default: str = "SE") -> str:
    """The country of a municipality key ("SE-2480" is in "SE"), else `default`."""
    prefix = municipality.split("-", 1)[0] if municipality else ""
    return prefix if prefix in COUNTRIES else default


def parse_identity_number(value: str, first: str = "SE") -> identitynumbers.IdentityNumber:
    """The identity number, read first as a number of the country `first`.

    Ten digits can be both a valid Swedish and a valid Danish number: the caller says which
    country comes first, and a number valid only in the other country is still accepted.
    Raises ValueError (which never holds the number).
    """
    for country in (first, *(c for c in COUNTRIES if c != first)):
        try:
            return identitynumbers.parse(value, country)
        except ValueError:
            continue
    raise ValueError("not a valid identity number")


def normalise_phone(value: str, municipality: str = "", default_country: str = "SE") -> str:
    """`value` as E.164, read in the municipality's country (else `default_country`);
    ValueError if it is not a number."""
    return phones.normalise(value, country_of(municipality, default_country))


class PersonForm(forms.ModelForm):
    """A person's name, identity, contact details and how they want to be contacted.

    Save through `lotsa.people.actions` with `person_fields()`, never with `save()`: the
    actions write the audit event.
    """

    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    # Longer than the stored 12 digits: people type dashes, spaces and the century.
    identity_number = forms.CharField(
        label=_("Identity number"),
        max_length=20,
        required=False,
        help_text=_("Optional. Swedish personnummer or samordningsnummer, or Danish CPR."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "identity_number",
            "phone",
            "email",
            "address",
            "postcode",
            "city",
            "municipality",
            "language",
            "needs_interpreter",
            "contact_preference",
            "sex",
            "household",
        ]
        widgets = {
            "birth_date": DateInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args: Any, default_country: str = "SE", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_country = default_country
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = municipality_choices()
        self.identity_kind = self.instance.identity_kind if self.instance.pk else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        municipality = data.get("municipality") or ""
        self._clean_identity_number(data, municipality)
        self._clean_phone(data, municipality)
        self._check_contact_preference(data)
        self.instance.identity_kind = self.identity_kind
        return data

    def _clean_identity_number(self, data: dict[str, Any], municipality: str) -> None:
        raw = (data.get("identity_number") or "").strip()
        if "identity_number" in self.errors:
            return
        if not raw:
            data["identity_number"] = ""
            self.identity_kind = ""
            return
        first = country_of(municipality, self.default_country)
        known = self.instance.identity_number if self.instance.pk else ""
        if known and re.sub(r"[\s+-]", "", raw) in (known, known[2:]):
            # An edited person's unchanged number is read as it was read the first time.
            first = "DK" if self.instance.identity_kind == "cpr" else "SE"
        try:
            parsed = parse_identity_number(raw, first)
        except ValueError:
            self.add_error("identity_number", INVALID_IDENTITY_NUMBER)
            return
        data["identity_number"] = parsed.value
        self.identity_kind = parsed.kind
        if "birth_date" in self.errors:
            return
        birth_date = data.get("birth_date")
        if birth_date is None:
            data["birth_date"] = parsed.birth_date
        elif birth_date != parsed.birth_date:
            self.add_error("birth_date", BIRTH_DATE_DISAGREES)

    def _clean_phone(self, data: dict[str, Any], municipality: str) -> None:
        raw = (data.get("phone") or "").strip()
        if not raw or "phone" in self.errors:
            return
        try:
            data["phone"] = normalise_phone(raw, municipality, self.default_country)
        except ValueError:
            self.add_error("phone", INVALID_PHONE)

    def _check_contact_preference(self, data: dict[str, Any]) -> None:
        preference = data.get("contact_preference")
        phone = data.get("phone") or ""
        has_valid_phone = bool(phone) and "phone" not in self.errors
        if preference in (Person.ContactPreference.PHONE, Person.ContactPreference.SMS):
            if not phone and "phone" not in self.errors:
                self.add_error(
                    "phone", _("Enter a phone number, or choose another way to contact.")
                )
            elif (
                preference == Person.ContactPreference.SMS
                and has_valid_phone
                and not phones.is_mobile(phone)
            ):
                self.add_error(
                    "phone",
                    _("Text messages need a mobile number. Enter one, or choose a phone call."),
                )
        needs_email = preference == Person.ContactPreference.EMAIL and not data.get("email")
        if needs_email and "email" not in self.errors:
            self.add_error("email", _("Enter an e-mail address, or choose another way."))
        if preference == Person.ContactPreference.LETTER:
            for name in ("address", "postcode", "city"):
                if not (data.get(name) or "").strip() and name not in self.errors:
                    self.add_error(name, _("A letter needs the full address."))

    def person_fields(self) -> dict[str, Any]:
        """The cleaned fields, with the identity number's kind, for the people actions."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["identity_kind"] = self.identity_kind
        return fields
