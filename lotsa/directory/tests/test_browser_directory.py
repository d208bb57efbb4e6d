"""In a real browser: search → filter → map → offering page → print, and the provider's edit
that a coordinator approves; axe-core finds no serious or critical violation on the way."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lotsa.accounts.models import Organization
from lotsa.browser import serious_violations, sign_in
from lotsa.test import PASSWORD, Role, make_offering, make_organization, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def assert_accessible(page: Any) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {violations}"


@pytest.fixture
def directory() -> dict[str, Any]:
    association = make_organization("Föreningen Gå Tillsammans")
    make_offering(association, "Promenadgruppen", categories=("walking-outdoor",), byday="TU")
    make_offering(
        association,
        "Promenadkören",
        description="Vi sjunger och går.",
        categories=("music-singing",),
        byday="WE",
    )
    make_offering(
        association,
        "Stickcafé på biblioteket",
        description="Vi stickar och pratar.",
        categories=("creative",),
    )
    danish = make_organization("Frivilligcenter Aarhus", country="DK", municipality="DK-751")
    make_offering(
        danish,
        "Sorgegruppe for voksne",
        description="Et trygt rum for at tale om tab.",
        categories=("grief-support",),
        text_language="da",
        latitude=56.1567,
        longitude=10.2108,
        city="Aarhus",
        postcode="8000",
        municipality="DK-751",
    )
    return {"association": association}


@pytest.mark.parametrize(
    ("language", "query", "expected", "category_label"),
    [
        ("sv", "promenad", "Promenadgruppen", "Promenad och friluftsliv"),
        ("da", "sorg", "Sorgegruppe for voksne", "Sorg- og støttegruppe"),
    ],
)
def test_a_citizen_searches_filters_sees_the_map_and_prints_an_offering(
    live_server: Any,
    page: Any,
    directory: dict[str, Any],
    language: str,
    query: str,
    expected: str,
    category_label: str,
) -> None:
    page.goto(f"{live_server.url}/{language}/")
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)

    page.fill("input[name=q]", query)
    page.click("#search-submit")
    page.wait_for_url(re.compile(rf"q={query}"))
    results = page.locator(".results .result h3 a")
    results.first.wait_for()
    assert expected in results.all_inner_texts()

    # Narrow by category: only the matching category's offerings stay.
    page.get_by_label(re.compile(re.escape(category_label))).check()
    page.click("#filters-submit")
    page.wait_for_url(re.compile(r"category="))
    page.wait_for_function("n => document.querySelectorAll('.results .result').length === n", arg=1)
    assert results.all_inner_texts() == [expected]
    # The URL carries the search: opening it again gives the same page.
    shared = page.url
    page.goto(shared)
    assert results.all_inner_texts() == [expected]

    # The map shows a marker even though no map tile can load here.
    page.locator("#map .marker-dot").first.wait_for()
    assert page.locator("#map .marker-dot").count() == 1
    assert_accessible(page)

    results.first.click()
    page.wait_for_url(re.compile(r"/offerings/"))
    assert page.get_by_role("heading", level=1).inner_text() == expected
    page.locator(".map .marker-dot").first.wait_for()
    assert_accessible(page)

    page.locator("a[href$='/print/']").click()
    page.wait_for_url(re.compile(r"/print/$"))
    assert expected in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)


def test_a_provider_edits_a_listing_a_coordinator_approves_and_it_appears(
    live_server: Any, page: Any, directory: dict[str, Any]
) -> None:
    association = directory["association"]
    make_user("provider@example.org", association, Role.PROVIDER)
    municipality = make_organization("Umeå kommun", Organization.Kind.MUNICIPALITY)
    make_user("coord@example.org", municipality, Role.COORDINATOR)

    sign_in(page, live_server.url, "provider@example.org", PASSWORD)
    page.goto(f"{live_server.url}/sv/provider/")
    assert_accessible(page)
    page.locator("a[href$='/edit/']", has_text="Promenadgruppen").first.click()
    page.wait_for_url(re.compile(r"/provider/offerings/.+/edit/"))
    assert_accessible(page)
    page.fill("input[name=name]", "Promenadgruppen Ålidhem")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/provider/$"))
    assert_accessible(page)

    # Not yet approved: the public still sees the old name.
    page.goto(f"{live_server.url}/sv/?q=promenadgruppen")
    assert "Promenadgruppen Ålidhem" not in page.locator(".results").inner_text()

    page.context.clear_cookies()
    sign_in(page, live_server.url, "coord@example.org", PASSWORD)
    page.goto(f"{live_server.url}/sv/moderation/")
    assert_accessible(page)
    page.locator("a[href*='/moderation/changes/']").first.click()
    page.wait_for_url(re.compile(r"/moderation/changes/\d+/"))
    assert "Promenadgruppen Ålidhem" in page.locator("main").inner_text()
    assert_accessible(page)
    page.locator("button[name=decision][value=approve]").click()
    page.wait_for_url(re.compile(r"/moderation/"))

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/sv/?q=promenadgruppen")
    page.locator(".results .result h3 a", has_text="Promenadgruppen Ålidhem").wait_for()
