"""In a real browser, in Swedish: the administrator opens the log review, finds a person by
identity number (which never shows in the address), sees the events about them, opens the
alerts, draws a sample and records the log check, then opens the person's log extract, whose
PDF link answers with a PDF. axe-core finds no serious or critical violation on the way."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from lotsa.audit.models import AuditEvent
from lotsa.browser import serious_violations, sign_in
from lotsa.privacy.models import LogCheck
from lotsa.test import (
    PASSWORD,
    Role,
    make_case,
    make_organization,
    make_person,
    make_team,
    make_user,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Screenshots for people to look at: /tmp/lotsa/shots on Linux.
SHOTS = Path(tempfile.gettempdir()) / "lotsa" / "shots"
IDENTITY_NUMBER = "19460315-4545"  # a valid, synthetic personnummer


def assert_accessible(page: Any) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def submit(page: Any, form: str) -> None:
    page.locator(f"{form} button[type=submit]").click()
    page.wait_for_load_state()


def test_the_administrator_reviews_the_log_and_prints_a_persons_extract(
    live_server: Any, page: Any
) -> None:
    base = live_server.url
    centre = make_organization("Vårdcentralen Ålidhem", "health_centre")
    municipality = make_organization("Umeå kommun", "municipality")
    gp = make_user("gp@example.org", centre, Role.CLINICIAN)
    link_worker = make_user("lw@example.org", centre, Role.LINK_WORKER)
    admin = make_user("admin@example.org", municipality, Role.ADMINISTRATOR)
    team = make_team("Hälsolotsarna Ålidhem", centre, link_worker)
    person = make_person(
        "Ingegerd", "Söderström", identity_number="194603154545", identity_kind="personnummer"
    )
    make_case(team, link_worker, gp, person=person)
    SHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, base, admin.email, PASSWORD)
    page.goto(f"{base}/sv/privacy/review/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "review.png"), full_page=True)

    # Find the person by identity number: the number goes in a POST, the address has the key.
    page.fill("#person_identity_number", IDENTITY_NUMBER)
    submit(page, "form[method=post]:has(#person_identity_number)")
    assert f"/sv/privacy/review/people/{person.uuid}/" in page.url
    assert "4545" not in page.url and "194603" not in page.url
    events = page.locator("table.events tbody tr")
    assert events.count() >= 3
    assert "gp@example.org" in page.locator("table.events").inner_text()
    assert_accessible(page)

    # The alerts of the last seven days.
    page.locator("nav a[href$='/review/alerts/']").click()
    page.wait_for_load_state()
    assert page.url.endswith("/sv/privacy/review/alerts/")
    assert_accessible(page)

    # A sample of today's reads, recorded as the log check.
    page.locator("nav a[href$='/review/sample/']").click()
    page.wait_for_load_state()
    assert re.search(r"^\d+$", page.input_value("#id_seed"))
    today = timezone.localdate().isoformat()
    page.fill("#id_since", today)
    page.fill("#id_until", today)
    page.fill("#id_seed", "4711")
    submit(page, "form[method=get]:has(#id_seed)")
    assert "seed=4711" in page.url
    assert page.locator("table.events tbody tr").count() >= 1
    assert_accessible(page)
    page.check("input[name=outcome][value=no_findings]")
    page.fill("textarea[name=notes]", "Alla händelser hade ett ärende.")
    submit(page, "form[method=post]:has(textarea[name=notes])")
    assert page.url.endswith("/sv/privacy/review/")
    check = LogCheck.objects.get()
    assert (check.seed, check.checked_by_id, check.chain_intact) == (4711, admin.pk, True)
    assert "4711" in page.locator("main").inner_text()
    assert_accessible(page)

    # The person's log extract: the page, and its PDF.
    page.goto(f"{base}/sv/privacy/people/{person.uuid}/log-extract/")
    assert "Vårdcentralen Ålidhem" in page.locator("table.extract-table").inner_text()
    assert "gp@example.org" not in page.content()
    assert page.locator("button[data-print]").is_visible()
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "extract.png"), full_page=True)
    href = page.locator("a[href*='log-extract.pdf']").get_attribute("href")
    pdf = page.request.get(f"{base}{href}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    prints = AuditEvent.objects.filter(
        action=AuditEvent.Action.PRINT, person_uuid=person.uuid, user=admin
    )
    assert prints.count() == 2
