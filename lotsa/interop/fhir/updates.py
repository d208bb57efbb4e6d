"""A provider's system moves a Task on: `PUT /fhir/Task/{id}` with the Task it read and a new
`status`, through the same actions as the web's answer page (`lotsa.referrals.actions`), so
the same state machine, events and notifications.

| status sent | with | does (as on the web page) |
|---|---|---|
| accepted | – | accept: takes a place |
| rejected | statusReason `provider_declined` and a text, or `no_capacity` | decline, or no place |
| on-hold | statusReason `waitlisted`, or `needs_information` and a text | waiting list, or ask |
| in-progress | businessStatus `started` (default) or `attending`; executionPeriod.start | started |
| completed | executionPeriod.end | stopped, after starting |
| cancelled | – (only before the person started) | stopped before starting: the person declined |

The reason's code is read from `statusReason.coding` in Lotsa's task-status-reason system
(the SNOMED CT code for "social prescribing declined" counts as `person_declined`); the
provider's explanation is `statusReason.text`. Sending the Task back unchanged changes
nothing. A move the state machine refuses (answered already, not started, the last place
just taken) is 409; a request that says too little (no reason, no text) is 422.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.utils import timezone
from pydantic import ValidationError

from lotsa.referrals import actions
from lotsa.referrals.actions import Answer, ReferralError
from lotsa.referrals.models import ActivityReferral

from . import codes
from .errors import FhirError
from .resources import FhirCodeableConceptInput, FhirPeriodInput, FhirTaskUpdate

Status = ActivityReferral.Status
Reason = ActivityReferral.Reason
Participation = ActivityReferral.Participation
MEDIA_TYPES = ("application/fhir+json", "application/json")
MAX_TEXT = 2000  # as the web's answer form
SETTABLE = ("accepted", "rejected", "on-hold", "in-progress", "completed", "cancelled")
ANSWERS = {
    ("accepted", ""): Answer.ACCEPT,
    ("rejected", Reason.PROVIDER_DECLINED): Answer.DECLINE,
    ("rejected", Reason.NO_CAPACITY): Answer.NO_PLACE,
    ("on-hold", Reason.WAITLISTED): Answer.WAITLIST,
    ("on-hold", Reason.NEEDS_INFORMATION): Answer.NEEDS_INFORMATION,
}
CONFLICTS = {
    "answered": "The Task was answered already, or is no longer waiting for an answer.",
    "full": "The last place was just taken: answer on-hold (waitlisted) or rejected (no_capacity).",
    "not_accepted": "Participation can be recorded only after the person got a place.",
}


@dataclass(frozen=True)
class Change:
    """What the request asks for, read from the Task sent."""

    status: str
    reason: str
    text: str
    participation: str
    started_on: dt.date | None
    stopped_on: dt.date | None


def read_change(body: bytes, content_type: str, key: str) -> Change:
    """The change a PUT asks for; raises FhirError (415, 400, 422) for what cannot be read."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in MEDIA_TYPES:
        raise FhirError(415, "Send the Task as application/fhir+json.", code="not-supported")
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        raise FhirError(400, "The body is not valid JSON.", code="structure") from None
    if not isinstance(data, dict):
        raise FhirError(400, "The body must be a Task resource.", code="structure")
    try:
        sent = FhirTaskUpdate.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise FhirError(
            400,
            f"The Task is not valid at {where or 'its root'}: {first['msg']}",
            code="structure",
            expression=f"Task.{where}" if where else "Task",
        ) from None
    text = (sent.status_reason.text or "").strip() if sent.status_reason else ""
    if "\x00" in text or not _encodable(text):
        raise FhirError(
            400,
            "statusReason.text holds a character that is not allowed.",
            code="value",
            expression="Task.statusReason.text",
        )
    if sent.id is not None and sent.id != key:
        raise FhirError(
            400, "The Task's id is not the one in the URL.", code="invalid", expression="Task.id"
        )
    return Change(
        status=sent.status,
        reason=_reason(sent.status_reason),
        text=text,
        participation=_participation(sent.business_status),
        started_on=_date(sent.execution_period, "start"),
        stopped_on=_date(sent.execution_period, "end"),
    )


