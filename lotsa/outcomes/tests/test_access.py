"""Only the case's team sees its outcomes: the outsider, the provider, the clinician, the
connector, the manager and the researcher are refused (404, the attempt logged) on every page
and every change, and nothing is changed."""

from __future__ import annotations

from typing import Any

from lotsa.audit.models import AuditEvent
from lotsa.messaging import sms
from lotsa.outcomes.models import Assessment, FollowUp, HealthcareUse
from lotsa.test import BaseTestCase, make_activity_referral, make_case, make_offering

from .answering import en_url, posted


class AccessTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self.team_a, self.link_worker, self.gp)
        # The provider has the person referred to their own activity, and still sees nothing.
        make_activity_referral(self.case, make_offering(self.association), self.link_worker)
        key = self.case.uuid
        self.pages = [
            en_url("outcomes:case", key=key),
            en_url("outcomes:follow-up", key=key, months=0),
            en_url("outcomes:follow-up", key=key, months=3),
        ]
        self.changes: list[tuple[str, dict[str, Any]]] = [
            (en_url("outcomes:follow-up", key=key, months=0), posted(who5=3)),
            (en_url("outcomes:send-link", key=key, months=3), {"channel": "sms"}),
            (
                en_url("outcomes:healthcare-use", key=key),
                {"period": "before", "gp_visits": 3, "emergency_visits": 1},
            ),
        ]

    def refused_users(self) -> list[Any]:
        return [
            self.outsider,
            self.outsider_link_worker,
            self.provider,
            self.gp,
            self.connector,
            self.manager,
            self.researcher,
            self.admin,
            self.coordinator,
        ]

    def test_everyone_outside_the_team_is_refused_every_page(self) -> None:
        for user in self.refused_users():
            self.login(user)
            for url in self.pages:
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404, f"{user.email} {url}")
                self.assertNotContains(response, "Lindqvist", status_code=404)

    def test_everyone_outside_the_team_is_refused_every_change_and_nothing_changes(self) -> None:
        for user in self.refused_users():
            self.login(user)
            for url, data in self.changes:
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 404, f"{user.email} {url}")
        self.assertFalse(Assessment.objects.exists())
        self.assertFalse(HealthcareUse.objects.exists())
        self.assertFalse(FollowUp.objects.filter(link_sent_at__isnull=False).exists())
        self.assertEqual(sms.outbox, [])

    def test_a_refused_attempt_is_logged(self) -> None:
        self.login(self.outsider_link_worker)
        self.client.get(self.pages[0])
        self.assertTrue(
            AuditEvent.objects.filter(
                action=AuditEvent.Action.DENIED,
                object_type="referrals.case",
                object_id=str(self.case.uuid),
                user=self.outsider_link_worker,
            ).exists()
        )

    def test_the_team_gets_in_and_the_read_is_logged(self) -> None:
        self.login(self.link_worker)
        for url in self.pages:
            self.assertEqual(self.client.get(url).status_code, 200)
        reads = AuditEvent.objects.filter(
            action=AuditEvent.Action.READ,
            object_type="referrals.case",
            user=self.link_worker,
            person_uuid=self.case.person.uuid,
        )
        self.assertEqual(reads.count(), 3)

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        for url in self.pages:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/account/login/", response["Location"])
