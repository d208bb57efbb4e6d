"""In a real browser, with the demo: the link worker opens a seeded case, sees ranked and
explained suggestions, filters them with htmx, refers in one click and sends the referral,
and records an unmet need when nothing fits. axe-core finds no serious or critical violation.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from lotsa.browser import closed_context, serious_violations, sign_in
from lotsa.directory.management.commands.seed_demo import DEMO_PASSWORD
from lotsa.directory.models import Offering
from lotsa.referrals.models import ActivityReferral, Case, UnmetNeed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LINK_WORKER = "linkworker@demo.lotsa.test"


def assert_accessible(page: Any) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {violations}"


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_referrals", verbosity=0)
    mail.outbox.clear()


def suggested(page: Any) -> list[str]:
    return page.locator("#suggestion-results ol.results > li h3").all_inner_texts()


def test_a_link_worker_refers_from_the_suggestions_and_records_a_gap(
    demo: None, browser: Any, live_server: Any
) -> None:
    base = live_server.url
    case = (
        Case.objects.filter(
            closed_at__isnull=True,
            team__members__email=LINK_WORKER,
            stage=Case.Stage.READY,
            person__postcode__gt="",
        )
        .order_by("pk")
        .first()
    )
    assert case is not None, "the demo needs an open case ready for a group, with an address"
    page = closed_context(browser, "sv").new_page()
    sign_in(page, base, LINK_WORKER, DEMO_PASSWORD)

    # From the case, one click to the ranked suggestions, each with its reasons.
    page.goto(f"{base}/sv/cases/{case.uuid}/")
    page.click(f"a.button[href$='/cases/{case.uuid}/suggestions/']")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert case.person.full_name in page.locator("h1").inner_text()
    first = suggested(page)
    assert first, "the demo case gets suggestions"
    assert page.locator("#suggestion-results .badge-ok").count() >= len(first)
    assert_accessible(page)

    # "Only with free places" re-ranks at once, without leaving the page.
    page.evaluate("window.__stayed = true")
    with page.expect_response(lambda r: "free_places=on" in r.url):
        page.check("input[name=free_places]")
    # htmx pushes the address after it has swapped the list, a moment after the response:
    # the address can be shared or reloaded.
    page.wait_for_url(re.compile(r"free_places=on"))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__stayed") is True  # htmx swapped the list, no reload
    names = suggested(page)
    assert names
    full = Offering.objects.filter(name__in=names, capacity__isnull=False).values_list(
        "capacity", "places_taken"
    )
    assert all(taken < capacity for capacity, taken in full)
    assert page.locator("#suggestion-count").inner_text().startswith(str(len(names)))
    assert_accessible(page)

    # One click on "Refer" reaches the consent step; sending it creates the referral.
    refer = page.locator("#suggestion-results ol.results > li a.button").first
    href = refer.get_attribute("href") or ""
    assert "/refer/" in href
    refer.click()
    page.wait_for_load_state()
    assert "/refer/" in page.url
    assert_accessible(page)
    page.check("input[name=agrees]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    referral = ActivityReferral.objects.filter(case=case).order_by("-created_at").first()
    assert referral is not None and str(referral.offering.uuid) in href
    assert referral.status == ActivityReferral.Status.REQUESTED
    assert f"/activity-referrals/{referral.uuid}/" in page.url

    # Nothing fits on Sunday evenings within a kilometre in person: record the gap.
    page.goto(f"{base}/sv/cases/{case.uuid}/suggestions/")
    for day in ("MO", "TU", "WE", "TH", "FR", "SA", "SU"):
        page.set_checked(f"input[name=day][value={day}]", day == "SU")
    for time in ("morning", "afternoon", "evening"):
        page.set_checked(f"input[name=time][value={time}]", time == "evening")
    page.uncheck("input[name=online]")
    page.fill("input[name=km]", "1")
    page.click("#filters-submit")
    page.wait_for_load_state("networkidle")
    assert suggested(page) == []
    assert_accessible(page)
    before = UnmetNeed.objects.count()
    page.click(f"#suggestion-results a[href$='/cases/{case.uuid}/unmet-need/']")
    page.wait_for_load_state()
    page.select_option("select[name=need]", "music-singing")
    page.fill("input[name=need_text]", "Kör på söndagskvällar")
    page.check("input[name=reasons][value=wrong_time]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith(f"/cases/{case.uuid}")
    assert UnmetNeed.objects.count() == before + 1
    need = UnmetNeed.objects.order_by("-recorded_at").first()
    assert need is not None and need.need_text == "Kör på söndagskvällar"
    assert need.team_id == case.team_id
    assert_accessible(page)


def test_without_javascript_the_filters_are_a_plain_form(
    demo: None, browser: Any, live_server: Any
) -> None:
    base = live_server.url
    case = Case.objects.filter(closed_at__isnull=True, team__members__email=LINK_WORKER).first()
    assert case is not None
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://localhost", "http://127.0.0.1"))
            else route.abort()
        ),
    )
    page = context.new_page()
    sign_in(page, base, LINK_WORKER, DEMO_PASSWORD)
    page.goto(f"{base}/sv/cases/{case.uuid}/suggestions/")
    page.check("input[name=free_places]")
    page.click("#filters-submit")
    page.wait_for_load_state()
    assert "free_places=on" in page.url
    assert page.locator("input[name=free_places]").is_checked()
    context.close()
