"""The Gaps view: unmet needs counted right, for the planner's own municipality only, with
examples only for groups large enough, as CSV, with bad filters answered by field errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from lotsa.accounts.models import Organization
from lotsa.reports import gaps
from lotsa.test import (
    BaseTestCase,
    Role,
    canary_person,
    make_case,
    make_organization,
    make_team,
    make_user,
)

from .helpers import AARHUS, at, en_url, record_need

PERIOD = {"since": "2025-01-01", "until": "2025-06-30"}


def counts(rows: list[Any]) -> dict[str, int]:
    return {row.key: row.count for row in rows}


# The crafted data holds groups of three: the tests set the threshold (default 5) to match.
@override_settings(LOTSA_REPORT_MIN_GROUP=3)
class GapsTestCase(BaseTestCase):
    """Six unmet needs in Umeå in the first half of 2025, one just before, one in Aarhus."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a, lw = cls.team_a, cls.link_worker
        record_need(
            a,
            lw,
            at(2025, 1, 15),
            area="Holmsund",
            audience="older-people",
            age_band="65-79",
            reasons=("full", "too_far"),
            text="Sorggrupp Kanarie1",
        )
        record_need(
            a,
            lw,
            at(2025, 1, 20),
            area="Holmsund",
            audience="young-adults",
            age_band="18-29",
            text="Sorggrupp Kanarie2",
        )
        record_need(
            a,
            lw,
            at(2025, 2, 3),
            area="Umeå centrum",
            audience="young-adults",
            age_band="18-29",
            reasons=("none_exists", "wrong_time"),
        )
        record_need(
            a,
            lw,
            at(2025, 2, 10),
            "work-studies",
            area="Ersboda",
            audience="young-adults",
            age_band="18-29",
            text="Studiecirkel Kanarie4",
        )
        record_need(a, lw, at(2025, 3, 1), None, text="Schack för seniorer", reasons=("cost",))
        record_need(
            a,
            lw,
            at(2025, 3, 5),
            "exercise",
            area=" Holmsund ",
            age_band="50-64",
            reasons=("accessibility",),
        )
        # Before the period (in Stockholm's time zone), and in another municipality.
        record_need(a, lw, at(2024, 12, 31, 23, 30), area="Holmsund", text="Före perioden")
        aarhus = make_organization(
            "Sundhedshus Aarhus", Organization.Kind.HEALTH_CENTRE, country="DK",
            municipality=AARHUS,
        )  # fmt: skip
        cls.dk_link_worker = make_user("lw@aarhus.example", aarhus, Role.LINK_WORKER)
        cls.team_dk = make_team("Brobyggerne Aarhus", aarhus, cls.dk_link_worker)
        record_need(
            cls.team_dk,
            cls.dk_link_worker,
            at(2025, 2, 1),
            area="Viby J",
            municipality=AARHUS,
            text="Sorggruppe for mænd",
        )
        aarhus_unit = make_organization(
            "Aarhus Kommune", Organization.Kind.MUNICIPALITY, country="DK", municipality=AARHUS
        )
        cls.dk_coordinator = make_user("coord@aarhus.example", aarhus_unit, Role.COORDINATOR)

    def report(self, **extra: str) -> gaps.Gaps:
        form_filters = gaps.Filters(
            municipalities=("SE-2480",),
            since=dt.date(2025, 1, 1),
            until=dt.date(2025, 6, 30),
            **extra,
        )
        return gaps.gaps(form_filters)


