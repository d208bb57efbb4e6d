"""In a real browser, in Swedish and Danish: a researcher opens the research export, reads the
data dictionary, forgets to say what the export is for (and is told), then downloads the
zipped CSV, which holds the cases of the people who consented to research. axe-core finds no
serious or critical violation, nor the browser one of the Content-Security-Policy."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from lotsa.browser import closed_context, serious_violations, sign_in
from lotsa.people import actions as people_actions
from lotsa.people.models import Consent
from lotsa.test import (
    PASSWORD,
    Role,
    make_case,
    make_organization,
    make_person,
    make_team,
    make_user,
)
from lotsa.tests.test_browser_csp import Watched

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

KEY = "kanarie-nyckel-for-webblasaren-0123456789-abcdefghij"
# Screenshots for people to look at: /tmp/lotsa/shots on Linux.
SHOTS = Path(tempfile.gettempdir()) / "lotsa" / "shots"


def assert_accessible(page: Any) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def world() -> str:
    """Six women of about seventy in Umeå referred to a team, five consenting to research;
    the researcher's e-mail address."""
    centre = make_organization("Vårdcentralen Ålidhem", "health_centre")
    municipality = make_organization("Umeå kommun", "municipality")
    gp = make_user("gp@example.org", centre, Role.CLINICIAN)
    link_worker = make_user("lw@example.org", centre, Role.LINK_WORKER)
    researcher = make_user("researcher@example.org", municipality, Role.RESEARCHER)
    team = make_team("Hälsolotsarna Ålidhem", centre, link_worker)
    for index in range(6):
        person = make_person(
            f"Forskning{chr(65 + index)}",
            "Kanariesson",
            sex="female",
            birth_date=make_birth_date(70 + index % 3),
        )
        if index:
            people_actions.record_consent(
                person, Consent.Scope.RESEARCH, method=Consent.Method.WRITTEN, acting_user=None
            )
        make_case(team, link_worker, gp, person=person)
    return researcher.email


def make_birth_date(age: int) -> dt.date:
    today = timezone.localdate() - dt.timedelta(days=40)
    return today.replace(year=today.year - age, day=min(today.day, 28))


@pytest.mark.parametrize("language", ["sv", "da"])
def test_a_researcher_reads_the_dictionary_and_downloads_the_export(
    live_server: Any, browser: Any, settings: Any, language: str
) -> None:
    settings.LOTSA_RESEARCH_PSEUDONYM_KEY = KEY
    email = world()
    context = closed_context(browser, language)
    page = context.new_page()
    watched = Watched(page)
    sign_in(page, live_server.url, email, PASSWORD, language)

    page.goto(f"{live_server.url}/{language}/reports/research/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#dictionary-cases code", has_text="person_id").count() == 1
    assert page.locator("#dictionary-assessments").is_visible()
    assert_accessible(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"research-{language}.png"), full_page=True)

    # Without a purpose: the field's error, and no file.
    page.locator("#research-submit").click()
    page.wait_for_load_state()
    assert page.locator("#form-errors").is_visible()
    assert page.locator("#id_purpose_error").is_visible()
    assert_accessible(page)

    page.fill("#id_purpose", "Studie om ensamhet, Dnr 2025-01234-01")
    with page.expect_download() as info:
        page.locator("#research-submit").click()
    download = info.value
    assert download.suggested_filename.startswith("lotsa-research-")
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        cases = list(csv.DictReader(io.StringIO(archive.read("cases.csv").decode("utf-8-sig"))))
        everything = "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    assert len(cases) == 5
    assert {row["unit"] for row in cases} == {"Vårdcentralen Ålidhem"}
    assert "Kanariesson" not in everything and KEY not in everything
    watched.assert_clean()
    context.close()
