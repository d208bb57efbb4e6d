"""Hard rules: an offering that breaks one never appears, and `violations()` names the rule."""

from __future__ import annotations

import datetime as dt
import random

from lotsa.directory.models import Offering, Place, Schedule, Term
from lotsa.matching import ranking
from lotsa.test import BaseTestCase, make_offering, make_organization, terms

from .world import HOME, needs, north_of_home


class HardRuleTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.fits = make_offering(self.association, "Passar")

    def names(self, found: list[ranking.Suggestion]) -> set[str]:
        return {s.offering.name for s in found}

    def assert_left_out(self, offering: Offering, rule: str, **overrides: object) -> None:
        """`offering` is not suggested for these needs, `fits` is, and `violations` agrees."""
        wanted = needs(**overrides)
        found = ranking.rank(wanted, limit=50)
        self.assertIn(self.fits.name, self.names(found))
        self.assertNotIn(offering.name, self.names(found))
        self.assertIn(rule, ranking.violations(wanted, offering, self.today()))
        self.assertEqual(ranking.violations(wanted, self.fits, self.today()), [])


class StatusTests(HardRuleTestCase):
    def test_it_never_suggests_a_paused_offering(self) -> None:
        paused = make_offering(self.association, "Pausad", status=Offering.Status.PAUSED)
        self.assert_left_out(paused, ranking.RULE_STATUS)

    def test_it_never_suggests_an_ended_offering_even_from_a_wider_queryset(self) -> None:
        ended = make_offering(self.association, "Avslutad", status=Offering.Status.ENDED)
        found = ranking.rank(needs(), limit=50, offerings=Offering.objects.all())
        self.assertEqual(self.names(found), {"Passar"})
        self.assertEqual(ranking.violations(needs(), ended, self.today()), ["status"])

    def test_it_never_suggests_an_unpublished_offering_by_default(self) -> None:
        make_offering(self.association, "Utkast", is_published=False)
        self.assertEqual(self.names(ranking.rank(needs())), {"Passar"})


class AgeTests(HardRuleTestCase):
    def test_it_never_suggests_an_offering_for_older_people(self) -> None:
        older = make_offering(self.association, "För 65+", min_age=65)
        self.assert_left_out(older, ranking.RULE_AGE, age=40)

    def test_it_never_suggests_an_offering_for_younger_people(self) -> None:
        young = make_offering(self.association, "Unga vuxna", min_age=18, max_age=29)
        self.assert_left_out(young, ranking.RULE_AGE, age=30)

    def test_an_unknown_age_breaks_no_age_rule(self) -> None:
        make_offering(self.association, "Unga vuxna", min_age=18, max_age=29)
        self.assertIn("Unga vuxna", self.names(ranking.rank(needs(age=None))))


class DistanceTests(HardRuleTestCase):
    def test_it_never_suggests_an_offering_beyond_the_travel_limit(self) -> None:
        far = make_offering(self.association, "Långt bort", **north_of_home(5.5))
        self.assert_left_out(far, ranking.RULE_DISTANCE, max_km=5)

    def test_an_offering_just_within_the_limit_is_suggested(self) -> None:
        make_offering(self.association, "Precis innanför", **north_of_home(4.95))
        found = ranking.rank(needs(max_km=5))
        self.assertIn("Precis innanför", self.names(found))
        inside = next(s for s in found if s.offering.name == "Precis innanför")
        self.assertAlmostEqual(inside.distance_km or 0, 4.95, places=2)

    def test_the_nearest_place_of_an_offering_counts(self) -> None:
        two = make_offering(self.association, "Två platser", **north_of_home(30))
        Place.objects.create(
            offering=two,
            address="Nära 1",
            postcode="903 26",
            city="Umeå",
            municipality="SE-2480",
            **north_of_home(2),
        )
        self.assertIn("Två platser", self.names(ranking.rank(needs(max_km=5))))

    def test_online_offerings_pass_the_distance_rule(self) -> None:
        make_offering(self.association, "På nätet", is_online=True)
        found = ranking.rank(needs(max_km=1))
        self.assertIn("På nätet", self.names(found))

    def test_without_a_limit_it_looks_within_the_matching_radius(self) -> None:
        make_offering(self.association, "I Stockholm", latitude=59.33, longitude=18.07)
        with self.settings(LOTSA_MATCHING_RADIUS_KM=25):
            self.assertEqual(self.names(ranking.rank(needs(max_km=None))), {"Passar"})

    def test_without_a_home_it_looks_in_the_municipality_and_online(self) -> None:
        make_offering(
            self.association, "I Stockholm", municipality="SE-0180", latitude=59.33, longitude=18.07
        )
        make_offering(self.association, "På nätet", is_online=True)
        found = ranking.rank(needs(origin=None, max_km=5))
        self.assertEqual(self.names(found), {"Passar", "På nätet"})


