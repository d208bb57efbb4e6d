"""Working behind the triggers' back, as a database owner could."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from lotsa.audit import triggers


@contextmanager
def behind_the_triggers_back() -> Iterator[None]:
    """PostgreSQL: disable the table's own triggers; SQLite: drop them and put them back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE needs the deferred foreign key checks of earlier inserts done.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {triggers.TABLE} DISABLE TRIGGER USER")
            yield
            cursor.execute(f"ALTER TABLE {triggers.TABLE} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            triggers.drop_triggers(connection)
            yield
            triggers.create_triggers(connection)


def raw(sql: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
