"""The menu's flags: right for each role, and cheap on every page."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from lotsa.accounts.context import navigation
from lotsa.test import BaseTestCase


def flags(user: object) -> set[str]:
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[attr-defined]
    return {key for key, value in navigation(request).items() if value is True}


class NavigationTests(BaseTestCase):
    def test_each_role_sees_its_own_entries(self) -> None:
        self.assertEqual(flags(self.gp), {"nav_is_clinician"})
        self.assertEqual(flags(self.link_worker), {"nav_is_link_worker"})
        self.assertEqual(flags(self.provider), {"nav_is_editor", "nav_is_answering"})
        self.assertEqual(
            flags(self.coordinator),
            {"nav_is_editor", "nav_is_moderator", "nav_is_answering", "nav_is_planner"},
        )
        self.assertEqual(flags(self.manager), {"nav_is_planner"})
        self.assertEqual(flags(self.connector), {"nav_is_connector"})
        self.assertEqual(
            flags(self.admin), {"nav_is_editor", "nav_is_moderator", "nav_is_administrator"}
        )
        self.assertEqual(flags(self.researcher), {"nav_is_researcher"})
        self.assertEqual(flags(AnonymousUser()), set())

    def test_it_costs_one_query_and_one_more_only_for_a_closer_look(self) -> None:
        with self.assertNumQueries(0):
            flags(AnonymousUser())
        with self.assertNumQueries(1):
            flags(self.gp)
        with self.assertNumQueries(2):
            flags(self.link_worker)
