"""Problem reports: anyone tells us a listing is wrong; staff resolve the report."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Offering, ProblemReport
from lotsa.directory.problem_reports import report_problem, resolve_problem
from lotsa.test import BaseTestCase, make_offering


class ProblemReportTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.walk = make_offering(cls.association, "Promenadgruppen")

    def url(self, name: str = "directory:report-problem", offering: Offering | None = None) -> str:
        with translation.override("en"):
            return reverse(name, args=[(offering or self.walk).uuid])

    def post(self, follow: bool = False, **data: Any) -> HttpResponse:
        fields = {"kind": "closed", "message": "", "contact": "", "website": ""}
        return self.client.post(self.url(), {**fields, **data}, follow=follow)

    def test_the_form_asks_what_is_wrong(self) -> None:
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<legend>What is wrong", html=False)
        self.assertContains(response, 'value="wrong_information"')
        self.assertNotContains(response, "---------")
        self.assertContains(response, 'name="website"')

    def test_a_report_is_saved_and_the_person_thanked(self) -> None:
        response = self.post(
            follow=True,
            kind="wrong_information",
            message="They meet on Wednesdays now.",
            contact="a@b.se",
        )
        self.assertRedirects(response, self.url("directory:offering"))
        self.assertContains(response, "Thank you!")
        report = ProblemReport.objects.get()
        self.assertEqual(report.offering, self.walk)
        self.assertEqual(report.kind, ProblemReport.Kind.WRONG_INFORMATION)
        self.assertEqual(report.message, "They meet on Wednesdays now.")
        self.assertEqual(report.contact, "a@b.se")
        self.assertEqual(report.status, ProblemReport.Status.OPEN)

    def test_no_contact_details_are_needed(self) -> None:
        self.post(kind="closed")
        self.assertEqual(ProblemReport.objects.get().contact, "")

    def test_the_honeypot_rejects_robots(self) -> None:
        response = self.post(kind="closed", website="http://spam.example")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ProblemReport.objects.exists())

    def test_form_errors_are_shown(self) -> None:
        response = self.post(kind="")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please correct the errors below.")
        self.assertContains(response, "This field is required.")
        self.assertFalse(ProblemReport.objects.exists())

    def test_something_else_needs_a_message(self) -> None:
        response = self.post(kind="other")
        self.assertContains(response, "Please tell us what is wrong.")
        self.assertFalse(ProblemReport.objects.exists())

    def test_an_unknown_kind_is_refused(self) -> None:
        response = self.post(kind="<b>nonsense</b>")
        self.assertContains(response, "Select a valid choice")
        self.assertNotContains(response, "<b>nonsense</b>")
        self.assertFalse(ProblemReport.objects.exists())

    def test_hidden_offerings_cannot_be_reported(self) -> None:
        draft = make_offering(self.association, "Utkast", is_published=False)
        response = self.client.post(self.url(offering=draft), {"kind": "closed"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(ProblemReport.objects.exists())

    def test_reporting_is_logged_without_a_user(self) -> None:
        report = report_problem(self.walk, kind="closed", message="", contact="")
        event = AuditEvent.objects.get(object_type="directory.problemreport")
        self.assertEqual(
            (event.action, event.object_id, event.user), ("create", str(report.pk), None)
        )

    def test_resolving_records_who_when_and_what_and_is_audited(self) -> None:
        report = report_problem(self.walk, kind="wrong_place", message="Moved.", contact="")
        resolve_problem(report, acting_user=self.coordinator, resolution="Address corrected.")
        report.refresh_from_db()
        self.assertEqual(report.status, ProblemReport.Status.RESOLVED)
        self.assertEqual(report.resolved_by, self.coordinator)
        self.assertIsNotNone(report.resolved_at)
        self.assertEqual(report.resolution, "Address corrected.")
        event = AuditEvent.objects.get(action="change", object_type="directory.problemreport")
        self.assertEqual((event.user, event.object_id), (self.coordinator, str(report.pk)))
