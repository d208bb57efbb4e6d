"""`manage.py send_answer_reminders`: remind providers of referrals they have not answered.

Run it daily (cron or a systemd timer) beside `enqueue_freshness_reminders`; the task worker
sends the mails. A referral is reminded after `LOTSA_ANSWER_REMINDER_DAYS` days and once more
after twice as many, never more often.
"""

from typing import Any

from django.core.management.base import BaseCommand

from lotsa.referrals.tasks import remind_unanswered_referrals


class Command(BaseCommand):
    help = "Enqueue the reminders about activity referrals that wait for the provider's answer."

    def handle(self, *args: Any, **options: Any) -> None:
        remind_unanswered_referrals.enqueue()
        self.stdout.write("Enqueued the answer reminders.")
