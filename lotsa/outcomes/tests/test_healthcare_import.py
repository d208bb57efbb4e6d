"""Importing health-care use from a CSV file: a good file is imported whole; a file with bad
rows (unknown person or case, bad date, bad period, negative or non-numeric visits, the same
row twice) reports every one of them with its line number and imports nothing. A link worker
reaches only their team's cases; an administrator imports with a management command."""

from __future__ import annotations

import datetime as dt
import tempfile
from io import StringIO
from pathlib import Path

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from lotsa.audit.models import AuditEvent
from lotsa.outcomes import healthcare_import
from lotsa.outcomes.models import HealthcareUse
from lotsa.referrals.models import Case
from lotsa.test import BaseTestCase, make_case, make_person, swedish_identity_number

from .answering import en_url

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC)
HEADER = "case,identity_number,period,gp_visits,emergency_visits,counted_on\n"
NUMBER = swedish_identity_number(dt.date(1946, 3, 12), 234)
OTHER_NUMBER = swedish_identity_number(dt.date(1950, 7, 1), 456)


class ImportTestCase(BaseTestCase):
    def setUp(self) -> None:
        with time_machine.travel(START, tick=False):
            self.case = make_case(self.team_a, self.link_worker, self.gp)
            self.by_number = make_case(
                self.team_a,
                self.link_worker,
                self.gp,
                person=make_person("Berit", "Nilsson", identity_number=NUMBER),
            )
            self.outside = make_case(
                self.team_b,
                self.outsider_link_worker,
                self.outsider,
                person=make_person("Sven", "Holm", identity_number=OTHER_NUMBER),
            )
        self.travel = time_machine.travel(LATER, tick=False)
        self.travel.start()
        self.addCleanup(self.travel.stop)
        # The messages are compared in English, the source language.
        self.enterContext(translation.override("en"))

    def run_import(self, text: str, cases: object = None, **kwargs: object) -> object:
        return healthcare_import.import_healthcare_use(
            text.encode(),
            cases=cases or Case.objects.filter(team=self.team_a),  # type: ignore[arg-type]
            acting_user=self.link_worker,
            **kwargs,  # type: ignore[arg-type]
        )

    def good_file(self) -> str:
        return (
            HEADER
            + f"{self.case.uuid},,before,4,1,2025-03-03\n"
            + f"{self.case.uuid},,after,2,0,2025-09-03\n"
            + f",{NUMBER[:8]}-{NUMBER[8:]},before,7,3,2025-03-10\n"
        )


