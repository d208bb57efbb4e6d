"""In a real browser: a manager opens the flow, outcome and return-on-investment reports from
the reports' navigation, sees the charts drawn beside their tables, chooses another
follow-up, downloads the outcomes as CSV and changes a cost in the calculator; in Swedish and
Danish. axe-core finds no serious or critical violation on any of the pages, nor the browser
one of the Content-Security-Policy. Screenshots go to /tmp/lotsa/shots/ for a person to look
at."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest
from django.utils import timezone

from lotsa.accounts.models import Organization
from lotsa.browser import closed_context, serious_violations, sign_in
from lotsa.lib import municipalities
from lotsa.referrals.models import Contact
from lotsa.test import PASSWORD, Role, make_offering, make_organization, make_team, make_user
from lotsa.tests.test_browser_csp import Watched

from .cohorts import (
    make_cohort_case,
    record,
    record_use,
    record_who5,
    start_activity,
    ucla3_answers,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MANAGER = "chef@example.org"
SHOTS = Path(tempfile.gettempdir()) / "lotsa" / "shots"


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page: Any) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {violations}"


@pytest.fixture
def cohort() -> None:
    """Sixteen people referred 200 days ago in Umeå, with questionnaires at the start, three
    and six months, contacts, activities and health-care use; and their manager."""
    municipalities.all_municipalities()  # the place index, loaded before any timeout runs
    unit = make_organization("Umeå kommun, socialtjänsten", Organization.Kind.MUNICIPALITY)
    make_user(MANAGER, unit, Role.MANAGER)
    centre = make_organization("Vårdcentralen Ålidhem", Organization.Kind.HEALTH_CENTRE)
    link_worker = make_user("lotsen@example.org", centre, Role.LINK_WORKER)
    team = make_team("Hälsolotsarna Ålidhem", centre, link_worker)
    association = make_organization("Föreningen Gå Tillsammans")
    walk = make_offering(association, "Promenadgruppen", categories=("walking-outdoor",))
    choir = make_offering(association, "Kören", categories=("music-singing",))
    referred = timezone.localdate() - dt.timedelta(days=200)
    for index in range(16):
        case = make_cohort_case(
            team,
            link_worker,
            referred=referred,
            sex="female" if index % 3 else "male",
            born=dt.date(1945 + 2 * index, 3, 1),
            city="Holmsund" if index % 4 == 0 else "Umeå",
            reasons=("loneliness", "bereavement") if index % 2 else ("isolation",),
            source="self" if index % 5 == 0 else "clinician",
        )
        Contact.objects.create(case=case, channel="phone", reached=True, recorded_by=link_worker)
        record_who5(case, 28 + 4 * (index % 5), 44 + 4 * (index % 7))
        record(case, 6, "who5", {"cheerful": 3, "calm": 3, "active": 3, "rested": 2, "interest": 2})
        record(case, 0, "ucla3", ucla3_answers(7 + index % 3))
        record(case, 3, "ucla3", ucla3_answers(5 + index % 3))
        record(case, 0, "ons_loneliness", {"lonely": 1 + index % 2})
        record(case, 3, "ons_loneliness", {"lonely": 2 + index % 3})
        start_activity(
            case, walk if index % 2 else choir, link_worker, started_on=referred + dt.timedelta(20)
        )
        record_use(case, (4 + index % 3, 1 + index % 2), (3 + index % 2, index % 2))


@pytest.mark.parametrize("language", ["sv", "da"])
def test_a_manager_reads_the_flow_the_outcomes_and_the_return_on_investment(
    cohort: None, browser: Any, live_server: Any, language: str
) -> None:
    context = closed_context(browser, language)
    page = context.new_page()
    watched = Watched(page)
    # The server's first page loads the catalogues and templates (seconds on a busy
    # machine): ask for it once before the browser's timeouts start.
    urlopen(f"{live_server.url}/{language}/account/login/", timeout=120).read()  # noqa: S310
    sign_in(page, live_server.url, MANAGER, PASSWORD, language)

    # From the menu to the reports' own navigation, then the flow.
    page.goto(f"{live_server.url}/{language}/")
    page.locator(f"nav a[href='/{language}/reports/gaps/']").click()
    page.wait_for_url(re.compile(r"/reports/gaps/$"))
    page.locator(f".report-nav a[href='/{language}/reports/flow/']").click()
    page.wait_for_url(re.compile(r"/reports/flow/$"))
    assert page.locator("html").get_attribute("lang") == language
    chart = page.locator("figure[data-chart] canvas").first
    chart.wait_for()
    assert chart.bounding_box()["height"] > 100
    assert page.locator("#flow tbody tr").count() == 6
    assert page.locator("#flow tbody tr").first.locator("td.num").first.inner_text() == "16"
    assert_accessible(page)
    watched.assert_clean()
    shoot(page, f"report-flow-{language}")

    # The outcomes: a row per scale, the charts, the groups.
    page.locator(f".report-nav a[href='/{language}/reports/outcomes/']").click()
    page.wait_for_url(re.compile(r"/reports/outcomes/$"))
    page.locator("#over-time-chart").wait_for()
    assert page.locator("figure[data-chart]:not([hidden])").count() >= 6
    who5 = page.locator("#change tbody tr", has=page.locator("th", has_text="WHO-5"))
    assert who5.locator("td.num").first.inner_text() == "16"
    assert page.locator("#subgroup-sex tbody tr").count() >= 2
    assert_accessible(page)
    watched.assert_clean()
    shoot(page, f"report-outcomes-{language}")

    # Another follow-up: six months.
    page.select_option("#id_months", "6")
    page.click("#outcomes-submit")
    page.wait_for_url(re.compile(r"months=6"))
    assert who5.locator("td.num").first.inner_text() == "16"
    assert_accessible(page)

    # The CSV holds the same numbers as the page.
    with page.expect_download() as info:
        page.click("#outcomes-csv")
    download = info.value
    assert download.suggested_filename.endswith("-6-months.csv")
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    change = next(
        row for row in rows if row["table"] == "change" and row["scale_key"] == "who5.percentage"
    )
    assert change["n"] == "16"

    # The calculator: a changed cost changes the result.
    page.locator(f".report-nav a[href='/{language}/reports/roi/']").click()
    page.wait_for_url(re.compile(r"/reports/roi/$"))
    page.locator("#visits-chart").wait_for()
    before = page.locator("#result tbody tr").nth(5).locator("td.num").first.inner_text()
    assert_accessible(page)
    shoot(page, f"report-roi-{language}")
    page.fill("#id_link_worker_cost", "1000")
    page.click("#roi-submit")
    page.wait_for_url(re.compile(r"link_worker_cost=1000"))
    after = page.locator("#result tbody tr").nth(5).locator("td.num").first.inner_text()
    assert after != before
    assert_accessible(page)
    watched.assert_clean()
    context.close()
