"""A person's data export (GDPR art. 15) and erasure (art. 17), handled by an administrator.

Administrators only, through `access.get_person` with "people.handle_request": everyone
else gets 404, and each page writes one audit event about the person.
"""

from __future__ import annotations

import json
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from lotsa.audit.models import AuditEvent
from lotsa.directory.access import AuthenticatedRequest

from .. import access, actions, retention, subject
from ..actions import ErasureReason, ErasureRefused, Refusal


@login_required
@require_safe
def export(request: HttpRequest, key: UUID) -> HttpResponse:
    """Everything Lotsa holds about the person, as a printable page."""
    person = access.get_person(
        request,
        key,
        permission=access.HANDLE_REQUEST,
        purpose="person's request: data export",
        action=AuditEvent.Action.EXPORT,
    )
    data = subject.readable(subject.collect(person))
    return render(
        request,
        "privacy/rights/export.html",
        {"person": person, "data": data, "is_anonymised": actions.is_anonymised(person)},
    )


@login_required
@require_safe
def export_json(request: HttpRequest, key: UUID) -> HttpResponse:
    """The same as JSON, as a file to hand over (ISO 8601 dates)."""
    person = access.get_person(
        request,
        key,
        permission=access.HANDLE_REQUEST,
        purpose="person's request: data export",
        action=AuditEvent.Action.EXPORT,
    )
    body = json.dumps(subject.collect(person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    # The opaque key names the file: never a name or an identity number.
    response["Content-Disposition"] = f'attachment; filename="lotsa-{person.uuid}.json"'
    return response


class ErasureForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why the data is erased"),
        choices=ErasureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose why the data is erased.")},
        help_text=gettext_lazy(
            "The ground in GDPR art. 17(1). It goes to the access log: keep the person's "
            "request itself in your register of requests."
        ),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I have checked that the request comes from the person, and I understand that "
            "the erasure cannot be undone."
        ),
        error_messages={"required": gettext_lazy("Confirm before erasing.")},
    )


def refusal_text(refusal: Refusal) -> str:
    """Why erasure is refused now, for the administrator."""
    if refusal.code == "open_case":
        return ngettext(
            "The person has an open case. The link worker closes it first.",
            "The person has %(count)d open cases. The link workers close them first.",
            refusal.count,
        ) % {"count": refusal.count}
    if refusal.code == "open_referral":
        return ngettext(
            "A referral about the person waits in a link worker team's inbox. The team "
            "declines it or opens a case first.",
            "%(count)d referrals about the person wait in link worker teams' inboxes. The "
            "teams decline them or open cases first.",
            refusal.count,
        ) % {"count": refusal.count}
    if refusal.code == "live_activity_referral":
        return ngettext(
            "The person is referred to an activity that still holds or awaits a place for "
            "them. The activity records that they stopped, or the consent to the activity is "
            "withdrawn, first.",
            "The person is referred to %(count)d activities that still hold or await a place "
            "for them. The activities record that they stopped, or the consents to them are "
            "withdrawn, first.",
            refusal.count,
        ) % {"count": refusal.count}
    if refusal.code == "legal_hold" and refusal.until is not None:
        return _(
            "A law the organisation is bound by requires keeping the record until %(date)s "
            "(GDPR art. 17(3)(b)). Tell the person that the data will be erased then."
        ) % {"date": formats.date_format(refusal.until, "SHORT_DATE_FORMAT")}
    return refusal.code


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: AuthenticatedRequest, key: UUID) -> HttpResponse:
    """What erasure removes and keeps, or why it is refused now; on POST, erase."""
    person = access.get_person(
        request, key, permission=access.HANDLE_REQUEST, purpose="person's request: erasure"
    )
    is_anonymised = actions.is_anonymised(person)
    refusals = [] if is_anonymised else actions.erasure_refusals(person)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not is_anonymised and not refusals and form.is_valid():
        try:
            actions.erase_person(
                person, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ErasureRefused as refused:
            refusals = refused.refusals
        else:
            messages.success(
                request,
                _("The person's data is erased. The access log and the consents are kept."),
            )
            return redirect("privacy:erase", person.uuid)
    classes = [
        retention.CLASSES[code]
        for code in ("person", "case_record", "referral", "consent", "break_glass", "access_log")
    ]
    return render(
        request,
        "privacy/rights/erase.html",
        {
            "person": person,
            "form": form,
            "is_anonymised": is_anonymised,
            "refusals": [refusal_text(refusal) for refusal in refusals],
            "classes": [
                {"name": c.name, "on_erasure": c.on_erasure, "why": c.reason()} for c in classes
            ],
        },
    )
