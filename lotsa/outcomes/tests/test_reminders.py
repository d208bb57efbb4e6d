"""Follow-ups as tasks with reminders: the nightly round e-mails each due follow-up's link
worker once, without the person's details, and sweeps the schedules of unopened cases."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from lotsa.outcomes import actions, tasks
from lotsa.outcomes.models import FollowUp
from lotsa.referrals import actions as referral_actions
from lotsa.referrals.models import Case
from lotsa.test import BaseTestCase, make_case, make_user

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
LINK = re.compile(r"https?://\S+/outcomes/(\d+)/")


def subject_in_swedish(count: int) -> str:
    """What a Swedish link worker reads in the subject, as the template renders it."""
    with translation.override("sv"):
        text = translation.ngettext("A follow-up is due", "%(counter)s follow-ups are due", count)
    return text % {"counter": count} if "%(counter)s" in text else text


def at(days: float) -> time_machine.travel:
    return time_machine.travel(START + dt.timedelta(days=days), tick=False)


class ReminderTests(BaseTestCase):
    def setUp(self) -> None:
        with at(0):
            self.case = make_case(self.team_a, self.link_worker, self.gp)

    def run_round(self, days: float) -> list[mail.EmailMessage]:
        sent = len(mail.outbox)
        with at(days):
            tasks.send_follow_up_reminders.call()
        return mail.outbox[sent:]

    def test_the_baseline_is_reminded_to_the_link_worker_the_night_the_case_opens(self) -> None:
        [message] = self.run_round(0.5)
        self.assertEqual(message.to, [self.link_worker.email])
        self.assertEqual(message.subject, subject_in_swedish(1))
        self.assertEqual(LINK.findall(message.body), ["0"])
        self.assertIn(f"/sv/cases/{self.case.uuid}/outcomes/0/", message.body)
        self.assertIn("/sv/follow-ups/", message.body)
        # Nothing of the person: no name, no phone.
        self.assertNotIn("Astrid", message.body)
        self.assertNotIn("Lindqvist", message.body)
        self.assertNotIn("0701234567", message.body.replace(" ", "").replace("-", ""))

    def test_each_follow_up_is_reminded_once_when_it_is_due(self) -> None:
        self.assertEqual(len(self.run_round(0.5)), 1)  # the baseline
        self.assertEqual(self.run_round(1), [])
        self.assertEqual(self.run_round(91), [])  # 3 months: 2025-06-03, not yet
        [three] = self.run_round(92.5)
        self.assertEqual(LINK.findall(three.body), ["3"])
        self.assertEqual(self.run_round(93), [])
        self.assertIsNotNone(FollowUp.objects.get(case=self.case, months=3).reminded_at)

    def test_a_done_follow_up_or_a_closed_case_is_not_reminded(self) -> None:
        with at(0.2):
            actions.schedule_follow_ups(self.case)
        FollowUp.objects.filter(case=self.case, months=0).update(completed_at=timezone.now())
        self.assertEqual(self.run_round(0.5), [])
        with at(1):
            referral_actions.close_case(
                self.case, reason=Case.ClosureReason.MOVED, acting_user=self.link_worker
            )
        self.assertEqual(self.run_round(400), [])
        self.assertFalse(FollowUp.objects.filter(case=self.case, cancelled_at__isnull=True,
                                                 completed_at__isnull=True).exists())  # fmt: skip

    def test_one_mail_lists_every_follow_up_due_for_the_same_link_worker(self) -> None:
        with at(0):
            other = make_case(self.team_a, self.link_worker, self.gp)
        [message] = self.run_round(200)  # baselines, 3 and 6 months of both cases
        self.assertEqual(message.subject, subject_in_swedish(6))
        self.assertEqual(sorted(LINK.findall(message.body)), ["0", "0", "3", "3", "6", "6"])
        self.assertIn(str(other.uuid), message.body)

    def test_an_unassigned_case_reminds_the_team(self) -> None:
        colleague = make_user("kollega@example.org", self.health_centre_a, "link_worker")
        self.team_a.members.add(colleague)
        Case.objects.filter(pk=self.case.pk).update(assigned_to=None)
        messages = self.run_round(0.5)
        self.assertEqual(
            sorted(m.to[0] for m in messages), [colleague.email, self.link_worker.email]
        )
        self.team_a.email = "lotsarna@example.org"
        self.team_a.save()
        FollowUp.objects.update(reminded_at=None)
        [message] = self.run_round(0.6)
        self.assertEqual(message.to, ["lotsarna@example.org"])

    def test_the_link_worker_who_left_the_team_is_not_reminded(self) -> None:
        self.team_a.members.remove(self.link_worker)
        colleague = make_user("kollega@example.org", self.health_centre_a, "link_worker")
        self.team_a.members.add(colleague)
        [message] = self.run_round(0.5)
        self.assertEqual(message.to, [colleague.email])

    def test_the_reminder_is_in_the_link_workers_language(self) -> None:
        self.link_worker.language = "en"
        self.link_worker.save()
        [message] = self.run_round(0.5)
        self.assertEqual(message.subject, "A follow-up is due")
        self.assertIn("/en/cases/", message.body)

    def test_the_command_enqueues_the_round(self) -> None:
        out = StringIO()
        with at(0.5):
            call_command("send_follow_up_reminders", stdout=out)
        self.assertIn("Enqueued", out.getvalue())
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(self.case.follow_ups.count(), 4)
