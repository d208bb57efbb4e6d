"""The referral loop's use cases: refer, triage, work the case, refer on, answer, close.

Each runs in one transaction with its audit event; e-mails and text messages go from
background tasks after commit. Taking a place is a conditional UPDATE on the offering
(`places_taken < capacity`), so two answers that arrive at once can never overbook: the
database serialises them (PostgreSQL re-checks the condition on the locked row; SQLite runs
write transactions one at a time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lotsa.accounts.models import Organization, Team, User
from lotsa.audit import events
from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Offering, Term
from lotsa.lib import loneliness
from lotsa.lib.workdays import add_working_days
from lotsa.people import actions as people_actions
from lotsa.people.models import Consent, Person

from . import tasks
from .models import ActivityReferral, ActivityReferralEvent, Case, Contact, Referral, UnmetNeed

Action = AuditEvent.Action
WITHDRAWN_NOTE = gettext_lazy("The person withdrew their consent to the team.")
Status = ActivityReferral.Status
Reason = ActivityReferral.Reason


class ReferralError(Exception):
    """A use case that cannot go ahead; `code` says why, for the view to explain."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _after_commit(task: Any, *args: Any) -> None:
    transaction.on_commit(lambda: task.enqueue(*args))


def first_contact_due(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return add_working_days(today, settings.LOTSA_FIRST_CONTACT_WORKING_DAYS)


# --- referrals to a link worker team -----------------------------------------------------


def refer_to_team(
    person: Person,
    team: Team,
    *,
    source: str,
    acting_user: User | None,
    submission_key: UUID | None = None,
    referring_organization: Organization | None = None,
    reasons: Sequence[str] = (),
    details: str = "",
    ucla3: Sequence[int | None] = (None, None, None),
    consent_method: str = Consent.Method.VERBAL,
    feedback_consent: bool = False,
    agreed_to_be_called: bool = False,
) -> Referral:
    """Send a person to a link worker team's inbox, with the consent that allows it.

    A second submission of the same form (same `submission_key`) returns the first referral.
    """
    if submission_key is not None:
        existing = Referral.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            people_actions.record_consent(
                person,
                Consent.Scope.TEAM,
                method=consent_method,
                team=team,
                acting_user=acting_user,
            )
            if feedback_consent and referring_organization is not None:
                people_actions.record_consent(
                    person,
                    Consent.Scope.FEEDBACK,
                    method=consent_method,
                    organization=referring_organization,
                    acting_user=acting_user,
                )
            extra = {"submission_key": submission_key} if submission_key else {}
            referral = Referral.objects.create(
                source=source,
                person=person,
                team=team,
                referring_organization=referring_organization,
                referred_by=acting_user,
                reasons=list(reasons),
                details=details,
                agreed_to_be_called=agreed_to_be_called,
                ucla3_companionship=ucla3[0],
                ucla3_left_out=ucla3[1],
                ucla3_isolated=ucla3[2],
                ucla3_score=loneliness.score(ucla3),
                due_on=first_contact_due(),
                **extra,
            )
            events.record(
                Action.CREATE,
                referral,
                user=acting_user,
                organization_id=referring_organization.pk if referring_organization else None,
                purpose="referral",
            )
            _after_commit(tasks.notify_team_of_referral, referral.pk)
    except IntegrityError:
        # The same form posted twice at once: the other request created it.
        if submission_key is None:
            raise
        return Referral.objects.get(submission_key=submission_key)
    return referral


def _claim_referral(referral: Referral, **changes: Any) -> None:
    """Move a new referral on, once: a second triage of the same referral is refused."""
    updated = Referral.objects.filter(pk=referral.pk, status=Referral.Status.NEW).update(
        triaged_at=timezone.now(), **changes
    )
    if not updated:
        raise ReferralError("already_triaged")
    referral.refresh_from_db()


def assign_referral(referral: Referral, assignee: User | None, *, acting_user: User) -> Referral:
    if assignee is not None and not referral.team.members.filter(pk=assignee.pk).exists():
        raise ReferralError("not_in_team")
    with transaction.atomic():
        referral.assigned_to = assignee
        referral.save(update_fields=["assigned_to"])
        events.record(Action.CHANGE, referral, user=acting_user, purpose="triage")
    return referral


def open_case(referral: Referral, *, acting_user: User, assignee: User | None = None) -> Case:
    """Accept a referral: open the link worker's case, assigned to `assignee` (or the actor)."""
    assignee = assignee or referral.assigned_to or acting_user
    with transaction.atomic():
        _claim_referral(
            referral, status=Referral.Status.ACCEPTED, triaged_by=acting_user, assigned_to=assignee
        )
        case = Case.objects.create(
            referral=referral, person=referral.person, team=referral.team, assigned_to=assignee
        )
        events.record(Action.CREATE, case, user=acting_user, purpose="case work")
    return case


def decline_referral(referral: Referral, reason: str, *, acting_user: User) -> Referral:
    if not reason.strip():
        raise ReferralError("reason_required")
    with transaction.atomic():
        _claim_referral(
            referral,
            status=Referral.Status.DECLINED,
            triaged_by=acting_user,
            decline_reason=reason.strip(),
        )
        events.record(Action.CHANGE, referral, user=acting_user, purpose="triage")
    return referral


def forward_referral(
    referral: Referral, team: Team, *, consent_method: str, acting_user: User
) -> Referral:
    """Send a referral on to another team: a new referral in their inbox, this one closed.

    The person must agree that the other team receives it (`consent_method` says how).
    """
    if team.pk == referral.team_id:
        raise ReferralError("same_team")
    with transaction.atomic():
        _claim_referral(
            referral, status=Referral.Status.FORWARDED, triaged_by=acting_user, forwarded_to=team
        )
        people_actions.record_consent(
            referral.person,
            Consent.Scope.TEAM,
            method=consent_method,
            team=team,
            acting_user=acting_user,
        )
        forwarded = Referral.objects.create(
            source=referral.source,
            person=referral.person,
            team=team,
            referring_organization=referral.referring_organization,
            referred_by=referral.referred_by,
            reasons=referral.reasons,
            details=referral.details,
            agreed_to_be_called=referral.agreed_to_be_called,
            ucla3_companionship=referral.ucla3_companionship,
            ucla3_left_out=referral.ucla3_left_out,
            ucla3_isolated=referral.ucla3_isolated,
            ucla3_score=referral.ucla3_score,
            due_on=referral.due_on,
        )
        events.record(Action.DISCLOSE, forwarded, user=acting_user, purpose="forward referral")
        _after_commit(tasks.notify_team_of_referral, forwarded.pk)
    return forwarded


# --- the case -------------------------------------------------------------------------------


def record_contact(
    case: Case,
    *,
    channel: str,
    acting_user: User,
    happened_on: dt.date | None = None,
    duration_minutes: int | None = None,
    reached: bool = True,
    note: str = "",
) -> Contact:
    with transaction.atomic():
        contact = Contact.objects.create(
            case=case,
            channel=channel,
            happened_on=happened_on or timezone.localdate(),
            duration_minutes=duration_minutes,
            reached=reached,
            note=note,
            recorded_by=acting_user,
        )
        # The first contact is what the referrer (and a connector) sees as "someone called":
        # on this referral, and on the one it was forwarded from, which is what they follow.
        Referral.objects.filter(
            Q(pk=case.referral_id)
            | Q(
                person_id=case.person_id,
                status=Referral.Status.FORWARDED,
                forwarded_to_id=case.team_id,
            ),
            first_contact_at__isnull=True,
        ).update(first_contact_at=timezone.now())
        events.record(Action.CREATE, contact, user=acting_user, purpose="case work")
    return contact


CASE_FIELDS = (
    "what_matters",
    "available_days",
    "available_times",
    "max_travel_km",
    "group_preference",
    "needs_free",
    "plan",
    "next_action_on",
)


def update_case(
    case: Case,
    fields: dict[str, Any],
    *,
    acting_user: User,
    interests: Sequence[Term] | None = None,
    accessibility_needs: Sequence[Term] | None = None,
    languages: Sequence[Term] | None = None,
) -> Case:
    """Record what matters to the person, their constraints and the plan."""
    if not case.is_open:
        raise ReferralError("case_closed")
    with transaction.atomic():
        changed = [name for name in fields if name in CASE_FIELDS]
        for name in changed:
            setattr(case, name, fields[name])
        # Only these fields: a stage that record_participation just moved must stay moved.
        if changed:
            case.save(update_fields=changed)
        if interests is not None:
            case.interests.set(interests)
        if accessibility_needs is not None:
            case.accessibility_needs.set(accessibility_needs)
        if languages is not None:
            case.languages.set(languages)
        events.record(Action.CHANGE, case, user=acting_user, purpose="case work")
    return case


def change_stage(case: Case, stage: str, *, acting_user: User) -> Case:
    if not case.is_open:
        raise ReferralError("case_closed")
    with transaction.atomic():
        case.stage = stage
        case.stage_changed_at = timezone.now()
        case.save(update_fields=["stage", "stage_changed_at"])
        events.record(Action.CHANGE, case, user=acting_user, purpose="case work")
    return case


def close_case(
    case: Case, *, reason: str, next_step: str = "", note: str = "", acting_user: User
) -> Case:
    """Close the case with why and what next.

    Referrals that have not started (waiting, on hold, accepted) are cancelled and give their
    place back; someone already in an activity keeps their place, and the provider records
    when they stop.
    """
    if not case.is_open:
        raise ReferralError("case_closed")
    if not reason:
        raise ReferralError("reason_required")
    who = Reason.NO_CONTACT if reason == Case.ClosureReason.NO_CONTACT else Reason.PERSON_DECLINED
    with transaction.atomic():
        not_started = case.activity_referrals.select_for_update().filter(
            status__in=(Status.DRAFT, Status.REQUESTED, Status.ON_HOLD, Status.ACCEPTED)
        )
        for waiting in not_started:
            _cancel(waiting, who, "", acting_user, notify=True)
        case.closed_at = timezone.now()
        case.closure_reason = reason
        case.next_step = next_step
        case.closure_note = note
        case.save()
        events.record(Action.CHANGE, case, user=acting_user, purpose="close case")
    return case


def record_unmet_need(
    *,
    team: Team,
    municipality: str,
    reasons: Sequence[str],
    acting_user: User,
    need: Term | None = None,
    need_text: str = "",
    age_band: str = "",
    audience: Term | None = None,
    area: str = "",
) -> UnmetNeed:
    if need is None and not need_text.strip():
        raise ReferralError("need_required")
    if not reasons:
        raise ReferralError("reason_required")
    with transaction.atomic():
        unmet = UnmetNeed.objects.create(
            team=team,
            municipality=municipality,
            reasons=list(reasons),
            need=need,
            need_text=need_text.strip(),
            age_band=age_band,
            audience=audience,
            area=area,
            recorded_by=acting_user,
        )
        events.record(Action.CREATE, unmet, user=acting_user, organization_id=team.organization_id)
    return unmet


# --- activity referrals: the closed loop -------------------------------------------------


def _event(
    referral: ActivityReferral, *, by: User | None, via_link: bool = False, text: str = ""
) -> None:
    ActivityReferralEvent.objects.create(
        activity_referral=referral,
        status=referral.status,
        reason=referral.reason,
        participation=referral.participation,
        text=text,
        by=by,
        via_link=via_link,
    )


def refer_to_offering(
    case: Case,
    offering: Offering,
    *,
    fields: Sequence[str],
    consent_method: str,
    acting_user: User,
    message: str = "",
    to_waitlist: bool = False,
    submission_key: UUID | None = None,
) -> ActivityReferral:
    """Refer the person on to an offering, sharing only `fields`, with their consent.

    Refuses an ended or paused offering (`ended`), a referral-only one that does not take
    referrals from the case's team (`not_for_team`), and a full one (`full`) unless the link
    worker chose the waiting list (`to_waitlist`), or one that keeps none (`no_capacity`).
    """
    if not case.is_open:
        raise ReferralError("case_closed")
    if offering.status != Offering.Status.ACTIVE or not offering.is_published:
        raise ReferralError("ended")
    if not offering.takes_referrals_from(case.team):
        raise ReferralError("not_for_team")
    if offering.capacity_status == Offering.CapacityStatus.NO_CAPACITY:
        raise ReferralError("no_capacity")
    if offering.capacity_status == Offering.CapacityStatus.WAITLIST and not to_waitlist:
        raise ReferralError("full")
    if not fields:
        raise ReferralError("fields_required")
    if not has_team_consent(case):
        raise ReferralError("no_consent")
    if submission_key is not None:
        existing = ActivityReferral.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    if case.activity_referrals.live().filter(offering=offering).exists():
        raise ReferralError("already_referred")
    try:
        return _refer_to_offering(
            case,
            offering,
            fields=fields,
            consent_method=consent_method,
            acting_user=acting_user,
            message=message,
            submission_key=submission_key,
        )
    except IntegrityError:
        # The same form posted twice at once: the other request created it.
        if submission_key is None:
            raise
        return ActivityReferral.objects.get(submission_key=submission_key)


def has_team_consent(case: Case) -> bool:
    """Whether the person's consent to the case's team still stands."""
    return (
        Consent.objects.active()
        .filter(person_id=case.person_id, scope=Consent.Scope.TEAM, team_id=case.team_id)
        .exists()
    )


def _refer_to_offering(
    case: Case,
    offering: Offering,
    *,
    fields: Sequence[str],
    consent_method: str,
    acting_user: User,
    message: str,
    submission_key: UUID | None,
) -> ActivityReferral:
    with transaction.atomic():
        consent = people_actions.record_consent(
            case.person,
            Consent.Scope.PROVIDER,
            method=consent_method,
            organization=offering.organization,
            fields=[f for f in fields if f in Consent.Field.values],
            acting_user=acting_user,
        )
        extra = {"submission_key": submission_key} if submission_key else {}
        referral = ActivityReferral.objects.create(
            case=case,
            offering=offering,
            consent=consent,
            message=message,
            created_by=acting_user,
            **extra,
        )
        _event(referral, by=acting_user)
        events.record(
            Action.DISCLOSE,
            referral,
            user=acting_user,
            organization_id=offering.organization_id,
            purpose="activity referral",
        )
        _after_commit(tasks.notify_provider_of_referral, referral.pk)
    return referral


class Answer:
    ACCEPT = "accept"
    DECLINE = "decline"
    WAITLIST = "waitlist"
    NO_PLACE = "no_place"
    NEEDS_INFORMATION = "needs_information"
    ALL = (ACCEPT, DECLINE, WAITLIST, NO_PLACE, NEEDS_INFORMATION)


ANSWERABLE = ActivityReferral.ANSWERABLE_STATUSES


def answer_activity_referral(
    referral: ActivityReferral,
    answer: str,
    *,
    acting_user: User | None,
    text: str = "",
    via_link: bool = False,
) -> ActivityReferral:
    """The provider's answer. Raises ReferralError: `answered` (someone answered first),
    `full` (the last place was just taken: offer the waiting list), `reason_required`."""
    if answer not in Answer.ALL:
        raise ReferralError("unknown_answer")
    if answer in (Answer.DECLINE, Answer.NEEDS_INFORMATION) and not text.strip():
        raise ReferralError("reason_required")
    offering = referral.offering
    with transaction.atomic():
        took_place = False
        if answer == Answer.ACCEPT:
            took_place = bool(
                Offering.objects.filter(pk=offering.pk)
                .filter(Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity")))
                .update(places_taken=F("places_taken") + 1)
            )
            if not took_place:
                raise ReferralError("full")
        new = {
            Answer.ACCEPT: (Status.ACCEPTED, ""),
            Answer.DECLINE: (Status.REJECTED, Reason.PROVIDER_DECLINED),
            Answer.WAITLIST: (Status.ON_HOLD, Reason.WAITLISTED),
            Answer.NO_PLACE: (Status.REJECTED, Reason.NO_CAPACITY),
            Answer.NEEDS_INFORMATION: (Status.ON_HOLD, Reason.NEEDS_INFORMATION),
        }[answer]
        was_waitlisted = referral.on_waitlist
        # Compare and swap: the answer applies only to the state it was given against, so a
        # second answer racing the first is refused instead of overwriting it.
        updated = (
            ActivityReferral.objects.filter(
                pk=referral.pk,
                status__in=ANSWERABLE,
                status=referral.status,
                reason=referral.reason,
                on_waitlist=was_waitlisted,
                consent__withdrawn_at__isnull=True,
            )
            .exclude(status=new[0], reason=new[1])
            .update(
                status=new[0],
                reason=new[1],
                reason_text=text.strip(),
                holds_place=took_place,
                on_waitlist=answer == Answer.WAITLIST,
                answered_at=timezone.now(),
                link_nonce="",
            )
        )
        if not updated:
            # Rolls back the place taken above: the first answer stands.
            raise ReferralError("answered")
        waitlist_change = int(answer == Answer.WAITLIST) - int(was_waitlisted)
        if waitlist_change:
            Offering.objects.filter(pk=offering.pk).update(
                waitlist_length=F("waitlist_length") + waitlist_change
            )
        referral.refresh_from_db()
        _event(referral, by=acting_user, via_link=via_link, text=text.strip())
        events.record(
            Action.CHANGE,
            referral,
            user=acting_user,
            organization_id=offering.organization_id,
            purpose="answer referral by link" if via_link else "answer referral",
        )
        _after_commit(tasks.notify_link_worker_of_change, referral.pk)
        if answer == Answer.ACCEPT:
            _after_commit(tasks.tell_person_of_place, referral.pk)
    return referral


def _release(referral: ActivityReferral) -> None:
    """Give back the place or the waiting-list spot `referral` held."""
    if referral.holds_place:
        Offering.objects.filter(pk=referral.offering_id, places_taken__gt=0).update(
            places_taken=F("places_taken") - 1
        )
    if referral.on_waitlist:
        Offering.objects.filter(pk=referral.offering_id, waitlist_length__gt=0).update(
            waitlist_length=F("waitlist_length") - 1
        )
    referral.holds_place = False
    referral.on_waitlist = False


def _cancel(
    referral: ActivityReferral, reason: str, text: str, acting_user: User, *, notify: bool
) -> None:
    _release(referral)
    referral.status = Status.CANCELLED
    referral.reason = reason
    referral.reason_text = text
    referral.link_nonce = ""
    referral.save()
    _event(referral, by=acting_user, text=text)
    events.record(Action.CHANGE, referral, user=acting_user, purpose="case work")
    if notify:
        _after_commit(tasks.notify_provider_of_change, referral.pk)


def cancel_activity_referral(
    referral: ActivityReferral, *, reason: str, acting_user: User, text: str = ""
) -> ActivityReferral:
    """The link worker withdraws a referral (the person declined, could not be contacted)."""
    if reason not in Reason.values:
        raise ReferralError("reason_required")
    with transaction.atomic():
        locked = ActivityReferral.objects.select_for_update().get(pk=referral.pk)
        if not locked.is_live:
            raise ReferralError("answered")
        _cancel(locked, reason, text.strip(), acting_user, notify=True)
    referral.refresh_from_db()
    return referral


def record_participation(
    referral: ActivityReferral,
    participation: str,
    *,
    acting_user: User | None,
    on: dt.date | None = None,
    via_link: bool = False,
) -> ActivityReferral:
    """Started, attending or stopped: recorded by the provider or the link worker."""
    if participation not in ActivityReferral.Participation.values:
        raise ReferralError("unknown_participation")
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = ActivityReferral.objects.select_for_update().get(pk=referral.pk)
        if locked.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
            raise ReferralError("not_accepted")
        locked.participation = participation
        if participation == ActivityReferral.Participation.STOPPED:
            _release(locked)
            locked.stopped_on = on
            if locked.started_on is None:
                # Accepted but never came: the person declined, it was not completed.
                locked.status = Status.CANCELLED
                locked.reason = Reason.PERSON_DECLINED
            else:
                locked.status = Status.COMPLETED
        else:
            locked.status = Status.IN_PROGRESS
            locked.started_on = locked.started_on or on
        locked.save()
        _event(locked, by=acting_user, via_link=via_link)
        events.record(
            Action.CHANGE,
            locked,
            user=acting_user,
            organization_id=locked.offering.organization_id,
            purpose="participation",
        )
        case = locked.case
        started = participation != ActivityReferral.Participation.STOPPED
        if (
            started
            and case.is_open
            and case.stage
            in (
                Case.Stage.MAPPING,
                Case.Stage.TALKS,
                Case.Stage.READY,
            )
        ):
            case.stage = Case.Stage.IN_ACTIVITY
            case.stage_changed_at = timezone.now()
            case.save(update_fields=["stage", "stage_changed_at"])
        _after_commit(tasks.notify_link_worker_of_change, locked.pk)
    referral.refresh_from_db()
    return referral


def reply_to_provider(
    referral: ActivityReferral, text: str, *, acting_user: User
) -> ActivityReferral:
    """Give the provider the information they asked for: the referral waits for their answer
    again and they get a fresh link."""
    if not text.strip():
        raise ReferralError("reason_required")
    with transaction.atomic():
        updated = ActivityReferral.objects.filter(
            pk=referral.pk,
            status=Status.ON_HOLD,
            reason=Reason.NEEDS_INFORMATION,
            consent__withdrawn_at__isnull=True,
        ).update(
            status=Status.REQUESTED,
            reason="",
            message=text.strip(),
            answered_at=None,
            reminded_at=None,
        )
        if not updated:
            raise ReferralError("answered")
        referral.refresh_from_db()
        _event(referral, by=acting_user, text=text.strip())
        events.record(Action.DISCLOSE, referral, user=acting_user, purpose="activity referral")
        _after_commit(tasks.notify_provider_of_referral, referral.pk)
    return referral


def withdraw_consent(consent: Consent, *, acting_user: User) -> Consent:
    """Withdraw a consent at once, with what follows from it.

    Referrals made under a provider consent are cancelled and give back their place; the
    provider is told, without details, that the referral was withdrawn. Without the consent
    to the team, the team's open cases for the person close ("declined"): the link worker may
    no longer work with them, and nothing more is sent on.
    """
    with transaction.atomic():
        live = ActivityReferral.objects.select_for_update().filter(
            consent=consent, status__in=ActivityReferral.LIVE_STATUSES
        )
        for referral in live:
            _cancel(referral, Reason.PERSON_DECLINED, "", acting_user, notify=True)
        people_actions.withdraw_consent(consent, acting_user=acting_user)
        if consent.scope == Consent.Scope.TEAM and consent.team_id is not None:
            open_cases = Case.objects.open().filter(
                person_id=consent.person_id, team_id=consent.team_id
            )
            for case in open_cases:
                close_case(
                    case,
                    reason=Case.ClosureReason.DECLINED,
                    note=str(WITHDRAWN_NOTE),
                    acting_user=acting_user,
                )
    return consent


def resend_answer_link(referral: ActivityReferral, *, acting_user: User) -> ActivityReferral:
    """Send the provider a new link (the old one stops working)."""
    if referral.status not in ANSWERABLE:
        raise ReferralError("answered")
    with transaction.atomic():
        events.record(Action.DISCLOSE, referral, user=acting_user, purpose="activity referral")
        _after_commit(tasks.notify_provider_of_referral, referral.pk)
    return referral
