"""The prescription for the person: a one-page PDF in their language and an .ics of sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
from django.urls import reverse
from django.utils import translation

from lotsa.accounts.models import Organization
from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Place
from lotsa.people.models import Person
from lotsa.referrals import prescription
from lotsa.test import (
    BaseTestCase,
    make_activity_referral,
    make_case,
    make_offering,
    make_organization,
)


def url(name: str, *args: Any) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


class PrescriptionTests(BaseTestCase):
    def setUp(self) -> None:
        self.offering = make_offering(
            self.association,
            "Promenadgruppen",
            contact_name="Kerstin Berg",
            phone="070-111 22 33",
        )
        Place.objects.filter(offering=self.offering).update(
            name="Folkets hus", directions="Buss 8 till Ålidhem centrum, sedan 200 meter."
        )
        self.team_a.phone = "090-123 45 67"
        self.team_a.save()
        self.link_worker.first_name, self.link_worker.last_name = "Lena", "Lots"
        self.link_worker.save()
        case = make_case(self.team_a, self.link_worker, self.gp)
        Person.objects.filter(pk=case.person_id).update(
            language="da", identity_number="195005172383"
        )
        case.person.refresh_from_db()
        self.referral = make_activity_referral(case, self.offering, self.link_worker)

    def get(self, name: str, user: Any = None) -> Any:
        self.login(user or self.link_worker)
        return self.client.get(url(name, self.referral.uuid))

    def test_the_link_worker_gets_a_pdf_and_it_is_logged(self) -> None:
        response = self.get("referrals:prescription-pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertEqual(response["Content-Disposition"], 'inline; filename="promenadgruppen.pdf"')
        event = AuditEvent.objects.get(action=AuditEvent.Action.PRINT)
        self.assertEqual(
            (event.user, event.object_id, event.organization_id),
            (self.link_worker, str(self.referral.pk), self.health_centre_a.pk),
        )

    def test_the_page_says_what_when_where_and_whom_to_ask_in_the_persons_language(
        self,
    ) -> None:
        html = prescription.render_html(self.referral)
        self.assertIn('<html lang="da">', html)
        self.assertIn("Promenadgruppen", html)
        self.assertIn("Vi går en lugn promenad", html)
        self.assertIn("Tirsdag", html)  # Django's Danish weekday names
        self.assertIn("14:00–16:00", html)
        self.assertIn("Folkets hus, Storgatan 1, 903 26 Umeå", html)
        self.assertIn("Buss 8 till Ålidhem centrum", html)
        self.assertIn("Kerstin Berg", html)
        self.assertIn("070-111 22 33", html)
        self.assertIn("Lena Lots", html)
        self.assertIn("090-123 45 67", html)

    def test_it_fits_on_one_a4_page(self) -> None:
        from weasyprint import HTML

        document = HTML(string=prescription.render_html(self.referral), base_url=None).render()
        self.assertEqual(len(document.pages), 1)
        self.assertEqual(
            (round(document.pages[0].width), round(document.pages[0].height)), (794, 1123)
        )

    def test_the_page_holds_no_detail_of_the_person_and_fetches_nothing(self) -> None:
        html = prescription.render_html(self.referral)
        for text in ("Astrid", "Lindqvist", "+46701234567", "2383"):
            self.assertNotIn(text, html)
        self.assertNotIn("http", html)
        self.assertNotIn("src=", html)

    def test_the_ics_has_the_next_eight_sessions(self) -> None:
        response = self.get("referrals:prescription-ics")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/calendar"))
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="promenadgruppen.ics"'
        )
        calendar = icalendar.Calendar.from_ical(response.content)
        events = calendar.walk("VEVENT")
        self.assertEqual(len(events), 8)
        first = events[0]
        self.assertEqual(str(first["SUMMARY"]), "Promenadgruppen")
        self.assertIn("Storgatan 1", str(first["LOCATION"]))
        start = first["DTSTART"].dt
        self.assertEqual(start.weekday(), 1)  # Tuesday
        self.assertEqual((start.hour, start.minute), (14, 0))
        self.assertEqual(str(start.tzinfo), "Europe/Stockholm")
        self.assertEqual(first["DTSTART"].params["TZID"], "Europe/Stockholm")
        self.assertEqual(first["DTEND"].dt - start, dt.timedelta(hours=2))
        dates = [event["DTSTART"].dt.date() for event in events]
        self.assertEqual(dates, sorted(dates))
        self.assertEqual(len(set(dates)), 8)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists())

    def test_the_uids_are_stable_per_referral_and_date(self) -> None:
        def uids() -> list[str]:
            content = prescription.render_ics(self.referral)
            return [str(e["UID"]) for e in icalendar.Calendar.from_ical(content).walk("VEVENT")]

        first = uids()
        self.assertEqual(first, uids())
        self.assertEqual(len(set(first)), 8)
        self.assertTrue(all(uid.startswith(str(self.referral.uuid)) for uid in first))

    def test_a_danish_place_gets_copenhagen_time(self) -> None:
        forening = make_organization(
            "Foreningen Gå Sammen", country=Organization.Country.DENMARK, municipality="DK-101"
        )
        offering = make_offering(forening, "Gåtur", municipality="DK-101", city="København")
        case = make_case(self.team_a, self.link_worker, self.gp)
        referral = make_activity_referral(case, offering, self.link_worker)
        events = icalendar.Calendar.from_ical(prescription.render_ics(referral)).walk("VEVENT")
        self.assertEqual(events[0]["DTSTART"].params["TZID"], "Europe/Copenhagen")

    def test_nobody_outside_the_team_gets_them(self) -> None:
        for user in (self.outsider_link_worker, self.provider, self.outsider, self.gp):
            for name in ("referrals:prescription-pdf", "referrals:prescription-ics"):
                with self.subTest(user=user.email, name=name):
                    self.assertEqual(self.get(name, user).status_code, 404)
        self.assertFalse(
            AuditEvent.objects.filter(
                action__in=(AuditEvent.Action.PRINT, AuditEvent.Action.EXPORT)
            ).exists()
        )

    def test_an_activity_without_sessions_still_prints(self) -> None:
        self.offering.schedules.all().delete()
        response = self.get("referrals:prescription-pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        events = icalendar.Calendar.from_ical(prescription.render_ics(self.referral)).walk("VEVENT")
        self.assertEqual(events, [])
