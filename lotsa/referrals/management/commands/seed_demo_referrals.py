"""`manage.py seed_demo_referrals`: link worker teams and synthetic people all along the loop.

Run it after `seed_demo`, which makes the directory and the demo logins (`make demo` runs the
two in that order). Run twice, it says "already seeded" and changes nothing; `--reset` removes
what an earlier run made and seeds again; `--remove` only removes it (`seed_demo --reset` does
that first, because referrals point at the demo organisations and their listings).
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from lotsa.referrals import demo


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {n}" for key, n in sorted(counter.items())) or "none"


class Command(BaseCommand):
    help = (
        "Seed link worker teams and synthetic referrals, cases and activity referrals in "
        "every stage (after seed_demo)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remove the data of an earlier run first, then seed again.",
        )
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Only remove the data of an earlier run (teams, people, referrals, cases).",
        )

    def handle(self, *args: Any, reset: bool = False, remove: bool = False, **options: Any) -> None:
        started = time.perf_counter()
        if remove or reset:
            with transaction.atomic():
                removed = demo.remove()
            self.stdout.write(
                "Removed {teams} demo teams, {people} people and {referrals} referrals.".format(
                    **removed
                )
            )
            if remove:
                return
        elif demo.is_seeded():
            self.stdout.write(
                "The demo referrals are already seeded; nothing changed "
                "(run `manage.py seed_demo_referrals --reset` to seed them afresh)."
            )
            return
        try:
            demo.seed()
        except demo.DemoError as error:
            raise CommandError(str(error)) from error
        summary = demo.summary()
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {summary['teams']} link worker teams, {summary['people']} people and "
                f"{summary['unmet']} unmet needs in {time.perf_counter() - started:.1f} s."
            )
        )
        self.stdout.write(f"  Referrals: {_counts(summary['referrals'])}")
        self.stdout.write(f"  Open cases by stage: {_counts(summary['stages'])}")
        self.stdout.write(f"  Closed cases by reason: {_counts(summary['closed'])}")
        self.stdout.write(f"  Activity referrals: {_counts(summary['activity'])}")
        self.stdout.write(
            f"  The Danish link worker signs in as {demo.DANISH_LINK_WORKER} with the demo "
            "password. No e-mail was sent while seeding: ask for a new answer link on a "
            "referral to see one."
        )
