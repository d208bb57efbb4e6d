"""`manage.py import_hsds SOURCE`: import HSDS data into the directory (see
lotsa.interop.hsds.importing). SOURCE is an HSDS JSON file (one object, a list, a page or a
list of pages), a folder (a tabular datapackage of CSV files, HSDS 3.0 or 1.x, or JSON
files), or the base URL of an HSDS API.

All or nothing: when any record is bad the report lists every one and nothing is written
(exit status 1). Warnings (what Lotsa has no place for) are listed and do not stop it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from lotsa.directory.models import Offering
from lotsa.interop.hsds import importing
from lotsa.interop.hsds.sources import Issue

BAR_WIDTH = 30
SHOWN_PER_MESSAGE = 3


class ProgressBar:
    """A progress bar on stderr, redrawn in place on a terminal and every tenth elsewhere."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.is_terminal = stream.isatty()
        self.last: tuple[str, int] = ("", -1)

    def __call__(self, label: str, done: int, total: int | None) -> None:
        if total:
            share = min(done / total, 1.0)
            tenth = int(share * 10)
            if not self.is_terminal and (label, tenth) == self.last:
                return
            self.last = (label, tenth)
            filled = int(share * BAR_WIDTH)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            line = f"{label:<15} [{bar}] {done:>7,}/{total:,}"
        else:
            line = f"{label:<15} {done:>7,}"
        end = "" if self.is_terminal and done != total else "\n"
        self.stream.write(("\r" if self.is_terminal else "") + line, ending=end)
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import HSDS data (a JSON file, a datapackage folder or an API's URL) into the directory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="A JSON file, a folder, or an HSDS API's base URL.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and report, write nothing.",
        )
        parser.add_argument(
            "--language",
            choices=Offering.TextLanguage.values,
            default=Offering.TextLanguage.SWEDISH,
            help="The language of texts that do not say (for search stemming). Default: sv.",
        )
        parser.add_argument(
            "--allow-partial",
            action="store_true",
            help="Import a page of a larger result (a file whose page says there are more).",
        )
        parser.add_argument(
            "--all-warnings",
            action="store_true",
            help="List every warning, not a few of each kind.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = ProgressBar(self.stderr) if options["verbosity"] > 0 else None
        report = importing.import_source(
            options["source"],
            dry_run=options["dry_run"],
            language=options["language"],
            allow_partial=options["allow_partial"],
            **({"progress": progress} if progress else {}),
        )
        self._print(report, every_warning=options["all_warnings"])
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} errors: nothing was imported. Fix them and run again."
            )

    def _print(self, report: importing.Report, *, every_warning: bool) -> None:
        write = self.stdout.write
        for issue in report.errors:
            write(f"ERROR    {issue.where}: {issue.message}")
        self._warnings(report.warnings, every_warning)
        if report.written:
            organizations = (report.created["organizations"], report.updated["organizations"])
            parts = [f"{organizations[0]} new, {organizations[1]} updated organizations"]
            parts.append(
                f"{report.created['services']} new, {report.updated['services']} updated, "
                f"{report.unchanged['services']} unchanged services"
            )
            parts += [f"{report.created[kind]} {kind}" for kind in ("places", "schedules")]
            write(self.style.SUCCESS("Imported: " + "; ".join(parts) + "."))
            write(
                f"{report.services:,} services in {report.seconds:.1f} s "
                f"({report.services_per_second:,.0f} services/s)."
            )
        elif not report.errors:
            write(f"Checked {report.services:,} services: nothing was written (--dry-run).")

    def _warnings(self, warnings: list[Issue], every_warning: bool) -> None:
        by_message: dict[str, list[Issue]] = defaultdict(list)
        for issue in warnings:
            by_message[issue.message].append(issue)
        for message, issues in by_message.items():
            shown = issues if every_warning else issues[:SHOWN_PER_MESSAGE]
            for issue in shown:
                self.stdout.write(f"WARNING  {issue.where}: {message}")
            if len(issues) > len(shown):
                self.stdout.write(f"WARNING  … and {len(issues) - len(shown)} more like it.")
