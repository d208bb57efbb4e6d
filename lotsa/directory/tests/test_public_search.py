"""The public directory search: words, filters, facets, distance, bad input, htmx, queries."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from lotsa.browser import serious_violations
from lotsa.directory import filters
from lotsa.directory.models import Offering, Place, Term
from lotsa.lib import distance
from lotsa.test import BaseTestCase, make_offering, make_organization, terms

UMEA = (63.8258, 20.2630)
KM_PER_DEGREE_LAT = 111.2


def north_of_umea(km: float) -> dict[str, float]:
    return {"latitude": UMEA[0] + km / KM_PER_DEGREE_LAT, "longitude": UMEA[1]}


def search_url(language: str = "en") -> str:
    # English pages, so that the assertions hold once the Swedish catalogue is translated.
    with translation.override(language):
        return reverse("directory:search")


def offering_url(offering: Offering) -> str:
    with translation.override("en"):
        return reverse("directory:offering", args=[offering.uuid])


def tag(offering: Offering, **vocabularies: tuple[str, ...]) -> Offering:
    for field, codes in vocabularies.items():
        vocabulary = {
            "audiences": Term.Vocabulary.AUDIENCE,
            "languages": Term.Vocabulary.LANGUAGE,
            "accessibility": Term.Vocabulary.ACCESSIBILITY,
        }[field]
        getattr(offering, field).set(terms(vocabulary, *codes))
    return offering


class PublicSearchTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.walk = tag(
            make_offering(cls.association, "Promenadgruppen", min_age=60),
            audiences=("older-people",),
            languages=("sv",),
            accessibility=("wheelchair",),
        )
        cls.choir = tag(
            make_offering(
                cls.association,
                "Kören Glada Röster",
                description="Vi sjunger tillsammans, alla är välkomna.",
                categories=("music-singing",),
                byday="WE",
                opens_at=dt.time(18),
                closes_at=dt.time(20),
                postcode="903 38",
                is_free=False,
                fee="200 kr per termin",
                capacity=10,
                places_taken=10,
                **north_of_umea(5),
            ),
            audiences=("everyone",),
            languages=("sv", "en"),
        )
        cls.far = make_offering(
            cls.municipality,
            "Stickcafé i Vindeln",
            description="Vi stickar och pratar.",
            categories=("creative",),
            byday="MO",
            opens_at=dt.time(10),
            closes_at=dt.time(12),
            postcode="922 31",
            city="Vindeln",
            municipality="SE-2404",
            **north_of_umea(50),
        )
        cls.online = make_offering(
            cls.association,
            "Samtalsgrupp på nätet",
            description="Vi ses på video och pratar om livet.",
            categories=("conversation",),
            byday="TH",
            opens_at=dt.time(19),
            closes_at=dt.time(20),
            is_online=True,
        )
        # Never visible to the public:
        make_offering(cls.association, "Promenad utkast", is_published=False)
        make_offering(cls.association, "Promenad som slutat", status=Offering.Status.ENDED)
        hidden_organization = make_organization("Ny förening", is_approved=False)
        make_offering(hidden_organization, "Promenad hos ny förening")

    def get(self, **params: Any) -> HttpResponse:
        return self.client.get(search_url(), params)

    def names(self, **params: Any) -> list[str]:
        response = self.get(**params)
        self.assertEqual(response.status_code, 200)
        return [result.offering.name for result in response.context["outcome"].results]

    def facet(self, response: HttpResponse, name: str) -> dict[str, int]:
        return {o.value: o.count for o in response.context["outcome"].facets[name]}

    # Words -----------------------------------------------------------------------------------

    def test_it_lists_every_public_offering_without_words(self) -> None:
        self.assertEqual(
            self.names(),
            [
                "Kören Glada Röster",
                "Promenadgruppen",
                "Samtalsgrupp på nätet",
                "Stickcafé i Vindeln",
            ],
        )

    def test_it_finds_compounds(self) -> None:
        self.assertEqual(self.names(q="promenad"), ["Promenadgruppen"])

    def test_it_finds_inflections(self) -> None:
        self.assertEqual(self.names(q="sjunga"), ["Kören Glada Röster"])

    def test_it_hides_unpublished_ended_and_unapproved_offerings(self) -> None:
        response = self.get(q="promenad")
        self.assertNotContains(response, "utkast")
        self.assertNotContains(response, "slutat")
        self.assertNotContains(response, "ny förening")
        self.assertEqual(response.context["outcome"].page.paginator.count, 1)

    def test_a_stop_word_query_lists_everything_with_a_note(self) -> None:
        response = self.get(q="och det att")
        self.assertEqual(len(response.context["outcome"].results), 4)
        self.assertContains(response, "only very common words")

    def test_a_long_query_is_cut_with_a_visible_note(self) -> None:
        response = self.get(q="promenad " + "x" * 400)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "too long")
        form = response.context["form"]
        self.assertEqual(len(form.cleaned_data["q"]), 200)
        self.assertTrue(form.is_valid())

    def test_markup_in_the_query_is_inert(self) -> None:
        response = self.get(q="<script>alert(1)</script>", near="<b>x</b>")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<script>alert(1)")
        self.assertNotContains(response, "<b>x</b>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    # Filters ---------------------------------------------------------------------------------

    def test_it_filters_by_category(self) -> None:
        self.assertEqual(self.names(category="music-singing"), ["Kören Glada Röster"])

    def test_several_categories_mean_any_of_them(self) -> None:
        self.assertEqual(
            self.names(category=["music-singing", "walking-outdoor"]),
            ["Kören Glada Röster", "Promenadgruppen"],
        )

    def test_it_filters_by_target_group(self) -> None:
        self.assertEqual(self.names(audience="older-people"), ["Promenadgruppen"])

    def test_it_filters_by_age_with_open_bounds(self) -> None:
        self.assertNotIn("Promenadgruppen", self.names(age=30))
        self.assertIn("Promenadgruppen", self.names(age=65))
        self.assertEqual(len(self.names(age=65)), 4)

    def test_it_filters_by_weekday(self) -> None:
        self.assertEqual(self.names(day="WE"), ["Kören Glada Röster"])
        self.assertEqual(self.names(day=["TU", "WE"]), ["Kören Glada Röster", "Promenadgruppen"])

    def test_it_finds_a_single_date_by_its_weekday(self) -> None:
        next_saturday = self.today() + dt.timedelta(days=(5 - self.today().weekday()) % 7 or 7)
        self.far.schedules.update(byday="", single_date=next_saturday)
        self.assertEqual(self.names(day="SA"), ["Stickcafé i Vindeln"])

    def test_it_leaves_out_schedules_that_ended(self) -> None:
        self.choir.schedules.update(valid_to=self.today() - dt.timedelta(days=1))
        self.assertEqual(self.names(day="WE"), [])

    def test_it_filters_by_time_of_day(self) -> None:
        self.assertEqual(self.names(time="morning"), ["Stickcafé i Vindeln"])
        self.assertEqual(self.names(time="afternoon"), ["Promenadgruppen"])
        self.assertEqual(
            self.names(time="evening"), ["Kören Glada Röster", "Samtalsgrupp på nätet"]
        )

    def test_day_and_time_must_meet_in_the_same_session(self) -> None:
        self.assertEqual(self.names(day="TU", time="evening"), [])

    def test_it_filters_free_offerings(self) -> None:
        self.assertNotIn("Kören Glada Röster", self.names(free="on"))
        self.assertEqual(len(self.names(free="on")), 3)

    def test_it_filters_wheelchair_accessible_offerings(self) -> None:
        self.assertEqual(self.names(wheelchair="on"), ["Promenadgruppen"])

    def test_it_filters_by_language(self) -> None:
        self.assertEqual(self.names(language="en"), ["Kören Glada Röster"])

    def test_filters_combine_with_words(self) -> None:
        self.assertEqual(self.names(q="promenad", day="WE"), [])
        self.assertEqual(self.names(q="promenad", day="TU"), ["Promenadgruppen"])

    # Facets ----------------------------------------------------------------------------------

    def test_it_counts_offerings_per_category_and_weekday(self) -> None:
        response = self.get()
        categories = self.facet(response, "category")
        self.assertEqual(categories["walking-outdoor"], 1)
        self.assertEqual(categories["music-singing"], 1)
        self.assertEqual(categories["grief-support"], 0)
        self.assertEqual(
            self.facet(response, "day"),
            {"MO": 1, "TU": 1, "WE": 1, "TH": 1, "FR": 0, "SA": 0, "SU": 0},
        )
        self.assertEqual(self.facet(response, "language")["sv"], 2)
        self.assertEqual(self.facet(response, "audience")["everyone"], 1)
        self.assertContains(response, '<span class="facet-count">(1)</span>', html=False)

    def test_facet_counts_follow_the_other_filters_but_not_their_own(self) -> None:
        response = self.get(category="music-singing", free="on")
        categories = self.facet(response, "category")
        # The choir costs money, so under "free" it is not counted in any facet.
        self.assertEqual(categories["music-singing"], 0)
        self.assertEqual(categories["walking-outdoor"], 1)
        self.assertEqual(self.facet(response, "day")["WE"], 0)
        selected = [
            o.value for o in response.context["outcome"].facets["category"] if o.is_selected
        ]
        self.assertEqual(selected, ["music-singing"])

    def test_facet_counts_follow_the_words(self) -> None:
        response = self.get(q="promenad")
        self.assertEqual(
            self.facet(response, "day"),
            {**dict.fromkeys(["MO", "WE", "TH", "FR", "SA", "SU"], 0), "TU": 1},
        )

    # Distance --------------------------------------------------------------------------------

    def test_a_town_name_keeps_what_is_near_and_sorts_by_distance(self) -> None:
        self.assertEqual(self.names(near="Umeå", km=10), ["Promenadgruppen", "Kören Glada Röster"])

    def test_a_longer_distance_reaches_further(self) -> None:
        self.assertEqual(
            self.names(near="umeå kommun", km=60),
            ["Promenadgruppen", "Kören Glada Röster", "Stickcafé i Vindeln"],
        )

    def test_online_offerings_are_kept_near_a_place_only_when_asked_for(self) -> None:
        self.assertNotIn("Samtalsgrupp på nätet", self.names(near="Umeå"))
        self.assertEqual(
            self.names(near="Umeå", online="on"),
            ["Promenadgruppen", "Kören Glada Röster", "Samtalsgrupp på nätet"],
        )

    def test_a_postcode_is_placed_by_our_own_places(self) -> None:
        response = self.get(near="90326", km=10)
        self.assertEqual(
            [r.offering.name for r in response.context["outcome"].results],
            ["Promenadgruppen", "Kören Glada Röster"],
        )
        self.assertContains(response, "903 26")

    def test_an_unknown_postcode_in_a_known_area_is_placed_by_its_first_three_digits(self) -> None:
        response = self.get(near="903 99", km=10)
        names = [r.offering.name for r in response.context["outcome"].results]
        self.assertEqual(sorted(names), ["Kören Glada Röster", "Promenadgruppen"])
        self.assertContains(response, "postcode area 903")

    def test_the_browser_position_works_like_a_place(self) -> None:
        self.assertEqual(
            self.names(lat="63.83", lon="20.26", km=10), ["Promenadgruppen", "Kören Glada Röster"]
        )

    def test_a_typed_place_wins_over_the_browser_position(self) -> None:
        far = north_of_umea(50)
        self.assertEqual(
            self.names(near="Umeå", lat=far["latitude"], lon=far["longitude"], km=10),
            ["Promenadgruppen", "Kören Glada Röster"],
        )

    def test_each_result_shows_its_distance(self) -> None:
        response = self.get(near="Umeå", km=10)
        distances = [r.distance_km for r in response.context["outcome"].results]
        self.assertLess(distances[0], 1)
        self.assertAlmostEqual(distances[1], 5, delta=0.5)
        self.assertContains(response, "km away")

    def test_it_recognises_swedish_and_danish_postcodes(self) -> None:
        for postcode in ("90326", "903 26", " 903 26 ", "8000"):
            self.assertTrue(filters.is_postcode(postcode), postcode)
        for text in ("Umeå", "903", "9032", "903 2 6", "903266", "12 345"):
            self.assertEqual(filters.is_postcode(text), text == "9032", text)

    def test_the_database_distance_agrees_with_haversine(self) -> None:
        origin = filters.Origin("Umeå", *UMEA)
        rows = filters.places_within(origin, 100).values_list("latitude", "longitude", "km")
        self.assertEqual(len(rows), Place.objects.count())
        for lat, lon, km in rows:
            self.assertTrue(math.isclose(km, distance.haversine_km(*UMEA, lat, lon), abs_tol=1e-6))

    def test_an_unknown_place_gives_a_message_and_suggestions(self) -> None:
        response = self.get(near="Umeåå")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "We could not find a place called “Umeåå”")
        self.assertContains(response, "?near=Ume%C3%A5+kommun")
        # Not an empty page: the other filters still list offerings.
        self.assertEqual(len(response.context["outcome"].results), 4)

    def test_an_unknown_postcode_gives_a_message(self) -> None:
        response = self.get(near="999 99")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "We know no places near the postcode “999 99”")
        self.assertEqual(len(response.context["outcome"].results), 4)

    # Bad input -------------------------------------------------------------------------------

    def test_invalid_parameters_are_ignored_with_an_error(self) -> None:
        bad = {
            "km": "abc",
            "lat": "999",
            "lon": "abc",
            "category": "no-such-category",
            "audience": "<script>",
            "language": "xx",
            "age": "-3",
            "day": "XX",
            "time": "midnight",
            "page": "abc",
            "free": "maybe",
        }
        response = self.get(**bad)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Some filters could not be used")
        self.assertNotContains(response, "<script>")
        form = response.context["form"]
        for name in ("km", "lat", "lon", "category", "audience", "language", "age", "day", "time"):
            self.assertIn(name, form.errors, name)

    def test_a_position_needs_both_coordinates(self) -> None:
        response = self.get(lat="63.8")
        self.assertContains(response, "both latitude and longitude")
        self.assertIsNone(response.context["outcome"].criteria.origin)

    def test_a_page_out_of_range_shows_the_last_page(self) -> None:
        response = self.get(page="99")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["outcome"].page.number, 1)

    # Results and pages -----------------------------------------------------------------------

    def test_a_result_shows_what_a_person_needs_to_choose(self) -> None:
        response = self.get(q="kören")
        self.assertContains(response, offering_url(self.choir))
        self.assertContains(response, "Föreningen Gå Tillsammans")
        self.assertContains(response, "Music and singing")
        self.assertContains(response, "18:00–20:00")
        self.assertContains(response, "Wednesday")
        self.assertContains(response, "Umeå")
        self.assertContains(response, "Full – waiting list")
        self.assertContains(response, "200 kr per termin")

    @override_settings(LOTSA_SEARCH_PAGE_SIZE=2)
    def test_results_are_paginated_with_links_that_keep_the_filters(self) -> None:
        response = self.get(free="on")
        self.assertEqual(len(response.context["outcome"].results), 2)
        self.assertContains(response, "?free=on&amp;page=2")
        second = self.get(free="on", page=2)
        self.assertEqual(len(second.context["outcome"].results), 1)

    def test_the_count_is_announced(self) -> None:
        response = self.get(near="Umeå")
        self.assertContains(response, 'role="status"')
        self.assertContains(response, "2 activities within 10 km of Umeå kommun")

    def test_the_map_gets_the_results_places(self) -> None:
        response = self.get(q="promenad")
        self.assertContains(response, 'id="map-data"')
        markers = json.loads(
            response.content.decode()
            .split('id="map-data" type="application/json">')[1]
            .split("</script>")[0]
        )
        self.assertEqual(
            markers,
            [
                {
                    "name": "Promenadgruppen",
                    "url": offering_url(self.walk),
                    "lat": UMEA[0],
                    "lon": UMEA[1],
                }
            ],
        )

    def test_the_stale_hint_is_for_staff_only(self) -> None:
        Offering.objects.filter(pk=self.walk.pk).update(last_reviewed_at=dt.date(2000, 1, 1))
        self.assertNotContains(self.get(q="promenad"), "not reviewed for a long time")
        self.login(self.provider)
        self.assertContains(self.get(q="promenad"), "not reviewed for a long time")

    # htmx ------------------------------------------------------------------------------------

    def test_an_htmx_request_gets_only_the_results_partial(self) -> None:
        response = self.client.get(search_url(), {"q": "promenad"}, HTTP_HX_REQUEST="true")
        content = response.content.decode()
        self.assertNotIn("<html", content)
        self.assertNotIn("<h1>", content)
        self.assertIn("Promenadgruppen", content)
        self.assertIn('hx-swap-oob="innerHTML"', content)
        self.assertIn("HX-Request", response["Vary"])

    def test_a_full_page_works_without_javascript(self) -> None:
        response = self.get(q="promenad")
        content = response.content.decode()
        self.assertIn("<html", content)
        self.assertIn('method="get"', content)
        self.assertIn('hx-push-url="true"', content)
        self.assertNotIn("hx-swap-oob", content)

    def test_an_htmx_history_restore_gets_the_whole_page(self) -> None:
        response = self.client.get(
            search_url(),
            {"q": "promenad"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_HISTORY_RESTORE_REQUEST="true",
        )
        self.assertContains(response, "<html")


class SearchQueryCountTest(BaseTestCase):
    def make(self, count: int, start: int = 0) -> None:
        for number in range(start, start + count):
            offering = make_offering(
                self.association,
                f"Promenad {number:02}",
                categories=("walking-outdoor", "meeting-place"),
                **north_of_umea(number / 10),
            )
            offering.languages.set(terms(Term.Vocabulary.LANGUAGE, "sv"))

    def queries(self, params: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(search_url(), params)
        self.assertEqual(response.status_code, 200)
        return len(context.captured_queries)

    def test_the_number_of_queries_does_not_grow_with_the_results(self) -> None:
        searches = [
            {},
            {"q": "promenad"},
            {"near": "90326", "day": "TU", "category": "walking-outdoor", "language": "sv"},
        ]
        self.make(3)
        self.queries({})  # warm-up: first-use caches outside the database
        few = [self.queries(params) for params in searches]
        self.make(22, start=3)
        many = [self.queries(params) for params in searches]
        self.assertEqual(few, many)
        self.assertEqual(Place.objects.count(), 25)


# In a real browser ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_a_browser_the_filters_update_the_list_the_count_the_map_and_the_url(
    live_server: Any, page: Any
) -> None:
    association = make_organization("Föreningen Gå Tillsammans")
    make_offering(association, "Promenadgruppen")
    make_offering(
        association,
        "Kören",
        description="Vi sjunger.",
        categories=("music-singing",),
        **north_of_umea(5),
    )
    page.goto(f"{live_server.url}{search_url()}")
    # Markers are CSS dots: they show although the closed network refuses every tile.
    assert page.locator(".leaflet-marker-icon.marker-dot").count() == 2
    assert page.get_by_role("region", name="Map of the activities on this page").is_visible()
    assert serious_violations(page) == []

    page.fill("#id_q", "promenad")
    page.click("#search-submit")
    expect(page.locator(".result h3")).to_have_text(["Promenadgruppen"])
    expect(page.locator("#result-count")).to_have_text("1 activity")
    expect(page.locator(".leaflet-marker-icon.marker-dot")).to_have_count(1)
    assert "q=promenad" in page.url
    # htmx swapped the results in place and kept the keyboard where it was.
    assert page.evaluate("document.activeElement.id") == "search-submit"
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []

    page.go_back()
    expect(page.locator(".result h3")).to_have_count(2)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_a_browser_the_search_works_without_javascript(live_server: Any, browser: Any) -> None:
    association = make_organization("Föreningen Gå Tillsammans")
    make_offering(association, "Promenadgruppen")
    make_offering(association, "Kören", categories=("music-singing",))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}{search_url()}")
    page.check("#id_category_music-singing")
    page.click("#filters-submit")
    expect(page.locator(".result h3")).to_have_text(["Kören"])
    assert "category=music-singing" in page.url
    context.close()
