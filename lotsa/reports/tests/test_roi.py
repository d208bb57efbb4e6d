"""The return-on-investment calculator: the sums checked by hand and its range against
scipy's `t.interval`; the page shows every input with its default, takes changed inputs,
refuses bad ones field by field, shows no figure for fewer than five people, and its files
hold what it shows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from scipy import stats

from lotsa.outcomes.models import HealthcareUse
from lotsa.reports import roi
from lotsa.test import BaseTestCase

from .cohorts import make_cohort_case, read_xlsx, record_use
from .helpers import en_url

INPUTS = roi.Inputs(
    currency="SEK",
    link_worker_cost=Decimal(3000),
    overhead_cost=Decimal(1000),
    gp_visit_cost=Decimal(2000),
    emergency_visit_cost=Decimal(5000),
    months_lasting=6,
)
# Visits (health centre, emergency) before and after, for six people.
USE = [
    ((6, 2), (4, 1)),
    ((4, 1), (3, 1)),
    ((8, 3), (5, 1)),
    ((2, 0), (2, 0)),
    ((5, 1), (3, 0)),
    ((3, 1), (4, 1)),
]


def pairs() -> list[roi.UsePair]:
    return [
        roi.UsePair(gp_before=b[0], gp_after=a[0], emergency_before=b[1], emergency_after=a[1])
        for b, a in USE
    ]


class CalculationTests(SimpleTestCase):
    def test_it_matches_a_sum_done_by_hand(self) -> None:
        result = roi.calculate(pairs(), INPUTS)
        # Health centre: before 28/6, after 21/6 → −7/6 visits per person. Emergency: before
        # 8/6, after 4/6 → −4/6. Priced: before (28·2000 + 8·5000)/6 = 16,000; after
        # (21·2000 + 4·5000)/6 = 10,333.33; change −5,666.67 per person.
        self.assertEqual(result.n, 6)
        self.assertAlmostEqual(result.gp.change, -7 / 6)
        self.assertAlmostEqual(result.emergency.change, -4 / 6)
        self.assertAlmostEqual(result.emergency.relative, -0.5)
        self.assertAlmostEqual(result.cost_before, 16000)
        self.assertAlmostEqual(result.cost_after, 62000 / 6)
        self.assertAlmostEqual(result.saving, 34000 / 6)
        # The programme costs 3,000 + 1,000 = 4,000 a person: a net saving of 1,666.67, and
        # 5,666.67 / 4,000 = 1.42 kronor saved per krona.
        self.assertAlmostEqual(result.programme_cost, 4000)
        self.assertAlmostEqual(result.net, 34000 / 6 - 4000)
        self.assertAlmostEqual(result.per_krona, 34000 / 6 / 4000)

    def test_counted_pairs_give_what_the_people_one_by_one_give(self) -> None:
        from collections import Counter

        people = pairs() * 3 + pairs()[:2]  # some pairs repeat, as at national scale
        one_by_one = roi.calculate(people, INPUTS)
        counted = roi.calculate(dict(Counter(people)), INPUTS)
        self.assertEqual(counted.n, len(people))
        for name in ("cost_before", "cost_after", "saving", "saving_low", "saving_high", "net"):
            self.assertAlmostEqual(getattr(counted, name), getattr(one_by_one, name), msg=name)
        for name in ("gp", "emergency", "cost_change"):
            for part in ("before", "after", "change", "ci_low", "ci_high"):
                self.assertAlmostEqual(
                    getattr(getattr(counted, name), part),
                    getattr(getattr(one_by_one, name), part),
                    msg=f"{name}.{part}",
                )

    def test_the_range_is_the_interval_of_the_priced_change(self) -> None:
        result = roi.calculate(pairs(), INPUTS)
        priced = [
            (a[0] - b[0]) * 2000 + (a[1] - b[1]) * 5000 for b, a in USE
        ]  # per person: −9000, −2000, −16000, 0, −9000, 2000
        low, high = stats.t.interval(
            0.95, len(priced) - 1, loc=statistics.fmean(priced), scale=stats.sem(priced)
        )
        self.assertAlmostEqual(result.cost_change.ci_low, float(low))
        self.assertAlmostEqual(result.cost_change.ci_high, float(high))
        self.assertAlmostEqual(result.saving_low, -float(high))
        self.assertAlmostEqual(result.saving_high, -float(low))
        self.assertAlmostEqual(result.net_low, -float(high) - 4000)
        self.assertAlmostEqual(result.per_krona_high, -float(low) / 4000)
        self.assertLess(result.saving_low, result.saving)
        self.assertLess(result.saving, result.saving_high)

    def test_a_change_counted_for_longer_scales_with_the_months(self) -> None:
        longer = roi.calculate(pairs(), roi.Inputs(**{**INPUTS.__dict__, "months_lasting": 12}))
        measured = roi.calculate(pairs(), INPUTS)
        self.assertAlmostEqual(longer.saving, 2 * measured.saving)
        self.assertAlmostEqual(longer.cost_change.ci_low, 2 * measured.cost_change.ci_low)
        # What was measured stays what it was.
        self.assertAlmostEqual(longer.cost_before, measured.cost_before)

    def test_a_programme_that_costs_nothing_has_no_ratio(self) -> None:
        free = roi.Inputs(
            **{**INPUTS.__dict__, "link_worker_cost": Decimal(0), "overhead_cost": Decimal(0)}
        )
        self.assertIsNone(roi.calculate(pairs(), free).per_krona)

    def test_the_defaults_are_in_the_country_s_currency(self) -> None:
        self.assertEqual(roi.defaults("SE").currency, "SEK")
        self.assertEqual(roi.defaults("DK").currency, "DKK")


class RoiPageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.referred = BaseTestCase.today() - dt.timedelta(days=300)
        for before, after in USE:
            case = make_cohort_case(cls.team_a, cls.link_worker, referred=cls.referred)
            record_use(case, before, after)
        # Only "before" recorded: not counted.
        case = make_cohort_case(cls.team_a, cls.link_worker, referred=cls.referred)
        HealthcareUse.objects.create(
            case=case, period="before", gp_visits=30, emergency_visits=9, source="entered"
        )

    def get(self, name: str = "reports:roi", **query: Any) -> Any:
        self.login(self.manager)
        return self.client.get(en_url(name, **query))


class RoiPageTests(RoiPageTestCase):
    def test_the_page_shows_each_input_its_default_and_the_result(self) -> None:
        response = self.get()
        self.assertEqual(response.status_code, 200)
        result = response.context["result"]
        defaults = roi.defaults("SE")

        self.assertEqual(response.context["n"], 6)
        self.assertEqual(result.n, 6)
        expected = roi.calculate(pairs(), defaults)
        self.assertAlmostEqual(result.net, expected.net)
        page = response.content.decode()
        self.assertIn('id="inputs"', page)
        self.assertIn("6,000\u00a0kr", page)  # the link worker's default, in English format
        self.assertIn("not a price list", page)
        self.assertIn("Frome", page)
        self.assertIn("£2.30 to £5.07", page)
        self.assertIn("no comparison group", page.lower())

    def test_changed_inputs_change_the_result(self) -> None:
        response = self.get(
            link_worker_cost="3000",
            overhead_cost="1000",
            gp_visit_cost="2000",
            emergency_visit_cost="5000",
            months_lasting="6",
        )
        result = response.context["result"]
        self.assertAlmostEqual(result.per_krona, 34000 / 6 / 4000)
        self.assertIn("1.42", response.content.decode())

    def test_a_bad_input_is_a_field_error_and_its_default_is_used(self) -> None:
        response = self.get(gp_visit_cost="-5", months_lasting="0", emergency_visit_cost="abc")
        form = response.context["form"]
        self.assertEqual(
            set(form.errors), {"gp_visit_cost", "months_lasting", "emergency_visit_cost"}
        )
        inputs = response.context["inputs"]
        defaults = roi.defaults("SE")
        self.assertEqual(inputs.gp_visit_cost, defaults.gp_visit_cost)
        self.assertEqual(inputs.months_lasting, defaults.months_lasting)
        self.assertEqual(self.get("reports:roi-csv", gp_visit_cost="-5").status_code, 400)

    def test_fewer_than_five_people_show_no_figures(self) -> None:
        for _number in range(2):
            case = make_cohort_case(self.team_b, referred=self.referred)
            record_use(case, (9, 3), (1, 0))
        response = self.get(team=self.team_b.pk)
        self.assertIsNone(response.context["result"])
        self.assertContains(response, 'id="too-small"')
        self.assertContains(response, "Fewer than 5 people referred")
        rows = list(
            csv.DictReader(
                io.StringIO(
                    self.get("reports:roi-csv", team=self.team_b.pk)
                    .content.decode()
                    .removeprefix("\ufeff")
                )
            )
        )
        measured = next(row for row in rows if row["table"] == "measured")
        self.assertEqual((measured["suppressed"], measured["n"]), ("1", ""))

    def test_the_files_hold_the_inputs_the_measured_change_and_the_result(self) -> None:
        query = {"link_worker_cost": "3000", "overhead_cost": "1000"}
        rows = list(
            csv.DictReader(
                io.StringIO(
                    self.get("reports:roi-csv", **query).content.decode().removeprefix("\ufeff")
                )
            )
        )
        by_key = {(row["table"], row["key"]): row for row in rows}
        self.assertEqual(by_key[("inputs", "link_worker_cost")]["value"], "3000")
        self.assertEqual(by_key[("inputs", "link_worker_cost")]["default"], "6000")
        self.assertEqual(by_key[("measured", "gp_visits")]["n"], "6")
        self.assertAlmostEqual(
            float(by_key[("result", "per_krona")]["value"]), 34000 / 6 / 4000, places=4
        )

        sheets = read_xlsx(self.get("reports:roi-xlsx", **query).content)
        self.assertEqual(list(sheets), ["About", "inputs", "measured", "result"])
        result = {row[0]: row for row in sheets["result"][3:]}
        self.assertAlmostEqual(result["net"][2], 34000 / 6 - 4000, places=4)

    def test_its_number_of_queries_does_not_grow_with_the_people(self) -> None:
        self.login(self.manager)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(en_url("reports:roi")).status_code, 200)
            return len(captured)

        few = queries()
        for _number in range(10):
            case = make_cohort_case(self.team_a, self.link_worker, referred=self.referred)
            record_use(case, (3, 1), (2, 0))
        with self.assertNumQueries(few):
            self.client.get(en_url("reports:roi"))
