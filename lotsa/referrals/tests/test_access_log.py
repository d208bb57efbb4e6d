"""Reading people's data leaves a trace: one audit event per person shown, and per refusal."""

from __future__ import annotations

from django.urls import reverse

from lotsa.audit.models import AuditEvent
from lotsa.test import BaseTestCase, make_case, make_referral


class AccessLogTests(BaseTestCase):
    def test_the_inbox_logs_a_read_of_every_referral_it_shows(self) -> None:
        referrals = [make_referral(self.team_a, self.gp) for _ in range(3)]
        self.login(self.link_worker)

        self.client.get(reverse("referrals:inbox"))

        logged = AuditEvent.objects.filter(
            action="read", object_type="referrals.referral", purpose="inbox"
        )
        self.assertEqual(
            sorted(logged.values_list("object_id", flat=True)),
            sorted(str(r.pk) for r in referrals),
        )
        self.assertEqual({event.user for event in logged}, {self.link_worker})

    def test_opening_a_case_logs_the_read(self) -> None:
        case = make_case(self.team_a, self.link_worker, self.gp)
        self.login(self.link_worker)

        self.client.get(reverse("referrals:case", args=[case.uuid]))

        self.assertTrue(
            AuditEvent.objects.filter(
                action="read", object_type="referrals.case", object_id=str(case.pk)
            ).exists()
        )

    def test_a_refused_attempt_is_logged_as_denied(self) -> None:
        case = make_case(self.team_a, self.link_worker, self.gp)
        self.login(self.outsider_link_worker)

        response = self.client.get(reverse("referrals:case", args=[case.uuid]))

        self.assertEqual(response.status_code, 404)
        denied = AuditEvent.objects.get(action="denied", object_type="referrals.case")
        self.assertEqual(denied.user, self.outsider_link_worker)
        self.assertEqual(denied.object_id, str(case.uuid))

    def test_each_event_names_the_person_and_the_unit(self) -> None:
        case = make_case(self.team_a, self.link_worker, self.gp)
        self.login(self.link_worker)

        self.client.get(reverse("referrals:case", args=[case.uuid]))
        self.client.get(reverse("referrals:inbox"))

        read = AuditEvent.objects.get(action="read", object_type="referrals.case")
        self.assertEqual(read.person_uuid, case.person.uuid)
        self.assertEqual(read.organization_id, self.health_centre_a.pk)
        created = AuditEvent.objects.filter(action="create", object_type="referrals.referral")
        self.assertEqual({event.person_uuid for event in created}, {case.person.uuid})
