"""`manage.py import_healthcare_use FILE`: import health-care use for an administrator.

The CSV format is the link workers' import page's (`lotsa.outcomes.healthcare_import`). Rows
are matched to any case, or with `--team ID` to that team's cases only (an identity number
is then looked up among that team's people). All or nothing: with any bad row, every bad row
is listed and nothing is imported; the command then fails (exit status 1). `--dry-run`
checks the file without importing. Every row imported is written to the access log, with no
user (the operator's command).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lotsa.accounts.models import Team
from lotsa.outcomes.healthcare_import import import_healthcare_use
from lotsa.referrals.models import Case


class Command(BaseCommand):
    help = "Import visits to the health centre and the emergency department from a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file.")
        parser.add_argument(
            "--team", type=int, help="Match only the cases of this team (its id in the admin)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file; import nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        cases = Case.objects.all()
        if options["team"] is not None:
            if not Team.objects.filter(pk=options["team"]).exists():
                raise CommandError(f"No team with the id {options['team']}.")
            cases = cases.filter(team_id=options["team"])
        report = import_healthcare_use(
            data, cases=cases, acting_user=None, dry_run=options["dry_run"]
        )
        if not report.is_ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Nothing was imported: {len(report.problems)} problem(s) in {path.name}."
            )
        if report.dry_run:
            self.stdout.write(f"The file is good: {report.rows} row(s) can be imported.")
        else:
            self.stdout.write(
                f"Imported {report.imported} row(s): {report.created} new, "
                f"{report.replaced} replaced."
            )
