"""The person's log extract: which unit, when, what and why — never who — as a printable page
and a PDF; printing it is in the log."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lotsa.audit.models import AuditEvent
from lotsa.privacy import review
from lotsa.test import BaseTestCase, make_case, make_person

STOCKHOLM = ZoneInfo("Europe/Stockholm")
STAFF = ("gp@example.org", "lw@example.org", "provider@example.org", "admin@example.org")
STAFF_NAMES = ("Greta", "Lotsberg", "Lena")
REASON = "Her daughter called: not heard of since Friday."


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, minute, tzinfo=STOCKHOLM)


class ExtractTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.link_worker.first_name, cls.link_worker.last_name = "Lena", "Lotsberg"
        cls.link_worker.save()
        cls.person = make_person("Ingegerd", "Söderström")
        make_case(cls.team_a, cls.link_worker, cls.gp, person=cls.person)
        key = cls.person.uuid

        def logged(user, when, unit, purpose, action=AuditEvent.Action.READ):
            return AuditEvent(
                action=action,
                user=user,
                at=when,
                organization_id=unit,
                object_type="people.person",
                object_id=str(cls.person.pk),
                purpose=purpose,
                person_uuid=key,
                ip_address="192.0.2.1",
            )

        AuditEvent.objects.bulk_create(
            [
                logged(cls.link_worker, at(3, 9, 5), cls.health_centre_a.pk, "case work"),
                logged(cls.provider, at(4, 14), cls.association.pk, "answer referral"),
                logged(cls.admin, at(5, 10), cls.municipality.pk, f"break-glass: {REASON}"),
                logged(cls.outsider, at(6, 11), None, "case work", AuditEvent.Action.DENIED),
                logged(cls.gp, at(7, 8), None, "some purpose nobody named"),
            ]
        )


class ExtractEventsTests(ExtractTestCase):
    def test_it_gives_time_unit_action_and_purpose_and_never_who(self) -> None:
        with translation.override("en"):
            rows = review.extract_events(self.person, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
        self.assertEqual(
            [(r.at, r.unit) for r in rows],
            [
                (at(3, 9, 5), "Vårdcentralen Ålidhem"),
                (at(4, 14), "Föreningen Gå Tillsammans"),
                (at(5, 10), "Umeå kommun, kultur och fritid"),
                (at(7, 8), "—"),
            ],
        )
        self.assertEqual(rows[0].at.tzinfo, STOCKHOLM)
        self.assertEqual(rows[0].purpose, "The link worker's work with you")
        self.assertEqual(rows[1].purpose, "The activity answers the referral")
        self.assertEqual(rows[2].purpose, f"Emergency access: {REASON}")
        self.assertEqual(rows[3].purpose, "some purpose nobody named")
        self.assertEqual(rows[0].action, "Read")
        self.assertEqual(set(vars(rows[0])), {"at", "unit", "action", "purpose"})

    def test_it_leaves_out_refused_attempts_and_what_is_outside_the_period(self) -> None:
        rows = review.extract_events(self.person, dt.date(2025, 3, 4), dt.date(2025, 3, 6))
        self.assertEqual([r.at for r in rows], [at(4, 14), at(5, 10)])
        everything = review.extract_events(self.person)
        self.assertGreater(len(everything), 4)  # the referral and case events of today too
        self.assertNotIn("denied", {r.action for r in everything})

    def test_it_costs_two_queries_however_long_it_is(self) -> None:
        with CaptureQueriesContext(connection) as captured:
            review.extract_events(self.person)
        self.assertEqual(len(captured), 2)


class ExtractPageTests(ExtractTestCase):
    def setUp(self) -> None:
        self.login(self.admin)

    def test_the_page_shows_units_and_purposes_and_no_staff_member(self) -> None:
        response = self.client.get(
            reverse("privacy:log-extract", args=[self.person.uuid]),
            {"since": "2025-03-01", "until": "2025-03-31"},
        )
        self.assertContains(response, "Vårdcentralen Ålidhem")
        self.assertContains(response, "Föreningen Gå Tillsammans")
        self.assertContains(response, "2025-03-03 09:05")
        self.assertContains(response, REASON)
        self.assertContains(response, "Ingegerd Söderström")
        for staff in STAFF + STAFF_NAMES:
            with self.subTest(staff=staff):
                self.assertNotContains(response, staff)
        self.assertNotContains(response, "192.0.2.1")
        self.assertContains(response, "?since=2025-03-01&amp;until=2025-03-31")  # the PDF link
        self.assertContains(response, 'media="print"')

    def test_opening_it_is_logged_as_a_print_of_the_persons_data(self) -> None:
        self.client.get(reverse("privacy:log-extract", args=[self.person.uuid]))
        event = AuditEvent.objects.get(purpose="log extract")
        self.assertEqual(event.action, AuditEvent.Action.PRINT)
        self.assertEqual((event.user, event.person_uuid), (self.admin, self.person.uuid))
        self.assertEqual(event.organization_id, self.municipality.pk)

    def test_the_pdf_is_a_pdf_to_download_and_its_print_is_logged(self) -> None:
        response = self.client.get(
            reverse("privacy:log-extract-pdf", args=[self.person.uuid]), {"since": "2025-03-01"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF-"))
        self.assertRegex(
            response["Content-Disposition"], r'^attachment; filename="log-extract-[\d-]+\.pdf"$'
        )
        self.assertIn("no-store", response["Cache-Control"])
        event = AuditEvent.objects.get(purpose="log extract")
        self.assertEqual((event.action, event.user), (AuditEvent.Action.PRINT, self.admin))

    def test_bad_dates_are_field_errors(self) -> None:
        for params in ({"since": "2025-02-30"}, {"since": "2025-03-09", "until": "2025-03-01"}):
            with self.subTest(params=params):
                url = reverse("privacy:log-extract", args=[self.person.uuid])
                self.assertContains(self.client.get(url, params), "errorlist")
                pdf = reverse("privacy:log-extract-pdf", args=[self.person.uuid])
                self.assertEqual(self.client.get(pdf, params).status_code, 200)

    def test_an_unknown_person_is_404_and_logged_as_denied(self) -> None:
        key = "0f0e6bd2-54b5-4a4f-9f5e-1b1b1b1b1b1b"
        response = self.client.get(reverse("privacy:log-extract", args=[key]))
        self.assertEqual(response.status_code, 404)
        self.assertTrue(
            AuditEvent.objects.filter(action="denied", user=self.admin, object_id=key).exists()
        )
