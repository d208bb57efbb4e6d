"""The FHIR R4 resources and data types Lotsa writes, as pydantic models.

Only the elements Lotsa fills in, each typed: the same classes build the responses and
describe them in the OpenAPI document, so the document cannot drift from what is sent.
Every class forbids other keys. Elements are optional where Lotsa leaves them out for some
readers (a provider sees less than the link worker team); FHIR forbids empty arrays and
nulls, so responses are written without them (`dump`).

The class names carry a `Fhir` prefix because all JSON APIs share one OpenAPI document, whose
schema names must not clash (HSDS has an Organization and a Location of its own).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?$"


class FhirModel(BaseModel):
    # Built by the Python names, written by FHIR's (`serialization_alias`).
    model_config = ConfigDict(extra="forbid")


def dump(model: BaseModel) -> dict[str, Any]:
    """The JSON form of a resource: by FHIR's names, without the elements left out."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


# --- data types ---------------------------------------------------------------------------


class FhirCoding(FhirModel):
    system: str | None = None
    code: str | None = None
    display: str | None = None


class FhirCodeableConcept(FhirModel):
    coding: list[FhirCoding] | None = None
    text: str | None = None


class FhirReference(FhirModel):
    reference: str | None = None
    type: str | None = None
    display: str | None = None


class FhirPeriod(FhirModel):
    start: dt.datetime | dt.date | None = None
    end: dt.datetime | dt.date | None = None


class FhirMeta(FhirModel):
    last_updated: dt.datetime | None = Field(default=None, serialization_alias="lastUpdated")


class FhirExtension(FhirModel):
    url: str
    value_code: str | None = Field(default=None, serialization_alias="valueCode")
    value_string: str | None = Field(default=None, serialization_alias="valueString")
    value_boolean: bool | None = Field(default=None, serialization_alias="valueBoolean")
    value_decimal: float | None = Field(default=None, serialization_alias="valueDecimal")
    value_codeable_concept: FhirCodeableConcept | None = Field(
        default=None, serialization_alias="valueCodeableConcept"
    )
    extension: list[FhirExtension] | None = None


class FhirPrimitiveExtensions(FhirModel):
    """The extensions of a primitive value (`_text`, `_display`): here, its translations."""

    extension: list[FhirExtension]


class FhirAnnotation(FhirModel):
    text: str
    time: dt.datetime | None = None


class FhirHumanName(FhirModel):
    text: str | None = None
    family: str | None = None
    given: list[str] | None = None


class FhirContactPoint(FhirModel):
    system: Literal["phone", "email", "url"]
    value: str
    use: Literal["home", "work", "mobile"] | None = None


class FhirAddress(FhirModel):
    line: list[str] | None = None
    city: str | None = None
    district: str | None = None
    postal_code: str | None = Field(default=None, serialization_alias="postalCode")
    country: str | None = None


# --- the resources about a person -----------------------------------------------------------


class FhirPatientCommunication(FhirModel):
    language: FhirCodeableConcept
    preferred: bool | None = None


class FhirPatient(FhirModel):
    resource_type: Literal["Patient"] = Field(serialization_alias="resourceType")
    id: str
    meta: FhirMeta | None = None
    extension: list[FhirExtension] | None = None
    name: list[FhirHumanName] | None = None
    telecom: list[FhirContactPoint] | None = None
    gender: Literal["male", "female", "other", "unknown"] | None = None
    birth_date: dt.date | None = Field(default=None, serialization_alias="birthDate")
    communication: list[FhirPatientCommunication] | None = None


class FhirServiceRequest(FhirModel):
    resource_type: Literal["ServiceRequest"] = Field(serialization_alias="resourceType")
    id: str
    meta: FhirMeta
    status: Literal["active", "revoked", "completed"]
    intent: Literal["order"]
    category: list[FhirCodeableConcept]
    code: FhirCodeableConcept
    subject: FhirReference
    authored_on: dt.datetime = Field(serialization_alias="authoredOn")
    requester: FhirReference | None = None
    performer: list[FhirReference] | None = None
    reason_code: list[FhirCodeableConcept] | None = Field(
        default=None, serialization_alias="reasonCode"
    )
    note: list[FhirAnnotation] | None = None
    replaces: list[FhirReference] | None = None


class FhirTaskInput(FhirModel):
    type: FhirCodeableConcept
    value_string: str = Field(serialization_alias="valueString")


class FhirTask(FhirModel):
    resource_type: Literal["Task"] = Field(serialization_alias="resourceType")
    id: str
    meta: FhirMeta
    status: Literal[
        "draft",
        "requested",
        "accepted",
        "rejected",
        "cancelled",
        "in-progress",
        "on-hold",
        "failed",
        "completed",
        "entered-in-error",
    ]
    status_reason: FhirCodeableConcept | None = Field(
        default=None, serialization_alias="statusReason"
    )
    business_status: FhirCodeableConcept | None = Field(
        default=None, serialization_alias="businessStatus"
    )
    intent: Literal["order"]
    priority: Literal["routine"] | None = None
    code: FhirCodeableConcept
    focus: FhirReference | None = None
    for_: FhirReference = Field(serialization_alias="for")
    based_on: list[FhirReference] | None = Field(default=None, serialization_alias="basedOn")
    authored_on: dt.datetime = Field(serialization_alias="authoredOn")
    last_modified: dt.datetime = Field(serialization_alias="lastModified")
    requester: FhirReference | None = None
    owner: FhirReference
    execution_period: FhirPeriod | None = Field(default=None, serialization_alias="executionPeriod")
    note: list[FhirAnnotation] | None = None
    input: list[FhirTaskInput] | None = None


