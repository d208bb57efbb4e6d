"""Passwords: at least 12 characters, not a common one, not all digits, not like the e-mail."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError

from lotsa.test import PASSWORD, BaseTestCase

CHANGE = "/en/account/password/change/"
REFUSED = {
    "short": "Short-2026",
    "common": "password1234",
    "numeric": "190719071907190",
}


class PasswordRuleTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def change(self, new: str):
        return self.client.post(
            CHANGE, {"oldpassword": PASSWORD, "password1": new, "password2": new}
        )

    def test_the_validators_refuse_short_common_numeric_and_look_alike_passwords(self) -> None:
        for password in (*REFUSED.values(), "lw@example.org!"):
            with self.assertRaises(ValidationError, msg=password):
                validate_password(password, self.link_worker)
        validate_password("a-long-and-unusual-passphrase", self.link_worker)

    def test_the_change_form_refuses_a_short_password(self) -> None:
        self.login(self.link_worker)
        response = self.change(REFUSED["short"])
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "at least 12 characters")
        self.link_worker.refresh_from_db()
        self.assertTrue(self.link_worker.check_password(PASSWORD))

    def test_the_change_form_refuses_a_common_password(self) -> None:
        self.login(self.link_worker)
        response = self.change(REFUSED["common"])
        self.assertContains(response, "too common")
        self.link_worker.refresh_from_db()
        self.assertTrue(self.link_worker.check_password(PASSWORD))

    def test_the_change_form_takes_a_good_password(self) -> None:
        self.login(self.link_worker)
        response = self.change("a-long-and-unusual-passphrase")
        self.assertEqual(response.status_code, 302)
        self.link_worker.refresh_from_db()
        self.assertTrue(self.link_worker.check_password("a-long-and-unusual-passphrase"))

    def test_the_reset_form_refuses_short_and_common_passwords(self) -> None:
        self.client.post("/en/account/password/reset/", {"email": self.link_worker.email})
        link = re.search(r"https?://\S+/password/reset/key/\S+/", mail.outbox[0].body)
        assert link is not None
        path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
        form_url = self.client.get(path, follow=True).redirect_chain[-1][0]
        for reason, password in (
            ("at least 12 characters", REFUSED["short"]),
            ("too common", REFUSED["common"]),
        ):
            response = self.client.post(form_url, {"password1": password, "password2": password})
            self.assertContains(response, reason)
        self.link_worker.refresh_from_db()
        self.assertTrue(self.link_worker.check_password(PASSWORD))
