"""Consent is recorded with how and by whom, and withdrawal takes effect at once."""

from __future__ import annotations

import datetime as dt

from lotsa.audit.models import AuditEvent
from lotsa.people import actions
from lotsa.people.models import Consent, Person
from lotsa.referrals import access
from lotsa.test import BaseTestCase, make_activity_referral, make_case, make_offering, make_person


class ConsentTests(BaseTestCase):
    def test_it_records_who_recorded_it_and_how(self) -> None:
        person = make_person()
        consent = actions.record_consent(
            person,
            Consent.Scope.PROVIDER,
            method=Consent.Method.WRITTEN,
            organization=self.association,
            fields=[Consent.Field.NAME],
            acting_user=self.link_worker,
        )
        self.assertEqual(consent.recorded_by, self.link_worker)
        self.assertTrue(consent.shares(Consent.Field.NAME))
        self.assertFalse(consent.shares(Consent.Field.PHONE))
        self.assertTrue(
            AuditEvent.objects.filter(object_type="people.consent", action="create").exists()
        )

    def test_withdrawal_stops_the_provider_at_the_next_request(self) -> None:
        case = make_case(self.team_a, self.link_worker, self.gp)
        referral = make_activity_referral(case, make_offering(self.association), self.link_worker)
        self.assertIn(referral, access.provider_referrals(self.provider))

        actions.withdraw_consent(referral.consent, acting_user=self.link_worker)

        self.assertNotIn(referral, access.provider_referrals(self.provider))
        referral.consent.refresh_from_db()
        self.assertFalse(referral.consent.shares(Consent.Field.NAME))
        self.assertEqual(referral.consent.withdrawn_by, self.link_worker)
        self.assertEqual(access.shared_details(referral).fields, [])

    def test_withdrawing_twice_keeps_the_first_time(self) -> None:
        consent = actions.record_consent(
            make_person(), Consent.Scope.RESEARCH, method="digital", acting_user=None
        )
        actions.withdraw_consent(consent, acting_user=self.link_worker)
        first = consent.withdrawn_at
        actions.withdraw_consent(consent, acting_user=self.admin)
        consent.refresh_from_db()
        self.assertEqual((consent.withdrawn_at, consent.withdrawn_by), (first, self.link_worker))


class DuplicateTests(BaseTestCase):
    def test_the_same_identity_number_is_a_duplicate(self) -> None:
        person = make_person(identity_number="199001012385")
        found = Person.objects.duplicates_of(identity_number="199001012385")
        self.assertEqual(list(found), [person])

    def test_the_same_name_and_birth_date_is_a_duplicate(self) -> None:
        person = make_person("Åsa", "Öberg", birth_date=dt.date(1950, 3, 1))
        make_person("Åsa", "Öberg", birth_date=dt.date(1951, 3, 1))
        found = Person.objects.duplicates_of(
            first_name="åsa", last_name="ÖBERG", birth_date=dt.date(1950, 3, 1)
        )
        self.assertEqual(list(found), [person])

    def test_nothing_given_finds_nobody(self) -> None:
        make_person()
        self.assertFalse(Person.objects.duplicates_of().exists())
