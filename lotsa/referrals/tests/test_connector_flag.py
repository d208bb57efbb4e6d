"""A volunteer connector flags someone to a link worker, and sees only whether someone called."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lotsa.accounts.models import Membership, Organization
from lotsa.people.models import Consent, Person
from lotsa.referrals import actions
from lotsa.referrals.models import Contact, Referral
from lotsa.test import BaseTestCase, make_organization, make_person, make_referral, make_user


def url(name: str, *args: Any) -> str:
    """A URL under /en/, so that messages compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


FLAG = url("referrals:flag")
FLAGS = url("referrals:flags")


class ConnectorFlagTests(BaseTestCase):
    def data(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "submission_key": str(uuid.uuid4()),
            "first_name": "Erik",
            "phone": "070-765 43 21",
            "details": "Sits alone at the library café every day since his wife died.",
            "agreed_to_be_called": "on",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    def post(self, **overrides: Any) -> HttpResponse:
        return self.client.post(FLAG, self.data(**overrides))

    def test_it_shows_the_form_to_a_connector(self) -> None:
        self.login(self.connector)
        response = self.client.get(FLAG)
        self.assertContains(response, "The person agreed to be called")
        self.assertContains(response, "Hälsolotsarna Ålidhem")

    def test_it_is_not_found_for_anyone_but_connectors(self) -> None:
        for user in (self.gp, self.link_worker, self.provider, self.outsider):
            self.login(user)
            self.assertEqual(self.client.get(FLAG).status_code, 404, user)
            self.assertEqual(self.post().status_code, 404, user)
            self.assertEqual(self.client.get(FLAGS).status_code, 404, user)
        self.assertFalse(Referral.objects.exists())

    def test_it_flags_someone_to_the_team_serving_the_connectors_organisation(self) -> None:
        self.login(self.connector)
        response = self.post()
        self.assertRedirects(response, FLAGS, fetch_redirect_response=False)
        referral = Referral.objects.get()
        self.assertEqual(referral.source, Referral.Source.CONNECTOR)
        self.assertEqual(referral.team, self.team_a)
        self.assertEqual(referral.referred_by, self.connector)
        self.assertTrue(referral.agreed_to_be_called)
        self.assertIn("library café", referral.details)
        person = referral.person
        self.assertEqual((person.first_name, person.last_name), ("Erik", ""))
        self.assertEqual(person.phone, "+46707654321")
        consent = person.consents.get()
        self.assertEqual((consent.scope, consent.method), (Consent.Scope.TEAM, "verbal"))
        self.assertContains(self.client.get(FLAGS), "Hälsolotsarna Ålidhem will call Erik")

    def test_it_needs_the_persons_agreement_to_be_called(self) -> None:
        self.login(self.connector)
        response = self.post(agreed_to_be_called=None)
        self.assertContains(response, "Ask the person first")
        self.assertFalse(Person.objects.exists())

    def test_it_rejects_an_invalid_phone_number(self) -> None:
        self.login(self.connector)
        response = self.post(phone="070-12")
        self.assertContains(response, "This is not a valid phone number.")
        self.assertContains(response, "library café")  # what was typed stays
        self.assertFalse(Referral.objects.exists())

    def test_a_double_submit_creates_one_flag(self) -> None:
        self.login(self.connector)
        data = self.data()
        self.client.post(FLAG, data)
        self.client.post(FLAG, data)
        self.assertEqual(Referral.objects.count(), 1)
        self.assertEqual(Person.objects.count(), 1)

    def test_without_a_serving_team_it_goes_to_a_team_of_the_municipality(self) -> None:
        self.team_b.takes_self_referrals = False
        self.team_b.save()
        club = make_organization("Träffpunkt Öst", Organization.Kind.ASSOCIATION)
        volunteer = make_user("volunteer@example.org", club, Membership.Role.CONNECTOR)
        self.login(volunteer)
        self.post()
        self.assertEqual(Referral.objects.get().team, self.team_a)

    def test_it_says_so_when_no_team_takes_flags(self) -> None:
        far_away = make_organization(
            "Stockholms träffpunkt", Organization.Kind.ASSOCIATION, municipality="SE-0180"
        )
        volunteer = make_user("far@example.org", far_away, Membership.Role.CONNECTOR)
        self.login(volunteer)
        self.assertContains(self.client.get(FLAG), "No link worker team takes flags")
        self.assertEqual(self.post().status_code, 200)
        self.assertFalse(Referral.objects.exists())


class MyFlagsTests(BaseTestCase):
    def setUp(self) -> None:
        self.flag = make_referral(
            self.team_a,
            self.connector,
            make_person("Erik", "Hemligsson"),
            source=Referral.Source.CONNECTOR,
            details="SECRET DETAILS",
        )
        other = make_user("other-connector@example.org", self.health_centre_a, "connector")
        self.others_flag = make_referral(
            self.team_a, other, make_person("Frida", "Annan"), source=Referral.Source.CONNECTOR
        )

    def test_it_lists_only_the_connectors_own_flags(self) -> None:
        self.login(self.connector)
        response = self.client.get(FLAGS)
        self.assertContains(response, "Erik")
        self.assertContains(response, "Not yet")
        self.assertNotContains(response, "Frida")
        self.assertNotContains(response, "Hemligsson")
        self.assertNotContains(response, "SECRET DETAILS")

    def test_it_shows_when_someone_has_called(self) -> None:
        case = actions.open_case(self.flag, acting_user=self.link_worker)
        actions.record_contact(
            case, channel=Contact.Channel.PHONE, note="SECRET NOTE", acting_user=self.link_worker
        )
        self.login(self.connector)
        response = self.client.get(FLAGS)
        self.assertContains(response, "Yes, on")
        self.assertNotContains(response, "SECRET NOTE")

    def test_the_flag_page_shows_nothing_about_the_case(self) -> None:
        case = actions.open_case(self.flag, acting_user=self.link_worker)
        actions.record_contact(
            case, channel=Contact.Channel.PHONE, note="SECRET NOTE", acting_user=self.link_worker
        )
        self.login(self.connector)
        response = self.client.get(url("referrals:sent-detail", self.flag.uuid))
        self.assertContains(response, "Erik")
        self.assertContains(response, "Yes, on")
        for hidden in ("Hemligsson", "SECRET DETAILS", "SECRET NOTE", "Case opened", "Mapping"):
            self.assertNotContains(response, hidden)

    def test_a_connector_cannot_open_anothers_flag(self) -> None:
        self.login(self.connector)
        response = self.client.get(url("referrals:sent-detail", self.others_flag.uuid))
        self.assertEqual(response.status_code, 404)

    def test_the_outsider_is_refused(self) -> None:
        for user in (self.outsider, self.gp):
            self.login(user)
            response = self.client.get(url("referrals:sent-detail", self.flag.uuid))
            self.assertEqual(response.status_code, 404, user)

    def test_it_takes_as_many_queries_for_three_rows_as_for_one(self) -> None:
        self.login(self.connector)
        with CaptureQueriesContext(connection) as one:
            self.client.get(FLAGS)
        for name in ("Gustav", "Hedda"):
            make_referral(
                self.team_a, self.connector, make_person(name), source=Referral.Source.CONNECTOR
            )
        with CaptureQueriesContext(connection) as three:
            response = self.client.get(FLAGS)
        self.assertContains(response, "Hedda")
        self.assertEqual(len(one), len(three))
