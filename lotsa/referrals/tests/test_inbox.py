"""The team inbox and triage: assign, open a case, decline, forward."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lotsa.referrals.models import Case, Referral
from lotsa.test import BaseTestCase, Role, make_person, make_referral, make_user


def en_url(name: str, *args: object) -> str:
    """A URL under /en/, so that texts compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


class InboxTests(BaseTestCase):
    url = en_url("referrals:inbox")

    def test_it_lists_the_teams_new_referrals_soonest_due_first(self) -> None:
        later = make_referral(self.team_a, self.gp, make_person("Bertil"))
        sooner = make_referral(self.team_a, self.gp, make_person("Cecilia"))
        Referral.objects.filter(pk=sooner.pk).update(due_on=later.due_on - dt.timedelta(days=1))
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([r.pk for r in response.context["referrals"]], [sooner.pk, later.pk])
        self.assertContains(response, "Cecilia")
        self.assertContains(response, en_url("referrals:triage", sooner.uuid))

    def test_it_says_in_words_that_a_referral_is_overdue(self) -> None:
        referral = make_referral(self.team_a, self.gp)
        Referral.objects.filter(pk=referral.pk).update(due_on=self.today() - dt.timedelta(days=1))
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertContains(response, "Overdue")

    def test_it_shows_the_screening_score(self) -> None:
        make_referral(self.team_a, self.gp, ucla3=(3, 2, 2))
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertContains(response, "7 of 9")

    def test_it_leaves_out_triaged_referrals(self) -> None:
        referral = make_referral(self.team_a, self.gp)
        Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.DECLINED)
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertEqual(response.context["referrals"], [])

    def test_it_filters_unassigned_and_mine(self) -> None:
        colleague = make_user("colleague@example.org", self.health_centre_a, Role.LINK_WORKER)
        self.team_a.members.add(colleague)
        mine = make_referral(self.team_a, self.gp, make_person("Mine"))
        theirs = make_referral(self.team_a, self.gp, make_person("Theirs"))
        nobodys = make_referral(self.team_a, self.gp, make_person("Nobodys"))
        Referral.objects.filter(pk=mine.pk).update(assigned_to=self.link_worker)
        Referral.objects.filter(pk=theirs.pk).update(assigned_to=colleague)
        self.login(self.link_worker)

        def shown(show: str) -> set[int]:
            response = self.client.get(self.url, {"show": show})
            return {r.pk for r in response.context["referrals"]}

        self.assertEqual(shown("mine"), {mine.pk})
        self.assertEqual(shown("unassigned"), {nobodys.pk})
        self.assertEqual(shown("all"), {mine.pk, theirs.pk, nobodys.pk})

    def test_it_shows_no_other_teams_referrals(self) -> None:
        make_referral(self.team_a, self.gp)
        self.login(self.outsider_link_worker)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["referrals"], [])
        self.assertNotContains(response, "Lindqvist")

    def test_it_refuses_who_is_not_a_link_worker(self) -> None:
        for user in (self.gp, self.outsider, self.provider, self.connector, self.admin):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 404, user.email)

    def test_it_asks_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)

    def test_its_number_of_queries_does_not_grow_with_the_rows(self) -> None:
        self.login(self.link_worker)
        make_referral(self.team_a, self.gp, make_person("One"), ucla3=(3, 3, 3))
        with CaptureQueriesContext(connection) as one:
            self.client.get(self.url)
        make_referral(self.team_a, self.gp, make_person("Two"))
        other = make_referral(self.team_a, self.gp, make_person("Three"))
        Referral.objects.filter(pk=other.pk).update(assigned_to=self.link_worker)
        with CaptureQueriesContext(connection) as three:
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["referrals"]), 3)
        self.assertEqual(len(one), len(three))


