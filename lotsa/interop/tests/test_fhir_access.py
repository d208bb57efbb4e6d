"""Who reads what over FHIR: DOMAIN.md's table with an organisation's key in the place of a
user. The provider sees its own referrals and only what the person shares with it; the link
worker team's organisation its teams' cases; the referring health centre its referrals and
their status (the activity referrals only with the person's consent to feedback); an
outsider nothing. Every read is logged: the key's use, and one event per person shown."""

from __future__ import annotations

from django.utils import timezone

from lotsa.accounts import actions as account_actions
from lotsa.audit.models import AuditEvent
from lotsa.people import actions as people_actions
from lotsa.people.models import Consent
from lotsa.referrals import actions
from lotsa.referrals.models import ActivityReferral

from .test_fhir_resources import FhirTestCase, validate

Action = AuditEvent.Action


class ProviderTests(FhirTestCase):
    def test_the_provider_reads_the_task_to_its_offering(self) -> None:
        task = self.read(f"/fhir/Task/{self.task.uuid}")
        self.assertEqual(task["status"], "requested")
        self.assertEqual(task["note"], [{"text": "Hon ringer gärna först."}])
        inputs = {i["type"]["coding"][0]["code"]: i["valueString"] for i in task["input"]}
        self.assertEqual(inputs["what-matters"], "Att komma ut och träffa folk.")
        self.assertIn("accessibility-need", inputs)
        # Which referral to the team it came from is not the provider's business.
        self.assertNotIn("basedOn", task)

    def test_the_provider_sees_only_what_the_person_shares(self) -> None:
        patient = self.read(f"/fhir/Patient/{self.person.uuid}")
        self.assertEqual(patient["name"], [{"text": "Astrid Lindqvist"}])
        self.assertEqual(patient["telecom"], [{"system": "phone", "value": "+46701234567"}])
        for withheld in ("birthDate", "gender", "communication"):
            self.assertNotIn(withheld, patient)
        self.assertNotIn("astrid@example.net", str(patient))

    def test_nothing_shared_shows_nothing_but_the_id(self) -> None:
        Consent.objects.filter(pk=self.task.consent_id).update(fields=[])
        patient = self.read(f"/fhir/Patient/{self.person.uuid}")
        self.assertEqual(set(patient), {"resourceType", "id", "meta"})
        self.assertNotIn("input", self.read(f"/fhir/Task/{self.task.uuid}"))

    def test_the_provider_reads_no_referral_to_the_team_nor_scores(self) -> None:
        assessment = self.make_assessment()
        for path in (
            f"/fhir/ServiceRequest/{self.case.referral.uuid}",
            f"/fhir/QuestionnaireResponse/{assessment.uuid}",
        ):
            with self.subTest(path=path):
                self.assert_outcome(self.fhir(path), 404, "not-found")
        self.assertEqual(self.search("/fhir/ServiceRequest")["total"], 0)
        self.assertEqual(self.search("/fhir/QuestionnaireResponse")["total"], 0)

    def test_the_consent_to_the_provider_is_the_one_it_sees(self) -> None:
        bundle = self.search("/fhir/Consent")
        self.assertEqual(self.ids(bundle), [str(self.task.consent_id)])
        consent = bundle["entry"][0]["resource"]
        self.assertEqual(consent["status"], "active")
        shared = [code["coding"][0]["code"] for code in consent["provision"]["code"]]
        self.assertEqual(shared, ["name", "phone", "needs", "what_matters"])

    def test_a_withdrawn_consent_ends_what_the_provider_sees(self) -> None:
        actions.withdraw_consent(self.task.consent, acting_user=self.municipal_link_worker)
        for path in (f"/fhir/Task/{self.task.uuid}", f"/fhir/Patient/{self.person.uuid}"):
            with self.subTest(path=path):
                self.assert_outcome(self.fhir(path), 404)
        for path in ("/fhir/Task", "/fhir/Patient", "/fhir/Consent"):
            with self.subTest(path=path):
                self.assertEqual(self.search(path)["total"], 0)

    def test_a_draft_or_erroneous_referral_is_not_the_providers(self) -> None:
        for status in ("draft", "entered-in-error"):
            ActivityReferral.objects.filter(pk=self.task.pk).update(status=status)
            with self.subTest(status=status):
                self.assert_outcome(self.fhir(f"/fhir/Task/{self.task.uuid}"), 404)


