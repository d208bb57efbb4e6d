"""Finding an activity, referring to it with capacity shown first, and following the referral."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils import translation

from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Offering
from lotsa.people.models import Consent
from lotsa.referrals import actions
from lotsa.referrals.actions import Answer
from lotsa.referrals.models import ActivityReferral, Case
from lotsa.test import BaseTestCase, make_activity_referral, make_case, make_offering


def en_url(name: str, *args: object) -> str:
    """A URL under /en/, so that texts compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


OUTSIDERS = ("outsider_link_worker", "outsider", "provider", "gp", "connector")


class ReferTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self.team_a, self.link_worker, self.gp)

    def assert_refused(self, method: str, url: str, data: dict[str, object] | None = None) -> None:
        for name in OUTSIDERS:
            user = getattr(self, name)
            self.login(user)
            response = getattr(self.client, method)(url, data or {})
            self.assertEqual(response.status_code, 404, f"{name} {url}")

    def close(self) -> None:
        actions.close_case(
            self.case, reason=Case.ClosureReason.GOALS_MET, acting_user=self.link_worker
        )


class FindOfferingTests(ReferTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = en_url("referrals:find-offering", self.case.uuid)

    def test_it_lists_active_published_offerings_with_their_places(self) -> None:
        walk = make_offering(self.association, capacity=5, places_taken=2)
        make_offering(self.association, "Avslutad", status=Offering.Status.ENDED)
        make_offering(self.association, "Pausad", status=Offering.Status.PAUSED)
        make_offering(self.association, "Utkast", is_published=False)
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertEqual([o.pk for o in response.context["results"]], [walk.pk])
        self.assertContains(response, "Places available")
        self.assertContains(response, "3 of 5 free")
        self.assertContains(response, en_url("referrals:refer", self.case.uuid, walk.uuid))

    def test_it_searches_by_words_and_category(self) -> None:
        walk = make_offering(self.association)
        choir = make_offering(
            self.association,
            "Kören",
            description="Vi sjunger tillsammans.",
            categories=("music-singing",),
        )
        self.login(self.link_worker)
        response = self.client.get(self.url, {"q": "promenad"})
        self.assertEqual([o.pk for o in response.context["results"]], [walk.pk])
        response = self.client.get(self.url, {"category": "music-singing"})
        self.assertEqual([o.pk for o in response.context["results"]], [choir.pk])

    def test_it_shows_a_full_offering_with_its_waiting_list(self) -> None:
        make_offering(self.association, capacity=4, places_taken=4, waitlist_length=2)
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertContains(response, "Full – waiting list")
        self.assertContains(response, "0 of 4 free")
        self.assertContains(response, "2 waiting")

    def test_it_offers_to_record_an_unmet_need(self) -> None:
        self.login(self.link_worker)
        response = self.client.get(self.url, {"q": "sorgegrupp"})
        self.assertContains(response, "Nothing fits? Record an unmet need")
        self.assertContains(
            response, en_url("referrals:unmet-need", self.case.uuid) + "?need=sorgegrupp"
        )

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        self.assert_refused("get", self.url)

    def test_it_refuses_a_closed_case(self) -> None:
        self.close()
        self.login(self.link_worker)
        response = self.client.get(self.url, follow=True)
        self.assertContains(response, "The case is closed")


class ReferTests(ReferTestCase):
    def url(self, offering: Offering) -> str:
        return en_url("referrals:refer", self.case.uuid, offering.uuid)

    def data(self, **extra: object) -> dict[str, object]:
        return {
            "fields_shared": [Consent.Field.NAME, Consent.Field.PHONE],
            "consent_method": Consent.Method.VERBAL,
            "agrees": "on",
            "message": "Astrid would like to start next week.",
            "submission_key": str(uuid.uuid4()),
            **extra,
        }

    def test_it_shows_the_offering_and_its_capacity_before_referring(self) -> None:
        offering = make_offering(self.association, capacity=3, places_taken=1)
        self.login(self.link_worker)
        response = self.client.get(self.url(offering))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Promenadgruppen")
        self.assertContains(response, "2 of 3 free")
        self.assertContains(
            response, "The person agrees that these details are sent to Föreningen Gå Tillsammans"
        )
        form = response.context["form"]
        self.assertEqual(form["fields_shared"].value(), ["name", "phone"])
        self.assertNotContains(response, "Put on the waiting list")

    def test_it_refers_sharing_only_the_chosen_details(self) -> None:
        offering = make_offering(self.association)
        self.login(self.link_worker)
        response = self.client.post(
            self.url(offering), self.data(fields_shared=[Consent.Field.NAME])
        )
        referral = ActivityReferral.objects.get()
        self.assertRedirects(response, en_url("referrals:activity-referral", referral.uuid))
        self.assertEqual(referral.status, ActivityReferral.Status.REQUESTED)
        self.assertEqual(referral.message, "Astrid would like to start next week.")
        self.assertEqual(referral.consent.fields, ["name"])
        self.assertEqual(referral.consent.organization, self.association)
        self.assertEqual(referral.consent.scope, Consent.Scope.PROVIDER)

    def test_it_needs_the_persons_agreement(self) -> None:
        offering = make_offering(self.association)
        self.login(self.link_worker)
        data = self.data()
        del data["agrees"]
        response = self.client.post(self.url(offering), data)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["agrees"])
        self.assertFalse(ActivityReferral.objects.exists())

    def test_it_needs_at_least_one_detail(self) -> None:
        offering = make_offering(self.association)
        self.login(self.link_worker)
        response = self.client.post(self.url(offering), self.data(fields_shared=[]))
        self.assertContains(response, "Choose at least one detail to send.")
        self.assertFalse(ActivityReferral.objects.exists())

    def test_a_form_sent_twice_refers_once(self) -> None:
        offering = make_offering(self.association)
        self.login(self.link_worker)
        data = self.data()
        first = self.client.post(self.url(offering), data)
        second = self.client.post(self.url(offering), data)
        self.assertEqual(ActivityReferral.objects.count(), 1)
        self.assertEqual(first["Location"], second["Location"])

    def test_it_refers_to_a_referral_only_offering_only_from_the_teams_it_names(self) -> None:
        offering = make_offering(self.association, how_to_join=Offering.HowToJoin.REFERRAL_ONLY)
        offering.referral_teams.set([self.team_b])
        self.login(self.link_worker)
        response = self.client.post(self.url(offering), self.data())
        self.assertContains(response, "not from your team")
        self.assertFalse(ActivityReferral.objects.filter(offering=offering).exists())
        offering.referral_teams.add(self.team_a)
        self.client.post(self.url(offering), self.data())
        self.assertTrue(ActivityReferral.objects.filter(offering=offering).exists())

    def test_it_refuses_a_second_open_referral_to_the_same_offering(self) -> None:
        offering = make_offering(self.association)
        existing = make_activity_referral(self.case, offering, self.link_worker)
        self.login(self.link_worker)
        response = self.client.get(self.url(offering))
        self.assertContains(response, en_url("referrals:activity-referral", existing.uuid))
        response = self.client.post(self.url(offering), self.data())
        self.assertContains(response, "already referred to this activity")
        self.assertEqual(ActivityReferral.objects.count(), 1)

    def test_a_full_offering_asks_explicitly_for_the_waiting_list(self) -> None:
        offering = make_offering(self.association, capacity=2, places_taken=2)
        self.login(self.link_worker)
        response = self.client.get(self.url(offering))
        self.assertContains(response, "Full – waiting list")
        self.assertContains(response, "Put on the waiting list")
        self.assertContains(response, en_url("referrals:find-offering", self.case.uuid))
        response = self.client.post(self.url(offering), self.data())
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["to_waitlist"])
        self.assertFalse(ActivityReferral.objects.exists())
        response = self.client.post(self.url(offering), self.data(to_waitlist="on"), follow=True)
        self.assertEqual(ActivityReferral.objects.count(), 1)
        self.assertContains(response, "asking for a place on the waiting list")

    def test_the_action_refuses_a_full_offering_that_filled_up_meanwhile(self) -> None:
        offering = make_offering(self.association, capacity=1)
        self.login(self.link_worker)
        self.client.get(self.url(offering))
        Offering.objects.filter(pk=offering.pk).update(places_taken=1)
        response = self.client.post(self.url(offering), self.data())
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["to_waitlist"])
        self.assertContains(response, "Put on the waiting list")
        self.assertFalse(ActivityReferral.objects.exists())

    def test_a_full_offering_without_waiting_list_suggests_others(self) -> None:
        offering = make_offering(self.association, capacity=1, places_taken=1, has_waitlist=False)
        other = make_offering(self.association, "Stavgång", capacity=10)
        make_offering(self.association, "Kören", categories=("music-singing",))
        make_offering(self.association, "Full", capacity=1, places_taken=1, has_waitlist=False)
        self.login(self.link_worker)
        response = self.client.get(self.url(offering))
        self.assertContains(response, "full and keeps no waiting list")
        self.assertEqual([o.pk for o in response.context["suggestions"]], [other.pk])
        self.assertContains(response, en_url("referrals:refer", self.case.uuid, other.uuid))
        response = self.client.post(self.url(offering), self.data(to_waitlist="on"))
        self.assertContains(response, "full and keeps no waiting list")
        self.assertFalse(ActivityReferral.objects.exists())

    def test_an_ended_or_paused_offering_is_refused(self) -> None:
        for status in (Offering.Status.ENDED, Offering.Status.PAUSED):
            offering = make_offering(self.association, f"Offering {status}", status=status)
            self.login(self.link_worker)
            response = self.client.get(self.url(offering))
            self.assertContains(response, "has ended or is paused — choose another")
            self.assertNotContains(response, 'name="agrees"')
            response = self.client.post(self.url(offering), self.data())
            self.assertContains(response, "has ended or is paused — choose another")
        self.assertFalse(ActivityReferral.objects.exists())

    def test_an_unpublished_offering_is_not_found(self) -> None:
        offering = make_offering(self.association, is_published=False)
        self.login(self.link_worker)
        self.assertEqual(self.client.get(self.url(offering)).status_code, 404)

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        offering = make_offering(self.association)
        self.assert_refused("get", self.url(offering))
        self.assert_refused("post", self.url(offering), self.data())
        self.assertFalse(ActivityReferral.objects.exists())

    def test_it_refuses_a_closed_case(self) -> None:
        offering = make_offering(self.association)
        self.close()
        self.login(self.link_worker)
        response = self.client.post(self.url(offering), self.data(), follow=True)
        self.assertContains(response, "The case is closed")
        self.assertFalse(ActivityReferral.objects.exists())


