"""Who may open the reports: the municipality's planners (coordinators and managers) only;
everyone else gets 404, and an anonymous visitor the sign-in page."""

from __future__ import annotations

from lotsa.test import BaseTestCase

from .helpers import en_url

REPORTS = ("reports:gaps", "reports:gap-examples", "reports:gaps-csv", "reports:capacity",
           "reports:capacity-csv")  # fmt: skip


class ReportAccessTests(BaseTestCase):
    def test_coordinators_and_managers_get_in(self) -> None:
        for user in (self.coordinator, self.manager):
            self.login(user)
            for name in REPORTS:
                with self.subTest(user=user.email, name=name):
                    self.assertEqual(self.client.get(en_url(name)).status_code, 200)

    def test_everyone_else_gets_404(self) -> None:
        others = (self.gp, self.link_worker, self.provider, self.connector, self.researcher,
                  self.admin, self.outsider, self.outsider_link_worker)  # fmt: skip
        for user in others:
            self.login(user)
            for name in REPORTS:
                with self.subTest(user=user.email, name=name):
                    self.assertEqual(self.client.get(en_url(name)).status_code, 404)

    def test_an_anonymous_visitor_is_sent_to_sign_in(self) -> None:
        for name in REPORTS:
            with self.subTest(name=name):
                response = self.client.get(en_url(name))
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/en/account/login/"))

    def test_a_planner_whose_membership_ended_gets_404(self) -> None:
        self.coordinator.memberships.all().delete()
        self.login(self.coordinator)
        self.assertEqual(self.client.get(en_url("reports:gaps")).status_code, 404)

    def test_the_reports_take_no_post(self) -> None:
        self.login(self.coordinator)
        for name in REPORTS:
            with self.subTest(name=name):
                self.assertEqual(self.client.post(en_url(name)).status_code, 405)

    def test_the_navigation_shows_the_gaps_to_planners_only(self) -> None:
        link = f'href="{en_url("reports:gaps")}"'
        for user, shown in ((self.coordinator, True), (self.manager, True),
                            (self.link_worker, False), (self.admin, False)):  # fmt: skip
            self.login(user)
            response = self.client.get(en_url("accounts:home"))
            with self.subTest(user=user.email):
                self.assertEqual(link in response.content.decode(), shown)
