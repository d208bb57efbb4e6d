"""The prescription for the person: a printable PDF and a calendar file of the sessions.

Only the case's link worker team gets them; each download is logged (print, export).
"""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from lotsa.audit import events
from lotsa.audit.models import AuditEvent

from .. import prescription
from ..access import get_activity_referral_for_link_worker
from ..models import ActivityReferral


def _log(request: HttpRequest, referral: ActivityReferral, action: str) -> None:
    events.record(
        action,
        referral,
        user=request.user,
        organization_id=referral.case.team.organization_id,
        purpose="prescription",
        request=request,
    )


@login_required
@never_cache
def prescription_pdf(request: HttpRequest, key: UUID) -> HttpResponse:
    referral = get_activity_referral_for_link_worker(request, key)
    pdf = prescription.render_pdf(referral)
    _log(request, referral, AuditEvent.Action.PRINT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{prescription.filename(referral, "pdf")}"'
    return response


@login_required
@never_cache
def prescription_ics(request: HttpRequest, key: UUID) -> HttpResponse:
    referral = get_activity_referral_for_link_worker(request, key)
    ics = prescription.render_ics(referral)
    _log(request, referral, AuditEvent.Action.EXPORT)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{prescription.filename(referral, "ics")}"'
    )
    return response
