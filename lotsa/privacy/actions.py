"""Retention and a person's rights as use cases: anonymise a case, erase a person, purge.

What is cleared and what is kept follows the retention classes (`retention.py`). Anonymised
rows keep what statistics need (municipality, birth year, sex, household, dates, statuses,
stages, reasons, scores, offerings, teams, numbers of visits) and lose everything that names
or reaches the person (free text, the answers item by item, links). A person is anonymised
when their names, identity number and contact details are all empty (`is_anonymised`; no
field marks it); every anonymisation also writes an audit event with the purpose
"anonymised: …". The access log itself is never changed: it names the person only by their
opaque uuid, which stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotsa.accounts.models import User
from lotsa.audit import chain, events
from lotsa.audit.maintenance import remove_through
from lotsa.audit.models import AuditEvent
from lotsa.directory.models import ProblemReport
from lotsa.outcomes.models import Assessment, ExperienceSurvey, FollowUp, HealthcareUse
from lotsa.people.models import BreakGlass, Consent, Person
from lotsa.referrals.models import (
    ActivityReferral,
    ActivityReferralEvent,
    Case,
    Contact,
    Referral,
)

from . import retention
from .models import LogCheck
from .retention import Cutoffs

Action = AuditEvent.Action
CHUNK = 500

# What anonymising clears, model by model. Everything else on the rows stays.
PERSON_CLEARED: dict[str, Any] = {
    "first_name": "",
    "last_name": "",
    "identity_number": "",
    "identity_kind": "",
    "phone": "",
    "email": "",
    "address": "",
    "postcode": "",
    "city": "",
    "contact_preference": Person.ContactPreference.NONE,
}
CASE_TEXT = ("what_matters", "plan", "closure_note")
CONTACT_TEXT = ("note",)
ACTIVITY_REFERRAL_TEXT = ("message", "reason_text", "link_nonce")
EVENT_TEXT = ("text",)
REFERRAL_TEXT = ("details", "decline_reason")
# Outcomes keep their scores as anonymous statistics; what is cleared is what the person said
# in their own words, their answers item by item (the scores carry what the evaluation needs)
# and the link that reached them.
SURVEY_TEXT = ("would_change",)
FOLLOW_UP_TEXT = ("link_nonce",)
# The fields that, while any is filled in, still identify a person.
PERSON_IDENTIFYING = tuple(name for name in PERSON_CLEARED if name != "contact_preference")

RETENTION_PURPOSE = "anonymised: retention"
ERASURE_PURPOSE = "anonymised: erasure"


def _filled(fields: Sequence[str], prefix: str = "") -> Q:
    """Rows where any of `fields` is not empty."""
    found = Q(pk__in=[])
    for name in fields:
        found |= ~Q(**{prefix + name: ""})
    return found


def _cleared(fields: Sequence[str]) -> dict[str, str]:
    return dict.fromkeys(fields, "")


def _ids(queryset: QuerySet[Any]) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def is_anonymised(person: Person) -> bool:
    return not any(getattr(person, name) for name in PERSON_IDENTIFYING)


def identified_people() -> QuerySet[Person]:
    return Person.objects.filter(_filled(PERSON_IDENTIFYING))


# --- what is due ------------------------------------------------------------------------


def _last_change() -> Greatest:
    """A referral's last change: made, triaged or first contacted."""
    return Greatest(
        "created_at",
        Coalesce("triaged_at", "created_at"),
        Coalesce("first_contact_at", "created_at"),
    )


def _in_use_activity_referrals(cutoff: dt.datetime) -> QuerySet[ActivityReferral]:
    """Activity referrals still holding or waiting for a place that changed since `cutoff`."""
    return ActivityReferral.objects.live().filter(updated_at__gte=cutoff)


def _case_has_text() -> Any:
    """Cases with free text left in them, their referral, contacts or activity referrals."""
    return (
        _filled(CASE_TEXT)
        | _filled(REFERRAL_TEXT, "referral__")
        | Exists(Contact.objects.filter(_filled(CONTACT_TEXT), case=OuterRef("pk")))
        | Exists(
            ActivityReferral.objects.filter(_filled(ACTIVITY_REFERRAL_TEXT), case=OuterRef("pk"))
        )
        | Exists(
            ActivityReferralEvent.objects.filter(
                _filled(EVENT_TEXT), activity_referral__case=OuterRef("pk")
            )
        )
        | Exists(ExperienceSurvey.objects.filter(_filled(SURVEY_TEXT), case=OuterRef("pk")))
        | Exists(FollowUp.objects.filter(_filled(FOLLOW_UP_TEXT), case=OuterRef("pk")))
        | Exists(Assessment.objects.exclude(answers={}).filter(case=OuterRef("pk")))
    )


