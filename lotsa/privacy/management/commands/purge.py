"""Carry out the retention classes: anonymise closed cases, trim the access log, and more.

Run nightly (cron, or the task `lotsa.privacy.tasks.purge`). Prints one line per retention
class; a second run the same day finds nothing to do. See docs/security.md, "Retention".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lotsa.privacy import actions


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today wants a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Anonymise and delete what the retention classes say is due; print what was done."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what is due; change nothing."
        )
        parser.add_argument(
            "--today",
            type=str,
            default=None,
            help="Work as if today were this date (YYYY-MM-DD); for tests and catching up.",
        )

    def handle(
        self, *args: Any, dry_run: bool = False, today: str | None = None, **options: Any
    ) -> None:
        report = actions.purge(today=_date(today) if today else None, dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed. Due now:")
        for line in report.lines():
            self.stdout.write(line)
        if report.is_empty:
            self.stdout.write(self.style.SUCCESS("Nothing to do."))
