"""`manage.py enqueue_freshness_reminders`: one reminder task per organisation with stale listings.

Run it daily (cron or a systemd timer); the task worker sends the mails. An organisation is
reminded at most once per `LOTSA_REMINDER_INTERVAL_DAYS`.
"""

from typing import Any

from django.core.management.base import BaseCommand

from lotsa.directory.models import Offering
from lotsa.directory.tasks import send_freshness_reminder


class Command(BaseCommand):
    help = "Enqueue a freshness reminder for each organisation with stale public listings."

    def handle(self, *args: Any, **options: Any) -> None:
        organization_ids = list(
            Offering.objects.due_for_reminder()
            .order_by("organization_id")
            .values_list("organization_id", flat=True)
            .distinct()
        )
        for organization_id in organization_ids:
            send_freshness_reminder.enqueue(organization_id)
        self.stdout.write(f"Enqueued {len(organization_ids)} freshness reminder(s).")
