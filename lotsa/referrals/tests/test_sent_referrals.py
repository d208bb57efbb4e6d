"""What a clinician sees of the referrals their unit made, and how it went (with consent)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lotsa.people import actions as people_actions
from lotsa.people.models import Consent
from lotsa.referrals import actions
from lotsa.referrals.actions import Answer
from lotsa.referrals.models import Case, Contact, Referral
from lotsa.test import (
    BaseTestCase,
    make_activity_referral,
    make_case,
    make_offering,
    make_person,
    make_referral,
)


def url(name: str, *args: Any) -> str:
    """A URL under /en/, so that labels compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


LIST = url("referrals:sent")


class SentReferralListTests(BaseTestCase):
    def test_it_lists_the_units_referrals(self) -> None:
        referral = make_referral(self.team_a, self.gp, make_person("Berit", "Holm"))
        self.login(self.gp)
        response = self.client.get(LIST)
        self.assertContains(response, "Berit Holm")
        self.assertContains(response, url("referrals:sent-detail", referral.uuid))
        self.assertContains(response, "Hälsolotsarna Ålidhem")
        self.assertContains(response, "New")
        self.assertContains(response, "Not yet")

    def test_it_shows_status_and_first_contact(self) -> None:
        case = make_case(self.team_a, self.link_worker, self.gp)
        actions.record_contact(case, channel=Contact.Channel.PHONE, acting_user=self.link_worker)
        self.login(self.gp)
        response = self.client.get(LIST)
        self.assertContains(response, "Case opened")
        self.assertContains(response, "Yes, ")

    def test_it_lists_the_referrals_of_colleagues_at_the_unit(self) -> None:
        colleague = self.gp.__class__.objects.create_user(email="gp2@example.org")
        colleague.memberships.create(organization=self.health_centre_a, role="clinician")
        make_referral(self.team_a, colleague, make_person("Cilla", "Ek"))
        self.login(self.gp)
        self.assertContains(self.client.get(LIST), "Cilla Ek")

    def test_the_outsider_does_not_see_them(self) -> None:
        make_referral(self.team_a, self.gp, make_person("Berit", "Holm"))
        make_referral(self.team_b, self.outsider, make_person("Dora", "Lund"))
        self.login(self.outsider)
        response = self.client.get(LIST)
        self.assertNotContains(response, "Berit Holm")
        self.assertContains(response, "Dora Lund")

    def test_it_does_not_list_flags_or_self_referrals(self) -> None:
        make_referral(
            self.team_a,
            self.connector,
            make_person("Flaggad", "X"),
            source=Referral.Source.CONNECTOR,
        )
        make_referral(self.team_a, None, make_person("Själv", "Y"), source=Referral.Source.SELF)
        self.login(self.gp)
        response = self.client.get(LIST)
        self.assertNotContains(response, "Flaggad")
        self.assertNotContains(response, "Själv")

    def test_it_is_not_found_for_anyone_but_clinicians(self) -> None:
        for user in (self.link_worker, self.connector, self.provider, self.outsider_link_worker):
            self.login(user)
            self.assertEqual(self.client.get(LIST).status_code, 404, user)

    def test_it_takes_as_many_queries_for_three_rows_as_for_one(self) -> None:
        self.login(self.gp)
        make_referral(self.team_a, self.gp, make_person("Ett", "A"))
        with CaptureQueriesContext(connection) as one:
            self.client.get(LIST)
        make_referral(self.team_a, self.gp, make_person("Två", "B"))
        make_referral(self.team_a, self.gp, make_person("Tre", "C"))
        with CaptureQueriesContext(connection) as three:
            response = self.client.get(LIST)
        self.assertContains(response, "Tre C")
        self.assertEqual(len(one), len(three))


