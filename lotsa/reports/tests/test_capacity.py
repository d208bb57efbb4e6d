"""Capacity pressure: full offerings and waiting lists, referrals per place, declines for no
place and days to a place — counted right, by category and area, in the planner's own
municipality, as CSV, in a number of queries that does not grow with the rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lotsa.accounts.models import Organization
from lotsa.directory.models import Offering
from lotsa.referrals import actions
from lotsa.referrals.actions import Answer
from lotsa.referrals.models import ActivityReferral, ActivityReferralEvent
from lotsa.reports import capacity
from lotsa.test import (
    BaseTestCase,
    Role,
    make_activity_referral,
    make_case,
    make_offering,
    make_organization,
    make_person,
    make_user,
)

from .helpers import AARHUS, en_url

Status = ActivityReferral.Status


class CapacityTestCase(BaseTestCase):
    """Three offerings in Umeå (one full with a waiting list), one ended, one in Aarhus."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.now = timezone.now()
        cls.grief = make_offering(
            cls.association, "Sorggruppen", categories=("grief-support",), capacity=2,
            city="Holmsund", latitude=63.706, longitude=20.364,
        )  # fmt: skip
        cls.choir = make_offering(
            cls.association, "Kören", categories=("music-singing", "meeting-place"), capacity=10
        )
        cls.walk = make_offering(cls.association, "Promenaden", categories=("walking-outdoor",))
        make_offering(
            cls.association, "Gamla sorggruppen", categories=("grief-support",), capacity=5,
            status=Offering.Status.ENDED,
        )  # fmt: skip
        aarhus = make_organization("Frivilligcenter Aarhus", country="DK", municipality=AARHUS)
        cls.aarhus_offering = make_offering(
            aarhus, "Sorgegruppe", categories=("grief-support",), capacity=3, city="Aarhus",
            municipality=AARHUS, postcode="8000", latitude=56.15, longitude=10.21,
        )  # fmt: skip
        aarhus_unit = make_organization(
            "Aarhus Kommune", Organization.Kind.MUNICIPALITY, country="DK", municipality=AARHUS
        )
        cls.dk_manager = make_user("manager@aarhus.example", aarhus_unit, Role.MANAGER)

        cls.accepted(cls.grief, days_ago=20, wait_days=2)
        cls.accepted(cls.grief, days_ago=10, wait_days=4)
        cls.answered(cls.grief, Answer.WAITLIST, to_waitlist=True)
        cls.answered(cls.grief, Answer.NO_PLACE, to_waitlist=True)
        cls.accepted(cls.choir, days_ago=30, wait_days=6)
        cls.referral(cls.choir)  # still awaiting an answer
        cls.accepted(cls.walk, days_ago=5, wait_days=1)
        # Outside the window, and in Aarhus: neither counts for Umeå's last 90 days.
        cls.accepted(cls.choir, days_ago=120, wait_days=3)
        cls.accepted(cls.aarhus_offering, days_ago=3, wait_days=1)

    @classmethod
    def referral(cls, offering: Offering, **extra: Any) -> ActivityReferral:
        case = make_case(cls.team_a, cls.link_worker, cls.gp, person=make_person())
        return make_activity_referral(case, offering, cls.link_worker, **extra)

    @classmethod
    def answered(cls, offering: Offering, answer: str, **extra: Any) -> ActivityReferral:
        referral = cls.referral(offering, **extra)
        actions.answer_activity_referral(referral, answer, acting_user=cls.provider)
        return referral

    @classmethod
    def accepted(cls, offering: Offering, *, days_ago: int, wait_days: int) -> ActivityReferral:
        referral = cls.answered(offering, Answer.ACCEPT)
        sent = cls.now - dt.timedelta(days=days_ago)
        ActivityReferral.objects.filter(pk=referral.pk).update(created_at=sent)
        events = ActivityReferralEvent.objects.filter(activity_referral=referral)
        events.filter(status=Status.REQUESTED).update(at=sent)
        events.filter(status=Status.ACCEPTED).update(at=sent + dt.timedelta(days=wait_days))
        return referral

    def window(self, *municipalities: str, days: int = 90) -> capacity.Window:
        return capacity.Window(municipalities or ("SE-2480",), days=days, now=self.now)


