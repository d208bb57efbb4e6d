"""'My caseload': open cases and what needs doing today."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lotsa.referrals import actions
from lotsa.referrals.actions import Answer
from lotsa.referrals.models import Case, Referral
from lotsa.test import (
    BaseTestCase,
    Role,
    make_activity_referral,
    make_case,
    make_offering,
    make_person,
    make_referral,
    make_user,
)


def en_url(name: str, *args: object) -> str:
    """A URL under /en/, so that texts compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


class CaseloadTests(BaseTestCase):
    url = en_url("referrals:caseload")

    def setUp(self) -> None:
        self.colleague = make_user("colleague@example.org", self.health_centre_a, Role.LINK_WORKER)
        self.team_a.members.add(self.colleague)

    def test_it_lists_my_open_cases_with_their_stage(self) -> None:
        mine = make_case(self.team_a, self.link_worker, self.gp)
        actions.change_stage(mine, Case.Stage.TALKS, acting_user=self.link_worker)
        make_case(self.team_a, self.colleague, self.gp, person=make_person("Other"))
        closed = make_case(self.team_a, self.link_worker, self.gp, person=make_person("Closed"))
        actions.close_case(closed, reason=Case.ClosureReason.MOVED, acting_user=self.link_worker)
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertEqual([c.pk for c in response.context["cases"]], [mine.pk])
        self.assertContains(response, "One-to-one talks")

    def test_it_shows_the_whole_team_on_request(self) -> None:
        mine = make_case(self.team_a, self.link_worker, self.gp)
        theirs = make_case(self.team_a, self.colleague, self.gp, person=make_person("Other"))
        self.login(self.link_worker)
        response = self.client.get(self.url, {"scope": "team"})
        self.assertEqual({c.pk for c in response.context["cases"]}, {mine.pk, theirs.pk})

    def test_it_lists_new_referrals_assigned_to_me_and_overdue_ones(self) -> None:
        assigned = make_referral(self.team_a, self.gp, make_person("Assigned"))
        Referral.objects.filter(pk=assigned.pk).update(assigned_to=self.link_worker)
        overdue = make_referral(self.team_a, self.gp, make_person("Overdue"))
        Referral.objects.filter(pk=overdue.pk).update(due_on=self.today() - dt.timedelta(days=2))
        make_referral(self.team_a, self.gp, make_person("Fresh"))
        colleagues = make_referral(self.team_a, self.gp, make_person("Colleagues"))
        Referral.objects.filter(pk=colleagues.pk).update(assigned_to=self.colleague)
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertEqual(
            {r.pk for r in response.context["waiting_referrals"]}, {assigned.pk, overdue.pk}
        )
        self.assertContains(response, "Overdue")

    def test_it_lists_cases_not_contacted_and_cases_due_today(self) -> None:
        fresh = make_case(self.team_a, self.link_worker, self.gp)
        due = make_case(self.team_a, self.link_worker, self.gp, person=make_person("Due"))
        actions.record_contact(due, channel="phone", acting_user=self.link_worker)
        Case.objects.filter(pk=due.pk).update(next_action_on=self.today())
        later = make_case(self.team_a, self.link_worker, self.gp, person=make_person("Later"))
        actions.record_contact(later, channel="phone", acting_user=self.link_worker)
        Case.objects.filter(pk=later.pk).update(next_action_on=self.today() + dt.timedelta(3))
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertEqual([c.pk for c in response.context["not_contacted"]], [fresh.pk])
        self.assertEqual([c.pk for c in response.context["due_cases"]], [due.pk])

    def test_it_lists_answers_from_activities(self) -> None:
        case = make_case(self.team_a, self.link_worker, self.gp)
        offering = make_offering(self.association)
        asked = make_activity_referral(case, offering, self.link_worker)
        actions.answer_activity_referral(
            asked, Answer.NEEDS_INFORMATION, acting_user=self.provider, text="Can she walk 3 km?"
        )
        other = make_offering(self.association, "Sorgegruppen", categories=("grief-support",))
        make_activity_referral(case, other, self.link_worker)  # no answer yet
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertEqual([a.pk for a in response.context["answers"]], [asked.pk])
        self.assertContains(response, "Please answer the activity")

    def test_it_refuses_who_is_not_a_link_worker(self) -> None:
        for user in (self.gp, self.outsider, self.provider, self.connector):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 404, user.email)

    def test_it_shows_no_other_teams_cases(self) -> None:
        make_case(self.team_a, self.link_worker, self.gp)
        self.login(self.outsider_link_worker)
        response = self.client.get(self.url, {"scope": "team"})
        self.assertEqual(response.context["cases"], [])
        self.assertNotContains(response, "Lindqvist")

    def _count(self, scope: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url, {"scope": scope})
        return len(queries), len(response.context["cases"])

    def test_its_number_of_queries_does_not_grow_with_the_rows(self) -> None:
        offering = make_offering(self.association)
        self.login(self.link_worker)

        def add_row(name: str) -> None:
            case = make_case(self.team_a, self.link_worker, self.gp, person=make_person(name))
            Case.objects.filter(pk=case.pk).update(next_action_on=self.today())
            referral = make_activity_referral(case, offering, self.link_worker)
            actions.answer_activity_referral(referral, Answer.ACCEPT, acting_user=self.provider)
            inbox = make_referral(self.team_a, self.gp, make_person(name + "-new"))
            Referral.objects.filter(pk=inbox.pk).update(assigned_to=self.link_worker)

        add_row("One")
        one = self._count("mine")
        add_row("Two")
        add_row("Three")
        three = self._count("mine")
        self.assertEqual(three[1], 3)
        self.assertEqual(one[0], three[0])
        self.assertEqual(self._count("team")[0], three[0])
