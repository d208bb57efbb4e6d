"""Finding the person a request is about, and an administrator's break-glass access."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from lotsa.audit.models import AuditEvent
from lotsa.people.models import BreakGlass
from lotsa.test import BaseTestCase, make_case, make_person, make_user

IDENTITY_NUMBER = "19460315-4545"  # a valid, synthetic personnummer
REASON = "Her daughter called: she has not been heard of since Friday."


class PrivacyPagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        person = make_person(
            "Ingegerd", "Söderström", identity_number="194603154545", identity_kind="personnummer"
        )
        cls.case = make_case(cls.team_a, cls.link_worker, cls.gp, person=person)
        cls.case.what_matters = "Att få sjunga i kör igen"
        cls.case.save()
        cls.person = person

    def urls(self) -> list[str]:
        key = self.person.uuid
        return [
            reverse("privacy:find-person"),
            reverse("privacy:person", args=[key]),
            reverse("privacy:break-glass", args=[key]),
            reverse("privacy:break-glass-record", args=[key]),
        ]


class WhoMayUseThemTests(PrivacyPagesTestCase):
    def test_they_are_404_for_everyone_but_administrators(self) -> None:
        for user in (self.gp, self.link_worker, self.provider, self.coordinator, self.outsider):
            self.client.force_login(user)
            for url in self.urls():
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_they_send_the_anonymous_to_sign_in(self) -> None:
        for url in self.urls():
            self.assertEqual(self.client.get(url).status_code, 302)


class FindPersonTests(PrivacyPagesTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.admin)

    def test_it_finds_the_person_by_identity_number_without_putting_it_in_the_url(self) -> None:
        response = self.client.post(
            reverse("privacy:find-person"), {"identity_number": IDENTITY_NUMBER}
        )
        self.assertRedirects(response, reverse("privacy:person", args=[self.person.uuid]))
        self.assertNotIn("4543", response["Location"])
        page = self.client.get(response["Location"])
        self.assertContains(page, "Ingegerd Söderström")
        self.assertNotContains(page, "194603154545")  # only the masked number

    def test_it_says_when_the_number_is_not_valid_or_not_known(self) -> None:
        response = self.client.post(reverse("privacy:find-person"), {"identity_number": "12345"})
        self.assertContains(response, "Det här är inte ett giltigt")
        response = self.client.post(
            reverse("privacy:find-person"), {"identity_number": "19121212-1212"}
        )
        self.assertContains(response, "Det finns ingen med det här personnumret")

    def test_opening_the_person_is_logged_with_its_purpose(self) -> None:
        self.client.get(reverse("privacy:person", args=[self.person.uuid]))
        event = AuditEvent.objects.get(person_uuid=self.person.uuid, purpose="person's request")
        self.assertEqual((event.action, event.user), (AuditEvent.Action.READ, self.admin))
        self.assertEqual(event.organization_id, self.municipality.pk)


class BreakGlassTests(PrivacyPagesTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.admin)

    def open(self, **data: object) -> object:
        data = {"reason": REASON, "confirm": "on", **data}
        return self.client.post(reverse("privacy:break-glass", args=[self.person.uuid]), data)

    def test_the_record_asks_for_a_reason_first(self) -> None:
        record = reverse("privacy:break-glass-record", args=[self.person.uuid])
        self.assertRedirects(
            self.client.get(record), reverse("privacy:break-glass", args=[self.person.uuid])
        )

    def test_it_needs_a_real_reason_and_the_confirmation(self) -> None:
        response = self.open(reason="brådskande", confirm="")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "åtminstone har 20 tecken")
        self.assertContains(response, "Detta fält måste fyllas i.")
        self.assertFalse(BreakGlass.objects.exists())

    def test_it_opens_the_whole_record_read_only_and_logs_each_look(self) -> None:
        response = self.open()
        record = reverse("privacy:break-glass-record", args=[self.person.uuid])
        self.assertRedirects(response, record, fetch_redirect_response=False)
        grant = BreakGlass.objects.get()
        self.assertEqual(
            (grant.user, grant.person, grant.reason), (self.admin, self.person, REASON)
        )
        page = self.client.get(record)
        self.assertContains(page, "Att få sjunga i kör igen")
        self.assertNotContains(page, '<form method="post" novalidate>')
        reads = AuditEvent.objects.filter(
            person_uuid=self.person.uuid, action=AuditEvent.Action.READ, user=self.admin
        ).filter(purpose__startswith="break-glass:")
        self.assertEqual(reads.count(), 1)
        self.assertIn("daughter called", reads.get().purpose)
        self.assertTrue(
            AuditEvent.objects.filter(
                object_type="people.breakglass", action=AuditEvent.Action.CREATE
            ).exists()
        )

    def test_it_ends_after_its_time(self) -> None:
        self.open()
        record = reverse("privacy:break-glass-record", args=[self.person.uuid])
        self.assertEqual(self.client.get(record).status_code, 200)
        # An hour later (the session would have ended too: the grant is moved instead).
        BreakGlass.objects.update(ends_at=timezone.now() - timezone.timedelta(seconds=1))
        self.assertRedirects(
            self.client.get(record), reverse("privacy:break-glass", args=[self.person.uuid])
        )

    def test_it_opens_nothing_else(self) -> None:
        self.open()
        # The link worker's case page stays closed to the administrator.
        case = reverse("referrals:case", args=[self.case.uuid])
        self.assertEqual(self.client.get(case).status_code, 404)

    def test_another_administrators_access_is_theirs_alone(self) -> None:
        self.open()
        other = make_user("admin2@example.org", self.municipality, "administrator")
        self.client.force_login(other)
        record = reverse("privacy:break-glass-record", args=[self.person.uuid])
        self.assertRedirects(
            self.client.get(record), reverse("privacy:break-glass", args=[self.person.uuid])
        )
