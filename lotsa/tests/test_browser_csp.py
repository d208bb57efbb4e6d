"""In a real browser, under the Content-Security-Policy: the search page's htmx swap, the map
with its markers and the referral forms work, and the browser reports no violation."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lotsa.accounts.models import Organization
from lotsa.browser import sign_in
from lotsa.lib import municipalities
from lotsa.test import PASSWORD, Role, make_offering, make_organization, make_team, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Recorded from the first script on every page, before any of Lotsa's own.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"}` +
      ` (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


WATCHED_HEADERS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


class Watched:
    """A page whose CSP violations (events and console errors), header errors and script
    errors are kept."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

    def _console(self, message: Any) -> None:
        text = message.text
        if any(header in text for header in WATCHED_HEADERS):
            self.console.append(text)

    def problems(self) -> list[str]:
        events = self.page.evaluate("window.__cspViolations || []")
        return [*events, *self.console]

    def assert_clean(self) -> None:
        assert self.problems() == [], f"{self.page.url}: {self.problems()}"


@pytest.fixture
def watched(page: Any) -> Watched:
    return Watched(page)


@pytest.fixture
def offerings() -> None:
    # The offering page names the municipality: load the place index (cached per process, it
    # takes seconds on a cold start) here rather than within a click's timeout.
    municipalities.all_municipalities()
    association = make_organization("Föreningen Gå Tillsammans")
    make_offering(association, "Promenadgruppen", byday="TU")
    make_offering(
        association,
        "Promenadkören",
        description="Vi sjunger och går.",
        categories=("music-singing",),
        latitude=63.83,
        longitude=20.27,
    )
    make_offering(
        association,
        "Stickcafé på biblioteket",
        description="Vi stickar och pratar.",
        categories=("creative",),
        latitude=63.82,
        longitude=20.25,
    )


def test_the_search_swaps_results_with_htmx_and_the_map_shows_markers_without_violations(
    live_server: Any, watched: Watched, offerings: None
) -> None:
    page = watched.page
    page.goto(f"{live_server.url}/sv/")
    page.locator("#map .marker-dot").first.wait_for()
    assert page.locator("#map .marker-dot").count() == 3
    watched.assert_clean()

    # The search goes through htmx: a partial response, swapped in, and the map drawn again.
    page.fill("input[name=q]", "promenad")
    with page.expect_response(
        lambda response: (
            "q=promenad" in response.url and response.request.headers.get("hx-request") == "true"
        )
    ) as swap:
        page.click("#search-submit")
    assert swap.value.ok
    page.wait_for_url(re.compile(r"q=promenad"))
    page.wait_for_function(
        "() => document.querySelectorAll('#map .marker-dot').length === 2", timeout=10_000
    )
    assert sorted(page.locator(".results .result h3 a").all_inner_texts()) == [
        "Promenadgruppen",
        "Promenadkören",
    ]
    watched.assert_clean()

    # An offering's page has a map of its own.
    page.locator(".results .result h3 a").first.click()
    page.wait_for_url(re.compile(r"/offerings/"))
    page.locator(".map .marker-dot").first.wait_for()
    watched.assert_clean()


def test_the_referral_forms_load_and_post_without_violations(
    live_server: Any, watched: Watched
) -> None:
    health_centre = make_organization("Vårdcentralen Ålidhem", Organization.Kind.HEALTH_CENTRE)
    make_user("gp@example.org", health_centre, Role.CLINICIAN)
    link_worker = make_user("lw@example.org", health_centre, Role.LINK_WORKER)
    team = make_team("Hälsolotsarna Ålidhem", health_centre, link_worker)
    team.takes_self_referrals = True
    team.save()
    page = watched.page

    # The public self-referral form; sent empty, it comes back with its errors.
    page.goto(f"{live_server.url}/sv/refer-yourself/")
    form = page.locator("main form[method=post]").first
    form.wait_for()
    watched.assert_clean()
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    page.locator(".errorlist").first.wait_for()
    watched.assert_clean()

    # A clinician's referral form, signed in.
    sign_in(page, live_server.url, "gp@example.org", PASSWORD)
    watched.assert_clean()
    page.goto(f"{live_server.url}/sv/referrals/new/")
    page.locator("main form[method=post]").first.wait_for()
    watched.assert_clean()


def test_a_violation_would_be_seen(live_server: Any, watched: Watched) -> None:
    """The watch itself works: an inline style added by a script is refused and reported."""
    page = watched.page
    page.goto(f"{live_server.url}/sv/refer-yourself/")
    page.evaluate(
        "() => { const s = document.createElement('style'); s.textContent = 'p{}';"
        " document.head.appendChild(s); }"
    )
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert any("style-src" in problem for problem in watched.problems())
