"""The report files: one CSV with every table (a BOM, machine names, empty cells where a
value is suppressed) and one XLSX workbook with an About sheet and a sheet per table; and the
numbers of the pages, localised and rounded (never cut)."""

from __future__ import annotations

import csv
import io

from django.test import SimpleTestCase
from django.utils import translation

from lotsa.reports import suppression
from lotsa.reports.tables import (
    FLAG,
    INTEGER,
    NUMBER,
    SHARE,
    Column,
    Table,
    csv_response,
    xlsx_bytes,
)
from lotsa.reports.templatetags import report_numbers

from .cohorts import read_xlsx

TABLES = [
    Table(
        "steps",
        "Steps",
        [
            Column("key", "Key"),
            Column("count", "Referrals", INTEGER),
            Column("share", "Share", SHARE),
            Column("suppressed", "Hidden", FLAG),
        ],
        [["referred", 20, 1.0, False], ["declined", None, None, True]],
    ),
    Table(
        "first_contact",
        "First contact",
        [Column("key", "Key"), Column("median_days", "Median days", NUMBER)],
        [["total", 1.0 / 3.0]],
    ),
]


class CsvTests(SimpleTestCase):
    def test_one_csv_holds_every_table_under_the_union_of_their_columns(self) -> None:
        response = csv_response(TABLES, "lotsa-test")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="lotsa-test.csv"')
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))

        self.assertEqual(rows[0], ["table", "key", "count", "share", "suppressed", "median_days"])
        self.assertEqual(rows[1], ["steps", "referred", "20", "1", "0", ""])
        # A suppressed cell is empty, and its row says so.
        self.assertEqual(rows[2], ["steps", "declined", "", "", "1", ""])
        self.assertEqual(rows[3], ["first_contact", "total", "", "", "", "0.333333"])


class XlsxTests(SimpleTestCase):
    def test_a_workbook_has_an_about_sheet_and_one_sheet_per_table(self) -> None:
        with translation.override("en"):
            content = xlsx_bytes(TABLES, [("Report", "Flow"), ("Unit", "Every unit")], "Flow")
        sheets = read_xlsx(content)

        self.assertEqual(list(sheets), ["About", "steps", "first_contact"])
        self.assertEqual(sheets["About"][0][0], "Flow")
        self.assertEqual(sheets["About"][2][:2], ["Report", "Flow"])
        steps = sheets["steps"]
        self.assertEqual(steps[0][0], "Steps")
        self.assertEqual(steps[2], ["Key", "Referrals", "Share", "Hidden"])
        self.assertEqual(steps[3], ["referred", 20.0, 1.0])
        self.assertEqual(steps[4][0], "declined")
        self.assertEqual(steps[4][-1], "yes")
        self.assertAlmostEqual(sheets["first_contact"][3][1], 1 / 3)

    def test_sheet_names_are_made_safe_and_unique(self) -> None:
        tables = [
            Table("a/b:c" + "x" * 40, "One", [Column("key", "Key")], [["1"]]),
            Table("a/b:c" + "x" * 40, "Two", [Column("key", "Key")], [["2"]]),
        ]
        names = list(read_xlsx(xlsx_bytes(tables, [], "Test")))
        self.assertEqual(len(names), 3)
        self.assertTrue(all(len(name) <= 31 and "/" not in name for name in names))
        self.assertEqual(len(set(names)), 3)


class SuppressionTests(SimpleTestCase):
    def test_cells_of_one_to_four_are_hidden_and_zero_is_shown(self) -> None:
        self.assertEqual(
            suppression.suppressed([0, 1, 4, 5, 12], partition=False),
            [False, True, True, False, False],
        )

    def test_a_lone_hidden_cell_of_a_partition_takes_the_next_smallest_with_it(self) -> None:
        self.assertEqual(suppression.suppressed([9, 3, 6, 20]), [False, True, True, False])
        # An empty cell would not protect it: the next smallest that holds someone does.
        self.assertEqual(suppression.suppressed([0, 3, 6, 20]), [False, True, True, False])
        self.assertEqual(suppression.suppressed([0, 3]), [True, True])
        # Two hidden already: nothing more.
        self.assertEqual(suppression.suppressed([9, 3, 2, 20]), [False, True, True, False])
        # Nothing hidden: nothing more.
        self.assertEqual(suppression.suppressed([9, 5, 6]), [False, False, False])


class NumberTests(SimpleTestCase):
    def test_numbers_are_rounded_signed_and_localised(self) -> None:
        with translation.override("en"):
            self.assertEqual(report_numbers.decimal(1.41666, 2), "1.42")
            self.assertEqual(report_numbers.signed(4.25, 1), "+4.2")
            self.assertEqual(report_numbers.signed(-0.04, 1), "0.0")
            self.assertEqual(report_numbers.percent(-0.254), "\u221225\u00a0%")
            self.assertEqual(report_numbers.money(-5666.67, "SEK"), "\u22125,667\u00a0kr")
            self.assertEqual(report_numbers.p_value(0.0004), "p < 0.001")
            self.assertEqual(report_numbers.p_value(0.0346), "p = 0.035")
            self.assertEqual(report_numbers.interval(2.07, 9.93), "+2.1 to +9.9")
            self.assertEqual(report_numbers.decimal(None), "–")
        with translation.override("sv"):
            self.assertEqual(report_numbers.decimal(1.41666, 2), "1,42")
            self.assertEqual(report_numbers.money(12836, "SEK"), "12\u00a0836\u00a0kr")
        with translation.override("da"):
            self.assertEqual(report_numbers.money(12836, "DKK"), "12.836\u00a0kr.")
