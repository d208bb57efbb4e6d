"""In a real browser, with the demo: a municipality coordinator opens the Gaps view, sees the
seeded gaps on the map and in the table, filters, opens a gap's examples, downloads the CSV,
and opens capacity pressure; in Swedish and Danish. axe-core finds no serious or critical
violation, nor the browser one of the Content-Security-Policy. Screenshots go to
/tmp/lotsa/shots/ for a person to look at."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from lotsa.browser import closed_context, serious_violations, sign_in
from lotsa.directory.management.commands.seed_demo import DEMO_PASSWORD
from lotsa.referrals.demo import UNMET_NEEDS
from lotsa.tests.test_browser_csp import Watched

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COORDINATOR = "coordinator@demo.lotsa.test"
# Screenshots for people to look at: /tmp/lotsa/shots on Linux.
SHOTS = Path(tempfile.gettempdir()) / "lotsa" / "shots"


def assert_accessible(page: Any) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def in_language(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_referrals", verbosity=0)


def umea_grief_needs() -> int:
    return sum(1 for need in UNMET_NEEDS if need[0] == "grief-support" and need[4] != "dk")


@pytest.mark.parametrize("language", ["sv", "da"])
def test_a_coordinator_finds_the_gaps_filters_reads_examples_and_downloads_them(
    demo: None, browser: Any, live_server: Any, language: str
) -> None:
    context = closed_context(browser, language)
    page = context.new_page()
    # Under the Content-Security-Policy: no violation, no script error.
    watched = Watched(page)
    sign_in(page, live_server.url, COORDINATOR, DEMO_PASSWORD, language)

    page.goto(f"{live_server.url}/{language}/")
    page.locator(f"nav a[href='/{language}/reports/gaps/']").click()
    page.wait_for_url(re.compile(r"/reports/gaps/$"))
    assert page.locator("html").get_attribute("lang") == language

    # The seeded gaps: circles on the map (even without map tiles) and rows in the table.
    markers = page.locator("#gap-map .gap-marker")
    markers.first.wait_for()
    assert markers.count() >= 2
    on_map = sum(int(text) for text in markers.all_inner_texts())
    by_area = page.locator("#by-area tbody tr td.num").all_inner_texts()
    assert on_map == sum(int(text) for text in by_area) >= 8
    grief = page.locator("#by-need tbody tr", has=page.locator("th", has_text="Sorg"))
    assert grief.locator("td.num").inner_text() == str(umea_grief_needs())
    assert "Aarhus" not in page.locator("main").inner_text()
    assert_accessible(page)
    shoot(page, f"gaps-{language}")

    # A circle's popup names its areas and links to their examples.
    markers.first.click()
    page.locator(".leaflet-popup .gap-popup li").first.wait_for()
    watched.assert_clean()

    # Filter by need: only grief and support groups stay.
    page.select_option("#id_need", "grief-support")
    page.click("#gaps-submit")
    page.wait_for_url(re.compile(r"need=grief-support"))
    assert page.locator("#by-need tbody tr").count() == 1
    assert_accessible(page)

    # The examples of the gap: what was needed, for whom, where and why — no person.
    page.locator("#by-need tbody tr a").click()
    page.wait_for_url(re.compile(r"/reports/gaps/examples/\?"))
    rows = page.locator("#examples tbody tr")
    assert rows.count() == umea_grief_needs()
    assert "Sorggrupp för unga vuxna" in page.locator("#examples").inner_text()
    assert_accessible(page)
    shoot(page, f"gap-examples-{language}")

    # The CSV holds the same numbers as the page.
    page.go_back()
    with page.expect_download() as info:
        page.click("#gaps-csv")
    download = info.value
    assert download.suggested_filename.startswith("lotsa-gaps-")
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows_csv = list(csv.DictReader(io.StringIO(text)))
    need_rows = {row["key"]: int(row["count"]) for row in rows_csv if row["table"] == "need"}
    assert need_rows == {"grief-support": umea_grief_needs()}

    # Capacity pressure, from the reports' own navigation.
    page.locator(f".report-nav a[href='/{language}/reports/capacity/']").click()
    page.wait_for_url(re.compile(r"/reports/capacity/$"))
    page.locator("#by-category").wait_for()
    assert page.locator("#by-category tbody tr").count() >= 1
    assert_accessible(page)
    shoot(page, f"capacity-{language}")
    watched.assert_clean()
    page.select_option("#id_days", "365")
    page.click("#capacity-submit")
    page.wait_for_url(re.compile(r"days=365"))
    assert_accessible(page)
    context.close()
