"""Forms of the provider's side: the answer to an activity referral, and participation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotsa.accounts.widgets import DateInput
from lotsa.directory.models import Offering

from ..actions import Answer
from ..models import ActivityReferral

ANSWER_CHOICES = [
    (Answer.ACCEPT, _("Accept: there is a place")),
    (Answer.WAITLIST, _("No place now: put the person on the waiting list")),
    (Answer.NO_PLACE, _("No place, and no waiting list")),
    (Answer.NEEDS_INFORMATION, _("We need more information first (say what)")),
    (Answer.DECLINE, _("Decline (say why)")),
]


class AnswerForm(forms.Form):
    """Accept, decline, no place (waiting list or not), or ask for more information."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer.")},
    )
    text = forms.CharField(
        label=_("Why, or what you need to know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed when you decline or ask for more information. The link worker reads it."
        ),
    )

    def __init__(self, *args: Any, offering: Offering, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The waiting list is only offered by an activity that keeps one.
        self.fields["answer"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in ANSWER_CHOICES
            if value != Answer.WAITLIST or offering.has_waitlist
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answer = cleaned.get("answer")
        text = cleaned.get("text", "").strip()
        cleaned["text"] = text
        if answer == Answer.DECLINE and not text:
            self.add_error("text", _("Say why you decline."))
        elif answer == Answer.NEEDS_INFORMATION and not text:
            self.add_error("text", _("Say what you need to know."))
        return cleaned


class ParticipationForm(forms.Form):
    """Started, attending or stopped, and when (today unless given)."""

    participation = forms.ChoiceField(
        label=_("How is it going?"),
        choices=ActivityReferral.Participation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one.")},
    )
    on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )

    def clean_on(self) -> Any:
        on = self.cleaned_data.get("on")
        if on is not None and on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return on
