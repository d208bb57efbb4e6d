"""The flow report: each step counted right on a crafted cohort, the time to first contact,
reasons, pathways and who is reached (with the towns' populations); small groups and their
complements hidden; a cohort under five shows nothing; the manager's own scope; bad
filters; the files; a number of queries that does not grow with the referrals; and who may
open the managers' reports at all."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lotsa.accounts.models import Organization
from lotsa.referrals.models import ActivityReferral, Contact
from lotsa.reports import flow as flows
from lotsa.test import BaseTestCase, make_offering, make_organization, make_team

from .cohorts import at, make_cohort_case, make_cohort_referral, read_xlsx, start_activity
from .helpers import AARHUS, en_url

MANAGERS_URLS = (
    "reports:flow",
    "reports:flow-csv",
    "reports:flow-xlsx",
    "reports:outcomes",
    "reports:outcomes-csv",
    "reports:outcomes-xlsx",
    "reports:roi",
    "reports:roi-csv",
    "reports:roi-xlsx",
)


class FlowTestCase(BaseTestCase):
    """Twenty referrals to team A 200 days ago: three new and two declined (neither
    contacted), fifteen cases (twelve contacted the next day, three after ten days);
    thirteen reached, eleven referred on, nine started, seven still attending."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.referred = BaseTestCase.today() - dt.timedelta(days=200)
        walk = make_offering(cls.association, "Promenaden", categories=("walking-outdoor",))
        ages = [dt.date(1950, 1, 1)] * 10 + [dt.date(1985, 1, 1)] * 6 + [dt.date(2000, 1, 1)] * 4
        sexes = ["female"] * 12 + ["male"] * 8
        towns = ["Umeå"] * 15 + ["Holmsund"] * 5
        index = 0

        def person(number: int) -> dict[str, Any]:
            return {
                "born": ages[number],
                "sex": sexes[number],
                "city": towns[number],
                "source": "connector" if number >= 14 else "clinician",
                "reasons": ("loneliness", "bereavement") if number < 4 else ("loneliness",),
            }

        for status in ["new"] * 3 + ["declined"] * 2:
            make_cohort_referral(cls.team_a, referred=cls.referred, status=status, **person(index))
            index += 1
        for number in range(15):
            late = number >= 12
            case = make_cohort_case(
                cls.team_a,
                cls.link_worker,
                referred=cls.referred,
                first_contact_at=at(cls.referred + dt.timedelta(days=10 if late else 1)),
                **person(index),
            )
            index += 1
            if number < 13:
                Contact.objects.create(
                    case=case, channel="phone", reached=True, recorded_by=cls.link_worker
                )
            else:
                Contact.objects.create(
                    case=case, channel="phone", reached=False, recorded_by=cls.link_worker
                )
            if number < 9:
                stopped = cls.referred + dt.timedelta(days=50) if number < 2 else None
                start_activity(
                    case,
                    walk,
                    cls.link_worker,
                    status="completed" if stopped else "in-progress",
                    started_on=cls.referred + dt.timedelta(days=20),
                    stopped_on=stopped,
                )
            elif number < 11:
                start_activity(case, walk, cls.link_worker, status="requested")
            else:
                # A draft was never sent: no step of the flow.
                start_activity(case, walk, cls.link_worker, status="draft")
        # Not counted: forwarded (it counts where it went), too old, and another
        # municipality's team.
        make_cohort_referral(cls.team_a, referred=cls.referred, status="forwarded")
        make_cohort_referral(cls.team_a, referred=cls.referred - dt.timedelta(days=1000))
        aarhus = make_organization(
            "Lægehuset Aarhus", Organization.Kind.HEALTH_CENTRE, country="DK", municipality=AARHUS
        )
        aarhus_team = make_team("Brobyggerne Aarhus", aarhus)
        for _number in range(5):
            make_cohort_referral(aarhus_team, referred=cls.referred, municipality=AARHUS)

    def get_flow(self, **query: Any) -> tuple[Any, flows.Flow]:
        self.login(self.manager)
        response = self.client.get(en_url("reports:flow", **query))
        self.assertEqual(response.status_code, 200)
        return response, response.context["report"]


def counts(rows: list[flows.Count]) -> dict[str, int | None]:
    return {row.key: row.count for row in rows}


