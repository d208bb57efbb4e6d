"""Everything Lotsa holds about one person, for their right of access (GDPR art. 15).

`collect(person)` gathers it in a fixed number of queries, whatever the number of referrals,
cases and activity referrals: plain values (text, numbers, booleans, dates, lists), choices
as their labels in the active language, ready for a page or for JSON. Staff are named by their
unit only, never by name (DOMAIN.md: the person learns which unit, not who); this holds for
break-glass accesses too, whose reason the person is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from lotsa.accounts.models import Membership
from lotsa.outcomes import instruments
from lotsa.outcomes.models import Assessment, ExperienceSurvey, FollowUp, HealthcareUse
from lotsa.outcomes.timeline import format_score, point_label
from lotsa.people.models import Consent, Person
from lotsa.referrals.models import (
    TIMES_OF_DAY,
    WEEKDAYS,
    ActivityReferral,
    ActivityReferralEvent,
    Case,
    Referral,
)

from .review import extract_events

Record = dict[str, Any]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


def _label(choices: Any, value: str) -> str:
    """The label of a choice (the value itself if it is not one of them; "" for none)."""
    if not value:
        return ""
    return str(dict(choices).get(value, value))


def _person(person: Person) -> Record:
    return {
        "key": str(person.uuid),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": person.birth_date,
        "identity_number": person.identity_number,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
        "postcode": person.postcode,
        "city": person.city,
        "municipality": person.municipality_name or person.municipality,
        "language": person.get_language_display(),
        "needs_interpreter": person.needs_interpreter,
        "contact_preference": person.get_contact_preference_display(),
        "sex": person.get_sex_display(),
        "household": person.get_household_display(),
        "created_at": _local(person.created_at),
        "updated_at": _local(person.updated_at),
    }


def _consent(consent: Consent) -> Record:
    recipient = consent.team or consent.organization
    return {
        "scope": consent.get_scope_display(),
        "recipient": recipient.name if recipient else "",
        "fields": [_label(Consent.Field.choices, code) for code in consent.fields],
        "method": consent.get_method_display(),
        "given_at": _local(consent.given_at),
        "withdrawn_at": _local(consent.withdrawn_at),
    }


def _referral(referral: Referral) -> Record:
    return {
        "key": str(referral.uuid),
        "created_at": _local(referral.created_at),
        "source": referral.get_source_display(),
        "team": referral.team.name,
        "referring_unit": (
            referral.referring_organization.name if referral.referring_organization else ""
        ),
        "reasons": referral.get_reasons_display(),
        "details": referral.details,
        "agreed_to_be_called": referral.agreed_to_be_called,
        "loneliness_answers": [a for a in referral.ucla3_answers if a is not None],
        "loneliness_score": referral.ucla3_score,
        "status": referral.get_status_display(),
        "first_contact_due": referral.due_on,
        "triaged_at": _local(referral.triaged_at),
        "first_contact_at": _local(referral.first_contact_at),
        "decline_reason": referral.decline_reason,
        "forwarded_to": referral.forwarded_to.name if referral.forwarded_to else "",
    }


def _event(event: ActivityReferralEvent) -> Record:
    return {
        "at": _local(event.at),
        "status": _label(ActivityReferral.Status.choices, event.status),
        "reason": _label(ActivityReferral.Reason.choices, event.reason),
        "participation": _label(ActivityReferral.Participation.choices, event.participation),
        "text": event.text,
        "via_link": event.via_link,
    }


def _activity_referral(item: ActivityReferral) -> Record:
    return {
        "key": str(item.uuid),
        "activity": item.offering.name,
        "organisation": item.offering.organization.name,
        "status": item.get_status_display(),
        "reason": item.get_reason_display(),
        "reason_text": item.reason_text,
        "message": item.message,
        "participation": item.get_participation_display(),
        "started_on": item.started_on,
        "stopped_on": item.stopped_on,
        "on_waitlist": item.on_waitlist,
        "created_at": _local(item.created_at),
        "answered_at": _local(item.answered_at),
        "events": [_event(event) for event in item.events.all()],
    }


def _point(follow_up: FollowUp | None) -> str:
    return point_label(follow_up.months) if follow_up is not None else ""


def _follow_up(follow_up: FollowUp) -> Record:
    return {
        "point": _point(follow_up),
        "due_on": follow_up.due_on,
        "completed_at": _local(follow_up.completed_at),
        "cancelled_at": _local(follow_up.cancelled_at),
        "link_sent_at": _local(follow_up.link_sent_at),
        "link_channel": follow_up.get_link_channel_display(),
    }


def _answer(item: instruments.Item, value: int | None) -> str:
    chosen = next((choice.label for choice in item.choices if choice.value == value), "–")
    return f"{item.label}: {chosen}"


def _assessment(assessment: Assessment, follow_ups: dict[int, FollowUp]) -> Record:
    """One questionnaire: each question with the answer chosen, and each scale's score."""
    instrument = instruments.INSTRUMENTS.get(assessment.instrument)
    answers = assessment.answers or {}
    return {
        "instrument": instrument.label if instrument else assessment.instrument,
        "point": _point(follow_ups.get(assessment.follow_up_id or 0)),
        "answered_on": assessment.answered_on,
        "how": assessment.get_mode_display(),
        "answers": [_answer(item, answers.get(item.key)) for item in instrument.items]
        if instrument and answers
        else [],
        "scores": [
            f"{scale.label}: {format_score(assessment.scores.get(scale.key))}"
            for scale in instrument.scales
        ]
        if instrument
        else [],
        "duplicate": assessment.duplicate_of_id is not None,
    }


