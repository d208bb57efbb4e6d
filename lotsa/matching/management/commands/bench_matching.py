"""`manage.py bench_matching`: the matching's quality on the case file and its speed at scale.

`manage.py bench_search` runs it after the search figures; see `matching.bench`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lotsa.matching import bench


class Command(BaseCommand):
    help = (
        "Measure the matching: NDCG@5 and hard-rule violations on the quality case file, and "
        "the time to rank one case against N synthetic offerings (rolled back at the end)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--offerings", type=int, default=bench.DEFAULT_OFFERINGS, help="default 100000"
        )
        parser.add_argument(
            "--runs", type=int, default=bench.DEFAULT_RUNS, help="timed runs per case"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["offerings"] < 1 or options["runs"] < 1:
            raise CommandError("--offerings and --runs must be at least 1.")
        figures = bench.measure(offerings=options["offerings"], runs=options["runs"])
        bench.write(figures, self.stdout)
