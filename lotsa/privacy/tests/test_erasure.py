"""Erasure on a person's request (GDPR art. 17): refused while work goes on or a law holds the
record; otherwise nothing that names the person is left, and the access log stays."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.test import override_settings
from django.utils import timezone

from lotsa.audit.models import AuditEvent
from lotsa.outcomes.models import Assessment, ExperienceSurvey, FollowUp, HealthcareUse
from lotsa.people.models import Consent, Person
from lotsa.privacy import actions
from lotsa.privacy.actions import ErasureReason, ErasureRefused
from lotsa.referrals.models import ActivityReferral, Case
from lotsa.test import BaseTestCase, make_offering, make_referral

from .test_export import IDENTIFYING, add_break_glass, canaries, en_url, make_full_case

NOW = timezone.now()


def rows_holding(value: str) -> list[str]:
    """Every table column of our apps that holds `value` anywhere in its text."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("lotsa."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                lookup = {f"{field.attname}__icontains": value}
                hit = model._default_manager.filter(**lookup).exists()
            elif isinstance(field, models.JSONField):
                hit = (
                    model._default_manager.annotate(_text=Cast(field.attname, models.TextField()))
                    .filter(_text__icontains=value)
                    .exists()
                )
            else:
                continue
            if hit:
                found.append(f"{model._meta.label}.{field.name}")
    return found


class ErasureTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.offering = make_offering(cls.association)
        cls.case = make_full_case(cls, "Erase", cls.offering, closed=NOW - dt.timedelta(days=2))
        cls.person = cls.case.person
        add_break_glass(cls, cls.person, "Erase")
        cls.bystander = make_full_case(cls, "Stays", cls.offering, closed=NOW)

    def erase(self) -> Person:
        return actions.erase_person(
            self.person, acting_user=self.admin, reason=ErasureReason.CONSENT_WITHDRAWN
        )


class EraseTests(ErasureTestCase):
    def test_nothing_that_names_the_person_is_left_in_our_tables(self) -> None:
        values = canaries("Erase")
        for field in IDENTIFYING:
            self.assertTrue(rows_holding(values[field]), field)
        self.erase()
        for field, value in values.items():
            if field == "break_glass":
                continue  # the administrator's reason is kept with the access log
            with self.subTest(field=field):
                self.assertEqual(rows_holding(value), [])
        # Someone else's data is untouched.
        self.assertTrue(rows_holding(canaries("Stays")["what_matters"]))

    def test_the_persons_outcomes_are_deleted_and_no_one_elses(self) -> None:
        self.assertTrue(self.case.assessments.exists())
        self.erase()
        for model in (Assessment, ExperienceSurvey, HealthcareUse, FollowUp):
            with self.subTest(model=model.__name__):
                self.assertFalse(model._default_manager.filter(case=self.case).exists())
                self.assertTrue(model._default_manager.filter(case=self.bystander).exists())

    def test_the_access_log_stays_and_records_the_erasure(self) -> None:
        before = AuditEvent.objects.filter(person_uuid=self.person.uuid).count()
        self.erase()
        after = AuditEvent.objects.filter(person_uuid=self.person.uuid)
        self.assertGreater(after.count(), before)
        erasure = after.get(action=AuditEvent.Action.DELETE)
        self.assertEqual(erasure.purpose, "erasure: consent_withdrawn")
        self.assertEqual(erasure.user, self.admin)
        self.assertEqual(erasure.object_type, "people.person")

    def test_consents_are_kept_withdrawn(self) -> None:
        self.erase()
        consents = Consent.objects.filter(person=self.person)
        self.assertTrue(consents.exists())
        self.assertFalse(consents.active().exists())

    def test_what_statistics_need_stays(self) -> None:
        self.erase()
        person = Person.objects.get(pk=self.person.pk)
        self.assertEqual((person.birth_date, person.municipality), (dt.date(1950, 1, 1), "SE-2480"))
        case = Case.objects.get(pk=self.case.pk)
        self.assertEqual((case.closure_reason, case.next_step), ("goals_met", "work"))
        self.assertEqual(person.uuid, self.person.uuid)

    def test_purge_afterwards_finds_nothing_more_about_them(self) -> None:
        self.erase()
        report = actions.purge(today=(NOW + dt.timedelta(days=800)).date())
        # Only the bystander, whose case is now past retention: the erased person is done.
        self.assertEqual((report.counts["people"], report.counts["cases"]), (1, 1))
        self.assertFalse(
            AuditEvent.objects.filter(
                person_uuid=self.person.uuid, purpose=actions.RETENTION_PURPOSE
            ).exists()
        )


