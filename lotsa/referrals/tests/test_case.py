"""The case: the person, the contact log, what matters and the plan, stage, consents."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import translation

from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Term
from lotsa.people.models import Consent
from lotsa.referrals import access, actions
from lotsa.referrals.models import Case, Contact, Referral
from lotsa.test import BaseTestCase, make_activity_referral, make_case, make_offering, terms


def en_url(name: str, *args: object) -> str:
    """A URL under /en/, so that texts compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


class CaseViewsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self.team_a, self.link_worker, self.gp, ucla3=(3, 3, 2))
        self.key = self.case.uuid

    def url(self, name: str, *args: object) -> str:
        return en_url(f"referrals:{name}", self.key, *args)

    def assert_refused(self, method: str, url: str, data: dict[str, object] | None = None) -> None:
        for user in (
            self.outsider_link_worker,
            self.outsider,
            self.provider,
            self.gp,
            self.connector,
        ):
            self.login(user)
            response = getattr(self.client, method)(url, data or {})
            self.assertEqual(response.status_code, 404, f"{user.email} {url}")


class CaseDetailTests(CaseViewsTestCase):
    def test_it_shows_the_person_referral_and_plan(self) -> None:
        Case.objects.filter(pk=self.case.pk).update(
            what_matters="Att träffa folk igen", available_days=["TU", "TH"]
        )
        self.login(self.link_worker)
        response = self.client.get(self.url("case"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Astrid Lindqvist")
        self.assertContains(response, "+46701234567")
        self.assertContains(response, "Score 8 of 9")
        self.assertContains(response, "Att träffa folk igen")
        self.assertContains(response, "Tuesday, Thursday")
        self.assertContains(response, self.url("find-offering"))
        self.assertContains(response, self.url("unmet-need"))
        self.assertContains(response, self.url("close-case"))

    def test_it_logs_the_read(self) -> None:
        self.login(self.link_worker)
        self.client.get(self.url("case"))
        self.assertTrue(
            AuditEvent.objects.filter(
                action=AuditEvent.Action.READ,
                object_type="referrals.case",
                object_id=str(self.case.pk),
                user=self.link_worker,
            ).exists()
        )

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        self.assert_refused("get", self.url("case"))

    def test_it_lists_activity_referrals(self) -> None:
        offering = make_offering(self.association)
        referral = make_activity_referral(self.case, offering, self.link_worker)
        self.login(self.link_worker)
        response = self.client.get(self.url("case"))
        self.assertContains(response, en_url("referrals:activity-referral", referral.uuid))
        self.assertContains(response, "Sent, awaiting answer")


class ContactTests(CaseViewsTestCase):
    def data(self, **extra: object) -> dict[str, object]:
        return {
            "happened_on": self.today().isoformat(),
            "channel": Contact.Channel.HOME_VISIT,
            "duration_minutes": "45",
            "reached": "on",
            "note": "Talked about the choir.",
            **extra,
        }

    def test_it_records_a_contact(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url("add-contact"), self.data())
        self.assertRedirects(response, self.url("case") + "#contacts")
        contact = self.case.contacts.get()
        self.assertEqual(contact.channel, Contact.Channel.HOME_VISIT)
        self.assertEqual(contact.duration_minutes, 45)
        self.assertTrue(contact.reached)
        self.assertEqual(contact.recorded_by, self.link_worker)
        self.assertIsNotNone(Referral.objects.get(pk=self.case.referral_id).first_contact_at)
        response = self.client.get(self.url("case"))
        self.assertContains(response, "Talked about the choir.")

    def test_it_records_that_the_person_was_not_reached(self) -> None:
        self.login(self.link_worker)
        data = self.data(channel=Contact.Channel.PHONE)
        del data["reached"]
        self.client.post(self.url("add-contact"), data)
        self.assertFalse(self.case.contacts.get().reached)

    def test_it_refuses_a_contact_in_the_future(self) -> None:
        self.login(self.link_worker)
        tomorrow = (self.today() + dt.timedelta(days=1)).isoformat()
        response = self.client.post(self.url("add-contact"), self.data(happened_on=tomorrow))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "A contact cannot be in the future.")
        self.assertFalse(self.case.contacts.exists())

    def test_it_needs_a_channel(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url("add-contact"), self.data(channel=""))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["contact_form"].errors["channel"])

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        self.assert_refused("post", self.url("add-contact"), self.data())
        self.assertFalse(self.case.contacts.exists())


