"""The public, read-only HSDS 3.0 directory API under /api/hsds/.

The paths and parameters are those of the HSDS 3.0 reference API
(`schema/openapi.json` of the specification): `/`, `/services`, `/organizations`,
`/service_at_locations`, `/taxonomies`, `/taxonomy_terms` and their `/{id}`s, and
`/profile` for Lotsa's extra fields. Anyone may read it, from any web page (CORS is open for
GET), and it serves only what the public directory shows.

Paging: `page` counts from 1 and `per_page` is 1 to `MAX_PER_PAGE` (default
`DEFAULT_PER_PAGE`); a larger `per_page` or a `page` below 1 is refused (422), a page after
the last is an empty page (`empty: true`), as in the paged envelope HSDS takes from Spring.
Unknown ids answer 404, malformed parameters 422, both as problem details."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any, Literal
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from lotsa.directory import filters as directory_filters
from lotsa.directory import search
from lotsa.directory.models import Offering, Place, Term

from . import profile, schemas, serialise

router = Router(tags=["HSDS 3.0 directory"])

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
# Proximity is in metres; 500 km covers any one municipality's surroundings.
MAX_PROXIMITY = 500_000
PROBLEM_TYPE = "urn:lotsa:problem:"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Max-Age": "86400",
}


# --- responses ------------------------------------------------------------------------------


def _json(data: Any, status: int = 200, content_type: str = "application/json") -> HttpResponse:
    response = JsonResponse(
        data,
        status=status,
        safe=False,
        content_type=content_type,
        json_dumps_params={"ensure_ascii": False},
    )
    for header, value in CORS.items():
        response[header] = value
    return response


def _problem(status: int, code: str, title: str, detail: str) -> HttpResponse:
    body = {"type": PROBLEM_TYPE + code, "title": title, "status": status, "detail": detail}
    return _json(body, status=status, content_type="application/problem+json")


def _not_found() -> HttpResponse:
    return _problem(404, "not-found", _("Not found"), _("There is nothing at this address."))


def _invalid(detail: str) -> HttpResponse:
    return _problem(422, "invalid-request", _("Invalid request"), detail)


def _page(
    rows: Sequence[Any] | QuerySet[Any],
    paging: Paging,
    serialise_row: Callable[[Any], serialise.Json],
    *,
    total: int | None = None,
) -> HttpResponse:
    """The paged envelope of HSDS: a page after the last is empty, not an error."""
    total = (rows.count() if isinstance(rows, QuerySet) else len(rows)) if total is None else total
    total_pages = math.ceil(total / paging.per_page)
    contents: list[serialise.Json] = []
    if paging.page <= total_pages:
        start = (paging.page - 1) * paging.per_page
        contents = [serialise_row(row) for row in rows[start : start + paging.per_page]]
    return _json(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": paging.page,
            "size": len(contents),
            "first_page": paging.page == 1,
            "last_page": paging.page >= total_pages,
            "empty": not contents,
            "contents": contents,
        }
    )


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


# --- parameters -----------------------------------------------------------------------------


def _clean(value: str | None) -> str:
    # PostgreSQL refuses NUL in text: a parameter carrying one must not reach a query.
    return (value or "").replace("\x00", "").strip()


class Paging(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1. After the last: an empty page.")
    per_page: int = Field(
        DEFAULT_PER_PAGE,
        ge=1,
        le=MAX_PER_PAGE,
        description=f"Items per page, 1 to {MAX_PER_PAGE}; more is refused (422).",
    )
    format: Literal["json"] | None = Field(
        None, description="Only json: Lotsa does not stream ndjson."
    )


class Search(Paging):
    search: str | None = Field(None, max_length=200, description="Full-text search.")


class ServiceFilters(Search):
    taxonomy_term_id: UUID | None = Field(
        None, description="Only services with this taxonomy term."
    )
    taxonomy_id: UUID | None = Field(
        None, description="Only services with a term of this taxonomy."
    )
    organization_id: UUID | None = Field(
        None, description="Only the services of this organization."
    )
    modified_after: dt.datetime | None = Field(
        None, description="Only services changed at or after this time (ISO 8601)."
    )
    full: bool = Field(False, description="true: every service fully nested.")
    minimal: bool = Field(
        False, description="true: only id, name, status and last_modified of each service."
    )


class PlaceFilters(ServiceFilters):
    postcode: str | None = Field(
        None,
        max_length=10,
        description=(
            "A Swedish (5 digits) or Danish (4 digits) postcode. Alone: places with that "
            "postcode; with proximity: places within that distance of its centre."
        ),
    )
    proximity: float | None = Field(
        None,
        ge=0,
        le=MAX_PROXIMITY,
        description="Metres from the centre of `postcode`.",
    )


class OrganizationFilters(Search):
    full: bool = Field(False, description="true: identifiers and attributes too.")
    full_service: bool = Field(False, description="Not used in lists (see /organizations/{id}).")


class TermFilters(Search):
    taxonomy_id: UUID | None = Field(None, description="Only the terms of this taxonomy.")
    top_only: bool = Field(False, description="Lotsa's terms have no parents: all are top.")
    parent_id: UUID | None = Field(None, description="Lotsa's terms have no children.")


class OrganizationOptions(Schema):
    full_service: bool = Field(False, description="true: the services fully nested.")


# --- CORS -----------------------------------------------------------------------------------


def preflight(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status=204)
    for header, value in CORS.items():
        response[header] = value
    response["Access-Control-Allow-Headers"] = (
        _clean(request.headers.get("Access-Control-Request-Headers"))[:200]
        or "Accept, Accept-Language"
    )
    return response


def preflight_item(request: HttpRequest, id: str) -> HttpResponse:
    return preflight(request)


View = Callable[..., HttpResponse]


def _get(path: str, url_name: str, response: Any, summary: str) -> Callable[[View], View]:
    """A GET operation of the API, and the OPTIONS preflight of its path (not documented)."""

    def decorator(view: View) -> View:
        answer = preflight_item if "{id}" in path else preflight
        router.api_operation(["OPTIONS"], path, url_name=url_name, include_in_schema=False)(answer)
        return router.get(path, url_name=url_name, response=response, summary=summary)(view)

    return decorator


# --- about ----------------------------------------------------------------------------------


@_get("/", "hsds-about", schemas.HsdsAbout, "About this API and its relation to HSDS")
def about(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "version": profile.HSDS_VERSION,
            "profile": request.build_absolute_uri(reverse("api:hsds-profile")),
            "openapi_url": request.build_absolute_uri(reverse("api:openapi-json")),
        }
    )


@_get("/profile", "hsds-profile", schemas.HsdsProfile, "Lotsa's HSDS profile")
def lotsa_profile(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "name": str(profile.PROFILE_TAXONOMY.name),
            "version": profile.PROFILE_VERSION,
            "hsds_version": profile.HSDS_VERSION,
            "description": str(profile.PROFILE_TAXONOMY.description),
            "taxonomies": serialise.taxonomies(),
            "attributes": [
                {**serialise.profile_term(term), "link_entity": term.link_entity}
                for term in profile.PROFILE_TERMS
            ],
        }
    )


# --- services -------------------------------------------------------------------------------


def _filtered(offerings: QuerySet[Offering], filters: ServiceFilters) -> QuerySet[Offering]:
    if filters.organization_id is not None:
        offerings = offerings.filter(organization__uuid=filters.organization_id)
    if filters.modified_after is not None:
        moment = filters.modified_after
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, dt.UTC)
        offerings = offerings.filter(updated_at__gte=moment)
    if filters.taxonomy_term_id is not None:
        offerings = offerings.filter(_has_term(filters.taxonomy_term_id))
    if filters.taxonomy_id is not None:
        offerings = offerings.filter(_has_taxonomy(filters.taxonomy_id))
    words = _clean(filters.search)
    if words:
        offerings = search.apply(offerings, words)
    return offerings


def _term_exists(field: str, **condition: Any) -> Exists:
    through = getattr(Offering, field).through
    return Exists(through.objects.filter(offering_id=OuterRef("pk"), **condition))


def _has_term(term_id: UUID) -> Q | Exists:
    term = profile.PROFILE_TERMS_BY_ID.get(term_id)
    if term is not None:
        if term == profile.ONLINE:
            return Q(is_online=True)
        if term == profile.SERVICE_CAPACITY:
            return Q(capacity__isnull=False)
        return Q()  # every service carries the other attributes of the profile
    found = Term.objects.filter(uuid=term_id).values_list("vocabulary", "pk").first()
    if found is None:
        return Q(pk__in=[])
    vocabulary, pk = found
    return _term_exists(serialise.TERM_FIELDS[vocabulary], term_id=pk)


def _has_taxonomy(taxonomy_id: UUID) -> Q | Exists:
    if taxonomy_id == profile.PROFILE_TAXONOMY.id:
        return Q()
    vocabulary = profile.TAXONOMY_VOCABULARIES.get(taxonomy_id)
    if vocabulary is None:
        return Q(pk__in=[])
    return _term_exists(serialise.TERM_FIELDS[vocabulary])


def _ordered(offerings: QuerySet[Offering], filters: Search) -> QuerySet[Offering]:
    # search.apply orders by rank; without words, by name as the directory does.
    return offerings if _clean(filters.search) else offerings.order_by("name", "pk")


def _minimal(offering: Offering) -> serialise.Json:
    return {
        "id": str(offering.uuid),
        "name": offering.name,
        "status": serialise.STATUSES[Offering.Status(offering.status)],
        "last_modified": offering.updated_at.isoformat(),
    }


@_get("/services", "hsds-services", schemas.HsdsServicePage, "Services, one page")
def list_services(request: HttpRequest, filters: Query[ServiceFilters]) -> HttpResponse:
    offerings = _ordered(_filtered(serialise.public_offerings(), filters), filters)
    if filters.minimal:
        return _page(offerings, filters, _minimal)
    if filters.full:
        return _page(serialise.with_everything(offerings), filters, serialise.service_full)
    return _page(offerings, filters, serialise.service_basic)


@_get("/services/{id}", "hsds-service", schemas.HsdsService, "One service, fully nested")
def get_service(request: HttpRequest, id: str) -> HttpResponse:
    key = _uuid_or_none(id)
    offering = (
        serialise.with_everything(serialise.public_offerings()).filter(uuid=key).first()
        if key
        else None
    )
    if offering is None:
        return _not_found()
    return _json(serialise.service_full(offering))


# --- organizations --------------------------------------------------------------------------


@_get(
    "/organizations", "hsds-organizations", schemas.HsdsOrganizationPage, "Organizations, one page"
)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilters]) -> HttpResponse:
    organizations = serialise.public_organizations().order_by("name", "pk")
    words = _clean(filters.search)
    if words:
        organizations = organizations.filter(name__icontains=words)
    row = serialise.organization_nested if filters.full else serialise.organization_basic
    return _page(organizations, filters, row)


@_get(
    "/organizations/{id}",
    "hsds-organization",
    schemas.HsdsOrganizationFull,
    "One organization with its services",
)
def get_organization(
    request: HttpRequest, id: str, options: Query[OrganizationOptions]
) -> HttpResponse:
    key = _uuid_or_none(id)
    organization = serialise.public_organizations().filter(uuid=key).first() if key else None
    if organization is None:
        return _not_found()
    offerings = serialise.public_offerings().filter(organization=organization)
    offerings = offerings.order_by("name", "pk")
    if options.full_service:
        offerings = serialise.with_everything(offerings)
    return _json(
        serialise.organization_full(
            organization, list(offerings), full_services=options.full_service
        )
    )


# --- services at locations ------------------------------------------------------------------


def _places(filters: PlaceFilters) -> QuerySet[Place] | HttpResponse:
    offerings = _filtered(Offering.objects.public(), filters)
    places = serialise.public_places().filter(offering__in=offerings.values("pk"))
    postcode = _clean(filters.postcode)
    if filters.proximity is not None and not postcode:
        return _invalid(_("proximity needs a postcode."))
    if postcode:
        if not directory_filters.is_postcode(postcode):
            return _invalid(_("postcode must be a Swedish (5 digits) or Danish (4 digits) one."))
        if filters.proximity is None:
            digits = "".join(c for c in postcode if c.isdigit())
            spelled = {digits, f"{digits[:3]} {digits[3:]}"} if len(digits) == 5 else {digits}
            places = places.filter(postcode__in=spelled)
        else:
            origin = directory_filters.postcode_origin(postcode)
            if origin is None:
                return places.none()
            within = directory_filters.places_within(origin, filters.proximity / 1000)
            places = places.filter(pk__in=within.values("pk"))
    return places.order_by("offering__name", "pk")


@_get(
    "/service_at_locations",
    "hsds-service-at-locations",
    schemas.HsdsServiceAtLocationPage,
    "Services at locations, one page",
)
def list_service_at_locations(request: HttpRequest, filters: Query[PlaceFilters]) -> HttpResponse:
    places = _places(filters)
    if isinstance(places, HttpResponse):
        return places
    if filters.full:
        places = places.prefetch_related("offering__schedules")
        return _page(places, filters, serialise.service_at_location_full)
    return _page(places, filters, serialise.service_at_location_basic)


@_get(
    "/service_at_locations/{id}",
    "hsds-service-at-location",
    schemas.HsdsServiceAtLocationFull,
    "One service at a location, fully nested",
)
def get_service_at_location(request: HttpRequest, id: str) -> HttpResponse:
    key = _uuid_or_none(id)
    place = (
        serialise.public_places()
        .prefetch_related("offering__schedules")
        .filter(service_at_location_uuid=key)
        .first()
        if key
        else None
    )
    if place is None:
        return _not_found()
    return _json(serialise.service_at_location_full(place))


# --- taxonomies -----------------------------------------------------------------------------


def _matches(words: str, *texts: str) -> bool:
    folded = words.casefold()
    return any(folded in text.casefold() for text in texts)


@_get("/taxonomies", "hsds-taxonomies", schemas.HsdsTaxonomyPage, "Taxonomies, one page")
def list_taxonomies(request: HttpRequest, filters: Query[Search]) -> HttpResponse:
    rows = serialise.taxonomies()
    words = _clean(filters.search)
    if words:
        rows = [row for row in rows if _matches(words, row["name"], row["description"])]
    return _page(rows, filters, lambda row: row)


@_get("/taxonomies/{id}", "hsds-taxonomy", schemas.HsdsTaxonomy, "One taxonomy")
def get_taxonomy(request: HttpRequest, id: str) -> HttpResponse:
    found = [row for row in serialise.taxonomies() if row["id"] == id.lower()]
    return _json(found[0]) if found else _not_found()


def _all_terms() -> list[serialise.Json]:
    terms = [
        serialise.taxonomy_term(term)
        for term in Term.objects.order_by("vocabulary", "position", "code")
    ]
    return terms + [serialise.profile_term(term) for term in profile.PROFILE_TERMS]


@_get(
    "/taxonomy_terms",
    "hsds-taxonomy-terms",
    schemas.HsdsTaxonomyTermPage,
    "Taxonomy terms, one page",
)
def list_taxonomy_terms(request: HttpRequest, filters: Query[TermFilters]) -> HttpResponse:
    if filters.parent_id is not None:
        return _page([], filters, lambda row: row)
    rows = _all_terms()
    if filters.taxonomy_id is not None:
        rows = [row for row in rows if row["taxonomy_id"] == str(filters.taxonomy_id)]
    words = _clean(filters.search)
    if words:
        rows = [
            row for row in rows if _matches(words, row["code"], row["name"], row["description"])
        ]
    return _page(rows, filters, lambda row: row)


@_get("/taxonomy_terms/{id}", "hsds-taxonomy-term", schemas.HsdsTaxonomyTerm, "One taxonomy term")
def get_taxonomy_term(request: HttpRequest, id: str) -> HttpResponse:
    key = _uuid_or_none(id)
    if key is None:
        return _not_found()
    found = profile.PROFILE_TERMS_BY_ID.get(key)
    if found is not None:
        return _json(serialise.profile_term(found))
    term = Term.objects.filter(uuid=key).first()
    return _json(serialise.taxonomy_term(term)) if term else _not_found()
