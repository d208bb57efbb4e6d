"""The link worker sends the person their follow-up link from the follow-up page, by text
message or e-mail; when it cannot go, the page says why in the link worker's language."""

from __future__ import annotations

from django.core import mail
from django.utils import timezone, translation

from lotsa.messaging import sms
from lotsa.outcomes import links
from lotsa.outcomes.models import FollowUp
from lotsa.people.models import Person
from lotsa.test import BaseTestCase, make_case, make_person

from .answering import en_url, follow_up_url, point


class SendLinkTests(BaseTestCase):
    def setUp(self) -> None:
        self.person = make_person(email="astrid@example.net")
        self.case = make_case(self.team_a, self.link_worker, self.gp, person=self.person)
        self.login(self.link_worker)

    def send(self, channel: str, months: int = 3, language: str = "en") -> object:
        with translation.override(language):
            url = f"/{language}" + en_url(
                "outcomes:send-link", key=self.case.uuid, months=months
            ).removeprefix("/en")
        # The link is made and sent by a task after the commit.
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, {"channel": channel}, follow=True)

    def test_the_page_offers_both_ways(self) -> None:
        response = self.client.get(follow_up_url(self.case, 3))
        self.assertContains(response, "Send the link by text message")
        self.assertContains(response, "Send the link by e-mail")

    def test_the_link_goes_by_text_message(self) -> None:
        response = self.send("sms")
        self.assertContains(response, "The link is on its way by text message.")
        follow_up = point(self.case, 3)
        self.assertEqual(follow_up.link_channel, FollowUp.Channel.SMS)
        self.assertIsNotNone(follow_up.link_sent_at)
        self.assertEqual([m.to for m in sms.outbox], [self.person.phone])
        self.assertContains(response, "A link was sent on")

    def test_the_link_goes_by_e_mail(self) -> None:
        self.send("email")
        self.assertEqual([m.to for m in mail.outbox], [[self.person.email]])
        self.assertEqual(point(self.case, 3).link_channel, FollowUp.Channel.EMAIL)

    def test_a_person_who_does_not_want_contact_gets_nothing_and_the_page_says_why(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(
            contact_preference=Person.ContactPreference.NONE
        )
        response = self.send("sms")
        self.assertContains(response, "The person does not want to be contacted.")
        self.assertEqual(sms.outbox, [])
        self.assertIsNone(point(self.case, 3).link_sent_at)

    def test_a_missing_address_is_said_in_the_link_workers_language(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(email="")
        response = self.send("email", language="sv")
        with translation.override("sv"):
            expected = str(links.LinkError("no_email").message)
        self.assertContains(response, expected)
        self.assertEqual(mail.outbox, [])

    def test_an_answered_follow_up_sends_no_link(self) -> None:
        FollowUp.objects.filter(pk=point(self.case, 3).pk).update(completed_at=timezone.now())
        response = self.send("sms")
        self.assertContains(response, "already been answered")
        self.assertEqual(sms.outbox, [])
        # And the page offers no button for it.
        self.assertNotContains(
            self.client.get(follow_up_url(self.case, 3)), "Send the link by text message"
        )
