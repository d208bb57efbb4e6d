"""Fast inserts of many rows for the benchmark's data set: PostgreSQL `COPY`, SQLite
`executemany` in one transaction, with values converted once per column type.

Rows are tuples in the order of `columns` (attribute names, e.g. `case_id`); every other
concrete field takes its default, which must not be callable for a unique field (pass such
columns explicitly). Primary keys are given by the caller so that related rows can point at
them without reading anything back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED

BATCH = 20_000

Convert = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    # Django keeps aware datetimes in SQLite as naive UTC text.
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return str(value)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _converter(field: models.Field[Any, Any]) -> Convert:
    kind = field.get_internal_type()
    sqlite = connection.vendor == "sqlite"
    if kind == "JSONField":
        return _json
    if kind == "UUIDField":
        return (lambda v: None if v is None else v.hex) if sqlite else _identity
    if kind == "DateTimeField" and sqlite:
        return _sqlite_datetime
    if kind in ("DateField",) and sqlite:
        return lambda v: None if v is None else v.isoformat()
    return _identity


def _default(field: models.Field[Any, Any]) -> Any:
    if field.default is NOT_PROVIDED:
        if field.null:
            return None
        if field.get_internal_type() in ("CharField", "TextField", "EmailField", "SlugField"):
            return ""
        raise ValueError(f"{field.model.__name__}.{field.attname} needs a value")
    if callable(field.default):
        if field.unique:
            raise ValueError(f"{field.model.__name__}.{field.attname} is unique: give it")
        return field.default()
    return field.default


def insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    ready: bool = False,
) -> int:
    """Insert `rows` into `model`'s table; returns how many.

    `ready`: the values are already as both databases take them in bulk — UUIDs as 32 hex
    digits, datetimes naive in UTC, JSON as text — and go in unconverted (the fast path)."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    unknown = set(columns) - set(fields)
    if unknown:
        raise ValueError(f"{model.__name__} has no {sorted(unknown)}")
    rest = [field for name, field in fields.items() if name not in columns]
    names = [*columns, *(field.attname for field in rest)]
    converters = [_converter(fields[name]) for name in names]
    tail = tuple(converters[len(columns) + n](_default(field)) for n, field in enumerate(rest))
    head_converters = converters[: len(columns)]
    if ready:
        head_converters = [_identity] * len(columns)
    convert = not all(c is _identity for c in head_converters)
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
    count = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in iterator:
                    if convert:
                        row = tuple(c(v) for c, v in zip(head_converters, row, strict=True))
                    copy.write_row(tuple(row) + tail)
                    count += 1
            return count
        placeholders = ", ".join("%s" for _name in names)
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608 - names are the model's
        while batch := list(islice(iterator, BATCH)):
            if convert:
                batch = [
                    tuple(c(v) for c, v in zip(head_converters, r, strict=True)) for r in batch
                ]
            cursor.executemany(sql, [tuple(row) + tail for row in batch])
            count += len(batch)
    return count


def reset_sequences(*models_: type[models.Model]) -> None:
    """After explicit primary keys, let PostgreSQL's sequences continue after the largest."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)


def uuid_hex(bits: int) -> str:
    """A version-4 UUID from 128 random bits (deterministic with a seeded generator), as the
    32 hex digits both databases accept."""
    bits &= ~(0xC000 << 48)
    bits |= 0x8000 << 48  # the RFC 4122 variant
    bits &= ~(0xF000 << 64)
    bits |= 4 << 76  # version 4
    return f"{bits:032x}"
