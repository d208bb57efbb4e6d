"""The e-mailed answer link: no account, signed, expiring, used once; bad links explain
themselves and change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from lotsa.audit.models import AuditEvent
from lotsa.people import actions as people_actions
from lotsa.people.models import Consent
from lotsa.referrals import access, actions
from lotsa.referrals.actions import Answer
from lotsa.referrals.models import ActivityReferral, ActivityReferralEvent
from lotsa.test import BaseTestCase, make_activity_referral, make_case, make_offering

Status = ActivityReferral.Status


def link(token: str) -> str:
    with translation.override("en"):
        return reverse("referrals:answer-by-link", kwargs={"token": token})


class AnswerLinkTests(BaseTestCase):
    def setUp(self) -> None:
        self.offering = make_offering(self.association, "Promenadgruppen", capacity=1)
        self.case = make_case(self.team_a, self.link_worker, self.gp)
        self.case.person.email = "astrid@example.se"
        self.case.person.save()
        self.referral = make_activity_referral(
            self.case,
            self.offering,
            self.link_worker,
            fields=(Consent.Field.NAME,),
            message="Hon vill gärna gå i lugnt tempo.",
        )
        self.token = access.issue_answer_token(self.referral)

    def post(self, answer: str, text: str = "", token: str | None = None) -> Any:
        return self.client.post(
            link(token or self.token), {"form": "answer", "answer": answer, "text": text}
        )

    def assertUnchanged(self) -> None:
        self.referral.refresh_from_db()
        self.offering.refresh_from_db()
        self.assertEqual(self.referral.status, Status.REQUESTED)
        self.assertEqual(self.offering.places_taken, 0)

    def test_it_shows_the_answer_page_without_an_account(self) -> None:
        response = self.client.get(link(self.token))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Promenadgruppen")
        self.assertContains(response, "Astrid Lindqvist")
        self.assertContains(response, "Hon vill gärna gå i lugnt tempo.")
        self.assertNotContains(response, "astrid@example.se")
        self.assertNotContains(response, "+46701234567")
        self.assertNotContains(response, 'value="participation"')
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        event = AuditEvent.objects.get(
            action=AuditEvent.Action.READ, purpose="answer referral by link"
        )
        self.assertEqual((event.user, event.organization_id), (None, self.association.pk))

    def test_accepting_through_the_link_thanks_and_uses_the_link(self) -> None:
        response = self.post(Answer.ACCEPT)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Thank you for your answer")
        self.assertContains(response, "The link worker will follow up")
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Status.ACCEPTED)
        self.assertEqual(self.referral.link_nonce, "")
        event = ActivityReferralEvent.objects.filter(activity_referral=self.referral).last()
        assert event is not None
        self.assertEqual((event.by, event.via_link), (None, True))

        response = self.client.get(link(self.token))
        self.assertEqual(response.status_code, 410)
        self.assertContains(response, "already been used", status_code=410)

    def test_a_reused_link_gives_410_and_changes_nothing(self) -> None:
        self.post(Answer.NEEDS_INFORMATION, "Kan hon gå 3 km?")
        response = self.post(Answer.ACCEPT)
        self.assertEqual(response.status_code, 410)
        self.assertContains(response, "Nothing has been changed.", status_code=410)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Status.ON_HOLD)
        self.offering.refresh_from_db()
        self.assertEqual(self.offering.places_taken, 0)

    def test_an_expired_link_gives_410_says_so_and_changes_nothing(self) -> None:
        later = timezone.now() + dt.timedelta(days=settings.LOTSA_ANSWER_LINK_DAYS, hours=1)
        with time_machine.travel(later, tick=False):
            response = self.client.get(link(self.token))
            self.assertEqual(response.status_code, 410)
            self.assertContains(response, "The link has expired", status_code=410)
            self.assertContains(response, "Ask the link worker", status_code=410)
            # The expired page names nothing of the referral.
            self.assertNotContains(response, "Promenadgruppen", status_code=410)
            self.assertNotContains(response, "Astrid", status_code=410)
            self.assertNotContains(response, self.team_a.name, status_code=410)
            response = self.post(Answer.ACCEPT)
            self.assertEqual(response.status_code, 410)
        self.assertUnchanged()

    def test_a_link_still_works_on_its_last_day(self) -> None:
        later = timezone.now() + dt.timedelta(days=settings.LOTSA_ANSWER_LINK_DAYS, hours=-1)
        with time_machine.travel(later, tick=False):
            self.assertEqual(self.client.get(link(self.token)).status_code, 200)

    def test_a_tampered_link_gives_404_and_changes_nothing(self) -> None:
        for token in (self.token[:-3] + "abc", "nonsense", self.token + "x"):
            with self.subTest(token=token):
                response = self.client.get(link(token))
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, "The link does not work", status_code=404)
                self.assertNotContains(response, "Promenadgruppen", status_code=404)
                self.assertEqual(self.post(Answer.ACCEPT, token=token).status_code, 404)
        self.assertUnchanged()

    def test_a_newer_link_replaces_the_older(self) -> None:
        newer = access.issue_answer_token(self.referral)
        self.assertEqual(self.client.get(link(self.token)).status_code, 410)
        self.assertEqual(self.client.get(link(newer)).status_code, 200)

    def test_a_withdrawn_consent_makes_the_link_used(self) -> None:
        people_actions.withdraw_consent(self.referral.consent, acting_user=self.link_worker)
        response = self.client.get(link(self.token))
        self.assertEqual(response.status_code, 410)
        self.assertNotContains(response, "Astrid", status_code=410)
        self.assertEqual(self.post(Answer.ACCEPT).status_code, 410)
        self.assertUnchanged()

    def test_a_withdrawn_referral_makes_the_link_used(self) -> None:
        actions.cancel_activity_referral(
            self.referral,
            reason=ActivityReferral.Reason.PERSON_DECLINED,
            acting_user=self.link_worker,
        )
        self.assertEqual(self.client.get(link(self.token)).status_code, 410)

    def test_an_answer_given_in_the_inbox_meanwhile_makes_the_link_used(self) -> None:
        response = self.client.get(link(self.token))
        actions.answer_activity_referral(self.referral, Answer.NO_PLACE, acting_user=self.provider)
        response = self.post(Answer.ACCEPT)
        self.assertEqual(response.status_code, 410)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Status.REJECTED)

    def test_accepting_a_full_activity_through_the_link_says_it_is_full(self) -> None:
        other_case = make_case(self.team_a, self.link_worker, self.gp)
        other = make_activity_referral(other_case, self.offering, self.link_worker)
        actions.answer_activity_referral(other, Answer.ACCEPT, acting_user=self.provider)
        response = self.post(Answer.ACCEPT)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The last place was just taken.")
        self.assertContains(response, f'value="{Answer.WAITLIST}"')
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Status.REQUESTED)
        # The link still works for the answer that fits.
        response = self.post(Answer.WAITLIST)
        self.assertContains(response, "Thank you for your answer")
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.reason, ActivityReferral.Reason.WAITLISTED)

    def test_declining_through_the_link_needs_a_reason(self) -> None:
        response = self.post(Answer.DECLINE)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Say why you decline.")
        self.assertUnchanged()
        self.assertEqual(self.client.get(link(self.token)).status_code, 200)

    def test_a_link_opens_no_other_page(self) -> None:
        self.client.get(link(self.token))
        with translation.override("en"):
            page = reverse("referrals:provider-referral", args=[self.referral.uuid])
        response = self.client.get(page)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/login/", response["Location"])

    def test_the_link_answer_after_an_inbox_answer_changes_nothing(self) -> None:
        # The provider answered in the inbox while the link's page was open.
        stale = ActivityReferral.objects.get(pk=self.referral.pk)
        actions.answer_activity_referral(self.referral, Answer.WAITLIST, acting_user=self.provider)
        with mock.patch(
            "lotsa.referrals.views.answers.get_activity_referral_by_token", return_value=stale
        ):
            response = self.post(Answer.ACCEPT)
        self.assertEqual(response.status_code, 410)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ActivityReferral.Status.ON_HOLD)
        self.assertTrue(self.referral.on_waitlist)
        self.offering.refresh_from_db()
        self.assertEqual((self.offering.places_taken, self.offering.waitlist_length), (0, 1))
