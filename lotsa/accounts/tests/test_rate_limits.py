"""Rate limits: the public search, the self-referral, answer links and sign-in, per IP address.

The suite runs with Lotsa's limits off (conftest.py); these tests switch them on
with small limits, an empty cache and a frozen clock (the limits count in fixed windows).
"""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from lotsa.accounts import ratelimits
from lotsa.test import BaseTestCase

SEARCH = "/en/"
SELF_REFERRAL = "/en/refer-yourself/"
ANSWER_LINK = "/en/answer/not-a-real-token/"
LOGIN = "/en/account/login/"


@override_settings(
    RATELIMIT_ENABLE=True,
    LOTSA_RATE_LIMIT_SEARCH="3/m",
    LOTSA_RATE_LIMIT_SELF_REFERRAL="2/h",
    LOTSA_RATE_LIMIT_ANSWER_LINK="3/10m",
)
class RateLimitTestCase(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        # Mid-window for every key: a window of a minute or more cannot roll over in a test.
        traveller = time_machine.travel(timezone.now(), tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def assert_limited(self, response) -> int:
        self.assertEqual(response.status_code, 429)
        retry_after = int(response["Retry-After"])
        self.assertGreater(retry_after, 0)
        self.assertContains(response, "Too many requests", status_code=429)
        return retry_after


class SearchLimitTests(RateLimitTestCase):
    def test_the_request_after_the_limit_gets_429_with_retry_after(self) -> None:
        for _ in range(3):
            self.assertEqual(self.client.get(SEARCH).status_code, 200)
        response = self.client.get(SEARCH, {"q": "promenad"})
        retry_after = self.assert_limited(response)
        self.assertLessEqual(retry_after, 60)
        self.assertIn("no-store", response["Cache-Control"])

    def test_another_ip_address_is_not_affected(self) -> None:
        for _ in range(4):
            self.client.get(SEARCH)
        self.assertEqual(self.client.get(SEARCH, REMOTE_ADDR="192.0.2.8").status_code, 200)

    def test_the_window_ends_and_the_search_opens_again(self) -> None:
        for _ in range(4):
            self.client.get(SEARCH)
        retry_after = self.assert_limited(self.client.get(SEARCH))
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=retry_after), tick=False):
            self.assertEqual(self.client.get(SEARCH).status_code, 200)

    def test_only_the_search_is_limited_not_the_other_public_pages(self) -> None:
        for _ in range(4):
            self.client.get(SEARCH)
        self.assertEqual(self.client.get(SELF_REFERRAL).status_code, 200)
        self.assertEqual(self.client.get("/en/register/").status_code, 200)

    def test_bad_input_over_the_limit_is_still_a_plain_429(self) -> None:
        for _ in range(3):
            self.client.get(SEARCH, {"near": "x" * 500, "page": "-1", "day": "ZZ"})
        self.assert_limited(self.client.get(SEARCH, {"near": "\x00", "page": "∞"}))

    def test_the_page_is_in_the_language_of_the_address(self) -> None:
        for _ in range(4):
            self.client.get("/sv/")
        response = self.client.get("/sv/")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, 'lang="sv"', status_code=429)

    @override_settings(LOTSA_RATE_LIMIT_SEARCH="")
    def test_an_empty_setting_means_no_limit(self) -> None:
        for _ in range(5):
            self.assertEqual(self.client.get(SEARCH).status_code, 200)


class ClientAddressTests(RateLimitTestCase):
    @override_settings(LOTSA_CLIENT_IP_HEADER="X-Real-IP")
    def test_behind_a_proxy_the_header_names_the_client(self) -> None:
        for _ in range(4):
            self.client.get(SEARCH, HTTP_X_REAL_IP="198.51.100.1")
        self.assert_limited(self.client.get(SEARCH, HTTP_X_REAL_IP="198.51.100.1"))
        self.assertEqual(self.client.get(SEARCH, HTTP_X_REAL_IP="198.51.100.2").status_code, 200)

    def test_a_client_cannot_pick_its_address_without_the_setting(self) -> None:
        for n in range(4):
            self.client.get(SEARCH, HTTP_X_REAL_IP=f"198.51.100.{n}")
        self.assert_limited(self.client.get(SEARCH, HTTP_X_REAL_IP="198.51.100.9"))

    def test_one_ipv6_network_counts_as_one_client(self) -> None:
        for n in range(4):
            self.client.get(SEARCH, REMOTE_ADDR=f"2001:db8::{n + 1}")
        self.assert_limited(self.client.get(SEARCH, REMOTE_ADDR="2001:db8::ffff"))
        self.assertEqual(self.client.get(SEARCH, REMOTE_ADDR="2001:db8:1::1").status_code, 200)

    @override_settings(LOTSA_CLIENT_IP_HEADER="X-Real-IP")
    def test_a_garbled_address_is_one_shared_unknown_client(self) -> None:
        self.client.get(SEARCH, HTTP_X_REAL_IP="not an address")
        self.assertEqual(ratelimits.client_ip(self.client.get(SEARCH).wsgi_request), "127.0.0.1")


