"""Database triggers that keep the access log append-only, on SQLite and PostgreSQL.

UPDATE is always refused. DELETE (and TRUNCATE on PostgreSQL) is refused unless the one row of
`audit_maintenance` allows it — which `maintenance.deletions_allowed()` does for the length of
one transaction only (the retention purge, and the test suite's flush between transactional
tests). A database owner can still drop or disable the triggers; the hash chain (chain.py)
is what shows that afterwards.

The SQL lives here rather than in the migration so that the tests can put a trigger back after
working "behind its back"; the migration calls `install` and `uninstall`.
"""

from __future__ import annotations

from typing import Any

from .chain import GENESIS, MAINTENANCE_TABLE

TABLE = "audit_auditevent"
# The trigger SQL below spells out the table names and this message.
MESSAGE = "audit events are append-only"

SQLITE_TRIGGERS = {
    "audit_auditevent_no_update": """
        CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
    """,
    "audit_auditevent_no_delete": """
        CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
        WHEN COALESCE(
            (SELECT deletions_allowed FROM audit_maintenance WHERE id = 1), 0
        ) = 0
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
    """,
}

POSTGRESQL_FUNCTION = """
    CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'TRUNCATE') AND COALESCE(
            (SELECT deletions_allowed FROM audit_maintenance WHERE id = 1), false
        ) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$
"""
POSTGRESQL_TRIGGERS = {
    "audit_auditevent_no_update_or_delete": f"""
        CREATE TRIGGER audit_auditevent_no_update_or_delete
        BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
    "audit_auditevent_no_truncate": f"""
        CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only()
    """,
}


def maintenance_table_sql(vendor: str) -> list[str]:
    boolean_false = "false" if vendor == "postgresql" else "0"
    return [
        f"""CREATE TABLE {MAINTENANCE_TABLE} (
            id integer PRIMARY KEY CHECK (id = 1),
            deletions_allowed boolean NOT NULL DEFAULT {boolean_false},
            anchor_sequence bigint NOT NULL DEFAULT 0,
            anchor_hash varchar(64) NOT NULL DEFAULT '{GENESIS}'
        )""",
        f"INSERT INTO {MAINTENANCE_TABLE} (id) VALUES (1)",  # noqa: S608
    ]


def create_trigger_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [POSTGRESQL_FUNCTION, *POSTGRESQL_TRIGGERS.values()]
    if vendor == "sqlite":
        return list(SQLITE_TRIGGERS.values())
    raise NotImplementedError(f"No append-only triggers for {vendor}")


def drop_trigger_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            *(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}" for name in POSTGRESQL_TRIGGERS),
            "DROP FUNCTION IF EXISTS audit_auditevent_append_only()",
        ]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: Any) -> None:
    """The maintenance table and the triggers (the migration's forward step)."""
    _run(connection, maintenance_table_sql(connection.vendor))
    _run(connection, create_trigger_sql(connection.vendor))


def uninstall(connection: Any) -> None:
    _run(connection, drop_trigger_sql(connection.vendor))
    _run(connection, [f"DROP TABLE IF EXISTS {MAINTENANCE_TABLE}"])


def drop_triggers(connection: Any) -> None:
    """Work behind the triggers' back, as a database owner could (the tamper tests)."""
    _run(connection, drop_trigger_sql(connection.vendor))


def create_triggers(connection: Any) -> None:
    _run(connection, create_trigger_sql(connection.vendor))
