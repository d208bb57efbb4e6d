"""The one access policy (`lotsa.accounts.policy`): DOMAIN.md's table, deny by default."""

from __future__ import annotations

from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from lotsa.accounts import policy
from lotsa.accounts.policy import allows
from lotsa.people import actions as people_actions
from lotsa.people.models import Consent
from lotsa.test import (
    BaseTestCase,
    make_activity_referral,
    make_case,
    make_offering,
    make_referral,
)


class PolicyTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.referral = make_referral(cls.team_a, cls.gp)
        cls.case = make_case(cls.team_a, cls.link_worker, cls.gp)
        cls.offering = make_offering(cls.association)
        cls.activity_referral = make_activity_referral(cls.case, cls.offering, cls.link_worker)

    def test_it_refuses_a_permission_nobody_named(self) -> None:
        for user in (self.admin, self.link_worker, AnonymousUser()):
            self.assertFalse(allows(user, "referrals.delete_everything", self.referral))

    def test_it_lets_the_team_triage_and_nobody_else(self) -> None:
        self.assertTrue(allows(self.link_worker, "referrals.triage_referral", self.referral))
        for user in (self.outsider_link_worker, self.gp, self.provider, self.admin):
            self.assertFalse(allows(user, "referrals.triage_referral", self.referral), user)
        self.assertFalse(allows(AnonymousUser(), "referrals.triage_referral", self.referral))

    def test_it_lets_the_referring_unit_follow_its_referral(self) -> None:
        self.assertTrue(allows(self.gp, "referrals.follow_referral", self.referral))
        self.assertFalse(allows(self.outsider, "referrals.follow_referral", self.referral))
        self.assertFalse(allows(self.link_worker, "referrals.follow_referral", self.referral))

    def test_it_lets_a_connector_follow_only_their_own_flags_while_a_connector(self) -> None:
        flag = make_referral(self.team_a, self.connector, source="connector")
        self.assertTrue(allows(self.connector, "referrals.follow_referral", flag))
        self.assertFalse(allows(self.gp, "referrals.follow_referral", flag))
        self.connector.memberships.all().delete()
        self.assertFalse(allows(self.connector, "referrals.follow_referral", flag))

    def test_it_lets_a_provider_answer_only_while_the_consent_stands(self) -> None:
        permission = "referrals.answer_activity_referral"
        self.assertTrue(allows(self.provider, permission, self.activity_referral))
        self.assertFalse(allows(self.coordinator, permission, self.activity_referral))
        self.assertFalse(allows(self.link_worker, permission, self.activity_referral))
        self.activity_referral.consent.withdrawn_at = timezone.now()
        self.assertFalse(allows(self.provider, permission, self.activity_referral))
        self.assertFalse(
            allows(None, "referrals.answer_activity_referral_by_link", self.activity_referral)
        )

    def test_it_keeps_people_from_administrators_without_break_glass(self) -> None:
        person = self.case.person
        self.assertTrue(allows(self.admin, "people.handle_request"))
        self.assertFalse(allows(self.admin, "people.read_by_break_glass", person))
        people_actions.open_break_glass(person, acting_user=self.admin, reason="x" * 30)
        self.assertTrue(allows(self.admin, "people.read_by_break_glass", person))
        # The access is the administrator's own, and nobody else's.
        self.assertFalse(allows(self.link_worker, "people.read_by_break_glass", person))
        self.assertFalse(allows(self.link_worker, "people.handle_request"))

    def test_break_glass_ends_when_its_time_is_up(self) -> None:
        person = self.case.person
        people_actions.open_break_glass(person, acting_user=self.admin, reason="y" * 30, minutes=5)
        later = timezone.now() + timezone.timedelta(minutes=6)
        with mock.patch("lotsa.accounts.policy.timezone.now", return_value=later):
            self.assertFalse(allows(self.admin, "people.read_by_break_glass", person))

    def test_a_deactivated_user_is_refused_everything(self) -> None:
        self.link_worker.is_active = False
        self.assertFalse(allows(self.link_worker, "referrals.triage_referral", self.referral))


class FetchersAskThePolicyTests(BaseTestCase):
    """The fetchers' queries already narrow to what a user may see; the policy is asked again
    on the row found, so a refusal there is a 404 even where the query would let it through."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = make_case(cls.team_a, cls.link_worker, cls.gp)
        cls.offering = make_offering(cls.association)
        cls.activity_referral = make_activity_referral(
            cls.case, cls.offering, cls.link_worker, fields=(Consent.Field.NAME,)
        )

    def test_every_fetcher_obeys_a_refusing_policy(self) -> None:
        pages = [
            (self.link_worker, "referrals:case", self.case.uuid),
            (self.link_worker, "referrals:triage", self.case.referral.uuid),
            (self.gp, "referrals:sent-detail", self.case.referral.uuid),
            (self.link_worker, "referrals:activity-referral", self.activity_referral.uuid),
            (self.provider, "referrals:provider-referral", self.activity_referral.uuid),
        ]
        for user, name, key in pages:
            self.client.force_login(user)
            with self.subTest(name):
                self.assertEqual(self.client.get(self._url(name, key)).status_code, 200)
                with mock.patch.object(policy.POLICY, "test_rule", return_value=False):
                    self.assertEqual(self.client.get(self._url(name, key)).status_code, 404)

    @staticmethod
    def _url(name: str, key: object) -> str:
        return reverse(name, args=[key])
