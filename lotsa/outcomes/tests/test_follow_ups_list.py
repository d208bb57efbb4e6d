"""The link worker's list of follow-ups: those overdue and those due now or within two weeks,
of their own cases or the whole team's, complete even for cases nobody has opened yet."""

from __future__ import annotations

import datetime as dt

import time_machine

from lotsa.audit.models import AuditEvent
from lotsa.outcomes.actions import schedule_follow_ups
from lotsa.outcomes.models import FollowUp
from lotsa.referrals.models import Case
from lotsa.test import BaseTestCase, make_case, make_person, make_user

from .answering import en_url

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


class FollowUpListTests(BaseTestCase):
    def setUp(self) -> None:
        with time_machine.travel(START, tick=False):
            self.mine = make_case(self.team_a, self.link_worker, self.gp)
        self.colleague = make_user("kollega@example.org", self.health_centre_a, "link_worker")
        self.team_a.members.add(self.colleague)
        with time_machine.travel(START + dt.timedelta(days=80), tick=False):
            self.theirs = make_case(
                self.team_a, self.colleague, self.gp, person=make_person("Berit", "Nilsson")
            )
        self.login(self.link_worker)

    def get(self, days: int, scope: str = "") -> object:
        with time_machine.travel(START + dt.timedelta(days=days), tick=False):
            return self.client.get(en_url("outcomes:follow-ups") + scope)

    def test_it_lists_my_overdue_and_due_follow_ups_made_for_cases_nobody_opened(self) -> None:
        self.assertFalse(FollowUp.objects.exists())
        response = self.get(85)  # the baseline is overdue, 3 months due on 2025-06-03 (day 92)
        self.assertEqual(FollowUp.objects.count(), 8)
        overdue, due = response.context["overdue"], response.context["due"]
        self.assertEqual(
            [(p.follow_up.case, p.follow_up.months) for p in overdue], [(self.mine, 0)]
        )
        self.assertEqual([(p.follow_up.case, p.follow_up.months) for p in due], [(self.mine, 3)])
        self.assertContains(response, "Astrid Lindqvist: Baseline")
        self.assertContains(response, "Astrid Lindqvist: 3 months")
        self.assertNotContains(response, "Berit")

    def test_the_whole_team_shows_everyones(self) -> None:
        response = self.get(85, "?scope=team")
        self.assertContains(response, "Berit Nilsson: Baseline")
        self.assertContains(response, "kollega@example.org")

    def test_done_follow_ups_and_closed_cases_are_not_listed(self) -> None:
        schedule_follow_ups(self.mine)
        FollowUp.objects.filter(case=self.mine, months=0).update(completed_at=START)
        Case.objects.filter(pk=self.theirs.pk).update(
            closed_at=START, closure_reason=Case.ClosureReason.MOVED
        )
        response = self.get(85, "?scope=team")
        self.assertEqual(len(response.context["overdue"]), 0)
        self.assertNotContains(response, "Berit")

    def test_each_person_listed_is_logged_once(self) -> None:
        self.get(200, "?scope=team")
        events = AuditEvent.objects.filter(purpose="follow-ups")
        self.assertEqual(
            sorted(str(e.person_uuid) for e in events),
            sorted([str(self.mine.person.uuid), str(self.theirs.person.uuid)]),
        )

    def test_it_is_for_link_workers_only(self) -> None:
        for user in (self.gp, self.provider, self.manager, self.admin, self.coordinator):
            self.login(user)
            self.assertEqual(self.get(85).status_code, 404)
        self.login(self.outsider_link_worker)
        response = self.get(85, "?scope=team")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Astrid")
        self.assertNotContains(response, "Berit")
