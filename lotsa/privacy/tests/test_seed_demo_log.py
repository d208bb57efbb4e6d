"""`seed_demo_log`: the demo's log review shows one of each alert."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from lotsa.audit.chain import verify
from lotsa.audit.models import AuditEvent
from lotsa.privacy import review
from lotsa.privacy.review import AlertKind


class SeedDemoLogTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", stdout=StringIO())
        call_command("seed_demo_referrals", stdout=StringIO())
        cls.out = StringIO()
        call_command("seed_demo_log", stdout=cls.out)

    def test_the_alerts_of_the_last_fortnight_show_one_of_each_kind(self) -> None:
        today = timezone.localdate()
        found = review.alerts(today - dt.timedelta(days=15), today)
        self.assertEqual(
            {finding.kind for finding in found},
            {
                AlertKind.MANY_PEOPLE,
                AlertKind.OUTSIDE_HOURS,
                AlertKind.OUTSIDE_CASELOAD,
                AlertKind.BREAK_GLASS,
                AlertKind.DENIED,
            },
        )

    def test_the_chain_holds_and_a_second_run_changes_nothing(self) -> None:
        self.assertIn("Seeded", self.out.getvalue())
        out = StringIO()
        call_command("seed_demo_log", stdout=out)
        self.assertIn("already seeded", out.getvalue())
        self.assertIsNone(verify(AuditEvent).broken)
