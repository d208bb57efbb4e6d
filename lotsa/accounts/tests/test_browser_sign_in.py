"""In a real browser: signing in works by keyboard and the page passes axe-core."""

import pytest

from lotsa.browser import serious_violations, sign_in
from lotsa.test import PASSWORD, Role, make_organization, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_provider_signs_in_and_sees_the_start_page(live_server, page) -> None:
    organization = make_organization("Föreningen Gå Tillsammans")
    make_user("provider@example.org", organization, Role.PROVIDER)
    page.goto(f"{live_server.url}/sv/account/login/")
    assert serious_violations(page) == []
    sign_in(page, live_server.url, "provider@example.org", PASSWORD)
    assert page.url.endswith("/sv/staff/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Välkommen")
    assert serious_violations(page) == []


def test_the_language_switcher_changes_the_page_to_danish(live_server, page) -> None:
    page.goto(f"{live_server.url}/sv/account/login/")
    page.select_option("#language-select", "da")
    page.get_by_role("button", name="Byt").click()
    page.wait_for_url("**/da/account/login/")
    assert page.locator("html").get_attribute("lang") == "da"