class GapCountsTests(GapsTestCase):
    def test_it_counts_the_unmet_needs_of_the_period_by_each_dimension(self) -> None:
        report = self.report()
        self.assertEqual(report.total, 6)
        self.assertEqual(
            counts(report.by_need),
            {"grief-support": 3, "work-studies": 1, "exercise": 1, gaps.NONE: 1},
        )
        self.assertEqual(
            counts(report.by_area),
            {"SE-2480/Holmsund": 3, "SE-2480/Umeå centrum": 1, "SE-2480/Ersboda": 1,
             "SE-2480/": 1},
        )  # fmt: skip
        self.assertEqual(
            counts(report.by_audience),
            {"young-adults": 3, "older-people": 1, gaps.NONE: 2},
        )
        self.assertEqual(
            counts(report.by_reason),
            {"none_exists": 3, "full": 1, "too_far": 1, "wrong_time": 1, "cost": 1,
             "accessibility": 1, "language": 0},
        )  # fmt: skip
        self.assertEqual(
            counts(report.by_age_band),
            {"0-17": 0, "18-29": 3, "30-49": 0, "50-64": 1, "65-79": 1, "80+": 0, gaps.NONE: 1},
        )
        self.assertEqual(
            counts(report.by_month),
            {"2025-01": 2, "2025-02": 2, "2025-03": 2, "2025-04": 0, "2025-05": 0, "2025-06": 0},
        )
        self.assertEqual(report.by_need_and_area[0].key, "grief-support|SE-2480/Holmsund")
        self.assertEqual(report.by_need_and_area[0].count, 2)

    def test_the_largest_group_comes_first(self) -> None:
        report = self.report()
        self.assertEqual(report.by_need[0].key, "grief-support")
        self.assertEqual(report.by_area[0].key, "SE-2480/Holmsund")

    def test_it_filters_by_need_and_by_area(self) -> None:
        self.assertEqual(self.report(need="grief-support").total, 3)
        self.assertEqual(self.report(need=gaps.NONE).total, 1)
        self.assertEqual(self.report(area="SE-2480/Holmsund").total, 3)
        self.assertEqual(self.report(need="grief-support", area="SE-2480/Holmsund").total, 2)
        self.assertEqual(self.report(area="SE-2480/").total, 1)
        self.assertEqual(self.report(area="nonsense").total, 0)

    def test_the_areas_it_knows_are_on_the_map_and_the_others_at_the_municipalitys_centre(
        self,
    ) -> None:
        report = self.report()
        areas = {row.key: row for row in report.by_area}
        holmsund, ersboda = areas["SE-2480/Holmsund"], areas["SE-2480/Ersboda"]
        self.assertFalse(holmsund.is_approximate)
        self.assertAlmostEqual(holmsund.lat or 0, 63.706, places=2)
        self.assertTrue(ersboda.is_approximate)
        points = gaps.map_points(report.by_area)
        self.assertEqual(sum(point.count for point in points), 6)
        # Umeå centrum, Ersboda and the unnamed area share the municipality's centre.
        self.assertEqual(len(points), 2)