class ActivityReferralPageTests(ReferTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.offering = make_offering(self.association, capacity=5)
        self.referral = make_activity_referral(self.case, self.offering, self.link_worker)
        self.url = en_url("referrals:activity-referral", self.referral.uuid)

    def test_it_shows_status_history_and_what_is_shared(self) -> None:
        actions.answer_activity_referral(
            self.referral, Answer.ACCEPT, acting_user=None, via_link=True
        )
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Accepted")
        self.assertContains(response, "Sent, awaiting answer")
        self.assertContains(response, "via e-mailed link")
        self.assertContains(response, "lw@example.org")
        self.assertEqual(response.context["shared"].fields, ["name", "phone"])
        self.assertContains(response, "Astrid Lindqvist")
        self.assertContains(response, "070-123 45 67")
        self.assertContains(response, en_url("referrals:prescription-pdf", self.referral.uuid))
        self.assertContains(response, en_url("referrals:prescription-ics", self.referral.uuid))

    def test_it_withdraws_with_a_reason(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(
            self.url,
            {"action": "cancel", "reason": ActivityReferral.Reason.PERSON_DECLINED, "text": ""},
        )
        self.assertRedirects(response, self.url)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ActivityReferral.Status.CANCELLED)
        self.assertEqual(self.referral.reason, ActivityReferral.Reason.PERSON_DECLINED)

    def test_withdrawing_needs_a_reason(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url, {"action": "cancel"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["cancel_form"].errors["reason"])
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ActivityReferral.Status.REQUESTED)

    def test_it_records_participation_once_accepted(self) -> None:
        self.login(self.link_worker)
        data = {"action": "participation", "participation": "started", "on": self.today()}
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, "once the activity has accepted the person")
        actions.answer_activity_referral(self.referral, Answer.ACCEPT, acting_user=self.provider)
        self.client.post(self.url, data)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ActivityReferral.Status.IN_PROGRESS)
        self.assertEqual(self.referral.started_on, self.today())
        self.case.refresh_from_db()
        self.assertEqual(self.case.stage, Case.Stage.IN_ACTIVITY)

    def test_it_resends_the_answer_link_while_awaiting_an_answer(self) -> None:
        self.login(self.link_worker)
        self.assertContains(self.client.get(self.url), 'value="resend"')
        before = AuditEvent.objects.filter(action=AuditEvent.Action.DISCLOSE).count()
        response = self.client.post(self.url, {"action": "resend"}, follow=True)
        self.assertContains(response, "A new answer link is sent")
        after = AuditEvent.objects.filter(action=AuditEvent.Action.DISCLOSE).count()
        self.assertEqual(after, before + 1)
        actions.answer_activity_referral(self.referral, Answer.ACCEPT, acting_user=self.provider)
        self.assertNotContains(self.client.get(self.url), 'value="resend"')

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        self.assert_refused("get", self.url)
        self.assert_refused("post", self.url, {"action": "cancel", "reason": "person_declined"})
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ActivityReferral.Status.REQUESTED)

    def test_a_closed_case_is_read_only(self) -> None:
        actions.answer_activity_referral(self.referral, Answer.ACCEPT, acting_user=self.provider)
        self.close()
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertNotContains(response, 'value="participation"')
        data = {"action": "participation", "participation": "started", "on": self.today()}
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, "The case is closed")
        self.referral.refresh_from_db()
        # Closing cancelled the accepted referral that had not started, and freed its place.
        self.assertEqual(self.referral.status, ActivityReferral.Status.CANCELLED)
        self.assertFalse(self.referral.holds_place)
