"""Freshness: "confirm still correct", and e-mail reminders about stale listings."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from lotsa.accounts.models import Organization
from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Offering, OfferingChange
from lotsa.directory.tests.test_offering_form import run_tasks_at_once, url
from lotsa.test import BaseTestCase, Role, make_offering, make_organization, make_user


@run_tasks_at_once
class FreshnessTest(BaseTestCase):
    walk: Offering
    coffee: Offering
    fresh: Offering
    choir_club: Organization
    choir: Offering

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        long_ago = timezone.localdate() - dt.timedelta(weeks=30)
        cls.walk = make_offering(cls.association, "Promenadgruppen", last_reviewed_at=long_ago)
        cls.coffee = make_offering(cls.association, "Fikastunden", last_reviewed_at=long_ago)
        cls.fresh = make_offering(cls.association, "Nystartad grupp")
        cls.choir_club = make_organization("Kören Glada Röster", email="info@koren.example")
        cls.choir = make_offering(cls.choir_club, "Körsång", last_reviewed_at=long_ago)

    def remind(self) -> str:
        out = StringIO()
        call_command("enqueue_freshness_reminders", stdout=out)
        return out.getvalue()

    # Confirm still correct.

    def test_confirming_makes_a_listing_fresh_without_review(self) -> None:
        self.assertTrue(self.walk.is_stale())
        self.login(self.provider)
        response = self.client.post(url("directory:offering-confirm", self.walk.uuid), follow=True)
        self.assertContains(response, "is marked as still correct")
        self.walk.refresh_from_db()
        self.assertEqual(self.walk.last_reviewed_at, self.today())
        self.assertFalse(self.walk.is_stale())
        self.assertFalse(OfferingChange.objects.exists())
        event = AuditEvent.objects.get(action="change", object_id=str(self.walk.pk))
        self.assertEqual((event.user, event.purpose), (self.provider, "confirmed still correct"))

    def test_confirming_is_post_only(self) -> None:
        self.login(self.provider)
        response = self.client.get(url("directory:offering-confirm", self.walk.uuid))
        self.assertEqual(response.status_code, 405)
        self.walk.refresh_from_db()
        self.assertTrue(self.walk.is_stale())

    def test_nobody_else_can_confirm(self) -> None:
        for user in (self.outsider, make_user("choir@example.org", self.choir_club, Role.PROVIDER)):
            self.login(user)
            response = self.client.post(url("directory:offering-confirm", self.walk.uuid))
            self.assertEqual(response.status_code, 404)
        self.walk.refresh_from_db()
        self.assertTrue(self.walk.is_stale())

    # Reminders.

    def test_one_mail_per_organisation_lists_its_stale_listings(self) -> None:
        output = self.remind()
        self.assertIn("Enqueued 2", output)
        by_recipient = {tuple(message.to): message for message in mail.outbox}
        self.assertEqual(set(by_recipient), {("provider@example.org",), ("info@koren.example",)})
        message = by_recipient[("provider@example.org",)]
        self.assertIn("Föreningen Gå Tillsammans", message.subject)
        self.assertIn("Promenadgruppen", message.body)
        self.assertIn("Fikastunden", message.body)
        self.assertNotIn("Nystartad grupp", message.body)
        self.assertIn("http://127.0.0.1:8000/sv/provider/", message.body)
        self.walk.refresh_from_db()
        self.fresh.refresh_from_db()
        self.assertIsNotNone(self.walk.reminded_at)
        self.assertIsNone(self.fresh.reminded_at)

    def test_an_organisation_without_an_editor_is_written_to_at_its_own_address(self) -> None:
        self.remind()
        [message] = [m for m in mail.outbox if m.to == ["info@koren.example"]]
        self.assertIn("Körsång", message.body)
        self.assertIn(f"/sv/provider/claim/?organization={self.choir_club.pk}", message.body)

    def test_each_editor_is_written_to_in_their_language(self) -> None:
        make_user("dansk@example.org", self.association, Role.PROVIDER, language="da")
        self.remind()
        [danish] = [m for m in mail.outbox if m.to == ["dansk@example.org"]]
        self.assertIn("http://127.0.0.1:8000/da/provider/", danish.body)
        self.assertIn(f"/da/offerings/{self.walk.uuid}/", danish.body)

    def test_nobody_is_reminded_again_within_the_interval(self) -> None:
        self.remind()
        self.assertEqual(len(mail.outbox), 2)
        mail.outbox.clear()
        with time_machine.travel(timezone.now() + dt.timedelta(days=13)):
            self.assertIn("Enqueued 0", self.remind())
        self.assertEqual(mail.outbox, [])
        with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
            self.remind()
        self.assertEqual(len(mail.outbox), 2)

    def test_confirmed_unpublished_and_ended_listings_are_not_reminded(self) -> None:
        self.login(self.provider)
        self.client.post(url("directory:offering-confirm", self.walk.uuid))
        Offering.objects.filter(pk=self.coffee.pk).update(status=Offering.Status.ENDED)
        Offering.objects.filter(pk=self.choir.pk).update(is_published=False)
        self.assertIn("Enqueued 0", self.remind())
        self.assertEqual(mail.outbox, [])

    def test_a_listing_goes_stale_after_the_configured_weeks(self) -> None:
        with self.settings(LOTSA_STALE_AFTER_WEEKS=40):
            self.assertIn("Enqueued 0", self.remind())
