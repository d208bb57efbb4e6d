"""In a real browser, on a phone-sized screen: a person gets the text message with their
follow-up link (read from the SMS outbox), opens it, first sends it half answered and is
shown what is missing, then answers and sees the thank-you page; the answers are stored as
their own (mode "self"). In Swedish and in Danish, each organisation with its own
instruments. axe-core finds no serious or critical violation on the form, on the form with
its errors, nor on the thank-you page; the browser reports no CSP violation. Screenshots go
to /tmp/lotsa/respond-<language>.png for a person to look at."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from lotsa.accounts.models import Organization
from lotsa.browser import closed_context, serious_violations
from lotsa.messaging import sms
from lotsa.outcomes import actions, instruments, links
from lotsa.outcomes.models import Assessment, ExperienceSurvey, FollowUp, Mode, OutcomeSettings
from lotsa.test import (
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

SHOTS = Path(tempfile.gettempdir()) / "lotsa"
PHONE = {"width": 390, "height": 844}  # a common phone, in CSS pixels
LINK = re.compile(r"https?://\S+?(/(?:sv|da)/questions/[^/\s]+/)")
WORLDS = {
    "sv": {
        "centre": "Vårdcentralen Ålidhem",
        "municipality": "SE-2480",
        "team": "Hälsolotsarna Ålidhem",
        "instruments": ["ucla3", "who5", "swemwbs"],
        "phone": "+46701740610",
    },
    "da": {
        "centre": "Sundhedshuset Viby",
        "municipality": "DK-751",
        "team": "Brobyggerne Aarhus",
        "instruments": ["who5", "djg6", "ons4"],
        "phone": "+4520123456",
    },
}


def in_language(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def assert_accessible(page: Any) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def follow_up_for(language: str) -> FollowUp:
    """A person of a health centre in Sweden or Denmark, three months on, who gets texts."""
    world = WORLDS[language]
    centre = make_organization(
        world["centre"], Organization.Kind.HEALTH_CENTRE, municipality=world["municipality"]
    )
    OutcomeSettings.objects.create(organization=centre, instruments=world["instruments"])
    worker = make_user(f"lw-{language}@example.org", centre, Role.LINK_WORKER)
    team = make_team(world["team"], centre, worker)
    team.phone = "090-12 34 56" if language == "sv" else "86 12 34 56"
    team.save()
    person = make_person(
        "Ingrid" if language == "sv" else "Karen",
        "Testberg",
        phone=world["phone"],
        language=language,
        contact_preference="sms",
        municipality=world["municipality"],
    )
    case = make_case(team, worker, person=person)
    follow_up = actions.schedule_follow_ups(case)[1]
    links.send_link(follow_up, channel="sms", acting_user=worker)
    return follow_up


def choose(page: Any, code: str, item: str, value: int) -> None:
    """Tap the answer's whole row, as a finger would."""
    page.click(f"label[for='id_{code}-{item}_{value}']")


@pytest.mark.parametrize("language", ["sv", "da"])
def test_a_person_answers_their_follow_up_on_a_phone(
    language: str, browser: Any, live_server: Any
) -> None:
    follow_up = follow_up_for(language)
    assert len(sms.outbox) == 1, "the link goes out by text message"
    message = sms.outbox[0]
    assert message.to == WORLDS[language]["phone"]
    found = LINK.search(message.body)
    assert found is not None, message.body
    assert "Testberg" not in message.body

    context = closed_context(browser, "sv-SE" if language == "sv" else "da-DK")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    watched = Watched(page)
    page.goto(live_server.url + found.group(1))
    assert page.locator("html").get_attribute("lang") == language
    first = instruments.get(WORLDS[language]["instruments"][0])
    assert page.get_by_text(first.items[0].text[language]).count() >= 1
    assert "Testberg" not in page.content()
    # One column: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / f"respond-{language}.png"), full_page=True)

    # The answer rows are big enough for a finger (WCAG 2.5.5: 44 px).
    box = page.locator(f"label[for='id_{first.code}-{first.items[0].key}_0']").bounding_box()
    assert box is not None and box["height"] >= 44

    # Half answered, without the experience survey: the form comes back with its problems.
    answers = {
        "ucla3": [3, 2, 3],
        "who5": [2, 3, 2, 1, 3],
        "swemwbs": [3, 3, 2, 3, 4, 2, 3],
        "djg6": [2, 1, 2, 2, 3, 2],
        "ons4": [6, 7, 5, 4],
    }
    for code in WORLDS[language]["instruments"]:
        instrument = instruments.get(code)
        for item, value in zip(instrument.items, answers[code], strict=True):
            index = [choice.value for choice in item.choices].index(value)
            choose(page, code, item.key, index)
    page.click("button.respond-submit")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_accessible(page)
    assert not Assessment.objects.exists()
    page.screenshot(path=str(SHOTS / f"respond-{language}-errors.png"), full_page=True)

    # The links of the summary lead to the questions; the answers given stay chosen.
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_survey-satisfaction_0"
    chosen = [choice.value for choice in first.items[0].choices].index(answers[first.code][0])
    assert page.locator(f"#id_{first.code}-{first.items[0].key}_{chosen}").is_checked()
    choose(page, "survey", "satisfaction", 1)
    choose(page, "survey", "hours_suited", 0)
    choose(page, "survey", "progress", 1)
    page.fill("#id_survey-would_change", "Fler träffar." if language == "sv" else "Flere møder.")
    page.click("button.respond-submit")
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == in_language("Thank you for your answers", language)
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / f"respond-{language}-thanks.png"), full_page=True)
    watched.assert_clean()

    stored = Assessment.objects.filter(follow_up=follow_up)
    assert sorted(stored.values_list("instrument", flat=True)) == sorted(
        WORLDS[language]["instruments"]
    )
    assert set(stored.values_list("mode", flat=True)) == {Mode.SELF}
    assert set(stored.values_list("recorded_by", flat=True)) == {None}
    survey = ExperienceSurvey.objects.get(follow_up=follow_up)
    assert (survey.satisfaction, survey.mode) == (4, Mode.SELF)

    # The link is used now: opening it again explains so, kindly.
    page.goto(live_server.url + found.group(1))
    assert page.locator("h1").inner_text() == in_language(
        "Your answers have already been sent", language
    )
    assert_accessible(page)
    context.close()
