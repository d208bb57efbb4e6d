"""Outcome measurement's use cases: a case's follow-up schedule, recording a follow-up's
answers (with the link worker or by the person alone), and health-care use.

Each runs in one transaction with its audit events. A follow-up answered twice keeps both
answers: the second is flagged as a duplicate of the first and is not counted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from lotsa.accounts.models import User
from lotsa.audit import events
from lotsa.audit.models import AuditEvent
from lotsa.referrals.models import Case

from . import instruments
from .models import Assessment, ExperienceSurvey, FollowUp, HealthcareUse, Mode, OutcomeSettings

Action = AuditEvent.Action
PURPOSE = "follow-up"


def instruments_for(case: Case) -> list[instruments.Instrument]:
    """The instruments the case's organisation uses (LOTSA_DEFAULT_INSTRUMENTS if unset)."""
    chosen = (
        OutcomeSettings.objects.filter(organization_id=case.team.organization_id)
        .values_list("instruments", flat=True)
        .first()
    )
    codes = chosen or settings.LOTSA_DEFAULT_INSTRUMENTS
    return [instruments.INSTRUMENTS[code] for code in codes if code in instruments.INSTRUMENTS]


def uses_experience_survey(case: Case) -> bool:
    chosen = (
        OutcomeSettings.objects.filter(organization_id=case.team.organization_id)
        .values_list("experience_survey", flat=True)
        .first()
    )
    return True if chosen is None else chosen


def schedule_start(case: Case) -> dt.date:
    """The baseline belongs to the first conversation: the referral's first contact if
    there was one, else the day the case was opened."""
    first_contact = case.referral.first_contact_at
    return timezone.localdate(first_contact or case.opened_at)


def schedule_follow_ups(case: Case) -> list[FollowUp]:
    """The case's schedule, made if missing: the baseline at the first conversation, then
    one follow-up LOTSA_FOLLOW_UP_MONTHS after it. Idempotent; never moves a point that
    exists (its date may already have been agreed with the person)."""
    start = schedule_start(case)
    wanted = [0, *sorted(set(settings.LOTSA_FOLLOW_UP_MONTHS))]
    existing = {follow_up.months: follow_up for follow_up in case.follow_ups.all()}
    missing = [
        FollowUp(case=case, months=months, due_on=start + relativedelta(months=months))
        for months in wanted
        if months not in existing
    ]
    if missing:
        try:
            with transaction.atomic():
                FollowUp.objects.bulk_create(missing)
        except IntegrityError:
            # Another request made the schedule at the same moment: theirs stands.
            pass
        existing = {follow_up.months: follow_up for follow_up in case.follow_ups.all()}
    return [existing[months] for months in sorted(existing)]


def schedule_missing_follow_ups(cases: QuerySet[Case]) -> int:
    """Make the schedule of every open case in `cases` that lacks one or some of its points
    (nobody opened the case since it was opened, or the settings gained a point); returns
    how many cases got points. The nightly sweep runs it over all cases; the team's list of
    follow-ups over the team's, so that the list is complete before the night."""
    wanted = 1 + len(set(settings.LOTSA_FOLLOW_UP_MONTHS))
    lacking = (
        cases.filter(closed_at__isnull=True)
        .annotate(points=Count("follow_ups"))
        .filter(points__lt=wanted)
        .select_related("referral")
        .order_by("pk")
    )
    scheduled = 0
    for case in lacking:
        before = case.points  # type: ignore[attr-defined]
        if len(schedule_follow_ups(case)) > before:
            scheduled += 1
    return scheduled


def cancel_follow_ups_of_closed_cases(now: dt.datetime | None = None) -> int:
    """Closing a case ends its follow-up: the points not done are marked cancelled, so that
    nobody is reminded of them and the person's link stops working. Returns how many."""
    return (
        FollowUp.objects.pending()
        .filter(case__closed_at__isnull=False)
        .update(cancelled_at=now or timezone.now(), link_nonce="")
    )


@dataclasses.dataclass(frozen=True)
class SurveyAnswers:
    satisfaction: int
    hours_suited: str
    progress: str
    would_change: str = ""

    def errors(self) -> dict[str, str]:
        problems = {}
        if self.satisfaction not in range(1, 6):
            problems["satisfaction"] = "between 1 and 5"
        if self.hours_suited not in ExperienceSurvey.HoursSuited.values:
            problems["hours_suited"] = "not a choice"
        if self.progress not in ExperienceSurvey.Progress.values:
            problems["progress"] = "not a choice"
        return problems


@dataclasses.dataclass(frozen=True)
class Recorded:
    assessments: list[Assessment]
    survey: ExperienceSurvey | None
    # True when this follow-up had been answered before: the new answers are kept as
    # duplicates and the first ones still count.
    was_duplicate: bool


