"""Password reset by e-mail, through django-allauth, ends with a working new password."""

from __future__ import annotations

import re

from django.core import mail

from lotsa.test import BaseTestCase

NEW_PASSWORD = "a-new-and-long-passphrase-2026"


class PasswordResetTests(BaseTestCase):
    def test_the_sign_in_page_offers_a_reset(self) -> None:
        response = self.client.get("/sv/account/login/")
        self.assertContains(response, "/sv/account/password/reset/")

    def test_it_mails_a_link_that_sets_a_new_password(self) -> None:
        response = self.client.post(
            "/sv/account/password/reset/", {"email": self.link_worker.email}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.link_worker.email])
        link = re.search(r"https?://\S+/password/reset/key/\S+/", mail.outbox[0].body)
        assert link is not None
        path = link.group(0).split("://", 1)[1].split("/", 1)[1]

        form = self.client.get(f"/{path}", follow=True)
        self.assertEqual(form.status_code, 200)
        done = self.client.post(
            form.redirect_chain[-1][0] if form.redirect_chain else f"/{path}",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        self.assertEqual(done.status_code, 302)
        self.link_worker.refresh_from_db()
        self.assertTrue(self.link_worker.check_password(NEW_PASSWORD))

    def test_an_unknown_address_gets_no_hint(self) -> None:
        response = self.client.post("/sv/account/password/reset/", {"email": "nobody@example.org"})
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("nobody", response.headers.get("Location", ""))