class ScheduleTests(HardRuleTestCase):
    def test_it_never_suggests_an_offering_on_other_days(self) -> None:
        # `fits` meets on Tuesdays at 14.
        wednesday = make_offering(self.association, "Onsdagar", byday="WE")
        self.assert_left_out(wednesday, ranking.RULE_SCHEDULE, days={"TU"})

    def test_it_never_suggests_an_offering_at_other_times(self) -> None:
        evening = make_offering(
            self.association, "Kvällar", opens_at=dt.time(18), closes_at=dt.time(20)
        )
        self.assert_left_out(evening, ranking.RULE_SCHEDULE, times={"afternoon"})

    def test_a_day_and_a_time_must_meet_in_the_same_session(self) -> None:
        mixed = make_offering(
            self.association, "Blandat", byday="WE", opens_at=dt.time(18), closes_at=dt.time(20)
        )
        Schedule.objects.create(
            offering=mixed, byday="TU", opens_at=dt.time(9), closes_at=dt.time(11)
        )
        self.assert_left_out(
            mixed, ranking.RULE_SCHEDULE, days={"TU", "TH"}, times={"afternoon", "evening"}
        )

    def test_it_never_suggests_an_offering_whose_sessions_are_over(self) -> None:
        yesterday = self.today() - dt.timedelta(days=1)
        over = make_offering(self.association, "Slut", byday="")
        Schedule.objects.create(
            offering=over, single_date=yesterday, opens_at=dt.time(14), closes_at=dt.time(16)
        )
        ended = make_offering(self.association, "Terminen slut")
        ended.schedules.update(valid_to=yesterday)
        self.assert_left_out(over, ranking.RULE_SCHEDULE)
        self.assert_left_out(ended, ranking.RULE_SCHEDULE)

    def test_a_coming_single_date_on_an_available_day_fits(self) -> None:
        day = self.today() + dt.timedelta(days=10)
        event = make_offering(self.association, "Prova på", byday="")
        Schedule.objects.create(
            offering=event, single_date=day, opens_at=dt.time(10), closes_at=dt.time(12)
        )
        code = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]
        found = ranking.rank(needs(days={code}, times={"morning"}))
        self.assertIn("Prova på", self.names(found))

    def test_an_offering_without_any_schedule_is_suggested_as_uncertain(self) -> None:
        make_offering(self.association, "Enligt överenskommelse", byday="")
        found = ranking.rank(needs(days={"MO"}))
        suggestion = next(s for s in found if s.offering.name == "Enligt överenskommelse")
        self.assertIn("schedule", [r.factor for r in suggestion.uncertain])


