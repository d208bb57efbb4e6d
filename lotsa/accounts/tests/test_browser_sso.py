"""In a real browser: the sign-on button takes the user to the provider and back, signed in."""

from __future__ import annotations

import pytest
import requests
from django.test.utils import override_settings

from lotsa.browser import serious_violations
from lotsa.test import Role, make_organization, make_user

from .test_sso import provider_settings, provider_url  # noqa: F401  (the provider fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_provider_contact_signs_in_through_the_provider(
    live_server,
    page,
    provider_url: str,  # noqa: F811
) -> None:
    organization = make_organization("Föreningen Gå Tillsammans")
    make_user("karin.berg@example.org", organization, Role.PROVIDER)
    claims = {"email": "karin.berg@example.org", "email_verified": True}
    requests.put(f"{provider_url}/users/karin", json=claims, timeout=5).raise_for_status()
    with override_settings(**provider_settings(provider_url)):
        page.goto(f"{live_server.url}/sv/account/login/")
        button = page.get_by_role("button", name="SITHS / BankID")
        assert button.is_visible()
        assert serious_violations(page) == []
        button.click()
        page.wait_for_url(f"{provider_url}/**")
        page.fill("input[name=sub]", "karin")
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url("**/sv/staff/")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Välkommen")
