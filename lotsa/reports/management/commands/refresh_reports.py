"""`manage.py refresh_reports`: compute every manager's default flow and outcome reports
ahead. Run it hourly (cron, see docs/deploy.md); the task worker does the work, or this
command itself with `--now`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lotsa.reports.tasks import refresh, refresh_reports


class Command(BaseCommand):
    help = "Compute every manager's default flow and outcome reports ahead (a task, or --now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="compute here, not in a task")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            count = refresh()
            self.stdout.write(f"Computed the default reports of {count} manager scopes.")
            return
        refresh_reports.enqueue()
        self.stdout.write("Enqueued the computing of the managers' default reports.")
