"""Soft factors: better on one factor, all else equal, ranks higher; diversity; chips; bad input."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from lotsa.directory.models import Offering, Term
from lotsa.matching import ranking
from lotsa.referrals.models import Case
from lotsa.test import BaseTestCase, make_offering, make_organization, terms

from .world import needs, north_of_home


class FactorTestCase(BaseTestCase):
    def rank(self, **overrides: object) -> dict[str, ranking.Suggestion]:
        with translation.override("en"):
            found = ranking.rank(needs(**overrides), limit=50)
        return {s.offering.name: s for s in found}

    def assert_better(
        self, factor: str, better: str, worse: str, **overrides: object
    ) -> dict[str, ranking.Suggestion]:
        found = self.rank(**overrides)
        self.assertGreater(found[better].factors[factor], found[worse].factors[factor])
        self.assertGreater(found[better].score, found[worse].score)
        others = {name: value for name, value in found[better].factors.items() if name != factor}
        self.assertEqual(
            others,
            {name: value for name, value in found[worse].factors.items() if name != factor},
            "all else should be equal",
        )
        return found

    def texts(self, suggestion: ranking.Suggestion) -> list[str]:
        return [r.text for r in suggestion.reasons]

    def doubts(self, suggestion: ranking.Suggestion) -> list[str]:
        return [r.text for r in suggestion.uncertain]


class TextTests(FactorTestCase):
    def test_the_persons_own_words_in_the_listing_rank_it_higher(self) -> None:
        make_offering(self.association, "Grupp A", description="Vi sjunger i kör varje vecka.")
        make_offering(self.association, "Grupp B", description="Vi spelar kort varje vecka.")
        found = self.assert_better("text", "Grupp A", "Grupp B", words="Jag vill sjunga i kör")
        self.assertEqual(self.texts(found["Grupp A"])[0], "matches: sjunga, kör")

    def test_words_match_in_either_language_by_their_stem(self) -> None:
        make_offering(
            self.association,
            "Sorgegruppe",
            description="Et trygt rum for at tale om sorg.",
            text_language="da",
        )
        make_offering(self.association, "Kortklubben", description="Vi spelar kort.")
        self.assert_better("text", "Sorgegruppe", "Kortklubben", words="sorgen efter min man")

    def test_unknown_words_change_nothing(self) -> None:
        make_offering(self.association, "Grupp A", description="Vi sjunger.")
        make_offering(self.association, "Grupp B", description="Vi spelar kort.")
        plain = self.rank()
        unknown = self.rank(words="xylofonorkester qwzx!! ##")
        self.assertEqual(
            [(n, s.score) for n, s in plain.items()], [(n, s.score) for n, s in unknown.items()]
        )

    def test_words_that_say_nothing_about_an_activity_are_ignored(self) -> None:
        make_offering(self.association, "Grupp A", description="Vi vill att du kommer igen.")
        make_offering(self.association, "Grupp B", description="Vi spelar kort.")
        found = self.rank(words="Jag vill att någon märker om jag inte kommer")
        self.assertEqual(found["Grupp A"].factors["text"], found["Grupp B"].factors["text"])


class InterestTests(FactorTestCase):
    def test_an_offering_in_the_persons_interests_ranks_higher(self) -> None:
        make_offering(self.association, "Kör", categories=("music-singing",))
        make_offering(self.association, "Stickning", categories=("creative",))
        found = self.assert_better("interests", "Kör", "Stickning", interests={"music-singing"})
        self.assertIn("music and singing", self.texts(found["Kör"])[0])

    def test_more_of_the_interests_rank_higher(self) -> None:
        make_offering(self.association, "Båda", categories=("music-singing", "meeting-place"))
        make_offering(self.association, "En", categories=("music-singing", "creative"))
        self.assert_better("interests", "Båda", "En", interests={"music-singing", "meeting-place"})


class DistanceTests(FactorTestCase):
    def test_nearer_ranks_higher(self) -> None:
        make_offering(self.association, "Nära", **north_of_home(1))
        make_offering(self.association, "Längre bort", **north_of_home(6))
        found = self.assert_better("distance", "Nära", "Längre bort")
        self.assertIn("1.0 km", self.texts(found["Nära"]))

    def test_without_a_home_there_is_no_distance_and_a_prompt(self) -> None:
        make_offering(self.association, "Nära", **north_of_home(1))
        found = self.rank(origin=None)
        self.assertIsNone(found["Nära"].distance_km)
        self.assertIn("No distance: add the person's address", self.doubts(found["Nära"]))


class ScheduleTests(FactorTestCase):
    def test_more_sessions_in_the_persons_week_rank_higher(self) -> None:
        make_offering(self.association, "Två gånger", byday="TU,TH")
        make_offering(self.association, "En gång", byday="TU,FR")
        found = self.assert_better("schedule", "Två gånger", "En gång", days={"TU", "TH"})
        self.assertIn("Tuesdays, Thursdays 14–16 suit you", self.texts(found["Två gånger"]))

    def test_an_offering_with_times_ranks_above_one_without(self) -> None:
        make_offering(self.association, "Tisdagar", byday="TU")
        make_offering(self.association, "Fråga oss", byday="")
        self.assert_better("schedule", "Tisdagar", "Fråga oss")


class CapacityTests(FactorTestCase):
    def test_free_places_beat_a_short_waitlist_beat_a_long_one_beat_full(self) -> None:
        make_offering(self.association, "Plats", capacity=10, places_taken=7)
        make_offering(self.association, "Kort kö", capacity=10, places_taken=10, waitlist_length=2)
        make_offering(self.association, "Lång kö", capacity=10, places_taken=10, waitlist_length=9)
        make_offering(self.association, "Fullt", capacity=10, places_taken=10, has_waitlist=False)
        self.assert_better("capacity", "Plats", "Kort kö")
        self.assert_better("capacity", "Kort kö", "Lång kö")
        found = self.assert_better("capacity", "Lång kö", "Fullt")
        self.assertIn("3 places free", self.texts(found["Plats"]))
        self.assertIn("Waiting list: 2", self.doubts(found["Kort kö"]))
        self.assertIn("Full, no waiting list", self.doubts(found["Fullt"]))

    def test_no_limit_counts_as_free_places(self) -> None:
        make_offering(self.association, "Ingen gräns")
        make_offering(self.association, "Kö", capacity=10, places_taken=10, waitlist_length=1)
        self.assert_better("capacity", "Ingen gräns", "Kö")


class FreshnessTests(FactorTestCase):
    def test_a_recently_reviewed_listing_ranks_higher(self) -> None:
        make_offering(self.association, "Färsk")
        make_offering(
            self.association, "Gammal", last_reviewed_at=self.today() - dt.timedelta(days=240)
        )
        found = self.assert_better("freshness", "Färsk", "Gammal")
        self.assertIn("Not reviewed for 8 months", self.doubts(found["Gammal"]))


class StageTests(FactorTestCase):
    def test_early_in_the_pathway_small_groups_come_first(self) -> None:
        make_offering(self.association, "Två och två", capacity=2)
        make_offering(self.association, "Liten grupp", capacity=6)
        make_offering(self.association, "Stor grupp")
        early = {"stage": Case.Stage.TALKS}
        self.assert_better("stage", "Två och två", "Liten grupp", **early)
        found = self.assert_better("stage", "Liten grupp", "Stor grupp", **early)
        self.assertIn("Small group: 6 places", self.texts(found["Liten grupp"]))
        self.assertIn("An open group", self.doubts(found["Stor grupp"]))

    def test_one_to_one_wanted_puts_small_settings_first_at_any_stage(self) -> None:
        make_offering(self.association, "Liten grupp", capacity=6)
        make_offering(self.association, "Stor grupp", capacity=30)
        self.assert_better(
            "stage",
            "Liten grupp",
            "Stor grupp",
            stage=Case.Stage.READY,
            group=Case.GroupPreference.ONE_TO_ONE,
        )

    def test_ready_for_a_group_and_wanting_one_puts_groups_first(self) -> None:
        make_offering(self.association, "Stor grupp")
        make_offering(self.association, "Två och två", capacity=2)
        self.assert_better(
            "stage",
            "Stor grupp",
            "Två och två",
            stage=Case.Stage.READY,
            group=Case.GroupPreference.GROUP,
        )


class CostTests(FactorTestCase):
    def test_free_ranks_higher_when_the_person_needs_it(self) -> None:
        make_offering(self.association, "Gratis", is_free=True)
        make_offering(self.association, "Kostar", is_free=False, fee="50 kr")
        found = self.assert_better("cost", "Gratis", "Kostar", needs_free=True)
        self.assertIn("Cost: 50 kr", self.doubts(found["Kostar"]))

    def test_cost_does_not_matter_otherwise(self) -> None:
        make_offering(self.association, "Gratis", is_free=True)
        make_offering(self.association, "Kostar", is_free=False, fee="50 kr")
        found = self.rank(needs_free=False)
        self.assertEqual(found["Gratis"].factors["cost"], found["Kostar"].factors["cost"])


class LanguageTests(FactorTestCase):
    def test_an_offering_in_the_persons_language_ranks_higher(self) -> None:
        arabic = make_offering(self.association, "På arabiska")
        arabic.languages.set(terms(Term.Vocabulary.LANGUAGE, "sv", "ar"))
        swedish = make_offering(self.association, "På svenska")
        swedish.languages.set(terms(Term.Vocabulary.LANGUAGE, "sv"))
        found = self.assert_better("language", "På arabiska", "På svenska", languages={"ar"})
        self.assertIn("In Arabic", self.texts(found["På arabiska"]))

    def test_a_listing_without_languages_speaks_its_own(self) -> None:
        make_offering(self.association, "Svensk text")
        make_offering(self.association, "Dansk tekst", text_language="da")
        self.assert_better("language", "Svensk text", "Dansk tekst", languages={"sv"})


class AudienceTests(FactorTestCase):
    def test_for_people_like_them_beats_for_everyone_beats_for_others(self) -> None:
        older = make_offering(self.association, "För äldre")
        older.audiences.set(terms(Term.Vocabulary.AUDIENCE, "older-people"))
        everyone = make_offering(self.association, "För alla")
        everyone.audiences.set(terms(Term.Vocabulary.AUDIENCE, "everyone"))
        young = make_offering(self.association, "För unga")
        young.audiences.set(terms(Term.Vocabulary.AUDIENCE, "young-adults"))
        self.assert_better("audience", "För äldre", "För alla", audiences={"older-people"})
        found = self.assert_better("audience", "För alla", "För unga", audiences={"older-people"})
        self.assertIn("Meant for: Young adults", self.doubts(found["För unga"]))


class DiversityTests(FactorTestCase):
    def test_no_more_than_two_offerings_of_one_organisation_in_the_top_ten(self) -> None:
        for n in range(5):
            make_offering(self.association, f"Bäst {n}", categories=("music-singing",))
        for n in range(10):
            make_offering(make_organization(f"Förening {n}"), f"Annan {n}", **north_of_home(3))
        found = ranking.rank(needs(interests={"music-singing"}), limit=15)
        top = [s.offering.organization_id for s in found[:10]]
        self.assertEqual(top.count(self.association.pk), 2)
        self.assertEqual([s.offering.name for s in found[:2]], ["Bäst 0", "Bäst 1"])
        # The others of the organisation follow the top ten, best first.
        self.assertEqual([s.offering.name for s in found[10:13]], ["Bäst 2", "Bäst 3", "Bäst 4"])

    def test_with_too_few_organisations_the_list_is_still_full(self) -> None:
        for n in range(5):
            make_offering(self.association, f"Aktivitet {n}")
        self.assertEqual(len(ranking.rank(needs())), 5)


class EmptyCaseTests(FactorTestCase):
    def test_an_empty_case_gets_the_nearest_open_offerings_with_room(self) -> None:
        make_offering(self.association, "Nära, plats", capacity=10, **north_of_home(1))
        make_offering(self.association, "Längre, plats", capacity=10, **north_of_home(4))
        make_offering(
            self.association,
            "Nära, fullt",
            capacity=10,
            places_taken=10,
            has_waitlist=False,
            **north_of_home(0.5),
        )
        make_offering(self.association, "Pausad", status=Offering.Status.PAUSED)
        wanted = needs()
        self.assertTrue(wanted.is_empty)
        names = [s.offering.name for s in ranking.rank(wanted)]
        self.assertEqual(names, ["Nära, plats", "Längre, plats", "Nära, fullt"])

    def test_a_case_with_words_or_interests_is_not_empty(self) -> None:
        self.assertFalse(needs(words="kör").is_empty)
        self.assertFalse(needs(interests={"creative"}).is_empty)
        self.assertTrue(needs(words="och i xy").is_empty)

    def test_nothing_eligible_gives_an_empty_list(self) -> None:
        make_offering(self.association, "Tisdagar", byday="TU")
        self.assertEqual(ranking.rank(needs(days={"SU"})), [])


class QueryTests(FactorTestCase):
    def test_ranking_takes_as_many_queries_for_many_offerings_as_for_few(self) -> None:
        wanted = needs(words="kör sång", interests={"music-singing"})
        for n in range(3):
            make_offering(self.association, f"Kör {n}", categories=("music-singing",))
        with self.assertNumQueries(8):
            self.assertEqual(len(ranking.rank(wanted)), 3)
        for n in range(3, 15):
            other = make_organization(f"Förening {n}")
            offering = make_offering(other, f"Kör {n}", categories=("music-singing",))
            offering.audiences.set(terms(Term.Vocabulary.AUDIENCE, "everyone"))
            offering.languages.set(terms(Term.Vocabulary.LANGUAGE, "sv"))
        with self.assertNumQueries(8):
            self.assertEqual(len(ranking.rank(wanted)), 10)