class RefusalTests(ErasureTestCase):
    def refusal_codes(self) -> list[str]:
        with self.assertRaises(ErasureRefused) as refused:
            self.erase()
        return [refusal.code for refusal in refused.exception.refusals]

    def test_it_is_refused_while_a_case_is_open(self) -> None:
        make_referral(self.team_a, self.gp, self.person)
        Case.objects.filter(pk=self.case.pk).update(closed_at=None, closure_reason="")
        self.assertEqual(self.refusal_codes(), ["open_case", "open_referral"])
        self.assertFalse(actions.is_anonymised(Person.objects.get(pk=self.person.pk)))

    def test_it_is_refused_while_the_person_takes_part_in_an_activity(self) -> None:
        ActivityReferral.objects.filter(case=self.case).update(
            status=ActivityReferral.Status.IN_PROGRESS
        )
        self.assertEqual(self.refusal_codes(), ["live_activity_referral"])

    @override_settings(LOTSA_RETENTION_LEGAL_HOLD_MONTHS=6)
    def test_it_is_refused_while_a_law_requires_keeping_the_record(self) -> None:
        with self.assertRaises(ErasureRefused) as refused:
            self.erase()
        (hold,) = refused.exception.refusals
        self.assertEqual(hold.code, "legal_hold")
        self.assertGreater(hold.until, timezone.localdate() + dt.timedelta(days=170))

    def test_it_wants_a_reason_from_article_17(self) -> None:
        with self.assertRaises(actions.PrivacyError):
            actions.erase_person(self.person, acting_user=self.admin, reason="because")


class ErasePageTests(ErasureTestCase):
    def url(self) -> str:
        return en_url("privacy:erase", self.person.uuid)

    def test_it_shows_what_is_erased_and_what_is_kept(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url())
        self.assertContains(response, "Access log")
        self.assertContains(response, "Kept: it names the person only by an opaque key.")
        self.assertContains(response, 'name="confirm"')

    def test_it_explains_why_it_is_refused_now(self) -> None:
        make_referral(self.team_a, self.gp, self.person)
        self.login(self.admin)
        response = self.client.get(self.url())
        self.assertContains(response, "The data cannot be erased now")
        self.assertContains(response, "waits in a link worker team")
        self.assertNotContains(response, 'name="confirm"')
        response = self.client.post(self.url(), {"reason": ErasureReason.OBJECTED, "confirm": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(actions.is_anonymised(Person.objects.get(pk=self.person.pk)))

    def test_it_needs_a_reason_and_the_confirmation(self) -> None:
        self.login(self.admin)
        response = self.client.post(self.url(), {})
        self.assertContains(response, "Choose why the data is erased.")
        self.assertContains(response, "Confirm before erasing.")
        response = self.client.post(self.url(), {"reason": "nonsense", "confirm": "on"})
        self.assertContains(response, "Select a valid choice.")
        self.assertFalse(actions.is_anonymised(Person.objects.get(pk=self.person.pk)))

    def test_the_administrator_erases_and_the_page_says_so(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            self.url(), {"reason": ErasureReason.NO_LONGER_NEEDED, "confirm": "on"}
        )
        self.assertRedirects(response, self.url())
        self.assertTrue(actions.is_anonymised(Person.objects.get(pk=self.person.pk)))
        response = self.client.get(self.url())
        self.assertContains(response, "This person's data has been erased")
        self.assertNotContains(response, canaries("Erase")["first_name"])

    def test_everyone_but_administrators_gets_404(self) -> None:
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
            with self.subTest(user=user.email):
                self.assertEqual(self.client.get(self.url()).status_code, 404)
                response = self.client.post(
                    self.url(), {"reason": ErasureReason.NO_LONGER_NEEDED, "confirm": "on"}
                )
                self.assertEqual(response.status_code, 404)
        self.assertFalse(actions.is_anonymised(Person.objects.get(pk=self.person.pk)))
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 302)
