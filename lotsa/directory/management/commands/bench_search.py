"""`manage.py bench_search`: how fast the public search is with a directory at scale.

It adds N synthetic offerings (default 5,000) spread over every Swedish and Danish
municipality, inside one transaction, measures the search page and `search.apply()` for
realistic queries and filters, prints the figures, and rolls the transaction back: nothing
it made is kept. On SQLite the transaction holds the write lock while the bench runs, so
other writers (a task worker) wait; run it on a development database.

Then it runs `manage.py bench_matching` (the matching's quality on its case file and its speed
with 100,000 offerings, also rolled back) unless `--no-matching`.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from faker import Faker

from lotsa.accounts.models import Organization
from lotsa.directory import demo_data, search
from lotsa.directory.actions import TERM_FIELDS
from lotsa.directory.models import Offering, Place, Schedule
from lotsa.lib import municipalities

from .seed_demo import OfferingDraft, draft_synthetic_offering, insert_offerings

SEED = 5000
SCATTER_KM = 5.0
OFFERINGS_PER_ORGANISATION = 25


@dataclass(frozen=True)
class Scenario:
    label: str
    params: dict[str, str]


# What people type and tick on the public search page (GET parameters of directory:search).
SCENARIOS = (
    Scenario("one word: promenad", {"q": "promenad"}),
    Scenario("two words: sorg grupp", {"q": "sorg grupp"}),
    Scenario("Danish word: strikkecafé", {"q": "strikkecafé"}),
    Scenario("no match: xylofonorkester", {"q": "xylofonorkester"}),
    Scenario("category: walking", {"category": "walking-outdoor"}),
    Scenario("near Umeå, 10 km", {"near": "Umeå", "km": "10"}),
    Scenario("near postcode 903 26, 5 km", {"near": "903 26", "km": "5"}),
    Scenario("kör + near Umeå, 10 km", {"q": "kör", "near": "Umeå", "km": "10"}),
    Scenario("Tuesday mornings", {"day": "TU", "time": "morning"}),
    Scenario("free + wheelchair", {"free": "1", "wheelchair": "1"}),
    Scenario("språkcafé in Arabic", {"q": "språkcafé", "language": "ar"}),
    Scenario("older people, age 70", {"audience": "older-people", "age": "70"}),
    Scenario("everything, page 10", {"page": "10"}),
)


class _RollBack(Exception):
    """Raised at the end of the bench so that its transaction undoes every row it made."""


@dataclass
class Row:
    scenario: Scenario
    page_ms: list[float]
    queries: int | None
    apply_ms: list[float]
    matches: int | None


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with `share` of the values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of `runs` calls, after one warm-up call that is not counted."""
    action()
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


class PageFailed(Exception):
    """The search page did not answer 200: no page figures, and the bench says why."""


class Bench:
    def __init__(self, *, offerings: int, runs: int, pages: bool) -> None:
        self.count = offerings
        self.runs = runs
        self.pages = pages
        self.rng = random.Random(SEED)  # noqa: S311 - synthetic data, not security
        self.fake = {"SE": Faker("sv_SE"), "DK": Faker("da_DK")}
        for fake in self.fake.values():
            fake.seed_instance(SEED)
        self.client = Client(HTTP_HOST=_allowed_host())
        with translation.override("sv"):
            self.url = reverse("directory:search")
        # Every municipality of both countries, loaded before the clock starts.
        self.all_places = [
            m for m in municipalities.all_municipalities().values() if m.lat and m.lon
        ]
        self.places = {
            country: [m for m in self.all_places if m.country == country]
            for country in ("SE", "DK")
        }
        self.activities = {
            "SE": list(demo_data.SV_ACTIVITIES.values()),
            "DK": list(demo_data.DA_ACTIVITIES.values()),
        }
        self.offering_ids: list[int] = []

    def populate(self) -> tuple[int, int]:
        """Insert the synthetic directory; returns (organisations, municipalities)."""
        today = timezone.localdate()
        count = max(2, self.count // OFFERINGS_PER_ORGANISATION)
        # Each country gets organisations in proportion to its municipalities, at least one.
        danish = max(1, round(count * len(self.places["DK"]) / len(self.all_places)))
        pools = {"SE": max(1, count - danish), "DK": danish}
        organisations = {
            country: Organization.objects.bulk_create(
                Organization(
                    name=f"Benchmarkföreningen {country}-{n:05d}",
                    kind=Organization.Kind.ASSOCIATION,
                    country=country,
                    municipality=self.rng.choice(self.places[country]).key,
                )
                for n in range(size)
            )
            for country, size in pools.items()
        }
        drafts: list[OfferingDraft] = []
        used: set[str] = set()
        for n in range(self.count):
            home = self.rng.choice(self.all_places)
            used.add(home.key)
            pool = organisations[home.country]
            drafts.append(
                draft_synthetic_offering(
                    home,
                    pool[n % len(pool)],
                    self.activities[home.country],
                    rng=self.rng,
                    fake=self.fake[home.country],
                    today=today,
                    km=SCATTER_KM,
                )
            )
        self.offering_ids = [o.pk for o in insert_offerings(drafts)]
        return sum(len(pool) for pool in organisations.values()), len(used)

    def analyze(self) -> None:
        """Give PostgreSQL's planner statistics of the new rows, as autovacuum would in time.

        Inside the bench's transaction no autovacuum sees them; the statistics are rolled
        back with everything else.
        """
        if connection.vendor != "postgresql":
            return
        tables = [
            Organization._meta.db_table,
            *(model._meta.db_table for model in (Offering, Place, Schedule)),
            *(getattr(Offering, name).through._meta.db_table for name in TERM_FIELDS),
            search.TABLE,
        ]
        with connection.cursor() as cursor:
            for table_name in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table_name)}")

    def measure(self, scenario: Scenario) -> Row:
        query = scenario.params.get("q")
        apply_ms: list[float] = []
        matches = None
        if query is not None:
            page_size = settings.LOTSA_SEARCH_PAGE_SIZE

            def apply() -> int:
                found = search.apply(Offering.objects.public(), query)
                list(found[:page_size])
                return found.count()

            apply_ms = timed(apply, self.runs)
            matches = apply()
        page_ms: list[float] = []
        queries = None
        if self.pages:
            with CaptureQueriesContext(connection) as captured:
                self.get(scenario)
            queries = len(captured)
            page_ms = timed(lambda: self.get(scenario), self.runs)
        return Row(scenario, page_ms, queries, apply_ms, matches)

    def get(self, scenario: Scenario) -> None:
        try:
            response = self.client.get(self.url, scenario.params)
        except Exception as error:
            raise PageFailed(f"{self.url} {scenario.params} raised {error!r}") from error
        if response.status_code != 200:
            raise PageFailed(f"{self.url} {scenario.params} answered {response.status_code}")