class AccessibilityTests(HardRuleTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.fits.accessibility.set(terms(Term.Vocabulary.ACCESSIBILITY, "wheelchair"))

    def test_it_never_suggests_a_place_without_the_access_the_person_needs(self) -> None:
        stairs = make_offering(self.association, "Trappor")
        self.assert_left_out(stairs, ranking.RULE_ACCESSIBILITY, accessibility={"wheelchair"})

    def test_every_need_must_be_met(self) -> None:
        half = make_offering(self.association, "Halvvägs")
        half.accessibility.set(terms(Term.Vocabulary.ACCESSIBILITY, "wheelchair"))
        self.fits.accessibility.add(*terms(Term.Vocabulary.ACCESSIBILITY, "hearing-loop"))
        self.assert_left_out(
            half, ranking.RULE_ACCESSIBILITY, accessibility={"wheelchair", "hearing-loop"}
        )

    def test_online_offerings_meet_the_needs_of_a_place_but_not_the_others(self) -> None:
        online = make_offering(self.association, "På nätet", is_online=True)
        self.assertIn("På nätet", self.names(ranking.rank(needs(accessibility={"wheelchair"}))))
        self.assertEqual(
            ranking.violations(needs(accessibility={"easy-read"}), online, self.today()),
            ["accessibility"],
        )


class ReferralOnlyTests(HardRuleTestCase):
    def test_it_never_suggests_a_referral_only_offering_of_other_teams(self) -> None:
        theirs = make_offering(
            self.association, "Bara team B", how_to_join=Offering.HowToJoin.REFERRAL_ONLY
        )
        theirs.referral_teams.set([self.team_b])
        self.assert_left_out(theirs, ranking.RULE_REFERRAL, team_id=self.team_a.pk)

    def test_the_teams_it_names_may_refer(self) -> None:
        ours = make_offering(
            self.association, "Team A och B", how_to_join=Offering.HowToJoin.REFERRAL_ONLY
        )
        ours.referral_teams.set([self.team_a, self.team_b])
        self.assertIn("Team A och B", self.names(ranking.rank(needs(team_id=self.team_a.pk))))

    def test_a_referral_only_offering_without_teams_takes_any_team(self) -> None:
        make_offering(self.association, "Alla team", how_to_join=Offering.HowToJoin.REFERRAL_ONLY)
        self.assertIn("Alla team", self.names(ranking.rank(needs(team_id=self.team_a.pk))))

    def test_teams_do_not_matter_for_offerings_open_to_all(self) -> None:
        open_ = make_offering(self.association, "Öppen", how_to_join=Offering.HowToJoin.DROP_IN)
        open_.referral_teams.set([self.team_b])
        self.assertIn("Öppen", self.names(ranking.rank(needs(team_id=self.team_a.pk))))


class NoViolationEverTests(BaseTestCase):
    """The database's rules and `violations()` agree: across a mixed directory and many
    needs, no suggestion breaks a rule, and everything left out that breaks none is only
    outside the matching radius or past the candidate limit (neither happens here)."""

    def test_no_suggestion_breaks_a_hard_rule(self) -> None:
        rng = random.Random(5)
        other = make_organization("Föreningen Annat")
        access = [t.code for t in Term.objects.filter(vocabulary=Term.Vocabulary.ACCESSIBILITY)]
        offerings = []
        for n in range(40):
            low = rng.choice((None, None, 18, 30, 65))
            starts = rng.choice((9, 13, 18))
            offering = make_offering(
                rng.choice((self.association, other)),
                f"Aktivitet {n}",
                byday=rng.choice(("MO", "TU,TH", "WE", "FR,SA", "")),
                opens_at=dt.time(starts),
                closes_at=dt.time(starts + 2),
                is_online=rng.random() < 0.15,
                min_age=low,
                max_age=None if low is None else low + rng.choice((10, 40)),
                status=rng.choice(("active",) * 5 + ("paused",)),
                how_to_join=rng.choice(list(Offering.HowToJoin.values)),
                **north_of_home(rng.uniform(0, 12)),
            )
            offering.accessibility.set(
                Term.objects.filter(code__in=rng.sample(access, rng.randint(0, 4)))
            )
            if rng.random() < 0.3:
                offering.referral_teams.set([rng.choice((self.team_a, self.team_b))])
            offerings.append(offering)
        today = self.today()
        everyone = Offering.objects.prefetch_related(
            "places", "schedules", "accessibility", "referral_teams"
        )
        for _round in range(25):
            wanted = needs(
                days=rng.sample(("MO", "TU", "WE", "TH", "FR", "SA", "SU"), rng.randint(0, 3)),
                times=rng.sample(("morning", "afternoon", "evening"), rng.randint(0, 2)),
                max_km=rng.choice((None, 3, 8)),
                origin=rng.choice((HOME, HOME, None)),
                accessibility=rng.sample(access, rng.randint(0, 2)),
                age=rng.choice((None, 25, 50, 80)),
                team_id=rng.choice((self.team_a.pk, self.team_b.pk, None)),
            )
            found = {s.offering.pk for s in ranking.rank(wanted, limit=100, today=today)}
            for offering in everyone:
                broken = ranking.violations(wanted, offering, today)
                if offering.pk in found:
                    self.assertEqual(broken, [], f"{offering.name} for {wanted}")
                elif wanted.origin is not None and offering.is_published:
                    self.assertNotEqual(broken, [], f"{offering.name} left out for {wanted}")
