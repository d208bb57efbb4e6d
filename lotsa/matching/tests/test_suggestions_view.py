"""The suggestions page: who may open it, what it shows, its filters, its queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import translation

from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Offering, Term
from lotsa.referrals import actions
from lotsa.referrals.models import Case
from lotsa.test import (
    BaseTestCase,
    make_activity_referral,
    make_case,
    make_offering,
    make_organization,
    make_person,
    terms,
)

from .world import north_of_home


def en_url(name: str, *args: object) -> str:
    """A URL under /en/, so that texts compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


class SuggestionsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.person = make_person(postcode="903 26", city="Umeå")
        self.case = make_case(self.team_a, self.link_worker, self.gp, person=self.person)
        Case.objects.filter(pk=self.case.pk).update(
            what_matters="Jag vill sjunga i kör", available_days=["TU", "WE"], max_travel_km=10
        )
        self.case.interests.set(terms(Term.Vocabulary.CATEGORY, "music-singing"))
        self.url = en_url("matching:suggestions", self.case.uuid)
        self.choir = make_offering(
            self.association,
            "Kören",
            description="Vi sjunger tillsammans.",
            categories=("music-singing",),
            capacity=20,
            places_taken=17,
        )
        self.walk = make_offering(self.association, "Promenaden", byday="WE")

    def get(self, data: dict[str, object] | None = None, **headers: str):  # type: ignore[no-untyped-def]
        self.login(self.link_worker)
        return self.client.get(self.url, data or {}, **headers)

    def names(self, response) -> list[str]:  # type: ignore[no-untyped-def]
        return [s.offering.name for s in response.context["suggestions"]]


class AccessTests(SuggestionsTestCase):
    def test_the_link_worker_of_the_team_sees_ranked_explained_suggestions(self) -> None:
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.names(response), ["Kören", "Promenaden"])
        self.assertContains(response, "Suggested activities for Astrid Lindqvist")
        self.assertContains(response, "matches: sjunga, kör, music and singing")
        self.assertContains(response, "3 places free")
        self.assertContains(response, "Tuesdays 14–16 suit you")
        self.assertContains(response, "Distances are measured from 903 26.")

    def test_anyone_outside_the_team_gets_404(self) -> None:
        for name in ("outsider_link_worker", "outsider", "gp", "provider", "coordinator"):
            with self.subTest(name):
                self.login(getattr(self, name))
                self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_an_anonymous_visitor_is_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/login/", response["Location"])

    def test_a_closed_case_is_refused_with_the_referrals_message(self) -> None:
        actions.close_case(
            self.case, reason=Case.ClosureReason.GOALS_MET, acting_user=self.link_worker
        )
        response = self.get(follow=True)  # type: ignore[arg-type]
        self.assertRedirects(response, en_url("referrals:case", self.case.uuid))
        self.assertContains(response, "The case is closed and can no longer be changed.")

    def test_the_case_read_is_logged_and_no_offering_is(self) -> None:
        self.login(self.link_worker)
        before = AuditEvent.objects.count()
        self.client.get(self.url)
        events = list(AuditEvent.objects.order_by("pk")[before:])
        self.assertEqual([(e.action, e.object_type) for e in events], [("read", "referrals.case")])

    def test_the_case_page_links_here(self) -> None:
        self.login(self.link_worker)
        response = self.client.get(en_url("referrals:case", self.case.uuid))
        self.assertContains(response, self.url)
        response = self.client.get(en_url("referrals:find-offering", self.case.uuid))
        self.assertContains(response, self.url)