class SelfReferralLimitTests(RateLimitTestCase):
    def test_only_posts_count_and_the_one_after_the_limit_gets_429(self) -> None:
        for _ in range(5):
            self.assertEqual(self.client.get(SELF_REFERRAL).status_code, 200)
        for _ in range(2):
            # Half-filled forms: field errors, never a 500.
            self.assertEqual(
                self.client.post(SELF_REFERRAL, {"first_name": "Gun"}).status_code, 200
            )
        self.assert_limited(self.client.post(SELF_REFERRAL, {"first_name": "Gun"}))
        self.assertEqual(
            self.client.post(
                SELF_REFERRAL, {"first_name": "Gun"}, REMOTE_ADDR="192.0.2.9"
            ).status_code,
            200,
        )


class AnswerLinkLimitTests(RateLimitTestCase):
    def test_gets_and_posts_count_and_the_one_after_the_limit_gets_429(self) -> None:
        self.assertEqual(self.client.get(ANSWER_LINK).status_code, 404)
        self.assertEqual(self.client.post(ANSWER_LINK, {"answer": "accept"}).status_code, 404)
        self.assertEqual(self.client.get(ANSWER_LINK).status_code, 404)
        response = self.client.get(ANSWER_LINK)
        retry_after = self.assert_limited(response)
        self.assertLessEqual(retry_after, 600)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(response["Referrer-Policy"], "no-referrer")
        self.assertEqual(self.client.get(ANSWER_LINK, REMOTE_ADDR="192.0.2.10").status_code, 404)

    def test_the_log_line_does_not_carry_the_token(self) -> None:
        for _ in range(3):
            self.client.get(ANSWER_LINK)
        with self.assertLogs("lotsa.errors", "WARNING") as logs:
            self.client.get(ANSWER_LINK)
        self.assertNotIn("not-a-real-token", "\n".join(logs.output))
        self.assertIn("answer_link", "\n".join(logs.output))


class SignInLimitTests(RateLimitTestCase):
    def test_the_configured_limits_cover_sign_in_and_password_reset(self) -> None:
        from django.conf import settings

        self.assertEqual(settings.ACCOUNT_RATE_LIMITS["login"], "30/m/ip")
        self.assertEqual(settings.ACCOUNT_RATE_LIMITS["login_failed"], "10/m/ip,5/5m/key")
        self.assertEqual(settings.ACCOUNT_RATE_LIMITS["reset_password"], "20/m/ip,3/h/key")

    def test_too_many_sign_ins_from_one_ip_get_the_same_429_page(self) -> None:
        limits = {"login": "2/m/ip"}
        with override_settings(ACCOUNT_RATE_LIMITS=limits):
            for _ in range(2):
                self.client.post(LOGIN, {"login": "nobody@example.org", "password": "x" * 12})
            response = self.client.post(LOGIN, {"login": "nobody@example.org", "password": "x"})
        self.assert_limited(response)

    def test_the_lockout_page_says_when_to_try_again(self) -> None:
        for _ in range(5):
            response = self.client.post(
                LOGIN, {"login": self.link_worker.email, "password": "wrong-password"}
            )
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response["Retry-After"], str(15 * 60))

    def test_a_failed_sign_in_is_in_the_access_log_without_the_address_typed(self) -> None:
        from lotsa.audit.models import AuditEvent

        self.client.post(LOGIN, {"login": self.gp.email, "password": "wrong-password"})
        self.client.post(LOGIN, {"login": "who@example.org", "password": "wrong-password"})
        known, unknown = AuditEvent.objects.filter(purpose="sign-in failed").order_by("sequence")
        self.assertEqual(known.action, AuditEvent.Action.DENIED)
        self.assertEqual((known.object_type, known.object_id), ("accounts.user", str(self.gp.pk)))
        self.assertEqual(unknown.object_id, "")
        self.assertEqual(known.ip_address, "127.0.0.1")


class SuiteTests(BaseTestCase):
    def test_the_suite_runs_without_lotsa_s_limits(self) -> None:
        from django.conf import settings

        self.assertFalse(settings.RATELIMIT_ENABLE)
        self.assertIsNone(
            ratelimits.check(self.client.get(reverse("directory:search")).wsgi_request, "search")
        )