def _survey(survey: ExperienceSurvey, follow_ups: dict[int, FollowUp]) -> Record:
    return {
        "point": _point(follow_ups.get(survey.follow_up_id or 0)),
        "answered_on": survey.answered_on,
        "how": survey.get_mode_display(),
        "satisfaction": survey.satisfaction,
        "hours_suited": survey.get_hours_suited_display(),
        "progress": survey.get_progress_display(),
        "would_change": survey.would_change,
        "duplicate": survey.duplicate_of_id is not None,
    }


def _healthcare_use(use: HealthcareUse) -> Record:
    return {
        "period": use.get_period_display(),
        "gp_visits": use.gp_visits,
        "emergency_visits": use.emergency_visits,
        "entered": use.get_source_display(),
    }


def _outcomes(case: Case) -> Record:
    follow_ups = {follow_up.pk: follow_up for follow_up in case.follow_ups.all()}
    return {
        "follow_ups": [_follow_up(follow_up) for follow_up in follow_ups.values()],
        "assessments": [_assessment(item, follow_ups) for item in case.assessments.all()],
        "experience_surveys": [_survey(item, follow_ups) for item in case.experience_surveys.all()],
        "healthcare_use": [_healthcare_use(use) for use in case.healthcare_use.all()],
    }


def _case(case: Case) -> Record:
    return {
        "key": str(case.uuid),
        "referral": str(case.referral.uuid),
        "team": case.team.name,
        "opened_at": _local(case.opened_at),
        "stage": case.get_stage_display(),
        "stage_changed_at": _local(case.stage_changed_at),
        "what_matters": case.what_matters,
        "interests": [term.name for term in case.interests.all()],
        "available_days": [_label(WEEKDAYS, day) for day in case.available_days],
        "available_times": [_label(TIMES_OF_DAY, time) for time in case.available_times],
        "max_travel_km": case.max_travel_km,
        "accessibility_needs": [term.name for term in case.accessibility_needs.all()],
        "languages": [term.name for term in case.languages.all()],
        "group_preference": case.get_group_preference_display(),
        "needs_free": case.needs_free,
        "plan": case.plan,
        "next_action_on": case.next_action_on,
        "closed_at": _local(case.closed_at),
        "closure_reason": case.get_closure_reason_display(),
        "next_step": case.get_next_step_display(),
        "closure_note": case.closure_note,
        "contacts": [
            {
                "date": contact.happened_on,
                "how": contact.get_channel_display(),
                "minutes": contact.duration_minutes,
                "reached": contact.reached,
                "note": contact.note,
            }
            for contact in case.contacts.all()
        ],
        "activity_referrals": [_activity_referral(item) for item in case.activity_referrals.all()],
        **_outcomes(case),
    }


def _break_glass(person: Person) -> list[Record]:
    grants = list(person.break_glass.order_by("started_at"))
    if not grants:
        return []
    units: dict[int, str] = {}
    for user_id, name in (
        Membership.objects.filter(
            user__in={grant.user_id for grant in grants}, role=Membership.Role.ADMINISTRATOR
        )
        .order_by("-organization_id")
        .values_list("user_id", "organization__name")
    ):
        units[user_id] = name  # the lowest organisation id wins, as in the access log
    return [
        {
            "started_at": _local(grant.started_at),
            "ends_at": _local(grant.ends_at),
            "reason": grant.reason,
            "unit": units.get(grant.user_id, ""),
        }
        for grant in grants
    ]


