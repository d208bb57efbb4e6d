"""The log review: the access log by person and by user, the regular check's sample, alerts for
unusual access, and the rows of a person's log extract.

Plain query functions: each list costs a fixed number of queries, however many events or users
it holds (the organisation names come in one more query, `with_units`). Periods are local
dates (settings.TIME_ZONE), both ends included; a datetime is taken as it is, the end excluded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import heapq
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, ExtractMinute, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lotsa.accounts.access import administrator_unit
from lotsa.accounts.models import Membership, Organization
from lotsa.audit import chain, events
from lotsa.audit.models import AuditEvent
from lotsa.lib import workdays
from lotsa.people.models import Person
from lotsa.referrals.models import ActivityReferral, Case, Referral

from .models import LogCheck

Action = AuditEvent.Action
Role = Membership.Role
# What shows a person's data to the user: the "reads" that the sample and alerts look at.
ACCESSES = (Action.READ, Action.PRINT, Action.EXPORT)
# Purposes of an administrator's emergency access start with this (people.actions).
BREAK_GLASS = "break-glass"
HOUR = dt.timedelta(hours=1)
NO_UNIT = "—"

Bound = dt.date | dt.datetime | None


# --- periods -------------------------------------------------------------------------------


def _start(value: Bound) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time.min, tzinfo=timezone.get_default_timezone())


def bounds(since: Bound, until: Bound) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The period as [start, end): a date `until` is included (its end is the next midnight)."""
    if isinstance(until, dt.date) and not isinstance(until, dt.datetime):
        until = until + dt.timedelta(days=1)
    return _start(since), _start(until)


def _in_period(events: QuerySet[AuditEvent], since: Bound, until: Bound) -> QuerySet[AuditEvent]:
    start, end = bounds(since, until)
    if start is not None:
        events = events.filter(at__gte=start)
    if end is not None:
        events = events.filter(at__lt=end)
    return events


# --- the log by person and by user --------------------------------------------------------


def events_for(
    person_uuid: UUID | str | None = None,
    user: Any = None,
    since: Bound = None,
    until: Bound = None,
    action: str | None = None,
) -> QuerySet[AuditEvent]:
    """Events about one person and/or by one user, newest first, with their user."""
    found = AuditEvent.objects.select_related("user").order_by("-at", "-sequence")
    if person_uuid is not None:
        found = found.filter(person_uuid=person_uuid)
    if user is not None:
        found = found.filter(user=user)
    if action:
        found = found.filter(action=action)
    return _in_period(found, since, until)


def unit_names(events: Iterable[AuditEvent]) -> dict[int, str]:
    """The names of the units (organisations) the events were done for, in one query."""
    ids = {event.organization_id for event in events if event.organization_id is not None}
    if not ids:
        return {}
    return dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))


def with_units(events: list[AuditEvent]) -> list[AuditEvent]:
    """`events`, each with `unit_name` set ("—" when the event names no unit)."""
    names = unit_names(events)
    for event in events:
        unit = names.get(event.organization_id) if event.organization_id is not None else None
        event.unit_name = unit or NO_UNIT  # type: ignore[attr-defined]
    return events


# --- the sample for the regular log check ---------------------------------------------------


def _draw(seed: int, sequence: int) -> bytes:
    """An event's place in the draw for `seed`: anyone can recompute it from the two numbers."""
    return hashlib.sha256(f"{seed}:{sequence}".encode()).digest()


def sample(since: Bound, until: Bound, size: int, seed: int) -> list[AuditEvent]:
    """`size` reads of people's data in the period, drawn at random but reproducibly.

    The sample is the events whose SHA-256 of "seed:sequence" is smallest: the same seed and
    period give the same events for as long as the log is kept (a period that has ended cannot
    gain events: the log is append-only), whatever the Python version. Oldest first.
    """
    candidates = (
        _in_period(AuditEvent.objects.filter(action__in=ACCESSES), since, until)
        .filter(person_uuid__isnull=False)
        .order_by()
        .values_list("pk", "sequence")
    )
    chosen = heapq.nsmallest(size, candidates, key=lambda row: _draw(seed, row[1]))
    picked = (
        AuditEvent.objects.filter(pk__in=[pk for pk, _sequence in chosen])
        .select_related("user")
        .order_by("at", "sequence")
    )
    return with_units(list(picked))