def due_cases(cutoff: dt.datetime) -> QuerySet[Case]:
    """Cases closed before `cutoff`, not in use by an activity, with text left to clear."""
    return (
        Case.objects.filter(closed_at__lt=cutoff)
        .exclude(Exists(_in_use_activity_referrals(cutoff).filter(case=OuterRef("pk"))))
        .filter(_case_has_text())
    )


def due_referrals(cutoff: dt.datetime) -> QuerySet[Referral]:
    """Referrals that led to no case (declined, forwarded, never answered), unchanged since
    before `cutoff`, with text left to clear."""
    return (
        Referral.objects.filter(case__isnull=True)
        .alias(last_change=_last_change())
        .filter(last_change__lt=cutoff)
        .filter(_filled(REFERRAL_TEXT))
    )


def _kept_records(cutoff: dt.datetime) -> Any:
    """People with a case or referral still kept at `cutoff`: open, or changed since then."""
    person = OuterRef("pk")
    return (
        Exists(
            Case.objects.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff), person=person)
        )
        | Exists(
            Referral.objects.filter(case__isnull=True, person=person)
            .alias(last_change=_last_change())
            .filter(last_change__gte=cutoff)
        )
        | Exists(_in_use_activity_referrals(cutoff).filter(case__person=person))
    )


def due_people(cutoff: dt.datetime) -> QuerySet[Person]:
    """People not yet anonymised whose every record is past `cutoff`."""
    return identified_people().filter(created_at__lt=cutoff).exclude(_kept_records(cutoff))


# --- anonymising ------------------------------------------------------------------------


def _log(
    objects: Iterable[models.Model],
    purpose: str,
    acting_user: User | None,
    person_of: Callable[[Any], Any],
    action: str = Action.CHANGE,
) -> None:
    events.record_many(action, objects, user=acting_user, purpose=purpose, person_of=person_of)


def _clear_cases(case_ids: Sequence[int], purpose: str, acting_user: User | None) -> int:
    """Clear the free text of these cases and everything under them; one event per case."""
    if not case_ids:
        return 0
    Case.objects.filter(pk__in=case_ids).update(**_cleared(CASE_TEXT))
    Contact.objects.filter(case__in=case_ids).filter(_filled(CONTACT_TEXT)).update(
        **_cleared(CONTACT_TEXT)
    )
    # QuerySet.update leaves `updated_at` alone: anonymising does not restart any clock.
    ActivityReferral.objects.filter(case__in=case_ids).filter(
        _filled(ACTIVITY_REFERRAL_TEXT)
    ).update(**_cleared(ACTIVITY_REFERRAL_TEXT))
    ActivityReferralEvent.objects.filter(activity_referral__case__in=case_ids).filter(
        _filled(EVENT_TEXT)
    ).update(**_cleared(EVENT_TEXT))
    Referral.objects.filter(case__in=case_ids).update(**_cleared(REFERRAL_TEXT))
    ExperienceSurvey.objects.filter(case__in=case_ids).filter(_filled(SURVEY_TEXT)).update(
        **_cleared(SURVEY_TEXT)
    )
    FollowUp.objects.filter(case__in=case_ids).filter(_filled(FOLLOW_UP_TEXT)).update(
        **_cleared(FOLLOW_UP_TEXT)
    )
    Assessment.objects.filter(case__in=case_ids).exclude(answers={}).update(answers={})
    cases = Case.objects.filter(pk__in=case_ids).select_related("person").order_by("pk")
    _log(cases, purpose, acting_user, lambda case: case.person)
    return len(case_ids)


def _clear_referrals(referral_ids: Sequence[int], purpose: str, acting_user: User | None) -> int:
    if not referral_ids:
        return 0
    Referral.objects.filter(pk__in=referral_ids).update(**_cleared(REFERRAL_TEXT))
    referrals = Referral.objects.filter(pk__in=referral_ids).select_related("person")
    _log(referrals.order_by("pk"), purpose, acting_user, lambda referral: referral.person)
    return len(referral_ids)


