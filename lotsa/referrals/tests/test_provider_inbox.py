"""The provider's inbox and answer page: only the consented details, answers, participation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lotsa.audit.models import AuditEvent
from lotsa.people import actions as people_actions
from lotsa.people.models import Consent
from lotsa.referrals import actions
from lotsa.referrals.actions import Answer
from lotsa.referrals.models import ActivityReferral, ActivityReferralEvent
from lotsa.test import (
    BaseTestCase,
    Role,
    make_activity_referral,
    make_case,
    make_offering,
    make_organization,
    make_user,
)

Field = Consent.Field
Status = ActivityReferral.Status


def url(name: str, *args: Any) -> str:
    """A URL under /en/, so that messages compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


class ProviderInboxTests(BaseTestCase):
    def setUp(self) -> None:
        self.offering = make_offering(self.association, "Promenadgruppen", capacity=10)
        self.case = make_case(self.team_a, self.link_worker, self.gp)
        person = self.case.person
        person.email = "astrid@example.se"
        person.birth_date = dt.date(1950, 5, 17)
        person.identity_number = "195005172383"
        person.save()
        self.case.what_matters = "Att träffa folk och komma ut i naturen"
        self.case.save()
        self.referral = make_activity_referral(
            self.case,
            self.offering,
            self.link_worker,
            fields=(Field.NAME, Field.PHONE),
            message="Hon vill gärna gå i lugnt tempo.",
        )

    def page(self, user: Any, referral: ActivityReferral | None = None) -> Any:
        self.login(user)
        return self.client.get(url("referrals:provider-referral", (referral or self.referral).uuid))

    def answer(self, answer: str, text: str = "", **extra: Any) -> Any:
        self.login(self.provider)
        data = {"form": "answer", "answer": answer, "text": text, **extra}
        return self.client.post(url("referrals:provider-referral", self.referral.uuid), data)

    # What the provider sees.

    def test_it_lists_the_referrals_to_our_activities_waiting_ones_first(self) -> None:
        answered_case = make_case(self.team_a, self.link_worker, self.gp)
        answered = make_activity_referral(answered_case, self.offering, self.link_worker)
        actions.answer_activity_referral(answered, Answer.ACCEPT, acting_user=self.provider)
        self.login(self.provider)
        response = self.client.get(url("referrals:provider-inbox"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual([row["referral"] for row in response.context["waiting"]], [self.referral])
        self.assertEqual([row["referral"] for row in response.context["others"]], [answered])
        self.assertContains(response, "Promenadgruppen")
        self.assertContains(response, "Astrid Lindqvist")

    def test_it_shows_the_name_and_phone_and_nothing_else_when_those_are_shared(self) -> None:
        for response in (
            self.page(self.provider),
            self.client.get(url("referrals:provider-inbox")),
        ):
            self.assertContains(response, "Astrid Lindqvist")
            self.assertContains(response, "070-123 45 67")
            self.assertNotContains(response, "astrid@example.se")
            self.assertNotContains(response, "Att träffa folk")
            self.assertNotContains(response, "1950")
            self.assertNotContains(response, "2383")
            self.assertNotContains(response, " years")
            self.assertNotContains(response, "Loneliness")

    def test_it_shows_the_email_age_and_words_and_not_the_name_when_those_are_shared(self) -> None:
        other_case = make_case(self.team_a, self.link_worker, self.gp)
        person = other_case.person
        person.email = "astrid@example.se"
        person.birth_date = dt.date(1950, 5, 17)
        person.save()
        other_case.what_matters = "Att träffa folk och komma ut i naturen"
        other_case.save()
        referral = make_activity_referral(
            other_case,
            make_offering(self.association, "Fikastunden"),
            self.link_worker,
            fields=(Field.EMAIL, Field.AGE, Field.WHAT_MATTERS),
        )
        response = self.page(self.provider, referral)
        self.assertContains(response, "astrid@example.se")
        self.assertContains(response, "Att träffa folk och komma ut i naturen")
        self.assertContains(response, f"<dd>{person.age()}</dd>", html=True)
        self.assertNotContains(response, "Astrid")
        self.assertNotContains(response, "+46701234567")
        self.assertEqual(response.context["details"].fields, ["email", "age", "what_matters"])

    def test_it_shows_the_link_workers_message_and_who_to_contact(self) -> None:
        self.team_a.phone = "090-123 45 67"
        self.team_a.email = "lotsarna@example.se"
        self.team_a.save()
        self.link_worker.first_name, self.link_worker.last_name = "Lena", "Lots"
        self.link_worker.save()
        response = self.page(self.provider)
        self.assertContains(response, "Hon vill gärna gå i lugnt tempo.")
        self.assertContains(response, "Lena Lots")
        self.assertContains(response, "090-123 45 67")
        self.assertContains(response, "lotsarna@example.se")

    def test_the_coordinator_of_a_providing_municipality_sees_its_referrals(self) -> None:
        offering = make_offering(self.municipality, "Öppen mötesplats")
        referral = make_activity_referral(self.case, offering, self.link_worker)
        self.assertEqual(self.page(self.coordinator, referral).status_code, 200)
        self.assertEqual(self.page(self.coordinator).status_code, 404)

    # Who is refused.

    def test_everyone_else_gets_404(self) -> None:
        other_association = make_organization("Kören Glada Röster")
        other_provider = make_user("choir@example.org", other_association, Role.PROVIDER)
        for user in (
            self.outsider,
            self.outsider_link_worker,
            other_provider,
            self.gp,
            self.link_worker,
            self.connector,
            self.manager,
            self.researcher,
        ):
            with self.subTest(user=user.email):
                self.assertEqual(self.page(user).status_code, 404)
                response = self.client.get(url("referrals:provider-inbox"))
                if user is other_provider:
                    # Another provider has an inbox of its own, without this person.
                    self.assertNotContains(response, "Astrid")
                else:
                    self.assertEqual(response.status_code, 404)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists())

    def test_someone_signed_out_is_sent_to_sign_in(self) -> None:
        for name, args in (
            ("referrals:provider-inbox", ()),
            ("referrals:provider-referral", (self.referral.uuid,)),
        ):
            response = self.client.get(url(name, *args))
            self.assertEqual(response.status_code, 302)
            self.assertIn("/account/login/", response["Location"])

    def test_a_withdrawn_consent_hides_the_person_on_the_next_request(self) -> None:
        self.assertEqual(self.page(self.provider).status_code, 200)
        people_actions.withdraw_consent(self.referral.consent, acting_user=self.link_worker)
        self.assertEqual(self.page(self.provider).status_code, 404)
        response = self.client.get(url("referrals:provider-inbox"))
        self.assertNotContains(response, "Astrid")
        self.assertNotContains(response, "Promenadgruppen")

    def test_reading_is_logged(self) -> None:
        self.page(self.provider)
        self.client.get(url("referrals:provider-inbox"))
        purposes = set(
            AuditEvent.objects.filter(
                action=AuditEvent.Action.READ,
                user=self.provider,
                object_id=str(self.referral.pk),
            ).values_list("purpose", flat=True)
        )
        self.assertEqual(purposes, {"answer referral", "provider inbox"})

    def test_the_inbox_makes_as_many_queries_for_three_referrals_as_for_one(self) -> None:
        self.login(self.provider)
        with CaptureQueriesContext(connection) as one:
            self.client.get(url("referrals:provider-inbox"))
        for fields in ((Field.NEEDS, Field.NAME), (Field.LANGUAGE, Field.AGE)):
            case = make_case(self.team_a, self.link_worker, self.gp)
            make_activity_referral(case, self.offering, self.link_worker, fields=fields)
        with CaptureQueriesContext(connection) as three:
            response = self.client.get(url("referrals:provider-inbox"))
        self.assertEqual(len(response.context["waiting"]), 3)
        self.assertEqual(len(one), len(three))

    # Answering.

    def test_accepting_takes_a_place_and_then_participation_is_recorded(self) -> None:
        response = self.answer(Answer.ACCEPT)
        self.assertRedirects(
            response,
            url("referrals:provider-referral", self.referral.uuid),
            fetch_redirect_response=False,
        )
        self.referral.refresh_from_db()
        self.offering.refresh_from_db()
        self.assertEqual(self.referral.status, Status.ACCEPTED)
        self.assertEqual(self.offering.places_taken, 1)
        event = ActivityReferralEvent.objects.filter(activity_referral=self.referral).last()
        assert event is not None
        self.assertEqual((event.by, event.via_link), (self.provider, False))

        response = self.client.get(url("referrals:provider-referral", self.referral.uuid))
        self.assertContains(response, "Thank you. Your answer is saved")
        self.assertContains(response, 'value="participation"')
        self.assertNotContains(response, 'value="answer"')
        response = self.client.post(
            url("referrals:provider-referral", self.referral.uuid),
            {"form": "participation", "participation": "started", "on": ""},
        )
        self.assertEqual(response.status_code, 302)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Status.IN_PROGRESS)
        self.assertEqual(self.referral.started_on, self.today())

    def test_participation_cannot_be_recorded_before_a_place_is_given(self) -> None:
        self.login(self.provider)
        response = self.client.post(
            url("referrals:provider-referral", self.referral.uuid),
            {"form": "participation", "participation": "started"},
            follow=True,
        )
        self.assertContains(response, "only after the person got a place")
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Status.REQUESTED)

    def test_a_participation_date_in_the_future_is_refused(self) -> None:
        actions.answer_activity_referral(self.referral, Answer.ACCEPT, acting_user=self.provider)
        self.login(self.provider)
        tomorrow = self.today() + dt.timedelta(days=1)
        response = self.client.post(
            url("referrals:provider-referral", self.referral.uuid),
            {"form": "participation", "participation": "started", "on": tomorrow.isoformat()},
        )
        self.assertContains(response, "The date cannot be in the future.")
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Status.ACCEPTED)

    def test_declining_needs_a_reason(self) -> None:
        response = self.answer(Answer.DECLINE)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Say why you decline.")
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Status.REQUESTED)
        self.answer(Answer.DECLINE, "Gruppen passar inte för rullstol.")
        self.referral.refresh_from_db()
        self.assertEqual(
            (self.referral.status, self.referral.reason),
            (Status.REJECTED, ActivityReferral.Reason.PROVIDER_DECLINED),
        )

    def test_asking_for_more_information_needs_the_question(self) -> None:
        response = self.answer(Answer.NEEDS_INFORMATION)
        self.assertContains(response, "Say what you need to know.")
        self.answer(Answer.NEEDS_INFORMATION, "Kan hon gå 3 km?")
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Status.ON_HOLD)
        self.assertEqual(self.referral.reason_text, "Kan hon gå 3 km?")

    def test_an_answer_after_the_first_changes_nothing(self) -> None:
        actions.answer_activity_referral(self.referral, Answer.NO_PLACE, acting_user=self.provider)
        response = self.answer(Answer.ACCEPT)
        self.assertRedirects(
            response,
            url("referrals:provider-referral", self.referral.uuid),
            fetch_redirect_response=False,
        )
        response = self.client.get(response["Location"])
        self.assertContains(response, "already answered – nothing changed")
        self.referral.refresh_from_db()
        self.offering.refresh_from_db()
        self.assertEqual(self.referral.status, Status.REJECTED)
        self.assertEqual(self.offering.places_taken, 0)

    def test_accepting_when_the_last_place_was_just_taken_offers_the_waiting_list(self) -> None:
        self.offering.places_taken = 10
        self.offering.save()
        response = self.answer(Answer.ACCEPT)
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "The last place was just taken. Put the person on the waiting list"
        )
        self.assertContains(response, f'value="{Answer.WAITLIST}"')
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Status.REQUESTED)
        self.answer(Answer.WAITLIST)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.reason, ActivityReferral.Reason.WAITLISTED)

    def test_the_waiting_list_is_offered_only_by_an_activity_that_keeps_one(self) -> None:
        self.assertContains(self.page(self.provider), f'value="{Answer.WAITLIST}"')
        self.offering.has_waitlist = False
        self.offering.save()
        response = self.page(self.provider)
        self.assertNotContains(response, f'value="{Answer.WAITLIST}"')
        self.assertContains(response, f'value="{Answer.NO_PLACE}"')
        response = self.answer(Answer.WAITLIST)
        self.assertContains(response, "Select a valid choice")
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Status.REQUESTED)
