"""Staff who can see people must sign in with two factors: enrolment first, then a code."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.test import override_settings

from lotsa.accounts.models import User
from lotsa.accounts.security import ROLES_REQUIRING_MFA, Role
from lotsa.test import PASSWORD, BaseTestCase

ENROL = "/sv/account/2fa/totp/activate/"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def enrol(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@override_settings(LOTSA_REQUIRE_MFA=True)
class TwoFactorRequiredTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()  # allauth's rate limits and used codes live in the cache

    def sign_in(self, user: User) -> None:
        """Through allauth's form: enrolment wants a sign-in in the last few minutes."""
        response = self.client.post(
            "/sv/account/login/", {"login": user.email, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)

    def test_managers_see_aggregates_and_are_left_out(self) -> None:
        self.assertNotIn(Role.MANAGER, ROLES_REQUIRING_MFA)
        # Researchers take pseudonymised data about individual people home.
        self.assertIn(Role.RESEARCHER, ROLES_REQUIRING_MFA)
        self.assertIn(Role.LINK_WORKER, ROLES_REQUIRING_MFA)

    def test_it_sends_a_link_worker_without_a_second_factor_to_enrolment(self) -> None:
        self.login(self.link_worker)
        for url in ("/sv/staff/", "/sv/inbox/", "/sv/caseload/", "/sv/admin/"):
            response = self.client.get(url)
            self.assertRedirects(response, ENROL, fetch_redirect_response=False, msg_prefix=url)

    def test_it_sends_every_role_that_sees_people_to_enrolment(self) -> None:
        for user in (
            self.gp,
            self.provider,
            self.coordinator,
            self.connector,
            self.admin,
            self.researcher,
        ):
            self.login(user)
            response = self.client.get("/sv/staff/")
            self.assertRedirects(response, ENROL, fetch_redirect_response=False)

    def test_it_leaves_managers_alone(self) -> None:
        self.login(self.manager)
        self.assertEqual(self.client.get("/sv/staff/").status_code, 200)

    def test_it_shows_the_enrolment_page_with_the_secret(self) -> None:
        self.sign_in(self.link_worker)
        response = self.client.get(ENROL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.client.session[SECRET_SESSION_KEY])

    def test_public_pages_sign_out_and_the_language_switch_stay_open(self) -> None:
        self.login(self.link_worker)
        for url in ("/", "/sv/", "/sv/refer-yourself/", "/sv/answer/not-a-token/"):
            response = self.client.get(url)
            self.assertNotEqual(response.headers.get("Location"), ENROL, url)
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "/en/"})
        self.assertEqual(response.headers["Location"], "/en/")
        response = self.client.post("/sv/account/logout/")
        self.assertNotEqual(response.headers.get("Location"), ENROL)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_an_htmx_request_is_redirected_by_htmx(self) -> None:
        self.login(self.link_worker)
        response = self.client.get("/sv/inbox/", headers={"HX-Request": "true"})
        self.assertEqual(response.headers["HX-Redirect"], ENROL)

    def test_an_enrolled_link_worker_reaches_the_inbox(self) -> None:
        enrol(self.link_worker)
        self.login(self.link_worker)
        self.assertEqual(self.client.get("/sv/inbox/").status_code, 200)

    def test_enrolling_with_a_correct_code_activates_totp_and_recovery_codes(self) -> None:
        self.sign_in(self.link_worker)
        self.client.get(ENROL)
        secret = self.client.session[SECRET_SESSION_KEY]
        response = self.client.post(ENROL, {"code": current_code(secret)})
        self.assertRedirects(
            response, "/sv/account/2fa/recovery-codes/", fetch_redirect_response=False
        )
        types = set(
            Authenticator.objects.filter(user=self.link_worker).values_list("type", flat=True)
        )
        self.assertEqual(types, {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES})
        self.assertEqual(self.client.get("/sv/inbox/").status_code, 200)

    def test_a_wrong_code_does_not_enrol(self) -> None:
        self.sign_in(self.link_worker)
        self.client.get(ENROL)
        secret = self.client.session[SECRET_SESSION_KEY]
        wrong = "000000" if current_code(secret) != "000000" else "111111"
        response = self.client.post(ENROL, {"code": wrong})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Authenticator.objects.filter(user=self.link_worker).exists())

    def test_signing_in_asks_an_enrolled_user_for_the_code(self) -> None:
        secret = enrol(self.link_worker)
        response = self.client.post(
            "/sv/account/login/", {"login": self.link_worker.email, "password": PASSWORD}
        )
        self.assertRedirects(
            response, "/sv/account/2fa/authenticate/", fetch_redirect_response=False
        )
        self.assertNotIn("_auth_user_id", self.client.session)
        response = self.client.post("/sv/account/2fa/authenticate/", {"code": current_code(secret)})
        self.assertRedirects(response, "/sv/staff/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/sv/inbox/").status_code, 200)

    def test_a_wrong_code_at_sign_in_keeps_the_user_out(self) -> None:
        secret = enrol(self.link_worker)
        self.client.post(
            "/sv/account/login/", {"login": self.link_worker.email, "password": PASSWORD}
        )
        wrong = "000000" if current_code(secret) != "000000" else "111111"
        response = self.client.post("/sv/account/2fa/authenticate/", {"code": wrong})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_link_worker_cannot_switch_the_second_factor_off(self) -> None:
        enrol(self.link_worker)
        self.login(self.link_worker)
        self.client.post("/sv/account/2fa/totp/deactivate/")
        self.assertTrue(
            Authenticator.objects.filter(
                user=self.link_worker, type=Authenticator.Type.TOTP
            ).exists()
        )

    def test_the_admin_sign_in_form_gives_way_to_allauths(self) -> None:
        response = self.client.get("/sv/admin/login/?next=/sv/admin/")
        self.assertRedirects(
            response, "/sv/account/login/?next=%2Fsv%2Fadmin%2F", fetch_redirect_response=False
        )


class TwoFactorSwitchedOffTests(BaseTestCase):
    @override_settings(LOTSA_REQUIRE_MFA=False)
    def test_a_laptop_demo_can_switch_the_requirement_off(self) -> None:
        self.login(self.link_worker)
        self.assertEqual(self.client.get("/sv/inbox/").status_code, 200)
