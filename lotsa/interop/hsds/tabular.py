"""HSDS tables (a datapackage's CSV files, HSDS 3.0 or the older 1.x layout) as nested
HSDS 3.0 records: each service with its phones, schedules, contacts, languages, costs,
attributes and its service_at_locations with their locations; each organization with its
identifiers; each taxonomy term with its taxonomy.

HSDS 1.x tables are first renamed and reshaped to 3.0 (`services_at_location` →
`service_at_location`, `physical_addresses` and `postal_addresses` → `addresses`,
`regular_schedules` → `schedules` (one weekday per row becomes one weekly rule per set of
hours), `taxonomy` → `taxonomy_terms`, `services_taxonomy` → `attributes`,
`accessibility_for_disabilities` → `accessibility`). Ids that are not UUIDs (1.x allowed
any) become UUIDs derived from the table and the id, so that importing the same files again
finds the same rows. Rows that nothing Lotsa imports links to are reported, table by table."""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from .profile import derived_id

if TYPE_CHECKING:
    from .sources import Bundle

Row = dict[str, Any]
Table = list[tuple[str, Row]]

WHERE = "_where"  # where a row came from, kept in the nested record for error messages

# HSDS 1.x table names (and 3.x variants) → the 3.0 table.
TABLE_NAMES = {
    "services_at_location": "service_at_location",
    "service_at_locations": "service_at_location",
    "physical_addresses": "addresses",
    "postal_addresses": "addresses",
    "regular_schedules": "schedules",
    "taxonomy": "taxonomy_terms",
    "services_taxonomy": "attributes",
    "accessibility_for_disabilities": "accessibility",
}
LEGACY_TABLES = {
    "services_at_location",
    "physical_addresses",
    "postal_addresses",
    "regular_schedules",
    "services_taxonomy",
    "taxonomy",
    "accessibility_for_disabilities",
    "eligibility",
    "payments_accepted",
    "holiday_schedules",
}
IMPORTED_TABLES = {
    "organizations",
    "organization_identifiers",
    "services",
    "service_at_location",
    "locations",
    "addresses",
    "phones",
    "contacts",
    "schedules",
    "languages",
    "accessibility",
    "cost_options",
    "attributes",
    "taxonomies",
    "taxonomy_terms",
}
# The table a reference column points into.
REFERENCES = {
    "organization_id": "organizations",
    "parent_organization_id": "organizations",
    "service_id": "services",
    "location_id": "locations",
    "service_at_location_id": "service_at_location",
    "contact_id": "contacts",
    "phone_id": "phones",
    "program_id": "programs",
    "taxonomy_id": "taxonomies",
    "taxonomy_term_id": "taxonomy_terms",
}
NUMBERS = {
    "latitude",
    "longitude",
    "minimum_age",
    "maximum_age",
    "interval",
    "count",
    "timezone",
    "extension",
    "amount",
    "year_incorporated",
}
WEEKDAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
    # HSDS 1.x and 2.0 allowed numbers: ISO 8601, Monday is 1.
    "1": "MO",
    "2": "TU",
    "3": "WE",
    "4": "TH",
    "5": "FR",
    "6": "SA",
    "7": "SU",
}
# Tables whose rows Lotsa does not keep by id: a row without one gets one.
NO_ID_NEEDED = {
    "addresses",
    "phones",
    "contacts",
    "languages",
    "accessibility",
    "cost_options",
    "attributes",
    "organization_identifiers",
    "schedules",
}
DAY_ORDER = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


UUID_SHAPE = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)


def _is_uuid(value: str) -> bool:
    return UUID_SHAPE.fullmatch(value) is not None


class _Ids:
    """Turns ids that are not UUIDs into derived ones, and counts how many it turned."""

    def __init__(self) -> None:
        self.derived = 0
        # Ids that are UUIDs already, as given → as kept: references repeat them many times.
        self.seen: dict[str, str] = {}

    def __call__(self, table: str, value: str) -> str:
        found = self.seen.get(value)
        if found is not None:
            return found
        if _is_uuid(value):
            self.seen[value] = value.lower()
            return self.seen[value]
        self.derived += 1
        return str(derived_id("tabular", table, value))


