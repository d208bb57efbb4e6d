"""Reminders of unanswered activity referrals: after N days, again after 2N, never more."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from lotsa.referrals import actions, tasks
from lotsa.referrals.actions import Answer
from lotsa.referrals.models import ActivityReferral
from lotsa.test import BaseTestCase, make_activity_referral, make_case, make_offering

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
TOKEN = re.compile(r"/answer/([^/\s]+)/")


REMINDER_SUBJECT = "Reminder: a referral to %(name)s waits for your answer"


def in_swedish(msgid: str, **values: str) -> str:
    """What a Swedish recipient reads: the message translated, as the template renders it."""
    with translation.override("sv"):
        return translation.gettext(msgid) % values


@override_settings(
    LOTSA_ANSWER_REMINDER_DAYS=3,
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
)
class ReminderTests(BaseTestCase):
    def setUp(self) -> None:
        self.offering = make_offering(self.association, "Promenadgruppen")
        with time_machine.travel(START, tick=False):
            case = make_case(self.team_a, self.link_worker, self.gp)
            self.referral = make_activity_referral(case, self.offering, self.link_worker)

    def remind_at(self, days: float) -> int:
        """Run the reminders `days` after the referral; how many mails went out."""
        sent = len(mail.outbox)
        with time_machine.travel(START + dt.timedelta(days=days), tick=False):
            tasks.remind_unanswered_referrals.call()
        return len(mail.outbox) - sent

    def test_there_is_no_reminder_before_n_days(self) -> None:
        self.assertEqual(self.remind_at(2.9), 0)
        self.referral.refresh_from_db()
        self.assertIsNone(self.referral.reminded_at)

    def test_the_reminder_after_n_days_resends_a_fresh_link(self) -> None:
        self.assertEqual(self.remind_at(3.1), 1)
        message = mail.outbox[-1]
        self.assertEqual(message.to, ["provider@example.org"])
        self.assertEqual(message.subject, in_swedish(REMINDER_SUBJECT, name="Promenadgruppen"))
        self.assertNotIn("Astrid", message.body)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.reminded_at, START + dt.timedelta(days=3.1))
        token = TOKEN.search(message.body)
        assert token is not None
        with time_machine.travel(START + dt.timedelta(days=3.2), tick=False):
            self.assertEqual(self.client.get(f"/en/answer/{token.group(1)}/").status_code, 200)

    def test_it_reminds_twice_at_most(self) -> None:
        sent = [self.remind_at(days) for days in (1, 3.1, 4, 5, 6.5, 7, 9.5, 12, 20, 40)]
        self.assertEqual(sent, [0, 1, 0, 0, 1, 0, 0, 0, 0, 0])

    def test_a_late_first_reminder_waits_n_days_for_the_second(self) -> None:
        sent = [self.remind_at(days) for days in (5, 6.5, 7.9, 8.1, 12)]
        self.assertEqual(sent, [1, 0, 0, 1, 0])

    def test_answered_and_withdrawn_referrals_are_not_reminded(self) -> None:
        actions.answer_activity_referral(
            self.referral, Answer.NEEDS_INFORMATION, acting_user=None, text="Hur gammal?"
        )
        other_case = make_case(self.team_a, self.link_worker, self.gp)
        with time_machine.travel(START, tick=False):
            withdrawn = make_activity_referral(other_case, self.offering, self.link_worker)
        actions.cancel_activity_referral(
            withdrawn, reason=ActivityReferral.Reason.NO_CONTACT, acting_user=self.link_worker
        )
        self.assertEqual(self.remind_at(4), 0)

    def test_the_command_enqueues_the_reminders(self) -> None:
        out = StringIO()
        with time_machine.travel(START + dt.timedelta(days=4), tick=False):
            call_command("send_answer_reminders", stdout=out)
        self.assertIn("Enqueued", out.getvalue())
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(
            mail.outbox[0].subject, in_swedish(REMINDER_SUBJECT, name="Promenadgruppen")
        )
