"""Taking places: the last place goes to one answer only, and places come back when freed."""

from __future__ import annotations

from lotsa.referrals import actions
from lotsa.referrals.actions import Answer, ReferralError
from lotsa.referrals.models import ActivityReferral
from lotsa.test import (
    BaseTestCase,
    make_activity_referral,
    make_case,
    make_offering,
    make_referral,
)


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
        with self.assertRaises(ReferralError) as raised:
            actions.answer_activity_referral(referral, Answer.WAITLIST, acting_user=self.provider)
        self.assertEqual(raised.exception.code, "answered")
        self.offering.refresh_from_db()
        self.assertEqual(self.offering.waitlist_length, 1)


class PlacesComeBackTests(BaseTestCase):
    """Whatever ends a referral that holds a place or a waiting-list spot gives it back."""

    def setUp(self) -> None:
        self.offering = make_offering(self.association, capacity=2)
        self.case = make_case(self.team_a, self.link_worker, self.gp)
        self.referral = make_activity_referral(self.case, self.offering, self.link_worker)

    def places_taken(self) -> tuple[int, int]:
        self.offering.refresh_from_db()
        return self.offering.places_taken, self.offering.waitlist_length

    def test_closing_the_case_cancels_an_accepted_referral_and_frees_the_place(self) -> None:
        actions.answer_activity_referral(self.referral, Answer.ACCEPT, acting_user=self.provider)
        actions.close_case(self.case, reason="no_contact", acting_user=self.link_worker)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ActivityReferral.Status.CANCELLED)
        self.assertEqual(self.referral.reason, ActivityReferral.Reason.NO_CONTACT)
        self.assertEqual(self.places_taken(), (0, 0))

    def test_someone_already_in_the_activity_keeps_the_place_when_the_case_closes(self) -> None:
        actions.answer_activity_referral(self.referral, Answer.ACCEPT, acting_user=self.provider)
        actions.record_participation(self.referral, "started", acting_user=self.provider)
        actions.close_case(self.case, reason="goals_met", acting_user=self.link_worker)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ActivityReferral.Status.IN_PROGRESS)
        self.assertEqual(self.places_taken(), (1, 0))

    def test_withdrawing_the_consent_cancels_the_referral_and_frees_the_spot(self) -> None:
        actions.answer_activity_referral(self.referral, Answer.WAITLIST, acting_user=self.provider)
        self.assertEqual(self.places_taken(), (0, 1))
        actions.withdraw_consent(self.referral.consent, acting_user=self.link_worker)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ActivityReferral.Status.CANCELLED)
        self.assertEqual(self.places_taken(), (0, 0))

    def test_a_stale_second_answer_cannot_undo_the_waiting_list(self) -> None:
        stale = ActivityReferral.objects.get(pk=self.referral.pk)
        actions.answer_activity_referral(self.referral, Answer.WAITLIST, acting_user=self.provider)
        with self.assertRaises(ReferralError) as raised:
            actions.answer_activity_referral(
                stale, Answer.DECLINE, text="Passar inte", acting_user=self.provider
            )
        self.assertEqual(raised.exception.code, "answered")
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ActivityReferral.Status.ON_HOLD)
        self.assertEqual(self.places_taken(), (0, 1))

    def test_stopping_before_starting_is_not_completed(self) -> None:
        actions.answer_activity_referral(self.referral, Answer.ACCEPT, acting_user=self.provider)
        actions.record_participation(self.referral, "stopped", acting_user=self.link_worker)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ActivityReferral.Status.CANCELLED)
        self.assertEqual(self.referral.reason, ActivityReferral.Reason.PERSON_DECLINED)
        self.assertEqual(self.places_taken(), (0, 0))


class ReplyAndConsentTests(BaseTestCase):
    def setUp(self) -> None:
        self.offering = make_offering(self.association)
        self.case = make_case(self.team_a, self.link_worker, self.gp)

    def test_answering_the_providers_question_asks_them_again(self) -> None:
        referral = make_activity_referral(self.case, self.offering, self.link_worker)
        actions.answer_activity_referral(
            referral, Answer.NEEDS_INFORMATION, text="Kan hon gå 3 km?", acting_user=self.provider
        )
        actions.reply_to_provider(referral, "Ja, med stavar.", acting_user=self.link_worker)
        referral.refresh_from_db()
        self.assertEqual((referral.status, referral.reason), ("requested", ""))
        self.assertEqual(referral.events.last().text, "Ja, med stavar.")
        actions.answer_activity_referral(referral, Answer.ACCEPT, acting_user=self.provider)

    def test_nothing_is_sent_on_once_the_team_consent_is_withdrawn(self) -> None:
        team_consent = self.case.person.consents.get(scope="team")
        actions.withdraw_consent(team_consent, acting_user=self.link_worker)
        with self.assertRaises(ReferralError) as raised:
            make_activity_referral(self.case, self.offering, self.link_worker)
        self.assertEqual(raised.exception.code, "no_consent")
        self.assertFalse(ActivityReferral.objects.exists())

    def test_forwarding_records_how_the_person_agreed(self) -> None:
        referral = self.case.referral
        fresh = make_referral(self.team_a, self.gp)
        forwarded = actions.forward_referral(
            fresh, self.team_b, consent_method="written", acting_user=self.link_worker
        )
        consent = forwarded.person.consents.get(scope="team", team=self.team_b)
        self.assertEqual(consent.method, "written")
        self.assertNotEqual(referral.pk, forwarded.pk)

    def test_a_link_worker_who_left_the_organisation_loses_the_team(self) -> None:
        from lotsa.referrals import access

        self.assertIn(self.case, access.team_cases(self.link_worker))
        self.link_worker.memberships.all().delete()
        self.assertNotIn(self.case, access.team_cases(self.link_worker))


class TeamConsentTests(BaseTestCase):
    def test_withdrawing_the_team_consent_closes_the_case_and_frees_places(self) -> None:
        offering = make_offering(self.association, capacity=1)
        case = make_case(self.team_a, self.link_worker, self.gp)
        referral = make_activity_referral(case, offering, self.link_worker)
        actions.answer_activity_referral(referral, Answer.ACCEPT, acting_user=self.provider)

        team_consent = case.person.consents.get(scope="team", team=self.team_a)
        actions.withdraw_consent(team_consent, acting_user=self.link_worker)

        case.refresh_from_db()
        referral.refresh_from_db()
        offering.refresh_from_db()
        self.assertFalse(case.is_open)
        self.assertEqual(case.closure_reason, "declined")
        self.assertEqual(referral.status, ActivityReferral.Status.CANCELLED)
        self.assertEqual(offering.places_taken, 0)


class ForwardedFlagTests(BaseTestCase):
    def test_a_call_by_the_other_team_shows_on_the_original_flag(self) -> None:
        flag = make_referral(self.team_a, self.connector, source="connector")
        forwarded = actions.forward_referral(
            flag, self.team_b, consent_method="verbal", acting_user=self.link_worker
        )
        case = actions.open_case(forwarded, acting_user=self.outsider_link_worker)
        actions.record_contact(case, channel="phone", acting_user=self.outsider_link_worker)
        flag.refresh_from_db()
        self.assertIsNotNone(flag.first_contact_at)
