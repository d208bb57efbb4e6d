"""Brute force: five failed sign-ins for one e-mail address from one IP pause that pair."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from lotsa.test import PASSWORD, BaseTestCase

LOGIN = "/en/account/login/"


class LockoutTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()  # allauth's own rate limits live in the cache

    def attempt(
        self, email: str, password: str, ip: str = "10.0.0.1", client: Client | None = None
    ):
        client = client or self.client
        return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)

    def fail(self, times: int, email: str = "", ip: str = "10.0.0.1"):
        response = None
        for _ in range(times):
            response = self.attempt(email or self.link_worker.email, "wrong-password", ip)
        return response

    def signed_in(self, client: Client | None = None) -> bool:
        return "_auth_user_id" in (client or self.client).session

    def test_the_limit_is_five_failures_for_fifteen_minutes(self) -> None:
        self.assertEqual(settings.AXES_FAILURE_LIMIT, 5)
        self.assertEqual(settings.AXES_COOLOFF_TIME, dt.timedelta(minutes=15))
        self.assertEqual(settings.AXES_LOCKOUT_PARAMETERS, [["username", "ip_address"]])

    def test_four_failures_still_let_the_right_password_in(self) -> None:
        self.fail(4)
        response = self.attempt(self.link_worker.email, PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.signed_in())

    def test_the_fifth_failure_shows_a_clear_lockout_page(self) -> None:
        response = self.fail(5)
        assert response is not None
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Sign-in paused", status_code=429)
        self.assertContains(response, "15 minutes", status_code=429)
        self.assertNotContains(response, self.link_worker.email, status_code=429)

    def test_a_locked_out_pair_is_refused_even_the_right_password(self) -> None:
        self.fail(5)
        response = self.attempt(self.link_worker.email, PASSWORD)
        self.assertNotEqual(response.status_code, 302)
        self.assertFalse(self.signed_in())

    def test_the_lockout_ends_after_the_cool_off(self) -> None:
        self.fail(5)
        cache.clear()
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=16), tick=False):
            response = self.attempt(self.link_worker.email, PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.signed_in())

    def test_the_same_address_from_another_ip_is_not_locked_out(self) -> None:
        self.fail(5)
        cache.clear()  # allauth limits per address too: this is about axes
        other = Client()
        response = self.attempt(self.link_worker.email, PASSWORD, ip="10.0.0.2", client=other)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.signed_in(other))

    def test_another_address_from_the_same_ip_is_not_locked_out(self) -> None:
        self.fail(5)
        other = Client()
        response = self.attempt(self.gp.email, PASSWORD, client=other)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.signed_in(other))

    def test_the_address_is_counted_whatever_its_case(self) -> None:
        self.fail(4)
        response = self.attempt(self.link_worker.email.upper(), "wrong-password")
        self.assertEqual(response.status_code, 429)

    def test_the_lockout_check_comes_before_every_other_backend(self) -> None:
        self.assertEqual(
            settings.AUTHENTICATION_BACKENDS[0], "lotsa.accounts.security.LockoutBackend"
        )

    def test_a_sign_in_without_a_request_is_left_to_the_other_backends(self) -> None:
        self.assertTrue(self.client.login(email=self.link_worker.email, password=PASSWORD))
