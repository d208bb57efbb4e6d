"""Kept reports (`snapshots`): a computed flow or outcome report is served again while it is
young enough, under its own scope, period, choices and language; the page says when its
figures were computed; `refresh_reports` computes every manager's default reports ahead; and
with LOTSA_REPORT_SNAPSHOT_SECONDS=0 nothing is kept (the suite's default)."""

from __future__ import annotations

import datetime as dt
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
        cohort_tables = ('FROM "referrals_referral"', 'FROM "referrals_case"')
        self.assertFalse(
            [q["sql"] for q in kept.captured_queries if any(t in q["sql"] for t in cohort_tables)]
        )

    def test_scope_period_choices_and_language_each_have_their_own(self) -> None:
        scope = scope_of(self.manager)
        assert scope is not None
        since, until = default_period()
        period = Period(scope, since, until)
        keys = {
            snapshots.key("flow", period),
            snapshots.key("outcomes", period, 3, [3, 6, 12]),
            snapshots.key("outcomes", period, 6, [3, 6, 12]),
            snapshots.key("flow", Period(scope, since - dt.timedelta(days=1), until)),
            snapshots.key("flow", Period(scope, since, until, team_id=self.team_a.pk)),
        }
        with translation.override("da"):
            keys.add(snapshots.key("flow", period))
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
        ):
            for name in ("reports:flow", "reports:outcomes", "reports:flow-csv"):
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
            name = snapshots.key("flow", Period(scope, *default_period()))
        self.assertIsNotNone(cache.get(name))


class WithoutSnapshotTests(FlowTestCase):
    def test_nothing_is_kept_when_the_setting_is_zero(self) -> None:
        _first, report = self.get_flow()
        make_cohort_referral(self.team_a, referred=self.referred)
        response, again = self.get_flow()
        self.assertEqual(again.total, report.total + 1)
        self.assertContains(response, "Figures computed")
        self.assertNotContains(response, "computed again when")
        self.assertEqual(en_url("reports:flow")[:4], "/en/")
