"""`manage.py purge`: what is due is anonymised or deleted, nothing else; twice does nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from lotsa.accounts.models import Organization
from lotsa.audit import events
from lotsa.audit.models import AuditEvent
from lotsa.directory.models import ProblemReport
from lotsa.outcomes.models import Assessment, ExperienceSurvey, FollowUp, HealthcareUse
from lotsa.people.models import BreakGlass, Person
from lotsa.privacy import actions, tasks
from lotsa.referrals.models import ActivityReferral, ActivityReferralEvent, Contact, Referral
from lotsa.test import BaseTestCase, make_offering, make_organization, make_user

from .test_export import make_full_case

NOW = timezone.now()
MONTH = dt.timedelta(days=31)


def purge_output(*args: str) -> str:
    out = StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue()


def texts_of(case_id: int) -> list[str]:
    """Every free text left in a case and under it."""
    from lotsa.referrals.models import Case

    case = Case.objects.select_related("referral").get(pk=case_id)
    found = [case.what_matters, case.plan, case.closure_note, case.referral.details]
    found += list(Contact.objects.filter(case=case).values_list("note", flat=True))
    for message, reason_text in ActivityReferral.objects.filter(case=case).values_list(
        "message", "reason_text"
    ):
        found += [message, reason_text]
    found += list(
        ActivityReferralEvent.objects.filter(activity_referral__case=case).values_list(
            "text", flat=True
        )
    )
    found += list(ExperienceSurvey.objects.filter(case=case).values_list("would_change", flat=True))
    found += list(FollowUp.objects.filter(case=case).values_list("link_nonce", flat=True))
    found += [str(answers) for answers in Assessment.objects.filter(case=case).values_list(
        "answers", flat=True
    ) if answers]  # fmt: skip
    return [text for text in found if text]


class PurgeTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.offering = make_offering(cls.association)
        # Closed 25 months ago (the default keeps 24), closed a month ago, and still open.
        cls.old = make_full_case(
            cls, "Old", cls.offering, opened=NOW - 27 * MONTH, closed=NOW - 25 * MONTH
        )
        cls.recent = make_full_case(
            cls, "Recent", cls.offering, opened=NOW - 3 * MONTH, closed=NOW - MONTH
        )
        cls.open = make_full_case(cls, "Open", cls.offering, opened=NOW - 30 * MONTH)


class PurgeCasesTests(PurgeTestCase):
    def test_it_anonymises_only_cases_closed_longer_ago_than_the_setting(self) -> None:
        report = actions.purge()
        self.assertEqual(report.counts["cases"], 1)
        self.assertEqual(texts_of(self.old.pk), [])
        self.assertTrue(texts_of(self.recent.pk))
        self.assertTrue(texts_of(self.open.pk))
        for case in (self.recent, self.open):
            person = Person.objects.get(pk=case.person_id)
            self.assertFalse(actions.is_anonymised(person))

    def test_the_person_of_an_old_case_is_anonymised_keeping_what_statistics_need(self) -> None:
        actions.purge()
        person = Person.objects.get(pk=self.old.person_id)
        self.assertTrue(actions.is_anonymised(person))
        self.assertEqual(
            (person.first_name, person.last_name, person.identity_number, person.phone),
            ("", "", "", ""),
        )
        self.assertEqual((person.email, person.address, person.postcode, person.city), ("",) * 4)
        self.assertEqual(person.birth_date, dt.date(1950, 1, 1))
        self.assertEqual(person.municipality, "SE-2480")
        self.assertEqual(person.sex, Person.Sex.FEMALE)
        self.assertEqual(person.contact_preference, Person.ContactPreference.NONE)
        # What statistics need stays on the case.
        self.old.refresh_from_db()
        self.assertEqual(self.old.closure_reason, "goals_met")
        self.assertEqual(self.old.referral.ucla3_score, 8)
        # The declined referral from the same time is cleared too.
        declined = Referral.objects.get(person=person, status=Referral.Status.DECLINED)
        self.assertEqual((declined.details, declined.decline_reason), ("", ""))

    def test_an_old_cases_scores_stay_as_statistics_and_its_words_and_answers_go(self) -> None:
        actions.purge()
        assessments = Assessment.objects.filter(case=self.old).order_by("answered_on", "pk")
        self.assertEqual([a.score for a in assessments], [40.0, 80.0])
        self.assertEqual([a.answers for a in assessments], [{}, {}])
        survey = ExperienceSurvey.objects.get(case=self.old)
        self.assertEqual(
            (survey.satisfaction, survey.progress, survey.would_change), (4, "some", "")
        )
        self.assertFalse(FollowUp.objects.filter(case=self.old).exclude(link_nonce="").exists())
        self.assertEqual(HealthcareUse.objects.get(case=self.old).gp_visits, 6)
        # The recent case keeps everything.
        self.assertTrue(Assessment.objects.filter(case=self.recent).exclude(answers={}).exists())
        self.assertEqual(
            ExperienceSurvey.objects.get(case=self.recent).would_change, "would change Recent"
        )

    def test_it_leaves_the_person_of_an_old_case_who_has_a_newer_one(self) -> None:
        newer = make_full_case(self, "Newer", self.offering, opened=NOW - MONTH)
        Referral.objects.filter(pk=newer.referral_id).update(person=self.old.person_id)
        newer.__class__.objects.filter(pk=newer.pk).update(person=self.old.person_id)
        report = actions.purge()
        self.assertEqual(texts_of(self.old.pk), [])
        self.assertEqual(report.counts["people"], 0)
        self.assertFalse(actions.is_anonymised(Person.objects.get(pk=self.old.person_id)))

    def test_a_case_whose_person_still_attends_an_activity_waits(self) -> None:
        ActivityReferral.objects.filter(case=self.old).update(
            status=ActivityReferral.Status.IN_PROGRESS, updated_at=NOW - MONTH
        )
        self.assertEqual(actions.purge().counts["cases"], 0)
        self.assertTrue(texts_of(self.old.pk))

    def test_each_anonymisation_is_in_the_access_log(self) -> None:
        actions.purge()
        logged = AuditEvent.objects.filter(
            purpose=actions.RETENTION_PURPOSE, person_uuid=self.old.person.uuid
        )
        self.assertEqual(
            set(logged.values_list("object_type", "object_id")),
            {
                ("referrals.case", str(self.old.pk)),
                (
                    "referrals.referral",
                    str(
                        Referral.objects.get(
                            person=self.old.person_id, status=Referral.Status.DECLINED
                        ).pk
                    ),
                ),
                ("people.person", str(self.old.person_id)),
            },
        )
        # The open case's person keeps their case; only their old declined referral went.
        self.assertEqual(
            list(
                AuditEvent.objects.filter(
                    purpose=actions.RETENTION_PURPOSE, person_uuid=self.open.person.uuid
                ).values_list("object_type", flat=True)
            ),
            ["referrals.referral"],
        )

    def test_the_setting_moves_the_line(self) -> None:
        with override_settings(LOTSA_RETENTION_CASE_MONTHS=48):
            self.assertEqual(actions.purge().counts["cases"], 0)
        self.assertEqual(actions.purge(today=(NOW + 24 * MONTH).date()).counts["cases"], 2)

    def test_a_dry_run_changes_nothing(self) -> None:
        before = AuditEvent.objects.count()
        output = purge_output("--dry-run")
        self.assertIn("Dry run: nothing was changed.", output)
        self.assertIn("case_record: 1 closed case to anonymise", output)
        self.assertTrue(texts_of(self.old.pk))
        self.assertFalse(actions.is_anonymised(Person.objects.get(pk=self.old.person_id)))
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_a_second_run_has_nothing_to_do(self) -> None:
        first = purge_output()
        self.assertIn("1 closed case anonymised", first)
        self.assertIn("1 person anonymised", first)
        second = purge_output()
        self.assertIn("0 closed cases anonymised", second)
        self.assertIn("0 people anonymised", second)
        self.assertIn("Nothing to do.", second)
        self.assertTrue(actions.purge().is_empty)

    def test_it_reports_per_retention_class_and_in_the_access_log(self) -> None:
        output = purge_output()
        for line in (
            "declined, forwarded or unanswered referral",
            "audit events removed (oldest kept: ",
            "expired session",
            "sign-in record",
            "consent, unmet_need, account, api_key, directory, no_personal_data: kept",
        ):
            self.assertIn(line, output)
        event = AuditEvent.objects.get(object_type="privacy.purge")
        self.assertEqual(event.action, AuditEvent.Action.DELETE)
        self.assertTrue(event.purpose.startswith("retention purge: cases 1, referrals "))

    def test_it_refuses_a_date_it_cannot_read(self) -> None:
        with self.assertRaisesMessage(CommandError, "YYYY-MM-DD"):
            purge_output("--today", "22.11.2025")

    def test_the_nightly_task_runs_the_same_purge(self) -> None:
        result = tasks.purge.enqueue()
        self.assertIn("cases 1", result.return_value)
        self.assertEqual(texts_of(self.old.pk), [])
        self.assertEqual(AuditEvent.objects.filter(object_type="privacy.purge").count(), 1)


class PurgeReferralsTests(BaseTestCase):
    def test_a_referral_without_a_case_is_anonymised_the_same_months_after_its_last_change(
        self,
    ) -> None:
        offering = make_offering(self.association)
        # The declined referral made with the case; the case itself stays open.
        case = make_full_case(self, "Declined", offering, opened=NOW - 30 * MONTH)
        declined = Referral.objects.get(person=case.person, status=Referral.Status.DECLINED)
        report = actions.purge()
        self.assertEqual(report.counts["referrals"], 1)
        self.assertEqual(report.counts["people"], 0)
        declined.refresh_from_db()
        self.assertEqual((declined.details, declined.decline_reason), ("", ""))
        self.assertEqual(declined.status, Referral.Status.DECLINED)

    def test_a_recently_declined_referral_stays(self) -> None:
        offering = make_offering(self.association)
        make_full_case(self, "Fresh", offering, opened=NOW - MONTH)
        self.assertEqual(actions.purge().counts["referrals"], 0)


class PurgeShortLivedTests(BaseTestCase):
    def test_expired_sessions_old_sign_ins_and_deactivated_factors_go(self) -> None:
        Session.objects.create(
            session_key="old", session_data="x", expire_date=NOW - dt.timedelta(minutes=1)
        )
        Session.objects.create(
            session_key="live", session_data="x", expire_date=NOW + dt.timedelta(minutes=20)
        )
        with time_machine.travel(NOW - dt.timedelta(days=91), tick=False):
            AccessAttempt.objects.create(
                user_agent="ua",
                ip_address="10.0.0.1",
                username="lw@example.org",
                http_accept="*/*",
                path_info="/",
                get_data="",
                post_data="",
                failures_since_start=1,
            )
            AccessLog.objects.create(
                user_agent="ua",
                ip_address="10.0.0.1",
                username="lw@example.org",
                http_accept="*/*",
                path_info="/",
            )
        AccessLog.objects.create(
            user_agent="ua",
            ip_address="10.0.0.2",
            username="gp@example.org",
            http_accept="*/*",
            path_info="/",
        )
        gone = make_user("gone@example.org", is_active=False)
        Authenticator.objects.create(user=gone, type=Authenticator.Type.TOTP, data={"secret": "x"})
        Authenticator.objects.create(
            user=self.gp, type=Authenticator.Type.TOTP, data={"secret": "y"}
        )
        report = actions.purge()
        self.assertEqual(report.counts["sessions"], 1)
        self.assertEqual(report.counts["sign_ins"], 2)
        self.assertEqual(report.counts["second_factors"], 1)
        self.assertEqual(list(Session.objects.values_list("session_key", flat=True)), ["live"])
        self.assertEqual(AccessLog.objects.get().username, "gp@example.org")
        self.assertEqual(Authenticator.objects.get().user, self.gp)

    def test_a_problem_reporters_contact_is_cleared_after_the_report_was_resolved(self) -> None:
        offering = make_offering(self.association)
        old = ProblemReport.objects.create(
            offering=offering,
            kind="closed",
            contact="someone@example.org",
            status=ProblemReport.Status.RESOLVED,
            resolved_at=NOW - dt.timedelta(days=91),
        )
        fresh = ProblemReport.objects.create(
            offering=offering,
            kind="closed",
            contact="other@example.org",
            status=ProblemReport.Status.RESOLVED,
            resolved_at=NOW - dt.timedelta(days=10),
        )
        self.assertEqual(actions.purge().counts["report_contacts"], 1)
        old.refresh_from_db()
        fresh.refresh_from_db()
        self.assertEqual((old.contact, fresh.contact), ("", "other@example.org"))


class PurgeAuditLogTests(TestCase):
    """The access log in time order: events 6, 5½ and 4 years old, and one today."""

    def setUp(self) -> None:
        self.unit = make_organization("Vårdcentralen Kanarie", Organization.Kind.HEALTH_CENTRE)
        self.admin = make_user("admin@example.org", self.unit, "administrator")
        for years in (6, 5.5, 4):
            with time_machine.travel(NOW - dt.timedelta(days=365.25 * years), tick=False):
                events.record(AuditEvent.Action.READ, self.unit, user=None, purpose="test")
        self.grant_person = Person.objects.create(first_name="Kanarie")
        for years in (6, 4):
            started = NOW - dt.timedelta(days=365.25 * years)
            BreakGlass.objects.create(
                user=self.admin,
                person=self.grant_person,
                reason="test",
                started_at=started,
                ends_at=started + dt.timedelta(hours=1),
            )
        events.record(AuditEvent.Action.READ, self.unit, user=None, purpose="test")

    def test_it_keeps_five_years_and_the_chain_still_verifies(self) -> None:
        output = purge_output()
        four_years_ago = timezone.localdate(NOW - dt.timedelta(days=365.25 * 4))
        self.assertIn(f"2 audit events removed (oldest kept: {four_years_ago.isoformat()})", output)
        self.assertEqual(AuditEvent.objects.filter(purpose="test").count(), 2)
        self.assertFalse(
            AuditEvent.objects.filter(at__lt=NOW - dt.timedelta(days=365.25 * 5)).exists()
        )
        verified = StringIO()
        call_command("verify_audit", stdout=verified)
        self.assertIn("chain intact", verified.getvalue())

    def test_break_glass_grants_go_with_the_log(self) -> None:
        report = actions.purge()
        self.assertEqual(report.counts["break_glass"], 1)
        self.assertEqual(BreakGlass.objects.count(), 1)

    def test_a_second_run_removes_nothing_more(self) -> None:
        actions.purge()
        self.assertEqual(actions.purge().counts["audit_events"], 0)
        verified = StringIO()
        call_command("verify_audit", stdout=verified)
        self.assertIn("chain intact", verified.getvalue())

    @override_settings(LOTSA_RETENTION_AUDIT_YEARS=7)
    def test_a_longer_setting_keeps_more(self) -> None:
        self.assertEqual(actions.purge().counts["audit_events"], 0)
        self.assertEqual(AuditEvent.objects.filter(purpose="test").count(), 4)


class AnonymiseCaseTests(PurgeTestCase):
    def test_it_refuses_an_open_case(self) -> None:
        with self.assertRaises(actions.PrivacyError):
            actions.anonymise_case(self.open)
        self.assertTrue(texts_of(self.open.pk))

    def test_it_clears_a_closed_case_and_its_person_when_nothing_else_is_kept(self) -> None:
        actions.anonymise_case(self.old, acting_user=self.admin)
        self.assertEqual(texts_of(self.old.pk), [])
        self.assertTrue(actions.is_anonymised(Person.objects.get(pk=self.old.person_id)))
        event = AuditEvent.objects.get(
            object_type="referrals.case",
            object_id=str(self.old.pk),
            purpose=actions.RETENTION_PURPOSE,
        )
        self.assertEqual(event.user, self.admin)

    def test_it_keeps_the_person_while_a_recent_record_of_theirs_is_kept(self) -> None:
        # The recent case's person also has a declined referral made a month ago.
        actions.anonymise_case(self.recent)
        self.assertEqual(texts_of(self.recent.pk), [])
        self.assertFalse(actions.is_anonymised(Person.objects.get(pk=self.recent.person_id)))
