"""A person's data export (GDPR art. 15): everything Lotsa holds about them, and nothing else.

`make_full_case` (also used by the purge and erasure tests) fills every field a person's
record has with a canary value that names its tag, so that a test can look for each.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Offering, Term
from lotsa.outcomes import actions as outcome_actions
from lotsa.outcomes.models import FollowUp, Mode
from lotsa.people.models import BreakGlass, Person
from lotsa.privacy import subject
from lotsa.referrals import actions as referral_actions
from lotsa.referrals.models import ActivityReferral, ActivityReferralEvent, Case, Contact
from lotsa.test import (
    BaseTestCase,
    make_activity_referral,
    make_case,
    make_offering,
    make_person,
    make_referral,
)

Status = ActivityReferral.Status


def canaries(tag: str) -> dict[str, str]:
    """Unique values for the fields that name or reach a person, and for every free text."""
    digits = str(int(hashlib.sha256(tag.encode()).hexdigest(), 16) % 10**8).zfill(8)
    return {
        "first_name": f"Quillan{tag}",
        "last_name": f"Vasterbo{tag}",
        "identity_number": f"1950{digits}",
        "phone": f"+4670{digits[:7]}",
        "email": f"canary.{tag.lower()}@example.org",
        "address": f"Kanarievägen {tag}",
        "postcode": f"9{digits[:4]}",
        "city": f"Kanarieby{tag}",
        "details": f"referral details {tag}",
        "decline_reason": f"decline reason {tag}",
        "what_matters": f"what matters {tag}",
        "plan": f"plan {tag}",
        "closure_note": f"closing note {tag}",
        "note": f"contact note {tag}",
        "message": f"message to the activity {tag}",
        "reason_text": f"explanation {tag}",
        "event_text": f"event text {tag}",
        "break_glass": f"break-glass reason {tag}",
        "would_change": f"would change {tag}",
    }


IDENTIFYING = ("first_name", "last_name", "identity_number", "phone", "email", "address")


def make_full_case(
    test: Any,
    tag: str,
    offering: Offering,
    *,
    opened: dt.datetime | None = None,
    closed: dt.datetime | None = None,
    in_activity: bool = False,
    declined: bool = True,
) -> Case:
    """A case with every field filled in with `tag`'s canaries, opened and closed when asked."""
    values = canaries(tag)
    with time_machine.travel(opened or timezone.now(), tick=False):
        person = make_person(
            values["first_name"],
            values["last_name"],
            identity_number=values["identity_number"],
            identity_kind="personnummer",
            birth_date=dt.date(1950, 6, 17),
            phone=values["phone"],
            email=values["email"],
            address=values["address"],
            postcode=values["postcode"],
            city=values["city"],
            sex=Person.Sex.FEMALE,
            household=Person.Household.ALONE,
        )
        case = make_case(
            test.team_a,
            test.link_worker,
            test.gp,
            person=person,
            details=values["details"],
            ucla3=(3, 2, 3),
        )
        referral_actions.update_case(
            case,
            {"what_matters": values["what_matters"], "plan": values["plan"]},
            acting_user=test.link_worker,
            interests=list(Term.objects.filter(code="walking-outdoor")),
        )
        referral_actions.record_contact(
            case, channel=Contact.Channel.PHONE, note=values["note"], acting_user=test.link_worker
        )
        item = make_activity_referral(case, offering, test.link_worker, message=values["message"])
        ActivityReferralEvent.objects.create(
            activity_referral=item, status=item.status, text=values["event_text"]
        )
        add_outcomes(test, case, values["would_change"])
        if in_activity:
            ActivityReferral.objects.filter(pk=item.pk).update(status=Status.IN_PROGRESS)
        if declined:
            # An earlier referral of the same person that another team declined.
            earlier = make_referral(test.team_b, test.outsider, person, details=values["details"])
            referral_actions.decline_referral(
                earlier, values["decline_reason"], acting_user=test.outsider_link_worker
            )
    if closed is not None:
        with time_machine.travel(closed, tick=False):
            referral_actions.close_case(
                case,
                reason=Case.ClosureReason.GOALS_MET,
                next_step=Case.NextStep.WORK,
                note=values["closure_note"],
                acting_user=test.link_worker,
            )
    # Last: cancelling the waiting referral at closing clears its explanation.
    ActivityReferral.objects.filter(pk=item.pk).update(reason_text=values["reason_text"])
    case.refresh_from_db()
    return case


WHO5_ITEMS = ("cheerful", "calm", "active", "rested", "interest")


