"""An offering's public page and its print view: all a person needs to get there."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from lotsa.browser import serious_violations
from lotsa.directory.models import Offering, Place, ProblemReport, Term
from lotsa.test import BaseTestCase, make_offering, make_organization, terms


class OfferingPageTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.walk = make_offering(
            cls.association,
            "Promenadgruppen",
            description="Vi går en lugn promenad.\n\nTa med bra skor.",
            min_age=60,
            max_age=90,
            contact_name="Karin Lind",
            phone="090-12 34 56",
            email="karin@example.org",
            website="https://gatillsammans.example.org/",
            how_to_join=Offering.HowToJoin.CONTACT_FIRST,
            capacity=12,
            places_taken=4,
            is_free=False,
            fee="50 kr per gång",
            last_reviewed_at=dt.date(2025, 3, 14),
        )
        cls.walk.places.update(name="Folkets hus", directions="Buss 2 till Vasaplan.")
        cls.walk.audiences.set(terms(Term.Vocabulary.AUDIENCE, "older-people"))
        cls.walk.accessibility.set(
            terms(Term.Vocabulary.ACCESSIBILITY, "wheelchair", "hearing-loop")
        )
        cls.walk.languages.set(terms(Term.Vocabulary.LANGUAGE, "sv", "ar"))

    def url(
        self, offering: Offering, name: str = "directory:offering", language: str = "en"
    ) -> str:
        # English pages, so that the assertions hold once the Swedish catalogue is translated.
        with translation.override(language):
            return reverse(name, args=[offering.uuid])

    def test_it_shows_everything_needed_to_get_there(self) -> None:
        response = self.client.get(self.url(self.walk))
        self.assertEqual(response.status_code, 200)
        for text in (
            "<h1>Promenadgruppen</h1>",
            "<p>Vi går en lugn promenad.</p>",
            "Föreningen Gå Tillsammans",
            "Folkets hus",
            "Storgatan 1",
            "903 26 Umeå",
            "Umeå kommun",
            "Buss 2 till Vasaplan.",
            "Karin Lind",
            'href="tel:090123456"',
            'href="mailto:karin@example.org"',
            'href="https://gatillsammans.example.org/"',
            "50 kr per gång",
            "Wheelchair accessible",
            "Hearing loop",
            "Arabic",
            "Older people",
            "Ages 60 to 90",
            "Places available",
            "8 places left",
            "Contact us first",
            "14 March 2025",
        ):
            self.assertContains(response, text, msg_prefix=text)

    def test_it_shows_the_next_five_sessions_with_weekday_names(self) -> None:
        response = self.client.get(self.url(self.walk))
        sessions = response.context["sessions"]
        self.assertEqual(len(sessions), 5)
        self.assertTrue(all(date.weekday() == 1 for date, _schedule in sessions))
        self.assertContains(response, "Tuesday", count=5)
        self.assertContains(response, "14:00–16:00", count=5)

    def test_weekday_names_follow_the_language(self) -> None:
        for language, tuesday in (("sv", "tisdag"), ("da", "tirsdag")):
            content = self.client.get(self.url(self.walk, language=language)).content.decode()
            # Django's catalogues differ in capitals ("tisdag", "Tirsdag").
            self.assertEqual(content.lower().count(tuesday), 5, language)

    def test_it_has_a_map_of_its_places(self) -> None:
        response = self.client.get(self.url(self.walk))
        self.assertContains(response, "leaflet.js")
        self.assertContains(response, "lotsa/map.js")
        self.assertContains(response, 'aria-label="Map of where the activity takes place"')
        markers = response.context["markers"]
        self.assertEqual(
            markers,
            [
                {
                    "name": "Promenadgruppen",
                    "url": self.url(self.walk),
                    "lat": 63.8258,
                    "lon": 20.263,
                }
            ],
        )
        self.assertContains(response, json.dumps(markers[0]["url"]))

    def test_an_online_offering_needs_no_map(self) -> None:
        online = make_offering(self.association, "Nätcafé", is_online=True)
        response = self.client.get(self.url(online))
        self.assertContains(response, "Online")
        self.assertNotContains(response, "leaflet.js")

    def test_it_links_to_print_send_and_report(self) -> None:
        response = self.client.get(self.url(self.walk))
        self.assertContains(response, self.url(self.walk, "directory:offering-print"))
        self.assertContains(response, self.url(self.walk, "directory:report-problem"))
        self.assertContains(response, "mailto:?subject=Promenadgruppen")

    def test_the_print_view_is_a_clean_page_with_the_address_of_the_listing(self) -> None:
        response = self.client.get(self.url(self.walk, "directory:offering-print"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Promenadgruppen</h1>")
        self.assertContains(response, "Buss 2 till Vasaplan.")
        self.assertContains(response, "http://testserver" + self.url(self.walk))
        self.assertNotContains(response, "leaflet")
        self.assertNotContains(response, self.url(self.walk, "directory:report-problem"))

    def test_markup_in_the_listing_is_inert(self) -> None:
        evil = make_offering(
            self.association,
            "<script>alert('x')</script>",
            description="<img src=x onerror=alert(1)>",
            website="javascript:alert(1)",
        )
        response = self.client.get(self.url(evil))
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "<img src=x")
        self.assertNotContains(response, 'href="javascript:')
        self.assertContains(response, "&lt;script&gt;")

    def test_unpublished_ended_and_unapproved_offerings_are_not_found(self) -> None:
        hidden = [
            make_offering(self.association, "Utkast", is_published=False),
            make_offering(self.association, "Slutat", status=Offering.Status.ENDED),
            make_offering(make_organization("Ny förening", is_approved=False), "Ny"),
        ]
        for offering in hidden:
            for name in (
                "directory:offering",
                "directory:offering-print",
                "directory:report-problem",
            ):
                self.assertEqual(self.client.get(self.url(offering, name)).status_code, 404, name)

    def test_a_paused_offering_is_shown_as_paused(self) -> None:
        Offering.objects.filter(pk=self.walk.pk).update(status=Offering.Status.PAUSED)
        self.assertContains(self.client.get(self.url(self.walk)), "Paused for now")

    def test_a_full_offering_says_so_in_words(self) -> None:
        Offering.objects.filter(pk=self.walk.pk).update(places_taken=12, has_waitlist=False)
        response = self.client.get(self.url(self.walk))
        self.assertContains(response, '<span class="badge badge-danger">Full</span>', html=True)

    def test_without_ages_it_says_all_ages(self) -> None:
        Offering.objects.filter(pk=self.walk.pk).update(min_age=None, max_age=None)
        self.assertContains(self.client.get(self.url(self.walk)), "All ages")

    @override_settings(LOTSA_STALE_AFTER_WEEKS=1)
    def test_the_stale_hint_is_for_staff_only(self) -> None:
        self.assertNotContains(self.client.get(self.url(self.walk)), "not reviewed for a long time")
        self.login(self.gp)
        self.assertContains(self.client.get(self.url(self.walk)), "not reviewed for a long time")

    def test_the_page_needs_a_constant_number_of_queries(self) -> None:
        for number in range(3):
            Place.objects.create(
                offering=self.walk,
                address=f"Gatan {number}",
                postcode="903 26",
                city="Umeå",
                municipality="SE-2480",
                latitude=63.8,
                longitude=20.2,
            )
        # Offering with organisation, then the six prefetches; none per place or term.
        with self.assertNumQueries(7):
            self.client.get(self.url(self.walk))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_a_browser_the_page_maps_its_place_and_takes_a_report(
    live_server: Any, page: Any
) -> None:
    walk = make_offering(make_organization("Föreningen Gå Tillsammans"), "Promenadgruppen")
    with translation.override("en"):
        url = reverse("directory:offering", args=[walk.uuid])
    page.goto(f"{live_server.url}{url}")
    expect(page.locator(".leaflet-marker-icon.marker-dot")).to_have_count(1)
    assert serious_violations(page) == []

    page.get_by_role("link", name="Report a problem").click()
    assert serious_violations(page) == []
    page.get_by_label("It has closed or stopped").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".messages")).to_contain_text("Thank you!")
    assert page.url.endswith(url)
    assert ProblemReport.objects.get().kind == ProblemReport.Kind.CLOSED