def record_log_check(
    *,
    acting_user: Any,
    since: dt.date,
    until: dt.date,
    seed: int,
    sample_size: int,
    outcome: str,
    notes: str = "",
) -> LogCheck:
    """Record a regular log check, with the head of the chain as `verify` finds it now.

    The chain is walked before the transaction opens: walking it can take a while and needs
    no write lock. The check itself is written to the access log.
    """
    drawn = len(sample(since, until, sample_size, seed))
    result = chain.verify(AuditEvent)
    with transaction.atomic():
        check = LogCheck.objects.create(
            checked_by=acting_user,
            since=since,
            until=until,
            seed=seed,
            sample_size=sample_size,
            events_in_sample=drawn,
            head_sequence=result.head_sequence,
            head_hash=result.head_hash,
            chain_intact=result.broken is None,
            chain_break=str(result.broken)[:300] if result.broken else "",
            outcome=outcome,
            notes=notes,
        )
        events.record(
            Action.CREATE,
            check,
            user=acting_user,
            organization_id=administrator_unit(acting_user),
            purpose="log check",
        )
    return check


# --- working hours and days off -------------------------------------------------------------


def working_hours() -> tuple[int, int]:
    """LOTSA_WORKING_HOURS ("07-18" or "07:30-17:00") as minutes after local midnight."""
    text = str(settings.LOTSA_WORKING_HOURS)
    match = re.fullmatch(r"\s*(\d{1,2})(?::(\d\d))?\s*-\s*(\d{1,2})(?::(\d\d))?\s*", text)
    if match is None:
        raise ImproperlyConfigured('LOTSA_WORKING_HOURS must look like "07-18" or "07:30-17:00"')
    start_hour, start_minute, end_hour, end_minute = match.groups()
    start = int(start_hour) * 60 + int(start_minute or 0)
    end = int(end_hour) * 60 + int(end_minute or 0)
    if not 0 <= start < end <= 24 * 60:
        raise ImproperlyConfigured("LOTSA_WORKING_HOURS must start before it ends, within a day")
    return start, end


def default_country() -> str:
    """The country whose days off apply to an event done for no unit: the site's own."""
    return "DK" if settings.TIME_ZONE == "Europe/Copenhagen" else "SE"


def is_outside_working_hours(
    at: dt.datetime, country: str, hours: tuple[int, int] | None = None
) -> bool:
    """Whether `at` is outside the working hours, at a weekend or on a day off in `country`."""
    local = timezone.localtime(at, timezone.get_default_timezone())
    start, end = hours or working_hours()
    minute = local.hour * 60 + local.minute
    return (
        not start <= minute < end
        or local.weekday() >= 5
        or local.date() in workdays.days_off(local.year, country)
    )


# --- alerts -----------------------------------------------------------------------------------


class AlertKind(models.TextChoices):
    MANY_PEOPLE = "many_people", _("Many people within an hour")
    OUTSIDE_HOURS = "outside_hours", _("Outside working hours")
    OUTSIDE_CASELOAD = "outside_caseload", _("A person outside the user's caseload")
    BREAK_GLASS = "break_glass", pgettext_lazy("alert", "Break-glass access")
    DENIED = "denied", _("Denied attempts")


@dataclasses.dataclass
class Finding:
    """Something in the log a reviewer should look at, and the events behind it."""

    kind: str
    user: Any
    at: dt.datetime
    count: int
    events: list[AuditEvent]
    person_uuid: UUID | None = None

    @property
    def label(self) -> str:
        return str(AlertKind(self.kind).label)


