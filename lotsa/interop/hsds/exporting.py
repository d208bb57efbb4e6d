"""Exporting the public directory as an HSDS 3.0 tabular datapackage: datapackage.json and
one CSV file per HSDS table, the same data the API serves (`serialise`), flattened.

The files are written as the offerings are read, a thousand at a time, so a national
directory does not have to fit in memory; rows come in a fixed order (offerings by name and
id, each one's places, schedules and terms in their own order), so the same directory
always gives the same files — which is how the round trip export → import → export is
checked."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import translation

from lotsa.directory.models import Offering, Term

from . import profile, serialise
from .serialise import Json
from .sources import Progress, _no_progress

CHUNK = 1000

# The HSDS 3.0 tables Lotsa writes, in the specification's order, with their columns.
TABLES: dict[str, tuple[str, ...]] = {
    "organizations.csv": (
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "legal_status",
        "logo",
        "uri",
        "parent_organization_id",
    ),
    "services.csv": (
        "id",
        "organization_id",
        "program_id",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "wait_time",
        "fees",
        "accreditations",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "licenses",
        "alert",
        "last_modified",
    ),
    "attributes.csv": ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
    "service_at_location.csv": ("id", "service_id", "location_id", "description"),
    "locations.csv": (
        "id",
        "location_type",
        "url",
        "organization_id",
        "name",
        "alternate_name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    ),
    "phones.csv": (
        "id",
        "location_id",
        "service_id",
        "organization_id",
        "contact_id",
        "service_at_location_id",
        "number",
        "extension",
        "type",
        "description",
    ),
    "contacts.csv": (
        "id",
        "organization_id",
        "service_id",
        "service_at_location_id",
        "location_id",
        "name",
        "title",
        "department",
        "email",
    ),
    "addresses.csv": (
        "id",
        "location_id",
        "attention",
        "address_1",
        "address_2",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "schedules.csv": (
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "valid_from",
        "valid_to",
        "dtstart",
        "timezone",
        "until",
        "count",
        "wkst",
        "freq",
        "interval",
        "byday",
        "byweekno",
        "bymonthday",
        "byyearday",
        "description",
        "opens_at",
        "closes_at",
        "schedule_link",
        "attending_type",
        "notes",
    ),
    "languages.csv": ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
    "cost_options.csv": (
        "id",
        "service_id",
        "valid_from",
        "valid_to",
        "option",
        "currency",
        "amount",
        "amount_description",
    ),
    "organization_identifiers.csv": (
        "id",
        "organization_id",
        "identifier_scheme",
        "identifier_type",
        "identifier",
    ),
    "taxonomy_terms.csv": (
        "id",
        "code",
        "name",
        "description",
        "parent_id",
        "taxonomy",
        "language",
        "taxonomy_id",
        "term_uri",
    ),
    "taxonomies.csv": ("id", "name", "description", "uri", "version"),
}
# Frictionless Data field types where a column is not text.
TYPES = {
    "latitude": "number",
    "longitude": "number",
    "minimum_age": "number",
    "maximum_age": "number",
    "year_incorporated": "number",
    "extension": "number",
    "timezone": "number",
    "count": "number",
    "interval": "number",
    "amount": "number",
    "assured_date": "date",
    "valid_from": "date",
    "valid_to": "date",
    "dtstart": "date",
    "until": "date",
    "last_modified": "datetime",
    "opens_at": "time",
    "closes_at": "time",
}
# Which table a column refers to, for the datapackage's foreign keys.
FOREIGN_KEYS = {
    "organization_id": "organizations.csv",
    "service_id": "services.csv",
    "location_id": "locations.csv",
    "service_at_location_id": "service_at_location.csv",
    "contact_id": "contacts.csv",
    "taxonomy_id": "taxonomies.csv",
    "taxonomy_term_id": "taxonomy_terms.csv",
}


def _resource(path: str) -> Json:
    columns = TABLES[path]
    fields = [
        {"name": column, "type": TYPES.get(column, "string")}
        | ({"format": "uuid"} if column == "id" or column.endswith("_id") else {})
        for column in columns
    ]
    foreign = [
        {
            "fields": column,
            "reference": {"resource": FOREIGN_KEYS[column].removesuffix(".csv"), "fields": "id"},
        }
        for column in columns
        if column in FOREIGN_KEYS
        and FOREIGN_KEYS[column] != path
        and FOREIGN_KEYS[column] in TABLES
    ]
    schema: Json = {"fields": fields, "primaryKey": "id"}
    if foreign:
        schema["foreignKeys"] = foreign
    return {
        "name": path.removesuffix(".csv"),
        "path": path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def datapackage() -> Json:
    return {
        "profile": "tabular-data-package",
        "name": "lotsa-directory",
        "title": "Lotsa directory (Open Referral HSDS 3.0)",
        "description": (
            "The public directory of a Lotsa installation as an HSDS 3.0 tabular datapackage. "
            "Lotsa's extra fields are attributes of the Lotsa profile (taxonomy "
            f"{profile.PROFILE_TAXONOMY.code}, version {profile.PROFILE_VERSION})."
        ),
        "version": profile.HSDS_VERSION,
        "resources": [_resource(path) for path in TABLES],
    }


class _Tables:
    """One CSV writer per table; ids already written are not written again."""

    def __init__(self, folder: Path) -> None:
        self.files = {
            path: (folder / path).open("w", encoding="utf-8", newline="") for path in TABLES
        }
        self.writers = {
            path: csv.DictWriter(
                handle, fieldnames=TABLES[path], extrasaction="ignore", lineterminator="\n"
            )
            for path, handle in self.files.items()
        }
        for writer in self.writers.values():
            writer.writeheader()
        self.seen: dict[str, set[str]] = {path: set() for path in TABLES}
        self.counts: Counter[str] = Counter()

    def write(self, path: str, row: Json, **links: Any) -> None:
        key = row["id"]
        if key in self.seen[path]:
            return
        self.seen[path].add(key)
        flat = {
            column: _cell(value)
            for column, value in {**row, **links}.items()
            if column in TABLES[path]
        }
        self.writers[path].writerow(flat)
        self.counts[path] += 1

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _flatten(tables: _Tables, service: Json) -> None:
    service_id = service["id"]
    organization = service["organization"]
    tables.write("organizations.csv", organization)
    for identifier in organization.get("organization_identifiers", []):
        tables.write("organization_identifiers.csv", identifier)
    for attribute in organization.get("attributes", []):
        tables.write("attributes.csv", attribute)
    tables.write("services.csv", service)
    for phone in service.get("phones", []):
        tables.write("phones.csv", phone, service_id=service_id)
    for contact in service.get("contacts", []):
        tables.write("contacts.csv", contact, service_id=service_id)
    for item in service.get("schedules", []):
        tables.write("schedules.csv", item, service_id=service_id)
    for language in service.get("languages", []):
        tables.write("languages.csv", language, service_id=service_id)
    for cost in service.get("cost_options", []):
        tables.write("cost_options.csv", cost, service_id=service_id)
    for attribute in service.get("attributes", []):
        tables.write("attributes.csv", attribute)
    for link in service.get("service_at_locations", []):
        tables.write("service_at_location.csv", link, service_id=service_id)
        location = link["location"]
        tables.write("locations.csv", location)
        for address in location.get("addresses", []):
            tables.write("addresses.csv", address, location_id=location["id"])
        for attribute in location.get("attributes", []):
            tables.write("attributes.csv", attribute)


def _offerings() -> QuerySet[Offering]:
    return serialise.with_everything(serialise.public_offerings()).order_by("name", "uuid")


def _in_chunks(offerings: QuerySet[Offering]) -> Iterator[list[Offering]]:
    """Pages by (name, uuid), so each chunk's prefetches stay one query per relation."""
    last: tuple[str, Any] | None = None
    while True:
        page = offerings
        if last is not None:
            from django.db.models import Q

            page = page.filter(Q(name__gt=last[0]) | Q(name=last[0], uuid__gt=last[1]))
        rows = list(page[:CHUNK])
        if not rows:
            return
        yield rows
        last = (rows[-1].name, rows[-1].uuid)


def export(
    folder: Path, *, language: str = "sv", progress: Progress = _no_progress
) -> Counter[str]:
    """Write the public directory to `folder` (made if missing); the rows per file."""
    folder.mkdir(parents=True, exist_ok=True)
    total = Offering.objects.public().count()
    tables = _Tables(folder)
    try:
        with translation.override(language):
            done = 0
            for chunk in _in_chunks(_offerings()):
                for offering in chunk:
                    _flatten(tables, serialise.service_full(offering))
                done += len(chunk)
                progress("services", done, total)
            for item in serialise.taxonomies():
                tables.write("taxonomies.csv", item)
            for term in Term.objects.order_by("vocabulary", "position", "code"):
                tables.write("taxonomy_terms.csv", serialise.taxonomy_term(term))
            for profile_term in profile.PROFILE_TERMS:
                tables.write("taxonomy_terms.csv", serialise.profile_term(profile_term))
    finally:
        tables.close()
    (folder / "datapackage.json").write_text(
        json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return tables.counts
