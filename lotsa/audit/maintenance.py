"""The only ways rows may leave the access log: a retention purge, and test-suite flushes.

Both work inside one transaction that flips `audit_maintenance.deletions_allowed` on and off
again, so no other connection ever sees deletions allowed. A purge removes the oldest events
and keeps the last removed event's sequence and hash as the chain's new anchor, so that
`verify_audit` still checks everything that is left.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections, transaction
from django.db.backends.base.operations import BaseDatabaseOperations

from .chain import GENESIS, MAINTENANCE_TABLE
from .models import AuditEvent


def _allow(using: str, allowed: bool) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"UPDATE {MAINTENANCE_TABLE} SET deletions_allowed = %s WHERE id = 1",  # noqa: S608
            [allowed],
        )


@contextmanager
def deletions_allowed(using: str = "default") -> Iterator[None]:
    """Allow deleting audit events until the block ends, in one transaction."""
    with transaction.atomic(using=using):
        _allow(using, True)
        yield
        _allow(using, False)


def remove_through(sequence: int, using: str = "default") -> int:
    """Remove the events up to and including `sequence` (for a retention purge); the last one
    removed becomes the chain's anchor. Returns how many were removed."""
    with transaction.atomic(using=using):
        last = (
            AuditEvent.objects.using(using)
            .filter(sequence__lte=sequence)
            .order_by("-sequence")
            .values_list("sequence", "hash")
            .first()
        )
        if last is None:
            return 0
        with deletions_allowed(using):
            removed, _ = AuditEvent.objects.using(using).filter(sequence__lte=last[0]).delete()
            with connections[using].cursor() as cursor:
                cursor.execute(
                    f"UPDATE {MAINTENANCE_TABLE} "  # noqa: S608
                    "SET anchor_sequence = %s, anchor_hash = %s WHERE id = 1",
                    list(last),
                )
        return removed


@contextmanager
def flushes_empty_the_log() -> Iterator[None]:
    """For the test suite only: Django's flush between transactional tests (DELETE on SQLite,
    TRUNCATE on PostgreSQL) may empty the log, and starts its chain afresh."""
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: Any) -> None:
        using = self.connection.alias
        with deletions_allowed(using):
            original(self, sql_list)
            with connections[using].cursor() as cursor:
                cursor.execute(
                    f"UPDATE {MAINTENANCE_TABLE} "  # noqa: S608
                    "SET anchor_sequence = 0, anchor_hash = %s WHERE id = 1",
                    [GENESIS],
                )

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseDatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]
