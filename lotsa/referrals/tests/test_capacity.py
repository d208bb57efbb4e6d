"""Taking places: the last place goes to one answer only, and places come back when freed."""

from __future__ import annotations

from lotsa.referrals import actions
from lotsa.referrals.actions import Answer, ReferralError
from lotsa.referrals.models import ActivityReferral
from lotsa.test import BaseTestCase, make_activity_referral, make_case, make_offering


class CapacityTests(BaseTestCase):
    def setUp(self) -> None:
        self.offering = make_offering(self.association, capacity=1)
        self.case = make_case(self.team_a, self.link_worker, self.gp)

    def test_it_takes_a_place_on_accept(self) -> None:
        referral = make_activity_referral(self.case, self.offering, self.link_worker)
        actions.answer_activity_referral(referral, Answer.ACCEPT, acting_user=self.provider)
        self.offering.refresh_from_db()
        self.assertEqual(self.offering.places_taken, 1)
        self.assertEqual(referral.status, ActivityReferral.Status.ACCEPTED)
        self.assertTrue(referral.holds_place)

    def test_it_refuses_the_second_accept_of_the_last_place(self) -> None:
        first = make_activity_referral(self.case, self.offering, self.link_worker)
        other_case = make_case(self.team_a, self.link_worker, self.gp)
        second = make_activity_referral(other_case, self.offering, self.link_worker)
        actions.answer_activity_referral(first, Answer.ACCEPT, acting_user=self.provider)
        with self.assertRaises(ReferralError) as raised:
            actions.answer_activity_referral(second, Answer.ACCEPT, acting_user=self.provider)
        self.assertEqual(raised.exception.code, "full")
        second.refresh_from_db()
        self.assertEqual(second.status, ActivityReferral.Status.REQUESTED)
        self.offering.refresh_from_db()
        self.assertEqual(self.offering.places_taken, 1)

    def test_it_gives_the_place_back_when_the_person_stops(self) -> None:
        referral = make_activity_referral(self.case, self.offering, self.link_worker)
        actions.answer_activity_referral(referral, Answer.ACCEPT, acting_user=self.provider)
        actions.record_participation(referral, "started", acting_user=self.provider)
        actions.record_participation(referral, "stopped", acting_user=self.link_worker)
        self.offering.refresh_from_db()
        referral.refresh_from_db()
        self.assertEqual(self.offering.places_taken, 0)
        self.assertEqual(referral.status, ActivityReferral.Status.COMPLETED)

    def test_an_answer_counts_once(self) -> None:
        referral = make_activity_referral(self.case, self.offering, self.link_worker)
        actions.answer_activity_referral(referral, Answer.WAITLIST, acting_user=self.provider)
        with self.assertRaises(ReferralError):
            actions.answer_activity_referral(referral, Answer.WAITLIST, acting_user=self.provider)
        self.offering.refresh_from_db()
        self.assertEqual(self.offering.waitlist_length, 1)
