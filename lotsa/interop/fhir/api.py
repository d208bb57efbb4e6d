"""The FHIR R4 referral exchange under /fhir/: read and search for organisations' systems,
and Task updates from a provider's system.

Each view first authenticates the key (ninja's `auth`, with the scope the resource needs),
then fetches through `access` (which narrows to what the key's organisation may see, checks
the row and writes the audit event), then writes the resource with `build`. Refusals are
OperationOutcomes (`errors.FhirError`, and the API's exception handlers for the rest).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from django.db.models import F, Model, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from lotsa.accounts.api import ApiKeyAuth
from lotsa.accounts.models import ApiKey
from lotsa.directory.models import Offering
from lotsa.outcomes import instruments
from lotsa.outcomes.models import Assessment
from lotsa.referrals.models import ActivityReferral, Referral

from . import access, build, codes, search
from .access import Client, Relation
from .capability import capability_statement
from .errors import FhirError, fhir_response, outcome
from .resources import (
    FhirCapabilityStatement,
    FhirConsent,
    FhirConsentBundle,
    FhirHealthcareService,
    FhirHealthcareServiceBundle,
    FhirOperationOutcome,
    FhirPatient,
    FhirPatientBundle,
    FhirQuestionnaire,
    FhirQuestionnaireBundle,
    FhirQuestionnaireResponse,
    FhirQuestionnaireResponseBundle,
    FhirServiceRequest,
    FhirServiceRequestBundle,
    FhirTask,
    FhirTaskBundle,
)
from .updates import MEDIA_TYPES, apply_change, read_change

M = TypeVar("M", bound=Model)

router = Router(tags=["FHIR R4"], by_alias=True)

Scope = ApiKey.Scope
REFERRALS_READ = ApiKeyAuth(Scope.REFERRALS_READ)
REFERRALS_WRITE = ApiKeyAuth(Scope.REFERRALS_WRITE)
DIRECTORY_READ = ApiKeyAuth(Scope.DIRECTORY_READ)
ANY_KEY = ApiKeyAuth(None)

Outcome = FhirOperationOutcome
KEYED: dict[int, Any] = {400: Outcome, 401: Outcome, 403: Outcome}
READ_ERRORS: dict[int, Any] = {**KEYED, 404: Outcome}

# The search parameters every type shares (FHIR's names, so aliases).
Id = Annotated[str | None, Query(alias="_id", description="The resource's id.")]
Count = Annotated[
    int,
    Query(
        alias="_count",
        ge=0,
        le=search.MAX_COUNT,
        description=f"Results per page (0: only the total; at most {search.MAX_COUNT}).",
    ),
]
Offset = Annotated[
    int,
    Query(alias="_offset", ge=0, le=search.MAX_OFFSET, description="Results to skip."),
]
LastUpdated = Annotated[
    list[str] | None,
    Query(
        alias="_lastUpdated",
        description="When it last changed, e.g. ge2026-11-01 (eq, ne, lt, le, gt, ge); repeat "
        "for a range.",
    ),
]
Patient = Annotated[
    str | None, Query(description="Patient/<id>, the id alone, or several, comma-separated.")
]
Status = Annotated[str | None, Query(description="One or more codes, comma-separated.")]


def _ids(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _page(
    request: HttpRequest,
    client: Client | None,
    rows: QuerySet[M] | Sequence[Any],
    what: str,
    count: int,
    offset: int,
    show: Callable[[list[Any]], list[dict[str, Any]]],
) -> HttpResponse:
    def record(shown: list[Any]) -> None:
        if client is not None:
            access.record_search(request, client, shown, what)

    return fhir_response(
        search.page(request, rows, count=count, offset=offset, render=show, record=record)
    )


# --- metadata ------------------------------------------------------------------------------


@router.get(
    "metadata",
    response={200: FhirCapabilityStatement, 400: Outcome},
    auth=None,
    url_name="fhir-metadata",
    summary="What this FHIR server does (public)",
)
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(capability_statement())


# --- Patient ------------------------------------------------------------------------------


def _patients(client: Client, people: list[Any]) -> list[dict[str, Any]]:
    relations = access.person_relations(client, people)
    return [
        build.patient(
            person,
            relations[person.pk],
            access.provider_details(client, person)
            if relations[person.pk] is Relation.PROVIDER
            else None,
        )
        for person in people
    ]


@router.get(
    "Patient/{id}",
    response={200: FhirPatient, **READ_ERRORS},
    auth=REFERRALS_READ,
    url_name="fhir-patient-read",
    summary="Read a Patient",
)
def read_patient(request: HttpRequest, id: str) -> HttpResponse:
    client = access.client_of(request)
    person = access.get(request, client, access.people(client), id, "Patient")
    relation = access.person_relation(client, person)
    if relation is None:
        raise access.refuse(request, client, person, "Patient")
    access.record_read(request, client, person, "Patient")
    shared = access.provider_details(client, person) if relation is Relation.PROVIDER else None
    return fhir_response(build.patient(person, relation, shared))


@router.get(
    "Patient",
    response={200: FhirPatientBundle, **KEYED},
    auth=REFERRALS_READ,
    url_name="fhir-patient-search",
    summary="Search Patients",
)
def search_patients(
    request: HttpRequest,
    ids: Id = None,
    last_updated: LastUpdated = None,
    count: Count = search.DEFAULT_COUNT,
    offset: Offset = 0,
) -> HttpResponse:
    client = access.client_of(request)
    rows = access.people(client).filter(search.dates(last_updated, "updated_at", "_lastUpdated"))
    if ids is not None:
        rows = rows.filter(uuid__in=search.references(ids, "Patient", "_id"))
    rows = rows.order_by("-updated_at", "-pk")
    return _page(
        request,
        client,
        rows,
        "Patient",
        count,
        offset,
        lambda people: _patients(client, people),
    )


# --- ServiceRequest -------------------------------------------------------------------------


def _service_requests(client: Client, referrals: list[Referral]) -> list[dict[str, Any]]:
    shown = []
    for referral in referrals:
        relation = access.referral_relation(client, referral)
        if relation is None:  # pragma: no cover - the query holds only related rows
            continue
        shown.append(build.service_request(referral, relation, access.replaces(client, referral)))
    return shown


@router.get(
    "ServiceRequest/{id}",
    response={200: FhirServiceRequest, **READ_ERRORS},
    auth=REFERRALS_READ,
    url_name="fhir-service-request-read",
    summary="Read a ServiceRequest (a referral to a link worker team)",
)
def read_service_request(request: HttpRequest, id: str) -> HttpResponse:
    client = access.client_of(request)
    referral = access.get(request, client, access.service_requests(client), id, "ServiceRequest")
    relation = access.referral_relation(client, referral)
    if relation is None:
        raise access.refuse(request, client, referral, "ServiceRequest")
    access.record_read(request, client, referral, "ServiceRequest")
    return fhir_response(
        build.service_request(referral, relation, access.replaces(client, referral))
    )


SERVICE_REQUEST_STATUS = {
    "active": Q(status=Referral.Status.NEW)
    | Q(status=Referral.Status.ACCEPTED, case__closed_at__isnull=True),
    "completed": Q(status=Referral.Status.ACCEPTED, case__closed_at__isnull=False),
    "revoked": Q(status__in=(Referral.Status.DECLINED, Referral.Status.FORWARDED)),
}


@router.get(
    "ServiceRequest",
    response={200: FhirServiceRequestBundle, **KEYED},
    auth=REFERRALS_READ,
    url_name="fhir-service-request-search",
    summary="Search ServiceRequests",
)
def search_service_requests(
    request: HttpRequest,
    ids: Id = None,
    status: Annotated[str | None, Query(description="active, completed or revoked.")] = None,
    patient: Patient = None,
    authored: Annotated[
        list[str] | None, Query(description="When the referral was made, e.g. ge2026-11-01.")
    ] = None,
    last_updated: LastUpdated = None,
    count: Count = search.DEFAULT_COUNT,
    offset: Offset = 0,
) -> HttpResponse:
    client = access.client_of(request)
    rows = access.service_requests(client).annotate(
        last_updated=Greatest(
            "created_at",
            Coalesce("triaged_at", "created_at"),
            Coalesce("first_contact_at", "created_at"),
            Coalesce("case__closed_at", "created_at"),
        )
    )
    if status is not None:
        wanted = Q(pk__in=[])
        for code in search.tokens(status):
            wanted |= SERVICE_REQUEST_STATUS.get(code, Q(pk__in=[]))
        rows = rows.filter(wanted)
    if patient is not None:
        rows = rows.filter(person__uuid__in=search.references(patient, "Patient", "patient"))
    if ids is not None:
        rows = rows.filter(uuid__in=search.references(ids, "ServiceRequest", "_id"))
    rows = rows.filter(
        search.dates(authored, "created_at", "authored"),
        search.dates(last_updated, "last_updated", "_lastUpdated"),
    ).order_by("-created_at", "-pk")
    return _page(
        request,
        client,
        rows,
        "ServiceRequest",
        count,
        offset,
        lambda referrals: _service_requests(client, referrals),
    )


# --- Task -----------------------------------------------------------------------------------


def _tasks(client: Client, rows: list[ActivityReferral]) -> list[dict[str, Any]]:
    return [build.task(row, access.task_relation(client, row, checked=True)) for row in rows]


def _read_task(request: HttpRequest, client: Client, key: str) -> tuple[ActivityReferral, Relation]:
    found = access.get(request, client, access.tasks(client), key, "Task")
    relation = access.task_relation(client, found)
    if relation is None:
        raise access.refuse(request, client, found, "Task")
    access.record_read(request, client, found, "Task")
    return found, relation


@router.get(
    "Task/{id}",
    response={200: FhirTask, **READ_ERRORS},
    auth=REFERRALS_READ,
    url_name="fhir-task-read",
    summary="Read a Task (a referral to an activity)",
)
def read_task(request: HttpRequest, id: str) -> HttpResponse:
    client = access.client_of(request)
    found, relation = _read_task(request, client, id)
    return fhir_response(build.task(found, relation))


TASK_BODY = {
    "required": True,
    "description": (
        "The Task as read, with `status` (and `statusReason`, `businessStatus`, "
        "`executionPeriod`) changed; other elements are not read."
    ),
    "content": {
        media_type: {"schema": {"$ref": "#/components/schemas/FhirTaskUpdate"}}
        for media_type in MEDIA_TYPES
    },
}


@router.put(
    "Task/{id}",
    response={200: FhirTask, **READ_ERRORS, 409: Outcome, 415: Outcome, 422: Outcome},
    auth=REFERRALS_WRITE,
    url_name="fhir-task-update",
    summary="Answer a Task: accept, reject, waiting list, started, completed",
    description=(
        "The provider's system moves the Task on, through the same state machine as the web "
        "page: accepted; rejected with statusReason provider_declined (and a text) or "
        "no_capacity; on-hold with waitlisted or needs_information (and a text); in-progress "
        "(businessStatus started or attending); completed; cancelled before the person "
        "started. A move the state machine refuses is 409."
    ),
    openapi_extra={"requestBody": TASK_BODY},
)
def update_task(request: HttpRequest, id: str) -> HttpResponse:
    client = access.client_of(request)
    change = read_change(request.body, request.headers.get("Content-Type", ""), id)
    found, relation = _read_task(request, client, id)
    if relation is not Relation.PROVIDER:
        raise FhirError(
            403,
            "Only the provider of the activity answers its Task.",
            code="forbidden",
        )
    apply_change(found, change)
    updated = access.get(request, client, access.tasks(client), id, "Task")
    return fhir_response(build.task(updated, relation))


@router.get(
    "Task",
    response={200: FhirTaskBundle, **KEYED},
    auth=REFERRALS_READ,
    url_name="fhir-task-search",
    summary="Search Tasks",
)
def search_tasks(
    request: HttpRequest,
    ids: Id = None,
    status: Status = None,
    patient: Patient = None,
    owner: Annotated[
        str | None, Query(description="HealthcareService/<id>: the activity referred to.")
    ] = None,
    based_on: Annotated[
        str | None,
        Query(alias="based-on", description="ServiceRequest/<id>: the referral to the team."),
    ] = None,
    last_updated: LastUpdated = None,
    count: Count = search.DEFAULT_COUNT,
    offset: Offset = 0,
) -> HttpResponse:
    client = access.client_of(request)
    rows = access.tasks(client)
    if status is not None:
        rows = rows.filter(status__in=search.tokens(status))
    if patient is not None:
        rows = rows.filter(case__person__uuid__in=search.references(patient, "Patient", "patient"))
    if owner is not None:
        rows = rows.filter(
            offering__uuid__in=search.references(owner, "HealthcareService", "owner")
        )
    if based_on is not None:
        referrals = search.references(based_on, "ServiceRequest", "based-on")
        rows = rows.filter(case__referral__uuid__in=referrals)
    if ids is not None:
        rows = rows.filter(uuid__in=search.references(ids, "Task", "_id"))
    rows = rows.filter(search.dates(last_updated, "last_updated", "_lastUpdated")).order_by(
        "-created_at", "-pk"
    )
    return _page(request, client, rows, "Task", count, offset, lambda found: _tasks(client, found))


# --- Consent -------------------------------------------------------------------------------


@router.get(
    "Consent/{id}",
    response={200: FhirConsent, **READ_ERRORS},
    auth=REFERRALS_READ,
    url_name="fhir-consent-read",
    summary="Read a Consent",
)
def read_consent(request: HttpRequest, id: str) -> HttpResponse:
    client = access.client_of(request)
    found = access.get(request, client, access.consents(client), id, "Consent", field="pk")
    access.record_read(request, client, found, "Consent")
    return fhir_response(build.consent(found))


@router.get(
    "Consent",
    response={200: FhirConsentBundle, **KEYED},
    auth=REFERRALS_READ,
    url_name="fhir-consent-search",
    summary="Search Consents",
)
def search_consents(
    request: HttpRequest,
    ids: Id = None,
    status: Annotated[str | None, Query(description="active or inactive.")] = None,
    patient: Patient = None,
    count: Count = search.DEFAULT_COUNT,
    offset: Offset = 0,
) -> HttpResponse:
    client = access.client_of(request)
    rows = access.consents(client)
    if status is not None:
        codes_ = search.tokens(status)
        wanted = Q(pk__in=[])
        if "active" in codes_:
            wanted |= Q(withdrawn_at__isnull=True)
        if "inactive" in codes_:
            wanted |= Q(withdrawn_at__isnull=False)
        rows = rows.filter(wanted)
    if patient is not None:
        rows = rows.filter(person__uuid__in=search.references(patient, "Patient", "patient"))
    if ids is not None:
        keys = [int(key) for key in _ids(ids) if key.isascii() and key.isdigit() and len(key) <= 18]
        rows = rows.filter(pk__in=keys)
    rows = rows.order_by("-given_at", "-pk")
    return _page(
        request,
        client,
        rows,
        "Consent",
        count,
        offset,
        lambda consents: [build.consent(consent) for consent in consents],
    )


# --- Questionnaire -------------------------------------------------------------------------


@router.get(
    "Questionnaire/{id}",
    response={200: FhirQuestionnaire, **READ_ERRORS},
    auth=ANY_KEY,
    url_name="fhir-questionnaire-read",
    summary="Read a Questionnaire (an outcome instrument)",
)
def read_questionnaire(request: HttpRequest, id: str) -> HttpResponse:
    code = codes.instrument_code(id)
    if code not in instruments.INSTRUMENTS or codes.questionnaire_id(code) != id:
        raise FhirError(404, "No Questionnaire with this id.", code="not-found")
    return fhir_response(build.questionnaire(instruments.get(code)))


@router.get(
    "Questionnaire",
    response={200: FhirQuestionnaireBundle, **KEYED},
    auth=ANY_KEY,
    url_name="fhir-questionnaire-search",
    summary="Search Questionnaires",
)
def search_questionnaires(
    request: HttpRequest,
    ids: Id = None,
    url: Annotated[str | None, Query(description="The canonical url.")] = None,
    name: Annotated[str | None, Query(description="The name, e.g. UCLA3.")] = None,
    count: Count = search.DEFAULT_COUNT,
    offset: Offset = 0,
) -> HttpResponse:
    found = list(instruments.INSTRUMENTS.values())
    if ids is not None:
        found = [i for i in found if codes.questionnaire_id(i.code) in _ids(ids)]
    if url is not None:
        found = [i for i in found if codes.questionnaire_url(i.code) in _ids(url)]
    if name is not None:
        found = [i for i in found if i.code.upper().startswith(name.strip().upper())]
    return _page(
        request,
        None,
        found,
        "Questionnaire",
        count,
        offset,
        lambda shown: [build.questionnaire(instrument) for instrument in shown],
    )


# --- QuestionnaireResponse -------------------------------------------------------------------


@router.get(
    "QuestionnaireResponse/{id}",
    response={200: FhirQuestionnaireResponse, **READ_ERRORS},
    auth=REFERRALS_READ,
    url_name="fhir-questionnaire-response-read",
    summary="Read a QuestionnaireResponse (an assessment)",
)
def read_questionnaire_response(request: HttpRequest, id: str) -> HttpResponse:
    client = access.client_of(request)
    found: Assessment = access.get(
        request, client, access.assessments(client), id, "QuestionnaireResponse"
    )
    access.record_read(request, client, found, "QuestionnaireResponse")
    return fhir_response(build.questionnaire_response(found))


@router.get(
    "QuestionnaireResponse",
    response={200: FhirQuestionnaireResponseBundle, **KEYED},
    auth=REFERRALS_READ,
    url_name="fhir-questionnaire-response-search",
    summary="Search QuestionnaireResponses",
)
def search_questionnaire_responses(
    request: HttpRequest,
    ids: Id = None,
    patient: Patient = None,
    questionnaire: Annotated[
        str | None, Query(description="The Questionnaire's canonical url, or its id (ucla3).")
    ] = None,
    authored: Annotated[
        list[str] | None, Query(description="When it was answered, e.g. ge2026-11-01.")
    ] = None,
    last_updated: LastUpdated = None,
    count: Count = search.DEFAULT_COUNT,
    offset: Offset = 0,
) -> HttpResponse:
    client = access.client_of(request)
    rows = access.assessments(client)
    if patient is not None:
        rows = rows.filter(case__person__uuid__in=search.references(patient, "Patient", "patient"))
    if questionnaire is not None:
        wanted = [
            codes.instrument_code(value.removeprefix(codes.QUESTIONNAIRE_BASE).rpartition("/")[2])
            for value in _ids(questionnaire)
        ]
        rows = rows.filter(instrument__in=wanted)
    if ids is not None:
        rows = rows.filter(uuid__in=search.references(ids, "QuestionnaireResponse", "_id"))
    rows = rows.filter(
        search.dates(authored, "answered_on", "authored"),
        search.dates(last_updated, "created_at", "_lastUpdated"),
    ).order_by("-answered_on", "-pk")
    return _page(
        request,
        client,
        rows,
        "QuestionnaireResponse",
        count,
        offset,
        lambda found: [build.questionnaire_response(row) for row in found],
    )


# --- HealthcareService ------------------------------------------------------------------------

FULL = Q(capacity__isnull=False, places_taken__gte=F("capacity"))
CAPACITY_STATUS = {
    Offering.CapacityStatus.CAPACITY: ~FULL,
    Offering.CapacityStatus.WAITLIST: FULL & Q(has_waitlist=True),
    Offering.CapacityStatus.NO_CAPACITY: FULL & Q(has_waitlist=False),
}


@router.get(
    "HealthcareService/{id}",
    response={200: FhirHealthcareService, **READ_ERRORS},
    auth=DIRECTORY_READ,
    url_name="fhir-healthcare-service-read",
    summary="Read a HealthcareService (an offering, with its capacity)",
)
def read_healthcare_service(request: HttpRequest, id: str) -> HttpResponse:
    client = access.client_of(request)
    key = access.uuid_or_none(id)
    offering = access.healthcare_services(client).filter(uuid=key).first() if key else None
    if offering is None:
        raise FhirError(404, "No HealthcareService with this id.", code="not-found")
    return fhir_response(build.healthcare_service(offering))


@router.get(
    "HealthcareService",
    response={200: FhirHealthcareServiceBundle, **KEYED},
    auth=DIRECTORY_READ,
    url_name="fhir-healthcare-service-search",
    summary="Search HealthcareServices",
)
def search_healthcare_services(
    request: HttpRequest,
    ids: Id = None,
    active: Annotated[str | None, Query(description="true or false.")] = None,
    name: Annotated[str | None, Query(description="The name, or its beginning.")] = None,
    capacity_status: Annotated[
        str | None,
        Query(alias="capacity-status", description="capacity, no-capacity or waitlist."),
    ] = None,
    last_updated: LastUpdated = None,
    count: Count = search.DEFAULT_COUNT,
    offset: Offset = 0,
) -> HttpResponse:
    client = access.client_of(request)
    rows = access.healthcare_services(client)
    if active is not None:
        values = search.tokens(active)
        if any(value not in ("true", "false") for value in values):
            raise FhirError(400, "active must be true or false.", code="value", expression="active")
        wanted = Q(pk__in=[])
        if "true" in values:
            wanted |= Q(status=Offering.Status.ACTIVE)
        if "false" in values:
            wanted |= ~Q(status=Offering.Status.ACTIVE)
        rows = rows.filter(wanted)
    if name is not None:
        rows = rows.filter(name__istartswith=name.strip())
    if capacity_status is not None:
        wanted = Q(pk__in=[])
        for code in search.tokens(capacity_status):
            wanted |= CAPACITY_STATUS.get(code, Q(pk__in=[]))  # type: ignore[call-overload]
        rows = rows.filter(wanted)
    if ids is not None:
        rows = rows.filter(uuid__in=search.references(ids, "HealthcareService", "_id"))
    rows = rows.filter(search.dates(last_updated, "updated_at", "_lastUpdated")).order_by(
        "name", "pk"
    )
    return _page(
        request,
        None,
        rows,
        "HealthcareService",
        count,
        offset,
        lambda found: [build.healthcare_service(offering) for offering in found],
    )


# --- anything else under /fhir/ -----------------------------------------------------------------


@router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"],
    "",
    auth=None,
    include_in_schema=False,
    url_name="fhir-base",
)
def fhir_base(request: HttpRequest) -> HttpResponse:
    return _unknown()


@router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"],
    "{path:rest}",
    auth=None,
    include_in_schema=False,
    url_name="fhir-unknown",
)
def fhir_unknown(request: HttpRequest, rest: str) -> HttpResponse:
    return _unknown()


def _unknown() -> HttpResponse:
    return outcome(
        404,
        "Lotsa serves Patient, ServiceRequest, Task, Consent, Questionnaire, "
        "QuestionnaireResponse and HealthcareService here; see /fhir/metadata.",
        code="not-supported",
    )
