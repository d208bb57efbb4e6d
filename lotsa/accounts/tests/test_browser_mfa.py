"""In a real browser: a link worker is sent to enrol an authenticator app, enrols with a code
computed from the secret on the page, sees the recovery codes, and is asked for a code at the
next sign-in. axe-core finds no serious or critical violation on the way."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import struct
import time
from typing import Any

import pytest
import time_machine
from django.test import override_settings

from lotsa.browser import serious_violations
from lotsa.test import PASSWORD, Role, make_organization, make_team, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 with the usual parameters (SHA-1, 30 seconds, 6 digits), as an app does it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def assert_accessible(page: Any) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def fill_sign_in(page: Any, email: str) -> None:
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@override_settings(LOTSA_REQUIRE_MFA=True)
def test_a_link_worker_enrols_and_then_signs_in_with_a_code(live_server: Any, page: Any) -> None:
    base = live_server.url
    centre = make_organization("Vårdcentralen Ålidhem")
    worker = make_user("lw@example.org", centre, Role.LINK_WORKER)
    make_team("Hälsolotsarna Ålidhem", centre, worker)

    # Signing in leads to enrolment, not to the inbox.
    page.goto(f"{base}/sv/inbox/")
    fill_sign_in(page, worker.email)
    assert "/sv/account/2fa/totp/activate/" in page.url
    assert_accessible(page)

    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) == 32
    page.locator("input[name=code]").fill(totp(secret))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # Recovery codes, shown once enrolled.
    assert "/sv/account/2fa/recovery-codes/" in page.url
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    assert_accessible(page)

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()

    # The next sign-in asks for a code, a new one half a minute later (a code works once).
    with time_machine.travel(dt.timedelta(seconds=30)):
        page.goto(f"{base}/sv/inbox/")
        fill_sign_in(page, worker.email)
        assert "/sv/account/2fa/authenticate/" in page.url
        assert_accessible(page)
        page.locator("input[name=code]").fill(totp(secret))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        assert page.url.endswith("/sv/inbox/")