class PageTests(SuggestionsTestCase):
    def test_each_suggestion_refers_in_one_click(self) -> None:
        response = self.get()
        self.assertContains(response, en_url("referrals:refer", self.case.uuid, self.choir.uuid))
        self.assertContains(response, en_url("referrals:unmet-need", self.case.uuid))

    def test_an_activity_already_referred_to_says_so(self) -> None:
        make_activity_referral(self.case, self.choir, self.link_worker)
        response = self.get()
        self.assertContains(response, "Already referred")
        self.assertNotContains(response, en_url("referrals:refer", self.case.uuid, self.choir.uuid))

    def test_nothing_fits_offers_to_record_an_unmet_need(self) -> None:
        Offering.objects.update(status=Offering.Status.PAUSED)
        response = self.get()
        self.assertEqual(self.names(response), [])
        self.assertContains(response, "No activity meets all of the person")
        self.assertContains(response, en_url("referrals:unmet-need", self.case.uuid))

    def test_an_empty_case_gets_the_nearest_with_room_and_a_hint(self) -> None:
        Case.objects.filter(pk=self.case.pk).update(what_matters="")
        self.case.interests.clear()
        response = self.get()
        self.assertEqual(len(self.names(response)), 2)
        self.assertContains(response, 'id="hint-empty"')

    def test_a_person_without_an_address_gets_a_prompt_instead_of_distances(self) -> None:
        self.person.postcode = self.person.city = self.person.municipality = ""
        self.person.save()
        response = self.get()
        self.assertContains(response, 'id="hint-address"')
        self.assertContains(response, en_url("referrals:person-edit", self.case.uuid))
        self.assertNotContains(response, " km</span>")

    def test_only_the_municipality_known_measures_from_its_centre(self) -> None:
        self.person.postcode = self.person.city = ""
        self.person.save()
        response = self.get()
        self.assertContains(response, "Distances are measured from the centre of Umeå kommun.")


class FilterTests(SuggestionsTestCase):
    def test_the_form_starts_from_the_cases_own_constraints(self) -> None:
        form = self.get().context["form"]
        self.assertEqual(form["day"].value(), ["TU", "WE"])
        self.assertEqual(form["km"].value(), "10")
        self.assertTrue(form["online"].value())
        self.assertFalse(form["free_places"].value())

    def test_other_days_re_rank_without_changing_the_case(self) -> None:
        response = self.get({"changed": "1", "day": ["WE"], "online": "on"})
        self.assertEqual(self.names(response), ["Promenaden"])
        self.case.refresh_from_db()
        self.assertEqual(self.case.available_days, ["TU", "WE"])

    def test_only_with_free_places(self) -> None:
        Offering.objects.filter(pk=self.choir.pk).update(places_taken=20)
        self.assertIn("Kören", self.names(self.get()))
        response = self.get({"changed": "1", "free_places": "on", "online": "on"})
        self.assertEqual(self.names(response), ["Promenaden"])

    def test_within_a_distance(self) -> None:
        make_offering(
            self.association, "Längre bort", byday="TU", postcode="905 90", **north_of_home(7)
        )
        self.assertIn("Längre bort", self.names(self.get()))
        response = self.get({"changed": "1", "km": "5", "day": ["TU", "WE"], "online": "on"})
        self.assertNotIn("Längre bort", self.names(response))

    def test_online_activities_can_be_left_out(self) -> None:
        make_offering(self.association, "På nätet", is_online=True)
        self.assertIn("På nätet", self.names(self.get()))
        response = self.get({"changed": "1", "day": ["TU", "WE"]})
        self.assertNotIn("På nätet", self.names(response))

    def test_an_invalid_filter_is_left_out_not_an_error(self) -> None:
        response = self.get({"changed": "1", "km": "far", "day": ["XX"], "online": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sorted(self.names(response)), ["Kören", "Promenaden"])

    def test_htmx_gets_the_list_alone(self) -> None:
        response = self.get({"changed": "1", "day": ["WE"]}, HTTP_HX_REQUEST="true")
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Promenaden")
        self.assertContains(response, 'hx-swap-oob="innerHTML"')
        self.assertIn("HX-Request", response["Vary"])


class QueryCountTests(SuggestionsTestCase):
    def count_queries(self) -> int:
        self.login(self.link_worker)
        self.client.get(self.url)  # the session and the first audit row settle
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_page_takes_as_many_queries_for_ten_suggestions_as_for_two(self) -> None:
        few = self.count_queries()
        for n in range(12):
            offering = make_offering(
                make_organization(f"Förening {n}"),
                f"Kör {n}",
                categories=("music-singing",),
                last_reviewed_at=self.today() - dt.timedelta(days=n),
            )
            offering.languages.set(terms(Term.Vocabulary.LANGUAGE, "sv"))
            offering.audiences.set(terms(Term.Vocabulary.AUDIENCE, "everyone"))
        self.assertEqual(self.count_queries(), few)
