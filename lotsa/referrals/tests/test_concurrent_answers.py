"""Two answers at the same moment: the last place goes to one of them, on both databases.

The answers run in two threads, each with its own database connection, released together by
a barrier. Exactly one takes the place; the other is told the activity is full (or that the
referral was answered already) and nothing is overbooked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from lotsa.accounts.models import Membership, Organization
from lotsa.referrals import actions
from lotsa.referrals.actions import Answer, ReferralError
from lotsa.referrals.models import ActivityReferral
from lotsa.test import (
    make_activity_referral,
    make_case,
    make_offering,
    make_organization,
    make_team,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls: Callable[[], object]) -> list[object]:
    """Run `calls` in threads that start at the same moment; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def world():
    centre = make_organization("Vårdcentralen Ålidhem", Organization.Kind.HEALTH_CENTRE)
    association = make_organization("Föreningen Gå Tillsammans")
    gp = make_user("gp@example.org", centre, Membership.Role.CLINICIAN)
    link_worker = make_user("lw@example.org", centre, Membership.Role.LINK_WORKER)
    provider = make_user("provider@example.org", association, Membership.Role.PROVIDER)
    team = make_team("Hälsolotsarna", centre, link_worker)
    offering = make_offering(association, capacity=1, index=False)
    referrals = [
        make_activity_referral(make_case(team, link_worker, gp), offering, link_worker)
        for _ in range(2)
    ]
    return offering, referrals, provider


def test_two_accepts_of_the_last_place_take_it_once(world) -> None:
    offering, (first, second), provider = world

    results = run_together(
        lambda: actions.answer_activity_referral(first, Answer.ACCEPT, acting_user=provider),
        lambda: actions.answer_activity_referral(second, Answer.ACCEPT, acting_user=provider),
    )

    accepted = [r for r in results if isinstance(r, ActivityReferral)]
    refused = [r for r in results if isinstance(r, ReferralError)]
    assert len(accepted) == 1, results
    assert [error.code for error in refused] == ["full"]
    offering.refresh_from_db()
    assert offering.places_taken == 1
    statuses = sorted(
        ActivityReferral.objects.filter(offering=offering).values_list("status", flat=True)
    )
    assert statuses == ["accepted", "requested"]


def test_two_answers_to_one_referral_count_once(world) -> None:
    offering, (first, _second), provider = world
    offering.capacity = 5
    offering.save()

    results = run_together(
        lambda: actions.answer_activity_referral(first, Answer.ACCEPT, acting_user=provider),
        lambda: actions.answer_activity_referral(first, Answer.ACCEPT, acting_user=provider),
    )

    assert sum(isinstance(r, ActivityReferral) for r in results) == 1, results
    assert [r.code for r in results if isinstance(r, ReferralError)] == ["answered"]
    offering.refresh_from_db()
    assert offering.places_taken == 1
    assert first.events.filter(status="accepted").count() == 1
