"""Forms of the link worker's work: triage, the case, contacts, referring on, unmet needs, closing.

None of them saves: the views pass `cleaned_data` to `lotsa.referrals.actions`, which write
the audit event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotsa.accounts.models import Team, User
from lotsa.accounts.widgets import DateInput
from lotsa.directory.forms import TermsField, municipality_choices
from lotsa.directory.models import Offering, Term
from lotsa.people.models import Consent

from ..models import TIMES_OF_DAY, WEEKDAYS, ActivityReferral, Case, Contact, UnmetNeed


class TeamMemberField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.get_full_name() or obj.email


class TermField(forms.ModelChoiceField):
    """One term of a vocabulary, labelled in the UI language."""

    def __init__(self, vocabulary: str, **kwargs: Any) -> None:
        super().__init__(
            queryset=Term.objects.filter(vocabulary=vocabulary), to_field_name="code", **kwargs
        )

    def label_from_instance(self, obj: Term) -> str:  # type: ignore[override]
        return obj.name


# --- triage --------------------------------------------------------------------------------


class AssignForm(forms.Form):
    assignee = TeamMemberField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = team.members.order_by("first_name", "last_name", "email")


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the team declines the referral"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say why the referral is declined.")},
    )


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:  # type: ignore[override]
        return obj.name


class ForwardForm(forms.Form):
    team = TeamChoiceField(
        label=_("Forward to the team"),
        queryset=Team.objects.none(),
        error_messages={"required": _("Choose the team to forward the referral to.")},
    )
    consent_method = forms.ChoiceField(
        label=_("How the person gave their consent"),
        choices=Consent.Method.choices,
        initial=Consent.Method.VERBAL,
        widget=forms.RadioSelect,
    )
    agrees = forms.BooleanField(
        label=_("The person agrees that the other team receives the referral"),
        error_messages={"required": _("Forward only when the person agrees.")},
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Team.objects.exclude(pk=team.pk).order_by("name")


# --- the case ------------------------------------------------------------------------------


class ContactForm(forms.Form):
    happened_on = forms.DateField(label=_("Date"), widget=DateInput())
    channel = forms.ChoiceField(
        label=_("How"), choices=Contact.Channel.choices, widget=forms.RadioSelect
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes"), required=False, min_value=0, max_value=24 * 60
    )
    reached = forms.BooleanField(label=_("Reached the person"), required=False, initial=True)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def clean_happened_on(self) -> dt.date:
        happened_on: dt.date = self.cleaned_data["happened_on"]
        if happened_on > timezone.localdate():
            raise forms.ValidationError(_("A contact cannot be in the future."))
        return happened_on


class CaseForm(forms.Form):
    """What matters to the person, their interests and constraints, and the plan."""

    what_matters = forms.CharField(
        label=_("What matters to me"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("In the person's own words."),
    )
    interests = TermsField(Term.Vocabulary.CATEGORY, label=_("Interests"), required=False)
    available_days = forms.MultipleChoiceField(
        label=_("Days available"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    available_times = forms.MultipleChoiceField(
        label=_("Times available"),
        choices=TIMES_OF_DAY,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_travel_km = forms.IntegerField(
        label=_("How far they can travel (km)"), required=False, min_value=0, max_value=500
    )
    accessibility_needs = TermsField(
        Term.Vocabulary.ACCESSIBILITY, label=_("Accessibility and mobility needs"), required=False
    )
    languages = TermsField(Term.Vocabulary.LANGUAGE, label=_("Languages"), required=False)
    group_preference = forms.ChoiceField(
        label=_("Group or one to one"),
        choices=Case.GroupPreference.choices,
        widget=forms.RadioSelect,
    )
    needs_free = forms.BooleanField(label=_("Only free of charge"), required=False)
    plan = forms.CharField(
        label=_("Plan"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    next_action_on = forms.DateField(
        label=_("Next thing to do on"), required=False, widget=DateInput()
    )

    TERM_FIELDS = ("interests", "accessibility_needs", "languages")

    @classmethod
    def initial_from(cls, case: Case) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(case, name) for name in cls.base_fields if name not in cls.TERM_FIELDS
        }
        for name in cls.TERM_FIELDS:
            initial[name] = [term.code for term in getattr(case, name).all()]
        return initial

    def case_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in self.TERM_FIELDS}


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Pathway stage"), choices=Case.Stage.choices)


class CloseCaseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why the case is closed"),
        choices=Case.ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the case is closed.")},
    )
    next_step = forms.ChoiceField(
        label=_("Next step"),
        choices=[("", _("None recorded")), *Case.NextStep.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Closing note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


# --- referring on to an offering ---------------------------------------------------------


class ReferForm(forms.Form):
    """What the person agrees to share with the provider, and the referral's message."""

    fields_shared = forms.MultipleChoiceField(
        label=_("Details to send"),
        choices=Consent.Field.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Consent.Field.NAME, Consent.Field.PHONE],
        error_messages={"required": _("Choose at least one detail to send.")},
        help_text=_("Only these details reach the activity. Scores and notes are never sent."),
    )
    consent_method = forms.ChoiceField(
        label=_("The person agreed"),
        choices=Consent.Method.choices,
        initial=Consent.Method.VERBAL,
        widget=forms.RadioSelect,
    )
    agrees = forms.BooleanField(
        error_messages={
            "required": _("Send the details only when the person agrees; tick the box.")
        }
    )
    message = forms.CharField(
        label=_("Message to the activity"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Do not write health details here."),
    )
    to_waitlist = forms.BooleanField(
        label=_("Put on the waiting list"),
        required=False,
        help_text=_("The activity is full. The person is put on its waiting list."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, offering: Offering, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.offering = offering
        self.fields["agrees"].label = _(
            "The person agrees that these details are sent to %(organisation)s"
        ) % {"organisation": offering.organization.name}
        self.waitlist_required = offering.capacity_status == Offering.CapacityStatus.WAITLIST
        if self.waitlist_required:
            self.fields["to_waitlist"].required = True
            self.fields["to_waitlist"].error_messages["required"] = _(
                "The activity is full. Tick the box to put the person on the waiting list, "
                "or choose another activity."
            )


# --- an unmet need -----------------------------------------------------------------------


def age_band(age: int | None) -> str:
    """The unmet-need age band of an age in years ("" when unknown)."""
    if age is None:
        return ""
    bands = [
        (18, UnmetNeed.AgeBand.UNDER_18),
        (30, UnmetNeed.AgeBand.YOUNG_ADULT),
        (50, UnmetNeed.AgeBand.ADULT),
        (65, UnmetNeed.AgeBand.MIDDLE),
        (80, UnmetNeed.AgeBand.OLDER),
    ]
    for below, band in bands:
        if age < below:
            return band.value
    return UnmetNeed.AgeBand.OLDEST.value


class UnmetNeedForm(forms.Form):
    need = TermField(
        Term.Vocabulary.CATEGORY,
        label=_("What was needed"),
        required=False,
        empty_label=_("Choose a category, or describe it below"),
    )
    need_text = forms.CharField(
        label=_("In words"),
        required=False,
        max_length=200,
        help_text=_("For example: a grief group for young adults. No names."),
    )
    age_band = forms.ChoiceField(
        label=_("Age"), choices=[("", _("Unknown")), *UnmetNeed.AgeBand.choices], required=False
    )
    audience = TermField(
        Term.Vocabulary.AUDIENCE, label=_("Target group"), required=False, empty_label=_("Any")
    )
    municipality = forms.ChoiceField(label=_("Municipality"))
    area = forms.CharField(
        label=_("Area"),
        required=False,
        max_length=100,
        help_text=_("A part of the municipality, if it matters."),
    )
    reasons = forms.MultipleChoiceField(
        label=_("Why nothing fitted"),
        choices=UnmetNeed.Why.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one reason why nothing fitted.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = municipality_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("need") is None and not (data.get("need_text") or "").strip():
            self.add_error("need_text", _("Choose what was needed, or describe it in words."))
        return data


# --- an activity referral's follow-up --------------------------------------------------------


class CancelReferralForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why the referral is withdrawn"),
        choices=[
            (
                ActivityReferral.Reason.PERSON_DECLINED,
                ActivityReferral.Reason.PERSON_DECLINED.label,
            ),
            (ActivityReferral.Reason.NO_CONTACT, ActivityReferral.Reason.NO_CONTACT.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the referral is withdrawn.")},
    )
    text = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer to the activity"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only what they need to know. They get a new link to answer."),
        error_messages={"required": _("Write what the activity asked for.")},
    )


class ParticipationForm(forms.Form):
    participation = forms.ChoiceField(
        label=_("Participation"),
        choices=ActivityReferral.Participation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the person takes part.")},
    )
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return on