class GapsPageTests(GapsTestCase):
    def get(self, user: Any = None, **query: str) -> Any:
        self.login(user or self.coordinator)
        return self.client.get(en_url("reports:gaps", **query))

    def test_a_coordinator_and_a_manager_see_the_gaps_of_their_municipality(self) -> None:
        for user in (self.coordinator, self.manager):
            response = self.get(user, **PERIOD)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.context["report"].total, 6)
            self.assertContains(response, "Holmsund")
            self.assertNotContains(response, "Viby")

    def test_a_planner_of_umea_does_not_see_aarhus_and_the_other_way_round(self) -> None:
        response = self.get(self.coordinator, **PERIOD, area="DK-751/Viby J")
        self.assertContains(response, "Select a valid choice")
        self.assertEqual(response.context["report"].total, 6)
        response = self.get(self.dk_coordinator, **PERIOD)
        self.assertEqual(response.context["report"].total, 1)
        self.assertContains(response, "Viby J")
        self.assertNotContains(response, "Holmsund")

    def test_it_shows_the_map_data_and_the_same_numbers_in_the_table(self) -> None:
        response = self.get(**PERIOD)
        self.assertContains(response, 'id="gap-points"')
        self.assertContains(response, "data-gap-map")
        points = response.context["map_points"]
        self.assertEqual(sum(point["count"] for point in points), 6)
        self.assertContains(response, '<table id="by-area">')

    def test_it_links_only_groups_large_enough_to_their_examples(self) -> None:
        response = self.get(**PERIOD)
        by_need = {item["row"].key: item["url"] for item in response.context["by_need"]}
        self.assertIn("need=grief-support", by_need["grief-support"])
        self.assertEqual(by_need["work-studies"], "")
        self.assertContains(response, "Too few to show")

    def test_the_default_period_is_the_last_twelve_months(self) -> None:
        response = self.get()
        filters = response.context["filters"]
        self.assertEqual(filters.until, self.today())
        self.assertEqual(filters.since.day, 1)
        self.assertEqual(len(response.context["by_month"]), 12)

    def test_bad_filters_get_field_errors_and_the_page_still_answers(self) -> None:
        bad = [
            {"since": "yesterday", "until": "2025-13-45"},
            {"since": "2025-06-01", "until": "2025-01-01"},
            {"since": "1066-10-14"},
            {"since": "2001-01-01", "until": "2025-01-01"},
            {"need": "no-such-need", "area": "../../etc"},
            {"since": "\x00", "need": ["a", "b"]},
        ]
        for query in bad:
            with self.subTest(query=query):
                response = self.get(**query)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors)
                self.assertContains(response, 'class="errorlist"')

    def test_a_too_long_period_is_refused(self) -> None:
        response = self.get(since="2001-01-01", until="2025-01-01")
        self.assertIn("until", response.context["form"].errors)
        self.assertLessEqual(len(response.context["by_month"]), 60)

    def test_its_number_of_queries_does_not_grow_with_the_rows(self) -> None:
        self.login(self.coordinator)
        url = en_url("reports:gaps", **PERIOD)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(captured)

        few = queries()
        for number, (need, audience) in enumerate(
            [("music-singing", "men"), ("games", "women"), ("animals", "carers")] * 4
        ):
            record_need(self.team_a, self.link_worker, at(2025, 4, 1 + number), need,
                        area=f"Område {number}", audience=audience, age_band="30-49",
                        reasons=("language", "cost"))  # fmt: skip
        self.assertEqual(queries(), few)