def _reads(since: Bound, until: Bound) -> QuerySet[AuditEvent]:
    """Users' reads of people's data in the period, with their user, in time order per user."""
    return (
        _in_period(AuditEvent.objects.filter(action__in=ACCESSES), since, until)
        .filter(user__isnull=False, person_uuid__isnull=False)
        .select_related("user")
        .order_by("user_id", "at", "sequence")
    )


# The list pages of a user's own work (a link worker's caseload of sixty, a team's inbox)
# log one read per person shown; opening them is not reading many people. A search's results
# ("find person") do count.
OWN_LISTS = ("inbox", "caseload", "provider inbox", "sent referrals", "own flags")


def many_people_in_an_hour(reads: QuerySet[AuditEvent]) -> Iterator[Finding]:
    """(a) A user who read more than LOTSA_ALERT_PEOPLE_PER_HOUR distinct people within an
    hour. Overlapping hours make one finding; its count is the most people in any one hour.

    Only users with more people than that in the whole period are fetched (one query)."""
    limit = settings.LOTSA_ALERT_PEOPLE_PER_HOUR
    reads = reads.exclude(purpose__in=OWN_LISTS)
    busy = (
        reads.order_by()
        .values("user_id")
        .annotate(people=Count("person_uuid", distinct=True))
        .filter(people__gt=limit)
        .values("user_id")
    )
    for _user_id, group in groupby(reads.filter(user_id__in=busy), key=lambda e: e.user_id):
        window: deque[AuditEvent] = deque()
        people: Counter[UUID | None] = Counter()
        finding: Finding | None = None
        for event in group:
            window.append(event)
            people[event.person_uuid] += 1
            while window[0].at <= event.at - HOUR:
                old = window.popleft()
                people[old.person_uuid] -= 1
                if not people[old.person_uuid]:
                    del people[old.person_uuid]
            if len(people) <= limit:
                continue
            if finding is not None and window[0].at <= finding.events[-1].at:
                # The hour overlaps the last finding's: the same burst goes on.
                seen = {e.pk for e in finding.events}
                finding.events.extend(e for e in window if e.pk not in seen)
                finding.count = max(finding.count, len(people))
            else:
                finding = Finding(
                    AlertKind.MANY_PEOPLE, event.user, window[0].at, len(people), list(window)
                )
                yield finding


def outside_working_hours(reads: QuerySet[AuditEvent], start: Bound, end: Bound) -> list[Finding]:
    """(b) Reads outside LOTSA_WORKING_HOURS (local time), at weekends or on a day off of the
    unit's country (`lib.workdays.days_off`); one finding per user and local day.

    The database narrows to events outside the hours or on any Swedish or Danish day off in
    the period; the country of each event's unit decides in Python."""
    zone = timezone.get_default_timezone()
    opens, closes = working_hours()
    # The days off of the years the log holds within the period (a wide period stays cheap).
    now = timezone.now()
    earliest = AuditEvent.objects.order_by("at").values_list("at", flat=True).first() or now
    first, last = bounds(start, end)
    first_year = max(first or earliest, earliest).astimezone(zone).year
    last_year = max(first_year, min(last or now, now).astimezone(zone).year)
    any_day_off = sorted(
        day
        for year in range(first_year, last_year + 1)
        for country in ("SE", "DK")
        for day in workdays.days_off(year, country)
    )
    candidates: list[AuditEvent] = list(
        reads.annotate(
            local_minute=ExtractHour("at", tzinfo=zone) * 60 + ExtractMinute("at", tzinfo=zone),
            local_weekday=ExtractIsoWeekDay("at", tzinfo=zone),
            local_date=TruncDate("at", tzinfo=zone),
        ).filter(
            Q(local_minute__lt=opens)
            | Q(local_minute__gte=closes)
            | Q(local_weekday__gte=6)
            | Q(local_date__in=any_day_off)
        )
    )
    unit_ids = {e.organization_id for e in candidates if e.organization_id is not None}
    countries = dict(Organization.objects.filter(pk__in=unit_ids).values_list("pk", "country"))
    fallback = default_country()
    outside = [
        event
        for event in candidates
        if is_outside_working_hours(
            event.at,
            countries.get(event.organization_id or 0, fallback),
            (opens, closes),
        )
    ]
    findings = []
    for (_user_id, _day), group in groupby(
        outside, key=lambda e: (e.user_id, timezone.localtime(e.at, zone).date())
    ):
        found = list(group)
        findings.append(
            Finding(AlertKind.OUTSIDE_HOURS, found[0].user, found[0].at, len(found), found)
        )
    return findings


