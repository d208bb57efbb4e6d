"""A clinician refers a patient to the link worker team: find or create the person, consent."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from lotsa.accounts.models import Membership, Organization
from lotsa.audit.models import AuditEvent
from lotsa.people.models import Consent, Person
from lotsa.referrals.models import Referral
from lotsa.referrals.views import intake
from lotsa.test import BaseTestCase, make_organization, make_person, make_referral, make_user


def url(name: str, *args: Any) -> str:
    """A URL under /en/, so that messages compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


URL = url("referrals:new")


class ClinicianReferralTests(BaseTestCase):
    def data(self, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "action": "send",
            "submission_key": str(uuid.uuid4()),
            "person": "",
            "person-first_name": "Berit",
            "person-last_name": "Holm",
            "person-identity_number": "19121212-1212",
            "person-phone": "070-123 45 67",
            "person-municipality": "SE-2480",
            "person-language": "sv",
            "person-contact_preference": "phone",
            "reasons": ["loneliness", "bereavement"],
            "details": "Lost her husband last year.",
            "ucla3_companionship": "3",
            "ucla3_left_out": "2",
            "ucla3_isolated": "3",
            "consent_method": "verbal",
            "team_consent": "on",
            "feedback_consent": "on",
            "unit": str(self.health_centre_a.pk),
            "team": str(self.team_a.pk),
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    def post(self, **overrides: Any) -> HttpResponse:
        return self.client.post(URL, self.data(**overrides))

    def test_it_shows_the_form_to_a_clinician(self) -> None:
        self.login(self.gp)
        response = self.client.get(URL)
        self.assertContains(response, "Hälsolotsarna Ålidhem")
        self.assertContains(response, "Hardly ever or never")
        self.assertContains(response, "Some of the time")
        self.assertContains(response, "Often")
        self.assertContains(
            response, "The patient agrees that the link worker team receives this referral"
        )
        self.assertContains(response, 'name="submission_key"')
        # One unit: no choice of unit to make.
        self.assertNotContains(response, "Referring unit")

    def test_it_is_not_found_for_anyone_but_clinicians(self) -> None:
        for user in (self.link_worker, self.connector, self.provider, self.manager, self.admin):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 404, user)
            self.assertEqual(self.post().status_code, 404, user)
        self.assertEqual(Referral.objects.count(), 0)

    def test_it_sends_visitors_to_sign_in(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])

    def test_it_refers_a_new_person(self) -> None:
        self.login(self.gp)
        response = self.post()
        referral = Referral.objects.get()
        self.assertRedirects(
            response,
            url("referrals:sent-detail", referral.uuid),
            fetch_redirect_response=False,
        )
        self.assertEqual(referral.source, Referral.Source.CLINICIAN)
        self.assertEqual(referral.team, self.team_a)
        self.assertEqual(referral.referring_organization, self.health_centre_a)
        self.assertEqual(referral.referred_by, self.gp)
        self.assertEqual(referral.reasons, ["loneliness", "bereavement"])
        self.assertEqual(referral.ucla3_answers, (3, 2, 3))
        self.assertEqual(referral.ucla3_score, 8)
        person = referral.person
        self.assertEqual(person.full_name, "Berit Holm")
        self.assertEqual(person.identity_number, "191212121212")
        self.assertEqual(person.identity_kind, "personnummer")
        self.assertEqual(str(person.birth_date), "1912-12-12")
        self.assertEqual(person.phone, "+46701234567")
        self.assertEqual(person.created_by, self.gp)
        scopes = set(person.consents.values_list("scope", "method"))
        self.assertEqual(scopes, {("team", "verbal"), ("feedback", "verbal")})
        feedback = person.consents.get(scope=Consent.Scope.FEEDBACK)
        self.assertEqual(feedback.organization, self.health_centre_a)
        page = self.client.get(response["Location"])
        self.assertContains(page, "The referral was sent to Hälsolotsarna Ålidhem")

    def test_the_identity_number_stays_out_of_the_address_bar(self) -> None:
        self.login(self.gp)
        response = self.post()
        self.assertNotIn("1212", response["Location"].replace(str(Referral.objects.get().uuid), ""))

    def test_it_records_no_feedback_consent_unless_given(self) -> None:
        self.login(self.gp)
        self.post(feedback_consent=None, consent_method="written")
        person = Referral.objects.get().person
        self.assertEqual(
            list(person.consents.values_list("scope", "method")), [("team", "written")]
        )

    def test_the_screening_is_optional(self) -> None:
        self.login(self.gp)
        self.post(ucla3_companionship=None, ucla3_left_out=None, ucla3_isolated=None)
        referral = Referral.objects.get()
        self.assertIsNone(referral.ucla3_score)

    def test_it_asks_for_all_three_screening_answers_or_none(self) -> None:
        self.login(self.gp)
        response = self.post(ucla3_isolated=None)
        self.assertContains(response, "Answer all three screening questions, or none of them.")
        self.assertFalse(Referral.objects.exists())

    def test_it_needs_the_patients_consent(self) -> None:
        self.login(self.gp)
        response = self.post(team_consent=None)
        self.assertContains(response, "The referral needs the patient&#x27;s consent.")
        self.assertFalse(Referral.objects.exists())
        self.assertFalse(Person.objects.exists())

    def test_it_needs_a_reason(self) -> None:
        self.login(self.gp)
        response = self.post(reasons=None)
        self.assertContains(response, "Choose at least one reason.")

    def test_it_rejects_an_invalid_identity_number_with_a_clear_message(self) -> None:
        self.login(self.gp)
        response = self.post(**{"person-identity_number": "19121212-1213"})
        self.assertContains(response, "This is not a valid Swedish personnummer")
        self.assertFalse(Person.objects.exists())
        errors = response.context["person_form"].errors["identity_number"]
        self.assertNotIn("1213", " ".join(errors))

    def test_it_rejects_an_invalid_phone_number_and_email(self) -> None:
        self.login(self.gp)
        response = self.post(**{"person-phone": "123", "person-email": "berit@"})
        self.assertContains(response, "This is not a valid phone number.")
        self.assertContains(response, "Enter a valid email address.")
        self.assertFalse(Referral.objects.exists())

    def test_a_double_submit_creates_one_referral(self) -> None:
        self.login(self.gp)
        data = self.data()
        first = self.client.post(URL, data)
        second = self.client.post(URL, data)
        self.assertEqual(Referral.objects.count(), 1)
        self.assertEqual(Person.objects.count(), 1)
        self.assertEqual(first["Location"], second["Location"])

    def test_a_form_sent_twice_at_once_keeps_one_person(self) -> None:
        # The other request won the race: its referral holds the key when this one arrives.
        key = uuid.uuid4()
        first = make_referral(self.team_a, self.gp, submission_key=key)
        referral = intake._refer_once(
            key,
            lambda: make_person("Dubbel"),
            self.team_a,
            source=Referral.Source.CLINICIAN,
            acting_user=self.gp,
        )
        self.assertEqual(referral, first)
        self.assertFalse(Person.objects.filter(first_name="Dubbel").exists())

    def test_it_offers_only_teams_that_serve_the_unit(self) -> None:
        self.login(self.gp)
        response = self.post(team=str(self.team_b.pk))
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Referral.objects.exists())

    def test_a_clinician_of_two_units_chooses_the_unit(self) -> None:
        Membership.objects.create(
            user=self.gp, organization=self.health_centre_b, role=Membership.Role.CLINICIAN
        )
        self.login(self.gp)
        self.assertContains(self.client.get(URL), "Referring unit")
        response = self.post(unit=str(self.health_centre_b.pk), team=str(self.team_a.pk))
        self.assertContains(response, "This team does not take referrals from the chosen unit.")
        self.post(unit=str(self.health_centre_b.pk), team=str(self.team_b.pk))
        referral = Referral.objects.get()
        self.assertEqual(referral.referring_organization, self.health_centre_b)
        self.assertEqual(referral.team, self.team_b)

    def test_it_says_so_when_no_team_serves_the_unit(self) -> None:
        lonely_unit = make_organization("Vårdcentralen Ensam", Organization.Kind.HEALTH_CENTRE)
        clinician = make_user("doc@example.org", lonely_unit, Membership.Role.CLINICIAN)
        self.login(clinician)
        self.assertContains(self.client.get(URL), "No link worker team takes referrals")


