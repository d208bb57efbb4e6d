"""The person's follow-up link: sent by text message or e-mail in their language, the way
they may be reached, signed and expiring, used once, and reminded once."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from unittest import mock

import time_machine
from django.core import mail, signing
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.utils import timezone, translation

from lotsa.audit.models import AuditEvent
from lotsa.messaging import sms
from lotsa.outcomes import actions, links, linktasks
from lotsa.outcomes.models import FollowUp, Mode
from lotsa.people.models import Person
from lotsa.referrals import actions as referral_actions
from lotsa.test import BaseTestCase, canary_person, canary_values, make_case, make_person

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
LINK = re.compile(r"https?://\S+?/(sv|da|en)/questions/([^/\s]+)/")
Preference = Person.ContactPreference


def in_language(language: str, msgid: str, **values: object) -> str:
    """What the person reads: the message translated, as the template renders it."""
    with translation.override(language):
        return translation.gettext(msgid) % values


def token_in(text: str) -> str:
    found = LINK.search(text)
    assert found is not None, text
    return found.group(2)


class LinkTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.person = make_person(
            "Astrid",
            "Lindqvist",
            phone="+46701234567",
            email="astrid@example.net",
            contact_preference=Preference.SMS,
        )
        self.case = make_case(self.team_a, self.link_worker, self.gp, person=self.person)
        self.schedule = actions.schedule_follow_ups(self.case)
        self.follow_up = self.schedule[1]  # at 3 months
        self.request = RequestFactory().get("/sv/questions/x/", REMOTE_ADDR="127.0.0.1")

    def send(self, channel: str = "sms", follow_up: FollowUp | None = None) -> FollowUp:
        with self.captureOnCommitCallbacks(execute=True):
            return links.send_link(
                follow_up or self.follow_up, channel=channel, acting_user=self.link_worker
            )

    def open(self, token: str) -> FollowUp:
        return links.get_follow_up_by_token(self.request, token)

    def reason(self, token: str) -> str:
        with self.assertRaises(links.LinkUnusable) as refused:
            self.open(token)
        return refused.exception.reason


class SendingTests(LinkTestCase):
    def test_a_text_message_carries_the_link_in_the_persons_language(self) -> None:
        self.send("sms")
        self.assertEqual(len(sms.outbox), 1)
        message = sms.outbox[0]
        self.assertEqual(message.to, "+46701234567")
        self.assertIn("/sv/questions/", message.body)
        self.assertIn(in_language("sv", "Hello %(name)s!", name="Astrid"), message.body)
        self.assertIn(
            in_language(
                "sv",
                "The link workers at %(team)s would like to know how you are, %(months)s "
                "months on.",
                team=self.team_a.name,
                months=3,
            ),
            message.body,
        )
        self.assertEqual(self.open(token_in(message.body)), self.follow_up)
        self.assertEqual(mail.outbox, [])

    def test_a_danish_speaker_gets_the_text_in_danish(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(language="da")
        self.send("sms")
        body = sms.outbox[0].body
        self.assertIn("/da/questions/", body)
        self.assertIn(in_language("da", "Answering takes about five minutes:"), body)

    def test_a_speaker_of_another_language_gets_the_language_of_the_municipality(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(language="ar")
        self.send("sms")
        self.assertIn("/sv/questions/", sms.outbox[0].body)

    def test_an_e_mail_carries_the_link_in_the_persons_language(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(language="da")
        self.send("email")
        self.assertEqual(sms.outbox, [])
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["astrid@example.net"])
        self.assertEqual(message.subject, in_language("da", "A few questions about how you are"))
        self.assertIn("/da/questions/", message.body)
        self.assertIn(in_language("da", "Hello %(name)s,", name="Astrid"), message.body)
        self.assertEqual(self.open(token_in(message.body)), self.follow_up)

    def test_the_link_carries_only_the_token_never_a_name_or_identity_number(self) -> None:
        person = canary_person("Lank", dt.date(1951, 4, 2), contact_preference=Preference.SMS)
        case = make_case(self.team_a, self.link_worker, self.gp, person=person)
        follow_up = actions.schedule_follow_ups(case)[0]
        self.send("sms", follow_up)
        self.send("email", follow_up)
        urls = [LINK.search(sms.outbox[0].body), LINK.search(mail.outbox[0].body)]
        for url in urls:
            assert url is not None
            for field, forms in canary_values(person).items():
                for form in forms:
                    self.assertNotIn(form, url.group(0), field)
            self.assertEqual(
                set(links.read_token(url.group(2))), {"f", "n"}, "the token holds two keys"
            )
        for field in ("identity number", "last name", "address"):
            for form in canary_values(person)[field]:
                self.assertNotIn(form, sms.outbox[0].body + mail.outbox[0].body)
                self.assertNotIn(form, mail.outbox[0].subject)

    def test_without_a_channel_the_persons_preferred_one_is_used(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(contact_preference=Preference.EMAIL)
        sent = self.send("")
        self.assertEqual(sent.link_channel, FollowUp.Channel.EMAIL)
        self.assertEqual(len(mail.outbox), 1)

    def test_sending_records_when_and_how_and_is_audited(self) -> None:
        sent = self.send("sms")
        self.follow_up.refresh_from_db()
        self.assertEqual(self.follow_up.link_channel, "sms")
        self.assertIsNotNone(self.follow_up.link_sent_at)
        self.assertTrue(self.follow_up.link_nonce)
        event = AuditEvent.objects.filter(object_type="outcomes.followup").latest("sequence")
        self.assertEqual(event.action, AuditEvent.Action.CHANGE)
        self.assertEqual(event.user, self.link_worker)
        self.assertEqual(event.person_uuid, self.person.uuid)
        self.assertEqual(event.organization_id, self.health_centre_a.pk)
        self.assertEqual(event.object_id, str(sent.pk))

    def test_a_new_link_makes_the_earlier_one_useless(self) -> None:
        self.send("sms")
        first = token_in(sms.outbox[0].body)
        self.send("email")
        self.assertEqual(self.reason(first), "used")
        self.assertEqual(self.open(token_in(mail.outbox[0].body)), self.follow_up)


class RefusalTests(LinkTestCase):
    def assert_refused(self, code: str, channel: str = "sms") -> None:
        before = AuditEvent.objects.count()
        with self.assertRaises(links.LinkError) as refused:
            self.send(channel)
        self.assertEqual(refused.exception.code, code)
        self.assertTrue(refused.exception.message)
        self.assertEqual((sms.outbox, mail.outbox), ([], []))
        self.follow_up.refresh_from_db()
        self.assertIsNone(self.follow_up.link_sent_at)
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_no_text_message_without_a_phone_number(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(phone="")
        self.assert_refused("no_phone")

    def test_no_text_message_to_a_landline(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(phone="+4690123456")
        self.assert_refused("not_mobile")

    def test_no_e_mail_without_an_address(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(email="")
        self.assert_refused("no_email", "email")

    def test_nothing_to_someone_who_does_not_want_to_be_contacted(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(contact_preference=Preference.NONE)
        self.assert_refused("no_contact", "sms")
        self.assert_refused("no_contact", "email")
        self.assertEqual(links.available_channels(Person.objects.get(pk=self.person.pk)), [])

    def test_nothing_for_an_unknown_channel(self) -> None:
        self.assert_refused("unknown_channel", "letter")

    def test_nothing_for_an_answered_follow_up(self) -> None:
        actions.record_follow_up(
            self.follow_up,
            answers={"ucla3": {"companionship": 2, "left_out": 2, "isolated": 2}},
            mode=Mode.WITH_LINK_WORKER,
            acting_user=self.link_worker,
        )
        self.assert_refused("not_pending")

    def test_nothing_for_a_closed_case(self) -> None:
        referral_actions.close_case(self.case, reason="moved", acting_user=self.link_worker)
        self.assert_refused("case_closed")

    def test_the_refusal_reads_in_the_language_of_the_page(self) -> None:
        error = links.LinkError("no_phone")
        with translation.override("en"):
            self.assertEqual(
                error.message, "The person has no phone number to send a text message to."
            )


class TokenTests(LinkTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.token = links.issue_token(self.follow_up)

    def test_a_good_token_opens_its_follow_up(self) -> None:
        self.assertEqual(self.open(self.token), self.follow_up)

    def test_a_tampered_token_is_refused(self) -> None:
        for bad in (self.token[:-2] + "xy", self.token[:20], "not-a-token", ""):
            with self.subTest(bad=bad):
                self.assertEqual(self.reason(bad), "invalid")

    def test_a_signed_token_without_a_good_key_is_refused(self) -> None:
        for data in ({"f": "not-a-uuid", "n": "1"}, {"f": str(self.follow_up.uuid)}, ["x"]):
            with self.subTest(data=data):
                token = signing.dumps(data, salt=links.LINK_SALT)
                self.assertEqual(self.reason(token), "invalid")

    def test_a_token_of_another_purpose_is_refused(self) -> None:
        other = signing.dumps(
            {"f": str(self.follow_up.uuid), "n": self.follow_up.link_nonce},
            salt="lotsa.referrals.answer-link",
        )
        self.assertEqual(self.reason(other), "invalid")

    def test_a_token_expires_after_the_set_number_of_days(self) -> None:
        later = timezone.now() + dt.timedelta(days=links.link_days(), hours=1)
        with time_machine.travel(later, tick=False):
            self.assertEqual(self.reason(self.token), "expired")
        with time_machine.travel(later - dt.timedelta(hours=2), tick=False):
            self.assertEqual(self.open(self.token), self.follow_up)

    @override_settings(LOTSA_FOLLOW_UP_LINK_DAYS=2)
    def test_the_lifetime_is_a_setting(self) -> None:
        with time_machine.travel(timezone.now() + dt.timedelta(days=2, hours=1), tick=False):
            self.assertEqual(self.reason(self.token), "expired")

    def test_an_answered_follow_up_refuses_its_link(self) -> None:
        actions.record_follow_up(
            self.follow_up,
            answers={"ucla3": {"companionship": 1, "left_out": 1, "isolated": 1}},
            mode=Mode.SELF,
            acting_user=None,
        )
        self.assertEqual(self.reason(self.token), "answered")

    def test_a_cancelled_follow_up_or_a_closed_case_refuses_its_link(self) -> None:
        FollowUp.objects.filter(pk=self.follow_up.pk).update(cancelled_at=timezone.now())
        self.assertEqual(self.reason(self.token), "used")
        FollowUp.objects.filter(pk=self.follow_up.pk).update(cancelled_at=None)
        referral_actions.close_case(self.case, reason="moved", acting_user=self.link_worker)
        self.assertEqual(self.reason(self.token), "used")

    def test_opening_is_logged_as_the_persons_own_read_whoever_is_signed_in(self) -> None:
        self.request.user = self.link_worker
        self.open(self.token)
        event = AuditEvent.objects.latest("sequence")
        self.assertEqual(event.action, AuditEvent.Action.READ)
        self.assertIsNone(event.user_id)
        self.assertEqual(event.person_uuid, self.person.uuid)
        self.assertEqual(event.organization_id, self.health_centre_a.pk)
        self.assertEqual(event.ip_address, "127.0.0.1")

    def test_a_refused_link_writes_nothing(self) -> None:
        before = AuditEvent.objects.count()
        self.reason("not-a-token")
        self.assertEqual(AuditEvent.objects.count(), before)


@override_settings(LOTSA_FOLLOW_UP_LINK_REMINDER_DAYS=4, LOTSA_FOLLOW_UP_LINK_DAYS=14)
class ReminderTests(LinkTestCase):
    def setUp(self) -> None:
        with time_machine.travel(START, tick=False):
            super().setUp()
            self.send("sms")
        self.first = token_in(sms.outbox[0].body)

    def remind_at(self, days: float) -> int:
        """Run the reminders `days` after the link was sent; how many texts went out."""
        sent = len(sms.outbox)
        with time_machine.travel(START + dt.timedelta(days=days), tick=False):
            linktasks.remind_unanswered_links.call()
        return len(sms.outbox) - sent

    def test_there_is_no_reminder_before_n_days(self) -> None:
        self.assertEqual(self.remind_at(3.9), 0)

    def test_after_n_days_a_fresh_link_is_sent_once(self) -> None:
        self.assertEqual(self.remind_at(4.1), 1)
        body = sms.outbox[-1].body
        self.assertIn(in_language("sv", "A reminder:"), body)
        with time_machine.travel(START + dt.timedelta(days=4.2), tick=False):
            self.assertEqual(self.reason(self.first), "used")
            self.assertEqual(self.open(token_in(body)), self.follow_up)
        self.assertEqual(self.remind_at(5), 0)
        self.assertEqual(self.remind_at(9), 0)

    def test_the_reminder_is_audited_without_a_user(self) -> None:
        self.remind_at(4.1)
        event = AuditEvent.objects.filter(object_type="outcomes.followup").latest("sequence")
        self.assertEqual(event.action, AuditEvent.Action.CHANGE)
        self.assertIsNone(event.user_id)
        self.assertEqual(event.person_uuid, self.person.uuid)
        self.assertIn("reminder", event.purpose)

    def test_an_answered_link_is_not_reminded(self) -> None:
        with time_machine.travel(START + dt.timedelta(days=1), tick=False):
            actions.record_follow_up(
                self.follow_up,
                answers={"ucla3": {"companionship": 1, "left_out": 2, "isolated": 1}},
                mode=Mode.SELF,
                acting_user=None,
            )
        self.assertEqual(self.remind_at(4.1), 0)

    def test_an_expired_link_is_not_reminded(self) -> None:
        self.assertEqual(self.remind_at(14.5), 0)

    def test_a_person_who_no_longer_wants_contact_is_not_reminded(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(contact_preference=Preference.NONE)
        self.assertEqual(self.remind_at(4.1), 0)

    def test_a_new_link_from_the_link_worker_is_reminded_on_its_own(self) -> None:
        with time_machine.travel(START + dt.timedelta(days=6), tick=False):
            self.send("sms")
        self.assertEqual(self.remind_at(7), 0)
        self.assertEqual(self.remind_at(10.1), 1)

    def test_an_e_mailed_link_is_reminded_by_e_mail(self) -> None:
        with time_machine.travel(START, tick=False):
            self.send("email")
        with time_machine.travel(START + dt.timedelta(days=4.1), tick=False):
            linktasks.remind_unanswered_links.call()
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(
            mail.outbox[-1].subject,
            in_language("sv", "Reminder: a few questions about how you are"),
        )

    def test_two_sweeps_at_once_remind_once(self) -> None:
        with time_machine.travel(START + dt.timedelta(days=4.1), tick=False):
            stale = list(linktasks.due_for_reminder().values_list("pk", "link_nonce"))
            linktasks.remind_unanswered_links.call()
            # A second sweep that read the rows before the first claimed them.
            found = mock.Mock()
            found.values_list.return_value = stale
            with mock.patch.object(linktasks, "due_for_reminder", return_value=found):
                linktasks.remind_unanswered_links.call()
        self.assertEqual(len(sms.outbox), 2)

    def test_the_command_enqueues_the_sweep(self) -> None:
        out = StringIO()
        with time_machine.travel(START + dt.timedelta(days=4.1), tick=False):
            call_command("send_follow_up_link_reminders", stdout=out)
        self.assertIn("Enqueued", out.getvalue())
        self.assertEqual(len(sms.outbox), 2)
