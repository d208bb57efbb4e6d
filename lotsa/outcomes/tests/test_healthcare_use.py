"""Entering a case's health-care use: visits to the health centre and the emergency
department in the six months before and after the referral, one entry per period."""

from __future__ import annotations

from lotsa.audit.models import AuditEvent
from lotsa.outcomes.models import HealthcareUse
from lotsa.referrals import actions as referral_actions
from lotsa.referrals.models import Case
from lotsa.test import BaseTestCase, make_case

from .answering import en_url


class HealthcareUseTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self.team_a, self.link_worker, self.gp)
        self.url = en_url("outcomes:healthcare-use", key=self.case.uuid)
        self.login(self.link_worker)

    def post(self, period: str, gp: object, emergency: object) -> object:
        return self.client.post(
            self.url, {"period": period, "gp_visits": gp, "emergency_visits": emergency}
        )

    def test_the_link_worker_enters_both_periods(self) -> None:
        response = self.post("before", 6, 2)
        self.assertRedirects(
            response,
            en_url("outcomes:case", key=self.case.uuid) + "#healthcare",
            fetch_redirect_response=False,
        )
        self.post("after", 3, 0)
        rows = {
            use.period: (use.gp_visits, use.emergency_visits, use.source, use.recorded_by)
            for use in HealthcareUse.objects.filter(case=self.case)
        }
        self.assertEqual(
            rows,
            {
                "before": (6, 2, "entered", self.link_worker),
                "after": (3, 0, "entered", self.link_worker),
            },
        )
        self.assertTrue(
            AuditEvent.objects.filter(
                object_type="outcomes.healthcareuse",
                action=AuditEvent.Action.CREATE,
                person_uuid=self.case.person.uuid,
            ).exists()
        )
        page = self.client.get(en_url("outcomes:case", key=self.case.uuid))
        self.assertContains(page, "Six months before the referral")
        self.assertContains(page, "Six months after the referral")

    def test_entering_a_period_again_replaces_it(self) -> None:
        self.post("before", 6, 2)
        self.post("before", 5, 1)
        use = HealthcareUse.objects.get(case=self.case)
        self.assertEqual((use.gp_visits, use.emergency_visits), (5, 1))

    def test_negative_or_missing_visits_are_refused_with_field_errors(self) -> None:
        response = self.post("before", -1, "")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ensure this value is greater than or equal to 0.")
        self.assertContains(response, "This field is required.")
        response = self.post("sometime", "två", 1)
        self.assertContains(response, "Select a valid choice.")
        self.assertContains(response, "Enter a whole number.")
        self.assertFalse(HealthcareUse.objects.exists())

    def test_a_closed_case_still_takes_its_health_care_use(self) -> None:
        referral_actions.close_case(
            self.case, reason=Case.ClosureReason.GOALS_MET, acting_user=self.link_worker
        )
        self.post("after", 1, 0)
        self.assertTrue(HealthcareUse.objects.filter(case=self.case, period="after").exists())
