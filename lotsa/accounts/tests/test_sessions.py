"""Sessions end after 30 minutes idle and 12 hours in all, rotate at sign-in, die at sign-out
and when the user is deactivated."""

from __future__ import annotations

import datetime as dt
import time

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

from lotsa.accounts.security import LOGIN_AT_KEY
from lotsa.test import PASSWORD, BaseTestCase

STAFF = "/en/staff/"


class SessionTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def signed_in(self) -> bool:
        return "_auth_user_id" in self.client.session

    def test_the_cookie_is_http_only_lax_and_short_lived(self) -> None:
        self.assertEqual(settings.SESSION_COOKIE_AGE, 30 * 60)
        self.assertTrue(settings.SESSION_SAVE_EVERY_REQUEST)
        self.assertTrue(settings.SESSION_COOKIE_HTTPONLY)
        self.assertEqual(settings.SESSION_COOKIE_SAMESITE, "Lax")
        self.assertEqual(settings.LOTSA_SESSION_MAX_AGE, 12 * 60 * 60)

    def test_signing_in_gives_a_new_session_key(self) -> None:
        session = self.client.session
        session["before"] = True
        session.save()
        before = session.session_key
        self.client.cookies[settings.SESSION_COOKIE_NAME] = before
        response = self.client.post(
            "/en/account/login/", {"login": self.link_worker.email, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.signed_in())
        self.assertNotEqual(self.client.session.session_key, before)
        self.assertFalse(Session.objects.filter(session_key=before).exists())

    def test_signing_out_deletes_the_session(self) -> None:
        self.login(self.link_worker)
        key = self.client.session.session_key
        self.client.post("/en/account/logout/")
        self.assertFalse(Session.objects.filter(session_key=key).exists())
        self.assertRedirects(
            self.client.get(STAFF), "/en/account/login/?next=/en/staff/", target_status_code=200
        )

    def test_it_ends_after_thirty_minutes_without_a_request(self) -> None:
        self.login(self.link_worker)
        self.assertEqual(self.client.get(STAFF).status_code, 200)
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=31), tick=False):
            response = self.client.get(STAFF)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(self.signed_in())

    def test_every_request_renews_the_thirty_minutes(self) -> None:
        self.login(self.link_worker)
        start = timezone.now()
        for minutes in (20, 40, 60):
            with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
                self.assertEqual(self.client.get(STAFF).status_code, 200, minutes)

    def test_it_ends_twelve_hours_after_sign_in_however_active(self) -> None:
        self.login(self.link_worker)
        session = self.client.session
        session[LOGIN_AT_KEY] = int(time.time()) - 12 * 60 * 60 - 1
        session.save()
        response = self.client.get(STAFF, follow=True)
        self.assertEqual(response.redirect_chain[0][0], "/en/account/login/")
        self.assertContains(response, "You signed in more than 12 hours ago")
        self.assertFalse(self.signed_in())

    def test_it_goes_on_just_under_twelve_hours(self) -> None:
        self.login(self.link_worker)
        session = self.client.session
        session[LOGIN_AT_KEY] = int(time.time()) - 12 * 60 * 60 + 60
        session.save()
        self.assertEqual(self.client.get(STAFF).status_code, 200)

    def test_signing_in_stamps_the_time(self) -> None:
        self.login(self.link_worker)
        self.assertAlmostEqual(self.client.session[LOGIN_AT_KEY], time.time(), delta=5)

    def test_a_deactivated_user_is_signed_out_at_the_next_request(self) -> None:
        self.client.post(
            "/en/account/login/", {"login": self.link_worker.email, "password": PASSWORD}
        )
        self.assertEqual(self.client.get(STAFF).status_code, 200)
        self.link_worker.is_active = False
        self.link_worker.save()
        response = self.client.get(STAFF)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(self.signed_in())

    def test_a_deactivated_user_cannot_sign_in(self) -> None:
        self.link_worker.is_active = False
        self.link_worker.save()
        self.client.post(
            "/en/account/login/", {"login": self.link_worker.email, "password": PASSWORD}
        )
        self.assertFalse(self.signed_in())