class TeamTests(FhirTestCase):
    def test_the_team_sees_its_cases_whole(self) -> None:
        request = self.read(f"/fhir/ServiceRequest/{self.case.referral.uuid}", key="team")
        self.assertEqual(request["performer"][0]["display"], self.team_m.name)
        task = self.read(f"/fhir/Task/{self.task.uuid}", key="team")
        self.assertEqual(
            task["basedOn"][0]["reference"], f"ServiceRequest/{self.case.referral.uuid}"
        )
        patient = self.read(f"/fhir/Patient/{self.person.uuid}", key="team")
        self.assertEqual(patient["birthDate"], "1948-03-14")
        self.assertEqual(patient["gender"], "female")
        self.assertEqual(patient["name"], [{"family": "Lindqvist", "given": ["Astrid"]}])
        self.assertEqual(patient["communication"][0]["language"]["coding"][0]["code"], "sv")

    def test_the_team_reads_the_assessments(self) -> None:
        assessment = self.make_assessment()
        bundle = self.search(f"/fhir/QuestionnaireResponse?patient={self.person.uuid}", "team")
        self.assertEqual(self.ids(bundle), [str(assessment.uuid)])
        self.assertEqual(
            self.search("/fhir/QuestionnaireResponse?questionnaire=who5", "team")["total"], 0
        )

    def test_the_team_sees_the_consents_of_its_case(self) -> None:
        bundle = self.search(f"/fhir/Consent?patient=Patient/{self.person.uuid}", "team")
        purposes = sorted(
            entry["resource"]["provision"]["purpose"][0]["code"] for entry in bundle["entry"]
        )
        self.assertEqual(purposes, ["feedback", "provider", "team"])

    def test_a_forwarded_referral_is_replaced_by_the_new_one(self) -> None:
        first = actions.refer_to_team(
            self.person,
            self.team_m,
            source="clinician",
            acting_user=self.gp,
            referring_organization=self.health_centre_a,
        )
        new = actions.forward_referral(
            first, self.team_a, consent_method="verbal", acting_user=self.municipal_link_worker
        )
        old = self.read(f"/fhir/ServiceRequest/{first.uuid}", "referrer")
        self.assertEqual(old["status"], "revoked")
        replacing = self.read(f"/fhir/ServiceRequest/{new.uuid}", "referrer")
        self.assertEqual(replacing["replaces"], [{"reference": f"ServiceRequest/{first.uuid}"}])


