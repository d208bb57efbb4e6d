"""Forms of the three referral sources: a clinician, a volunteer connector, the person themself.

None of them saves: the views pass `cleaned_data` to `lotsa.people.actions` and
`lotsa.referrals.actions`, which write the audit events.
"""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core import signing
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from lotsa.accounts.models import Organization, Team
from lotsa.lib import identitynumbers, municipalities, phones
from lotsa.people.forms import INVALID_PHONE, country_of
from lotsa.people.models import LANGUAGES, Consent, Person

from ..models import Referral

SEARCH_LIMIT = 10
UCLA3_ANSWERS = [
    ("1", _("Hardly ever or never")),
    ("2", _("Some of the time")),
    ("3", _("Often")),
]
# The UCLA-3 items as asked in a consultation.
UCLA3_QUESTIONS = {
    "ucla3_companionship": _("How often do you feel that you lack companionship?"),
    "ucla3_left_out": _("How often do you feel left out?"),
    "ucla3_isolated": _("How often do you feel isolated from others?"),
}


class SubmissionKeyField(forms.UUIDField):
    """A hidden key made when the form is shown: the same form posted twice refers once."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            error_messages={"required": _("The form expired. Please send it again.")}, **kwargs
        )


# --- the clinician's referral --------------------------------------------------------------


class TeamField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:  # type: ignore[override]
        return obj.name


class ClinicianReferralForm(forms.Form):
    """Everything of a clinician's referral except the person: see `PersonForm` for that."""

    submission_key = SubmissionKeyField()
    person = forms.ModelChoiceField(
        label=_("The person"),
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("A new person"),
        widget=forms.RadioSelect,
    )
    reasons = forms.MultipleChoiceField(
        label=_("Reasons for the referral"),
        choices=Referral.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one reason.")},
    )
    details = forms.CharField(
        label=_("What the link worker should know"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In a few words. No medical record extracts."),
    )
    ucla3_companionship = forms.TypedChoiceField(
        label=UCLA3_QUESTIONS["ucla3_companionship"],
        choices=UCLA3_ANSWERS,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    ucla3_left_out = forms.TypedChoiceField(
        label=UCLA3_QUESTIONS["ucla3_left_out"],
        choices=UCLA3_ANSWERS,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    ucla3_isolated = forms.TypedChoiceField(
        label=UCLA3_QUESTIONS["ucla3_isolated"],
        choices=UCLA3_ANSWERS,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    consent_method = forms.ChoiceField(
        label=_("How the patient gave consent"),
        choices=Consent.Method.choices,
        initial=Consent.Method.VERBAL,
        widget=forms.RadioSelect,
    )
    team_consent = forms.BooleanField(
        label=_("The patient agrees that the link worker team receives this referral"),
        error_messages={"required": _("The referral needs the patient's consent.")},
    )
    feedback_consent = forms.BooleanField(
        label=_("The patient agrees that our unit may see how it went"),
        required=False,
        help_text=_("Then you see which activity the patient was referred to and how it went."),
    )
    unit = forms.ModelChoiceField(
        label=_("Referring unit"), queryset=Organization.objects.none(), empty_label=None
    )
    team = TeamField(label=_("Link worker team"), queryset=Team.objects.none(), empty_label=None)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Organization],
        teams: QuerySet[Team],
        people: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
            self.initial.setdefault("unit", units.first())
            self.initial.setdefault("team", teams.first())

    @property
    def has_several_units(self) -> bool:
        return self.fields["unit"].queryset.count() > 1  # type: ignore[attr-defined]

    @property
    def ucla3_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in UCLA3_QUESTIONS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answers = [data.get(name) for name in UCLA3_QUESTIONS]
        if any(a is not None for a in answers) and any(a is None for a in answers):
            self.add_error(None, _("Answer all three screening questions, or none of them."))
        unit, team = data.get("unit"), data.get("team")
        if (
            unit is not None
            and team is not None
            and not Team.objects.serving(unit).filter(pk=team.pk).exists()
        ):
            self.add_error("team", _("This team does not take referrals from the chosen unit."))
        return data

    @property
    def ucla3(self) -> tuple[int | None, int | None, int | None]:
        data = self.cleaned_data
        return (
            data.get("ucla3_companionship"),
            data.get("ucla3_left_out"),
            data.get("ucla3_isolated"),
        )


def find_people(people: QuerySet[Person], query: str) -> QuerySet[Person]:
    """People among `people` by identity number, phone number or name (every word matches)."""
    query = query.strip()
    if not query:
        return people.none()
    digits = re.sub(r"[\s+-]", "", query)
    if digits.isdigit():
        match = Q(pk__in=[])
        for country in ("SE", "DK"):
            with contextlib.suppress(ValueError):
                match |= Q(identity_number=identitynumbers.parse(query, country).value)
            with contextlib.suppress(ValueError):
                match |= Q(phone=phones.normalise(query, country))
        return people.filter(match)[:SEARCH_LIMIT]
    match = Q()
    for word in query.split():
        match &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return people.filter(match)[:SEARCH_LIMIT]


# --- the volunteer connector's flag ----------------------------------------------------------


class ConnectorFlagForm(forms.Form):
    """What a volunteer connector knows: a first name, a phone number, what they noticed."""

    submission_key = SubmissionKeyField()
    first_name = forms.CharField(label=_("First name"), max_length=100)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    details = forms.CharField(
        label=_("What you noticed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only what the link worker needs to know to call. No diagnoses."),
    )
    agreed_to_be_called = forms.BooleanField(
        label=_("The person agreed to be called"),
        error_messages={
            "required": _("Ask the person first: a link worker calls only those who agreed.")
        },
    )

    def __init__(self, *args: Any, country: str = "SE", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country = country
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    def clean_phone(self) -> str:
        try:
            return phones.normalise(self.cleaned_data["phone"], self.country)
        except ValueError:
            raise forms.ValidationError(INVALID_PHONE) from None


# --- the person's own referral ---------------------------------------------------------------

FORM_TOKEN_SALT = "lotsa.referrals.self-referral"  # noqa: S105 (a salt, not a secret)
# A person needs more than a few seconds to fill in the form; a bot does not.
FASTEST_SECONDS = 3
SLOWEST_SECONDS = 24 * 60 * 60

# The reasons a person may give themself, in their own words.
SELF_REASONS = [
    (Referral.Reason.LONELINESS, _("I often feel lonely")),
    (Referral.Reason.ISOLATION, _("I rarely meet other people")),
    (Referral.Reason.LOW_MOOD, _("I often feel low")),
    (Referral.Reason.BEREAVEMENT, _("I have lost someone close to me")),
    (Referral.Reason.CARER_STRAIN, _("I care for someone close to me and need a break")),
    (Referral.Reason.NEWLY_ARRIVED, _("I am new here and want to get to know people")),
    (Referral.Reason.UNEMPLOYMENT, _("I am out of work and want something to do")),
    (Referral.Reason.OTHER, _("Something else")),
]


def form_token(issued_at: float | None = None) -> str:
    """A signed note of when the form was shown."""
    return signing.dumps(
        {"t": time.time() if issued_at is None else issued_at}, salt=FORM_TOKEN_SALT
    )


def form_token_age(token: str) -> float | None:
    """Seconds since `token` was issued, or None if it was not made by us."""
    try:
        issued_at = float(signing.loads(token, salt=FORM_TOKEN_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return time.time() - issued_at


def self_referral_municipalities(teams: Iterable[Team]) -> list[tuple[str, str]]:
    """The municipalities where a team takes self-referrals, by name."""
    keys = {team.municipality for team in teams}
    found = [(key, m.name) for key in keys if (m := municipalities.get(key)) is not None]
    return sorted(found, key=lambda choice: choice[1])


class SelfReferralForm(forms.Form):
    """A person asks a link worker to contact them; plain words, few questions."""

    submission_key = SubmissionKeyField()
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # The honeypot: hidden from people (and screen readers); bots fill in every field.
    website = forms.CharField(label=_("Leave this empty"), required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    municipality = forms.ChoiceField(label=_("Where do you live?"))
    reasons = forms.MultipleChoiceField(
        label=_("What would you like help with?"),
        choices=SELF_REASONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    details = forms.CharField(
        label=_("Anything else you want to tell us"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example what you like doing, or when you are free."),
    )
    language = forms.ChoiceField(label=_("Which language do you prefer?"), choices=LANGUAGES)
    contact_preference = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=[
            (Person.ContactPreference.PHONE, _("Call me")),
            (Person.ContactPreference.SMS, _("Send me a text message first")),
            (Person.ContactPreference.EMAIL, _("Write to me by e-mail")),
        ],
        initial=Person.ContactPreference.PHONE,
        widget=forms.RadioSelect,
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that a link worker in my municipality reads what I have written here "
            "and contacts me."
        ),
        error_messages={"required": _("We can contact you only if you agree.")},
    )

    def __init__(
        self, *args: Any, municipality_choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "---------"), *municipality_choices]
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
            self.initial.setdefault("started", form_token())
        self.is_spam = False
        self.token_rejected = False

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        country = country_of(self.data.get(self.add_prefix("municipality"), ""))
        try:
            return phones.normalise(phone, country)
        except ValueError:
            raise forms.ValidationError(INVALID_PHONE) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            self.is_spam = True
        age = form_token_age(data.get("started") or "")
        self.token_rejected = age is None or not FASTEST_SECONDS <= age <= SLOWEST_SECONDS
        if age is None or age > SLOWEST_SECONDS:
            self.add_error(
                None,
                _("This form was open for a long time. Check what you wrote and send it again."),
            )
        elif age < FASTEST_SECONDS:
            self.add_error(
                None,
                _("That was very quick. Check what you wrote and send the form again."),
            )
        phone, email = data.get("phone"), data.get("email")
        if not phone and not email and "phone" not in self.errors and "email" not in self.errors:
            self.add_error(
                "phone", _("Give a phone number or an e-mail address, so that we can reach you.")
            )
        default = Person.ContactPreference.PHONE if phone else Person.ContactPreference.EMAIL
        preference = data.get("contact_preference") or default
        data["contact_preference"] = preference
        if preference == Person.ContactPreference.EMAIL and not email:
            self.add_error("email", _("Give an e-mail address, or ask us to call."))
        calls = preference in (Person.ContactPreference.PHONE, Person.ContactPreference.SMS)
        if calls and not phone and email and "phone" not in self.errors:
            self.add_error("phone", _("Give a phone number, or ask for an e-mail."))
        if preference == Person.ContactPreference.SMS and phone and not phones.is_mobile(phone):
            self.add_error(
                "contact_preference",
                _("Text messages need a mobile number. Give one, or ask us to call."),
            )
        if not data.get("reasons") and not (data.get("details") or "").strip():
            self.add_error("reasons", _("Tell us a little about what you would like help with."))
        return data

    def refresh_token(self) -> None:
        """A new start time, so that the next send of a re-shown form is judged afresh."""
        data = cast(QueryDict, self.data).copy()
        data[self.add_prefix("started")] = form_token()
        self.data = data

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "phone": data["phone"],
            "email": data["email"],
            "municipality": data["municipality"],
            "language": data["language"],
            "contact_preference": data["contact_preference"],
        }
