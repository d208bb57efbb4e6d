"""Every FHIR resource Lotsa writes validates with the R4B models of `fhir.resources`, uses
FHIR's own codes where FHIR has a value set, and carries DOMAIN.md's codes (SDOH category,
SNOMED CT social prescribing, the SDOH referral statuses).

`FhirTestCase` is the world the other FHIR tests use: a referral from Health centre A's GP
to the municipality's link worker team, and from its case an activity referral to Association
X's walking group, so that each of the three organisations reads it in its own role.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from typing import Any

from django.test import Client

from lotsa.accounts import actions as account_actions
from lotsa.accounts.models import ApiKey, Organization, User
from lotsa.directory.models import Offering, Term
from lotsa.interop.fhir import codes
from lotsa.outcomes import instruments
from lotsa.outcomes.models import Assessment, Mode
from lotsa.people.models import Consent, Person
from lotsa.referrals.models import ActivityReferral, Case, Team
from lotsa.test import (
    BaseTestCase,
    Role,
    make_activity_referral,
    make_case,
    make_offering,
    make_person,
    make_team,
    make_user,
    terms,
)

Scope = ApiKey.Scope
ALL_SCOPES = (Scope.DIRECTORY_READ, Scope.REFERRALS_READ, Scope.REFERRALS_WRITE)
SHARED = (Consent.Field.NAME, Consent.Field.PHONE, Consent.Field.NEEDS, Consent.Field.WHAT_MATTERS)
VALUE_SETS = {
    "Task": codes.TASK_STATUSES,
    "ServiceRequest": codes.SERVICE_REQUEST_STATUSES,
    "Consent": codes.CONSENT_STATES,
}


def fhir_model(resource_type: str) -> Any:
    module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    return getattr(module, resource_type)


def validate(resource: dict[str, Any]) -> Any:
    """The resource parsed by its R4B model (which refuses unknown elements and malformed
    values), with its status checked against FHIR's value set; a Bundle's entries each too."""
    resource_type = resource["resourceType"]
    parsed = fhir_model(resource_type).model_validate(resource)
    if resource_type in VALUE_SETS:
        assert resource["status"] in VALUE_SETS[resource_type], resource["status"]
    for entry in resource.get("entry", ()) if resource_type == "Bundle" else ():
        validate(entry["resource"])
    return parsed


class FhirTestCase(BaseTestCase):
    """Health centre A's GP referred Astrid to the municipality's link worker team; its link
    worker referred her on to Association X's walking group, sharing her name, phone, needs
    and what matters to her. Each organisation has a key with every scope."""

    municipal_link_worker: User
    team_m: Team
    offering: Offering
    case: Case
    task: ActivityReferral
    person: Person
    keys: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.municipal_link_worker = make_user(
            "lw@kommun.example", cls.municipality, Role.LINK_WORKER, first_name="Maja"
        )
        cls.team_m = make_team(
            "Kommunens hälsolotsar",
            cls.municipality,
            cls.municipal_link_worker,
            serves=(cls.health_centre_a, cls.municipality),
        )
        cls.offering = make_offering(cls.association, capacity=2, has_waitlist=True)
        cls.person = make_person(
            "Astrid",
            "Lindqvist",
            birth_date=dt.date(1948, 3, 14),
            sex=Person.Sex.FEMALE,
            email="astrid@example.net",
            needs_interpreter=False,
            contact_preference=Person.ContactPreference.SMS,
        )
        cls.case = make_case(
            cls.team_m,
            cls.municipal_link_worker,
            cls.gp,
            person=cls.person,
            details="Ensam sedan i våras.",
        )
        cls.case.what_matters = "Att komma ut och träffa folk."
        cls.case.save()
        cls.case.accessibility_needs.set(terms(Term.Vocabulary.ACCESSIBILITY, "wheelchair"))
        cls.task = make_activity_referral(
            cls.case,
            cls.offering,
            cls.municipal_link_worker,
            fields=SHARED,
            message="Hon ringer gärna först.",
        )
        cls.keys = {
            "provider": cls.make_key(cls.association),
            "team": cls.make_key(cls.municipality),
            "referrer": cls.make_key(cls.health_centre_a),
            "outsider": cls.make_key(cls.health_centre_b),
        }

    @classmethod
    def make_key(cls, organization: Organization, *scopes: str) -> str:
        _api_key, key = account_actions.create_api_key(
            organization, name="Systemet", scopes=scopes or ALL_SCOPES, acting_user=cls.admin
        )
        return key

    def fhir(
        self, path: str, key: str | None = "provider", client: Client | None = None, **extra: Any
    ) -> Any:
        """GET `path` with the key of the named organisation (or a key itself)."""
        if key is not None:
            secret = self.keys.get(key, key)
            extra["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        return (client or self.client).get(path, **extra)

    def body(self, response: Any, status: int = 200) -> dict[str, Any]:
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Content-Type"], codes.FHIR_JSON)
        return json.loads(response.content)

    def read(self, path: str, key: str = "provider") -> dict[str, Any]:
        resource = self.body(self.fhir(path, key))
        validate(resource)
        return resource

    def search(self, path: str, key: str = "provider") -> dict[str, Any]:
        bundle = self.read(path, key)
        self.assertEqual(bundle["resourceType"], "Bundle")
        return bundle

    def ids(self, bundle: dict[str, Any]) -> list[str]:
        return [entry["resource"]["id"] for entry in bundle.get("entry", ())]

    def assert_outcome(self, response: Any, status: int, code: str | None = None) -> dict[str, Any]:
        outcome = self.body(response, status)
        validate(outcome)
        self.assertEqual(outcome["resourceType"], "OperationOutcome")
        if code is not None:
            self.assertEqual(outcome["issue"][0]["code"], code)
        self.assertIn("no-store", response["Cache-Control"])
        return outcome

    def make_assessment(self, instrument: str = "ucla3", **answers: int | None) -> Assessment:
        definition = instruments.get(instrument)
        answers = answers or dict.fromkeys(definition.item_keys, 2)
        scores = definition.score(answers)
        return Assessment.objects.create(
            case=self.case,
            instrument=instrument,
            answers=definition.validate(answers),
            scores=scores,
            score=definition.primary_score(scores),
            mode=Mode.WITH_LINK_WORKER,
            recorded_by=self.municipal_link_worker,
        )


def coding(concept: dict[str, Any], system: str) -> list[str]:
    return [c["code"] for c in concept.get("coding", ()) if c.get("system") == system]


class ResourceValidityTests(FhirTestCase):
    def test_the_capability_statement_is_public_and_valid(self) -> None:
        statement = self.read("/fhir/metadata", key=None)  # type: ignore[arg-type]
        self.assertEqual(statement["fhirVersion"], "4.0.1")
        described = {resource["type"] for resource in statement["rest"][0]["resource"]}
        self.assertEqual(
            described,
            {
                "Patient",
                "ServiceRequest",
                "Task",
                "Consent",
                "Questionnaire",
                "QuestionnaireResponse",
                "HealthcareService",
            },
        )
        task = next(r for r in statement["rest"][0]["resource"] if r["type"] == "Task")
        self.assertIn({"code": "update"}, task["interaction"])

    def test_a_service_request_is_the_social_prescription(self) -> None:
        resource = self.read(f"/fhir/ServiceRequest/{self.case.referral.uuid}", key="team")
        self.assertEqual(coding(resource["code"], codes.SNOMED), ["871731000000106"])
        self.assertEqual(
            coding(resource["category"][0], codes.SDOH_CATEGORY), ["social-connection"]
        )
        self.assertEqual(resource["status"], "active")
        self.assertEqual(resource["intent"], "order")
        self.assertEqual(resource["subject"]["reference"], f"Patient/{self.person.uuid}")
        self.assertEqual(coding(resource["reasonCode"][0], codes.REFERRAL_REASON), ["loneliness"])
        self.assertEqual(resource["requester"]["display"], self.health_centre_a.name)
        self.assertEqual(resource["note"], [{"text": "Ensam sedan i våras."}])

    def test_a_task_carries_the_sdoh_status_and_its_reason(self) -> None:
        ActivityReferral.objects.filter(pk=self.task.pk).update(
            status="rejected", reason="person_declined", reason_text="Hon ville inte."
        )
        resource = self.read(f"/fhir/Task/{self.task.uuid}", key="team")
        self.assertEqual(resource["status"], "rejected")
        reason = resource["statusReason"]
        self.assertEqual(coding(reason, codes.TASK_STATUS_REASON), ["person_declined"])
        # DOMAIN.md: the UK SNOMED CT code for a declined social prescription, where it applies.
        self.assertEqual(coding(reason, codes.SNOMED), ["871711000000103"])
        self.assertEqual(reason["text"], "Hon ville inte.")
        self.assertEqual(resource["owner"]["reference"], f"HealthcareService/{self.offering.uuid}")
        self.assertEqual(resource["for"]["reference"], f"Patient/{self.person.uuid}")
        self.assertEqual(
            resource["basedOn"], [{"reference": f"ServiceRequest/{self.case.referral.uuid}"}]
        )

    def test_every_task_status_lotsa_knows_is_a_fhir_task_status(self) -> None:
        self.assertLessEqual(set(ActivityReferral.Status.values), codes.TASK_STATUSES)
        for status in ActivityReferral.Status.values:
            reason = "no_capacity" if status in ActivityReferral.NEEDS_REASON else ""
            ActivityReferral.objects.filter(pk=self.task.pk).update(status=status, reason=reason)
            with self.subTest(status=status):
                self.assertEqual(
                    self.read(f"/fhir/Task/{self.task.uuid}", key="team")["status"], status
                )

    def test_patients_consents_and_bundles_validate_for_every_reader(self) -> None:
        for key in ("provider", "team", "referrer"):
            with self.subTest(key=key):
                for path in (
                    "/fhir/Patient",
                    "/fhir/Consent",
                    "/fhir/Task",
                    "/fhir/ServiceRequest",
                ):
                    self.search(path, key)
                self.read(f"/fhir/Patient/{self.person.uuid}", key)

    def test_every_instrument_is_a_questionnaire_in_three_languages(self) -> None:
        bundle = self.search("/fhir/Questionnaire", key="referrer")
        self.assertEqual(
            sorted(self.ids(bundle)),
            ["djg6", "ons-loneliness", "ons4", "swemwbs", "ucla3", "who5"],
        )
        ucla3 = self.read("/fhir/Questionnaire/ucla3")
        self.assertEqual(ucla3["url"], "urn:lotsa:fhir:Questionnaire:ucla3")
        item = ucla3["item"][0]
        self.assertEqual(item["linkId"], "companionship")
        self.assertEqual(item["text"], instruments.UCLA3.items[0].text["sv"])
        translations = {
            ext["extension"][0]["valueCode"]: ext["extension"][1]["valueString"]
            for ext in item["_text"]["extension"]
        }
        self.assertEqual(
            translations,
            {
                "da": instruments.UCLA3.items[0].text["da"],
                "en": instruments.UCLA3.items[0].text["en"],
            },
        )
        self.assertEqual([o["valueCoding"]["code"] for o in item["answerOption"]], ["1", "2", "3"])

    def test_an_assessment_is_a_questionnaire_response_with_its_scores(self) -> None:
        assessment = self.make_assessment("ucla3", companionship=3, left_out=2, isolated=None)
        resource = self.read(f"/fhir/QuestionnaireResponse/{assessment.uuid}", key="team")
        self.assertEqual(resource["questionnaire"], "urn:lotsa:fhir:Questionnaire:ucla3")
        self.assertEqual(
            [(i["linkId"], i["answer"][0]["valueCoding"]["code"]) for i in resource["item"]],
            [("companionship", "3"), ("left_out", "2")],
        )
        # A missing item makes the score missing, never zero.
        score = resource["extension"][0]
        self.assertEqual(score["url"], codes.SCORE_EXTENSION)
        self.assertEqual(score["extension"], [{"url": "scale", "valueCode": "total"}])
        complete = self.make_assessment("who5")
        resource = self.read(f"/fhir/QuestionnaireResponse/{complete.uuid}", key="team")
        scores = {
            ext["extension"][0]["valueCode"]: ext["extension"][1]["valueDecimal"]
            for ext in resource["extension"]
        }
        self.assertEqual(scores, {"raw": 10, "percentage": 40})

    def test_an_offering_is_a_healthcare_service_with_its_capacity(self) -> None:
        resource = self.read(f"/fhir/HealthcareService/{self.offering.uuid}", key="referrer")
        extension = resource["extension"][0]
        self.assertEqual(extension["url"], codes.CAPACITY_EXTENSION)
        self.assertEqual(
            coding(extension["valueCodeableConcept"], codes.CAPACITY_STATUS), ["capacity"]
        )
        self.assertEqual(resource["availableTime"][0]["daysOfWeek"], ["tue"])
        self.assertEqual(resource["contained"][0]["address"]["city"], "Umeå")
        self.assertEqual(
            resource["location"], [{"reference": f"#{resource['contained'][0]['id']}"}]
        )
        Offering.objects.filter(pk=self.offering.pk).update(places_taken=2)
        resource = self.read(f"/fhir/HealthcareService/{self.offering.uuid}", key="referrer")
        self.assertEqual(
            coding(resource["extension"][0]["valueCodeableConcept"], codes.CAPACITY_STATUS),
            ["waitlist"],
        )
