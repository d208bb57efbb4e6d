"""What the ranking reads from a case: constraints, home, target groups, in a few queries."""

from __future__ import annotations

import datetime as dt

from lotsa.directory.models import Term
from lotsa.lib import distance
from lotsa.matching import ranking
from lotsa.people.models import Person
from lotsa.referrals.models import Case, Referral
from lotsa.test import BaseTestCase, make_case, make_offering, make_person, terms


class NeedsTestCase(BaseTestCase):
    def case(self, person: Person | None = None, **fields: object) -> Case:
        case = make_case(self.team_a, self.link_worker, self.gp, person=person or make_person())
        Case.objects.filter(pk=case.pk).update(**fields)
        return self.fetch(case)

    def fetch(self, case: Case) -> Case:
        # As `get_case_for_user` hands it out.
        return Case.objects.select_related("person", "team", "referral").get(pk=case.pk)


class NeedsOfTests(NeedsTestCase):
    def test_it_reads_the_cases_words_interests_and_constraints(self) -> None:
        case = self.case(
            what_matters="Sjunga i kör",
            available_days=["TU", "TH", "XX"],
            available_times=["morning", "night"],
            max_travel_km=5,
            group_preference=Case.GroupPreference.ONE_TO_ONE,
            needs_free=True,
            stage=Case.Stage.TALKS,
        )
        case.interests.set(terms(Term.Vocabulary.CATEGORY, "music-singing"))
        case.accessibility_needs.set(terms(Term.Vocabulary.ACCESSIBILITY, "step-free"))
        case.languages.set(terms(Term.Vocabulary.LANGUAGE, "sv", "ar"))
        needs = ranking.needs_of(case)
        self.assertEqual(needs.words, "Sjunga i kör")
        self.assertEqual(needs.interests, {"music-singing"})
        self.assertEqual(needs.days, {"TU", "TH"})  # unknown codes are dropped
        self.assertEqual(needs.times, {"morning"})
        self.assertEqual(needs.max_km, 5.0)
        self.assertEqual(needs.accessibility, {"step-free"})
        self.assertEqual(needs.languages, {"sv", "ar"})
        self.assertEqual(needs.group, Case.GroupPreference.ONE_TO_ONE)
        self.assertTrue(needs.needs_free)
        self.assertEqual(needs.stage, Case.Stage.TALKS)
        self.assertEqual(needs.team_id, self.team_a.pk)
        self.assertEqual(needs.municipality, "SE-2480")

    def test_it_takes_one_query_without_a_postcode(self) -> None:
        case = self.case(make_person(city="Umeå"))
        with self.assertNumQueries(1):
            ranking.needs_of(case)

    def test_without_languages_of_its_own_the_persons_language_counts(self) -> None:
        case = self.case(make_person(language="so"))
        self.assertEqual(ranking.needs_of(case).languages, {"so"})

    def test_target_groups_follow_from_age_sex_household_and_reasons(self) -> None:
        born = dt.date(self.today().year - 70, 1, 1)
        person = make_person(
            birth_date=born, sex=Person.Sex.FEMALE, household=Person.Household.CHILDREN
        )
        case = self.case(person)
        Referral.objects.filter(pk=case.referral_id).update(
            reasons=[Referral.Reason.CARER_STRAIN, Referral.Reason.LONELINESS]
        )
        needs = ranking.needs_of(self.fetch(case))
        self.assertEqual(needs.age, 70)
        self.assertEqual(needs.audiences, {"older-people", "women", "parents", "carers"})

    def test_a_young_man_on_sick_leave(self) -> None:
        born = dt.date(self.today().year - 24, 1, 1)
        case = self.case(make_person(birth_date=born, sex=Person.Sex.MALE))
        Referral.objects.filter(pk=case.referral_id).update(reasons=[Referral.Reason.SICK_LEAVE])
        needs = ranking.needs_of(self.fetch(case))
        self.assertEqual(needs.audiences, {"young-adults", "men", "sick-leave"})

    def test_without_a_municipality_of_their_own_the_teams_counts(self) -> None:
        case = self.case(make_person(municipality=""))
        self.assertEqual(ranking.needs_of(case).municipality, self.team_a.municipality)


class HomeTests(NeedsTestCase):
    def test_a_postcode_is_placed_where_our_places_with_it_are(self) -> None:
        make_offering(self.association, postcode="903 26", latitude=63.83, longitude=20.27)
        needs, origin = ranking.needs_and_origin(self.case(make_person(postcode="90326")))
        self.assertEqual(needs.origin, (63.83, 20.27))
        assert origin is not None
        self.assertEqual(origin.label, "903 26")

    def test_a_town_is_placed_by_name(self) -> None:
        needs, origin = ranking.needs_and_origin(self.case(make_person(city="Holmsund")))
        assert needs.origin is not None and origin is not None
        self.assertEqual(origin.label, "Holmsund")
        self.assertLess(distance.haversine_km(*needs.origin, 63.70, 20.35), 10)

    def test_only_a_municipality_places_the_person_at_its_centre(self) -> None:
        needs, origin = ranking.needs_and_origin(self.case(make_person()))
        assert needs.origin is not None and origin is not None
        self.assertTrue(origin.is_approximate)
        self.assertEqual(origin.label, "Umeå kommun")
        self.assertLess(distance.haversine_km(*needs.origin, 63.8258, 20.2630), 5)

    def test_a_postcode_placed_far_from_the_municipality_is_not_trusted(self) -> None:
        make_offering(self.association, postcode="903 26", latitude=59.33, longitude=18.07)
        _needs, origin = ranking.needs_and_origin(self.case(make_person(postcode="903 26")))
        assert origin is not None
        self.assertEqual(origin.label, "Umeå kommun")

    def test_nobody_knows_where_a_person_without_an_address_lives(self) -> None:
        needs, origin = ranking.needs_and_origin(self.case(make_person(municipality="")))
        self.assertIsNone(needs.origin)
        self.assertIsNone(origin)