def add_outcomes(test: Any, case: Case, would_change: str) -> None:
    """The baseline (WHO-5, each item 2: 40 points) and the 3-month follow-up (each item 4:
    80 points, and the experience survey), and the visits in the six months before."""
    baseline, three_months, *_later = outcome_actions.schedule_follow_ups(case)
    outcome_actions.record_follow_up(
        baseline,
        answers={"who5": dict.fromkeys(WHO5_ITEMS, 2)},
        mode=Mode.WITH_LINK_WORKER,
        acting_user=test.link_worker,
    )
    outcome_actions.record_follow_up(
        three_months,
        answers={"who5": dict.fromkeys(WHO5_ITEMS, 4)},
        survey=outcome_actions.SurveyAnswers(4, "yes", "some", would_change),
        mode=Mode.WITH_LINK_WORKER,
        acting_user=test.link_worker,
    )
    FollowUp.objects.filter(case=case, months=6).update(link_nonce="0123456789abcdef")
    outcome_actions.record_healthcare_use(
        case, period="before", gp_visits=6, emergency_visits=2, acting_user=test.link_worker
    )


def add_break_glass(test: Any, person: Person, tag: str) -> BreakGlass:
    now = timezone.now()
    return BreakGlass.objects.create(
        user=test.admin,
        person=person,
        reason=canaries(tag)["break_glass"],
        started_at=now,
        ends_at=now + dt.timedelta(hours=1),
    )


def en_url(name: str, *args: object) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


class ExportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.offering = make_offering(cls.association)
        later = timezone.now() + dt.timedelta(minutes=5)
        cls.case = make_full_case(cls, "Alpha", cls.offering, closed=later)
        cls.person = cls.case.person
        add_break_glass(cls, cls.person, "Alpha")
        cls.other = make_full_case(cls, "Beta", make_offering(cls.association, "Körsång"))
        add_break_glass(cls, cls.other.person, "Beta")


class CollectTests(ExportTestCase):
    def exported(self) -> str:
        with translation.override("en"):
            data = subject.collect(self.person)
        return json.dumps(data, default=str, ensure_ascii=False)

    def test_it_holds_the_canary_of_every_field(self) -> None:
        text = self.exported()
        for field, value in canaries("Alpha").items():
            with self.subTest(field=field):
                self.assertIn(value, text)

    def test_it_holds_nothing_of_another_person(self) -> None:
        text = self.exported()
        for field, value in canaries("Beta").items():
            with self.subTest(field=field):
                self.assertNotIn(value, text)
        self.assertNotIn(str(self.other.person.uuid), text)

    def test_it_holds_consents_referrals_cases_and_their_history(self) -> None:
        with translation.override("en"):
            data = subject.collect(self.person)
        self.assertEqual(
            [c["scope"] for c in data["consents"][:3]],
            [
                "The link worker team may receive the referral",
                "The referring unit may see how it went",
                "A named provider may receive chosen details",
            ],
        )
        self.assertEqual(data["consents"][2]["fields"], ["Name", "Phone"])
        self.assertEqual(data["consents"][2]["recipient"], self.association.name)
        self.assertEqual(data["referrals"][0]["loneliness_score"], 8)
        case = data["cases"][0]
        self.assertEqual(case["interests"], ["Walking and outdoors"])
        self.assertEqual(len(case["contacts"]), 1)
        events = case["activity_referrals"][0]["events"]
        self.assertIn("event text Alpha", [event["text"] for event in events])
        self.assertEqual(data["break_glass"][0]["unit"], self.municipality.name)

    def test_staff_appear_by_unit_never_by_name(self) -> None:
        text = self.exported()
        for user in (self.gp, self.link_worker, self.admin):
            self.assertNotIn(user.email, text)
        self.assertIn(self.team_a.name, text)

    def test_its_log_extract_lists_the_units_that_looked(self) -> None:
        with translation.override("en"):
            rows = subject.collect(self.person)["access_log"]
        self.assertTrue(rows)
        self.assertTrue(all(set(row) == {"at", "unit", "action", "purpose"} for row in rows))

    def test_it_costs_the_same_queries_for_one_case_as_for_three(self) -> None:
        with CaptureQueriesContext(connection) as one:
            subject.collect(self.person)
        for tag in ("Gamma", "Delta"):
            offering = make_offering(self.association, f"Aktivitet {tag}")
            more = make_full_case(self, tag, offering)
            # A second and third case for the same person: move them over.
            Case.objects.filter(pk=more.pk).update(person=self.person)
            more.referral.__class__.objects.filter(pk=more.referral_id).update(person=self.person)
        self.assertEqual(self.person.cases.count(), 3)
        with CaptureQueriesContext(connection) as three:
            data = subject.collect(self.person)
        self.assertEqual(len(data["cases"]), 3)
        self.assertEqual(len(one), len(three))
        self.assertLessEqual(len(three), 17)

    def test_it_holds_the_follow_ups_answers_scores_surveys_and_health_care_use(self) -> None:
        with translation.override("en"):
            case = subject.collect(self.person)["cases"][0]
        self.assertEqual(
            [(f["point"], f["completed_at"] is not None) for f in case["follow_ups"]],
            [("Baseline", True), ("3 months", True), ("6 months", False), ("12 months", False)],
        )
        baseline, three_months = case["assessments"]
        self.assertEqual(baseline["instrument"], "Wellbeing (WHO-5)")
        self.assertEqual(baseline["point"], "Baseline")
        self.assertIn(
            "I have felt cheerful and in good spirits: Less than half of the time",
            baseline["answers"],
        )
        self.assertEqual(baseline["scores"], ["Raw score: 10", "Score (0–100): 40"])
        self.assertEqual(three_months["scores"], ["Raw score: 20", "Score (0–100): 80"])
        [survey] = case["experience_surveys"]
        self.assertEqual((survey["point"], survey["satisfaction"]), ("3 months", 4))
        self.assertEqual(survey["would_change"], "would change Alpha")
        self.assertEqual(
            case["healthcare_use"],
            [
                {
                    "period": "Six months before the referral",
                    "gp_visits": 6,
                    "emergency_visits": 2,
                    "entered": "Entered",
                }
            ],
        )
        # The link's secret is never part of the export.
        self.assertNotIn("0123456789abcdef", self.exported())


