"""Kept reports (`snapshots`): a computed flow or outcome report is served again while it is
young enough, under its own scope, period, choices and language; the page says when its
figures were computed; `refresh_reports` computes every manager's default reports ahead; and
with LOTSA_REPORT_SNAPSHOT_SECONDS=0 nothing is kept (the suite's default)."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from unittest import mock

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lotsa.reports import snapshots
from lotsa.reports.cohort import Period
from lotsa.reports.filters import default_period
from lotsa.reports.scope import scope_of

from .cohorts import make_cohort_referral
from .helpers import en_url
from .test_flow import FlowTestCase


@override_settings(LOTSA_REPORT_SNAPSHOT_SECONDS=600)
class SnapshotTests(FlowTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.addCleanup(cache.clear)

    def test_a_computed_report_is_served_again_until_it_is_recomputed(self) -> None:
        first, report = self.get_flow()
        self.assertContains(first, 'id="computed-at"')
        self.assertContains(first, "computed again when it is 10 minutes old")
        make_cohort_referral(self.team_a, referred=self.referred)
        _again, kept = self.get_flow()
        self.assertEqual(kept.total, report.total)  # the kept figures, not the new referral
        period = kept.period
        with translation.override("en"):
            fresh = snapshots.flow(period, fresh=True)
        self.assertEqual(fresh.report.total, report.total + 1)
        _now, recomputed = self.get_flow()
        self.assertEqual(recomputed.total, report.total + 1)

    def test_the_kept_page_reads_no_cohort(self) -> None:
        self.get_flow()
        with CaptureQueriesContext(connection) as kept:
            self.get_flow()
        # The table each query reads first (the unit filter's choices may ask whether a team
        # has a referral, in a subquery: that counts nothing).
        tables = {
            found.group(1)
            for query in kept.captured_queries
            if (found := re.match(r'SELECT .*? FROM "(\w+)"', query["sql"]))
        }
        self.assertFalse(tables & {"referrals_referral", "referrals_case", "outcomes_assessment"})
        self.assertIn("accounts_team", tables)

    def test_scope_period_choices_and_language_each_have_their_own(self) -> None:
        scope = scope_of(self.manager)
        assert scope is not None
        since, until = default_period()
        period = Period(scope, since, until)
        parts = snapshots.period_parts
        keys = {
            snapshots.key("flow", *parts(period)),
            snapshots.key("outcomes", *parts(period), 3, [3, 6, 12]),
            snapshots.key("outcomes", *parts(period), 6, [3, 6, 12]),
            snapshots.key("flow", *parts(Period(scope, since - dt.timedelta(days=1), until))),
            snapshots.key("flow", *parts(Period(scope, since, until, team_id=self.team_a.pk))),
        }
        with translation.override("da"):
            keys.add(snapshots.key("flow", *parts(period)))
        self.assertEqual(len(keys), 6)

    def test_refresh_reports_computes_the_default_reports_ahead(self) -> None:
        out = StringIO()
        call_command("refresh_reports", "--now", stdout=out)
        self.assertIn("manager scopes", out.getvalue())
        self.login(self.manager)
        language = self.manager.message_language
        with (
            mock.patch("lotsa.reports.flow.flow", side_effect=AssertionError("computed")),
            mock.patch(
                "lotsa.reports.snapshots.outcome_report", side_effect=AssertionError("computed")
            ),
            mock.patch("lotsa.reports.roi.use_pairs", side_effect=AssertionError("computed")),
        ):
            for name in ("reports:flow", "reports:outcomes", "reports:flow-csv", "reports:roi"):
                with translation.override(language):
                    url = reverse(name)
                self.assertEqual(self.client.get(url).status_code, 200, name)

    def test_the_task_is_what_the_command_enqueues(self) -> None:
        out = StringIO()
        call_command("refresh_reports", stdout=out)  # the suite runs tasks at once
        self.assertIn("Enqueued", out.getvalue())
        scope = scope_of(self.manager)
        assert scope is not None
        with translation.override(self.manager.message_language):
            name = snapshots.key("flow", *snapshots.period_parts(Period(scope, *default_period())))
        self.assertIsNotNone(cache.get(name))

    def test_the_calculator_keeps_the_use_and_prices_it_anew(self) -> None:
        self.login(self.manager)
        url = en_url("reports:roi")
        self.assertContains(self.client.get(url), 'id="computed-at"')
        with mock.patch("lotsa.reports.roi.use_pairs", side_effect=AssertionError("computed")):
            response = self.client.get(url, {"gp_visit_cost": "2000"})
        self.assertEqual(response.status_code, 200)

    def test_capacity_pressure_is_kept_per_municipalities_and_days(self) -> None:
        self.login(self.coordinator)
        url = en_url("reports:capacity")
        first = self.client.get(url)
        self.assertContains(first, 'id="computed-at"')
        with mock.patch("lotsa.reports.capacity.pressure", side_effect=AssertionError("computed")):
            self.assertEqual(self.client.get(url).status_code, 200)
            with self.assertRaisesMessage(AssertionError, "computed"):
                self.client.get(url, {"days": 30})


class WithoutSnapshotTests(FlowTestCase):
    def test_nothing_is_kept_when_the_setting_is_zero(self) -> None:
        _first, report = self.get_flow()
        make_cohort_referral(self.team_a, referred=self.referred)
        response, again = self.get_flow()
        self.assertEqual(again.total, report.total + 1)
        self.assertContains(response, "Figures computed")
        self.assertNotContains(response, "computed again when")
        self.assertEqual(en_url("reports:flow")[:4], "/en/")
