"""Notifications of the loop: e-mails and text messages, in each recipient's language, and
never with a person's details in an e-mail to staff or a provider."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import translation

from lotsa.accounts.models import Organization
from lotsa.messaging import sms
from lotsa.people.models import Person
from lotsa.referrals import actions, tasks
from lotsa.referrals.actions import Answer
from lotsa.referrals.models import ActivityReferral
from lotsa.test import (
    BaseTestCase,
    Role,
    make_activity_referral,
    make_case,
    make_offering,
    make_organization,
    make_referral,
    make_user,
)

run_tasks_at_once = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
# The person's details that must never be in an e-mail to staff or a provider.
PERSONAL = ("Astrid", "Lindqvist", "+46701234567", "astrid@example.se")
TOKEN = re.compile(r"/answer/([^/\s]+)/")


def in_swedish(msgid: str, **values: str) -> str:
    """What a Swedish recipient reads: the message translated, as the template renders it."""
    with translation.override("sv"):
        return translation.gettext(msgid) % values


@run_tasks_at_once
class NotificationTests(BaseTestCase):
    def setUp(self) -> None:
        self.offering = make_offering(
            self.association, "Promenadgruppen", contact_name="Kerstin", capacity=5
        )
        self.team_a.phone = "090-123 45 67"
        self.team_a.save()

    def assertNoPersonalDetails(self, message: Any) -> None:
        for text in PERSONAL:
            self.assertNotIn(text, message.subject)
            self.assertNotIn(text, message.body)

    def new_case(self, **person: Any) -> Any:
        case = make_case(self.team_a, self.link_worker, self.gp)
        if person:
            Person.objects.filter(pk=case.person_id).update(**person)
            case.person.refresh_from_db()
        return case

    def refer(self, case: Any = None, offering: Any = None) -> ActivityReferral:
        with self.captureOnCommitCallbacks(execute=True):
            return make_activity_referral(
                case or self.new_case(), offering or self.offering, self.link_worker
            )

    # To the link worker team.

    def test_a_new_referral_tells_each_link_worker_of_the_team(self) -> None:
        colleague = make_user("colleague@example.org", self.health_centre_a, Role.LINK_WORKER)
        colleague.language = "en"
        colleague.save()
        self.team_a.members.add(colleague)
        with self.captureOnCommitCallbacks(execute=True):
            referral = make_referral(self.team_a, self.gp)
        by_recipient = {message.to[0]: message for message in mail.outbox}
        self.assertEqual(set(by_recipient), {"lw@example.org", "colleague@example.org"})
        self.assertIn(f"/sv/inbox/{referral.uuid}/", by_recipient["lw@example.org"].body)
        self.assertIn(f"/en/inbox/{referral.uuid}/", by_recipient["colleague@example.org"].body)
        self.assertIn("A new referral waits", by_recipient["colleague@example.org"].body)
        for message in mail.outbox:
            self.assertNoPersonalDetails(message)

    def test_a_team_with_its_own_address_gets_one_mail_there(self) -> None:
        self.team_a.email = "lotsarna@example.se"
        self.team_a.save()
        with self.captureOnCommitCallbacks(execute=True):
            make_referral(self.team_a, self.gp)
        self.assertEqual([m.to for m in mail.outbox], [["lotsarna@example.se"]])

    # To the provider.

    def test_a_new_activity_referral_sends_the_provider_a_working_answer_link(self) -> None:
        referral = self.refer()
        [message] = mail.outbox
        self.assertEqual(message.to, ["provider@example.org"])
        self.assertIn("Promenadgruppen", message.subject)
        self.assertNoPersonalDetails(message)
        self.assertIn(f"/sv/referred-to-us/{referral.uuid}/", message.body)
        token = TOKEN.search(message.body)
        assert token is not None
        response = self.client.get(f"/en/answer/{token.group(1)}/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Astrid Lindqvist")

    def test_the_activitys_own_address_comes_first_then_the_organisations(self) -> None:
        self.association.email = "info@gatillsammans.se"
        self.association.save()
        self.refer()
        self.assertEqual(mail.outbox[-1].to, ["info@gatillsammans.se"])
        self.assertNotIn("/referred-to-us/", mail.outbox[-1].body)
        self.offering.email = "promenad@gatillsammans.se"
        self.offering.save()
        self.refer()
        self.assertEqual(mail.outbox[-1].to, ["promenad@gatillsammans.se"])

    @time_machine.travel(dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    def test_a_danish_organisation_gets_danish(self) -> None:
        forening = make_organization(
            "Foreningen Gå Sammen",
            country=Organization.Country.DENMARK,
            municipality="DK-101",
            email="kontakt@gaasammen.dk",
        )
        offering = make_offering(forening, "Gåtur", municipality="DK-101", city="København")
        self.refer(offering=offering)
        [message] = mail.outbox
        self.assertEqual(message.to, ["kontakt@gaasammen.dk"])
        self.assertIn("/da/answer/", message.body)
        # The expiry date, written by Django's own Danish month names.
        self.assertIn("17 marts 2025", message.body)

    @time_machine.travel(dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    def test_a_swedish_organisation_gets_swedish(self) -> None:
        self.association.email = "info@gatillsammans.se"
        self.association.save()
        self.refer()
        self.assertIn("/sv/answer/", mail.outbox[0].body)
        self.assertIn("17 mars 2025", mail.outbox[0].body)

    def test_a_provider_contact_gets_it_in_their_own_language(self) -> None:
        self.provider.language = "en"
        self.provider.save()
        self.refer()
        self.assertIn("/en/answer/", mail.outbox[0].body)
        self.assertIn("A new referral to Promenadgruppen", mail.outbox[0].subject)

    def test_withdrawing_a_referral_tells_the_provider(self) -> None:
        referral = self.refer()
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            actions.cancel_activity_referral(
                referral,
                reason=ActivityReferral.Reason.PERSON_DECLINED,
                acting_user=self.link_worker,
            )
        [message] = mail.outbox
        self.assertEqual(message.to, ["provider@example.org"])
        self.assertEqual(
            message.subject,
            in_swedish("A referral to %(name)s was withdrawn", name="Promenadgruppen"),
        )
        self.assertNoPersonalDetails(message)

    # To the link worker, and the person.

    def test_the_link_worker_hears_of_the_answer_in_their_language(self) -> None:
        self.link_worker.language = "en"
        self.link_worker.save()
        referral = self.refer()
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            actions.answer_activity_referral(
                referral, Answer.NEEDS_INFORMATION, acting_user=None, text="Hur gammal?"
            )
        [message] = mail.outbox
        self.assertEqual(message.to, ["lw@example.org"])
        self.assertIn("On hold", message.subject)
        self.assertIn(f"/en/activity-referrals/{referral.uuid}/", message.body)
        self.assertNoPersonalDetails(message)
        self.assertNotIn("Hur gammal?", message.body)

    def test_a_person_who_prefers_text_messages_gets_what_when_and_where(self) -> None:
        case = self.new_case(contact_preference=Person.ContactPreference.SMS, language="en")
        referral = self.refer(case)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            actions.answer_activity_referral(referral, Answer.ACCEPT, acting_user=self.provider)
        [text] = sms.outbox
        self.assertEqual(text.to, "+46701234567")
        self.assertIn("You have a place in Promenadgruppen", text.body)
        self.assertIn("Tuesday", text.body)
        self.assertIn("14:00", text.body)
        self.assertIn("Storgatan 1", text.body)
        self.assertIn("Ask for Kerstin", text.body)
        self.assertIn("090-123 45 67", text.body)
        self.assertEqual([m.to for m in mail.outbox], [["lw@example.org"]])

    def test_a_person_who_prefers_calls_gets_a_call_not_an_email(self) -> None:
        case = self.new_case(email="astrid@example.se")
        referral = self.refer(case)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            actions.answer_activity_referral(referral, Answer.ACCEPT, acting_user=self.provider)
        self.assertEqual([m.to for m in mail.outbox], [["lw@example.org"]])
        self.assertEqual(sms.outbox, [])

    def test_a_person_who_prefers_email_gets_one_in_their_language(self) -> None:
        case = self.new_case(
            email="astrid@example.se",
            language="da",
            contact_preference=Person.ContactPreference.EMAIL,
        )
        referral = self.refer(case)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            actions.answer_activity_referral(referral, Answer.ACCEPT, acting_user=self.provider)
        to_person = [m for m in mail.outbox if m.to == ["astrid@example.se"]]
        self.assertEqual(len(to_person), 1)
        self.assertIn("Promenadgruppen", to_person[0].body)
        self.assertIn("Tirsdag", to_person[0].body)
        self.assertEqual(sms.outbox, [])

    def test_a_person_who_prefers_letters_or_no_contact_gets_nothing(self) -> None:
        for preference in (Person.ContactPreference.LETTER, Person.ContactPreference.NONE):
            with self.subTest(preference=preference):
                case = self.new_case(contact_preference=preference, email="astrid@example.se")
                referral = self.refer(case)
                mail.outbox.clear()
                with self.captureOnCommitCallbacks(execute=True):
                    actions.answer_activity_referral(
                        referral, Answer.ACCEPT, acting_user=self.provider
                    )
                self.assertEqual([m.to for m in mail.outbox], [["lw@example.org"]])
                self.assertEqual(sms.outbox, [])

    def test_only_a_place_is_sent_to_the_person(self) -> None:
        case = self.new_case(contact_preference=Person.ContactPreference.SMS)
        referral = self.refer(case)
        with self.captureOnCommitCallbacks(execute=True):
            actions.answer_activity_referral(referral, Answer.WAITLIST, acting_user=self.provider)
        self.assertEqual(sms.outbox, [])

    # Gone objects.

    def test_each_task_does_nothing_when_its_object_is_gone(self) -> None:
        for task in (
            tasks.notify_team_of_referral,
            tasks.notify_provider_of_referral,
            tasks.notify_provider_of_change,
            tasks.notify_link_worker_of_change,
        ):
            task.call(987654)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(sms.outbox, [])

    def test_an_answered_referral_gets_no_new_answer_link(self) -> None:
        referral = self.refer()
        actions.answer_activity_referral(referral, Answer.ACCEPT, acting_user=self.provider)
        mail.outbox.clear()
        tasks.notify_provider_of_referral.call(referral.pk)
        self.assertEqual(mail.outbox, [])

    def test_messages_render_in_the_recipients_language_not_the_callers(self) -> None:
        with translation.override("en"):
            self.refer()
        self.assertIn("/sv/answer/", mail.outbox[0].body)