class CaseEditTests(CaseViewsTestCase):
    def test_it_saves_what_matters_constraints_and_plan(self) -> None:
        self.login(self.link_worker)
        response = self.client.get(self.url("case-edit"))
        self.assertEqual(response.status_code, 200)
        next_week = self.today() + dt.timedelta(days=7)
        response = self.client.post(
            self.url("case-edit"),
            {
                "what_matters": "Sjunga i kör",
                "interests": ["music-singing", "meeting-place"],
                "available_days": ["MO", "WE"],
                "available_times": ["afternoon"],
                "max_travel_km": "5",
                "accessibility_needs": ["step-free"],
                "languages": ["sv", "fi"],
                "group_preference": Case.GroupPreference.GROUP,
                "needs_free": "on",
                "plan": "Try the choir in March.",
                "next_action_on": next_week.isoformat(),
            },
        )
        self.assertRedirects(response, self.url("case"))
        self.case.refresh_from_db()
        self.assertEqual(self.case.what_matters, "Sjunga i kör")
        self.assertEqual(self.case.available_days, ["MO", "WE"])
        self.assertEqual(self.case.available_times, ["afternoon"])
        self.assertEqual(self.case.max_travel_km, 5)
        self.assertTrue(self.case.needs_free)
        self.assertEqual(self.case.next_action_on, next_week)
        self.assertEqual(
            set(self.case.interests.all()),
            set(terms(Term.Vocabulary.CATEGORY, "music-singing", "meeting-place")),
        )
        self.assertEqual(set(self.case.languages.values_list("code", flat=True)), {"sv", "fi"})
        self.assertEqual(
            list(self.case.accessibility_needs.values_list("code", flat=True)), ["step-free"]
        )

    def test_it_refuses_an_unknown_weekday(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(
            self.url("case-edit"), {"available_days": ["XX"], "group_preference": "either"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["available_days"])

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        self.assert_refused("get", self.url("case-edit"))
        self.assert_refused("post", self.url("case-edit"), {"what_matters": "x"})
        self.case.refresh_from_db()
        self.assertEqual(self.case.what_matters, "")


class PersonEditTests(CaseViewsTestCase):
    def data(self, **extra: object) -> dict[str, object]:
        return {
            "first_name": "Astrid",
            "last_name": "Lindqvist",
            "phone": "070-765 43 21",
            "municipality": "SE-2480",
            "language": "fi",
            "needs_interpreter": "on",
            "contact_preference": "phone",
            **extra,
        }

    def test_it_saves_the_contact_details(self) -> None:
        self.login(self.link_worker)
        self.assertEqual(self.client.get(self.url("person-edit")).status_code, 200)
        response = self.client.post(self.url("person-edit"), self.data())
        self.assertRedirects(response, self.url("case"))
        person = self.case.person
        person.refresh_from_db()
        self.assertEqual(person.phone, "+46707654321")
        self.assertEqual(person.language, "fi")
        self.assertTrue(person.needs_interpreter)

    def test_it_refuses_an_invalid_phone_number(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url("person-edit"), self.data(phone="12"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["phone"])
        self.case.person.refresh_from_db()
        self.assertEqual(self.case.person.phone, "+46701234567")

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        self.assert_refused("get", self.url("person-edit"))
        self.assert_refused("post", self.url("person-edit"), self.data(first_name="Mallory"))
        self.case.person.refresh_from_db()
        self.assertEqual(self.case.person.first_name, "Astrid")


class StageTests(CaseViewsTestCase):
    def test_it_changes_the_stage(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url("change-stage"), {"stage": Case.Stage.READY})
        self.assertRedirects(response, self.url("case"))
        self.case.refresh_from_db()
        self.assertEqual(self.case.stage, Case.Stage.READY)

    def test_it_refuses_an_unknown_stage(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url("change-stage"), {"stage": "flying"})
        self.assertEqual(response.status_code, 200)
        self.case.refresh_from_db()
        self.assertEqual(self.case.stage, Case.Stage.MAPPING)

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        self.assert_refused("post", self.url("change-stage"), {"stage": Case.Stage.READY})
        self.case.refresh_from_db()
        self.assertEqual(self.case.stage, Case.Stage.MAPPING)


class WithdrawConsentTests(CaseViewsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.offering = make_offering(self.association)
        self.referral = make_activity_referral(self.case, self.offering, self.link_worker)
        self.consent = self.referral.consent

    def test_it_lists_the_consents_with_withdraw_buttons(self) -> None:
        self.login(self.link_worker)
        response = self.client.get(self.url("case"))
        self.assertContains(response, self.url("withdraw-consent", self.consent.pk))
        self.assertContains(response, "Föreningen Gå Tillsammans")

    def test_withdrawing_stops_the_provider_seeing_the_person(self) -> None:
        provider_page = en_url("referrals:provider-referral", self.referral.uuid)
        self.assertIn(self.referral, access.provider_referrals(self.provider))
        self.login(self.provider)
        self.assertEqual(self.client.get(provider_page).status_code, 200)
        self.login(self.link_worker)
        response = self.client.post(self.url("withdraw-consent", self.consent.pk))
        self.assertRedirects(response, self.url("case") + "#consents")
        self.consent.refresh_from_db()
        self.assertIsNotNone(self.consent.withdrawn_at)
        self.assertEqual(self.consent.withdrawn_by, self.link_worker)
        self.assertNotIn(self.referral, access.provider_referrals(self.provider))
        self.assertEqual(access.shared_details(self.referral).fields, [])
        self.login(self.provider)
        self.assertEqual(self.client.get(provider_page).status_code, 404)

    def test_it_refuses_a_consent_of_another_person(self) -> None:
        other = make_case(self.team_a, self.link_worker, self.gp)
        other_consent = other.person.consents.get(scope=Consent.Scope.TEAM)
        self.login(self.link_worker)
        response = self.client.post(self.url("withdraw-consent", other_consent.pk))
        self.assertEqual(response.status_code, 404)
        other_consent.refresh_from_db()
        self.assertIsNone(other_consent.withdrawn_at)

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        self.assert_refused("post", self.url("withdraw-consent", self.consent.pk))
        self.consent.refresh_from_db()
        self.assertIsNone(self.consent.withdrawn_at)

    def test_it_still_withdraws_on_a_closed_case(self) -> None:
        actions.close_case(
            self.case, reason=Case.ClosureReason.GOALS_MET, acting_user=self.link_worker
        )
        team_consent = self.case.person.consents.get(scope=Consent.Scope.TEAM)
        self.login(self.link_worker)
        self.client.post(self.url("withdraw-consent", team_consent.pk))
        team_consent.refresh_from_db()
        self.assertIsNotNone(team_consent.withdrawn_at)
