"""The CapabilityStatement at /fhir/metadata: what Lotsa's FHIR server does, for whom."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from . import codes
from .resources import (
    FhirCapabilityResource,
    FhirCapabilityRest,
    FhirCapabilitySecurity,
    FhirCapabilityStatement,
    FhirImplementation,
    FhirInteraction,
    FhirSearchParam,
    FhirSoftware,
    dump,
)

# When this statement last changed (FHIR: the date the capability was published).
PUBLISHED = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)

READ = FhirInteraction(code="read")
SEARCH = FhirInteraction(code="search-type")
PAGING = [
    FhirSearchParam(name="_count", type="number", documentation="Results per page, 0–100 (20)."),
    FhirSearchParam(name="_offset", type="number", documentation="Results to skip (paging)."),
]
PATIENT = FhirSearchParam(
    name="patient", type="reference", documentation="Patient/<id>, or the id alone."
)


def _date(name: str, what: str) -> FhirSearchParam:
    return FhirSearchParam(
        name=name, type="date", documentation=f"{what}; prefixes eq, ne, lt, le, gt, ge."
    )


def _id() -> FhirSearchParam:
    return FhirSearchParam(name="_id", type="token", documentation="The resource's id.")


RESOURCES = [
    FhirCapabilityResource(
        type="Patient",
        documentation=(
            "The person, minimal. A provider is shown only what the person consented to "
            "share with it (name, phone, e-mail, language); the link worker team and the "
            "referring unit their name, birth date, sex, contact details and language."
        ),
        interaction=[READ, SEARCH],
        search_param=[_id(), _date("_lastUpdated", "When the person was last changed"), *PAGING],
    ),
    FhirCapabilityResource(
        type="ServiceRequest",
        documentation=(
            "The social prescription: a referral to a link worker team. Seen by the team's "
            "organisation and by the health centre whose clinician made it."
        ),
        interaction=[READ, SEARCH],
        search_param=[
            _id(),
            FhirSearchParam(
                name="status", type="token", documentation="active, completed or revoked."
            ),
            PATIENT,
            _date("authored", "When the referral was made"),
            _date("_lastUpdated", "When it last changed (triage, first contact, closing)"),
            *PAGING,
        ],
    ),
    FhirCapabilityResource(
        type="Task",
        documentation=(
            "A referral of a person to an activity, with the SDOH Clinical Care referral "
            "statuses and statusReason. The provider's system answers it with PUT: "
            "accepted; rejected (provider_declined with a text, or no_capacity); on-hold "
            "(waitlisted, or needs_information with a text); in-progress; completed; "
            "cancelled before the person started. Needs the referrals:write scope."
        ),
        interaction=[READ, SEARCH, FhirInteraction(code="update")],
        update_create=False,
        search_param=[
            _id(),
            FhirSearchParam(
                name="status",
                type="token",
                documentation="requested, accepted, rejected, on-hold, in-progress, …",
            ),
            PATIENT,
            FhirSearchParam(
                name="owner", type="reference", documentation="HealthcareService/<id>."
            ),
            FhirSearchParam(
                name="based-on", type="reference", documentation="ServiceRequest/<id>."
            ),
            _date("_lastUpdated", "When the Task last changed"),
            *PAGING,
        ],
    ),
    FhirCapabilityResource(
        type="Consent",
        documentation=(
            "What the person agreed to, with whom, which details, and whether it stands. A "
            "provider sees the consent to itself behind each referral it may see."
        ),
        interaction=[READ, SEARCH],
        search_param=[
            _id(),
            FhirSearchParam(name="status", type="token", documentation="active or inactive."),
            PATIENT,
            *PAGING,
        ],
    ),
    FhirCapabilityResource(
        type="Questionnaire",
        documentation=(
            "The outcome instruments (UCLA-3, ONS loneliness, ONS4, SWEMWBS, WHO-5, De Jong "
            "Gierveld 6) in Swedish, with their Danish and English wording as translations."
        ),
        interaction=[READ, SEARCH],
        search_param=[
            _id(),
            FhirSearchParam(name="url", type="uri", documentation="The canonical url."),
            FhirSearchParam(name="name", type="string", documentation="The name, e.g. UCLA3."),
            *PAGING,
        ],
    ),
    FhirCapabilityResource(
        type="QuestionnaireResponse",
        documentation=(
            "An assessment: the raw answers and every scale's score (extension "
            f"{codes.SCORE_EXTENSION}). For the link worker team's organisation only."
        ),
        interaction=[READ, SEARCH],
        search_param=[
            _id(),
            PATIENT,
            FhirSearchParam(
                name="questionnaire", type="reference", documentation="Canonical url or code."
            ),
            _date("authored", "When it was answered"),
            _date("_lastUpdated", "When it was recorded"),
            *PAGING,
        ],
    ),
    FhirCapabilityResource(
        type="HealthcareService",
        documentation=(
            "An offering of the directory, with its capacity status (extension "
            f"{codes.CAPACITY_EXTENSION}: capacity, no-capacity, waitlist). Needs the "
            "directory:read scope."
        ),
        interaction=[READ, SEARCH],
        search_param=[
            _id(),
            FhirSearchParam(name="active", type="token", documentation="true or false."),
            FhirSearchParam(name="name", type="string", documentation="Part of the name."),
            FhirSearchParam(
                name="capacity-status",
                type="token",
                documentation="capacity, no-capacity or waitlist.",
            ),
            _date("_lastUpdated", "When the listing last changed"),
            *PAGING,
        ],
    ),
]


def capability_statement() -> dict[str, Any]:
    base = settings.SITE_URL.rstrip("/")
    return dump(
        FhirCapabilityStatement(
            resource_type="CapabilityStatement",
            status="active",
            date=PUBLISHED,
            publisher="Lotsa",
            kind="instance",
            software=FhirSoftware(name="Lotsa"),
            implementation=FhirImplementation(
                description="Lotsa's referral exchange for social prescribing",
                url=f"{base}/fhir",
            ),
            fhir_version=codes.FHIR_VERSION,
            format=["json"],
            rest=[
                FhirCapabilityRest(
                    mode="server",
                    documentation=(
                        "Every resource but this statement needs an organisation's API key. "
                        "What a key reads follows who the organisation is to the person: the "
                        "link worker team, a provider (only what the person shares with it), "
                        "or the referring health centre. Every read is in the access log."
                    ),
                    security=FhirCapabilitySecurity(
                        description=(
                            "Authorization: Bearer <API key>. Scopes: referrals:read (people, "
                            "referrals, consents, assessments), referrals:write (Task "
                            "updates), directory:read (HealthcareService); the instruments "
                            "(Questionnaire) for any valid key."
                        )
                    ),
                    resource=RESOURCES,
                )
            ],
        )
    )
