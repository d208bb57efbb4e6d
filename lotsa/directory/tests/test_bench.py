"""`bench` measures the search with a synthetic directory and keeps none of it."""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import TestCase, override_settings
from django.urls import include, path

from lotsa.accounts.models import Organization
from lotsa.directory import search
from lotsa.directory.management.commands.bench_search import SCENARIOS, percentile
from lotsa.directory.models import Offering, Place, Schedule


def broken_search(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Server error", status=500)


# A URLconf whose search page fails, for the test that the bench says so.
urlpatterns = [path("", include(([path("", broken_search, name="search")], "directory")))]


def bench(*args: str) -> str:
    out = StringIO()
    call_command(
        "bench_search", "--offerings", "50", "--runs", "2", "--no-matching", *args, stdout=out
    )
    return out.getvalue()


class BenchTest(TestCase):
    def rows(self) -> tuple[int, ...]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {search.TABLE}")  # noqa: S608 - a constant
            indexed = cursor.fetchone()[0]
        return (
            Organization.objects.count(),
            Offering.objects.count(),
            Place.objects.count(),
            Schedule.objects.count(),
            indexed,
        )

    def test_it_prints_the_figures_and_keeps_nothing(self) -> None:
        before = self.rows()
        output = bench()
        self.assertIn("50 synthetic offerings", output)
        self.assertIn("page p95 ms", output)
        self.assertIn("apply() p50 ms", output)
        for scenario in SCENARIOS:
            line = next(line for line in output.splitlines() if line.startswith(scenario.label))
            # Every scenario has page figures and a query count: no dash in the page columns.
            self.assertNotIn("–", line.split()[len(scenario.label.split())], line)
        self.assertIn("Rolled back", output)
        self.assertEqual(self.rows(), before)

    def test_the_searches_find_the_synthetic_listings(self) -> None:
        output = bench("--engine-only")
        line = next(line for line in output.splitlines() if line.startswith("one word"))
        self.assertGreater(int(line.split()[-1]), 0)

    def test_engine_only_leaves_the_page_out(self) -> None:
        output = bench("--engine-only")
        line = next(line for line in output.splitlines() if line.startswith("one word"))
        self.assertEqual(line.split()[3:6], ["–", "–", "–"])

    @override_settings(ROOT_URLCONF=__name__)
    def test_a_failing_search_page_fails_loudly(self) -> None:
        before = self.rows()
        with self.assertRaisesMessage(CommandError, "answered 500"):
            bench()
        self.assertEqual(self.rows(), before)

    def test_it_refuses_an_empty_bench(self) -> None:
        with self.assertRaises(CommandError):
            bench("--offerings", "0")

    def test_percentile_is_the_nearest_rank(self) -> None:
        values = [float(n) for n in range(1, 21)]
        self.assertEqual(percentile(values, 0.5), 10.0)
        self.assertEqual(percentile(values, 0.95), 19.0)
        self.assertEqual(percentile([3.0], 0.95), 3.0)