class FhirConsentActor(FhirModel):
    role: FhirCodeableConcept
    reference: FhirReference


class FhirConsentProvision(FhirModel):
    type: Literal["permit", "deny"]
    period: FhirPeriod
    actor: list[FhirConsentActor] | None = None
    purpose: list[FhirCoding] | None = None
    code: list[FhirCodeableConcept] | None = None


class FhirConsent(FhirModel):
    resource_type: Literal["Consent"] = Field(serialization_alias="resourceType")
    id: str
    meta: FhirMeta
    status: Literal["active", "inactive"]
    scope: FhirCodeableConcept
    category: list[FhirCodeableConcept]
    patient: FhirReference
    date_time: dt.datetime = Field(serialization_alias="dateTime")
    policy_rule: FhirCodeableConcept = Field(serialization_alias="policyRule")
    provision: FhirConsentProvision


class FhirQuestionnaireAnswerCoding(FhirModel):
    system: str
    code: str
    display: str
    display_translations: FhirPrimitiveExtensions | None = Field(
        default=None, serialization_alias="_display"
    )


class FhirQuestionnaireAnswerOption(FhirModel):
    value_coding: FhirQuestionnaireAnswerCoding = Field(serialization_alias="valueCoding")


class FhirQuestionnaireItem(FhirModel):
    link_id: str = Field(serialization_alias="linkId")
    text: str
    text_translations: FhirPrimitiveExtensions | None = Field(
        default=None, serialization_alias="_text"
    )
    type: Literal["choice"]
    required: bool
    answer_option: list[FhirQuestionnaireAnswerOption] = Field(serialization_alias="answerOption")


class FhirQuestionnaire(FhirModel):
    resource_type: Literal["Questionnaire"] = Field(serialization_alias="resourceType")
    id: str
    url: str
    name: str
    title: str
    title_translations: FhirPrimitiveExtensions | None = Field(
        default=None, serialization_alias="_title"
    )
    status: Literal["active"]
    language: str
    description: str
    description_translations: FhirPrimitiveExtensions | None = Field(
        default=None, serialization_alias="_description"
    )
    copyright: str | None = None
    item: list[FhirQuestionnaireItem]


class FhirQuestionnaireResponseAnswer(FhirModel):
    value_coding: FhirCoding = Field(serialization_alias="valueCoding")


class FhirQuestionnaireResponseItem(FhirModel):
    link_id: str = Field(serialization_alias="linkId")
    text: str | None = None
    answer: list[FhirQuestionnaireResponseAnswer]


class FhirQuestionnaireResponse(FhirModel):
    resource_type: Literal["QuestionnaireResponse"] = Field(serialization_alias="resourceType")
    id: str
    meta: FhirMeta
    extension: list[FhirExtension] | None = None
    questionnaire: str
    status: Literal["completed"]
    subject: FhirReference
    authored: dt.date
    item: list[FhirQuestionnaireResponseItem] | None = None


# --- the directory ----------------------------------------------------------------------------


class FhirPosition(FhirModel):
    latitude: float
    longitude: float


class FhirLocation(FhirModel):
    resource_type: Literal["Location"] = Field(serialization_alias="resourceType")
    id: str
    name: str | None = None
    address: FhirAddress
    position: FhirPosition


class FhirAvailableTime(FhirModel):
    days_of_week: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(
        serialization_alias="daysOfWeek"
    )
    # FHIR's time: no zone (JSON Schema's "time" format would ask for one).
    available_start_time: str = Field(serialization_alias="availableStartTime", pattern=TIME)
    available_end_time: str = Field(serialization_alias="availableEndTime", pattern=TIME)


class FhirHealthcareService(FhirModel):
    resource_type: Literal["HealthcareService"] = Field(serialization_alias="resourceType")
    id: str
    meta: FhirMeta
    contained: list[FhirLocation] | None = None
    extension: list[FhirExtension]
    active: bool
    provided_by: FhirReference = Field(serialization_alias="providedBy")
    category: list[FhirCodeableConcept] | None = None
    name: str
    extra_details: str | None = Field(default=None, serialization_alias="extraDetails")
    telecom: list[FhirContactPoint] | None = None
    location: list[FhirReference] | None = None
    available_time: list[FhirAvailableTime] | None = Field(
        default=None, serialization_alias="availableTime"
    )
    appointment_required: bool = Field(serialization_alias="appointmentRequired")


# --- the exchange itself: searches, errors, what the server can do ----------------------------


class FhirBundleLink(FhirModel):
    relation: Literal["self", "next", "previous"]
    url: str


