"""The follow-up schedule: made when the case's outcomes are first opened (or by the nightly
sweep for cases nobody opened), the baseline at the first conversation and the follow-ups at
3, 6 and 12 months, each due, done or overdue; closing a case ends it."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings
from django.utils import timezone

from lotsa.outcomes import actions, tasks, timeline
from lotsa.outcomes.models import FollowUp
from lotsa.referrals import actions as referral_actions
from lotsa.referrals.models import Case, Contact, Referral
from lotsa.test import BaseTestCase, make_case

from .answering import en_url, posted

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


class ScheduleTests(BaseTestCase):
    def setUp(self) -> None:
        with time_machine.travel(START, tick=False):
            self.case = make_case(self.team_a, self.link_worker, self.gp)

    def test_the_baseline_is_at_the_case_and_the_follow_ups_at_3_6_and_12_months(self) -> None:
        points = actions.schedule_follow_ups(self.case)
        self.assertEqual(
            [(p.months, p.due_on) for p in points],
            [
                (0, dt.date(2025, 3, 3)),
                (3, dt.date(2025, 6, 3)),
                (6, dt.date(2025, 9, 3)),
                (12, dt.date(2026, 3, 3)),
            ],
        )

    def test_the_baseline_follows_the_first_conversation(self) -> None:
        Referral.objects.filter(pk=self.case.referral_id).update(
            first_contact_at=START + dt.timedelta(days=10)
        )
        self.case.referral.refresh_from_db()
        points = actions.schedule_follow_ups(self.case)
        self.assertEqual(points[0].due_on, dt.date(2025, 3, 13))
        self.assertEqual(points[1].due_on, dt.date(2025, 6, 13))

    @override_settings(LOTSA_FOLLOW_UP_MONTHS=[6, 24])
    def test_the_months_are_a_setting(self) -> None:
        self.assertEqual([p.months for p in actions.schedule_follow_ups(self.case)], [0, 6, 24])

    def test_making_it_twice_makes_it_once_and_never_moves_a_point(self) -> None:
        first = actions.schedule_follow_ups(self.case)
        FollowUp.objects.filter(pk=first[1].pk).update(due_on=dt.date(2025, 6, 20))
        Referral.objects.filter(pk=self.case.referral_id).update(
            first_contact_at=START + dt.timedelta(days=30)
        )
        again = actions.schedule_follow_ups(self.case)
        self.assertEqual([p.pk for p in again], [p.pk for p in first])
        self.assertEqual(again[1].due_on, dt.date(2025, 6, 20))
        self.assertEqual(FollowUp.objects.count(), 4)

    def test_opening_the_case_page_makes_the_schedule(self) -> None:
        self.assertFalse(FollowUp.objects.exists())
        self.login(self.link_worker)
        with time_machine.travel(START + dt.timedelta(days=1), tick=False):
            response = self.client.get(en_url("referrals:case", key=self.case.uuid))
        self.assertEqual(FollowUp.objects.filter(case=self.case).count(), 4)
        self.assertContains(response, "Outcomes and follow-up")
        self.assertContains(response, "Baseline")
        self.assertContains(response, "12 months")
        self.assertContains(response, str(self.case.uuid))  # the reference for imports

    def test_a_closed_case_gets_no_schedule(self) -> None:
        referral_actions.close_case(
            self.case, reason=Case.ClosureReason.DECLINED, acting_user=self.link_worker
        )
        self.login(self.link_worker)
        response = self.client.get(en_url("referrals:case", key=self.case.uuid))
        self.assertFalse(FollowUp.objects.exists())
        self.assertContains(response, "closed before a follow-up schedule was made")


class StateTests(BaseTestCase):
    def setUp(self) -> None:
        with time_machine.travel(START, tick=False):
            self.case = make_case(self.team_a, self.link_worker, self.gp)
        self.points = actions.schedule_follow_ups(self.case)

    def state(self, months: int, today: dt.date) -> timeline.State:
        follow_up = FollowUp.objects.get(case=self.case, months=months)
        return timeline.state_of(follow_up, today)

    def test_a_follow_up_is_upcoming_then_due_two_weeks_around_its_date_then_overdue(self) -> None:
        due = dt.date(2025, 6, 3)
        self.assertEqual(self.state(3, due - dt.timedelta(days=15)), timeline.State.UPCOMING)
        self.assertEqual(self.state(3, due - dt.timedelta(days=14)), timeline.State.DUE)
        self.assertEqual(self.state(3, due), timeline.State.DUE)
        self.assertEqual(self.state(3, due + dt.timedelta(days=14)), timeline.State.DUE)
        self.assertEqual(self.state(3, due + dt.timedelta(days=15)), timeline.State.OVERDUE)

    def test_an_answered_one_is_done_and_a_cancelled_one_not_done(self) -> None:
        FollowUp.objects.filter(case=self.case, months=0).update(completed_at=timezone.now())
        FollowUp.objects.filter(case=self.case, months=3).update(cancelled_at=timezone.now())
        late = dt.date(2026, 1, 1)
        self.assertEqual(self.state(0, late), timeline.State.DONE)
        self.assertEqual(self.state(3, late), timeline.State.NOT_DONE)

    def test_the_page_writes_each_state_out_not_by_colour_alone(self) -> None:
        self.login(self.link_worker)
        self.client.post(en_url("outcomes:follow-up", key=self.case.uuid, months=0), posted(who5=3))
        with time_machine.travel(dt.datetime(2025, 6, 30, 9, tzinfo=dt.UTC), tick=False):
            response = self.client.get(en_url("outcomes:case", key=self.case.uuid))
        self.assertContains(response, '<span class="badge badge-ok">Done</span>', html=True)
        self.assertContains(response, '<span class="badge badge-danger">Overdue</span>', html=True)
        self.assertContains(response, '<span class="badge ">Upcoming</span>', count=2, html=True)


class SweepTests(BaseTestCase):
    def test_the_sweep_schedules_open_cases_nobody_opened_and_ends_closed_ones(self) -> None:
        unopened = make_case(self.team_a, self.link_worker, self.gp)
        other_team = make_case(self.team_b, self.outsider_link_worker, self.outsider)
        closing = make_case(self.team_a, self.link_worker, self.gp)
        actions.schedule_follow_ups(closing)
        referral_actions.close_case(
            closing, reason=Case.ClosureReason.MOVED, acting_user=self.link_worker
        )
        scheduled, cancelled = tasks.sweep_schedules()
        self.assertEqual(scheduled, 2)
        self.assertEqual(cancelled, 4)
        self.assertEqual(unopened.follow_ups.count(), 4)
        self.assertEqual(other_team.follow_ups.count(), 4)
        self.assertFalse(closing.follow_ups.filter(cancelled_at__isnull=True).exists())
        self.assertEqual(tasks.sweep_schedules(), (0, 0))

    def test_the_sweep_adds_a_point_the_settings_gained(self) -> None:
        case = make_case(self.team_a, self.link_worker, self.gp)
        actions.schedule_follow_ups(case)
        with override_settings(LOTSA_FOLLOW_UP_MONTHS=[3, 6, 12, 24]):
            self.assertEqual(tasks.sweep_schedules(), (1, 0))
        self.assertEqual(
            sorted(case.follow_ups.values_list("months", flat=True)), [0, 3, 6, 12, 24]
        )

    def test_a_contact_before_the_sweep_sets_the_baseline(self) -> None:
        with time_machine.travel(START, tick=False):
            case = make_case(self.team_a, self.link_worker, self.gp)
        with time_machine.travel(START + dt.timedelta(days=5), tick=False):
            referral_actions.record_contact(
                case, channel=Contact.Channel.PHONE, acting_user=self.link_worker
            )
            tasks.sweep_schedules()
        self.assertEqual(case.follow_ups.get(months=0).due_on, dt.date(2025, 3, 8))
