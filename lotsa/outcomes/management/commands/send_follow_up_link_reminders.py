"""`manage.py send_follow_up_link_reminders`: send again, once, the follow-up links people
have not answered.

Run it daily (cron or a systemd timer) beside `send_answer_reminders`; the task worker sends
the messages. A link is sent again `LOTSA_FOLLOW_UP_LINK_REMINDER_DAYS` days after it went
out, while it is still valid, and never more than once.
"""

from typing import Any

from django.core.management.base import BaseCommand

from lotsa.outcomes.linktasks import remind_unanswered_links


class Command(BaseCommand):
    help = "Enqueue the reminders about follow-up links the person has not answered."

    def handle(self, *args: Any, **options: Any) -> None:
        remind_unanswered_links.enqueue()
        self.stdout.write("Enqueued the follow-up link reminders.")
