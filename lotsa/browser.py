"""Helpers for browser tests: accessibility checks with axe-core, signing in."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

SERIOUS = {"serious", "critical"}


def closed_context(browser: Any, locale: str = "sv-SE") -> Any:
    """A browser context on the closed network: anything off this machine (map tiles, fonts)
    is refused at once, so no test waits for, or depends on, the internet."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://localhost", "http://127.0.0.1"))
            else route.abort()
        ),
    )
    return context


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the current page, readably."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]


def sign_in(page: Any, base_url: str, email: str, password: str, language: str = "sv") -> None:
    page.goto(f"{base_url}/{language}/account/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
