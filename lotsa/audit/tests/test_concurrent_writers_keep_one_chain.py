"""Writers in two threads at the same moment, each with its own connection, never chain to
the same predecessor: the chain stays intact on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from lotsa.audit import events
from lotsa.audit.models import AuditEvent
from lotsa.test import make_organization

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 15


def test_two_writers_at_once_leave_an_intact_chain() -> None:
    organisations = [make_organization(f"Förening {n}") for n in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            barrier.wait()
            for round_ in range(ROUNDS):
                if round_ % 3 == 0:
                    events.record_many(events.READ, organisations, user=None)
                else:
                    with transaction.atomic():
                        events.record(events.READ, organisations[index], user=None)
                        events.record(AuditEvent.Action.CHANGE, organisations[index], user=None)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert AuditEvent.objects.count() == 2 * ROUNDS * 2
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith(f"{2 * ROUNDS * 2} events, chain intact")
