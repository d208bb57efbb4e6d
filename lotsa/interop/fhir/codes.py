"""The code systems and fixed codes Lotsa's FHIR resources use, in one place.

Standard systems where one fits (SNOMED CT, HL7's own, the SDOH Clinical Care IG's); Lotsa's
own codes (referral reasons, task status reasons, capacity status, shared consent fields)
under the `urn:lotsa:fhir:` namespace, the same kind of name as the API's problem types. Each
Lotsa system lists exactly the values of the model choices it comes from.
"""

from __future__ import annotations

from typing import Final

FHIR_VERSION: Final = "4.0.1"
FHIR_JSON: Final = "application/fhir+json"

SNOMED: Final = "http://snomed.info/sct"
# UK SNOMED CT (DOMAIN.md): the social prescription, and the person declining it.
REFERRAL_TO_SOCIAL_PRESCRIBING: Final = "871731000000106"
REFERRAL_TO_SOCIAL_PRESCRIBING_DISPLAY: Final = "Referral to social prescribing service"
SOCIAL_PRESCRIBING_DECLINED: Final = "871711000000103"
SOCIAL_PRESCRIBING_DECLINED_DISPLAY: Final = "Social prescribing declined"

# The SDOH Clinical Care IG's category codes: loneliness and isolation are its "social
# connection" domain; `sdoh-category-unspecified` is the category every SDOH artifact may carry.
SDOH_CATEGORY: Final = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
)
SDOH_SOCIAL_CONNECTION: Final = ("social-connection", "Social Connection")
SDOH_UNSPECIFIED: Final = ("sdoh-category-unspecified", "SDOH Category Unspecified")

TASK_CODE: Final = "http://hl7.org/fhir/CodeSystem/task-code"
CONSENT_SCOPE: Final = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY_LOINC: Final = "http://loinc.org"
PATIENT_CONSENT_LOINC: Final = ("59284-0", "Patient Consent")
ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE: Final = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
LANGUAGE: Final = "urn:ietf:bcp:47"
TRANSLATION: Final = "http://hl7.org/fhir/StructureDefinition/translation"
INTERPRETER_REQUIRED: Final = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"

LOTSA: Final = "urn:lotsa:fhir:"
REFERRAL_REASON: Final = LOTSA + "CodeSystem:referral-reason"
TASK_STATUS_REASON: Final = LOTSA + "CodeSystem:task-status-reason"
PARTICIPATION: Final = LOTSA + "CodeSystem:participation"
CAPACITY_STATUS: Final = LOTSA + "CodeSystem:capacity-status"
CONSENT_FIELD: Final = LOTSA + "CodeSystem:consent-field"
CONSENT_PURPOSE: Final = LOTSA + "CodeSystem:consent-purpose"
OFFERING_CATEGORY: Final = LOTSA + "CodeSystem:offering-category"
CAPACITY_EXTENSION: Final = LOTSA + "StructureDefinition:capacity-status"
SCORE_EXTENSION: Final = LOTSA + "StructureDefinition:assessment-score"
TASK_INPUT: Final = LOTSA + "CodeSystem:task-input"
QUESTIONNAIRE_BASE: Final = LOTSA + "Questionnaire:"

# FHIR's own value sets of the elements Lotsa writes (the tests check every resource against
# them: the R4B models check the shape, not which code).
TASK_STATUSES: Final = frozenset(
    {
        "draft",
        "requested",
        "received",
        "accepted",
        "rejected",
        "ready",
        "cancelled",
        "in-progress",
        "on-hold",
        "failed",
        "completed",
        "entered-in-error",
    }
)
SERVICE_REQUEST_STATUSES: Final = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)
CONSENT_STATES: Final = frozenset(
    {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"}
)


def questionnaire_id(code: str) -> str:
    """An instrument's Questionnaire id: its code, with FHIR's `-` for `_` (ids allow no `_`)."""
    return code.replace("_", "-")


def instrument_code(key: str) -> str:
    return key.replace("-", "_")


def questionnaire_url(code: str) -> str:
    """The canonical name of an instrument's Questionnaire: the same on every Lotsa server, so
    that answers from two municipalities are known to be to the same questions."""
    return QUESTIONNAIRE_BASE + questionnaire_id(code)