class FlowTests(FlowTestCase):
    def test_each_step_counts_the_referrals_that_reached_it(self) -> None:
        _response, report = self.get_flow()
        self.assertEqual(report.total, 20)
        self.assertEqual(
            counts(report.steps),
            {
                "referred": 20,
                "contacted": 15,
                "engaged": 13,
                "referred_on": 11,
                "started": 9,
                "attending": 7,
            },
        )
        self.assertEqual(report.attending_base, 9)
        self.assertAlmostEqual(report.steps[1].share, 0.75)

    def test_the_time_to_first_contact_and_the_share_by_the_due_date(self) -> None:
        _response, report = self.get_flow()
        first = report.first_contact
        self.assertEqual(first.contacted, 15)
        self.assertAlmostEqual(first.median_days, 1.0)
        # Twelve contacted by the due date, of the fifteen contacted and the five whose due
        # date passed without a contact.
        self.assertEqual((first.within_due, first.due), (12, 20))
        self.assertAlmostEqual(first.within_share, 0.6)

    def test_small_counts_are_hidden_and_so_is_a_complement(self) -> None:
        _response, report = self.get_flow()
        # Three new and two declined: both too few; fifteen cases opened.
        self.assertEqual(counts(report.by_status), {"new": None, "accepted": 15, "declined": None})
        # Reasons overlap (no total to subtract from): only the small one is hidden.
        self.assertEqual(counts(report.by_reason)["loneliness"], 20)
        self.assertIsNone(counts(report.by_reason)["bereavement"])
        self.assertEqual(counts(report.by_reason)["isolation"], 0)
        # Four aged 18–29 are too few; the next smallest band that holds anyone (the six
        # aged 30–49) is hidden beside them, so that 20 − 10 does not give the four back.
        ages = counts(report.by_age_band)
        self.assertEqual(
            (ages["65-79"], ages["30-49"], ages["18-29"], ages["0-17"]), (10, None, None, 0)
        )
        self.assertEqual(counts(report.by_sex), {"female": 12, "male": 8, "other": 0})
        self.assertEqual(counts(report.by_source), {"clinician": 14, "connector": 6, "self": 0})

    def test_who_is_reached_by_town_beside_the_town_population(self) -> None:
        response, report = self.get_flow()
        towns = {row.label: row for row in report.by_area}

        self.assertEqual(towns["Umeå"].count, 15)
        self.assertEqual(towns["Holmsund"].count, 5)
        population = towns["Umeå"].population
        self.assertGreater(population, 50_000)
        self.assertAlmostEqual(towns["Umeå"].per_10000, 15 / population * 10_000)
        self.assertContains(response, "Statistics Sweden")

    def test_a_cohort_under_five_shows_no_numbers(self) -> None:
        for _number in range(3):
            make_cohort_referral(self.team_b, referred=self.referred)
        response, report = self.get_flow(team=self.team_b.pk)

        self.assertEqual(report.total, 3)
        self.assertTrue(report.is_too_small)
        self.assertContains(response, 'id="too-small"')
        self.assertNotContains(response, 'id="flow"')
        rows = self.csv(team=self.team_b.pk)
        self.assertEqual(rows, [{"table": "total", "key": "total", "suppressed": "1"}])

    def test_a_period_without_referrals_says_so(self) -> None:
        day = self.referred + dt.timedelta(days=10)
        response, report = self.get_flow(since=day.isoformat(), until=day.isoformat())
        self.assertEqual(report.total, 0)
        self.assertContains(response, 'id="none"')

    def test_bad_filters_are_field_errors_and_the_defaults_are_used(self) -> None:
        response, report = self.get_flow(since="2024-13-40", until="1900-01-01", team="x")
        self.assertEqual(set(response.context["form"].errors), {"since", "until", "team"})
        self.assertEqual(report.total, 20)
        self.login(self.manager)
        answer = self.client.get(en_url("reports:flow-csv", since="1900-01-01"))
        self.assertEqual(answer.status_code, 400)

    def test_a_period_longer_than_five_years_is_refused(self) -> None:
        response, _report = self.get_flow(since="2000-01-01", until="2010-01-01")
        self.assertIn("until", response.context["form"].errors)

    def csv(self, **query: Any) -> list[dict[str, str]]:
        self.login(self.manager)
        response = self.client.get(en_url("reports:flow-csv", **query))
        self.assertEqual(response.status_code, 200)
        text = response.content.decode("utf-8").removeprefix("\ufeff")
        return [
            {key: value for key, value in row.items() if value != ""}
            for row in csv.DictReader(io.StringIO(text))
        ]

    def test_the_csv_and_the_xlsx_hold_the_tables_of_the_page(self) -> None:
        _response, report = self.get_flow()
        rows = self.csv()
        steps = {row["key"]: row for row in rows if row["table"] == "flow"}
        self.assertEqual(
            {key: int(row["count"]) for key, row in steps.items()}, counts(report.steps)
        )
        status = {row["key"]: row for row in rows if row["table"] == "status"}
        self.assertEqual(
            status["new"], {"table": "status", "key": "new", "label": "New", "suppressed": "1"}
        )
        area = next(row for row in rows if row["table"] == "area" and row["label"] == "Umeå")
        self.assertEqual(
            int(area["population"]), next(r.population for r in report.by_area if r.label == "Umeå")
        )

        response = self.client.get(en_url("reports:flow-xlsx"))
        self.assertEqual(response.status_code, 200)
        sheets = read_xlsx(response.content)
        self.assertEqual(
            list(sheets),
            [
                "About",
                "flow",
                "first_contact",
                "status",
                "reason",
                "pathway",
                "age_band",
                "sex",
                "area",
            ],
        )
        flow_sheet = {row[0]: row for row in sheets["flow"][3:]}
        self.assertEqual(flow_sheet["attending"][2], 7)
        self.assertEqual(flow_sheet["referred"][1], "Referred")

    def test_its_number_of_queries_does_not_grow_with_the_referrals(self) -> None:
        self.login(self.manager)

        def queries(name: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(en_url(name)).status_code, 200)
            return len(captured)

        few = {name: queries(name) for name in ("reports:flow", "reports:flow-csv")}
        walk = ActivityReferral.objects.first().offering
        for number in range(12):
            case = make_cohort_case(
                self.team_b, self.link_worker, referred=self.referred, city=f"By {number}"
            )
            start_activity(case, walk, self.link_worker, started_on=self.referred)
        for name, count in few.items():
            with self.assertNumQueries(count):
                self.client.get(en_url(name))