class FindingThePersonTests(BaseTestCase):
    def setUp(self) -> None:
        self.known = make_person(
            "Astrid", "Lindqvist", identity_number="191212121212", birth_date=None
        )
        self.known.birth_date = self.known.birth_date or None
        self.known.save()
        make_referral(self.team_a, self.gp, self.known)
        self.elsewhere = make_person("Astrid", "Berg", identity_number="198507099805")
        make_referral(self.team_b, self.outsider, self.elsewhere)

    def data(self, **overrides: Any) -> dict[str, Any]:
        return ClinicianReferralTests.data(self, **overrides)  # type: ignore[arg-type]

    def test_it_finds_a_person_the_unit_referred_by_name(self) -> None:
        self.login(self.gp)
        response = self.client.post(URL, {"action": "find", "find_query": "astrid"})
        self.assertContains(response, "Astrid Lindqvist")
        self.assertNotContains(response, "Astrid Berg")
        # A search does not judge the rest of the form.
        self.assertNotContains(response, "Please correct the errors below.")

    def test_it_finds_a_person_by_identity_number_sent_in_the_body(self) -> None:
        self.login(self.gp)
        response = self.client.post(URL, {"action": "find", "find_query": "19121212-1212"})
        self.assertContains(response, "Astrid Lindqvist")
        self.assertTrue(
            AuditEvent.objects.filter(
                action=AuditEvent.Action.READ,
                object_type="people.person",
                object_id=str(self.known.pk),
                user=self.gp,
            ).exists()
        )

    def test_it_finds_a_person_by_phone(self) -> None:
        self.login(self.gp)
        response = self.client.post(URL, {"action": "find", "find_query": "070-123 45 67"})
        self.assertContains(response, "Astrid Lindqvist")
        self.assertNotContains(response, "Astrid Berg")

    def test_it_never_finds_people_of_another_unit(self) -> None:
        self.login(self.gp)
        response = self.client.post(URL, {"action": "find", "find_query": "850709-9805"})
        self.assertNotContains(response, "Astrid Berg")
        self.assertContains(response, "No one your unit has referred matches.")

    def test_a_search_keeps_what_was_typed(self) -> None:
        self.login(self.gp)
        data = self.data(action="find", find_query="nobody", details="Som en vän sa.")
        response = self.client.post(URL, data)
        self.assertContains(response, "Som en vän sa.")
        self.assertContains(response, data["submission_key"])

    def test_it_refers_a_person_found(self) -> None:
        self.login(self.gp)
        self.client.post(URL, self.data(person=str(self.known.uuid)))
        referral = Referral.objects.latest("created_at")
        self.assertEqual(referral.person, self.known)
        self.assertEqual(Person.objects.count(), 2)

    def test_a_person_found_needs_no_new_persons_details(self) -> None:
        self.login(self.gp)
        data = self.data(person=str(self.known.uuid), reasons=None, **{"person-first_name": ""})
        response = self.client.post(URL, data)
        self.assertContains(response, "Choose at least one reason.")
        self.assertFalse(response.context["person_form"].errors)
        self.assertContains(
            response, f'value="{self.known.uuid}" id="person-{self.known.uuid}" checked'
        )

    def test_it_refuses_a_person_of_another_unit(self) -> None:
        self.login(self.gp)
        response = self.client.post(URL, self.data(person=str(self.elsewhere.uuid)))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice")
        self.assertEqual(Referral.objects.filter(referred_by=self.gp).count(), 1)

    def test_it_warns_about_a_person_with_the_same_identity_number(self) -> None:
        self.login(self.gp)
        response = self.client.post(URL, self.data())
        self.assertContains(response, "This patient may already be known")
        self.assertContains(response, "Astrid Lindqvist")
        self.assertContains(response, "Use this person")
        self.assertContains(response, "Create a new person anyway")
        self.assertEqual(Person.objects.count(), 2)
        self.assertEqual(Referral.objects.count(), 2)

    def test_it_warns_about_a_person_with_the_same_name_and_birth_date(self) -> None:
        self.known.birth_date = "1950-03-04"
        self.known.save()
        self.login(self.gp)
        response = self.client.post(
            URL,
            self.data(
                **{
                    "person-first_name": "astrid",
                    "person-last_name": "LINDQVIST",
                    "person-identity_number": "",
                    "person-birth_date": "1950-03-04",
                }
            ),
        )
        self.assertContains(response, "This patient may already be known")
        self.assertEqual(Person.objects.count(), 2)

    def test_it_uses_the_known_person_when_asked(self) -> None:
        self.login(self.gp)
        self.client.post(URL, self.data(use_person=str(self.known.uuid)))
        self.assertEqual(Person.objects.count(), 2)
        self.assertEqual(Referral.objects.latest("created_at").person, self.known)

    def test_it_creates_a_new_person_anyway_when_asked(self) -> None:
        self.login(self.gp)
        self.client.post(URL, self.data(create_anyway="1"))
        self.assertEqual(Person.objects.count(), 3)
        self.assertEqual(Referral.objects.latest("created_at").person.first_name, "Berit")

    def test_people_of_other_units_are_no_duplicates_to_warn_about(self) -> None:
        self.login(self.gp)
        response = self.client.post(URL, self.data(**{"person-identity_number": "198507099805"}))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Person.objects.count(), 3)

    def test_the_outsider_does_not_see_the_units_people(self) -> None:
        self.login(self.outsider)
        response = self.client.post(URL, {"action": "find", "find_query": "Lindqvist"})
        self.assertNotContains(response, "Astrid Lindqvist")
        response = self.client.post(
            URL, self.data(unit=str(self.health_centre_b.pk), team=str(self.team_b.pk))
        )
        self.assertNotContains(response, "Astrid Lindqvist", status_code=302)
