"""`manage.py seed_demo_outcomes`: outcome measurement for the demo — instruments per
organisation, baselines and follow-ups, experience surveys and health-care use.

Run it after `seed_demo_referrals` (`make demo` runs them in that order). Run twice, it says
"already seeded" and changes nothing; `--reset` removes what an earlier run made and seeds
again; `--remove` only removes it.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from lotsa.outcomes import demo


def _counts(counter: Counter[Any]) -> str:
    return ", ".join(f"{key} {n}" for key, n in sorted(counter.items())) or "none"


class Command(BaseCommand):
    help = (
        "Seed outcome measurement for the demo: instruments, baselines and follow-ups with "
        "scores, experience surveys and health-care use (after seed_demo_referrals)."
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
            help="Only remove the data of an earlier run (the history's people, all outcomes).",
        )

    def handle(self, *args: Any, reset: bool = False, remove: bool = False, **options: Any) -> None:
        started = time.perf_counter()
        if remove or reset:
            with transaction.atomic():
                removed = demo.remove()
            self.stdout.write(
                "Removed {people} people of the history, {follow-ups} follow-ups and "
                "{assessments} assessments.".format(**removed)
            )
            if remove:
                return
        elif demo.is_seeded():
            self.stdout.write(
                "The demo outcomes are already seeded; nothing changed "
                "(run `manage.py seed_demo_outcomes --reset` to seed them afresh)."
            )
            return
        try:
            demo.seed()
        except demo.DemoError as error:
            raise CommandError(str(error)) from error
        summary = demo.summary()
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded the outcomes of {summary['history']} people of the history and of the "
                f"demo cases in {time.perf_counter() - started:.1f} s."
            )
        )
        self.stdout.write(f"  Assessments by instrument: {_counts(summary['assessments'])}")
        self.stdout.write(f"  Follow-ups answered, by month: {_counts(summary['answered'])}")
        self.stdout.write(
            f"  Answered by the person through their link: {summary['self']} assessments; "
            f"{summary['duplicates']} kept as duplicates"
        )
        self.stdout.write(f"  Experience surveys: {summary['surveys']}")
        self.stdout.write(f"  Health-care use: {_counts(summary['healthcare'])}")
        self.stdout.write(
            f"  Due now for the demo link workers: {summary['due']} follow-ups, "
            f"{summary['links']} with a link sent to the person"
        )
