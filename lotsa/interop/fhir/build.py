"""Lotsa's rows as FHIR R4 resources, shaped by who reads them (`Relation`).

- A referral to a link worker team is a ServiceRequest: the social prescription (SNOMED CT
  871731000000106, SDOH category "social connection").
- An activity referral is a Task with the SDOH Clinical Care referral statuses; the reason
  (who declined, no capacity, …) is its `statusReason`, participation its `businessStatus`.
- A provider is shown what the person consented to share with it and nothing else: on the
  Patient (name, phone, e-mail, language) and on the Task (needs, what matters), as on the
  web's answer page. The referring unit is shown the Task's status and reason, not the
  provider's explanation nor the link worker's message (the web's sent-referral page).
- Displays are in the request's language; the codes are what a client should read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from lotsa.directory.models import Offering
from lotsa.outcomes import instruments
from lotsa.outcomes.models import Assessment
from lotsa.people.models import Consent, Person
from lotsa.referrals.access import SharedDetails, shared_details
from lotsa.referrals.models import ActivityReferral, Referral

from . import codes
from .access import Relation
from .resources import (
    FhirAddress,
    FhirAnnotation,
    FhirAvailableTime,
    FhirCodeableConcept,
    FhirCoding,
    FhirConsent,
    FhirConsentActor,
    FhirConsentProvision,
    FhirContactPoint,
    FhirExtension,
    FhirHealthcareService,
    FhirHumanName,
    FhirLocation,
    FhirMeta,
    FhirPatient,
    FhirPatientCommunication,
    FhirPeriod,
    FhirPosition,
    FhirPrimitiveExtensions,
    FhirQuestionnaire,
    FhirQuestionnaireAnswerCoding,
    FhirQuestionnaireAnswerOption,
    FhirQuestionnaireItem,
    FhirQuestionnaireResponse,
    FhirQuestionnaireResponseAnswer,
    FhirQuestionnaireResponseItem,
    FhirReference,
    FhirServiceRequest,
    FhirTask,
    FhirTaskInput,
    dump,
)

Status = ActivityReferral.Status
Reason = ActivityReferral.Reason
GENDERS: dict[str, Literal["female", "male", "other"]] = {
    Person.Sex.FEMALE: "female",
    Person.Sex.MALE: "male",
    Person.Sex.OTHER: "other",
}
WEEKDAYS = {
    "MO": "mon",
    "TU": "tue",
    "WE": "wed",
    "TH": "thu",
    "FR": "fri",
    "SA": "sat",
    "SU": "sun",
}


def _concept(system: str, code: str, display: Any, text: str | None = None) -> FhirCodeableConcept:
    return FhirCodeableConcept(
        coding=[FhirCoding(system=system, code=code, display=str(display))], text=text
    )


def _reference(resource_type: str, key: object, display: str | None = None) -> FhirReference:
    return FhirReference(reference=f"{resource_type}/{key}", display=display)


def _later(*moments: dt.datetime | None) -> dt.datetime:
    return max(moment for moment in moments if moment is not None)


# --- Patient ------------------------------------------------------------------------------


def _communication(person: Person) -> list[FhirPatientCommunication]:
    label = str(person.get_language_display())
    if person.language == "other":
        return [FhirPatientCommunication(language=FhirCodeableConcept(text=label), preferred=True)]
    return [
        FhirPatientCommunication(
            language=_concept(codes.LANGUAGE, person.language, label), preferred=True
        )
    ]


def _telecom(phone: str | None, email: str | None) -> list[FhirContactPoint] | None:
    found = []
    if phone:
        found.append(FhirContactPoint(system="phone", value=phone))
    if email:
        found.append(FhirContactPoint(system="email", value=email))
    return found or None


def _interpreter(needed: bool | None) -> list[FhirExtension] | None:
    if not needed:
        return None
    return [FhirExtension(url=codes.INTERPRETER_REQUIRED, value_boolean=True)]


def patient(
    person: Person, relation: Relation, shared: SharedDetails | None = None
) -> dict[str, Any]:
    """The person, minimal: for the team and the referring unit their name, birth date, sex,
    contact details and language; for a provider only what the person shares with it."""
    meta = FhirMeta(last_updated=person.updated_at)
    if relation is Relation.PROVIDER:
        shared = shared or SharedDetails()
        return dump(
            FhirPatient(
                resource_type="Patient",
                id=str(person.uuid),
                meta=meta,
                extension=_interpreter(shared.needs_interpreter),
                name=[FhirHumanName(text=shared.name)] if shared.name else None,
                telecom=_telecom(shared.phone, shared.email),
                communication=_communication(person) if shared.language else None,
            )
        )
    name = None
    if person.first_name or person.last_name:
        name = [
            FhirHumanName(
                family=person.last_name or None,
                given=[person.first_name] if person.first_name else None,
            )
        ]
    return dump(
        FhirPatient(
            resource_type="Patient",
            id=str(person.uuid),
            meta=meta,
            extension=_interpreter(person.needs_interpreter),
            name=name,
            telecom=_telecom(person.phone, person.email),
            gender=GENDERS.get(person.sex),
            birth_date=person.birth_date,
            communication=_communication(person),
        )
    )


# --- ServiceRequest: the referral to a link worker team -------------------------------------


def service_request_status(referral: Referral) -> str:
    """New and open cases are active; a closed case is completed; a declined or forwarded
    referral is revoked (a forwarded one is replaced by the team's that got it)."""
    if referral.status in (Referral.Status.DECLINED, Referral.Status.FORWARDED):
        return "revoked"
    case = getattr(referral, "case", None) if referral.status == Referral.Status.ACCEPTED else None
    if case is not None and case.closed_at is not None:
        return "completed"
    return "active"


def service_request_last_updated(referral: Referral) -> dt.datetime:
    case = getattr(referral, "case", None) if referral.status == Referral.Status.ACCEPTED else None
    return _later(
        referral.created_at,
        referral.triaged_at,
        referral.first_contact_at,
        case.closed_at if case is not None else None,
    )


def _requester(referral: Referral) -> FhirReference | None:
    if referral.source == Referral.Source.CLINICIAN and referral.referring_organization:
        return FhirReference(type="Organization", display=referral.referring_organization.name)
    if referral.source == Referral.Source.SELF:
        return _reference("Patient", referral.person.uuid)
    return None


def service_request(
    referral: Referral, relation: Relation, replaces: str | None = None
) -> dict[str, Any]:
    """The social prescription; the team and the referring unit see the same."""
    reasons = [
        _concept(codes.REFERRAL_REASON, code, Referral.Reason(code).label)
        for code in referral.reasons
        if code in Referral.Reason.values
    ]
    return dump(
        FhirServiceRequest(
            resource_type="ServiceRequest",
            id=str(referral.uuid),
            meta=FhirMeta(last_updated=service_request_last_updated(referral)),
            status=service_request_status(referral),  # type: ignore[arg-type]
            intent="order",
            category=[_concept(codes.SDOH_CATEGORY, *codes.SDOH_SOCIAL_CONNECTION)],
            code=_concept(
                codes.SNOMED,
                codes.REFERRAL_TO_SOCIAL_PRESCRIBING,
                codes.REFERRAL_TO_SOCIAL_PRESCRIBING_DISPLAY,
            ),
            subject=_reference("Patient", referral.person.uuid),
            authored_on=referral.created_at,
            requester=_requester(referral),
            performer=[FhirReference(type="CareTeam", display=referral.team.name)],
            reason_code=reasons or None,
            note=[FhirAnnotation(text=referral.details)] if referral.details.strip() else None,
            replaces=[_reference("ServiceRequest", replaces)] if replaces else None,
        )
    )


# --- Task: the referral to an activity ------------------------------------------------------


def status_reason(task: ActivityReferral, relation: Relation) -> FhirCodeableConcept | None:
    if not task.reason:
        return None
    label = str(Reason(task.reason).label)
    coding = [FhirCoding(system=codes.TASK_STATUS_REASON, code=task.reason, display=label)]
    if task.reason == Reason.PERSON_DECLINED:
        coding.append(
            FhirCoding(
                system=codes.SNOMED,
                code=codes.SOCIAL_PRESCRIBING_DECLINED,
                display=codes.SOCIAL_PRESCRIBING_DECLINED_DISPLAY,
            )
        )
    # The provider's own words are for the team and the provider, not the referring unit.
    text = task.reason_text if task.reason_text and relation is not Relation.REFERRER else label
    return FhirCodeableConcept(coding=coding, text=text)


def _inputs(details: SharedDetails) -> list[FhirTaskInput] | None:
    found = [
        FhirTaskInput(
            type=_concept(codes.TASK_INPUT, "accessibility-need", "Accessibility or mobility need"),
            value_string=need,
        )
        for need in details.needs or ()
    ]
    if details.what_matters:
        found.append(
            FhirTaskInput(
                type=_concept(codes.TASK_INPUT, "what-matters", "What matters to the person"),
                value_string=details.what_matters,
            )
        )
    return found or None


def task_last_updated(task: ActivityReferral) -> dt.datetime:
    """The last change: answers move the row by a conditional UPDATE that leaves `updated_at`
    as it was, so the newest event counts too (`access.tasks` annotates it)."""
    last_event = getattr(task, "last_event_at", None)
    if last_event is None and not hasattr(task, "last_event_at"):
        last_event = task.events.order_by("-at").values_list("at", flat=True).first()
    return _later(task.updated_at, last_event)


def task(activity_referral: ActivityReferral, relation: Relation) -> dict[str, Any]:
    case = activity_referral.case
    offering = activity_referral.offering
    shares = relation is not Relation.REFERRER
    details = shared_details(activity_referral) if shares else SharedDetails()
    period = None
    if activity_referral.started_on or activity_referral.stopped_on:
        period = FhirPeriod(start=activity_referral.started_on, end=activity_referral.stopped_on)
    participation = activity_referral.participation
    last_updated = task_last_updated(activity_referral)
    return dump(
        FhirTask(
            resource_type="Task",
            id=str(activity_referral.uuid),
            meta=FhirMeta(last_updated=last_updated),
            status=activity_referral.status,  # type: ignore[arg-type]
            status_reason=status_reason(activity_referral, relation),
            business_status=_concept(
                codes.PARTICIPATION,
                participation,
                ActivityReferral.Participation(participation).label,
            )
            if participation
            else None,
            intent="order",
            priority="routine",
            code=_concept(codes.TASK_CODE, "fulfill", "Fulfill the focal request"),
            for_=_reference("Patient", case.person.uuid),
            # The provider is not told which referral to the team this came from.
            based_on=[_reference("ServiceRequest", case.referral.uuid)]
            if relation is not Relation.PROVIDER
            else None,
            authored_on=activity_referral.created_at,
            last_modified=last_updated,
            requester=FhirReference(type="Organization", display=case.team.name),
            owner=_reference("HealthcareService", offering.uuid, offering.name),
            execution_period=period,
            note=[FhirAnnotation(text=activity_referral.message)]
            if shares and activity_referral.message.strip()
            else None,
            input=_inputs(details),
        )
    )


# --- Consent -----------------------------------------------------------------------------------


def _recipient(consent: Consent) -> FhirConsentActor | None:
    if consent.team is not None:
        reference = FhirReference(type="CareTeam", display=consent.team.name)
    elif consent.organization is not None:
        reference = FhirReference(type="Organization", display=consent.organization.name)
    else:
        return None
    return FhirConsentActor(
        role=_concept(codes.PARTICIPATION_TYPE, "IRCP", "information recipient"),
        reference=reference,
    )


def consent(row: Consent) -> dict[str, Any]:
    actor = _recipient(row)
    fields = [
        _concept(codes.CONSENT_FIELD, field, Consent.Field(field).label)
        for field in row.fields
        if field in Consent.Field.values
    ]
    return dump(
        FhirConsent(
            resource_type="Consent",
            id=str(row.pk),
            meta=FhirMeta(last_updated=row.withdrawn_at or row.given_at),
            status="active" if row.is_active else "inactive",
            scope=_concept(codes.CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
            category=[_concept(codes.CONSENT_CATEGORY_LOINC, *codes.PATIENT_CONSENT_LOINC)],
            patient=_reference("Patient", row.person.uuid),
            date_time=row.given_at,
            policy_rule=_concept(codes.ACT_CODE, "OPTIN", "opt-in"),
            provision=FhirConsentProvision(
                type="permit",
                period=FhirPeriod(start=row.given_at, end=row.withdrawn_at),
                actor=[actor] if actor else None,
                purpose=[
                    FhirCoding(
                        system=codes.CONSENT_PURPOSE,
                        code=row.scope,
                        display=str(Consent.Scope(row.scope).label),
                    )
                ],
                code=fields or None,
            ),
        )
    )


# --- Questionnaire and QuestionnaireResponse: the instruments and their answers ---------------


def _translations(text: Mapping[str, str], main: str) -> FhirPrimitiveExtensions | None:
    found = [
        FhirExtension(
            url=codes.TRANSLATION,
            extension=[
                FhirExtension(url="lang", value_code=language),
                FhirExtension(url="content", value_string=text[language]),
            ],
        )
        for language in instruments.LANGUAGES
        if language != main and text.get(language)
    ]
    return FhirPrimitiveExtensions(extension=found) if found else None


def questionnaire(instrument: instruments.Instrument) -> dict[str, Any]:
    """An instrument in Swedish, with its Danish and English wording as translations: the
    wording is part of the instrument's validation, so every language travels with it."""
    main = "sv"
    source = {
        language: f"{text}\n\n{instrument.source}"
        for language, text in instrument.instructions.items()
    }
    url = codes.questionnaire_url(instrument.code)
    return dump(
        FhirQuestionnaire(
            resource_type="Questionnaire",
            id=codes.questionnaire_id(instrument.code),
            url=url,
            name=instrument.code.upper(),
            title=instrument.name[main],
            title_translations=_translations(instrument.name, main),
            status="active",
            language=main,
            description=source[main],
            description_translations=_translations(source, main),
            item=[
                FhirQuestionnaireItem(
                    link_id=item.key,
                    text=item.text[main],
                    text_translations=_translations(item.text, main),
                    type="choice",
                    # A missing answer voids its scale, never the whole form.
                    required=False,
                    answer_option=[
                        FhirQuestionnaireAnswerOption(
                            value_coding=FhirQuestionnaireAnswerCoding(
                                system=url,
                                code=str(choice.value),
                                display=choice.text[main],
                                display_translations=_translations(choice.text, main),
                            )
                        )
                        for choice in item.choices
                    ],
                )
                for item in instrument.items
            ],
        )
    )


def _score(key: str, value: float | int | None) -> FhirExtension:
    parts = [FhirExtension(url="scale", value_code=key)]
    if value is not None:
        parts.append(FhirExtension(url="score", value_decimal=float(value)))
    return FhirExtension(url=codes.SCORE_EXTENSION, extension=parts)


def questionnaire_response(assessment: Assessment) -> dict[str, Any]:
    """The raw answers, and every scale's score beside them (None: a missing item)."""
    definition = instruments.get(assessment.instrument)
    url = codes.questionnaire_url(definition.code)
    answers = assessment.answers or {}
    items = []
    for item in definition.items:
        value = answers.get(item.key)
        choice = next((c for c in item.choices if c.value == value), None)
        if choice is None:
            continue
        items.append(
            FhirQuestionnaireResponseItem(
                link_id=item.key,
                answer=[
                    FhirQuestionnaireResponseAnswer(
                        value_coding=FhirCoding(
                            system=url, code=str(choice.value), display=choice.label
                        )
                    )
                ],
            )
        )
    scores = assessment.scores or {}
    return dump(
        FhirQuestionnaireResponse(
            resource_type="QuestionnaireResponse",
            id=str(assessment.uuid),
            meta=FhirMeta(last_updated=assessment.created_at),
            extension=[_score(scale.key, scores.get(scale.key)) for scale in definition.scales],
            questionnaire=url,
            status="completed",
            subject=_reference("Patient", assessment.case.person.uuid),
            authored=assessment.answered_on,
            item=items or None,
        )
    )


# --- HealthcareService: an offering, with its capacity --------------------------------------


def healthcare_service(offering: Offering) -> dict[str, Any]:
    places = list(offering.places.all())
    schedules = [
        schedule
        for schedule in offering.schedules.all()
        if schedule.days and not schedule.single_date
    ]
    telecom = []
    if offering.phone:
        telecom.append(FhirContactPoint(system="phone", value=offering.phone, use="work"))
    if offering.email:
        telecom.append(FhirContactPoint(system="email", value=offering.email, use="work"))
    if offering.website:
        telecom.append(FhirContactPoint(system="url", value=offering.website, use="work"))
    capacity = offering.capacity_status
    return dump(
        FhirHealthcareService(
            resource_type="HealthcareService",
            id=str(offering.uuid),
            meta=FhirMeta(last_updated=offering.updated_at),
            contained=[
                FhirLocation(
                    resource_type="Location",
                    id=str(place.uuid),
                    name=place.name or None,
                    address=FhirAddress(
                        line=[place.address],
                        postal_code=place.postcode,
                        city=place.city,
                        district=place.municipality_name or None,
                        country=place.municipality[:2] or None,
                    ),
                    position=FhirPosition(
                        latitude=place.latitude,
                        longitude=place.longitude,
                    ),
                )
                for place in places
            ]
            or None,
            extension=[
                FhirExtension(
                    url=codes.CAPACITY_EXTENSION,
                    value_codeable_concept=_concept(
                        codes.CAPACITY_STATUS,
                        capacity,
                        Offering.CapacityStatus(capacity).label,
                    ),
                )
            ],
            active=offering.status == Offering.Status.ACTIVE,
            provided_by=FhirReference(type="Organization", display=offering.organization.name),
            category=[
                _concept(codes.OFFERING_CATEGORY, term.code, term.name)
                for term in offering.categories.all()
            ]
            or None,
            name=offering.name,
            extra_details=offering.description or None,
            telecom=telecom or None,
            location=[FhirReference(reference=f"#{place.uuid}") for place in places] or None,
            available_time=[
                FhirAvailableTime(
                    days_of_week=[WEEKDAYS[day] for day in schedule.days if day in WEEKDAYS],  # type: ignore[misc]
                    available_start_time=schedule.opens_at.isoformat("seconds"),
                    available_end_time=schedule.closes_at.isoformat("seconds"),
                )
                for schedule in schedules
            ]
            or None,
            appointment_required=offering.how_to_join != Offering.HowToJoin.DROP_IN,
        )
    )