def _allowed_host() -> str:
    """A Host header the site accepts (the test client's own, when allowed)."""
    hosts = settings.ALLOWED_HOSTS
    if not hosts or "*" in hosts or "testserver" in hosts:
        return "testserver"
    return hosts[0].lstrip(".")


def _figure(values: list[float], share: float) -> str:
    return f"{percentile(values, share):.1f}" if values else "–"


def table(rows: list[Row]) -> list[str]:
    header = (
        "scenario",
        "page p50 ms",
        "page p95 ms",
        "SQL queries",
        "apply() p50 ms",
        "apply() p95 ms",
        "matches",
    )
    cells = [header] + [
        (
            row.scenario.label,
            _figure(row.page_ms, 0.5),
            _figure(row.page_ms, 0.95),
            "–" if row.queries is None else str(row.queries),
            _figure(row.apply_ms, 0.5),
            _figure(row.apply_ms, 0.95),
            "–" if row.matches is None else str(row.matches),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    lines = []
    for n, line in enumerate(cells):
        first, *numbers = line
        lines.append(
            "  ".join(
                [first.ljust(widths[0])]
                + [value.rjust(width) for value, width in zip(numbers, widths[1:], strict=True)]
            )
        )
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    return lines


class Command(BaseCommand):
    help = (
        "Measure the public search with N synthetic offerings added in a transaction that is "
        "rolled back at the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--offerings", type=int, default=5000, help="default 5000")
        parser.add_argument("--runs", type=int, default=20, help="timed runs per figure")
        parser.add_argument(
            "--engine-only",
            action="store_true",
            help="measure search.apply() alone, not the search page",
        )
        parser.add_argument(
            "--no-matching",
            action="store_true",
            help="leave out the matching's figures (manage.py bench_matching)",
        )
        parser.add_argument(
            "--matching-offerings",
            type=int,
            default=100_000,
            help="synthetic offerings for the matching's figures (default 100000)",
        )

    # Hundreds of searches from one address in a minute: the per-IP rate limit is not measured.
    @override_settings(RATELIMIT_ENABLE=False)
    def handle(self, *args: Any, **options: Any) -> None:
        if options["offerings"] < 1 or options["runs"] < 1:
            raise CommandError("--offerings and --runs must be at least 1.")
        bench = Bench(
            offerings=options["offerings"], runs=options["runs"], pages=not options["engine_only"]
        )
        existing = Offering.objects.count()
        rows: list[Row] = []
        failure = None
        try:
            with transaction.atomic():
                started = time.perf_counter()
                organisations, places = bench.populate()
                inserted = time.perf_counter()
                search.reindex(bench.offering_ids)
                bench.analyze()
                indexed = time.perf_counter()
                try:
                    for scenario in SCENARIOS:
                        rows.append(bench.measure(scenario))
                except PageFailed as error:
                    failure = error
                raise _RollBack
        except _RollBack:
            pass

        self.stdout.write(
            f"Lotsa bench: {bench.count} synthetic offerings from {organisations} organisations "
            f"in {places} municipalities, on top of the {existing} in the database "
            f"({connection.vendor}); {bench.runs} timed runs per figure after one warm-up."
        )
        self.stdout.write(
            f"Set-up, not in the figures: inserted in {inserted - started:.1f} s, "
            f"indexed in {indexed - inserted:.1f} s."
        )
        self.stdout.write(
            "page: GET of the public search page (/sv/) with the test client, "
            "rendered in full; apply(): search.apply() on the public offerings, "
            "then the count and the first page.\n"
        )
        for line in table(rows):
            self.stdout.write(line)
        self.stdout.write("\nRolled back: none of the synthetic rows were kept.")
        # The matching's figures (issue 5), by the command's name: the directory may not import
        # the matching app.
        if "bench_matching" in get_commands() and not options["no_matching"]:
            call_command(
                "bench_matching",
                offerings=options["matching_offerings"],
                runs=options["runs"],
                stdout=self.stdout,
            )
        if failure is not None:
            raise CommandError(
                f"The search page failed, so there are no page figures from there on: {failure}"
            )
