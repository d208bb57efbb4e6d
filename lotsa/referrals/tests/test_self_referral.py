"""A person asks a link worker to contact them, from the public site, with spam protection."""

from __future__ import annotations

import time
import uuid
from typing import Any
from unittest import mock

from django.core import mail
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from lotsa.accounts.models import Team
from lotsa.messaging import sms
from lotsa.people.models import Consent, Person
from lotsa.referrals.forms.intake import form_token
from lotsa.referrals.models import Referral
from lotsa.test import BaseTestCase


def url(name: str) -> str:
    """A URL under /en/, so that messages compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name)


FORM = url("referrals:self-referral")
DONE = url("referrals:self-referral-done")


class SelfReferralTests(BaseTestCase):
    def setUp(self) -> None:
        self.team_b.takes_self_referrals = False
        self.team_b.save()

    def data(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "submission_key": str(uuid.uuid4()),
            "started": form_token(time.time() - 60),
            "website": "",
            "first_name": "Gunnel",
            "last_name": "Sjöberg",
            "phone": "070-111 22 33",
            "email": "gunnel@example.org",
            "municipality": "SE-2480",
            "reasons": ["loneliness"],
            "details": "I like singing.",
            "language": "sv",
            "contact_preference": "sms",
            "consent": "on",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    def post(self, **overrides: Any) -> HttpResponse:
        return self.client.post(FORM, self.data(**overrides))

    def test_anyone_sees_the_form(self) -> None:
        response = self.client.get(FORM)
        self.assertContains(response, "Ask a link worker to contact you")
        self.assertContains(response, "Umeå")
        self.assertContains(response, 'name="started"')
        self.assertContains(response, 'name="website"')

    def test_it_offers_only_municipalities_where_a_team_takes_self_referrals(self) -> None:
        Team.objects.filter(pk=self.team_a.pk).update(takes_self_referrals=False)
        response = self.client.get(FORM)
        self.assertContains(response, "Link workers cannot take requests through Lotsa yet.")
        self.assertContains(response, reverse("directory:search"))

    def test_it_refuses_a_municipality_without_such_a_team(self) -> None:
        response = self.post(municipality="SE-0180")
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Referral.objects.exists())

    def test_a_person_refers_themself(self) -> None:
        response = self.post()
        self.assertRedirects(response, DONE, fetch_redirect_response=False)
        referral = Referral.objects.get()
        self.assertEqual(referral.source, Referral.Source.SELF)
        self.assertEqual(referral.team, self.team_a)
        self.assertIsNone(referral.referred_by)
        self.assertIsNone(referral.referring_organization)
        self.assertEqual(referral.reasons, ["loneliness"])
        self.assertEqual(referral.details, "I like singing.")
        person = referral.person
        self.assertEqual(person.full_name, "Gunnel Sjöberg")
        self.assertEqual(person.phone, "+46701112233")
        self.assertEqual(person.email, "gunnel@example.org")
        self.assertEqual(person.contact_preference, Person.ContactPreference.SMS)
        self.assertIsNone(person.created_by)
        consent = person.consents.get()
        self.assertEqual((consent.scope, consent.method), (Consent.Scope.TEAM, "digital"))
        self.assertIsNone(consent.recorded_by)

    def test_nothing_is_sent_to_the_person_yet(self) -> None:
        self.post()
        self.assertEqual(sms.outbox, [])
        self.assertFalse(any("gunnel@example.org" in m.to for m in mail.outbox))

    def test_the_thanks_page_says_what_happens_next(self) -> None:
        response = self.client.get(DONE)
        self.assertContains(response, "What happens now")
        self.assertContains(response, "within 5 working days")

    def test_an_email_address_is_enough(self) -> None:
        self.post(phone="", contact_preference=None)
        person = Referral.objects.get().person
        self.assertEqual((person.phone, person.email), ("", "gunnel@example.org"))

    def test_it_needs_a_phone_number_or_an_email_address(self) -> None:
        response = self.post(phone="", email="")
        self.assertContains(response, "Give a phone number or an e-mail address")
        self.assertFalse(Referral.objects.exists())

    def test_it_rejects_an_invalid_phone_number_and_email(self) -> None:
        response = self.post(phone="070", email="gunnel@")
        self.assertContains(response, "This is not a valid phone number.")
        self.assertContains(response, "Enter a valid email address.")
        self.assertFalse(Referral.objects.exists())

    def test_text_messages_need_a_mobile_number(self) -> None:
        response = self.post(phone="090-12 34 56", contact_preference="sms")
        self.assertContains(response, "Text messages need a mobile number.")

    def test_it_needs_the_persons_consent(self) -> None:
        response = self.post(consent=None)
        self.assertContains(response, "We can contact you only if you agree.")
        self.assertFalse(Referral.objects.exists())

    def test_it_asks_what_they_would_like_help_with(self) -> None:
        response = self.post(reasons=None, details="")
        self.assertContains(response, "Tell us a little about what you would like help with.")

    def test_a_double_submit_creates_one_referral(self) -> None:
        data = self.data()
        self.client.post(FORM, data)
        response = self.client.post(FORM, data)
        self.assertRedirects(response, DONE, fetch_redirect_response=False)
        self.assertEqual(Referral.objects.count(), 1)
        self.assertEqual(Person.objects.count(), 1)

    def test_a_filled_honeypot_is_thanked_and_forgotten(self) -> None:
        response = self.post(website="http://spam.example")
        self.assertRedirects(response, DONE, fetch_redirect_response=False)
        self.assertFalse(Referral.objects.exists())
        self.assertFalse(Person.objects.exists())

    def test_a_form_sent_too_fast_is_shown_again_with_what_was_typed(self) -> None:
        stale_token = form_token(time.time() - 1)
        response = self.post(started=stale_token)
        self.assertContains(response, "That was very quick.")
        self.assertContains(response, "Gunnel")
        self.assertContains(response, "I like singing.")
        self.assertNotContains(response, stale_token)  # a fresh start time for the next try
        self.assertFalse(Referral.objects.exists())

    def test_a_form_open_for_more_than_a_day_is_shown_again(self) -> None:
        response = self.post(started=form_token(time.time() - 2 * 24 * 3600))
        self.assertContains(response, "This form was open for a long time.")
        self.assertContains(response, "Sjöberg")
        self.assertFalse(Referral.objects.exists())

    def test_a_tampered_or_missing_start_time_is_refused(self) -> None:
        for started in ("", form_token(time.time() - 60) + "x"):
            response = self.post(started=started)
            self.assertContains(response, "This form was open for a long time.")
        self.assertFalse(Referral.objects.exists())

    def test_a_form_shown_again_can_be_sent_once_the_new_start_time_is_old_enough(self) -> None:
        response = self.post(started=form_token(time.time() - 1))
        fresh = response.context["form"]["started"].value()
        self.assertNotEqual(fresh, "")
        data = self.data(started=fresh)
        # The person takes their time to check: judge the token as if seconds had passed.
        later = time.time() + 10
        with mock.patch("lotsa.referrals.forms.intake.time") as clock:
            clock.time.return_value = later
            self.client.post(FORM, data)
        self.assertEqual(Referral.objects.count(), 1)
