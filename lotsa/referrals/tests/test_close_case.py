"""Closing a case: reason and next step; a closed case is read-only."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import translation

from lotsa.referrals.models import ActivityReferral, Case, Contact
from lotsa.test import BaseTestCase, make_activity_referral, make_case, make_offering


def en_url(name: str, *args: object) -> str:
    """A URL under /en/, so that texts compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


class CloseCaseTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self.team_a, self.link_worker, self.gp)
        self.url = en_url("referrals:close-case", self.case.uuid)
        self.case_url = en_url("referrals:case", self.case.uuid)

    def close(self) -> None:
        self.login(self.link_worker)
        self.client.post(
            self.url,
            {"reason": Case.ClosureReason.GOALS_MET, "next_step": Case.NextStep.STUDIES},
        )
        self.case.refresh_from_db()

    def test_it_closes_with_reason_and_next_step(self) -> None:
        self.login(self.link_worker)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        response = self.client.post(
            self.url,
            {
                "reason": Case.ClosureReason.GOALS_MET,
                "next_step": Case.NextStep.WORK,
                "note": "Started a job in May.",
            },
        )
        self.assertRedirects(response, self.case_url)
        self.case.refresh_from_db()
        self.assertFalse(self.case.is_open)
        self.assertEqual(self.case.closure_reason, Case.ClosureReason.GOALS_MET)
        self.assertEqual(self.case.next_step, Case.NextStep.WORK)
        self.assertEqual(self.case.closure_note, "Started a job in May.")

    def test_it_needs_a_reason(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url, {"next_step": Case.NextStep.WORK})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Choose why the case is closed.")
        self.case.refresh_from_db()
        self.assertTrue(self.case.is_open)

    def test_the_next_step_is_optional(self) -> None:
        self.login(self.link_worker)
        self.client.post(self.url, {"reason": Case.ClosureReason.NO_CONTACT})
        self.case.refresh_from_db()
        self.assertFalse(self.case.is_open)
        self.assertEqual(self.case.next_step, "")

    def test_it_warns_about_and_withdraws_waiting_activity_referrals(self) -> None:
        waiting = make_activity_referral(
            self.case, make_offering(self.association), self.link_worker
        )
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertContains(response, "Closing the case withdraws them")
        self.assertContains(response, "Promenadgruppen")
        self.close()
        waiting.refresh_from_db()
        self.assertEqual(waiting.status, ActivityReferral.Status.CANCELLED)

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        for user in (self.outsider_link_worker, self.outsider, self.provider, self.gp):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 404, user.email)
            response = self.client.post(self.url, {"reason": Case.ClosureReason.MOVED})
            self.assertEqual(response.status_code, 404, user.email)
        self.case.refresh_from_db()
        self.assertTrue(self.case.is_open)

    def test_a_closed_case_shows_no_forms(self) -> None:
        self.close()
        response = self.client.get(self.case_url)
        self.assertContains(response, "The case was closed on")
        self.assertContains(response, "Goals met")
        self.assertContains(response, "Studies")
        for name in ("add-contact", "change-stage", "case-edit", "find-offering", "close-case"):
            self.assertNotContains(response, en_url(f"referrals:{name}", self.case.uuid))

    def test_a_closed_case_refuses_changes(self) -> None:
        self.close()
        contact = {"happened_on": self.today().isoformat(), "channel": Contact.Channel.PHONE}
        attempts = [
            ("add-contact", contact),
            ("change-stage", {"stage": Case.Stage.TALKS}),
            ("case-edit", {"what_matters": "x", "group_preference": "either"}),
            ("close-case", {"reason": Case.ClosureReason.OTHER}),
            ("person-edit", {"first_name": "Changed", "contact_preference": "none"}),
        ]
        for name, data in attempts:
            response = self.client.post(en_url(f"referrals:{name}", self.case.uuid), data)
            self.assertRedirects(
                response, self.case_url, msg_prefix=name, fetch_redirect_response=False
            )
        response = self.client.get(self.case_url)
        self.assertContains(response, "The case is closed and can no longer be changed.")
        self.case.refresh_from_db()
        self.assertEqual(self.case.stage, Case.Stage.MAPPING)
        self.assertEqual(self.case.what_matters, "")
        self.assertEqual(self.case.closure_reason, Case.ClosureReason.GOALS_MET)
        self.assertFalse(self.case.contacts.exists())
        self.assertEqual(self.case.person.first_name, "Astrid")
        self.assertLess(self.case.closed_at.date(), self.today() + dt.timedelta(days=1))