def _anonymise_people(
    person_ids: Sequence[int],
    purpose: str,
    acting_user: User | None,
    *,
    action: str = Action.CHANGE,
    person_purpose: str = "",
) -> int:
    """Clear the people's identifying fields, keep the birth year, and clear all their cases'
    and referrals' text (already done for people due in a purge: then it finds nothing).

    One event per person (`action`, `person_purpose` or `purpose`), case and referral."""
    if not person_ids:
        return 0
    by_year: dict[int, list[int]] = {}
    for pk, born in Person.objects.filter(pk__in=person_ids, birth_date__isnull=False).values_list(
        "pk", "birth_date"
    ):
        if born is not None:
            by_year.setdefault(born.year, []).append(pk)
    for year, pks in by_year.items():
        Person.objects.filter(pk__in=pks).update(birth_date=dt.date(year, 1, 1))
    Person.objects.filter(pk__in=person_ids).update(**PERSON_CLEARED)
    case_ids = _ids(Case.objects.filter(person__in=person_ids).filter(_case_has_text()))
    _clear_cases(case_ids, purpose, acting_user)
    referral_ids = _ids(
        Referral.objects.filter(person__in=person_ids, case__isnull=True).filter(
            _filled(REFERRAL_TEXT)
        )
    )
    _clear_referrals(referral_ids, purpose, acting_user)
    _log(
        Person.objects.filter(pk__in=person_ids).order_by("pk"),
        person_purpose or purpose,
        acting_user,
        lambda p: p,
        action,
    )
    return len(person_ids)


class PrivacyError(Exception):
    """A use case that cannot go ahead; `code` says why, for the view to explain."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def anonymise_case(case: Case, *, acting_user: User | None = None) -> Case:
    """Anonymise a closed case: clear its free text and that of its referral, contacts and
    activity referrals; anonymise the person too if nothing else of theirs is still kept."""
    if case.is_open:
        raise PrivacyError("case_open")
    cutoff = retention.cutoffs().case
    with transaction.atomic():
        _clear_cases([case.pk], RETENTION_PURPOSE, acting_user)
        kept_elsewhere = (
            Case.objects.filter(person=case.person_id)
            .exclude(pk=case.pk)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))
            .exists()
            or Referral.objects.filter(person=case.person_id, case__isnull=True)
            .alias(last_change=_last_change())
            .filter(last_change__gte=cutoff)
            .exists()
            or _in_use_activity_referrals(cutoff)
            .filter(case__person=case.person_id)
            .exclude(case=case.pk)
            .exists()
        )
        if not kept_elsewhere and identified_people().filter(pk=case.person_id).exists():
            _anonymise_people([case.person_id], RETENTION_PURPOSE, acting_user)
    case.refresh_from_db()
    return case


# --- erasure (GDPR art. 17) -------------------------------------------------------------


class ErasureReason(models.TextChoices):
    """Why a person's data is erased: the grounds of GDPR art. 17(1). Codes go to the log."""

    NO_LONGER_NEEDED = "no_longer_needed", _("It is no longer needed (art. 17(1)(a))")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("The person withdrew their consent (art. 17(1)(b))")
    OBJECTED = "objected", _("The person objected to the processing (art. 17(1)(c))")
    UNLAWFUL = "unlawful", _("It was processed unlawfully (art. 17(1)(d))")
    LEGAL_OBLIGATION = "legal_obligation", _("A law requires erasing it (art. 17(1)(e))")


@dataclass(frozen=True)
class Refusal:
    """Why a person's data cannot be erased now; `until` when a legal hold ends."""

    code: str
    count: int = 0
    until: dt.date | None = None


class ErasureRefused(PrivacyError):
    """Erasure cannot go ahead now; `refusals` says every reason."""

    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__("refused")
        self.refusals = refusals


def erasure_refusals(person: Person, now: dt.datetime | None = None) -> list[Refusal]:
    """Everything that stops erasing the person now (empty: erasure may go ahead).

    - an open case, or a referral still waiting in a team's inbox: the work goes on;
    - an activity referral still holding or waiting for a place: the activity relies on it;
    - a legal hold: a case closed, or a referral settled, within
      LOTSA_RETENTION_LEGAL_HOLD_MONTHS (a law binding the operator requires keeping it;
      GDPR art. 17(3)(b)).
    """
    refusals = []
    open_cases = Case.objects.open().filter(person=person).count()
    if open_cases:
        refusals.append(Refusal("open_case", open_cases))
    waiting = Referral.objects.open().filter(person=person).count()
    if waiting:
        refusals.append(Refusal("open_referral", waiting))
    live = ActivityReferral.objects.live().filter(case__person=person).count()
    if live:
        refusals.append(Refusal("live_activity_referral", live))
    months = settings.LOTSA_RETENTION_LEGAL_HOLD_MONTHS
    if months:
        closed = Case.objects.filter(person=person, closed_at__isnull=False).values_list(
            "closed_at", flat=True
        )
        settled = (
            Referral.objects.filter(person=person, case__isnull=True)
            .exclude(status=Referral.Status.NEW)
            .annotate(last_change=_last_change())
            .values_list("last_change", flat=True)
        )
        latest = max([*closed, *settled], default=None)
        if latest is not None:
            until = retention.months_before(timezone.localdate(latest), -months)
            if until > timezone.localdate(now or timezone.now()):
                refusals.append(Refusal("legal_hold", until=until))
    return refusals


