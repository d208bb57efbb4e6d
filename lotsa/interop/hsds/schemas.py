"""The HSDS 3.0 objects as pydantic models: the API's documented response shapes, and the
check every imported record passes before anything is written.

They follow the HSDS 3.0 JSON Schemas field by field (required fields, enumerations, the
`uuid`, `email`, `uri` and `date-time` formats); fields HSDS does not define are allowed on
import (a 3.1 feed carries some) and never served. The schema files themselves stay in the
shared standards folder: the tests validate Lotsa's responses against them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, WithJsonSchema

# A UUID as HSDS writes it (the pattern runs in pydantic's core: thousands of ids a second).
UUID_PATTERN = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("not an e-mail address")
    return value


def _uri(value: str) -> str:
    parts = urlsplit(value)
    if not parts.scheme or not (parts.netloc or parts.scheme in {"mailto", "tel", "urn"}):
        raise ValueError("not an absolute URI")
    return value


def _date_time(value: str) -> str:
    dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


Id = Annotated[
    str,
    StringConstraints(pattern=UUID_PATTERN),
    WithJsonSchema({"type": "string", "format": "uuid"}),
]
Email = Annotated[
    str, AfterValidator(_email), WithJsonSchema({"type": "string", "format": "email"})
]
Uri = Annotated[str, AfterValidator(_uri), WithJsonSchema({"type": "string", "format": "uri"})]
DateTime = Annotated[
    str, AfterValidator(_date_time), WithJsonSchema({"type": "string", "format": "date-time"})
]


class HsdsObject(BaseModel):
    # Extra fields pass on import (HSDS 3.1 adds some); Lotsa serves only HSDS 3.0 fields.
    model_config = ConfigDict(extra="allow")


class HsdsMetadata(HsdsObject):
    id: Id
    resource_id: Id | None = None
    resource_type: str | None = None
    last_action_date: str
    last_action_type: str
    field_name: str
    previous_value: str
    replacement_value: str
    updated_by: str


class HsdsTaxonomy(HsdsObject):
    id: Id
    name: str
    description: str
    uri: Uri | None = None
    version: str | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsTaxonomyTerm(HsdsObject):
    id: Id
    code: str | None = None
    name: str
    description: str
    parent_id: Id | None = None
    taxonomy: str | None = None
    taxonomy_detail: HsdsTaxonomy | None = None
    language: str | None = None
    taxonomy_id: Id | None = None
    term_uri: Uri | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsAttribute(HsdsObject):
    id: Id
    link_id: Id | None = None
    taxonomy_term_id: Id | None = None
    link_type: str | None = None
    link_entity: str | None = None
    value: str | None = None
    taxonomy_term: HsdsTaxonomyTerm | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsLanguage(HsdsObject):
    id: Id
    service_id: Id | None = None
    location_id: Id | None = None
    phone_id: Id | None = None
    name: str | None = None
    code: str | None = None
    note: str | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsPhone(HsdsObject):
    id: Id
    location_id: Id | None = None
    service_id: Id | None = None
    organization_id: Id | None = None
    contact_id: Id | None = None
    service_at_location_id: Id | None = None
    number: str
    extension: float | None = None
    type: str | None = None
    description: str | None = None
    languages: list[HsdsLanguage] | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsContact(HsdsObject):
    id: Id
    organization_id: Id | None = None
    service_id: Id | None = None
    service_at_location_id: Id | None = None
    location_id: Id | None = None
    name: str | None = None
    title: str | None = None
    department: str | None = None
    email: Email | None = None
    phones: list[HsdsPhone] | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class HsdsSchedule(HsdsObject):
    id: Id
    service_id: Id | None = None
    location_id: Id | None = None
    service_at_location_id: Id | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    dtstart: str | None = None
    timezone: float | None = None
    until: str | None = None
    count: float | None = None
    wkst: Weekday | None = None
    freq: Literal["WEEKLY", "MONTHLY"] | None = None
    interval: float | None = None
    byday: str | None = None
    byweekno: str | None = None
    bymonthday: str | None = None
    byyearday: str | None = None
    description: str | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    schedule_link: Uri | None = None
    attending_type: str | None = None
    notes: str | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsAddress(HsdsObject):
    id: Id
    location_id: Id | None = None
    attention: str | None = None
    address_1: str
    address_2: str | None = None
    city: str
    region: str | None = None
    state_province: str
    postal_code: str
    country: str
    address_type: Literal["physical", "postal", "virtual"]
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsAccessibility(HsdsObject):
    id: Id
    location_id: Id | None = None
    description: str | None = None
    details: str | None = None
    url: Uri | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsLocationBasic(HsdsObject):
    id: Id
    location_type: Literal["physical", "postal", "virtual"]
    url: Uri | None = None
    organization_id: Id | None = None
    name: str | None = None
    alternate_name: str | None = None
    description: str | None = None
    transportation: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    external_identifier: str | None = None
    external_identifier_type: str | None = None


class HsdsLocation(HsdsLocationBasic):
    languages: list[HsdsLanguage] | None = None
    addresses: list[HsdsAddress] | None = None
    contacts: list[HsdsContact] | None = None
    accessibility: list[HsdsAccessibility] | None = None
    phones: list[HsdsPhone] | None = None
    schedules: list[HsdsSchedule] | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsFunding(HsdsObject):
    id: Id
    organization_id: Id | None = None
    service_id: Id | None = None
    source: str | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsProgram(HsdsObject):
    id: Id
    organization_id: Id | None = None
    name: str
    alternate_name: str | None = None
    description: str
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsOrganizationIdentifier(HsdsObject):
    id: Id
    organization_id: Id | None = None
    identifier_scheme: str | None = None
    identifier_type: str
    identifier: str
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsOrganizationBasic(HsdsObject):
    id: Id
    name: str
    alternate_name: str | None = None
    description: str
    email: Email | None = None
    website: Uri | None = None
    tax_status: str | None = None
    tax_id: str | None = None
    year_incorporated: float | None = None
    legal_status: str | None = None
    logo: str | None = None
    uri: Uri | None = None
    parent_organization_id: Id | None = None


class HsdsOrganization(HsdsOrganizationBasic):
    funding: list[HsdsFunding] | None = None
    contacts: list[HsdsContact] | None = None
    phones: list[HsdsPhone] | None = None
    locations: list[HsdsLocation] | None = None
    programs: list[HsdsProgram] | None = None
    organization_identifiers: list[HsdsOrganizationIdentifier] | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsCostOption(HsdsObject):
    id: Id
    service_id: Id | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    option: str | None = None
    currency: str | None = None
    amount: float | None = None
    amount_description: str | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsServiceArea(HsdsObject):
    id: Id
    service_id: Id | None = None
    name: str | None = None
    description: str | None = None
    extent: str | None = None
    extent_type: str | None = None
    uri: str | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsRequiredDocument(HsdsObject):
    id: Id
    service_id: Id | None = None
    document: str | None = None
    uri: Uri | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsServiceFields(HsdsObject):
    """The one-to-one fields of a service."""

    id: Id
    organization_id: Id | None = None
    program_id: Id | None = None
    name: str
    alternate_name: str | None = None
    description: str | None = None
    url: Uri | None = None
    email: Email | None = None
    status: Literal["active", "inactive", "defunct", "temporarily closed"]
    interpretation_services: str | None = None
    application_process: str | None = None
    fees_description: str | None = None
    wait_time: str | None = None
    fees: str | None = None
    accreditations: str | None = None
    eligibility_description: str | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    assured_date: str | None = None
    assurer_email: Email | None = None
    licenses: str | None = None
    alert: str | None = None
    last_modified: DateTime | None = None


class HsdsServiceBasic(HsdsServiceFields):
    """A service in a list: its one-to-one fields and its organization."""

    organization: HsdsOrganizationBasic | None = None
    program: HsdsProgram | None = None


class HsdsServiceAtLocation(HsdsObject):
    id: Id
    service_id: Id | None = None
    location_id: Id | None = None
    description: str | None = None
    contacts: list[HsdsContact] | None = None
    phones: list[HsdsPhone] | None = None
    schedules: list[HsdsSchedule] | None = None
    location: HsdsLocation | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsService(HsdsServiceFields):
    """A service with everything nested (GET /services/{id})."""

    phones: list[HsdsPhone] | None = None
    schedules: list[HsdsSchedule] | None = None
    service_areas: list[HsdsServiceArea] | None = None
    service_at_locations: list[HsdsServiceAtLocation] | None = None
    languages: list[HsdsLanguage] | None = None
    organization: HsdsOrganization | None = None
    funding: list[HsdsFunding] | None = None
    cost_options: list[HsdsCostOption] | None = None
    program: HsdsProgram | None = None
    required_documents: list[HsdsRequiredDocument] | None = None
    contacts: list[HsdsContact] | None = None
    attributes: list[HsdsAttribute] | None = None
    metadata: list[HsdsMetadata] | None = None


class HsdsServiceAtLocationBasic(HsdsObject):
    """A service at a location in a list: its location and its service, one-to-one fields."""

    id: Id
    service_id: Id | None = None
    location_id: Id | None = None
    description: str | None = None
    location: HsdsLocationBasic | None = None
    service: HsdsServiceBasic | None = None


class HsdsServiceAtLocationFull(HsdsServiceAtLocation):
    """A service at a location with everything nested (GET /service_at_locations/{id})."""

    service: HsdsService | None = None


class HsdsOrganizationFull(HsdsOrganization):
    """An organization with its services (GET /organizations/{id})."""

    services: list[HsdsService] | None = None


class HsdsAbout(BaseModel):
    version: str
    profile: str
    openapi_url: str


class HsdsPage(BaseModel):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool


class HsdsServicePage(HsdsPage):
    contents: list[HsdsService]


class HsdsOrganizationPage(HsdsPage):
    contents: list[HsdsOrganizationFull]


class HsdsServiceAtLocationPage(HsdsPage):
    contents: list[HsdsServiceAtLocationFull]


class HsdsTaxonomyPage(HsdsPage):
    contents: list[HsdsTaxonomy]


class HsdsTaxonomyTermPage(HsdsPage):
    contents: list[HsdsTaxonomyTerm]


class HsdsProfile(BaseModel):
    """Lotsa's HSDS profile, for a partner's program to read."""

    name: str
    version: str
    hsds_version: str
    description: str
    taxonomies: list[HsdsTaxonomy]
    attributes: list[dict[str, Any]]