class SentReferralDetailTests(BaseTestCase):
    def setUp(self) -> None:
        self.offering = make_offering(self.association, "Promenadgruppen", capacity=5)

    def started_case(self, **extra: Any) -> Case:
        case = make_case(self.team_a, self.link_worker, self.gp, **extra)
        activity_referral = make_activity_referral(case, self.offering, self.link_worker)
        actions.answer_activity_referral(
            activity_referral, Answer.ACCEPT, acting_user=self.provider
        )
        actions.record_participation(activity_referral, "started", acting_user=self.provider)
        actions.record_contact(
            case,
            channel=Contact.Channel.PHONE,
            note="SECRET CONTACT NOTE",
            acting_user=self.link_worker,
        )
        case.refresh_from_db()
        actions.update_case(
            case,
            {"what_matters": "SECRET WHAT MATTERS", "plan": "SECRET PLAN"},
            acting_user=self.link_worker,
        )
        case.refresh_from_db()
        return case

    def detail(self, referral: Referral) -> str:
        return url("referrals:sent-detail", referral.uuid)

    def test_it_shows_the_status_of_a_new_referral(self) -> None:
        referral = make_referral(self.team_a, self.gp)
        self.login(self.gp)
        response = self.client.get(self.detail(referral))
        self.assertContains(response, "Astrid Lindqvist")
        self.assertContains(response, "New")
        self.assertContains(response, "Not yet; due by")
        self.assertNotContains(response, "How it went")

    def test_it_shows_the_pathway_stage_and_how_it_went_with_consent(self) -> None:
        case = self.started_case()
        self.login(self.gp)
        response = self.client.get(self.detail(case.referral))
        self.assertContains(response, "Case opened")
        self.assertContains(response, "In an activity")
        self.assertContains(response, "Promenadgruppen")
        self.assertContains(response, "Started")
        for secret in ("SECRET CONTACT NOTE", "SECRET WHAT MATTERS", "SECRET PLAN"):
            self.assertNotContains(response, secret)

    def test_it_hides_how_it_went_without_feedback_consent(self) -> None:
        case = self.started_case(feedback_consent=False)
        self.login(self.gp)
        response = self.client.get(self.detail(case.referral))
        self.assertContains(response, "Case opened")
        self.assertNotContains(response, "In an activity")
        self.assertNotContains(response, "Promenadgruppen")
        self.assertContains(response, "has not agreed that your unit sees how it went")

    def test_a_withdrawn_feedback_consent_hides_it_on_the_next_request(self) -> None:
        case = self.started_case()
        self.login(self.gp)
        self.assertContains(self.client.get(self.detail(case.referral)), "Promenadgruppen")
        consent = case.person.consents.get(scope=Consent.Scope.FEEDBACK)
        people_actions.withdraw_consent(consent, acting_user=self.link_worker)
        response = self.client.get(self.detail(case.referral))
        self.assertNotContains(response, "Promenadgruppen")

    def test_a_feedback_consent_for_another_unit_does_not_count(self) -> None:
        case = self.started_case(feedback_consent=False)
        people_actions.record_consent(
            case.person,
            Consent.Scope.FEEDBACK,
            method=Consent.Method.VERBAL,
            organization=self.health_centre_b,
            acting_user=self.link_worker,
        )
        self.login(self.gp)
        self.assertNotContains(self.client.get(self.detail(case.referral)), "Promenadgruppen")

    def test_it_shows_why_a_case_closed_and_what_came_next(self) -> None:
        case = self.started_case()
        actions.close_case(
            case,
            reason=Case.ClosureReason.GOALS_MET,
            next_step=Case.NextStep.STUDIES,
            note="SECRET CLOSING NOTE",
            acting_user=self.link_worker,
        )
        self.login(self.gp)
        response = self.client.get(self.detail(case.referral))
        self.assertContains(response, "Goals met")
        self.assertContains(response, "Studies")
        self.assertNotContains(response, "SECRET CLOSING NOTE")

    def test_it_shows_a_forwarded_referral(self) -> None:
        referral = make_referral(self.team_a, self.gp)
        actions.forward_referral(
            referral, self.team_b, consent_method="verbal", acting_user=self.link_worker
        )
        self.login(self.gp)
        response = self.client.get(self.detail(referral))
        self.assertContains(response, "Forwarded")
        self.assertContains(response, "Hälsolotsarna Teg")

    def test_the_outsider_is_refused(self) -> None:
        case = self.started_case()
        for user in (self.outsider, self.outsider_link_worker, self.link_worker, self.provider):
            self.login(user)
            self.assertEqual(self.client.get(self.detail(case.referral)).status_code, 404, user)

    def test_a_connector_cannot_see_a_clinicians_referral(self) -> None:
        referral = make_referral(self.team_a, self.gp)
        self.login(self.connector)
        self.assertEqual(self.client.get(self.detail(referral)).status_code, 404)

    def test_an_unknown_referral_is_not_found(self) -> None:
        self.login(self.gp)
        response = self.client.get(
            url("referrals:sent-detail", "00000000-0000-0000-0000-000000000000")
        )
        self.assertEqual(response.status_code, 404)
