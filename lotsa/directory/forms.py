"""Forms of providers' self-service and moderation: listings, organisations, registration,
claims and moderators' decisions.

`OfferingForm` never saves: `to_data()` turns it into the JSON shape of a submitted change
(see `actions`), which moderation applies later. `describe_differences()` shows such a change
to a person, field by field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lotsa.accounts.models import Organization, User
from lotsa.accounts.widgets import DateInput
from lotsa.lib import distance, municipalities, orgnumbers
from lotsa.lib.schedules import WEEKDAYS

from .access import editable_organizations
from .actions import OFFERING_FIELDS, PLACE_FIELDS, TERM_FIELDS, has_pending_claim
from .models import Offering, Term

SCHEDULE_ROWS = 3
WEEKDAY_CHOICES = list(
    zip(
        WEEKDAYS,
        [
            _("Monday"),
            _("Tuesday"),
            _("Wednesday"),
            _("Thursday"),
            _("Friday"),
            _("Saturday"),
            _("Sunday"),
        ],
        strict=True,
    )
)
NOT_NEGATIVE = {"min_value": _("Enter zero or a positive number.")}
REQUIRED_FOR_A_PLACE = _("Required unless the activity is online.")
ORG_NUMBER_ERRORS = {
    "SE": _("This is not a valid Swedish organisation number (NNNNNN-NNNN)."),
    "DK": _("This is not a valid Danish CVR number (eight digits)."),
}


def municipality_choices() -> list[tuple[str, Any]]:
    """All municipalities grouped by country, for a select."""
    return [
        ("", "---------"),
        (gettext("Sweden"), municipalities.choices("SE")),
        (gettext("Denmark"), municipalities.choices("DK")),
    ]


class TermsField(forms.ModelMultipleChoiceField):
    """Checkboxes for the terms of one vocabulary, keyed by code, labelled in the UI language."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, vocabulary: str, **kwargs: Any) -> None:
        super().__init__(
            queryset=Term.objects.filter(vocabulary=vocabulary), to_field_name="code", **kwargs
        )

    def label_from_instance(self, obj: Term) -> str:  # type: ignore[override]
        return obj.name