def collect(person: Person) -> Record:
    """Everything Lotsa holds about `person`, and the log extract of who (which unit) looked.

    Seventeen queries at most, however much there is.
    """
    consents = person.consents.select_related("team", "organization").order_by("given_at", "pk")
    referrals = person.referrals.select_related(
        "team", "referring_organization", "forwarded_to"
    ).order_by("created_at", "pk")
    cases = (
        person.cases.select_related("team", "referral")
        .prefetch_related(
            "contacts",
            "interests",
            "accessibility_needs",
            "languages",
            Prefetch(
                "activity_referrals",
                ActivityReferral.objects.select_related("offering__organization")
                .prefetch_related("events")
                .order_by("created_at", "pk"),
            ),
            Prefetch("follow_ups", FollowUp.objects.order_by("months")),
            Prefetch("assessments", Assessment.objects.order_by("answered_on", "created_at", "pk")),
            Prefetch(
                "experience_surveys",
                ExperienceSurvey.objects.order_by("answered_on", "created_at", "pk"),
            ),
            Prefetch("healthcare_use", HealthcareUse.objects.order_by("-period")),
        )
        .order_by("opened_at", "pk")
    )
    return {
        "generated_at": timezone.localtime(),
        "person": _person(person),
        "consents": [_consent(consent) for consent in consents],
        "referrals": [_referral(referral) for referral in referrals],
        "cases": [_case(case) for case in cases],
        "break_glass": _break_glass(person),
        "access_log": [
            {"at": row.at, "unit": row.unit, "action": row.action, "purpose": row.purpose}
            for row in extract_events(person)
        ],
    }


# --- the readable page ----------------------------------------------------------------------