def _clean_rows(name: str, table: Table, ids: _Ids) -> list[Row]:
    """Non-empty values only, numbers as numbers, ids as UUIDs; where each row came from."""
    rows = []
    # What to do with each column, decided once per table: the rows are many.
    plans: dict[str, tuple[str, str]] = {}

    def plan(key: str) -> tuple[str, str]:
        if key in NUMBERS:
            return ("number", "")
        if key in {"id", "parent_id"}:
            return ("id", name)
        if key in REFERENCES:
            return ("id", REFERENCES[key])
        if key == "link_id":
            return ("link", "")
        return ("text", "")

    for where, raw in table:
        row: Row = {WHERE: where}
        for key, value in raw.items():
            if key is None or value is None:
                continue
            kind, target = plans.get(key) or plans.setdefault(key, plan(key))
            if isinstance(value, str):
                value = value.strip()
                if not value:
                    continue
                if kind != "text":
                    value = _convert(value, kind, target, raw, ids)
            elif isinstance(value, bool):  # the tabular form as JSON has other types
                value = "true" if value else "false"
            elif isinstance(value, int | float) and kind != "number":
                value = _convert(str(value), kind, target, raw, ids)
            row[key] = value
        if "id" not in row and name in NO_ID_NEEDED:
            # Rows of phones, addresses … often have no id in tabular data; one from the row's
            # content is the same at the next import.
            content = sorted((k, str(v)) for k, v in row.items() if k != WHERE)
            row["id"] = str(derived_id("tabular", name, *(f"{k}={v}" for k, v in content)))
        rows.append(row)
    return rows


def _convert(value: str, kind: str, target: str, row: Row, ids: _Ids) -> Any:
    """A cell's text as HSDS has it: a number, or an id (a UUID; derived when not one)."""
    if kind == "number":
        with contextlib.suppress(ValueError):  # else text: the check reports it
            return int(value) if value.lstrip("-").isdigit() else float(value)
        return value
    if kind == "id":
        return ids(target, value)
    if kind == "link":
        return ids(_link_table(row.get("link_entity")), value)
    return value


def _link_table(entity: Any) -> str:
    entity = str(entity or "service").strip().lower()
    return {
        "service": "services",
        "organization": "organizations",
        "location": "locations",
        "service_at_location": "service_at_location",
    }.get(entity, entity)


def _legacy(name: str, rows: list[Row], bundle: Bundle) -> list[Row]:
    """Reshape a 1.x table's rows into its 3.0 table's."""
    if name in {"physical_addresses", "postal_addresses"}:
        for row in rows:
            row["address_type"] = "physical" if name == "physical_addresses" else "postal"
            extra = [row.pop(key) for key in ("address_3", "address_4") if key in row]
            if extra:
                row["address_2"] = ", ".join([row.get("address_2", ""), *extra]).strip(", ")
    elif name == "taxonomy":
        for row in rows:
            if "vocabulary" in row:
                row["taxonomy"] = row.pop("vocabulary")
            row.pop("parent_name", None)
            row.setdefault("description", row.get("name", ""))
    elif name == "services_taxonomy":
        for row in rows:
            row["link_id"] = row.pop("service_id", None)
            row["link_entity"] = "service"
            if "taxonomy_id" in row:
                row["taxonomy_term_id"] = row.pop("taxonomy_id")
            row.pop("taxonomy_detail", None)
    elif name == "accessibility_for_disabilities":
        for row in rows:
            if "accessibility" in row:
                row["description"] = row.pop("accessibility")
    elif name == "languages":
        for row in rows:
            if "language" in row:
                row["name"] = row.pop("language")
    elif name == "regular_schedules":
        return _weekly_rules(rows, bundle)
    return rows


def _weekly_rules(rows: list[Row], bundle: Bundle) -> list[Row]:
    """One row per weekday and hours (1.x) → one weekly rule per owner and hours."""
    grouped: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    closed = 0
    for row in rows:
        day = WEEKDAYS.get(str(row.get("weekday", "")).strip().lower())
        if day is None:
            bundle.warning(row[WHERE], f"weekday {row.get('weekday')!r} is not a day of the week.")
            continue
        if "opens_at" not in row and "closes_at" not in row:
            closed += 1  # a day marked closed: nothing to keep
            continue
        owner = tuple(
            row.get(key) for key in ("service_id", "location_id", "service_at_location_id")
        )
        grouped[(*owner, row.get("opens_at"), row.get("closes_at"))].append({**row, "byday": day})
    if closed:
        bundle.warning("regular_schedules", f"{closed} rows mark a day closed: nothing to keep.")
    result = []
    for key, group in grouped.items():
        days = sorted({row["byday"] for row in group}, key=DAY_ORDER.index)
        first = group[0]
        rule = {k: v for k, v in first.items() if k not in {"weekday", "id", "byday"}}
        rule["id"] = str(derived_id("tabular", "schedules", *key, ",".join(days)))
        rule["freq"] = "WEEKLY"
        rule["byday"] = ",".join(days)
        rule[WHERE] = first[WHERE] + (
            f" (and {len(group) - 1} more rows)" if len(group) > 1 else ""
        )
        rule["_rows"] = len(group)
        result.append(rule)
    return result