def _encodable(text: str) -> bool:
    """Whether the text is real Unicode: JSON may carry a lone surrogate, no database can."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _reason(concept: FhirCodeableConceptInput | None) -> str:
    for coding in (concept.coding if concept else None) or ():
        if coding.system == codes.TASK_STATUS_REASON and coding.code in Reason.values:
            return coding.code
        if coding.system == codes.SNOMED and coding.code == codes.SOCIAL_PRESCRIBING_DECLINED:
            return Reason.PERSON_DECLINED
    if concept and concept.coding:
        raise FhirError(
            422,
            f"statusReason must hold a code of {codes.TASK_STATUS_REASON}.",
            code="code-invalid",
            expression="Task.statusReason",
        )
    return ""


def _participation(concept: FhirCodeableConceptInput | None) -> str:
    for coding in (concept.coding if concept else None) or ():
        if coding.system == codes.PARTICIPATION and coding.code in Participation.values:
            return coding.code
    return ""


def _date(period: FhirPeriodInput | None, end: str) -> dt.date | None:
    value = getattr(period, end) if period else None
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        day = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    else:
        day = value
    if day > timezone.localdate():
        raise FhirError(
            422,
            "The date cannot be in the future.",
            code="value",
            expression=f"Task.executionPeriod.{end}",
        )
    return day


def _unchanged(task: ActivityReferral, change: Change) -> bool:
    return (
        change.status == task.status
        and change.reason in ("", task.reason)
        and change.participation in ("", task.participation)
    )


def apply_change(task: ActivityReferral, change: Change) -> ActivityReferral:
    """Move the Task as asked, through the web's actions; raises FhirError when refused."""
    if _unchanged(task, change):
        return task
    if len(change.text) > MAX_TEXT:
        raise FhirError(
            422,
            f"statusReason.text is longer than {MAX_TEXT} characters.",
            code="too-long",
            expression="Task.statusReason.text",
        )
    try:
        if change.status in ("accepted", "rejected", "on-hold"):
            return _answer(task, change)
        if change.status in ("in-progress", "completed", "cancelled"):
            return _participate(task, change)
    except ReferralError as error:
        if error.code == "reason_required":
            raise FhirError(
                422,
                "Say why in statusReason.text.",
                code="required",
                expression="Task.statusReason.text",
            ) from None
        raise FhirError(
            409,
            CONFLICTS.get(error.code, "The Task cannot move to this status now."),
            code="conflict",
        ) from None
    raise FhirError(
        422,
        f"A provider sets status to one of: {', '.join(SETTABLE)}.",
        code="business-rule",
        expression="Task.status",
    )


def _answer(task: ActivityReferral, change: Change) -> ActivityReferral:
    reason = change.reason
    if change.status == "rejected" and not reason:
        reason = Reason.PROVIDER_DECLINED
    answer = ANSWERS.get((change.status, reason if change.status != "accepted" else ""))
    if answer is None:
        allowed = {
            "rejected": "provider_declined or no_capacity",
            "on-hold": "waitlisted or needs_information",
        }.get(change.status, "none")
        raise FhirError(
            422,
            f"statusReason for {change.status} must be {allowed}.",
            code="code-invalid",
            expression="Task.statusReason",
        )
    if answer == Answer.WAITLIST and not task.offering.has_waitlist:
        raise FhirError(
            422,
            "This activity keeps no waiting list.",
            code="business-rule",
            expression="Task.statusReason",
        )
    if task.status not in actions.ANSWERABLE:
        raise ReferralError("answered")
    return actions.answer_activity_referral(task, answer, acting_user=None, text=change.text)


def _participate(task: ActivityReferral, change: Change) -> ActivityReferral:
    if change.status == "in-progress":
        participation = change.participation or Participation.STARTED
        if participation == Participation.STOPPED:
            raise FhirError(
                422,
                "A stopped participation is status completed (or cancelled before starting).",
                code="business-rule",
                expression="Task.businessStatus",
            )
        return actions.record_participation(
            task, participation, acting_user=None, on=change.started_on
        )
    # Stopping: completed after the person started; cancelled (the person declined) before.
    started = task.status == Status.IN_PROGRESS and task.started_on is not None
    if change.status == "completed" and not started:
        raise ReferralError("not_accepted")
    if change.status == "cancelled" and (
        started or change.reason not in ("", Reason.PERSON_DECLINED)
    ):
        raise FhirError(
            422 if not started else 409,
            "A provider cancels only before the person started, because they declined.",
            code="business-rule" if not started else "conflict",
            expression="Task.status",
        )
    return actions.record_participation(
        task, Participation.STOPPED, acting_user=None, on=change.stopped_on
    )
