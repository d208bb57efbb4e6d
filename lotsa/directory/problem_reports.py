"""Problem reports: the public form, and the actions that file and resolve a report."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotsa.audit import events

from .models import Offering, ProblemReport


class ProblemReportForm(forms.ModelForm):  # type: ignore[type-arg]
    """What is wrong with a listing, told by anyone, with no account.

    `website` is a honeypot: people never see it (the template hides it), but form-filling
    robots tend to fill in every field, and a report with it filled in is refused.
    """

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = ProblemReport
        fields = ["kind", "message", "contact"]
        widgets = {
            "kind": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
            "contact": forms.TextInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "message": _("What should it say instead? Please do not write about your health."),
            "contact": _("Only if you want us to be able to ask you something."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons need no empty "---------" choice: nothing ticked is already "none".
        cast(forms.ChoiceField, self.fields["kind"]).choices = ProblemReport.Kind.choices

    def clean_website(self) -> str:
        value: str = self.cleaned_data.get("website", "")
        if value:
            raise forms.ValidationError(_("Leave this field empty."), code="honeypot")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == ProblemReport.Kind.OTHER and not cleaned.get("message"):
            self.add_error("message", _("Please tell us what is wrong."))
        return cleaned


@transaction.atomic
def report_problem(offering: Offering, *, kind: str, message: str, contact: str) -> ProblemReport:
    """File a report from the public about `offering`; staff see it in their queue."""
    report = ProblemReport.objects.create(
        offering=offering, kind=kind, message=message, contact=contact
    )
    # The reporter may leave contact details, which are personal data: log that they exist.
    events.record("create", report, user=None)
    return report


@transaction.atomic
def resolve_problem(report: ProblemReport, *, acting_user: Any, resolution: str) -> None:
    """Mark `report` resolved by `acting_user`, saying what was done."""
    report.status = ProblemReport.Status.RESOLVED
    report.resolved_by = acting_user
    report.resolved_at = timezone.now()
    report.resolution = resolution
    report.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    events.record("change", report, user=acting_user)
