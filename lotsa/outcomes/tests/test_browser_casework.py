"""In a real browser: the link worker sees the outcomes panel on the case, fills in the
baseline with the person, reads the scores with their bands, lists the team's follow-ups and
opens the import page. axe-core finds no serious or critical violation on any of them."""

from __future__ import annotations

from typing import Any

import pytest

from lotsa.browser import closed_context, serious_violations, sign_in
from lotsa.outcomes.models import Assessment, OutcomeSettings
from lotsa.test import PASSWORD, Role, make_case, make_organization, make_team, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def assert_accessible(page: Any) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def test_the_link_worker_records_a_baseline_and_reads_the_scores(
    browser: Any, live_server: Any
) -> None:
    centre = make_organization("Vårdcentralen Ålidhem", "health_centre")
    link_worker = make_user("lw@example.org", centre, Role.LINK_WORKER, language="en")
    gp = make_user("gp@example.org", centre, Role.CLINICIAN)
    team = make_team("Hälsolotsarna Ålidhem", centre, link_worker)
    OutcomeSettings.objects.create(organization=centre, instruments=["ucla3", "who5", "ons4"])
    case = make_case(team, link_worker, gp)
    base = live_server.url
    page = closed_context(browser, "en-GB").new_page()
    page.set_default_timeout(30_000)  # the first page of a cold server on a busy machine
    sign_in(page, base, link_worker.email, PASSWORD, language="en")

    page.goto(f"{base}/en/cases/{case.uuid}/")
    panel = page.locator("section[aria-labelledby=outcomes-heading]")
    assert "Baseline" in panel.inner_text()
    assert_accessible(page)

    panel.get_by_role("link", name="Fill in: Baseline").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Baseline: Astrid Lindqvist"
    assert_accessible(page)
    for item in ("cheerful", "calm", "active", "rested", "interest"):
        page.check(f"input[name=who5-{item}][value='3']")
    for item in ("companionship", "left_out", "isolated"):
        page.check(f"input[name=ucla3-{item}][value='2']")
    page.get_by_role("button", name="Record the answers").click()
    page.wait_for_load_state()
    assert "/outcomes/" in page.url
    assert "The follow-up (Baseline) is recorded." in page.locator(".messages").inner_text()
    assert "60 (Good wellbeing)" in page.locator("main").inner_text()
    assert "6 (Lonely)" in page.locator("main").inner_text()
    assert Assessment.objects.filter(case=case).count() == 2
    assert_accessible(page)

    page.goto(f"{base}/en/follow-ups/?scope=team")
    assert_accessible(page)
    page.goto(f"{base}/en/healthcare-use/import/")
    assert_accessible(page)