def outside_caseload(reads: QuerySet[AuditEvent]) -> list[Finding]:
    """(c) Reads of a person who is not in the user's caseload: not in a referral or case of
    the user's teams, not referred by the user's unit (or flagged by the user, a connector),
    not referred to an offering of the user's providers. One finding per user and person.

    Decided by the database in the same query (correlated EXISTS), never one query per event.
    The caseload is today's: a person whose referral was later moved away shows up here too.
    Break-glass reads are alerts of their own; an administrator's work for their unit (the
    log review, a person's request) is not a read of anyone's caseload.
    """
    user = OuterRef("user_id")
    person = OuterRef("person_uuid")
    in_team = {
        "team__members": user,
        "team__organization__memberships__user": user,
        "team__organization__memberships__role": Role.LINK_WORKER,
    }
    caseload = (
        Exists(Referral.objects.filter(person__uuid=person, **in_team))
        | Exists(Case.objects.filter(person__uuid=person, **in_team))
        | Exists(
            Referral.objects.filter(
                person__uuid=person,
                source=Referral.Source.CLINICIAN,
                referring_organization__memberships__user=user,
                referring_organization__memberships__role=Role.CLINICIAN,
            )
        )
        | Exists(
            Referral.objects.filter(
                person__uuid=person, source=Referral.Source.CONNECTOR, referred_by=user
            )
        )
        | Exists(
            ActivityReferral.objects.filter(
                case__person__uuid=person,
                offering__organization__memberships__user=user,
                offering__organization__memberships__role__in=(Role.PROVIDER, Role.COORDINATOR),
            )
        )
        | Exists(
            Membership.objects.filter(
                user=user, organization_id=OuterRef("organization_id"), role=Role.ADMINISTRATOR
            )
        )
    )
    found = reads.exclude(purpose__startswith=BREAK_GLASS).filter(~caseload)
    return _per_user_and_person(AlertKind.OUTSIDE_CASELOAD, found)


def _per_user_and_person(kind: str, found: QuerySet[AuditEvent]) -> list[Finding]:
    """One finding per user and person, the events in time order."""
    findings = []
    ordered = found.order_by("user_id", "person_uuid", "at", "sequence")
    for (_user_id, person), events_ in groupby(ordered, key=lambda e: (e.user_id, e.person_uuid)):
        group = list(events_)
        findings.append(Finding(kind, group[0].user, group[0].at, len(group), group, person))
    return findings


def break_glass(period: QuerySet[AuditEvent]) -> list[Finding]:
    """(d) Every break-glass access: the opening and each read under it, per user and person."""
    return _per_user_and_person(
        AlertKind.BREAK_GLASS, period.filter(purpose__startswith=BREAK_GLASS)
    )


def denied(period: QuerySet[AuditEvent]) -> list[Finding]:
    """(e) Denied attempts, per user (or per IP address when nobody was signed in) and day."""
    zone = timezone.get_default_timezone()
    found = sorted(
        period.filter(action=Action.DENIED),
        key=lambda e: (e.user_id or 0, "" if e.user_id else str(e.ip_address), e.at, e.sequence),
    )
    findings = []
    for _key, events_ in groupby(
        found,
        key=lambda e: (
            e.user_id,
            None if e.user_id else e.ip_address,
            timezone.localtime(e.at, zone).date(),
        ),
    ):
        group = list(events_)
        findings.append(Finding(AlertKind.DENIED, group[0].user, group[0].at, len(group), group))
    return findings