class AccessTests(BaseTestCase):
    def test_only_managers_may_open_the_managers_reports(self) -> None:
        for persona in (
            "gp",
            "link_worker",
            "provider",
            "coordinator",
            "connector",
            "researcher",
            "admin",
            "outsider",
            "outsider_link_worker",
        ):
            self.client.force_login(getattr(self, persona))
            for name in MANAGERS_URLS:
                with self.subTest(persona=persona, url=name):
                    self.assertEqual(self.client.get(en_url(name)).status_code, 404)
        self.login(self.manager)
        for name in MANAGERS_URLS:
            with self.subTest(persona="manager", url=name):
                self.assertEqual(self.client.get(en_url(name)).status_code, 200)
                self.assertEqual(self.client.post(en_url(name)).status_code, 405)

    def test_an_anonymous_visitor_is_sent_to_sign_in(self) -> None:
        for name in MANAGERS_URLS:
            response = self.client.get(en_url(name))
            self.assertEqual(response.status_code, 302)
            self.assertIn("/account/login/", response["Location"])

    def test_the_reports_navigation_shows_managers_their_reports(self) -> None:
        self.login(self.manager)
        page = self.client.get(en_url("reports:gaps")).content.decode()
        for name in ("reports:flow", "reports:outcomes", "reports:roi"):
            self.assertIn(f'href="{en_url(name)}"', page)
        self.login(self.coordinator)
        page = self.client.get(en_url("reports:gaps")).content.decode()
        self.assertNotIn(en_url("reports:flow"), page)

    def test_the_pages_show_no_person(self) -> None:
        case = make_cohort_case(self.team_a, referred=BaseTestCase.today())
        self.login(self.manager)
        for name in MANAGERS_URLS:
            content = self.client.get(en_url(name)).content
            self.assertNotIn(case.person.first_name.encode(), content, name)


class AddMonthsTests(BaseTestCase):
    def test_a_month_end_stays_in_its_month(self) -> None:
        self.assertEqual(flows.add_months(dt.date(2025, 11, 30), 3), dt.date(2026, 2, 28))
        self.assertEqual(flows.add_months(dt.date(2025, 5, 31), -3), dt.date(2025, 2, 28))
        self.assertEqual(flows.add_months(dt.date(2025, 1, 15), 12), dt.date(2026, 1, 15))

    def test_age_bands(self) -> None:
        self.assertEqual(
            [flows.age_band(age) for age in (None, 0, 17, 18, 29, 30, 64, 65, 79, 80, 101)],
            [
                "-",
                "0-17",
                "0-17",
                "18-29",
                "18-29",
                "30-49",
                "50-64",
                "65-79",
                "65-79",
                "80+",
                "80+",
            ],
        )
