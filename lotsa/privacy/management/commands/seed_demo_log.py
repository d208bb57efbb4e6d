"""`manage.py seed_demo_log`: two weeks of access log for the demo's log review.

Run it after `seed_demo_referrals` (`make demo` does). The people and users are the demo's;
the reads are made up, at the times a team's day would have them, plus one of each thing the
log review's alerts look for: a burst of people opened in an hour, a read on a Saturday
night, a link worker opening someone of another team, an administrator's break-glass access
with its reason, and refused attempts. Run twice, it says "already seeded".
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from lotsa.accounts.access import administrator_unit
from lotsa.accounts.models import User
from lotsa.audit.models import AuditEvent
from lotsa.people import actions as people_actions
from lotsa.people.models import BreakGlass, Person
from lotsa.referrals import demo
from lotsa.referrals.models import Referral

DEMO_DOMAIN = "demo.lotsa.test"
BREAK_GLASS_REASON = (
    "Her daughter called the municipality: she has not answered the phone since Friday and "
    "her link worker is on leave. Looking for the contact details in the case."
)


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def _event(user: User, person: Person, at: dt.datetime, unit: int | None, **fields: Any) -> Any:
    fields.setdefault("action", AuditEvent.Action.READ)
    fields.setdefault("purpose", "case work")
    return AuditEvent(
        user=user,
        person_uuid=person.uuid,
        at=at,
        organization_id=unit,
        object_type="people.person",
        object_id=str(person.pk),
        ip_address="192.0.2.10",
        **fields,
    )


class Command(BaseCommand):
    help = "Seed two weeks of demo access log, with one of each alert (after the demo loop)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo.is_seeded():
            self.stderr.write("Run seed_demo and seed_demo_referrals first.")
            return
        if BreakGlass.objects.filter(reason=BREAK_GLASS_REASON).exists():
            self.stdout.write("The demo access log is already seeded.")
            return
        with transaction.atomic():
            count = self.seed(timezone.localtime(), random.Random(2026))  # noqa: S311
        self.stdout.write(f"Seeded {count} demo access-log events.")

    def seed(self, now: dt.datetime, rng: random.Random) -> int:
        worker, other_worker = _user("linkworker"), _user("linkworker-b")
        admin, outsider = _user("admin"), _user("outsider")
        team = worker.teams.get()
        unit = team.organization_id
        own = list(Person.objects.filter(referrals__team=team).distinct().order_by("pk")[:40])
        others = list(
            Person.objects.filter(referrals__team__in=other_worker.teams.all())
            .exclude(pk__in=[p.pk for p in own])
            .distinct()
        )
        rows = []
        # An ordinary fortnight: each weekday, the link worker opens a handful of their people.
        for days_ago in range(14, 0, -1):
            day = (now - dt.timedelta(days=days_ago)).date()
            if day.weekday() >= 5:
                continue
            for _ in range(rng.randint(3, 7)):
                moment = dt.datetime.combine(
                    day, dt.time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=now.tzinfo
                )
                rows.append(_event(worker, rng.choice(own), moment, unit))
        # One of each thing the alerts look for.
        last_saturday = (now - dt.timedelta(days=(now.weekday() - 5) % 7 or 7)).date()
        late = dt.datetime.combine(last_saturday, dt.time(22, 40), tzinfo=now.tzinfo)
        rows.append(_event(worker, own[0], late, unit))
        burst = dt.datetime.combine(
            (now - dt.timedelta(days=3)).date(), dt.time(13, 5), tzinfo=now.tzinfo
        )
        rows += [
            _event(worker, person, burst + dt.timedelta(minutes=2 * n), unit, purpose="triage")
            for n, person in enumerate(own[:25])
        ]
        if others:
            rows.append(_event(worker, others[0], burst - dt.timedelta(hours=2), unit))
        referral = Referral.objects.filter(team=team).order_by("pk").first()
        for minutes in (0, 1, 3):
            rows.append(
                AuditEvent(
                    action=AuditEvent.Action.DENIED,
                    user=outsider,
                    at=burst + dt.timedelta(hours=1, minutes=minutes),
                    object_type="referrals.referral",
                    object_id=str(referral.uuid) if referral else "",
                    purpose="follow referral",
                    ip_address="198.51.100.23",
                )
            )
        rows.sort(key=lambda event: event.at)
        AuditEvent.objects.bulk_create(rows)
        # Break-glass: the real thing, logged as it happens (now).
        person = own[1]
        people_actions.open_break_glass(person, acting_user=admin, reason=BREAK_GLASS_REASON)
        AuditEvent.objects.bulk_create(
            [
                _event(
                    admin,
                    person,
                    timezone.now(),
                    administrator_unit(admin),
                    purpose=people_actions.break_glass_purpose(BREAK_GLASS_REASON),
                )
            ]
        )
        return len(rows) + 2