class ExportPageTests(ExportTestCase):
    def test_the_administrator_gets_a_printable_page_and_one_export_event(self) -> None:
        self.login(self.admin)
        before = AuditEvent.objects.filter(person_uuid=self.person.uuid).count()
        response = self.client.get(en_url("privacy:export", self.person.uuid))
        self.assertContains(response, "what matters Alpha")
        self.assertContains(response, canaries("Alpha")["identity_number"])
        self.assertNotContains(response, "what matters Beta")
        # The outcomes, a line per entry under the case.
        self.assertContains(response, "<dt>Questionnaires</dt>", html=True)
        self.assertContains(response, "Scores: Raw score: 10, Score (0–100): 40")
        self.assertContains(response, "What you would change: would change Alpha")
        self.assertContains(response, "Visits to the health centre: 6")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(
            AuditEvent.objects.filter(person_uuid=self.person.uuid).count(), before + 1
        )
        event = AuditEvent.objects.filter(person_uuid=self.person.uuid).order_by("sequence").last()
        assert event is not None
        self.assertEqual(event.action, AuditEvent.Action.EXPORT)
        self.assertEqual(event.user, self.admin)

    def test_the_json_file_is_an_attachment_with_iso_dates(self) -> None:
        self.login(self.admin)
        response = self.client.get(en_url("privacy:export-json", self.person.uuid))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="lotsa-{self.person.uuid}.json"'
        )
        data = json.loads(response.content)
        self.assertEqual(data["person"]["first_name"], "QuillanAlpha")
        self.assertEqual(data["person"]["birth_date"], "1950-06-17")
        dt.datetime.fromisoformat(data["cases"][0]["opened_at"])
        self.assertNotIn("Beta", response.content.decode())
        self.assertEqual(
            AuditEvent.objects.filter(
                person_uuid=self.person.uuid, action=AuditEvent.Action.EXPORT
            ).count(),
            1,
        )

    def test_everyone_but_administrators_gets_404(self) -> None:
        urls = [
            en_url("privacy:export", self.person.uuid),
            en_url("privacy:export-json", self.person.uuid),
        ]
        for user in (
            self.gp,
            self.link_worker,
            self.provider,
            self.coordinator,
            self.connector,
            self.manager,
            self.researcher,
            self.outsider,
            self.outsider_link_worker,
        ):
            self.login(user)
            for url in urls:
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 302)

    def test_an_unknown_key_is_404(self) -> None:
        self.login(self.admin)
        response = self.client.get(en_url("privacy:export", "8a4c2b8e-0000-4000-8000-000000000000"))
        self.assertEqual(response.status_code, 404)