class ImportTests(ImportTestCase):
    def test_a_good_file_is_imported_whole(self) -> None:
        report = self.run_import(self.good_file())
        self.assertTrue(report.is_ok, report.problems)
        self.assertEqual((report.created, report.replaced), (3, 0))
        rows = set(
            HealthcareUse.objects.values_list(
                "case_id", "period", "gp_visits", "emergency_visits", "source"
            )
        )
        self.assertEqual(
            rows,
            {
                (self.case.pk, "before", 4, 1, "imported"),
                (self.case.pk, "after", 2, 0, "imported"),
                (self.by_number.pk, "before", 7, 3, "imported"),
            },
        )
        self.assertEqual(AuditEvent.objects.filter(object_type="outcomes.healthcareuse").count(), 3)

    def test_an_unknown_person_and_a_bad_date_are_reported_and_nothing_is_imported(self) -> None:
        text = (
            HEADER
            + f"{self.case.uuid},,before,4,1,2025-03-03\n"
            + f",{OTHER_NUMBER},before,1,0,2025-03-10\n"  # another team's person
            + f"{self.case.uuid},,after,2,0,2025-13-40\n"  # not a date
            + f",{NUMBER},after,1,1,2025-06-01\n"  # the six months after are not over
        )
        report = self.run_import(text)
        self.assertFalse(report.is_ok)
        self.assertEqual(
            [str(problem) for problem in report.problems],
            [
                "Line 3: no case among yours for the person with this identity number",
                "Line 4: counted_on is not a date (YYYY-MM-DD)",
                "Line 5: the six months after the referral end on 2025-09-03: count them after "
                "that",
            ],
        )
        self.assertFalse(HealthcareUse.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(object_type="outcomes.healthcareuse").exists())

    def test_every_kind_of_bad_row_is_reported_with_its_line(self) -> None:
        text = (
            "case;identity_number;period;gp_visits;emergency_visits;counted_on\n"
            f"{self.case.uuid};;during;4;1;2025-03-03\n"
            f"{self.case.uuid};;before;-2;x;2025-03-03\n"
            f"not-a-reference;;before;1;1;2025-03-03\n"
            f"{self.outside.uuid};;before;1;1;2025-03-03\n"
            ";;before;1;1;2025-03-03\n"
            ";19460312-0000;before;1;1;2025-03-03\n"
            f"{self.case.uuid};;after;1;1;2025-09-03\n"
            f"{self.case.uuid};;after;1;1;2025-09-04\n"
            f"{self.case.uuid};;before;1;1;2025-03-01\n"
            f"{self.case.uuid};;before;1;1;2026-01-01\n"
            f"{self.case.uuid};;before;1;400;2025-03-03\n"
            f"{self.case.uuid};{NUMBER};after;1;1;2025-09-03\n"
        )
        report = self.run_import(text)
        self.assertEqual(
            [str(problem) for problem in report.problems],
            [
                "Line 2: period must be before or after",
                "Line 3: gp_visits cannot be negative; emergency_visits is not a whole number",
                "Line 4: the case reference is not one (copy it from the case page)",
                "Line 5: no case with this reference among your cases",
                "Line 6: give a case reference or an identity number",
                "Line 7: the identity number is not valid",
                "Line 9: the same case and period as line 8",
                "Line 10: counted_on is before the referral (2025-03-03)",
                "Line 11: counted_on is in the future",
                "Line 12: emergency_visits is more than 365",
                "Line 13: the case reference and the identity number are not the same person's",
            ],
        )
        self.assertFalse(HealthcareUse.objects.exists())

    def test_no_message_repeats_an_identity_number(self) -> None:
        text = HEADER + f",{OTHER_NUMBER},before,1,0,2025-03-10\n,{NUMBER[:-1]}9,before,1,0,x\n"
        report = self.run_import(text)
        for problem in report.problems:
            self.assertNotIn(OTHER_NUMBER[2:8], str(problem))
            self.assertNotIn(NUMBER[2:8], str(problem))

    def test_a_missing_or_unknown_column_stops_the_file(self) -> None:
        report = self.run_import("case,period,gp_visit,emergency_visits\n")
        self.assertEqual(
            [str(problem) for problem in report.problems],
            [
                "Line 1: unknown columns: gp_visit",
                "Line 1: missing columns: gp_visits, counted_on",
            ],
        )
        self.assertEqual([str(p) for p in self.run_import("").problems], ["The file is empty."])
        self.assertEqual(
            [str(p) for p in self.run_import(HEADER + "\n\n").problems],
            ["The file holds no rows."],
        )

    def test_a_file_that_is_not_csv_is_refused_whole(self) -> None:
        report = healthcare_import.import_healthcare_use(
            b"\x00\x01PK\x03\x04" + HEADER.encode() + b"\x00" * 10,
            cases=Case.objects.all(),
            acting_user=None,
        )
        self.assertEqual(
            [str(p) for p in report.problems],
            ["The file cannot be read as CSV: save it as CSV and try again."],
        )

    def test_a_file_without_its_header_is_refused_without_quoting_it(self) -> None:
        report = self.run_import(f",{NUMBER},before,1,0,2025-03-10\n")
        self.assertEqual(
            [str(p) for p in report.problems],
            [
                "Line 1: the first line must name the columns: case, identity_number, period, "
                "gp_visits, emergency_visits, counted_on"
            ],
        )

    def test_an_identity_number_with_two_cases_needs_the_reference(self) -> None:
        with time_machine.travel(START, tick=False):
            make_case(self.team_a, self.link_worker, self.gp, person=self.by_number.person)
        report = self.run_import(HEADER + f",{NUMBER},before,1,1,2025-03-10\n")
        self.assertEqual(
            [str(p) for p in report.problems],
            ["Line 2: the person has more than one case: give the case reference instead"],
        )

    def test_a_period_already_there_is_replaced(self) -> None:
        HealthcareUse.objects.create(
            case=self.case, period="before", gp_visits=9, emergency_visits=9, source="entered"
        )
        report = self.run_import(self.good_file())
        self.assertEqual((report.created, report.replaced), (2, 1))
        self.assertEqual(HealthcareUse.objects.get(case=self.case, period="before").gp_visits, 4)

    def test_a_spreadsheets_file_is_read(self) -> None:
        """Excel's "CSV UTF-8": a byte order mark, semicolons, quotes, CRLF, capitals."""
        text = "\ufeffCase;Identity_Number;Period;GP_visits;Emergency_visits;Counted_on\r\n"
        text += f'"{self.case.uuid}";;"before";"4";"1";"2025-03-03"\r\n'
        report = self.run_import(text)
        self.assertTrue(report.is_ok, report.problems)
        self.assertEqual(HealthcareUse.objects.get().gp_visits, 4)
        # A file saved as Windows-1252 is read too.
        self.assertEqual(healthcare_import.decode("före".encode("cp1252")), "före")

    def test_a_dry_run_checks_and_imports_nothing(self) -> None:
        report = self.run_import(self.good_file(), dry_run=True)
        self.assertTrue(report.is_ok)
        self.assertEqual(report.rows, 3)
        self.assertFalse(HealthcareUse.objects.exists())


