"""The outcome report: per scale the change from baseline to a follow-up, checked against
scipy on the people the manager may count; duplicates, unscheduled answers and other
municipalities left out; over time; by subgroup; the ONS loneliness answers; every group
under five suppressed on the page and in the files; bad filters; a number of queries that
does not grow with the cases."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from scipy import stats

from lotsa.accounts.models import Organization
from lotsa.outcomes.models import Assessment
from lotsa.people.models import Person
from lotsa.referrals.models import Referral
from lotsa.reports.outcome_report import OutcomeReport
from lotsa.test import BaseTestCase, Role, make_offering, make_organization, make_team, make_user

from .cohorts import (
    make_cohort_case,
    read_xlsx,
    record,
    record_who5,
    start_activity,
    ucla3_answers,
    who5_answers,
)
from .helpers import AARHUS, en_url

# WHO-5 percentages of twelve people at baseline and at three months.
BEFORE = [32, 40, 28, 44, 36, 52, 24, 48, 40, 36, 20, 56]
AFTER = [44, 48, 36, 56, 40, 60, 40, 52, 52, 44, 28, 60]
# The first nine are women, the last three men; the first six started a walking group.
SEXES = ["female"] * 9 + ["male"] * 3


def changes(before: list[int], after: list[int]) -> list[int]:
    return [b - a for a, b in zip(before, after, strict=True)]


class OutcomeTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.referred = BaseTestCase.today() - dt.timedelta(days=200)
        walk = make_offering(cls.association, "Promenaden", categories=("walking-outdoor",))
        cls.cases = []
        for index, (before, after) in enumerate(zip(BEFORE, AFTER, strict=True)):
            case = make_cohort_case(
                cls.team_a,
                cls.link_worker,
                referred=cls.referred,
                sex=SEXES[index],
                born=dt.date(1950 + index, 1, 1),
                reasons=("loneliness", "bereavement") if index < 5 else ("loneliness",),
                source="self" if index == 11 else "clinician",
            )
            record_who5(case, before, after)
            if index < 6:
                start_activity(case, walk, cls.link_worker, started_on=cls.referred)
            cls.cases.append(case)
        # A second answer to the same follow-up is kept, flagged and not counted.
        first = Assessment.objects.get(case=cls.cases[0], follow_up__months=3)
        record(cls.cases[0], 3, "who5", who5_answers(25), duplicate_of=first)
        # An answer not attached to a follow-up has no known point: not counted.
        record(cls.cases[1], 3, "who5", who5_answers(0), follow_up=False)
        # Six months for five people.
        for case, score in zip(cls.cases[:5], (60, 56, 48, 64, 52), strict=True):
            record(case, 6, "who5", who5_answers(score // 4))
        # UCLA-3 for four people only: too few to show.
        for case in cls.cases[:4]:
            record(case, 0, "ucla3", ucla3_answers(8))
            record(case, 3, "ucla3", ucla3_answers(6))
        # The ONS loneliness question for eight.
        for case, (before, after) in zip(
            cls.cases[:8],
            [(1, 2), (1, 3), (2, 3), (2, 2), (1, 1), (2, 4), (1, 3), (2, 3)],
            strict=True,
        ):
            record(case, 0, "ons_loneliness", {"lonely": before})
            record(case, 3, "ons_loneliness", {"lonely": after})
        # In Aarhus: another municipality's programme, never counted for Umeå's manager.
        aarhus_centre = make_organization(
            "Lægehuset Aarhus", Organization.Kind.HEALTH_CENTRE, country="DK", municipality=AARHUS
        )
        cls.aarhus_team = make_team("Brobyggerne Aarhus", aarhus_centre)
        for _index in range(6):
            case = make_cohort_case(cls.aarhus_team, referred=cls.referred, municipality=AARHUS)
            record_who5(case, 0, 100)

    def get_report(self, **query: Any) -> tuple[Any, OutcomeReport]:
        self.login(self.manager)
        response = self.client.get(en_url("reports:outcomes", **query))
        self.assertEqual(response.status_code, 200)
        return response, response.context["report"]

    def row(self, report: OutcomeReport, key: str) -> Any:
        return next(row for row in report.summary if row.key == key)


class ChangeTests(OutcomeTestCase):
    def test_the_change_of_a_scale_matches_scipy_on_the_people_counted(self) -> None:
        _response, report = self.get_report()
        change = self.row(report, "who5.percentage").change
        differences = changes(BEFORE, AFTER)

        self.assertEqual(change.n, 12)
        self.assertAlmostEqual(change.mean_before, statistics.fmean(BEFORE))
        self.assertAlmostEqual(change.mean_after, statistics.fmean(AFTER))
        self.assertAlmostEqual(change.mean_change, statistics.fmean(differences))
        low, high = stats.t.interval(
            0.95, 11, loc=statistics.fmean(differences), scale=stats.sem(differences)
        )
        self.assertAlmostEqual(change.ci_low, float(low))
        self.assertAlmostEqual(change.ci_high, float(high))
        self.assertAlmostEqual(change.t_p, float(stats.ttest_rel(AFTER, BEFORE).pvalue))
        self.assertAlmostEqual(
            change.cohens_dz, statistics.fmean(differences) / statistics.stdev(differences)
        )
        self.assertEqual(change.improved, sum(1 for d in differences if d >= 10))

    def test_the_page_shows_the_change_its_interval_and_the_test_used(self) -> None:
        response, report = self.get_report()
        change = self.row(report, "who5.percentage").change
        page = response.content.decode()

        self.assertIn("Wellbeing (WHO-5)", page)
        self.assertIn(f"+{change.mean_change:.1f}", page)
        self.assertIn(f"+{change.ci_low:.1f} to +{change.ci_high:.1f}", page)
        self.assertIn("paired t-test", page)
        # The raw WHO-5 score only rescales the reported one: it is not a row of its own.
        self.assertNotIn("who5.raw", [row.key for row in report.summary])

    def test_another_municipality_and_uncounted_answers_are_left_out(self) -> None:
        _response, report = self.get_report()
        # Were the duplicate (100) or the unscheduled answer (0) counted, or Aarhus's six
        # people (0 → 100), the mean after or the number of people would differ.
        change = self.row(report, "who5.percentage").change
        self.assertEqual(change.n, 12)
        self.assertAlmostEqual(change.mean_after, statistics.fmean(AFTER))
        self.assertEqual(report.cases, 12)

    def test_a_scale_answered_by_fewer_than_five_shows_no_numbers(self) -> None:
        response, report = self.get_report()
        row = self.row(report, "ucla3.total")

        self.assertIsNone(row.change)
        self.assertEqual(row.n, 4)
        self.assertIn("fewer than 5", response.content.decode())

    def test_the_change_over_time_counts_each_follow_up(self) -> None:
        _response, report = self.get_report(scale="who5.percentage")
        timeline = {row.key: row for row in report.over_time["who5.percentage"]}

        self.assertEqual(timeline["3"].n, 12)
        self.assertEqual(timeline["6"].n, 5)
        self.assertAlmostEqual(
            timeline["6"].change.mean_change,
            statistics.fmean(changes(BEFORE[:5], [60, 56, 48, 64, 52])),
        )
        self.assertNotIn("12", timeline)

    def test_the_follow_up_point_can_be_chosen(self) -> None:
        _response, report = self.get_report(months=6)
        self.assertEqual(report.months, 6)
        self.assertEqual(self.row(report, "who5.percentage").n, 5)


class SubgroupTests(OutcomeTestCase):
    def groups(self, report: OutcomeReport, dimension: str) -> dict[str, Any]:
        table = next(
            table for table in report.subgroups["who5.percentage"] if table.dimension == dimension
        )
        return {row.key: row for row in table.rows}

    def test_a_small_group_and_its_complement_are_hidden(self) -> None:
        _response, report = self.get_report()
        by_sex = self.groups(report, "sex")

        # Three men: too few. Were the nine women shown beside the total, the men's change
        # could be worked out, so they are hidden too.
        self.assertEqual(by_sex["male"].n, 3)
        self.assertIsNone(by_sex["male"].change)
        self.assertIsNone(by_sex["female"].change)

    def test_each_group_matches_its_own_people(self) -> None:
        _response, report = self.get_report()
        by_category = self.groups(report, "category")
        walking = by_category["walking-outdoor"].change

        self.assertEqual(walking.n, 6)
        self.assertAlmostEqual(walking.mean_change, statistics.fmean(changes(BEFORE, AFTER)[:6]))
        self.assertEqual(by_category["-"].label, "No activity started")
        self.assertEqual(by_category["-"].change.n, 6)
        # Reasons overlap: all twelve gave loneliness, five bereavement too.
        by_reason = self.groups(report, "reason")
        self.assertEqual(by_reason["loneliness"].change.n, 12)
        self.assertEqual(by_reason["bereavement"].change.n, 5)
        # Pathways partition the people: one self-referral hides its complement too.
        by_pathway = self.groups(report, "pathway")
        self.assertIsNone(by_pathway["self"].change)
        self.assertIsNone(by_pathway["clinician"].change)
        # Groups show estimates, not tests.
        self.assertIsNone(walking.p)
        by_age = self.groups(report, "age_band")
        self.assertEqual(sum(row.n for row in by_age.values()), 12)

    def test_the_page_shows_the_groups_of_the_chosen_scale(self) -> None:
        response, _report = self.get_report(scale="who5.percentage")
        page = response.content.decode()
        self.assertIn('id="subgroup-category"', page)
        self.assertIn("No activity started", page)


class CategoricalTests(OutcomeTestCase):
    def test_the_loneliness_answers_are_counted_with_small_cells_hidden(self) -> None:
        response, report = self.get_report()
        ons = report.categorical[0]

        self.assertEqual(ons.n, 8)
        before = {row.value: row.before for row in ons.rows}
        after = {row.value: row.after for row in ons.rows}
        # Before: four "often or always" and four "some of the time" (both too few, so
        # both hidden); after: one, two, four, one, zero.
        self.assertEqual(before, {1: None, 2: None, 3: 0, 4: 0, 5: 0})
        self.assertEqual(after[5], 0)
        self.assertTrue(all(after[value] in (None, 0) for value in after))
        shifts = {key: count for key, _label, count in ons.shifts}
        # Six answered less often lonely, two the same, none more often: the two are hidden,
        # and beside them the six (hiding the empty cell would give the two back).
        self.assertEqual(shifts, {"better": None, "same": None, "worse": 0})
        self.assertIn("How often do you feel lonely? (ONS)", response.content.decode())


class ExportTests(OutcomeTestCase):
    def csv_rows(self, **query: Any) -> list[dict[str, str]]:
        self.login(self.manager)
        response = self.client.get(en_url("reports:outcomes-csv", **query))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))

    def test_the_csv_holds_every_table_as_on_the_page(self) -> None:
        _response, report = self.get_report()
        rows = self.csv_rows()
        change = next(
            row
            for row in rows
            if row["table"] == "change" and row["scale_key"] == "who5.percentage"
        )
        expected = self.row(report, "who5.percentage").change

        self.assertEqual(int(change["n"]), expected.n)
        self.assertAlmostEqual(float(change["mean_change"]), expected.mean_change, places=4)
        self.assertAlmostEqual(float(change["ci_low"]), expected.ci_low, places=4)
        self.assertEqual(change["test"], "paired_t")
        self.assertEqual(change["suppressed"], "0")
        tables = {row["table"] for row in rows}
        self.assertEqual(
            tables, {"change", "over_time", "subgroups", "ons_loneliness", "ons_loneliness_shift"}
        )

    def test_suppressed_groups_are_empty_in_the_csv(self) -> None:
        rows = self.csv_rows()
        ucla = next(
            row for row in rows if row["table"] == "change" and row["scale_key"] == "ucla3.total"
        )
        self.assertEqual(ucla["suppressed"], "1")
        self.assertEqual((ucla["n"], ucla["mean_change"], ucla["p_value"]), ("", "", ""))
        men = next(
            row
            for row in rows
            if row["table"] == "subgroups"
            and row["scale_key"] == "who5.percentage"
            and row["dimension"] == "sex"
            and row["group"] == "male"
        )
        self.assertEqual((men["suppressed"], men["n"]), ("1", ""))

    def test_the_xlsx_holds_the_same_tables(self) -> None:
        _response, report = self.get_report()
        self.login(self.manager)
        response = self.client.get(en_url("reports:outcomes-xlsx"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Disposition"].endswith('-3-months.xlsx"'))
        sheets = read_xlsx(response.content)

        self.assertEqual(
            list(sheets),
            ["About", "change", "over_time", "subgroups", "ons_loneliness", "ons_loneliness_shift"],
        )
        header = sheets["change"][2]
        who5 = next(row for row in sheets["change"][3:] if row[0] == "who5.percentage")
        values = dict(zip(header, who5, strict=False))
        expected = self.row(report, "who5.percentage").change
        self.assertEqual(values["People"], 12)
        self.assertAlmostEqual(values["Mean change"], expected.mean_change)


class FilterTests(OutcomeTestCase):
    def test_bad_filters_are_field_errors_and_the_defaults_are_used(self) -> None:
        response, report = self.get_report(months=7, scale="nope", since="not-a-date", team=999)
        form = response.context["form"]

        self.assertEqual(set(form.errors), {"months", "scale", "since", "team"})
        self.assertEqual(report.months, 3)
        self.assertEqual(self.row(report, "who5.percentage").n, 12)

    def test_a_file_asked_with_a_bad_filter_is_refused(self) -> None:
        self.login(self.manager)
        for name in ("reports:outcomes-csv", "reports:outcomes-xlsx"):
            response = self.client.get(en_url(name, months="abc"))
            self.assertEqual(response.status_code, 400)
            self.assertIn("months", response.content.decode())

    def test_a_unit_narrows_the_count(self) -> None:
        _response, report = self.get_report(team=self.team_b.pk)
        self.assertEqual(report.cases, 0)
        self.assertEqual(report.summary, [])

    def test_a_period_before_the_referrals_counts_nobody(self) -> None:
        since = self.referred - dt.timedelta(days=100)
        until = self.referred - dt.timedelta(days=1)
        response, report = self.get_report(since=since.isoformat(), until=until.isoformat())
        self.assertEqual(report.cases, 0)
        self.assertContains(response, 'id="too-small"')


class ScopeTests(OutcomeTestCase):
    def test_a_health_centre_manager_sees_only_their_own_teams(self) -> None:
        manager_b = make_user("manager-b@example.org", self.health_centre_b, Role.MANAGER)
        self.login(manager_b)
        response = self.client.get(en_url("reports:outcomes"))
        self.assertEqual(response.context["report"].cases, 0)

        case = make_cohort_case(self.team_b, referred=self.referred)
        record_who5(case, 40, 60)
        response = self.client.get(en_url("reports:outcomes"))
        self.assertEqual(response.context["report"].cases, 1)
        # One case is a group too small even to be counted on the page.
        self.assertContains(response, "Fewer than 5 cases opened")
        self.assertNotContains(response, "1 case opened")
        self.assertContains(response, 'id="too-small"')

    def test_aarhus_sees_its_own_and_not_umea(self) -> None:
        aarhus_unit = make_organization(
            "Aarhus Kommune", Organization.Kind.MUNICIPALITY, country="DK", municipality=AARHUS
        )
        dk_manager = make_user("manager@aarhus.example", aarhus_unit, Role.MANAGER)
        self.login(dk_manager)
        response = self.client.get(en_url("reports:outcomes"))
        report = response.context["report"]

        self.assertEqual(report.cases, 6)
        self.assertAlmostEqual(self.row(report, "who5.percentage").change.mean_change, 100.0)


class QueryCountTests(OutcomeTestCase):
    def test_its_number_of_queries_does_not_grow_with_the_cases(self) -> None:
        self.login(self.manager)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(en_url("reports:outcomes")).status_code, 200)
            return len(captured)

        few = queries()
        walk = make_offering(self.association, "Kören", categories=("music-singing",))
        for index in range(15):
            case = make_cohort_case(
                self.team_a,
                referred=self.referred,
                sex=Person.Sex.MALE,
                reasons=(Referral.Reason.ISOLATION,),
            )
            record_who5(case, 20 + index, 60)
            record(case, 0, "ons_loneliness", {"lonely": 1})
            record(case, 3, "ons_loneliness", {"lonely": 3})
            start_activity(case, walk, self.link_worker, started_on=self.referred)
        with self.assertNumQueries(few):
            self.client.get(en_url("reports:outcomes"))
        for name in ("reports:outcomes-csv", "reports:outcomes-xlsx"):
            with CaptureQueriesContext(connection) as captured:
                self.client.get(en_url(name))
            self.assertLessEqual(len(captured), few)