def _index(rows: list[Row], key: str) -> dict[str, list[Row]]:
    index: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.get(key):
            index[row[key]].append(row)
    return index


def records_from_tables(tables: dict[str, Table], bundle: Bundle) -> None:
    """Add the nested records of `tables` (file name → rows) to `bundle`."""
    from .sources import Record

    bundle.derives_ids = True
    names = {name.removesuffix(".csv").lower(): rows for name, rows in tables.items()}
    is_legacy = bool(set(names) & LEGACY_TABLES) or any(
        "url" in row and "website" not in row for _where, row in names.get("organizations", [])
    )
    ids = _Ids()
    data: dict[str, list[Row]] = defaultdict(list)
    for name, table in names.items():
        target = TABLE_NAMES.get(name, name)
        if target not in IMPORTED_TABLES:
            if table:
                bundle.warning(
                    f"{name}.csv", f"{len(table)} rows: Lotsa has no place for {name}, not kept."
                )
            continue
        rows = _clean_rows(target, table, ids)
        if is_legacy:
            rows = _legacy(name, rows, bundle)
        data[target] += rows
    if ids.derived:
        bundle.warning(
            bundle.source,
            f"{ids.derived} ids are not UUIDs (HSDS 1.x allowed any): Lotsa derived UUIDs "
            "from them, the same at every import.",
        )

    terms = {row["id"]: row for row in data["taxonomy_terms"] if "id" in row}
    taxonomies = {row["id"]: row for row in data["taxonomies"] if "id" in row}
    for term in terms.values():
        if term.get("taxonomy_id") in taxonomies:
            term["taxonomy_detail"] = _strip(taxonomies[term["taxonomy_id"]])
    # Attributes name their term by id: the term's own record (taxonomy_terms) is checked
    # once and looked up by the import, not copied into every attribute.
    attributes = defaultdict(list)
    for row in data["attributes"]:
        attributes[row.get("link_id")].append(row)

    by_location = {
        key: _index(data[key], "location_id")
        for key in ("addresses", "accessibility", "phones", "schedules", "languages", "contacts")
    }
    by_service = {
        key: _index(data[key], "service_id")
        for key in ("phones", "schedules", "languages", "contacts", "cost_options")
    }
    by_sal = {
        key: _index(data[key], "service_at_location_id")
        for key in ("phones", "schedules", "contacts")
    }
    by_organization = {
        key: _index(data[key], "organization_id")
        for key in ("organization_identifiers", "phones", "contacts")
    }
    phones_by_contact = _index(data["phones"], "contact_id")
    languages_by_phone = _index(data["languages"], "phone_id")

    def phones(rows: list[Row]) -> list[Row]:
        return [{**row, "languages": languages_by_phone.get(row.get("id", ""), [])} for row in rows]

    def contacts(rows: list[Row]) -> list[Row]:
        return [
            {**row, "phones": phones(phones_by_contact.get(row.get("id", ""), []))} for row in rows
        ]

    locations = {row["id"]: row for row in data["locations"] if "id" in row}
    used_locations: set[str] = set()

    def location(key: str) -> Row | None:
        row = locations.get(key)
        if row is None:
            return None
        used_locations.add(key)
        return {
            **row,
            "location_type": row.get("location_type", "physical"),
            "addresses": by_location["addresses"].get(key, []),
            "accessibility": by_location["accessibility"].get(key, []),
            "phones": phones(by_location["phones"].get(key, [])),
            "schedules": by_location["schedules"].get(key, []),
            "languages": by_location["languages"].get(key, []),
            "contacts": contacts(by_location["contacts"].get(key, [])),
            "attributes": attributes.get(key, []),
        }

    links: dict[str, list[Row]] = defaultdict(list)
    for row in data["service_at_location"]:
        key = row.get("location_id", "")
        if "id" not in row and row.get("service_id") and key:
            row["id"] = str(derived_id("tabular", "service_at_location", row["service_id"], key))
        nested = location(key)
        if nested is None:
            bundle.warning(
                row[WHERE], "service_at_location: its location_id names no location, not kept."
            )
            continue
        sal_id = row.get("id", "")
        links[row.get("service_id", "")].append(
            {
                **row,
                "location": nested,
                "schedules": by_sal["schedules"].get(sal_id, []),
                "phones": phones(by_sal["phones"].get(sal_id, [])),
                "contacts": contacts(by_sal["contacts"].get(sal_id, [])),
                "attributes": attributes.get(sal_id, []),
            }
        )

    organizations = {row.get("id") for row in data["organizations"]}
    for row in data["organizations"]:
        key = row.get("id", "")
        record = {
            **row,
            "organization_identifiers": by_organization["organization_identifiers"].get(key, []),
            "phones": phones(by_organization["phones"].get(key, [])),
            "contacts": contacts(by_organization["contacts"].get(key, [])),
            "attributes": attributes.get(key, []),
        }
        if is_legacy and "url" in record and "website" not in record:
            record["website"] = record.pop("url")
        record.setdefault("description", "")
        bundle.records.append(Record("organization", record, row[WHERE]))

    for row in data["services"]:
        if "id" not in row and "name" not in row:
            bundle.warning(row[WHERE], "A blank row (no id, no name): skipped.")
            continue
        key = row.get("id", "")
        if is_legacy and "status" not in row:
            row["status"] = "active"
            row["_status_assumed"] = True
        if row.get("organization_id") and row["organization_id"] not in organizations:
            # A reference the record check reports unless Lotsa has the organisation already.
            row["_organization_outside"] = True
        record = {
            **row,
            "phones": phones(by_service["phones"].get(key, [])),
            "schedules": by_service["schedules"].get(key, []),
            "languages": by_service["languages"].get(key, []),
            "contacts": contacts(by_service["contacts"].get(key, [])),
            "cost_options": by_service["cost_options"].get(key, []),
            "attributes": attributes.get(key, []),
            "service_at_locations": links.pop(key, []),
        }
        bundle.records.append(Record("service", record, row[WHERE]))
    for rows in links.values():
        for row in rows:
            bundle.warning(
                row[WHERE], "service_at_location: its service_id names no service, not kept."
            )

    for row in data["taxonomy_terms"]:
        bundle.records.append(Record("taxonomy_term", row, row[WHERE]))

    _report_unlinked(data, locations, used_locations, bundle)


