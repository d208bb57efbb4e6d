"""`manage.py send_follow_up_reminders`: the nightly round of outcome measurement.

Run it daily (cron or a systemd timer) beside `send_answer_reminders`; the task worker does
the work. It makes the follow-up schedule of open cases nobody has opened, ends that of
closed cases, and e-mails each due follow-up's link worker once.
"""

from typing import Any

from django.core.management.base import BaseCommand

from lotsa.outcomes.tasks import send_follow_up_reminders


class Command(BaseCommand):
    help = "Enqueue the nightly sweep of follow-up schedules and the reminders of due follow-ups."

    def handle(self, *args: Any, **options: Any) -> None:
        send_follow_up_reminders.enqueue()
        self.stdout.write("Enqueued the follow-up sweep and reminders.")
