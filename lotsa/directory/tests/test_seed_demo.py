"""`seed_demo` builds a realistic, synthetic and repeatable demo; `print_demo_logins` shows it."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from lotsa.accounts import access
from lotsa.accounts.models import Membership, Organization, User
from lotsa.directory import search
from lotsa.directory.management.commands.seed_demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    demo_organisations,
)
from lotsa.directory.models import Offering, OfferingChange, Place, ProblemReport, Schedule
from lotsa.lib import orgnumbers
from lotsa.lib.distance import is_in_sweden_or_denmark

Role = Membership.Role
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖÆØ])")


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def print_logins() -> str:
    out = StringIO()
    call_command("print_demo_logins", stdout=out)
    return out.getvalue()


def demo_user(local: str) -> User:
    return User.objects.get(email=f"{local}@demo.lotsa.test")


class SeedDemoTest(TestCase):
    output: str
    today: dt.date

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = seed()
        cls.today = timezone.localdate()

    def offerings(self) -> list[Offering]:
        return list(
            Offering.objects.filter(organization__in=demo_organisations())
            .select_related("organization")
            .prefetch_related("places", "schedules", "languages", "categories")
        )

    def test_it_fills_a_directory_of_150_offerings_from_60_organisations(self) -> None:
        self.assertGreaterEqual(Offering.objects.count(), 150)
        self.assertGreaterEqual(Organization.objects.filter(country="SE").count(), 60)
        self.assertIn("Seeded", self.output)

    def test_every_role_has_a_demo_user_with_a_membership(self) -> None:
        for role in Role.values:
            with self.subTest(role=role):
                self.assertTrue(
                    Membership.objects.filter(
                        role=role, user__email__endswith="@demo.lotsa.test"
                    ).exists()
                )
        for login in DEMO_LOGINS:
            with self.subTest(login=login.email):
                user = demo_user(login.local)
                self.assertTrue(user.memberships.filter(role=login.role).exists())
                self.assertTrue(user.first_name and user.last_name)

    def test_the_demo_password_signs_in(self) -> None:
        self.assertTrue(
            self.client.login(email="linkworker@demo.lotsa.test", password=DEMO_PASSWORD)
        )

    def test_only_the_administrator_is_staff(self) -> None:
        admin = demo_user("admin")
        self.assertTrue(admin.is_staff and admin.is_superuser)
        self.assertFalse(demo_user("gp").is_staff)

    def test_the_gp_and_the_link_worker_share_a_health_centre_the_outsider_does_not(self) -> None:
        centre = demo_user("gp").memberships.get().organization
        self.assertEqual(centre.kind, Organization.Kind.HEALTH_CENTRE)
        self.assertEqual(demo_user("linkworker").memberships.get().organization, centre)
        other = demo_user("outsider").memberships.get().organization
        self.assertEqual(other.kind, Organization.Kind.HEALTH_CENTRE)
        self.assertNotEqual(other, centre)

    def test_the_provider_keeps_three_listings_one_of_them_stale(self) -> None:
        association = demo_user("provider").memberships.get().organization
        listings = list(association.offerings.all())
        self.assertGreaterEqual(len(listings), 3)
        self.assertTrue(any(o.is_stale(self.today) for o in listings))

    def test_the_coordinator_moderates_umea_only(self) -> None:
        coordinator = demo_user("coordinator")
        unit = coordinator.memberships.get().organization
        self.assertEqual(unit.kind, Organization.Kind.MUNICIPALITY)
        self.assertTrue(access.can_moderate(coordinator, "SE-2480"))
        self.assertFalse(access.can_moderate(coordinator, "DK-751"))

    def test_the_danish_provider_writes_in_danish(self) -> None:
        user = demo_user("dk-provider")
        self.assertEqual(user.language, "da")
        association = user.memberships.get().organization
        self.assertEqual(association.country, "DK")
        self.assertTrue(association.offerings.filter(text_language="da").exists())

    def test_some_listings_are_stale(self) -> None:
        offerings = self.offerings()
        share = sum(o.is_stale(self.today) for o in offerings) / len(offerings)
        self.assertTrue(0.15 <= share <= 0.20, share)

    def test_some_listings_are_full_with_and_without_a_waiting_list(self) -> None:
        statuses = [o.capacity_status for o in self.offerings()]
        full = len(statuses) - statuses.count(Offering.CapacityStatus.CAPACITY)
        self.assertTrue(0.12 <= full / len(statuses) <= 0.18, full)
        self.assertIn(Offering.CapacityStatus.WAITLIST, statuses)
        self.assertIn(Offering.CapacityStatus.NO_CAPACITY, statuses)

    def test_some_listings_are_danish_from_a_danish_municipality(self) -> None:
        danish = [o for o in self.offerings() if o.text_language == "da"]
        self.assertGreaterEqual(len(danish), 10)
        for offering in danish:
            self.assertEqual(offering.organization.country, "DK")
            self.assertEqual({p.municipality for p in offering.places.all()} - {"DK-751"}, set())

    def test_every_place_is_in_sweden_or_denmark(self) -> None:
        for place in Place.objects.all():
            self.assertTrue(is_in_sweden_or_denmark(place.latitude, place.longitude), place)

    def test_swedish_places_are_in_umea_with_local_postcodes(self) -> None:
        places = Place.objects.filter(municipality__startswith="SE-")
        self.assertGreater(places.count(), 100)
        self.assertEqual(set(places.values_list("municipality", flat=True)), {"SE-2480"})
        for postcode in places.values_list("postcode", flat=True):
            self.assertRegex(postcode, r"^9[01]\d \d\d$")
        self.assertGreaterEqual(len(set(places.values_list("city", flat=True))), 4)

    def test_listings_vary_like_a_real_directory(self) -> None:
        offerings = self.offerings()
        self.assertEqual({o.status for o in offerings}, {"active", "paused", "ended"})
        self.assertEqual(
            {o.how_to_join for o in offerings}, {"drop_in", "contact_first", "referral_only"}
        )
        self.assertTrue(any(o.fee and not o.is_free for o in offerings))
        self.assertTrue(any(o.is_online for o in offerings))
        self.assertTrue(any(not o.is_published for o in offerings))
        spoken = {term.code for o in offerings for term in o.languages.all()}
        self.assertLessEqual({"sv", "da", "ar", "so", "fa", "en", "fi"}, spoken)
        self.assertGreaterEqual(len({t.code for o in offerings for t in o.categories.all()}), 20)
        schedules = Schedule.objects.all()
        self.assertTrue(schedules.filter(interval=2).exists())
        self.assertTrue(schedules.filter(byday__contains=",").exists())
        events = schedules.filter(single_date__isnull=False)
        self.assertGreaterEqual(events.count(), 3)
        self.assertFalse(events.filter(single_date__lte=self.today).exists())

    def test_descriptions_do_not_repeat_and_hold_two_to_four_sentences(self) -> None:
        descriptions = [o.description for o in self.offerings()]
        self.assertEqual(len(set(descriptions)), len(descriptions))
        for description in descriptions:
            sentences = SENTENCE_BREAK.split(description)
            self.assertTrue(2 <= len(sentences) <= 4, description)

    def test_no_trademark_is_named(self) -> None:
        texts = [o.name + " " + o.description for o in self.offerings()]
        texts += list(Organization.objects.values_list("name", flat=True))
        for text in texts:
            self.assertNotIn("social aktivitet på recept", text.casefold())
            self.assertNotRegex(text, r"\bFaR\b")

    def test_people_and_addresses_are_synthetic(self) -> None:
        for organization in demo_organisations():
            self.assertTrue(organization.email.endswith(".example.org"), organization.email)
        for offering in self.offerings():
            self.assertTrue(offering.email.endswith("@example.com"), offering.email)
            if offering.organization.country == "SE":
                # The numbers PTS keeps for fiction.
                self.assertRegex(offering.phone, r"^070-174 06 (0[5-9]|[1-9]\d)$")

    def test_organisation_numbers_are_valid(self) -> None:
        numbered = Organization.objects.exclude(org_number="")
        self.assertTrue(numbered.filter(country="SE").exists())
        for organization in numbered:
            self.assertEqual(
                orgnumbers.normalise(organization.org_number, organization.country),
                organization.org_number,
            )

    def test_changes_and_problem_reports_wait_for_staff(self) -> None:
        pending = OfferingChange.objects.filter(status=OfferingChange.Status.PENDING)
        self.assertTrue(2 <= pending.count() <= 3)
        self.assertTrue(pending.filter(offering__isnull=True).exists())
        self.assertEqual(ProblemReport.objects.filter(status=ProblemReport.Status.OPEN).count(), 2)

    def test_the_search_index_holds_the_demo(self) -> None:
        public = Offering.objects.public()
        self.assertTrue(search.apply(public, "promenad").exists())
        self.assertTrue(search.apply(public, "strikkecafé").exists())

    def test_a_second_run_changes_nothing(self) -> None:
        before = (Offering.objects.count(), Organization.objects.count(), User.objects.count())
        self.assertIn("already seeded", seed())
        after = (Offering.objects.count(), Organization.objects.count(), User.objects.count())
        self.assertEqual(after, before)

    def test_reset_seeds_the_same_listings_again(self) -> None:
        names = sorted(Offering.objects.values_list("name", flat=True))
        users = sorted(User.objects.values_list("pk", "first_name", "last_name"))
        seed("--reset")
        self.assertEqual(sorted(Offering.objects.values_list("name", flat=True)), names)
        self.assertEqual(sorted(User.objects.values_list("pk", "first_name", "last_name")), users)
        self.assertEqual(Membership.objects.count(), len(DEMO_LOGINS))
        self.assertTrue(search.apply(Offering.objects.public(), "promenad").exists())

    def test_print_demo_logins_lists_every_login(self) -> None:
        output = print_logins()
        self.assertIn("http://127.0.0.1:8000/sv/", output)
        for login in DEMO_LOGINS:
            self.assertRegex(output, rf"{re.escape(login.email)}\s+{DEMO_PASSWORD}")
        self.assertIn("Vårdcentralen", output)

    def test_print_demo_logins_says_when_a_password_was_changed(self) -> None:
        user = demo_user("manager")
        user.set_password("another-password-42")
        user.save()
        self.assertRegex(print_logins(), r"manager@demo\.lotsa\.test\s+\(changed\)")


class PrintDemoLoginsWithoutSeedTest(TestCase):
    def test_it_says_to_seed_first(self) -> None:
        self.assertIn("seed_demo", print_logins())