class GapExamplesTests(GapsTestCase):
    def get(self, user: Any = None, **query: Any) -> Any:
        self.login(user or self.coordinator)
        return self.client.get(en_url("reports:gap-examples", **{**PERIOD, **query}))

    def test_a_group_of_at_least_three_shows_its_anonymised_examples(self) -> None:
        response = self.get(need="grief-support")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["count"], 3)
        self.assertEqual(len(response.context["examples"]), 3)
        self.assertContains(response, "Sorggrupp Kanarie1")
        self.assertContains(response, "Holmsund")
        self.assertContains(response, "Too far away")
        self.assertNotContains(response, "Före perioden")

    def test_a_smaller_group_hides_its_examples(self) -> None:
        small = (
            {"need": "work-studies"},
            {"area": "SE-2480/Ersboda"},
            {"by": "reason", "key": "full"},
            {"by": "month", "key": "2025-03"},
        )
        for query in small:
            with self.subTest(query=query):
                response = self.get(**query)
                self.assertIsNone(response.context["examples"])
                self.assertContains(response, 'id="too-few"')
                self.assertNotContains(response, "Kanarie")
                self.assertNotContains(response, "Schack")

    @override_settings(LOTSA_REPORT_MIN_GROUP=1)
    def test_the_minimum_is_a_setting(self) -> None:
        response = self.get(need="work-studies")
        self.assertContains(response, "Studiecirkel Kanarie4")

    def test_each_table_group_leads_to_its_own_examples(self) -> None:
        cases = [
            ({"by": "audience", "key": "young-adults"}, 3),
            ({"by": "reason", "key": "none_exists"}, 3),
            ({"by": "age_band", "key": "18-29"}, 3),
            ({"by": "age_band", "key": "-"}, 1),
            ({"by": "month", "key": "2025-02"}, 2),
            ({"need": "grief-support", "area": "SE-2480/Holmsund"}, 2),
        ]
        for query, expected in cases:
            with self.subTest(query=query):
                self.assertEqual(self.get(**query).context["count"], expected)

    def test_the_examples_name_no_person_and_no_link_worker(self) -> None:
        person = canary_person("Gap", dt.date(1990, 5, 17))
        case = make_case(self.team_a, self.link_worker, self.gp, person=person)
        from lotsa.referrals import actions

        for _ in range(3):
            actions.record_unmet_need(
                team=case.team, municipality="SE-2480", reasons=["language"],
                acting_user=self.link_worker, need_text="Samtalsgrupp på somaliska",
            )  # fmt: skip
        self.link_worker.first_name, self.link_worker.last_name = "Lotta", "Lotsberg"
        self.link_worker.save()
        today = self.today()
        since = today - dt.timedelta(days=30)
        response = self.get(since=str(since), until=str(today), by="reason", key="language")
        self.assertContains(response, "Samtalsgrupp på somaliska")
        for text in ("Kanarie", "Fornamn", person.identity_number, "Lotsberg", "lw@example"):
            self.assertNotContains(response, text)

    def test_a_planner_of_aarhus_sees_no_example_from_umea(self) -> None:
        response = self.get(self.dk_coordinator, by="reason", key="none_exists")
        self.assertEqual(response.context["count"], 1)
        self.assertIsNone(response.context["examples"])

    def test_bad_groups_get_field_errors_never_a_server_error(self) -> None:
        for query in ({"by": "person", "key": "x"}, {"by": "month", "key": "2025-13"},
                      {"by": "reason", "key": "bored"}, {"by": "age_band", "key": "200"},
                      {"by": "month"}, {"key": "x" * 500}):  # fmt: skip
            with self.subTest(query=query):
                response = self.get(**query)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors)


class GapsCsvTests(GapsTestCase):
    def test_the_csv_parses_and_holds_the_numbers_of_the_tables(self) -> None:
        self.login(self.coordinator)
        page = self.client.get(en_url("reports:gaps", **PERIOD))
        response = self.client.get(en_url("reports:gaps-csv", **PERIOD))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertIn("lotsa-gaps-2025-01-01-2025-06-30.csv", response["Content-Disposition"])
        self.assertTrue(response.content.startswith("\ufeff".encode()))
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(list(rows[0]), ["table", "key", "label", "count", "latitude", "longitude"])
        tables: dict[str, dict[str, int]] = {}
        for row in rows:
            tables.setdefault(row["table"], {})[row["key"]] = int(row["count"])
        self.assertEqual(tables["total"], {"total": 6})
        report = page.context["report"]
        for table, shown in (
            ("need", report.by_need),
            ("area", report.by_area),
            ("audience", report.by_audience),
            ("reason", report.by_reason),
            ("age_band", report.by_age_band),
            ("month", report.by_month),
            ("need_area", report.by_need_and_area),
        ):
            self.assertEqual(tables[table], counts(shown), table)
        holmsund = next(row for row in rows if row["key"] == "SE-2480/Holmsund")
        self.assertTrue(holmsund["latitude"].startswith("63.7"))

    def test_the_csv_keeps_to_the_planners_municipality(self) -> None:
        self.login(self.dk_coordinator)
        response = self.client.get(en_url("reports:gaps-csv", **PERIOD))
        text = response.content.decode("utf-8-sig")
        self.assertIn("Viby J", text)
        self.assertNotIn("Holmsund", text)

    def test_bad_filters_get_a_400_with_the_errors(self) -> None:
        self.login(self.coordinator)
        response = self.client.get(en_url("reports:gaps-csv", since="soon"))
        self.assertEqual(response.status_code, 400)
        self.assertIn(b"since", response.content)