class ImportPageTests(ImportTestCase):
    def upload(self, text: str, **extra: object) -> object:
        return self.client.post(
            en_url("outcomes:import"),
            {"file": SimpleUploadedFile("visits.csv", text.encode(), "text/csv"), **extra},
        )

    def test_the_link_worker_imports_their_teams_cases(self) -> None:
        self.login(self.link_worker)
        response = self.upload(self.good_file())
        self.assertContains(response, "3 rows imported (3 new, 0 replaced).")
        self.assertEqual(HealthcareUse.objects.count(), 3)

    def test_another_teams_case_is_unknown_to_the_link_worker(self) -> None:
        self.login(self.outsider_link_worker)
        response = self.upload(self.good_file())
        self.assertContains(response, "Nothing was imported: the file has 3 problems.")
        self.assertContains(response, "Line 2: no case with this reference among your cases")
        self.assertFalse(HealthcareUse.objects.exists())

    def test_checking_only_imports_nothing(self) -> None:
        self.login(self.link_worker)
        response = self.upload(self.good_file(), check_only="on")
        self.assertContains(response, "The file is good: 3 rows can be imported.")
        self.assertFalse(HealthcareUse.objects.exists())

    def test_the_page_describes_the_format_and_offers_a_template(self) -> None:
        self.login(self.link_worker)
        response = self.client.get(en_url("outcomes:import"))
        for column in healthcare_import.COLUMNS:
            self.assertContains(response, f"<code>{column}</code>")
        template = self.client.get(en_url("outcomes:import-template"))
        self.assertEqual(template.content.decode(), healthcare_import.template_csv())

    def test_only_link_workers_may_import(self) -> None:
        for user in (self.gp, self.provider, self.manager, self.admin, self.connector):
            self.login(user)
            self.assertEqual(self.client.get(en_url("outcomes:import")).status_code, 404)
            self.assertEqual(self.upload(self.good_file()).status_code, 404)
        self.assertFalse(HealthcareUse.objects.exists())


class ImportCommandTests(ImportTestCase):
    def write(self, text: str) -> Path:
        folder = Path(tempfile.mkdtemp())
        path = folder / "visits.csv"
        path.write_text(text, encoding="utf-8")
        self.addCleanup(path.unlink)
        return path

    def test_the_administrator_imports_any_teams_cases(self) -> None:
        text = self.good_file() + f",{OTHER_NUMBER},before,1,0,2025-03-10\n"
        out = StringIO()
        call_command("import_healthcare_use", str(self.write(text)), stdout=out)
        self.assertIn("Imported 4 row(s): 4 new, 0 replaced.", out.getvalue())
        events = AuditEvent.objects.filter(object_type="outcomes.healthcareuse")
        event = events.order_by("pk").first()  # the first row of the file
        assert event is not None
        self.assertIsNone(event.user)
        self.assertEqual(event.organization_id, self.health_centre_a.pk)

    def test_a_team_narrows_the_match(self) -> None:
        text = HEADER + f",{OTHER_NUMBER},before,1,0,2025-03-10\n"
        err = StringIO()
        with self.assertRaises(CommandError) as failed:
            call_command(
                "import_healthcare_use", str(self.write(text)), "--team", str(self.team_a.pk),
                stderr=err,
            )  # fmt: skip
        self.assertIn("Nothing was imported: 1 problem(s)", str(failed.exception))
        self.assertIn("Line 2: no case among yours", err.getvalue())
        self.assertFalse(HealthcareUse.objects.exists())

    def test_a_dry_run_imports_nothing(self) -> None:
        out = StringIO()
        call_command(
            "import_healthcare_use", str(self.write(self.good_file())), "--dry-run", stdout=out
        )
        self.assertIn("The file is good: 3 row(s)", out.getvalue())
        self.assertFalse(HealthcareUse.objects.exists())
