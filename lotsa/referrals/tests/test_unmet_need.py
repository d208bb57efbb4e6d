"""Recording an unmet need in one step, when nothing in the directory fits."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import translation

from lotsa.directory.models import Term
from lotsa.people.models import Person
from lotsa.referrals import actions
from lotsa.referrals.forms.cases import age_band
from lotsa.referrals.models import Case, UnmetNeed
from lotsa.test import BaseTestCase, make_case, make_person, terms


def en_url(name: str, *args: object) -> str:
    """A URL under /en/, so that texts compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


class UnmetNeedTests(BaseTestCase):
    def setUp(self) -> None:
        today = self.today()
        person = make_person(birth_date=today.replace(year=today.year - 24) - dt.timedelta(1))
        self.case = make_case(self.team_a, self.link_worker, self.gp, person=person)
        self.url = en_url("referrals:unmet-need", self.case.uuid)

    def data(self, **extra: object) -> dict[str, object]:
        return {
            "need": "grief-support",
            "need_text": "",
            "age_band": UnmetNeed.AgeBand.YOUNG_ADULT,
            "audience": "young-adults",
            "municipality": "SE-2480",
            "area": "Ålidhem",
            "reasons": [UnmetNeed.Why.NONE_EXISTS, UnmetNeed.Why.WRONG_TIME],
            **extra,
        }

    def test_it_prefills_the_age_band_and_municipality_from_the_person(self) -> None:
        self.login(self.link_worker)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(form["age_band"].value(), "18-29")
        self.assertEqual(form["municipality"].value(), "SE-2480")

    def test_it_records_the_need_without_the_person(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url, self.data(), follow=True)
        self.assertRedirects(response, en_url("referrals:case", self.case.uuid))
        self.assertContains(response, "The unmet need is recorded")
        need = UnmetNeed.objects.get()
        self.assertEqual(need.need, terms(Term.Vocabulary.CATEGORY, "grief-support")[0])
        self.assertEqual(need.audience.code, "young-adults")
        self.assertEqual(need.reasons, ["none_exists", "wrong_time"])
        self.assertEqual(need.team, self.team_a)
        self.assertEqual(need.municipality, "SE-2480")
        self.assertEqual(need.area, "Ålidhem")
        self.assertEqual(need.recorded_by, self.link_worker)

    def test_it_takes_the_need_in_words(self) -> None:
        self.login(self.link_worker)
        self.client.post(self.url, self.data(need="", need_text="Sorgegrupp för unga vuxna"))
        need = UnmetNeed.objects.get()
        self.assertIsNone(need.need)
        self.assertEqual(need.need_text, "Sorgegrupp för unga vuxna")

    def test_it_needs_what_was_needed(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url, self.data(need="", need_text="  "))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Choose what was needed, or describe it in words.")
        self.assertFalse(UnmetNeed.objects.exists())

    def test_it_needs_at_least_one_reason(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url, self.data(reasons=[]))
        self.assertContains(response, "Choose at least one reason why nothing fitted.")
        self.assertFalse(UnmetNeed.objects.exists())

    def test_it_refuses_an_unknown_municipality_or_reason(self) -> None:
        self.login(self.link_worker)
        response = self.client.post(self.url, self.data(municipality="SE-0000"))
        self.assertTrue(response.context["form"].errors["municipality"])
        response = self.client.post(self.url, self.data(reasons=["boring"]))
        self.assertTrue(response.context["form"].errors["reasons"])
        self.assertFalse(UnmetNeed.objects.exists())

    def test_it_prefills_the_words_from_the_search(self) -> None:
        self.login(self.link_worker)
        response = self.client.get(self.url, {"need": "sorgegrupp"})
        self.assertEqual(response.context["form"]["need_text"].value(), "sorgegrupp")

    def test_it_refuses_everyone_outside_the_team(self) -> None:
        for user in (
            self.outsider_link_worker,
            self.outsider,
            self.provider,
            self.gp,
            self.coordinator,
        ):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 404, user.email)
            self.assertEqual(self.client.post(self.url, self.data()).status_code, 404)
        self.assertFalse(UnmetNeed.objects.exists())

    def test_it_refuses_a_closed_case(self) -> None:
        actions.close_case(
            self.case, reason=Case.ClosureReason.GOALS_MET, acting_user=self.link_worker
        )
        self.login(self.link_worker)
        response = self.client.post(self.url, self.data(), follow=True)
        self.assertContains(response, "The case is closed")
        self.assertFalse(UnmetNeed.objects.exists())


class AgeBandTests(BaseTestCase):
    def test_it_bands_ages(self) -> None:
        self.assertEqual(age_band(None), "")
        self.assertEqual(age_band(17), "0-17")
        self.assertEqual(age_band(18), "18-29")
        self.assertEqual(age_band(49), "30-49")
        self.assertEqual(age_band(64), "50-64")
        self.assertEqual(age_band(79), "65-79")
        self.assertEqual(age_band(80), "80+")

    def test_a_person_without_birth_date_has_no_band(self) -> None:
        self.assertEqual(age_band(Person(first_name="X").age()), "")