class TriageTests(BaseTestCase):
    def setUp(self) -> None:
        self.referral = make_referral(
            self.team_a,
            self.gp,
            ucla3=(3, 2, 2),
            reasons=[Referral.Reason.LONELINESS, Referral.Reason.BEREAVEMENT],
            details="Lost her husband in the spring.",
        )
        self.url = en_url("referrals:triage", self.referral.uuid)

    def test_it_shows_the_referral(self) -> None:
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertContains(response, "Astrid Lindqvist")
        self.assertContains(response, "+46701234567")
        self.assertContains(response, "Bereavement")
        self.assertContains(response, "Lost her husband in the spring.")
        self.assertContains(response, "Score 7 of 9")
        self.assertContains(response, "commonly read as lonely")
        self.assertContains(response, "Vårdcentralen Ålidhem")
        self.assertContains(response, "The link worker team may receive the referral")

    def test_it_gives_no_loneliness_hint_under_six(self) -> None:
        referral = make_referral(self.team_a, self.gp, ucla3=(1, 2, 2))
        self.login(self.link_worker)
        response = self.client.get(en_url("referrals:triage", referral.uuid))
        self.assertContains(response, "Score 5 of 9")
        self.assertNotContains(response, "commonly read as lonely")

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        for user in (self.outsider_link_worker, self.outsider, self.provider, self.gp):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 404, user.email)
            response = self.client.post(self.url, {"action": "open"})
            self.assertEqual(response.status_code, 404, user.email)
        self.assertFalse(Case.objects.exists())

    def test_it_assigns_to_a_team_member(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url, {"action": "assign", "assignee": self.link_worker.pk})
        self.assertRedirects(response, self.url)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.assigned_to, self.link_worker)

    def test_it_does_not_assign_to_someone_outside_the_team(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(
            self.url, {"action": "assign", "assignee": self.outsider_link_worker.pk}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["assign_form"].errors)
        self.referral.refresh_from_db()
        self.assertIsNone(self.referral.assigned_to)

    def test_it_opens_a_case(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url, {"action": "open"})
        case = Case.objects.get(referral=self.referral)
        self.assertRedirects(response, en_url("referrals:case", case.uuid))
        self.assertEqual(case.assigned_to, self.link_worker)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Referral.Status.ACCEPTED)

    def test_it_opens_a_case_for_the_assigned_colleague(self) -> None:
        colleague = make_user("colleague@example.org", self.health_centre_a, Role.LINK_WORKER)
        self.team_a.members.add(colleague)
        Referral.objects.filter(pk=self.referral.pk).update(assigned_to=colleague)
        self.login(self.link_worker)
        self.client.post(self.url, {"action": "open"})
        self.assertEqual(Case.objects.get(referral=self.referral).assigned_to, colleague)

    def test_it_refuses_to_open_a_second_case(self) -> None:
        self.login(self.link_worker)
        self.client.post(self.url, {"action": "open"})
        response = self.client.post(self.url, {"action": "open"}, follow=True)
        self.assertEqual(Case.objects.count(), 1)
        self.assertContains(response, "Someone in the team has already dealt with this referral")
        self.assertContains(response, "Open the case")

    def test_it_declines_with_a_reason(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(
            self.url, {"action": "decline", "reason": "Already in contact with us."}
        )
        self.assertRedirects(response, en_url("referrals:inbox"))
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Referral.Status.DECLINED)
        self.assertEqual(self.referral.decline_reason, "Already in contact with us.")

    def test_declining_needs_a_reason(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url, {"action": "decline", "reason": "  "})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Say why the referral is declined.")
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Referral.Status.NEW)

    def test_it_forwards_only_with_the_persons_consent(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url, {"action": "forward", "team": self.team_b.pk})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["forward_form"].errors["agrees"])
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Referral.Status.NEW)

    def test_it_forwards_to_another_teams_inbox(self) -> None:
        self.login(self.link_worker)
        data = {
            "action": "forward",
            "team": self.team_b.pk,
            "consent_method": "verbal",
            "agrees": "on",
        }
        response = self.client.post(self.url, data)
        self.assertRedirects(response, en_url("referrals:inbox"))
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Referral.Status.FORWARDED)
        forwarded = Referral.objects.get(team=self.team_b)
        self.login(self.outsider_link_worker)
        response = self.client.get(en_url("referrals:inbox"))
        self.assertEqual([r.pk for r in response.context["referrals"]], [forwarded.pk])

    def test_it_does_not_forward_to_the_same_team(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url, {"action": "forward", "team": self.team_a.pk})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["forward_form"].errors)
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, Referral.Status.NEW)

    def test_a_triaged_referral_has_no_actions(self) -> None:
        self.login(self.link_worker)
        self.client.post(self.url, {"action": "decline", "reason": "Moved away."})
        response = self.client.get(self.url)
        self.assertContains(response, "Moved away.")
        self.assertNotContains(response, 'value="open"')
        response = self.client.post(
            self.url, {"action": "assign", "assignee": self.link_worker.pk}, follow=True
        )
        self.assertContains(response, "already dealt with")
        self.referral.refresh_from_db()
        self.assertIsNone(self.referral.assigned_to)