# The label of every key `collect` writes, for the page (JSON keeps the keys).
LABELS = {
    "key": gettext_lazy("Reference"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "birth_date": gettext_lazy("Date of birth"),
    "identity_number": gettext_lazy("Identity number"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "address": gettext_lazy("Address"),
    "postcode": gettext_lazy("Postcode"),
    "city": gettext_lazy("Town"),
    "municipality": gettext_lazy("Municipality"),
    "language": gettext_lazy("Preferred language"),
    "needs_interpreter": gettext_lazy("Needs an interpreter"),
    "contact_preference": gettext_lazy("How to contact"),
    "sex": gettext_lazy("Sex"),
    "household": gettext_lazy("Household"),
    "created_at": gettext_lazy("Recorded"),
    "updated_at": gettext_lazy("Last changed"),
    "scope": gettext_lazy("Consent to"),
    "recipient": gettext_lazy("Recipient"),
    "fields": gettext_lazy("Details shared"),
    "method": gettext_lazy("Given"),
    "given_at": gettext_lazy("Given at"),
    "withdrawn_at": gettext_lazy("Withdrawn at"),
    "source": gettext_lazy("Referred by"),
    "team": gettext_lazy("Link worker team"),
    "referring_unit": gettext_lazy("Referring unit"),
    "reasons": gettext_lazy("Reasons"),
    "details": gettext_lazy("Details"),
    "agreed_to_be_called": gettext_lazy("Agreed to be called"),
    "loneliness_answers": gettext_lazy("Answers to the loneliness questions"),
    "loneliness_score": gettext_lazy("Loneliness score (3–9)"),
    "status": gettext_lazy("Status"),
    "first_contact_due": gettext_lazy("First contact due"),
    "triaged_at": gettext_lazy("Assessed"),
    "first_contact_at": gettext_lazy("First contact"),
    "decline_reason": gettext_lazy("Reason for declining"),
    "forwarded_to": gettext_lazy("Forwarded to"),
    "referral": gettext_lazy("Referral"),
    "opened_at": gettext_lazy("Opened"),
    "stage": gettext_lazy("Pathway stage"),
    "stage_changed_at": gettext_lazy("Stage since"),
    "what_matters": gettext_lazy("What matters to me"),
    "interests": gettext_lazy("Interests"),
    "available_days": gettext_lazy("Days available"),
    "available_times": gettext_lazy("Times available"),
    "max_travel_km": gettext_lazy("How far they can travel (km)"),
    "accessibility_needs": gettext_lazy("Accessibility and mobility needs"),
    "languages": gettext_lazy("Languages"),
    "group_preference": gettext_lazy("Group or one to one"),
    "needs_free": gettext_lazy("Only free of charge"),
    "plan": gettext_lazy("Plan"),
    "next_action_on": gettext_lazy("Next thing to do on"),
    "closed_at": gettext_lazy("Closed"),
    "closure_reason": gettext_lazy("Reason for closing"),
    "next_step": gettext_lazy("Next step"),
    "closure_note": gettext_lazy("Closing note"),
    "date": gettext_lazy("Date"),
    "how": gettext_lazy("How"),
    "minutes": gettext_lazy("Minutes"),
    "reached": gettext_lazy("Reached the person"),
    "note": gettext_lazy("Note"),
    "activity": gettext_lazy("Activity"),
    "organisation": gettext_lazy("Organisation"),
    "reason": gettext_lazy("Reason"),
    "reason_text": gettext_lazy("Explanation"),
    "message": gettext_lazy("Message to the activity"),
    "participation": gettext_lazy("Participation"),
    "started_on": gettext_lazy("Started on"),
    "stopped_on": gettext_lazy("Stopped on"),
    "on_waitlist": gettext_lazy("On the waiting list"),
    "answered_at": gettext_lazy("Answered"),
    "at": gettext_lazy("When"),
    "text": pgettext_lazy("export", "Text"),
    "via_link": gettext_lazy("Answered through a link"),
    "started_at": gettext_lazy("Started"),
    "ends_at": gettext_lazy("Ended"),
    "unit": gettext_lazy("Unit"),
    "action": gettext_lazy("What"),
    "purpose": gettext_lazy("Why"),
    "follow_ups": gettext_lazy("Follow-ups"),
    "point": gettext_lazy("Follow-up"),
    "due_on": gettext_lazy("Due"),
    "completed_at": gettext_lazy("Answered"),
    "cancelled_at": gettext_lazy("Cancelled"),
    "link_sent_at": gettext_lazy("Link sent to you"),
    "link_channel": gettext_lazy("Link sent by"),
    "assessments": gettext_lazy("Questionnaires"),
    "instrument": gettext_lazy("Questionnaire"),
    "answered_on": gettext_lazy("Answered on"),
    "answers": gettext_lazy("Answers"),
    "scores": gettext_lazy("Scores"),
    "duplicate": gettext_lazy("Answered twice: not counted"),
    "experience_surveys": gettext_lazy("Experience surveys"),
    "satisfaction": gettext_lazy("How satisfied (1–5)"),
    "hours_suited": gettext_lazy("Did the days and hours suit you"),
    "progress": gettext_lazy("Have you made progress"),
    "would_change": gettext_lazy("What you would change"),
    "healthcare_use": gettext_lazy("Health-care use"),
    "period": gettext_lazy("Period"),
    "gp_visits": gettext_lazy("Visits to the health centre"),
    "emergency_visits": gettext_lazy("Emergency department visits"),
    "entered": gettext_lazy("Recorded how"),
}

# The outcome lists of a case, shown on the page as one fact each: a line per entry.
OUTCOME_LISTS = ("follow_ups", "assessments", "experience_surveys", "healthcare_use")


def display(value: Any) -> str:
    """A value as the page shows it, in the active language's formats."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def facts(record: Record, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(label, shown value) for each plain field of `record`, in order."""
    skipped = set(skip)
    return [
        (str(LABELS.get(key, key)), display(value))
        for key, value in record.items()
        if key not in skipped
    ]


def _outcome_facts(case: Record) -> list[tuple[str, str]]:
    """A case's follow-ups, questionnaires, surveys and health-care use for the page: one
    labelled fact per list, a line per entry ("Due: 2025-06-03; Answered: …")."""
    found = []
    for key in OUTCOME_LISTS:
        lines = [
            "; ".join(f"{label}: {value}" for label, value in facts(entry) if value != "–")
            for entry in case[key]
        ]
        found.append((str(LABELS[key]), "\n".join(lines) if lines else "–"))
    return found


def readable(data: Record) -> Record:
    """`collect`'s result as labelled facts for the printable page."""
    return {
        "generated_at": display(data["generated_at"]),
        "person": facts(data["person"]),
        "consents": [facts(consent) for consent in data["consents"]],
        "referrals": [facts(referral) for referral in data["referrals"]],
        "cases": [
            {
                "facts": facts(case, skip=("contacts", "activity_referrals", *OUTCOME_LISTS))
                + _outcome_facts(case),
                "contacts": [facts(contact) for contact in case["contacts"]],
                "activity_referrals": [
                    {
                        "facts": facts(item, skip=("events",)),
                        "events": [facts(event) for event in item["events"]],
                    }
                    for item in case["activity_referrals"]
                ],
            }
            for case in data["cases"]
        ],
        "break_glass": [facts(grant) for grant in data["break_glass"]],
        "access_log": [
            {key: display(value) for key, value in row.items()} for row in data["access_log"]
        ],
    }
