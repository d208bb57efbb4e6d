"""`seed_demo_referrals` fills the loop: teams, people and referrals in every stage and status."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.backends.dummy import DummyBackend

from lotsa.accounts.models import Team, User
from lotsa.audit.models import AuditEvent
from lotsa.directory.management.commands.seed_demo import demo_organisations
from lotsa.directory.models import Offering
from lotsa.lib import identitynumbers
from lotsa.people.models import Consent, Person
from lotsa.referrals import access, demo
from lotsa.referrals.models import (
    ActivityReferral,
    ActivityReferralEvent,
    Case,
    Contact,
    Referral,
    UnmetNeed,
)

Status = ActivityReferral.Status
Reason = ActivityReferral.Reason


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo_referrals", *args, stdout=out)
    return out.getvalue()


def demo_user(local: str) -> User:
    return User.objects.get(email=f"{local}@demo.lotsa.test")


def provider_listings() -> list[tuple[int, int | None, int, int]]:
    association = demo_user("provider").memberships.get().organization
    return list(
        association.offerings.order_by("pk").values_list(
            "pk", "capacity", "places_taken", "waitlist_length"
        )
    )


class SeedDemoReferralsTest(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", stdout=StringIO())
        cls.output = seed()

    def team(self, local: str) -> Team:
        return Team.objects.get(members=demo_user(local))

    def test_it_says_what_it_seeded(self) -> None:
        self.assertIn("Seeded 3 link worker teams", self.output)
        self.assertIn("mapping", self.output)
        self.assertIn("on-hold/waitlisted", self.output)

    def test_each_team_serves_its_health_centre_in_its_municipality(self) -> None:
        team_a = self.team("linkworker")
        self.assertEqual(team_a.name, "Hälsolotsarna Umeå centrum")
        self.assertEqual(
            list(team_a.serves.all()), [demo_user("gp").memberships.get().organization]
        )
        self.assertEqual(team_a.municipality, "SE-2480")
        self.assertTrue(team_a.takes_self_referrals)
        team_b = self.team("linkworker-b")
        self.assertEqual(
            list(team_b.serves.all()), [demo_user("outsider").memberships.get().organization]
        )
        self.assertFalse(team_b.takes_self_referrals)
        danish = Team.objects.get(members__email=demo.DANISH_LINK_WORKER)
        self.assertEqual(danish.municipality, "DK-751")
        self.assertEqual(danish.organization.country, "DK")
        self.assertTrue(
            self.client.login(email=demo.DANISH_LINK_WORKER, password="lotsa-demo-2026")
        )

    def test_the_inbox_holds_late_due_unassigned_flagged_and_self_referred_people(self) -> None:
        today = timezone.localdate()
        inbox = Referral.objects.filter(team=self.team("linkworker"), status=Referral.Status.NEW)
        overdue = [r for r in inbox if r.is_overdue(today)]
        self.assertGreaterEqual(len(overdue), 2)
        self.assertTrue(any(r.assigned_to_id for r in overdue))
        self.assertTrue(any(r.assigned_to_id is None for r in overdue))
        self.assertGreaterEqual(inbox.filter(due_on=today).count(), 2)
        flag = inbox.get(source=Referral.Source.CONNECTOR)
        self.assertIsNone(flag.assigned_to)
        self.assertTrue(flag.agreed_to_be_called)
        self.assertEqual(flag.referred_by, demo_user("connector"))
        self.assertTrue(inbox.filter(source=Referral.Source.SELF, referred_by=None).exists())
        self.assertTrue(inbox.exclude(ucla3_score=None).exists())

    def test_some_referrals_were_declined_or_forwarded(self) -> None:
        declined = Referral.objects.get(status=Referral.Status.DECLINED)
        self.assertTrue(declined.decline_reason)
        forwarded = Referral.objects.get(status=Referral.Status.FORWARDED)
        self.assertEqual(forwarded.forwarded_to, self.team("linkworker-b"))
        self.assertTrue(
            Referral.objects.filter(
                team=self.team("linkworker-b"), person=forwarded.person, status="new"
            ).exists()
        )

    def test_open_cases_are_in_every_stage_of_the_pathway(self) -> None:
        cases = Case.objects.open()
        self.assertEqual(set(cases.values_list("stage", flat=True)), set(Case.Stage.values))
        for case in cases:
            with self.subTest(stage=case.stage):
                self.assertTrue(case.contacts.exists())
                self.assertIsNotNone(case.next_action_on)
                if case.stage != Case.Stage.MAPPING:
                    self.assertTrue(case.what_matters and case.plan)
                    self.assertTrue(case.interests.exists())
        today = timezone.localdate()
        self.assertTrue(cases.filter(next_action_on=today).exists())
        self.assertTrue(cases.filter(next_action_on__lt=today).exists())
        self.assertTrue(Contact.objects.filter(reached=False).exists())

    def test_closed_cases_have_every_reason_and_next_step(self) -> None:
        closed = Case.objects.exclude(closed_at=None)
        self.assertEqual(
            set(closed.values_list("closure_reason", flat=True)), set(Case.ClosureReason.values)
        )
        self.assertEqual(
            set(closed.values_list("next_step", flat=True)) - {""}, set(Case.NextStep.values)
        )

    def test_activity_referrals_are_in_every_planned_status(self) -> None:
        seen = set(ActivityReferral.objects.values_list("status", "reason"))
        planned = {
            (Status.REQUESTED, ""),
            (Status.ACCEPTED, ""),
            (Status.IN_PROGRESS, ""),
            (Status.ON_HOLD, Reason.WAITLISTED),
            (Status.ON_HOLD, Reason.NEEDS_INFORMATION),
            (Status.REJECTED, Reason.PROVIDER_DECLINED),
            (Status.REJECTED, Reason.NO_CAPACITY),
            (Status.CANCELLED, Reason.PERSON_DECLINED),
            (Status.CANCELLED, Reason.NO_CONTACT),
            (Status.COMPLETED, ""),
        }
        self.assertLessEqual(planned, seen)
        participation = set(ActivityReferral.objects.values_list("participation", flat=True))
        self.assertLessEqual(set(ActivityReferral.Participation.values), participation)

    def test_every_step_went_through_the_actions(self) -> None:
        for referral in Referral.objects.all():
            self.assertTrue(
                AuditEvent.objects.filter(
                    object_type="referrals.referral", object_id=str(referral.pk)
                ).exists()
            )
            self.assertTrue(
                Consent.objects.filter(
                    person=referral.person, scope=Consent.Scope.TEAM, team=referral.team
                ).exists()
            )
        for activity in ActivityReferral.objects.prefetch_related("events"):
            with self.subTest(activity=activity.pk):
                events = list(activity.events.all())
                self.assertEqual(events[0].status, Status.REQUESTED)
                self.assertEqual(events[-1].status, activity.status)
                self.assertEqual(activity.consent.scope, Consent.Scope.PROVIDER)
                self.assertEqual(activity.consent.organization, activity.offering.organization)
                self.assertEqual(
                    activity.holds_place,
                    activity.is_live and activity.status in (Status.ACCEPTED, Status.IN_PROGRESS),
                )

    def test_the_demo_provider_can_take_one_more_and_keeps_a_waiting_list(self) -> None:
        provider = demo_user("provider")
        listings = Offering.objects.filter(
            organization__in=provider.memberships.values("organization"),
            is_published=True,
            status=Offering.Status.ACTIVE,
        )
        free = [o for o in listings if o.capacity and (o.places_free or 0) >= 2 and o.email]
        self.assertTrue(free)
        self.assertTrue(
            any(o.capacity_status == Offering.CapacityStatus.WAITLIST for o in listings)
        )
        answered = access.provider_referrals(provider)
        self.assertTrue(answered.filter(status=Status.REQUESTED).exists())
        self.assertGreaterEqual(len(set(answered.values_list("status", flat=True))), 6)
        self.assertTrue(access.provider_referrals(demo_user("dk-provider")).exists())

    def test_each_demo_user_sees_their_own_and_nothing_of_the_others(self) -> None:
        gp, outsider = demo_user("gp"), demo_user("outsider")
        seen_by_gp = access.unit_referrals(gp)
        self.assertTrue(seen_by_gp.filter(case__activity_referrals__status=Status.IN_PROGRESS))
        self.assertFalse(seen_by_gp.filter(pk__in=access.unit_referrals(outsider)).exists())
        team_a = set(access.team_referrals(demo_user("linkworker")).values_list("pk", flat=True))
        team_b = set(access.team_referrals(demo_user("linkworker-b")).values_list("pk", flat=True))
        self.assertTrue(team_a and team_b)
        self.assertFalse(team_a & team_b)
        flags = access.own_flags(demo_user("connector"))
        self.assertEqual({f.first_contact_at is None for f in flags}, {True, False})

    def test_the_history_reaches_four_months_back_and_never_ahead(self) -> None:
        now = timezone.now()
        created = list(Referral.objects.values_list("created_at", flat=True))
        self.assertLess(min(created), now - dt.timedelta(days=100))
        for model, field in (
            (Referral, "created_at"),
            (Case, "opened_at"),
            (Case, "closed_at"),
            (ActivityReferral, "answered_at"),
            (ActivityReferralEvent, "at"),
            (Consent, "given_at"),
            (UnmetNeed, "recorded_at"),
        ):
            with self.subTest(model=model.__name__, field=field):
                self.assertFalse(model.objects.filter(**{f"{field}__gt": now}).exists())
        for case in Case.objects.exclude(closed_at=None):
            self.assertLess(case.opened_at, case.closed_at)
        for activity in ActivityReferral.objects.prefetch_related("events"):
            moments = [event.at for event in activity.events.all()]
            self.assertEqual(moments, sorted(moments))
            self.assertGreaterEqual(moments[0], activity.case.opened_at)

    def test_people_are_synthetic(self) -> None:
        people = Person.objects.all()
        self.assertGreaterEqual(people.count(), 40)
        for person in people:
            with self.subTest(person=person.pk):
                if person.email:
                    self.assertTrue(person.email.endswith("@example.com"))
                if person.municipality == "SE-2480":
                    # The numbers PTS keeps for fiction, in E.164.
                    self.assertRegex(person.phone, r"^\+4670174060[5-9]$|^\+467017406[1-9]\d$")
                if person.identity_number:
                    parsed = identitynumbers.parse(person.identity_number)
                    self.assertEqual(parsed.birth_date, person.birth_date)
                    male = int(person.identity_number[-2 if parsed.country == "SE" else -1]) % 2
                    self.assertEqual(person.sex, "male" if male else "female")
        self.assertGreaterEqual(people.exclude(identity_number="").count(), 10)
        self.assertTrue(people.filter(municipality="DK-751", language="da").exists())
        self.assertTrue(people.filter(needs_interpreter=True).exists())

    def test_unmet_needs_show_gaps_in_umea_and_aarhus(self) -> None:
        needs = UnmetNeed.objects.all()
        self.assertEqual(set(needs.values_list("municipality", flat=True)), {"SE-2480", "DK-751"})
        self.assertTrue(needs.filter(need__code="grief-support").exists())
        self.assertTrue(needs.filter(audience__code="young-adults", age_band="18-29").exists())

    def test_a_second_run_changes_nothing(self) -> None:
        before = (Person.objects.count(), Referral.objects.count(), AuditEvent.objects.count())
        self.assertIn("already seeded", seed())
        after = (Person.objects.count(), Referral.objects.count(), AuditEvent.objects.count())
        self.assertEqual(after, before)

    def test_reset_seeds_the_same_picture_and_gives_the_places_back(self) -> None:
        summary, listings = demo.summary(), provider_listings()
        names = sorted(Person.objects.values_list("first_name", "last_name"))
        self.assertIn("Removed 3 demo teams", seed("--reset"))
        self.assertEqual(demo.summary(), summary)
        self.assertEqual(provider_listings(), listings)
        self.assertEqual(sorted(Person.objects.values_list("first_name", "last_name")), names)

    def test_seed_demo_reset_removes_the_referrals_first(self) -> None:
        summary = demo.summary()
        call_command("seed_demo", "--reset", stdout=StringIO())
        self.assertFalse(Team.objects.exists())
        self.assertFalse(Person.objects.exists())
        self.assertTrue(demo_organisations().exists())
        seed()
        self.assertEqual(demo.summary(), summary)

    def test_tasks_go_nowhere_while_seeding(self) -> None:
        with demo.quiet_tasks():
            self.assertIsInstance(task_backends["default"], DummyBackend)


class SeedDemoReferralsWithoutDirectoryTest(TestCase):
    def test_it_asks_for_seed_demo_first(self) -> None:
        with self.assertRaisesMessage(CommandError, "seed_demo"):
            seed()
        self.assertFalse(Team.objects.exists())

    def test_remove_on_an_empty_database_removes_nothing(self) -> None:
        self.assertIn("Removed 0 demo teams", seed("--remove"))
