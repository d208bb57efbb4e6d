"""In a real browser, with the demo users: the whole social prescription loop, a volunteer
connector's flag and a self-referral. axe-core finds no serious or critical violation on the
pages on the way.

GP refers → link worker triages, opens the case, records a contact and what matters, refers
to an activity → the association answers "accepted" through the e-mailed link (read from the
test outbox) → the link worker sees it and prints the prescription → the GP sees "started".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from lotsa.browser import closed_context, serious_violations, sign_in
from lotsa.directory.management.commands.seed_demo import DEMO_PASSWORD
from lotsa.directory.models import Offering
from lotsa.referrals.models import ActivityReferral, Referral

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GP = "gp@demo.lotsa.test"
LINK_WORKER = "linkworker@demo.lotsa.test"
CONNECTOR = "connector@demo.lotsa.test"


def assert_accessible(page: Any) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def sv(text: str) -> str:
    with translation.override("sv"):
        return translation.gettext(text)


def label(choice: Any, language: str = "sv") -> str:
    with translation.override(language):
        return str(choice.label)


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_referrals", verbosity=0)
    mail.outbox.clear()


def new_page(browser: Any, live_server: Any, email: str, language: str = "sv") -> Any:
    context = closed_context(browser, language)
    page = context.new_page()
    sign_in(page, live_server.url, email, DEMO_PASSWORD, language)
    return page


def test_the_whole_loop_from_gp_to_activity_and_back(demo: None, browser: Any, live_server: Any):
    base = live_server.url
    offering = (
        Offering.objects.filter(
            organization__email__endswith=".example.org", capacity__isnull=False
        )
        .filter(name__icontains="Stavgång")
        .first()
    )
    assert offering is not None and offering.places_free, "the demo needs an offering with places"

    # The GP refers a patient in one form.
    gp = new_page(browser, live_server, GP)
    gp.goto(f"{base}/sv/referrals/new/")
    assert_accessible(gp)
    gp.fill("input[name=person-first_name]", "Ingrid")
    gp.fill("input[name=person-last_name]", "Nilsson-Testberg")
    gp.fill("input[name=person-phone]", "070-174 06 10")
    gp.select_option("select[name=person-municipality]", "SE-2480")
    gp.check("input[name=reasons][value=loneliness]")
    gp.check("input[name=ucla3_companionship][value='3']")
    gp.check("input[name=ucla3_left_out][value='2']")
    gp.check("input[name=ucla3_isolated][value='3']")
    gp.check("input[name=consent_method][value=verbal]")
    gp.check("input[name=team_consent]")
    gp.check("input[name=feedback_consent]")
    gp.click("button[name=action][value=send]")
    gp.wait_for_load_state()
    assert "/referrals/sent/" in gp.url
    referral = Referral.objects.get(person__last_name="Nilsson-Testberg")
    assert referral.ucla3_score == 8
    assert_accessible(gp)

    # The link worker finds it in the team's inbox and opens a case.
    lw = new_page(browser, live_server, LINK_WORKER)
    lw.goto(f"{base}/sv/inbox/")
    assert_accessible(lw)
    lw.click(f"a[href*='/inbox/{referral.uuid}/']")
    lw.wait_for_load_state()
    assert_accessible(lw)
    lw.click("form:has(input[name=action][value=open]) button[type=submit]")
    lw.wait_for_load_state()
    assert "/cases/" in lw.url
    assert_accessible(lw)

    # A first call, and what matters to her.
    lw.check("input[name=channel][value=phone]")
    lw.fill("input[name=duration_minutes]", "20")
    lw.fill("textarea[name=note]", "Pratade om promenader.")
    lw.click("form[action*='/contacts/'] button[type=submit]")
    lw.wait_for_load_state()
    case_url = lw.url.split("#")[0]
    lw.click("a[href$='/edit/']")
    lw.wait_for_load_state()
    assert_accessible(lw)
    lw.fill("textarea[name=what_matters]", "Att komma ut och träffa folk igen.")
    lw.click("main form button[type=submit]")
    lw.wait_for_load_state()
    assert lw.url == case_url
    assert "Att komma ut och träffa folk igen." in lw.content()

    # She is referred on to an activity with places; capacity shows before referring.
    lw.click("a[href$='/find/']")
    lw.wait_for_load_state()
    lw.fill("input[name=q]", offering.name)
    lw.click("form[role=search] button[type=submit]")
    lw.wait_for_load_state()
    assert_accessible(lw)
    lw.click(f"a[href*='/refer/{offering.uuid}/']")
    lw.wait_for_load_state()
    assert_accessible(lw)
    lw.check("input[name=agrees]")
    lw.click("main form button[type=submit]")
    lw.wait_for_load_state()
    activity_referral = ActivityReferral.objects.get(case__referral=referral)
    assert activity_referral.status == ActivityReferral.Status.REQUESTED
    assert f"/activity-referrals/{activity_referral.uuid}/" in lw.url

    # The association answers through the link in its e-mail, without an account.
    answer_mails = [m for m in mail.outbox if "/answer/" in m.body]
    assert len(answer_mails) == 1
    link = re.search(r"https?://\S+/answer/\S+/", answer_mails[0].body)
    assert link is not None
    path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
    association = closed_context(browser, "sv").new_page()
    association.goto(f"{base}{path}")
    assert_accessible(association)
    assert "Ingrid" in association.content()
    association.check("input[name=answer][value=accept]")
    association.click("form:has(input[name=form][value=answer]) button[type=submit]")
    association.wait_for_load_state()
    assert_accessible(association)
    activity_referral.refresh_from_db()
    assert activity_referral.status == ActivityReferral.Status.ACCEPTED

    # The link worker sees the answer, prints the prescription and records the start.
    lw.goto(f"{base}/sv/activity-referrals/{activity_referral.uuid}/")
    assert label(ActivityReferral.Status.ACCEPTED) in lw.content()
    pdf = lw.request.get(f"{base}/sv/activity-referrals/{activity_referral.uuid}/prescription.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    lw.check("input[name=participation][value=started]")
    lw.click("form:has(input[name=action][value=participation]) button[type=submit]")
    lw.wait_for_load_state()
    activity_referral.refresh_from_db()
    assert activity_referral.status == ActivityReferral.Status.IN_PROGRESS

    # The GP, with the patient's consent to feedback, sees that she started.
    gp.goto(f"{base}/sv/referrals/sent/{referral.uuid}/")
    assert label(ActivityReferral.Status.IN_PROGRESS) in gp.content()
    assert offering.name in gp.content()
    assert "Pratade om promenader." not in gp.content()  # never the link worker's notes
    assert_accessible(gp)


def test_a_connector_flag_and_a_self_referral_reach_the_inbox(
    demo: None, browser: Any, live_server: Any
):
    base = live_server.url

    # The volunteer connector flags someone; they see only whether someone has called.
    connector = new_page(browser, live_server, CONNECTOR)
    connector.goto(f"{base}/sv/flags/new/")
    assert_accessible(connector)
    connector.fill("input[name=first_name]", "Gunnel")
    connector.fill("input[name=phone]", "070-174 06 11")
    connector.fill("textarea[name=details]", "Sitter ensam på apoteket varje dag.")
    connector.check("input[name=agreed_to_be_called]")
    connector.click("main form button[type=submit]")
    connector.wait_for_load_state()
    flag = Referral.objects.get(source=Referral.Source.CONNECTOR, person__first_name="Gunnel")
    connector.goto(f"{base}/sv/flags/")
    row = connector.locator("tr", has_text="Gunnel")
    assert sv("Not yet") in row.inner_text()
    assert_accessible(connector)

    # A person refers themself from the public site, in Danish.
    page = closed_context(browser, "da").new_page()
    page.goto(f"{base}/da/refer-yourself/")
    assert_accessible(page)
    page.fill("input[name=first_name]", "Karen")
    page.fill("input[name=phone]", "070-174 06 12")
    page.select_option("select[name=municipality]", "SE-2480")
    page.check("input[name=reasons][value=loneliness]")
    page.check("input[name=consent]")
    # The form refuses answers faster than a person can type: let a few seconds pass.
    with time_machine.travel(dt.timedelta(seconds=10)):
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
    assert "/refer-yourself/thanks/" in page.url
    assert_accessible(page)
    own = Referral.objects.get(source=Referral.Source.SELF, person__first_name="Karen")
    assert own.person.language == "da"

    # Both wait in the link worker team's inbox; a call shows on the connector's list.
    lw = new_page(browser, live_server, LINK_WORKER)
    lw.goto(f"{base}/sv/inbox/")
    assert f"/inbox/{flag.uuid}/" in lw.content()
    assert f"/inbox/{own.uuid}/" in lw.content()
    lw.goto(f"{base}/sv/inbox/{flag.uuid}/")
    lw.click("form:has(input[name=action][value=open]) button[type=submit]")
    lw.wait_for_load_state()
    lw.check("input[name=channel][value=phone]")
    lw.fill("textarea[name=note]", "Hon vill gärna börja sjunga.")
    lw.click("form[action*='/contacts/'] button[type=submit]")
    lw.wait_for_load_state()
    flag.refresh_from_db()
    assert flag.first_contact_at is not None
    connector.goto(f"{base}/sv/flags/")
    row = connector.locator("tr", has_text="Gunnel")
    assert sv("Not yet") not in row.inner_text()
    connector.click("a:text('Gunnel')")
    connector.wait_for_load_state()
    assert "sjunga" not in connector.content()  # the link worker's note stays with them
    assert "174 06 11" not in connector.content()
    assert_accessible(connector)