def erase_person(person: Person, *, acting_user: User, reason: str) -> Person:
    """Erase a person's data on their request (GDPR art. 17), where nothing stops it.

    Anonymises the person and all their cases and referrals, and withdraws their active
    consents (which are kept as proof, art. 7(1)). The access log stays: it holds only the
    person's opaque uuid. Raises `ErasureRefused` with every reason that stops it.
    """
    if reason not in ErasureReason.values:
        raise PrivacyError("reason_required")
    with transaction.atomic():
        # Lock the person's row (PostgreSQL) so that no referral slips in meanwhile.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        refusals = erasure_refusals(person)
        if refusals:
            raise ErasureRefused(refusals)
        now = timezone.now()
        active = list(Consent.objects.active().filter(person=person))
        Consent.objects.filter(pk__in=[c.pk for c in active]).update(
            withdrawn_at=now, withdrawn_by=acting_user
        )
        _log(active, "consent: erasure", acting_user, lambda consent: person)
        _delete_outcomes(person)
        _anonymise_people(
            [person.pk],
            ERASURE_PURPOSE,
            acting_user,
            action=Action.DELETE,
            person_purpose=f"erasure: {reason}",
        )
    person.refresh_from_db()
    return person


def _delete_outcomes(person: Person) -> None:
    """Erasure deletes the person's outcome measurement: follow-ups, answers and scores,
    experience surveys and health-care use (the erasure's events name the person and cases)."""
    cases = Case.objects.filter(person=person)
    for model in (Assessment, ExperienceSurvey, HealthcareUse, FollowUp):
        model._default_manager.filter(case__in=cases).delete()


# --- purge ------------------------------------------------------------------------------


@dataclass
class PurgeReport:
    """What a purge did (or, dry, would do), class by class."""

    today: dt.date
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    oldest_kept: dt.datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not any(self.counts.values())

    def lines(self) -> list[str]:
        """One line per retention class: "case_record: 3 closed cases anonymised"."""
        c = self.counts
        oldest = timezone.localdate(self.oldest_kept).isoformat() if self.oldest_kept else "none"
        lines = []
        for code, key, singular, plural, done, due in REPORT_LINES:
            verb = due if self.dry_run else done
            suffix = f" (oldest kept: {oldest})" if key == "audit_events" else ""
            lines.append(f"{code}: {_count(c[key], singular, plural)} {verb}{suffix}")
        kept = [code for code, found in retention.CLASSES.items() if found.purge == "keep"]
        lines.append(f"{', '.join(kept)}: kept (nothing to purge)")
        return lines

    def summary(self) -> str:
        """One line for the access log (at most 200 characters)."""
        text = "retention purge: " + ", ".join(f"{k} {v}" for k, v in self.counts.items())
        return text[:200]


# (retention class, count key, singular, plural, verb when done, verb in a dry run)
REPORT_LINES = [
    ("case_record", "cases", "closed case", "closed cases", "anonymised", "to anonymise"),
    (
        "referral",
        "referrals",
        "declined, forwarded or unanswered referral",
        "declined, forwarded or unanswered referrals",
        "anonymised",
        "to anonymise",
    ),
    ("person", "people", "person", "people", "anonymised", "to anonymise"),
    ("access_log", "audit_events", "audit event", "audit events", "removed", "to remove"),
    (
        "break_glass",
        "break_glass",
        "break-glass access",
        "break-glass accesses",
        "deleted",
        "to delete",
    ),
    ("log_check", "log_checks", "log check", "log checks", "deleted", "to delete"),
    (
        "admin_history",
        "admin_history",
        "admin history entry",
        "admin history entries",
        "deleted",
        "to delete",
    ),
    ("session", "sessions", "expired session", "expired sessions", "deleted", "to delete"),
    ("sign_in", "sign_ins", "sign-in record", "sign-in records", "deleted", "to delete"),
    (
        "second_factor",
        "second_factors",
        "second factor of a deactivated account",
        "second factors of deactivated accounts",
        "deleted",
        "to delete",
    ),
    (
        "task_result",
        "task_results",
        "finished task result",
        "finished task results",
        "deleted",
        "to delete",
    ),
    (
        "problem_report",
        "report_contacts",
        "problem reporter's contact",
        "problem reporters' contacts",
        "cleared",
        "to clear",
    ),
]


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _delete(queryset: QuerySet[Any], dry_run: bool) -> int:
    if dry_run:
        return queryset.count()
    with transaction.atomic():
        # The number of rows of the model itself (not of what cascaded with them).
        return queryset.delete()[1].get(queryset.model._meta.label, 0)