class ReferrerTests(FhirTestCase):
    def test_the_health_centre_follows_its_referral(self) -> None:
        bundle = self.search(f"/fhir/ServiceRequest?patient={self.person.uuid}", "referrer")
        self.assertEqual(self.ids(bundle), [str(self.case.referral.uuid)])
        self.assertEqual(bundle["entry"][0]["resource"]["status"], "active")
        actions.close_case(self.case, reason="goals_met", acting_user=self.municipal_link_worker)
        closed = self.read(f"/fhir/ServiceRequest/{self.case.referral.uuid}", "referrer")
        self.assertEqual(closed["status"], "completed")
        self.assertEqual(
            self.search("/fhir/ServiceRequest?status=completed", "referrer")["total"], 1
        )
        self.assertEqual(self.search("/fhir/ServiceRequest?status=active", "referrer")["total"], 0)

    def test_the_health_centre_sees_the_status_not_the_providers_words(self) -> None:
        actions.answer_activity_referral(
            self.task, actions.Answer.DECLINE, acting_user=self.provider, text="Vi har slutat."
        )
        response = self.fhir(
            f"/fhir/Task?based-on=ServiceRequest/{self.case.referral.uuid}",
            "referrer",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        bundle = self.body(response)
        validate(bundle)
        task = bundle["entry"][0]["resource"]
        self.assertEqual(task["status"], "rejected")
        self.assertEqual(task["statusReason"]["text"], "The provider declined")
        for withheld in ("note", "input"):
            self.assertNotIn(withheld, task)
        self.assertNotIn("Vi har slutat", str(bundle))

    def test_without_consent_to_feedback_the_health_centre_sees_no_task(self) -> None:
        feedback = Consent.objects.get(person=self.person, scope=Consent.Scope.FEEDBACK)
        people_actions.withdraw_consent(feedback, acting_user=self.municipal_link_worker)
        self.assert_outcome(self.fhir(f"/fhir/Task/{self.task.uuid}", "referrer"), 404)
        self.assertEqual(self.search("/fhir/Task", "referrer")["total"], 0)
        # The referral itself it made, and still follows.
        self.read(f"/fhir/ServiceRequest/{self.case.referral.uuid}", "referrer")

    def test_the_health_centre_reads_no_scores(self) -> None:
        assessment = self.make_assessment()
        self.assert_outcome(
            self.fhir(f"/fhir/QuestionnaireResponse/{assessment.uuid}", "referrer"), 404
        )


class OutsiderTests(FhirTestCase):
    def test_an_outsiders_key_sees_nothing(self) -> None:
        assessment = self.make_assessment()
        for path in (
            f"/fhir/Task/{self.task.uuid}",
            f"/fhir/Patient/{self.person.uuid}",
            f"/fhir/ServiceRequest/{self.case.referral.uuid}",
            f"/fhir/Consent/{self.task.consent_id}",
            f"/fhir/QuestionnaireResponse/{assessment.uuid}",
        ):
            with self.subTest(path=path):
                self.assert_outcome(self.fhir(path, "outsider"), 404)
        for path in (
            "/fhir/Task",
            "/fhir/Patient",
            "/fhir/ServiceRequest",
            "/fhir/Consent",
            "/fhir/QuestionnaireResponse",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.search(path, "outsider")["total"], 0)

    def test_a_refused_read_is_logged_as_denied(self) -> None:
        self.fhir(f"/fhir/Task/{self.task.uuid}", "outsider")
        event = AuditEvent.objects.filter(object_type="referrals.activityreferral").order_by(
            "-sequence"
        )[0]
        self.assertEqual(event.action, Action.DENIED)
        self.assertEqual(event.object_id, str(self.task.uuid))

    def test_a_session_is_no_credential(self) -> None:
        self.login(self.municipal_link_worker)
        response = self.fhir(f"/fhir/Task/{self.task.uuid}", key=None)  # type: ignore[arg-type]
        self.assert_outcome(response, 401, "login")
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="lotsa"')

    def test_a_key_needs_the_scope_of_the_resource(self) -> None:
        directory_only = self.make_key(self.association, "directory:read")
        self.assert_outcome(self.fhir("/fhir/Task", directory_only), 403, "forbidden")
        self.search("/fhir/HealthcareService", directory_only)
        self.search("/fhir/Questionnaire", directory_only)
        referrals_only = self.make_key(self.association, "referrals:read")
        self.assert_outcome(self.fhir("/fhir/HealthcareService", referrals_only), 403)

    def test_a_revoked_or_forged_key_is_refused(self) -> None:
        api_key, key = account_actions.create_api_key(
            self.association, name="x", scopes=["referrals:read"], acting_user=self.admin
        )
        account_actions.revoke_api_key(api_key, acting_user=self.admin)
        response = self.fhir("/fhir/Task", key)
        self.assert_outcome(response, 401)
        self.assertIn('error="invalid_token"', response["WWW-Authenticate"])
        self.assert_outcome(self.fhir("/fhir/Task", "lotsa_nonsense"), 401)


class AuditTests(FhirTestCase):
    def events_after(self, sequence: int) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(sequence__gt=sequence).order_by("sequence"))

    def last_sequence(self) -> int:
        return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]

    def test_a_read_logs_the_key_and_the_person(self) -> None:
        before = self.last_sequence()
        self.fhir(f"/fhir/Task/{self.task.uuid}", REMOTE_ADDR="192.0.2.9")
        key_use, read = self.events_after(before)
        self.assertEqual(key_use.object_type, "accounts.apikey")
        self.assertEqual(read.action, Action.READ)
        self.assertEqual(read.object_type, "referrals.activityreferral")
        self.assertEqual(read.person_uuid, self.person.uuid)
        self.assertEqual(read.organization_id, self.association.pk)
        self.assertIsNone(read.user)
        self.assertEqual(read.ip_address, "192.0.2.9")
        self.assertRegex(read.purpose, r"^FHIR Task read \(API key [0-9a-f]{12}\)$")

    def test_a_search_logs_each_person_shown_once(self) -> None:
        ucla3 = self.make_assessment()
        who5 = self.make_assessment("who5")
        before = self.last_sequence()
        bundle = self.search("/fhir/QuestionnaireResponse", "team")
        events = [e for e in self.events_after(before) if e.object_type != "accounts.apikey"]
        self.assertEqual(len(events), bundle["total"])
        self.assertEqual({e.object_id for e in events}, {str(ucla3.pk), str(who5.pk)})
        self.assertEqual({e.person_uuid for e in events}, {self.person.uuid})

    def test_a_page_with_nobody_logs_nobody(self) -> None:
        before = self.last_sequence()
        self.search("/fhir/Task?_count=0", "team")
        self.search("/fhir/HealthcareService")
        self.search("/fhir/Questionnaire")
        kinds = {e.object_type for e in self.events_after(before)}
        self.assertEqual(kinds, {"accounts.apikey"})