class CapacityCountsTests(CapacityTestCase):
    def test_it_counts_the_pressure_in_all(self) -> None:
        total = capacity.total(self.window())
        self.assertEqual(
            (total.offerings, total.places, total.places_taken, total.waitlist, total.full),
            (3, 12, 4, 1, 1),
        )
        self.assertEqual((total.referrals, total.referrals_to_limited), (7, 6))
        self.assertAlmostEqual(total.referrals_per_place or 0, 0.5)
        self.assertEqual((total.declined_no_place, total.waitlisted, total.placed), (1, 1, 4))
        self.assertAlmostEqual(total.average_days or 0, 3.25, places=3)

    def test_it_counts_by_category_with_an_offering_in_each_of_its_categories(self) -> None:
        rows = {row.key: row for row in capacity.by_category(self.window())}
        self.assertEqual(
            set(rows), {"grief-support", "music-singing", "meeting-place", "walking-outdoor"}
        )
        grief = rows["grief-support"]
        self.assertEqual(
            (grief.offerings, grief.places, grief.places_taken, grief.waitlist, grief.full),
            (1, 2, 2, 1, 1),
        )
        self.assertEqual((grief.referrals, grief.declined_no_place, grief.waitlisted), (4, 1, 1))
        self.assertAlmostEqual(grief.referrals_per_place or 0, 2.0)
        self.assertEqual(grief.placed, 2)
        self.assertAlmostEqual(grief.average_days or 0, 3.0, places=3)
        for code in ("music-singing", "meeting-place"):
            choir = rows[code]
            self.assertEqual((choir.places, choir.referrals, choir.placed), (10, 2, 1))
            self.assertAlmostEqual(choir.average_days or 0, 6.0, places=3)
        walk = rows["walking-outdoor"]
        self.assertIsNone(walk.referrals_per_place)
        # No limit: the place it took is not among the places.
        self.assertEqual((walk.places, walk.places_taken, walk.referrals), (0, 0, 1))
        # The fullest first.
        self.assertEqual(capacity.by_category(self.window())[0].key, "grief-support")

    def test_it_counts_by_the_town_of_the_first_place(self) -> None:
        rows = {row.key: row for row in capacity.by_area(self.window())}
        self.assertEqual(set(rows), {"SE-2480/Holmsund", "SE-2480/Umeå"})
        umea = rows["SE-2480/Umeå"]
        self.assertEqual((umea.offerings, umea.places, umea.referrals, umea.placed), (2, 10, 3, 2))
        self.assertAlmostEqual(umea.average_days or 0, 3.5, places=3)
        self.assertEqual(rows["SE-2480/Holmsund"].waitlist, 1)

    def test_it_lists_the_full_offerings_and_their_waiting_lists(self) -> None:
        listed, count = capacity.waitlisted(self.window())
        self.assertEqual(count, 1)
        (grief,) = listed
        self.assertEqual((grief.name, grief.capacity, grief.places_taken), ("Sorggruppen", 2, 2))
        self.assertEqual((grief.waitlist, grief.referrals, grief.area), (1, 4, "Holmsund"))
        self.assertEqual(grief.categories, ["Sorg- och stödgrupp"])

    def test_a_longer_window_takes_in_older_referrals(self) -> None:
        self.assertEqual(capacity.total(self.window(days=365)).referrals, 8)
        self.assertEqual(capacity.total(self.window(days=7)).referrals, 4)

    def test_aarhus_counts_only_its_own(self) -> None:
        total = capacity.total(self.window(AARHUS))
        self.assertEqual((total.offerings, total.places, total.referrals), (1, 3, 1))


class CapacityPageTests(CapacityTestCase):
    def test_a_planner_sees_the_tables(self) -> None:
        for user in (self.coordinator, self.manager):
            self.login(user)
            response = self.client.get(en_url("reports:capacity"))
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, 'id="by-category"')
            self.assertContains(response, 'id="by-area"')
            self.assertContains(response, "Sorggruppen")
            self.assertNotContains(response, "Sorgegruppe")
            self.assertEqual(response.context["window"].days, 90)

    def test_a_planner_of_aarhus_does_not_see_umea(self) -> None:
        self.login(self.dk_manager)
        response = self.client.get(en_url("reports:capacity"))
        self.assertEqual(response.context["pressure"].total.offerings, 1)
        self.assertNotContains(response, "Sorggruppen")
        self.assertNotContains(response, "Holmsund")

    def test_a_bad_window_gets_a_field_error_and_the_default(self) -> None:
        self.login(self.coordinator)
        for days in ("7", "-1", "a lot", "90.5", "99999999999999999999"):
            with self.subTest(days=days):
                response = self.client.get(en_url("reports:capacity", days=days))
                self.assertEqual(response.status_code, 200)
                self.assertIn("days", response.context["form"].errors)
                self.assertEqual(response.context["window"].days, 90)
        response = self.client.get(en_url("reports:capacity-csv", days="7"))
        self.assertEqual(response.status_code, 400)

    def test_its_number_of_queries_does_not_grow_with_the_rows(self) -> None:
        self.login(self.coordinator)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(en_url("reports:capacity")).status_code, 200)
            return len(captured)

        few = queries()
        for number, (category, city) in enumerate(
            [("games", "Sävar"), ("animals", "Obbola"), ("creative", "Hörnefors")] * 2
        ):
            offering = make_offering(
                self.association, f"Ny grupp {number}", categories=(category,), capacity=1,
                city=city, waitlist_length=number, places_taken=1,
            )  # fmt: skip
            self.referral(offering, to_waitlist=True)
        self.assertEqual(queries(), few)


class CapacityCsvTests(CapacityTestCase):
    def test_the_csv_parses_and_holds_the_numbers_of_the_tables(self) -> None:
        self.login(self.coordinator)
        page = self.client.get(en_url("reports:capacity"))
        response = self.client.get(en_url("reports:capacity-csv", days="90"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertTrue(response.content.startswith("\ufeff".encode()))
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0]["table"], "total")
        self.assertEqual(list(rows[0])[:3], ["table", "key", "label"])
        pressure = page.context["pressure"]
        for table, shown in (("category", pressure.by_category), ("area", pressure.by_area)):
            in_csv = {
                row["key"]: (
                    int(row["referrals"]),
                    int(row["waitlist"]),
                    row["referrals_per_place"],
                )
                for row in rows
                if row["table"] == table
            }
            on_page = {
                row.key: (
                    row.referrals,
                    row.waitlist,
                    "" if row.referrals_per_place is None else f"{row.referrals_per_place:.2f}",
                )
                for row in shown
            }
            self.assertEqual(in_csv, on_page, table)
        (offering,) = [row for row in rows if row["table"] == "offering"]
        self.assertEqual((offering["label"], offering["waitlist"]), ("Sorggruppen", "1"))
        self.assertEqual(rows[0]["average_days_to_place"], "3.2")