def _purge_audit_log(cutoff: dt.datetime, dry_run: bool) -> tuple[int, dt.datetime | None]:
    """Remove the events before `cutoff` (a prefix of the chain); returns (count, oldest kept)."""
    first_kept = (
        AuditEvent.objects.filter(at__gte=cutoff).order_by("sequence").values_list("sequence", "at")
    ).first()
    through = first_kept[0] - 1 if first_kept else chain.head(AuditEvent)[0]
    removed = AuditEvent.objects.filter(sequence__lte=through).count()
    if removed and not dry_run:
        removed = remove_through(through)
    return removed, first_kept[1] if first_kept else None


def purge(
    *, today: dt.date | None = None, dry_run: bool = False, acting_user: User | None = None
) -> PurgeReport:
    """Carry out the retention classes once: anonymise and delete what is due.

    Idempotent: what is done is no longer due, so a second run finds nothing. Every run
    that is not dry writes its report as one audit event (object type "privacy.purge").
    """
    cut: Cutoffs = retention.cutoffs(today)
    report = PurgeReport(today=timezone.localdate(cut.now), dry_run=dry_run)
    counts = report.counts

    case_ids = _ids(due_cases(cut.case))
    referral_ids = _ids(due_referrals(cut.case))
    person_ids = _ids(due_people(cut.case))
    if not dry_run:
        for chunk in _chunks(case_ids):
            with transaction.atomic():
                _clear_cases(chunk, RETENTION_PURPOSE, acting_user)
        for chunk in _chunks(referral_ids):
            with transaction.atomic():
                _clear_referrals(chunk, RETENTION_PURPOSE, acting_user)
        for chunk in _chunks(person_ids):
            with transaction.atomic():
                _anonymise_people(chunk, RETENTION_PURPOSE, acting_user)
    counts["cases"] = len(case_ids)
    counts["referrals"] = len(referral_ids)
    counts["people"] = len(person_ids)

    counts["audit_events"], report.oldest_kept = _purge_audit_log(cut.audit, dry_run)
    counts["break_glass"] = _delete(BreakGlass.objects.filter(ends_at__lt=cut.audit), dry_run)
    counts["log_checks"] = _delete(LogCheck.objects.filter(checked_at__lt=cut.audit), dry_run)
    counts["admin_history"] = _delete(LogEntry.objects.filter(action_time__lt=cut.audit), dry_run)
    counts["sessions"] = _delete(Session.objects.filter(expire_date__lt=cut.now), dry_run) + sum(
        _delete(tokens, dry_run) for tokens in _expired_tokens(cut.now)
    )
    counts["sign_ins"] = sum(
        _delete(model._default_manager.filter(attempt_time__lt=cut.login), dry_run)
        for model in _sign_in_models()
    )
    counts["second_factors"] = _delete(_second_factors_of_deactivated(), dry_run)
    counts["task_results"] = _delete(_finished_task_results(cut.task), dry_run)
    reports = ProblemReport.objects.filter(
        status=ProblemReport.Status.RESOLVED, resolved_at__lt=cut.report_contact
    ).exclude(contact="")
    counts["report_contacts"] = reports.count() if dry_run else reports.update(contact="")

    if not dry_run:
        with transaction.atomic():
            chain.append(
                [
                    AuditEvent(
                        action=Action.DELETE,
                        user=acting_user,
                        object_type="privacy.purge",
                        object_id=report.today.isoformat(),
                        purpose=report.summary(),
                    )
                ]
            )
    return report


def _sign_in_models() -> list[type[models.Model]]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return [AccessAttempt, AccessFailureLog, AccessLog]


def _second_factors_of_deactivated() -> QuerySet[Any]:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user__is_active=False)


def _finished_task_results(cutoff: dt.datetime) -> QuerySet[Any]:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)


def _expired_tokens(now: dt.datetime) -> list[QuerySet[Any]]:
    """Single sign-on tokens past their expiry (none unless SOCIALACCOUNT_STORE_TOKENS)."""
    from django.apps import apps

    if not apps.is_installed("allauth.socialaccount"):
        return []
    from allauth.socialaccount.models import SocialToken

    return [SocialToken.objects.filter(expires_at__lt=now)]