def _strip(row: Row) -> Row:
    return {key: value for key, value in row.items() if key != WHERE}


def _report_unlinked(
    data: dict[str, list[Row]], locations: dict[str, Row], used: set[str], bundle: Bundle
) -> None:
    """Rows that hang on locations no service is offered at, and other rows no import uses."""
    unused = set(locations) - used
    if unused:
        bundle.warning(
            "locations.csv",
            f"{len(unused)} locations are linked to no service (no service_at_location row): "
            "not kept, with their addresses, phones and schedules.",
        )
    schedules = [
        row
        for row in data["schedules"]
        if row.get("location_id") in unused and not row.get("service_id")
    ]
    if schedules:
        rows = sum(row.get("_rows", 1) for row in schedules)
        bundle.warning(
            "schedules",
            f"{rows} schedule rows belong to those locations (opening hours of a place, not of "
            "an offering): not kept.",
        )
    org_addresses = [row for row in data["addresses"] if not row.get("location_id")]
    if org_addresses:
        bundle.warning(
            "addresses",
            f"{len(org_addresses)} addresses belong to organisations, which Lotsa keeps without "
            "an address: not kept.",
        )
    orphan_phones = [
        row
        for row in data["phones"]
        if not any(
            row.get(k)
            for k in ("service_id", "organization_id", "contact_id", "service_at_location_id")
        )
        and row.get("location_id") in unused
    ]
    if orphan_phones:
        bundle.warning(
            "phones",
            f"{len(orphan_phones)} phones belong to those locations: not kept.",
        )
