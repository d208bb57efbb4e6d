"""The hash chain that makes the access log tamper-evident.

Every event carries `previous_hash` (the `hash` of the event before it in `sequence` order)
and `hash`: the SHA-256 of a canonical serialisation of its own content and `previous_hash`.
Changing, inserting or removing an event in the middle breaks the chain at that point, and
`manage.py verify_audit` names the first event where it breaks. See
docs/decisions/0005-tamper-evident-audit-log.md.

Appending is serialised so that two writers never chain to the same predecessor: PostgreSQL
takes a transaction-level advisory lock before reading the head of the chain; SQLite runs
write transactions as IMMEDIATE (settings.py), so the write lock is already held. The unique
`sequence` is the backstop: a fork would fail to insert rather than pass unnoticed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connections, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from .models import AuditEvent

# The hash of "no event before this one".
GENESIS = "0" * 64
# Bumped if the serialisation below ever changes; it is part of every hash.
VERSION = 1
# pg_advisory_xact_lock key: "LotsaAud" in ASCII, one lock for the whole log.
ADVISORY_LOCK_KEY = 0x4C6F747361417564
MAINTENANCE_TABLE = "audit_maintenance"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def canonical_at(value: dt.datetime) -> str:
    """The event's time as UTC ISO 8601 with microseconds, whatever the database gives."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(event: AuditEvent) -> bytes:
    """What is hashed: every column that says what happened, and the previous hash."""
    content = {
        "v": VERSION,
        "sequence": event.sequence,
        "action": str(event.action),
        "at": canonical_at(event.at),
        "user_id": event.user_id,
        "organization_id": event.organization_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "purpose": event.purpose,
        "ip_address": _text(event.ip_address),
        "person_uuid": _text(event.person_uuid),
        "previous_hash": event.previous_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def anchor(using: str = "default") -> tuple[int, str]:
    """Where the chain starts: (0, GENESIS), or the last event a purge removed."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT anchor_sequence, anchor_hash FROM {MAINTENANCE_TABLE} WHERE id = 1"  # noqa: S608
        )
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def head(model: type[AuditEvent], using: str = "default") -> tuple[int, str]:
    """The sequence and hash of the last event (or the anchor when there is none)."""
    last = model.objects.using(using).order_by("-sequence").values_list("sequence", "hash").first()
    return (last[0], last[1]) if last else anchor(using)


def _lock(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
    # SQLite: the IMMEDIATE transaction that atomic() opened holds the database's write lock.


def _normalise(event: AuditEvent) -> None:
    """Give every hashed field the exact value the database will give back."""
    if event.at is None:
        event.at = timezone.now()
    if event.ip_address:
        field = event._meta.get_field("ip_address")
        event.ip_address = field.get_prep_value(event.ip_address)
    event.ip_address = event.ip_address or None


def append(events: Sequence[AuditEvent], using: str = "default") -> list[AuditEvent]:
    """Chain `events` after the head, in order, and insert them in one query."""
    if not events:
        return []
    model = type(events[0])
    with transaction.atomic(using=using):
        _lock(using)
        sequence, previous = head(model, using)
        for event in events:
            _normalise(event)
            sequence += 1
            event.sequence = sequence
            event.previous_hash = previous
            event.hash = previous = compute_hash(event)
        return model.objects.using(using).bulk_create(list(events))


@dataclass(frozen=True)
class Break:
    """The first event where the chain does not hold, and why."""

    event: AuditEvent
    reason: str

    def __str__(self) -> str:
        return (
            f"Event {self.event.pk} (sequence {self.event.sequence}, "
            f"at {canonical_at(self.event.at)}): {self.reason}"
        )


@dataclass(frozen=True)
class Result:
    count: int
    head_sequence: int
    head_hash: str
    broken: Break | None


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"the event with sequence {first} is missing"
    return f"the events with sequence {first} to {last} are missing"


def verify(model: type[AuditEvent], using: str = "default") -> Result:
    """Walk the whole chain from its anchor in sequence order; stop at the first break."""
    sequence, previous = anchor(using)
    count = 0
    for event in model.objects.using(using).order_by("sequence").iterator(chunk_size=2000):
        reason = None
        if event.hash != compute_hash(event):
            reason = "its content does not match its hash: it was changed"
        elif event.sequence != sequence + 1:
            reason = _missing(sequence + 1, event.sequence - 1)
        elif event.previous_hash != previous:
            reason = "it does not follow from the event before it: that one was changed or replaced"
        if reason:
            return Result(count, sequence, previous, Break(event, reason))
        count += 1
        sequence, previous = event.sequence, event.hash
    return Result(count, sequence, previous, None)