def _set_choices(field: forms.Field, choices: list[tuple[str, Any]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _count_field(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, error_messages=NOT_NEGATIVE, **kwargs
    )


@dataclass
class ScheduleRow:
    """The bound fields of one schedule row, for the template."""

    number: int
    days: forms.BoundField
    single_date: forms.BoundField
    starts: forms.BoundField
    ends: forms.BoundField
    interval: forms.BoundField
    valid_from: forms.BoundField
    valid_to: forms.BoundField
    note: forms.BoundField


class OfferingForm(forms.Form):
    """A whole listing: the activity, its one place (unless online) and up to three schedules."""

    name = forms.CharField(label=_("Name of the activity"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain language: what happens, for whom, what to bring."),
    )
    text_language = forms.ChoiceField(
        label=_("Language of the text"), choices=Offering.TextLanguage.choices
    )
    categories = TermsField(
        Term.Vocabulary.CATEGORY,
        label=_("Categories"),
        error_messages={"required": _("Choose at least one category.")},
    )
    audiences = TermsField(Term.Vocabulary.AUDIENCE, label=_("Target groups"), required=False)
    min_age = _count_field(_("Minimum age"), max_value=120)
    max_age = _count_field(_("Maximum age"), max_value=120)
    accessibility = TermsField(
        Term.Vocabulary.ACCESSIBILITY, label=_("Accessibility"), required=False
    )
    languages = TermsField(Term.Vocabulary.LANGUAGE, label=_("Languages spoken"), required=False)
    is_online = forms.BooleanField(label=_("The activity is online"), required=False)
    is_free = forms.BooleanField(label=_("Free of charge"), required=False, initial=True)
    fee = forms.CharField(
        label=_("Cost"),
        max_length=200,
        required=False,
        help_text=_("For example: 50 kronor per session, membership 200 kronor a year."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    how_to_join = forms.ChoiceField(label=_("How to join"), choices=Offering.HowToJoin.choices)
    capacity = _count_field(_("Number of places"), help_text=_("Leave empty if there is no limit."))
    places_taken = _count_field(_("Places taken"), initial=0)
    waitlist_length = _count_field(_("People on the waiting list"), initial=0)
    has_waitlist = forms.BooleanField(
        label=_("We keep a waiting list when full"), required=False, initial=True
    )
    status = forms.ChoiceField(label=_("Status"), choices=Offering.Status.choices)

    place_name = forms.CharField(label=_("Name of the place"), max_length=200, required=False)
    address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("Town"), max_length=100, required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        help_text=_("Leave latitude and longitude empty to use the centre of the town."),
    )
    longitude = forms.FloatField(label=_("Longitude"), required=False)
    directions = forms.CharField(
        label=_("How to get there"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["municipality"], municipality_choices())
        for i in range(SCHEDULE_ROWS):
            self.fields[f"schedule{i}_days"] = forms.MultipleChoiceField(
                label=_("Weekdays"),
                choices=WEEKDAY_CHOICES,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.fields[f"schedule{i}_date"] = forms.DateField(
                label=_("Or one date"), required=False, widget=DateInput()
            )
            self.fields[f"schedule{i}_starts"] = forms.TimeField(
                label=_("Starts"), required=False, widget=_time_input()
            )
            self.fields[f"schedule{i}_ends"] = forms.TimeField(
                label=_("Ends"), required=False, widget=_time_input()
            )
            self.fields[f"schedule{i}_interval"] = forms.IntegerField(
                label=_("Every how many weeks"),
                min_value=1,
                max_value=52,
                initial=1,
                required=False,
                error_messages={"min_value": _("Enter 1 for every week, 2 for every other week.")},
            )
            self.fields[f"schedule{i}_valid_from"] = forms.DateField(
                label=_("From (optional)"), required=False, widget=DateInput()
            )
            self.fields[f"schedule{i}_valid_to"] = forms.DateField(
                label=_("Until (optional)"), required=False, widget=DateInput()
            )
            self.fields[f"schedule{i}_note"] = forms.CharField(
                label=_("Note (optional)"), max_length=200, required=False
            )

    # Rendering.

    def schedule_rows(self) -> list[ScheduleRow]:
        return [
            ScheduleRow(
                number=i + 1,
                days=self[f"schedule{i}_days"],
                single_date=self[f"schedule{i}_date"],
                starts=self[f"schedule{i}_starts"],
                ends=self[f"schedule{i}_ends"],
                interval=self[f"schedule{i}_interval"],
                valid_from=self[f"schedule{i}_valid_from"],
                valid_to=self[f"schedule{i}_valid_to"],
                note=self[f"schedule{i}_note"],
            )
            for i in range(SCHEDULE_ROWS)
        ]

    # Validation.

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_numbers(data)
        if not data.get("is_free") and not data.get("fee"):
            self.add_error("fee", _("Say what it costs, or tick “Free of charge”."))
        if not data.get("is_online"):
            self._clean_place(data)
        self._schedules = [
            row for i in range(SCHEDULE_ROWS) if (row := self._clean_schedule(i, data)) is not None
        ]
        return data

    def _clean_numbers(self, data: dict[str, Any]) -> None:
        min_age, max_age = data.get("min_age"), data.get("max_age")
        if min_age is not None and max_age is not None and max_age < min_age:
            self.add_error("max_age", _("The maximum age cannot be lower than the minimum age."))
        capacity, taken = data.get("capacity"), data.get("places_taken")
        # More people than places is a typing mistake; a full group with people waiting is
        # said with the waiting list instead.
        if capacity is not None and taken is not None and taken > capacity:
            self.add_error(
                "places_taken",
                _(
                    "Places taken cannot be more than the number of places. "
                    "Put the rest on the waiting list."
                ),
            )

    def _clean_place(self, data: dict[str, Any]) -> None:
        for field in ("address", "postcode", "city", "municipality"):
            if not data.get(field) and field not in self.errors:
                self.add_error(field, REQUIRED_FOR_A_PLACE)
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if "latitude" in self.errors or "longitude" in self.errors:
            return
        if latitude is None and longitude is None:
            found = municipalities.find_place(data.get("city") or "")
            centre = municipalities.get(data.get("municipality") or "")
            if found is not None:
                data["latitude"], data["longitude"] = found[1], found[2]
            elif centre is not None and centre.lat is not None:
                data["latitude"], data["longitude"] = centre.lat, centre.lon
            elif data.get("city"):
                self.add_error(
                    "latitude",
                    _("We could not find this town: enter latitude and longitude."),
                )
        elif latitude is None or longitude is None:
            missing = "latitude" if latitude is None else "longitude"
            self.add_error(missing, _("Enter both latitude and longitude, or leave both empty."))
        elif not distance.is_in_sweden_or_denmark(latitude, longitude):
            self.add_error(
                "latitude",
                _(
                    "These coordinates are not in Sweden or Denmark. "
                    "Check that latitude and longitude are not swapped."
                ),
            )

    def _clean_schedule(self, i: int, data: dict[str, Any]) -> dict[str, Any] | None:
        """One schedule row as data, None if the row is empty; errors go on its fields."""
        prefix = f"schedule{i}_"
        names = [
            prefix + n for n in ("days", "date", "starts", "ends", "valid_from", "valid_to", "note")
        ]
        if any(name in self.errors for name in names):
            return None
        days, date = data.get(prefix + "days") or [], data.get(prefix + "date")
        starts, ends = data.get(prefix + "starts"), data.get(prefix + "ends")
        valid_from, valid_to = data.get(prefix + "valid_from"), data.get(prefix + "valid_to")
        note = data.get(prefix + "note") or ""
        if not any([days, date, starts, ends, valid_from, valid_to, note]):
            return None
        is_valid = True
        if not days and not date:
            self.add_error(prefix + "days", _("Choose weekdays, or enter one date."))
            is_valid = False
        elif days and date:
            self.add_error(prefix + "date", _("Choose weekdays or one date, not both."))
            is_valid = False
        if starts is None:
            self.add_error(prefix + "starts", _("Enter the time it starts."))
            is_valid = False
        if ends is None:
            self.add_error(prefix + "ends", _("Enter the time it ends."))
            is_valid = False
        if starts is not None and ends is not None and ends <= starts:
            self.add_error(prefix + "ends", _("The end time must be after the start time."))
            is_valid = False
        if valid_from and valid_to and valid_to < valid_from:
            self.add_error(prefix + "valid_to", _("The last date cannot be before the first date."))
            is_valid = False
        if not is_valid or starts is None or ends is None:
            return None
        return {
            "byday": [day for day in WEEKDAYS if day in days],
            "interval": data.get(prefix + "interval") or 1,
            "single_date": date.isoformat() if date else None,
            "opens_at": starts.strftime("%H:%M"),
            "closes_at": ends.strftime("%H:%M"),
            "valid_from": valid_from.isoformat() if valid_from else None,
            "valid_to": valid_to.isoformat() if valid_to else None,
            "note": note,
        }

    # From and to the JSON shape of a change.

    def to_data(self) -> dict[str, Any]:
        """The cleaned listing as JSON-serialisable data (see `actions`)."""
        cleaned = self.cleaned_data
        data: dict[str, Any] = {field: cleaned.get(field) for field in OFFERING_FIELDS}
        for field in ("places_taken", "waitlist_length"):
            data[field] = data[field] or 0
        if data["is_free"]:
            data["fee"] = ""
        for field in TERM_FIELDS:
            data[field] = sorted(term.code for term in cleaned.get(field) or [])
        if cleaned.get("is_online"):
            data["place"] = None
        else:
            data["place"] = {
                "name": cleaned.get("place_name", ""),
                **{f: cleaned.get(f) for f in PLACE_FIELDS if f != "name"},
            }
            data["place"]["latitude"] = round(data["place"]["latitude"], 6)
            data["place"]["longitude"] = round(data["place"]["longitude"], 6)
        data["schedules"] = self._schedules
        return data

    @staticmethod
    def initial_from(data: dict[str, Any]) -> dict[str, Any]:
        """Form initial values from change data, e.g. to edit a pending submission again."""
        initial = {field: data.get(field) for field in (*OFFERING_FIELDS, *TERM_FIELDS)}
        place = data.get("place") or {}
        initial["place_name"] = place.get("name", "")
        initial.update({f: place.get(f) for f in PLACE_FIELDS if f != "name"})
        for i, row in enumerate(data.get("schedules", [])[:SCHEDULE_ROWS]):
            prefix = f"schedule{i}_"
            initial[prefix + "days"] = row["byday"]
            initial[prefix + "date"] = row["single_date"]
            initial[prefix + "starts"] = row["opens_at"]
            initial[prefix + "ends"] = row["closes_at"]
            initial[prefix + "interval"] = row["interval"]
            initial[prefix + "valid_from"] = row["valid_from"]
            initial[prefix + "valid_to"] = row["valid_to"]
            initial[prefix + "note"] = row["note"]
        return initial


# Showing a change to a person.


@dataclass
class Difference:
    label: str
    old: str
    new: str


def _readable(field: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field in TERM_FIELDS:
        terms = Term.objects.filter(vocabulary=TERM_FIELDS[field], code__in=value)
        names = {term.code: term.name for term in terms}
        return ", ".join(names.get(code, code) for code in value)
    if field == "municipality":
        found = municipalities.get(value)
        return found.name if found else str(value)
    choices = {
        "text_language": Offering.TextLanguage,
        "how_to_join": Offering.HowToJoin,
        "status": Offering.Status,
    }
    if field in choices:
        return str(choices[field](value).label)
    return str(value)


def _readable_date(iso: str) -> str:
    return date_format(dt.date.fromisoformat(iso), "DATE_FORMAT")


def describe_schedule(row: dict[str, Any]) -> str:
    """ "Tuesday, Thursday 14:00–16:00, every 2 weeks, from … until …" for one schedule row."""
    labels = dict(WEEKDAY_CHOICES)
    if row.get("single_date"):
        when = _readable_date(row["single_date"])
    else:
        when = ", ".join(str(labels[day]) for day in row["byday"])
    opens = time_format(dt.time.fromisoformat(row["opens_at"]), "H:i")
    closes = time_format(dt.time.fromisoformat(row["closes_at"]), "H:i")
    parts = [f"{when} {opens}–{closes}"]
    if row.get("interval", 1) > 1 and not row.get("single_date"):
        parts.append(gettext("every %(weeks)s weeks") % {"weeks": row["interval"]})
    if row.get("valid_from"):
        parts.append(gettext("from %(date)s") % {"date": _readable_date(row["valid_from"])})
    if row.get("valid_to"):
        parts.append(gettext("until %(date)s") % {"date": _readable_date(row["valid_to"])})
    if row.get("note"):
        parts.append(row["note"])
    return ", ".join(parts)


def describe_differences(old: dict[str, Any] | None, new: dict[str, Any]) -> list[Difference]:
    """Field by field, what a change alters (every filled field for a new listing)."""
    old = old or {}
    labels = {name: field.label for name, field in OfferingForm.base_fields.items()}
    place_labels = {f: labels["place_name" if f == "name" else f] for f in PLACE_FIELDS}
    differences = []
    for field in (*OFFERING_FIELDS, *TERM_FIELDS):
        before, after = old.get(field), new.get(field)
        if before != after:
            differences.append(
                Difference(str(labels[field]), _readable(field, before), _readable(field, after))
            )
    old_place, new_place = old.get("place") or {}, new.get("place") or {}
    for field in PLACE_FIELDS:
        before, after = old_place.get(field), new_place.get(field)
        if before != after:
            differences.append(
                Difference(
                    str(place_labels[field]), _readable(field, before), _readable(field, after)
                )
            )
    old_times = [describe_schedule(row) for row in old.get("schedules", [])]
    new_times = [describe_schedule(row) for row in new.get("schedules", [])]
    if old_times != new_times:
        differences.append(
            Difference(gettext("Times"), "; ".join(old_times) or "–", "; ".join(new_times) or "–")
        )
    return differences


# Organisations.


def validate_org_number(value: str, country: str) -> str:
    """The number in its usual form, or a ValidationError in the user's language."""
    try:
        return orgnumbers.normalise(value, country)
    except ValueError as error:
        raise ValidationError(
            ORG_NUMBER_ERRORS.get(country, _("This organisation number is not valid.")),
            code="invalid",
        ) from error


class OrganizationForm(forms.ModelForm):
    """An editor's own organisation: the details the public sees. Applies at once."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "description", "contact_name", "email", "phone", "website", "org_number"]
        labels = {
            "name": _("Name of the organisation"),
            "description": _("About the organisation"),
            "contact_name": _("Contact person"),
            "email": _("E-mail"),
            "phone": _("Phone"),
            "website": _("Website"),
            "org_number": _("Organisation number"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def clean_org_number(self) -> str:
        value = self.cleaned_data["org_number"].strip()
        return validate_org_number(value, self.instance.country) if value else ""


class RegistrationForm(forms.Form):
    """A new organisation and, for someone not signed in, their account."""

    first_name = forms.CharField(label=_("Your first name"), max_length=150)
    last_name = forms.CharField(label=_("Your last name"), max_length=150)
    email = forms.EmailField(
        label=_("Your e-mail address"), help_text=_("You sign in with this address.")
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("The password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    organization_name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[
            (Organization.Kind.ASSOCIATION, Organization.Kind.ASSOCIATION.label),
            (Organization.Kind.OTHER, Organization.Kind.OTHER.label),
        ],
    )
    country = forms.ChoiceField(label=_("Country"), choices=Organization.Country.choices)
    org_number = forms.CharField(
        label=_("Organisation number (optional)"),
        max_length=20,
        required=False,
        help_text=_("Swedish organisationsnummer or Danish CVR number."),
    )
    municipality = forms.ChoiceField(label=_("Municipality"))
    description = forms.CharField(
        label=_("About the organisation"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    contact_name = forms.CharField(
        label=_("Contact person for the public"), max_length=200, required=False
    )
    organization_email = forms.EmailField(label=_("The organisation's e-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    # A field people never see (hidden by CSS and from screen readers); robots fill it in.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    PERSON_FIELDS = ("first_name", "last_name", "email", "password1", "password2")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["municipality"], municipality_choices())
        self.needs_account = not getattr(user, "is_authenticated", False)
        if not self.needs_account:
            for name in self.PERSON_FIELDS:
                del self.fields[name]

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("homepage")))

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "There is already an account with this address. "
                    "Sign in first, then register the organisation."
                )
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        country, municipality = data.get("country"), data.get("municipality")
        if country and municipality and not municipality.startswith(country + "-"):
            self.add_error("municipality", _("This municipality is not in the chosen country."))
        if country and data.get("org_number"):
            try:
                data["org_number"] = validate_org_number(data["org_number"], country)
            except ValidationError as error:
                self.add_error("org_number", error)
        if self.needs_account:
            self._clean_password(data)
        return data

    def _clean_password(self, data: dict[str, Any]) -> None:
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
            return
        if password1:
            probe = User(
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, probe)
            except ValidationError as error:
                self.add_error("password1", error)

    def organization_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["organization_name"],
            "kind": data["kind"],
            "country": data["country"],
            "org_number": data.get("org_number", ""),
            "municipality": data["municipality"],
            "description": data.get("description", ""),
            "contact_name": data.get("contact_name", ""),
            "email": data.get("organization_email", ""),
            "phone": data.get("phone", ""),
            "website": data.get("website", ""),
        }


# Claims and decisions.

CLAIM_SEARCH_LIMIT = 20


def claimable_organizations(user: Any) -> QuerySet[Organization]:
    """Approved organisations the user does not already manage."""
    return Organization.objects.approved().exclude(pk__in=editable_organizations(user))


class OrganizationChoiceField(forms.ModelChoiceField):
    """Organisations named with their municipality, which tells namesakes apart."""

    def label_from_instance(self, obj: Organization) -> str:  # type: ignore[override]
        return f"{obj.name} ({obj.municipality_name})"


class ClaimForm(forms.Form):
    """Ask to manage an organisation found by name."""

    query = forms.CharField(label=_("Name of the organisation"), max_length=200, required=False)
    organization = OrganizationChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Search for the organisation and choose it.")},
    )
    message = forms.CharField(
        label=_("Why should you manage this organisation's listings?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("For example: your role in the organisation and how staff can check it."),
    )

    def __init__(
        self, *args: Any, user: Any, query: str = "", selected: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        claimable = claimable_organizations(user)
        ids: list[int] = []
        if query.strip():
            ids = list(
                claimable.filter(name__icontains=query.strip())
                .order_by("name")
                .values_list("pk", flat=True)[:CLAIM_SEARCH_LIMIT]
            )
        if selected.isdigit():
            ids.append(int(selected))
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = claimable.filter(pk__in=ids).order_by("name")

    @property
    def has_choices(self) -> bool:
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        return field.queryset is not None and field.queryset.exists()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organization = data.get("organization")
        if organization is not None and has_pending_claim(organization, self.user):
            self.add_error(
                "organization",
                _(
                    "You have already asked to manage this organisation. "
                    "Staff will answer by e-mail."
                ),
            )
        return data


class DecisionForm(forms.Form):
    """A moderator's decision: approve, or reject with a message to the person who asked."""

    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))], widget=forms.HiddenInput
    )
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        help_text=_("Required when you reject: say what to change. Sent by e-mail."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.REJECT and not (data.get("message") or "").strip():
            self.add_error("message", _("Write a message that says why, or what to change."))
        return data

    @property
    def is_approval(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class ResolveProblemForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Write a short note on what was done.")},
    )
