"""The tables of the managers' reports as files: one CSV, or one XLSX workbook, per page.

A report builds its tables as `Table`s — a machine name, a translated title, typed columns
and rows of plain values (None for a cell that is empty: suppressed, or not computable) —
and the same tables become:

- **CSV**: UTF-8 with a byte-order mark (so that Excel detects the encoding), comma
  separated, dot decimals, one row per table row; the first column `table` names the table,
  the other columns are the union of the tables' columns under machine-readable English
  names (a table leaves the others' columns empty);
- **XLSX** (XlsxWriter): a sheet "About" (the report, its filters and the small-group rule)
  and one sheet per table, headed by the translated column names, numbers as numbers.

Both hold exactly what the page shows: a suppressed cell is empty and its row says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import gettext as _

TEXT, INTEGER, NUMBER, SHARE, FLAG = "text", "integer", "number", "share", "flag"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit on a sheet's name.
SHEET_NAME_LENGTH = 31


@dataclass(frozen=True)
class Column:
    key: str  # the machine-readable English name: the CSV header
    label: str  # translated: the XLSX header
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    key: str  # the CSV's `table` value, and the XLSX sheet's name
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == FLAG:
        return "1" if value else "0"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # Enough digits for any figure shown, without the float's noise.
        return f"{value:.6g}"
    return str(value)


def csv_text(tables: Sequence[Table]) -> str:
    columns: dict[str, Column] = {}
    for table in tables:
        for column in table.columns:
            columns.setdefault(column.key, column)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", *columns])
    for table in tables:
        kinds = {column.key: column.kind for column in table.columns}
        for row in table.rows:
            values = dict(zip((column.key for column in table.columns), row, strict=True))
            writer.writerow(
                [
                    table.key,
                    *(
                        _csv_value(values.get(key), kinds.get(key, TEXT)) if key in values else ""
                        for key in columns
                    ),
                ]
            )
    return out.getvalue()


def csv_response(tables: Sequence[Table], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    response.write(csv_text(tables))
    return response


def xlsx_bytes(tables: Sequence[Table], about: Sequence[tuple[str, str]], title: str) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "bottom"})
    heading = workbook.add_format({"bold": True, "font_size": 14})
    formats = {
        INTEGER: workbook.add_format({"num_format": "0"}),
        NUMBER: workbook.add_format({"num_format": "0.00"}),
        SHARE: workbook.add_format({"num_format": "0.0%"}),
    }
    sheet = workbook.add_worksheet(_sheet_name(_("About"), set()))
    sheet.write(0, 0, title, heading)
    for index, (label, value) in enumerate(about, start=2):
        sheet.write(index, 0, label, bold)
        sheet.write(index, 1, value)
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, 1, 80)
    used = {sheet.name}
    for table in tables:
        sheet = workbook.add_worksheet(_sheet_name(table.key, used))
        used.add(sheet.name)
        sheet.write(0, 0, table.title, heading)
        for column_index, column in enumerate(table.columns):
            sheet.write(2, column_index, column.label, bold)
            sheet.set_column(column_index, column_index, 14 if column.kind != TEXT else 28)
        for row_index, row in enumerate(table.rows, start=3):
            for column_index, (column, value) in enumerate(zip(table.columns, row, strict=True)):
                _write_cell(sheet, row_index, column_index, column, value, formats)
        sheet.freeze_panes(3, 1)
    workbook.close()
    return out.getvalue()


def _write_cell(
    sheet: Any, row: int, column_index: int, column: Column, value: Any, formats: dict[str, Any]
) -> None:
    if value is None:
        return
    if column.kind == FLAG:
        if value:
            sheet.write_string(row, column_index, _("yes"))
    elif column.kind in formats and isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, column_index, value, formats[column.kind])
    else:
        sheet.write_string(row, column_index, str(value))


def _sheet_name(name: str, used: set[str]) -> str:
    # Excel refuses []:*?/\ in a sheet's name, and more than 31 characters.
    clean = "".join("_" if char in "[]:*?/\\" else char for char in name)[:SHEET_NAME_LENGTH]
    candidate, number = clean, 2
    while candidate in used:
        suffix = f" {number}"
        candidate, number = clean[: SHEET_NAME_LENGTH - len(suffix)] + suffix, number + 1
    return candidate


def xlsx_response(
    tables: Sequence[Table], filename: str, *, about: Sequence[tuple[str, str]], title: str
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(tables, about, title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
