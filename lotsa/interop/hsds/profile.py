"""Lotsa's HSDS profile: the taxonomies Lotsa's vocabularies are served as, and the extra
fields (capacity, how to join, municipality codes …) carried as HSDS attributes.

HSDS 3.0 has no field for a group's places, the way to join or a Swedish or Danish
municipality code, but every object may carry `attributes`: a taxonomy term and a value.
Lotsa defines one taxonomy, "Lotsa profile", whose terms name these fields; the value of
`service-capacity` is a JSON object in the shape of HSDS 3.1's `service_capacity` (with its
`unit`), so that a 3.1 reader can take it over as it is. docs/api.md describes the profile.

Every id here is derived (UUID version 5 in Lotsa's namespace), so it is the same in every
installation and in every export."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lotsa.directory.models import HSDS_NAMESPACE, Term

HSDS_VERSION = "3.0"
PROFILE_VERSION = "1"


def derived_id(*parts: object) -> UUID:
    """A stable id for an object Lotsa does not store as a row (a phone, an attribute …)."""
    return uuid.uuid5(HSDS_NAMESPACE, ":".join(str(part) for part in parts))


@dataclass(frozen=True)
class Taxonomy:
    code: str
    id: UUID
    name: str | Promise
    description: str | Promise


def _taxonomy(code: str, name: str | Promise, description: str | Promise) -> Taxonomy:
    return Taxonomy(code=code, id=derived_id("taxonomy", code), name=name, description=description)


# Lotsa's vocabularies, one taxonomy each; their terms are the rows of `Term`.
VOCABULARY_TAXONOMIES: dict[str, Taxonomy] = {
    Term.Vocabulary.CATEGORY: _taxonomy(
        "lotsa-category",
        _("Lotsa categories"),
        _("What kind of activity an offering is."),
    ),
    Term.Vocabulary.AUDIENCE: _taxonomy(
        "lotsa-audience",
        _("Lotsa target groups"),
        _("Whom an offering is meant for."),
    ),
    Term.Vocabulary.ACCESSIBILITY: _taxonomy(
        "lotsa-accessibility",
        _("Lotsa accessibility"),
        _("How accessible an offering and its place are."),
    ),
    Term.Vocabulary.LANGUAGE: _taxonomy(
        "lotsa-language",
        _("Lotsa languages"),
        _("Languages spoken at an offering (ISO 639-1 codes)."),
    ),
}
TAXONOMY_VOCABULARIES = {
    taxonomy.id: vocabulary for vocabulary, taxonomy in VOCABULARY_TAXONOMIES.items()
}
# How an offering's terms are linked in `attributes` (HSDS `link_type`).
LINK_TYPES: dict[str, str] = {
    Term.Vocabulary.CATEGORY: "category",
    Term.Vocabulary.AUDIENCE: "audience",
    Term.Vocabulary.ACCESSIBILITY: "accessibility",
    Term.Vocabulary.LANGUAGE: "language",
}

PROFILE_TAXONOMY = _taxonomy(
    "lotsa-profile",
    _("Lotsa profile"),
    _(
        "Fields Lotsa adds to HSDS 3.0, carried as attributes: capacity, how to join, online "
        "participation, the language of the text, municipality codes and the kind of "
        "organisation."
    ),
)


@dataclass(frozen=True)
class ProfileTerm:
    code: str
    id: UUID
    link_entity: str
    name: str | Promise
    description: str | Promise


def _term(
    code: str, link_entity: str, name: str | Promise, description: str | Promise
) -> ProfileTerm:
    return ProfileTerm(
        code=code,
        id=derived_id("term", PROFILE_TAXONOMY.code, code),
        link_entity=link_entity,
        name=name,
        description=description,
    )


CAPACITY_STATUS = _term(
    "capacity-status",
    "service",
    _("Capacity status"),
    _(
        "Whether the offering has places: capacity, no-capacity or waitlist (the capacity "
        "statuses of the HL7 FHIR SDOH Clinical Care implementation guide)."
    ),
)
SERVICE_CAPACITY = _term(
    "service-capacity",
    "service",
    _("Service capacity"),
    _(
        "The places of the offering as a JSON object in the shape of HSDS 3.1 "
        "service_capacity: unit, maximum, available, updated."
    ),
)
WAITING_LIST = _term(
    "waiting-list",
    "service",
    _("Waiting list"),
    _("true when the offering keeps a waiting list once it is full, else false."),
)
HOW_TO_JOIN = _term(
    "how-to-join",
    "service",
    _("How to join"),
    _("drop_in, contact_first or referral_only."),
)
ONLINE = _term(
    "online",
    "service",
    _("Online"),
    _("true when one can take part online."),
)
TEXT_LANGUAGE = _term(
    "text-language",
    "service",
    _("Language of the text"),
    _("The language the name and description are written in: sv or da."),
)
MUNICIPALITY = _term(
    "municipality",
    "location",
    _("Municipality"),
    _(
        "The municipality as country and official code: SE-2480 (Swedish kommunkod, four "
        "digits), DK-751 (Danish kommunekode, three digits). On locations and organisations."
    ),
)
ORGANIZATION_KIND = _term(
    "organization-kind",
    "organization",
    _("Kind of organisation"),
    _("health_centre, municipality, association or other."),
)
PROFILE_TERMS: tuple[ProfileTerm, ...] = (
    CAPACITY_STATUS,
    SERVICE_CAPACITY,
    WAITING_LIST,
    HOW_TO_JOIN,
    ONLINE,
    TEXT_LANGUAGE,
    MUNICIPALITY,
    ORGANIZATION_KIND,
)
PROFILE_TERMS_BY_ID = {term.id: term for term in PROFILE_TERMS}
PROFILE_TERMS_BY_CODE = {term.code: term for term in PROFILE_TERMS}

# The unit of Lotsa's capacity: one place in a group (HSDS 3.1 `unit`).
PLACE_UNIT = {
    "id": str(derived_id("unit", "place")),
    "name": "place",
    "scheme": "lotsa",
    "identifier": "place",
}

# Organisation numbers as HSDS organization_identifiers, with org-id.guide's list codes.
IDENTIFIER_SCHEMES = {"SE": "SE-BLV", "DK": "DK-CVR"}
IDENTIFIER_TYPES = {"SE": "Organisationsnummer", "DK": "CVR-nummer"}
