"""The benchmark: its data set is valid, deterministic and shaped as the sizes promise, its
bulk inserts write what the ORM reads back, and its measurements count what they say.

The timings themselves are not asserted (speed is `make bench`'s business, not the suite's);
CI runs `make bench` at size S as a smoke run and checks the shape of bench/results.json.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from uuid import uuid4

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.test import TestCase, override_settings
from django.utils import timezone

from lotsa.accounts.models import Membership, User
from lotsa.bench import bulk, dataset, measure
from lotsa.bench.management.commands import bench
from lotsa.directory.models import Offering
from lotsa.outcomes import instruments
from lotsa.outcomes.models import Assessment, FollowUp
from lotsa.people.models import Person
from lotsa.referrals.models import Case, Referral

TINY = dataset.Size("T", offerings=60, staff=36, referrals=640, assessments=2_000)


class DataSetTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.built = dataset.Builder(TINY, log=lambda _line: None).build()

    def test_it_makes_the_rows_the_size_asks_for(self) -> None:
        self.assertEqual(Offering.objects.filter(name__contains=" i ").count(), 60)
        self.assertEqual(Referral.objects.count(), 640)
        self.assertEqual(Person.objects.count(), 640)
        self.assertEqual(self.built.counts["health centres"], TINY.health_centres)
        self.assertGreater(Assessment.objects.count(), 1_000)

    def test_every_link_worker_has_sixty_open_cases(self) -> None:
        workers = User.objects.filter(memberships__role=Membership.Role.LINK_WORKER).annotate(
            open_cases=Count("cases", filter=Q(cases__closed_at__isnull=True))
        )
        self.assertEqual(
            {worker.open_cases for worker in workers}, {dataset.OPEN_CASES_PER_LINK_WORKER}
        )

    def test_scores_are_the_instruments_own(self) -> None:
        for assessment in Assessment.objects.all()[:300]:
            instrument = instruments.get(assessment.instrument)
            self.assertEqual(assessment.scores, instrument.score(assessment.answers))
            self.assertEqual(assessment.score, instrument.primary_score(assessment.scores))

    def test_answered_follow_ups_are_completed(self) -> None:
        answered = FollowUp.objects.filter(assessments__isnull=False).distinct()
        self.assertFalse(answered.filter(completed_at__isnull=True).exists())
        self.assertEqual(
            set(FollowUp.objects.values_list("months", flat=True).distinct()),
            set(dataset.FOLLOW_UP_MONTHS),
        )

    def test_closed_cases_have_a_reason(self) -> None:
        closed = Case.objects.filter(closed_at__isnull=False)
        self.assertTrue(closed.exists())
        self.assertFalse(closed.filter(closure_reason="").exists())

    def test_its_key_check_finds_a_row_that_points_at_nothing(self) -> None:
        dataset.check_foreign_keys()  # the built data set is whole
        follow_up = FollowUp.objects.order_by("pk").first()
        assert follow_up is not None
        missing = Case.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
        # Constraints are deferred to the end of the transaction, so the broken row can be
        # made, found, and removed again before anything checks it.
        FollowUp.objects.filter(pk=follow_up.pk).update(case_id=missing)
        with self.assertRaisesMessage(RuntimeError, "outcomes.FollowUp.case point at nothing"):
            dataset.check_foreign_keys()
        FollowUp.objects.filter(pk=follow_up.pk).update(case_id=follow_up.case_id)

    def test_it_marks_a_finished_build(self) -> None:
        self.assertTrue(User.objects.filter(email=dataset.COMPLETE, is_active=False).exists())

    def test_the_same_size_gives_the_same_people(self) -> None:
        # A second generator with the same seed draws the same names, in the same order.
        first = dataset.Builder(TINY, log=lambda _line: None)
        second = dataset.Builder(TINY, log=lambda _line: None)
        self.assertEqual(
            [first.rng.random() for _n in range(5)], [second.rng.random() for _n in range(5)]
        )
        self.assertEqual(first.fake["SE"].first_name(), second.fake["SE"].first_name())


class MeasureTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        dataset.Builder(TINY, log=lambda _line: None).build()

    @override_settings(RATELIMIT_ENABLE=False, LOTSA_REQUIRE_MFA=False)
    def test_every_page_figure_has_its_requests_and_query_counts(self) -> None:
        measurer = measure.Measurer(runs=8, vendor="sqlite", targets=bench.TARGETS)
        measurer.search()
        measurer.offering_pages()
        measurer.casework()
        figures = {figure.key: figure for figure in measurer.figures}
        for key in ("search_mix", "offering_page", "caseload_page", "case_page", "matching"):
            with self.subTest(key):
                figure = figures[key]
                self.assertGreaterEqual(len(figure.samples_ms), 8)
                self.assertEqual(len(figure.queries), len(figure.samples_ms))
                self.assertEqual(figure.errors, 0, figure.statuses)
        # 80 % of the search mix is local.
        self.assertEqual(len(figures["search_local"].samples_ms), 8)
        self.assertEqual(len(figures["search_mix"].samples_ms), 10)
        # The caseload page's queries do not depend on whose caseload it is.
        caseload = figures["caseload_page"]
        self.assertEqual(min(caseload.queries), max(caseload.queries))

    def test_the_verdict_follows_the_target_and_errors(self) -> None:
        figure = measure.Figure("x", "x", samples_ms=[1.0] * 19 + [9.0], target_ms=5)
        self.assertEqual(figure.percentile(0.95), 1.0)
        self.assertEqual(figure.verdict, "PASS")
        figure.statuses = {500: 1}
        self.assertEqual(figure.verdict, "FAIL")
        self.assertEqual(measure.Figure("y", "y").verdict, "—")


class BulkInsertTests(TestCase):
    def test_rows_read_back_as_the_orm_wrote_them(self) -> None:
        key = uuid4()
        when = timezone.now().replace(microsecond=123456)
        bulk.insert(
            Person,
            ("id", "uuid", "first_name", "birth_date", "created_at", "updated_at"),
            [(99_001, key, "Åsa", dt.date(1950, 2, 3), when, when)],
        )
        person = Person.objects.get(uuid=key)
        self.assertEqual(
            (person.first_name, person.birth_date, person.created_at),
            ("Åsa", dt.date(1950, 2, 3), when),
        )

    def test_the_reports_are_measured_over_the_whole_data_set(self) -> None:
        from lotsa.reports.forms import MAX_MONTHS

        self.assertEqual(measure.WHOLE_MONTHS, MAX_MONTHS)
        self.assertEqual(measure.WHOLE_MONTHS, dataset.YEARS * 12)

    def test_it_refuses_unknown_columns(self) -> None:
        with self.assertRaisesMessage(ValueError, "no ['nickname']"):
            bulk.insert(Person, ("id", "nickname"), [])


class CommandTests(TestCase):
    def test_the_inner_command_refuses_a_database_that_is_not_the_benchmarks(self) -> None:
        with self.assertRaisesMessage(CommandError, "Refusing to build"):
            call_command("bench_run", "--output=/dev/null", stdout=StringIO())

    def test_the_results_file_keeps_other_runs(self) -> None:
        path = Path(self.enterContext(_tmpdir())) / "results.json"
        path.write_text(json.dumps({"runs": {"sqlite-L": {"figures": []}}}))
        self.assertIn("sqlite-L", bench._load(path)["runs"])
        self.assertEqual(bench._load(path.with_name("missing.json")), {"runs": {}})


def _tmpdir():  # type: ignore[no-untyped-def]
    import tempfile

    return tempfile.TemporaryDirectory()