def alerts(since: Bound, until: Bound) -> list[Finding]:
    """All findings of the period, by kind (in `AlertKind` order), then time.

    A fixed number of queries however many events and users: one or two per kind, and the
    unit names of all events behind the findings in one."""
    reads = _reads(since, until)
    period = _in_period(AuditEvent.objects.select_related("user"), since, until)
    findings = [
        *many_people_in_an_hour(reads),
        *outside_working_hours(reads, since, until),
        *outside_caseload(reads),
        *break_glass(period),
        *denied(period),
    ]
    order = list(AlertKind.values)
    findings.sort(key=lambda f: (order.index(f.kind), f.at))
    with_units([event for finding in findings for event in finding.events])
    return findings


# --- the person's log extract -------------------------------------------------------------

# What a purpose in the log means, told to the person (the part before a colon is the key).
PURPOSES = {
    "case work": _("The link worker's work with you"),
    "research export": _("Pseudonymised data for research you consented to"),
    "follow-up": _("Measuring how you are: the follow-up questionnaires"),
    "follow-ups": _("The link worker's list of follow-ups"),
    "follow-up answered by the person": _("Your own answers to the follow-up questions"),
    "caseload": _("The link worker's list of people"),
    "inbox": _("The link worker team's new referrals"),
    "triage": _("The link worker team assesses the referral"),
    "forward referral": _("The referral is passed on to another team"),
    "close case": _("Closing the contact with the link worker"),
    "follow referral": _("The referring unit follows its referral"),
    "sent referrals": _("The referring unit's list of referrals"),
    "own flags": _("The volunteer connector's contact request"),
    "find person": _("Looking you up when referring"),
    "referral": _("A referral to a link worker"),
    "self-registration": _("Your own request for contact"),
    "activity referral": _("A referral to an activity"),
    "answer referral": _("The activity answers the referral"),
    "answer referral by link": _("The activity answers the referral"),
    "provider inbox": _("The activity's list of referrals"),
    "participation": _("Recording that you take part in an activity"),
    "prescription": _("Printing your activity's details for you"),
    "consent": _("Your consent"),
    "edited": _("Updating your details"),
    "changed": _("Updating your details"),
    "log review": _("Checking the access log"),
    "log extract": _("Your log extract"),
    "person's request": _("Handling your request"),
    "break-glass request": _("Emergency access"),
    "break-glass": _("Emergency access"),
    "anonymised": _("Your data was anonymised when the time to keep it was up"),
    "erasure": _("Your data was erased at your request"),
}


@dataclasses.dataclass(frozen=True)
class ExtractRow:
    """One line of the person's log extract: when, which unit, what and why; never who."""

    at: dt.datetime
    unit: str
    action: str
    purpose: str


def purpose_for_the_person(purpose: str) -> str:
    """The purpose in the reader's language; an emergency access keeps its reason."""
    key, _colon, rest = purpose.partition(":")
    label = PURPOSES.get(key.strip())
    if label is None:
        return purpose
    if key.strip() == BREAK_GLASS and rest.strip():
        return f"{label}: {rest.strip()}"
    return str(label)


def extract_events(person: Person, since: Bound = None, until: Bound = None) -> list[ExtractRow]:
    """Every access to `person`'s data (refused attempts are not accesses), oldest first: the
    local date and time, the unit's name, the action and the purpose — never the staff
    member (PDL ch. 8 § 5 and DOMAIN.md: the person learns which unit, when and why).

    Two queries: the events, and the units' names."""
    found = list(
        _in_period(AuditEvent.objects.filter(person_uuid=person.uuid), since, until)
        .exclude(action=Action.DENIED)
        .order_by("at", "sequence")
        .only("at", "action", "organization_id", "purpose")
    )
    names = unit_names(found)
    zone = timezone.get_default_timezone()
    return [
        ExtractRow(
            at=timezone.localtime(event.at, zone),
            unit=names.get(event.organization_id, NO_UNIT)
            if event.organization_id is not None
            else NO_UNIT,
            action=str(Action(event.action).label),
            purpose=purpose_for_the_person(event.purpose),
        )
        for event in found
    ]