class SearchTests(FhirTestCase):
    def test_tasks_are_found_by_status_owner_and_patient(self) -> None:
        found = self.search(
            f"/fhir/Task?status=requested,accepted&owner=HealthcareService/{self.offering.uuid}"
        )
        self.assertEqual(self.ids(found), [str(self.task.uuid)])
        self.assertEqual(self.search("/fhir/Task?status=accepted")["total"], 0)
        self.assertEqual(
            self.search(f"/fhir/Task?patient=http://x.example/fhir/Patient/{self.person.uuid}")[
                "total"
            ],
            1,
        )

    def test_last_updated_follows_the_answers(self) -> None:
        since = timezone.now()
        self.assertEqual(self.search(f"/fhir/Task?_lastUpdated=gt{since:%Y-%m-%d}")["total"], 0)
        self.assertEqual(self.search(f"/fhir/Task?_lastUpdated=ge{since:%Y-%m-%d}")["total"], 1)
        stamp = since.isoformat().replace("+00:00", "Z")
        self.assertEqual(self.search(f"/fhir/Task?_lastUpdated=ge{stamp}")["total"], 0)
        actions.answer_activity_referral(
            self.task, actions.Answer.ACCEPT, acting_user=self.provider
        )
        found = self.search(f"/fhir/Task?_lastUpdated=ge{stamp}")
        self.assertEqual(found["total"], 1)
        self.assertGreaterEqual(found["entry"][0]["resource"]["meta"]["lastUpdated"], stamp[:19])

    def test_pages_link_to_each_other(self) -> None:
        first = self.search("/fhir/Questionnaire?_count=4")
        self.assertEqual(first["total"], 6)
        self.assertEqual(len(first["entry"]), 4)
        links = {link["relation"]: link["url"] for link in first["link"]}
        self.assertIn("_offset=4", links["next"])
        self.assertNotIn("previous", links)
        second = self.search(links["next"].removeprefix("http://testserver"))
        self.assertEqual(len(second["entry"]), 2)
        self.assertNotIn("next", {link["relation"] for link in second["link"]})
        only_total = self.search("/fhir/Questionnaire?_count=0")
        self.assertEqual((only_total["total"], only_total.get("entry")), (6, None))

    def test_healthcare_services_by_capacity_name_and_activity(self) -> None:
        self.assertEqual(
            self.ids(self.search("/fhir/HealthcareService?capacity-status=capacity")),
            [str(self.offering.uuid)],
        )
        self.assertEqual(
            self.search("/fhir/HealthcareService?capacity-status=waitlist")["total"], 0
        )
        self.assertEqual(self.search("/fhir/HealthcareService?name=promenad")["total"], 1)
        self.assertEqual(self.search("/fhir/HealthcareService?active=false")["total"], 0)
        bundle = self.search("/fhir/HealthcareService")
        validate(bundle)
