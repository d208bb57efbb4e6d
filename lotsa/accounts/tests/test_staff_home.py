"""Signing in, the staff start page and the language of the interface."""

from django.urls import reverse
from django.utils import translation

from lotsa.test import PASSWORD, BaseTestCase


class SignInTest(BaseTestCase):
    def test_the_login_page_speaks_swedish_by_default(self) -> None:
        response = self.client.get("/sv/account/login/")
        self.assertContains(response, 'lang="sv"')
        self.assertContains(response, "Logga in")

    def test_the_login_page_speaks_danish_under_da(self) -> None:
        response = self.client.get("/da/account/login/")
        self.assertContains(response, 'lang="da"')
        self.assertContains(response, "Log ind")

    def test_it_signs_in_with_email_and_password(self) -> None:
        response = self.client.post(
            "/sv/account/login/", {"login": "provider@example.org", "password": PASSWORD}
        )
        self.assertRedirects(response, "/sv/staff/", fetch_redirect_response=False)
        self.assertContains(self.client.get("/sv/staff/"), "Föreningen Gå Tillsammans")

    def test_a_wrong_password_is_refused_with_a_message(self) -> None:
        response = self.client.post(
            "/sv/account/login/", {"login": "provider@example.org", "password": "wrong"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_open_signup_is_closed(self) -> None:
        response = self.client.get("/sv/account/signup/")
        self.assertNotContains(response, 'name="password1"', status_code=200)


class StaffHomeTest(BaseTestCase):
    def test_it_requires_a_login(self) -> None:
        response = self.client.get(reverse("accounts:home"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/login/", response["Location"])

    def test_it_lists_the_users_organisations_and_roles(self) -> None:
        self.login(self.gp)
        with translation.override("en"):
            response = self.client.get(reverse("accounts:home"))
        self.assertContains(response, "Vårdcentralen Ålidhem")
        self.assertContains(response, "Clinician")
        self.assertNotContains(response, "Vårdcentralen Teg")


class LanguageTest(BaseTestCase):
    def test_the_root_redirects_to_a_language(self) -> None:
        response = self.client.get("/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/sv/"))

    def test_the_switcher_keeps_the_page(self) -> None:
        response = self.client.post(
            "/i18n/setlang/", {"language": "da", "next": "/sv/account/login/"}
        )
        self.assertEqual(response["Location"], "/da/account/login/")

    def test_every_page_has_landmarks_and_a_skip_link(self) -> None:
        response = self.client.get("/en/account/login/")
        for landmark in [
            '<a class="skip-link" href="#main">',
            "<header",
            "<nav",
            "<main",
            "<footer",
        ]:
            self.assertContains(response, landmark)