def record_follow_up(
    follow_up: FollowUp,
    *,
    answers: Mapping[str, Mapping[str, int | None]],
    survey: SurveyAnswers | None = None,
    mode: str,
    acting_user: User | None,
    answered_on: dt.date | None = None,
) -> Recorded:
    """Store a follow-up's answers, one assessment per instrument, and the experience survey.

    `answers` maps instrument codes to {item: value or None}. Every instrument is validated
    before anything is written (InvalidAnswers names the instrument and item); nothing is
    half-stored. `acting_user` is None when the person answered through their own link."""
    if mode not in Mode.values:
        raise ValueError(f"unknown mode {mode!r}")
    errors: dict[str, str] = {}
    scored: list[tuple[instruments.Instrument, dict[str, int | None], instruments.Scores]] = []
    for code, item_answers in answers.items():
        if code not in instruments.INSTRUMENTS:
            errors[code] = "not an instrument"
            continue
        instrument = instruments.get(code)
        try:
            clean = instrument.validate(item_answers)
        except instruments.InvalidAnswers as invalid:
            errors.update({f"{code}.{key}": error for key, error in invalid.errors.items()})
            continue
        scored.append((instrument, clean, instrument.score(clean)))
    if survey is not None:
        errors.update({f"survey.{key}": error for key, error in survey.errors().items()})
    if errors:
        raise instruments.InvalidAnswers(errors)

    answered_on = answered_on or timezone.localdate()
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    with transaction.atomic():
        # Lock the follow-up so that two submissions at once are ordered: the second sees
        # the first and is flagged as its duplicate.
        follow_up = FollowUp.objects.select_for_update().select_related("case").get(pk=follow_up.pk)
        case = follow_up.case
        firsts = {
            assessment.instrument: assessment
            for assessment in Assessment.objects.filter(follow_up=follow_up).counted()
        }
        first_survey = (
            ExperienceSurvey.objects.filter(follow_up=follow_up, duplicate_of__isnull=True)
            .order_by("pk")
            .first()
        )
        was_duplicate = follow_up.completed_at is not None
        created = Assessment.objects.bulk_create(
            [
                Assessment(
                    case=case,
                    follow_up=follow_up,
                    instrument=instrument.code,
                    answers=clean,
                    scores=scores,
                    score=instrument.primary_score(scores),
                    answered_on=answered_on,
                    mode=mode,
                    recorded_by=user,
                    duplicate_of=firsts.get(instrument.code),
                )
                for instrument, clean, scores in scored
            ]
        )
        saved_survey = None
        if survey is not None:
            saved_survey = ExperienceSurvey.objects.create(
                case=case,
                follow_up=follow_up,
                satisfaction=survey.satisfaction,
                hours_suited=survey.hours_suited,
                progress=survey.progress,
                would_change=survey.would_change,
                answered_on=answered_on,
                mode=mode,
                recorded_by=user,
                duplicate_of=first_survey,
            )
        changes: dict[str, object] = {"link_nonce": ""}
        if follow_up.completed_at is None:
            changes["completed_at"] = timezone.now()
        FollowUp.objects.filter(pk=follow_up.pk).update(**changes)
        for field, value in changes.items():
            setattr(follow_up, field, value)
        written: Sequence[Assessment | ExperienceSurvey] = [
            *created,
            *([saved_survey] if saved_survey else []),
        ]
        events.record_many(
            Action.CREATE,
            written,
            user=user,
            purpose=PURPOSE if user else "follow-up answered by the person",
            organization_of=lambda _obj: case.team.organization_id,
            person=case.person.uuid,
        )
    return Recorded(list(created), saved_survey, was_duplicate)


def record_healthcare_use(
    case: Case,
    *,
    period: str,
    gp_visits: int,
    emergency_visits: int,
    acting_user: User | None,
    source: str = HealthcareUse.Source.ENTERED,
) -> HealthcareUse:
    """Set the visits of one period (before or after the referral); a second entry for the
    same period replaces the first."""
    if period not in HealthcareUse.Period.values:
        raise ValueError(f"unknown period {period!r}")
    if gp_visits < 0 or emergency_visits < 0:
        raise ValueError("visits cannot be negative")
    with transaction.atomic():
        use, created = HealthcareUse.objects.update_or_create(
            case=case,
            period=period,
            defaults={
                "gp_visits": gp_visits,
                "emergency_visits": emergency_visits,
                "source": source,
                "recorded_by": acting_user,
            },
        )
        events.record(
            Action.CREATE if created else Action.CHANGE,
            use,
            user=acting_user,
            organization_id=case.team.organization_id,
            purpose=PURPOSE,
        )
    return use
