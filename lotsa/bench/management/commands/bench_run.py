"""`manage.py bench_run`: the inside of `manage.py bench`, run against the benchmark's own
database (DATABASE_URL set by `bench`): migrate, build the data set if it is not there, measure,
and write the figures as JSON. Not meant to be run by hand on a working database."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import override_settings

from lotsa.accounts.models import Organization, User
from lotsa.bench import dataset, measure


class Command(BaseCommand):
    help = "Build (if needed) and measure the benchmark data set in the current database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(dataset.SIZES), default="S")
        parser.add_argument("--runs", type=int, default=200)
        parser.add_argument("--report-runs", type=int, default=20)
        parser.add_argument("--targets", default="{}", help="JSON: {measure: {vendor: ms}}")
        parser.add_argument("--output", required=True, help="where the JSON figures go")
        parser.add_argument("--build-only", action="store_true")

    @override_settings(RATELIMIT_ENABLE=False, LOTSA_REQUIRE_MFA=False, DEBUG=False)
    def handle(self, *args: Any, **options: Any) -> None:
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name:
            raise CommandError(
                f"Refusing to build a benchmark data set in {name!r}: `manage.py bench` runs "
                "this in a database of its own."
            )
        size = dataset.SIZES[options["size"]]
        result: dict[str, Any] = {"size": size.name, "vendor": connection.vendor}
        call_command("migrate", verbosity=0, interactive=False)
        if not User.objects.filter(email=dataset.COMPLETE).exists():
            if Organization.objects.exists():
                raise CommandError(
                    "The benchmark database holds an unfinished data set: run "
                    "`manage.py bench --rebuild`."
                )
            self.stderr.write(f"Building the size {size.name} data set in {connection.vendor}:")
            started = time.perf_counter()
            built = dataset.Builder(size, log=self.stderr.write).build()
            result["build"] = {
                "seconds": round(time.perf_counter() - started, 1),
                "steps": built.seconds,
                "counts": built.counts,
            }
        result["data"] = data_size()
        if not options["build_only"]:
            measurer = measure.Measurer(
                runs=options["runs"],
                vendor=connection.vendor,
                targets=json.loads(options["targets"]),
            )
            for step in (measurer.search, measurer.offering_pages, measurer.casework):
                step()
            measurer.reports(options["report_runs"])
            result["figures"] = [figure.summary() for figure in measurer.figures]
        Path(options["output"]).write_text(json.dumps(result, ensure_ascii=False, indent=2))


def data_size() -> dict[str, Any]:
    """Rows in the tables the figures depend on, and the database's size on disk."""
    from lotsa.directory.models import Offering
    from lotsa.outcomes.models import Assessment
    from lotsa.referrals.models import Case, Referral

    counts = {
        "offerings": Offering.objects.count(),
        "staff users": User.objects.count(),
        "referrals": Referral.objects.count(),
        "cases": Case.objects.count(),
        "assessments": Assessment.objects.count(),
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
        else:
            cursor.execute(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            )
        size_bytes = cursor.fetchone()[0]
    return {"rows": counts, "database_mb": round(size_bytes / 1e6, 1)}
