"""Administrators configure link worker teams in the admin; people's data is not there."""

from __future__ import annotations

from django.contrib import admin

from lotsa.people.models import Person
from lotsa.referrals.models import Case, Referral
from lotsa.test import BaseTestCase


class TeamAdminTests(BaseTestCase):
    def test_a_superuser_lists_and_edits_teams(self) -> None:
        self.admin.is_staff = self.admin.is_superuser = True
        self.admin.save()
        self.login(self.admin)
        response = self.client.get("/en/admin/accounts/team/")
        self.assertContains(response, "Hälsolotsarna Ålidhem")
        response = self.client.get(f"/en/admin/accounts/team/{self.team_a.pk}/change/")
        self.assertEqual(response.status_code, 200)

    def test_people_and_referrals_are_not_in_the_admin(self) -> None:
        for model in (Person, Referral, Case):
            self.assertFalse(admin.site.is_registered(model), model)