class FhirBundleSearch(FhirModel):
    mode: Literal["match"]


class FhirIssue(FhirModel):
    severity: Literal["fatal", "error", "warning", "information"]
    code: str
    details: FhirCodeableConcept | None = None
    diagnostics: str | None = None
    expression: list[str] | None = None


class FhirOperationOutcome(FhirModel):
    resource_type: Literal["OperationOutcome"] = Field(serialization_alias="resourceType")
    issue: list[FhirIssue]


class FhirInteraction(FhirModel):
    code: Literal["read", "search-type", "update"]
    documentation: str | None = None


class FhirSearchParam(FhirModel):
    name: str
    type: Literal["number", "token", "reference", "date", "string", "uri"]
    documentation: str


class FhirCapabilityResource(FhirModel):
    type: str
    documentation: str
    interaction: list[FhirInteraction]
    update_create: bool | None = Field(default=None, serialization_alias="updateCreate")
    search_param: list[FhirSearchParam] | None = Field(
        default=None, serialization_alias="searchParam"
    )


class FhirCapabilitySecurity(FhirModel):
    description: str


class FhirCapabilityRest(FhirModel):
    mode: Literal["server"]
    documentation: str
    security: FhirCapabilitySecurity
    resource: list[FhirCapabilityResource]


class FhirSoftware(FhirModel):
    name: str


class FhirImplementation(FhirModel):
    description: str
    url: str


class FhirCapabilityStatement(FhirModel):
    resource_type: Literal["CapabilityStatement"] = Field(serialization_alias="resourceType")
    status: Literal["active"]
    date: dt.datetime
    publisher: str
    kind: Literal["instance"]
    software: FhirSoftware
    implementation: FhirImplementation
    fhir_version: str = Field(serialization_alias="fhirVersion")
    format: list[str]
    rest: list[FhirCapabilityRest]


class FhirBundle(FhirModel):
    """A page of search results (each type below names its entries' resource)."""

    resource_type: Literal["Bundle"] = Field(serialization_alias="resourceType")
    type: Literal["searchset"]
    total: int
    link: list[FhirBundleLink]


class FhirBundleEntry(FhirModel):
    full_url: str = Field(serialization_alias="fullUrl")
    search: FhirBundleSearch


class FhirPatientBundleEntry(FhirBundleEntry):
    resource: FhirPatient


class FhirPatientBundle(FhirBundle):
    entry: list[FhirPatientBundleEntry] | None = None


class FhirServiceRequestBundleEntry(FhirBundleEntry):
    resource: FhirServiceRequest


class FhirServiceRequestBundle(FhirBundle):
    entry: list[FhirServiceRequestBundleEntry] | None = None


class FhirTaskBundleEntry(FhirBundleEntry):
    resource: FhirTask


class FhirTaskBundle(FhirBundle):
    entry: list[FhirTaskBundleEntry] | None = None


class FhirConsentBundleEntry(FhirBundleEntry):
    resource: FhirConsent


class FhirConsentBundle(FhirBundle):
    entry: list[FhirConsentBundleEntry] | None = None


class FhirQuestionnaireBundleEntry(FhirBundleEntry):
    resource: FhirQuestionnaire


class FhirQuestionnaireBundle(FhirBundle):
    entry: list[FhirQuestionnaireBundleEntry] | None = None


class FhirQuestionnaireResponseBundleEntry(FhirBundleEntry):
    resource: FhirQuestionnaireResponse


class FhirQuestionnaireResponseBundle(FhirBundle):
    entry: list[FhirQuestionnaireResponseBundleEntry] | None = None


class FhirHealthcareServiceBundleEntry(FhirBundleEntry):
    resource: FhirHealthcareService


class FhirHealthcareServiceBundle(FhirBundle):
    entry: list[FhirHealthcareServiceBundleEntry] | None = None


class FhirInput(BaseModel):
    """What a client sends: FHIR allows extensions and more anywhere, Lotsa reads its part."""

    model_config = ConfigDict(extra="allow")


class FhirCodingInput(FhirInput):
    system: str | None = None
    code: str | None = None


class FhirCodeableConceptInput(FhirInput):
    coding: list[FhirCodingInput] | None = None
    text: str | None = None


class FhirPeriodInput(FhirInput):
    start: dt.datetime | dt.date | None = None
    end: dt.datetime | dt.date | None = None


class FhirTaskUpdate(FhirInput):
    """What a provider's system sends to move a Task on (the body of `PUT /fhir/Task/{id}`):
    the Task it read, with `status` (and `statusReason`, `businessStatus`,
    `executionPeriod`) changed. Other elements are the server's and are not read."""

    resource_type: Literal["Task"] = Field(validation_alias="resourceType")
    id: str | None = None
    status: str
    status_reason: FhirCodeableConceptInput | None = Field(
        default=None, validation_alias="statusReason"
    )
    business_status: FhirCodeableConceptInput | None = Field(
        None, validation_alias="businessStatus"
    )
    execution_period: FhirPeriodInput | None = Field(
        default=None, validation_alias="executionPeriod"
    )
