"""Providers' self-service: their listings page, editing their organisation and offerings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lotsa.accounts.models import Organization, User
from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Offering, OfferingChange
from lotsa.directory.tests.test_offering_form import offering_post, post_from_form, url
from lotsa.test import BaseTestCase, Role, make_offering, make_organization, make_user


class SelfServiceTest(BaseTestCase):
    walk: Offering
    other_association: Organization
    other_provider: User
    choir: Offering

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.walk = make_offering(cls.association, "Promenadgruppen", capacity=10, places_taken=4)
        cls.other_association = make_organization("Kören Glada Röster")
        cls.other_provider = make_user("choir@example.org", cls.other_association, Role.PROVIDER)
        cls.choir = make_offering(cls.other_association, "Körsång")

    def edit_post(self, offering: Offering, **changes: Any) -> dict[str, Any]:
        """The edit form as the provider sees it, with `changes` typed in."""
        form = self.client.get(url("directory:offering-edit", offering.uuid)).context["form"]
        return post_from_form(form, **changes)

    # Your listings.

    def test_my_listings_shows_the_providers_offerings_with_their_state(self) -> None:
        Offering.objects.filter(pk=self.walk.pk).update(
            last_reviewed_at=self.today() - dt.timedelta(weeks=60)
        )
        self.login(self.provider)
        response = self.client.get(url("directory:my-listings"))
        self.assertContains(response, "Föreningen Gå Tillsammans")
        self.assertContains(response, "Promenadgruppen")
        self.assertContains(response, "6 of 10 free")
        self.assertContains(response, "Stale: please check")
        self.assertContains(response, url("directory:offering-confirm", self.walk.uuid))
        self.assertNotContains(response, "Körsång")

    def test_my_listings_shows_pending_and_rejected_changes(self) -> None:
        self.login(self.provider)
        self.client.post(url("directory:offering-create", self.association.pk), offering_post())
        change = OfferingChange.objects.get()
        response = self.client.get(url("directory:my-listings"))
        self.assertContains(response, "New activities waiting for review")
        self.assertContains(response, "Stickcafé")
        change.status = OfferingChange.Status.REJECTED
        change.decided_by = self.coordinator
        change.decided_at = change.submitted_at
        change.message = "Skriv vilken lokal ni träffas i."
        change.save()
        response = self.client.get(url("directory:my-listings"))
        self.assertContains(response, "Sent back by municipal staff")
        self.assertContains(response, "Skriv vilken lokal ni träffas i.")

    def test_my_listings_shows_an_outsider_nothing_of_others(self) -> None:
        self.login(self.outsider)
        response = self.client.get(url("directory:my-listings"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Promenadgruppen")
        self.assertContains(response, url("directory:claim"))

    def test_my_listings_requires_signing_in(self) -> None:
        response = self.client.get(url("directory:my-listings"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/login/", response["Location"])

    # Offerings.

    def test_an_edit_waits_for_review_and_the_public_page_is_unchanged(self) -> None:
        self.login(self.provider)
        data = self.edit_post(self.walk, description="Vi går längs älven varje tisdag.")
        response = self.client.post(url("directory:offering-edit", self.walk.uuid), data)
        self.assertRedirects(response, url("directory:my-listings"))
        change = OfferingChange.objects.get()
        self.assertEqual(change.status, OfferingChange.Status.PENDING)
        self.assertEqual(change.offering, self.walk)
        self.assertEqual(change.submitted_by, self.provider)
        public = self.client.get(url("directory:offering", self.walk.uuid))
        self.assertContains(public, "Vi går en lugn promenad tillsammans")
        self.assertNotContains(public, "längs älven")
        self.assertTrue(
            AuditEvent.objects.filter(action="create", object_id=str(change.pk)).exists()
        )

    def test_editing_again_starts_from_the_changes_waiting_for_review(self) -> None:
        self.login(self.provider)
        data = self.edit_post(self.walk, description="Första ändringen.")
        self.client.post(url("directory:offering-edit", self.walk.uuid), data)
        response = self.client.get(url("directory:offering-edit", self.walk.uuid))
        self.assertEqual(response.context["form"]["description"].value(), "Första ändringen.")
        self.assertContains(response, "are waiting for review")

    def test_a_newer_submission_replaces_the_one_waiting(self) -> None:
        self.login(self.provider)
        edit = url("directory:offering-edit", self.walk.uuid)
        self.client.post(edit, self.edit_post(self.walk, description="Första ändringen."))
        self.client.post(edit, self.edit_post(self.walk, description="Andra ändringen."))
        first, second = OfferingChange.objects.order_by("pk")
        self.assertEqual(first.status, OfferingChange.Status.REJECTED)
        self.assertIsNone(first.decided_by)
        self.assertEqual(second.status, OfferingChange.Status.PENDING)
        self.assertEqual(second.data["description"], "Andra ändringen.")
        # A replaced draft is not shown as a moderator's rejection.
        self.assertNotContains(
            self.client.get(url("directory:my-listings")), "Sent back by municipal staff"
        )

    def test_sending_the_listing_unchanged_creates_nothing(self) -> None:
        self.login(self.provider)
        edit = url("directory:offering-edit", self.walk.uuid)
        response = self.client.post(edit, self.edit_post(self.walk), follow=True)
        self.assertContains(response, "Nothing was changed")
        self.assertFalse(OfferingChange.objects.exists())

    def test_places_and_status_are_updated_without_review(self) -> None:
        self.login(self.provider)
        data = self.edit_post(self.walk, places_taken="10", waitlist_length="3", status="paused")
        response = self.client.post(
            url("directory:offering-edit", self.walk.uuid), data, follow=True
        )
        self.assertContains(response, "Places and status are updated.")
        self.walk.refresh_from_db()
        self.assertEqual((self.walk.places_taken, self.walk.waitlist_length), (10, 3))
        self.assertEqual(self.walk.status, Offering.Status.PAUSED)
        self.assertFalse(OfferingChange.objects.exists())
        self.assertTrue(
            AuditEvent.objects.filter(
                action="change", object_type="directory.offering", object_id=str(self.walk.pk)
            ).exists()
        )

    def test_a_staff_member_who_moderates_the_municipality_publishes_at_once(self) -> None:
        municipal = make_offering(self.municipality, "Seniorträffen")
        self.login(self.coordinator)
        data = self.edit_post(municipal, description="Träffpunkt för seniorer, med fika.")
        self.client.post(url("directory:offering-edit", municipal.uuid), data)
        municipal.refresh_from_db()
        self.assertEqual(municipal.description, "Träffpunkt för seniorer, med fika.")
        self.assertEqual(OfferingChange.objects.get().status, OfferingChange.Status.APPROVED)

    def test_nobody_else_reaches_an_offering(self) -> None:
        for user in (self.outsider, self.other_provider, self.gp):
            self.login(user)
            with self.subTest(user=user.email):
                edit = url("directory:offering-edit", self.walk.uuid)
                self.assertEqual(self.client.get(edit).status_code, 404)
                self.assertEqual(self.client.post(edit, offering_post()).status_code, 404)
                confirm = url("directory:offering-confirm", self.walk.uuid)
                self.assertEqual(self.client.post(confirm).status_code, 404)
                create = url("directory:offering-create", self.association.pk)
                self.assertEqual(self.client.get(create).status_code, 404)
                self.assertEqual(self.client.post(create, offering_post()).status_code, 404)
                organization = url("directory:organization-edit", self.association.pk)
                self.assertEqual(self.client.get(organization).status_code, 404)
                self.assertEqual(self.client.post(organization, {"name": "Kapad"}).status_code, 404)
        self.assertFalse(OfferingChange.objects.exists())
        self.association.refresh_from_db()
        self.assertEqual(self.association.name, "Föreningen Gå Tillsammans")

    def test_the_other_provider_edits_only_their_own(self) -> None:
        self.login(self.other_provider)
        self.assertEqual(
            self.client.get(url("directory:offering-edit", self.choir.uuid)).status_code, 200
        )

    # The organisation.

    def organization_post(self, **changes: str) -> dict[str, str]:
        data = {
            "name": "Föreningen Gå Tillsammans",
            "description": "Vi går tillsammans.",
            "contact_name": "Gunnel",
            "email": "info@gatillsammans.example",
            "phone": "090-10 20 30",
            "website": "gatillsammans.example",
            "org_number": "8024791538",
        }
        data.update(changes)
        return data

    def test_a_provider_edits_their_organisation_at_once_and_audited(self) -> None:
        self.login(self.provider)
        response = self.client.post(
            url("directory:organization-edit", self.association.pk),
            self.organization_post(name="Gå Tillsammans i Umeå"),
        )
        self.assertRedirects(response, url("directory:my-listings"))
        self.association.refresh_from_db()
        self.assertEqual(self.association.name, "Gå Tillsammans i Umeå")
        self.assertEqual(self.association.org_number, "802479-1538")
        self.assertEqual(self.association.website, "https://gatillsammans.example")
        event = AuditEvent.objects.get(action="change", object_type="accounts.organization")
        self.assertEqual(event.user, self.provider)
        self.assertIn("name", event.purpose)

    def test_an_invalid_organisation_number_is_refused(self) -> None:
        self.login(self.provider)
        response = self.client.post(
            url("directory:organization-edit", self.association.pk),
            self.organization_post(name="Nytt namn", org_number="802479-1539"),
        )
        self.assertFormError(
            response.context["form"],
            "org_number",
            "This is not a valid Swedish organisation number (NNNNNN-NNNN).",
        )
        self.association.refresh_from_db()
        self.assertEqual(self.association.name, "Föreningen Gå Tillsammans")
        self.assertFalse(AuditEvent.objects.filter(object_type="accounts.organization").exists())

    def test_a_danish_organisation_number_is_checked_as_cvr(self) -> None:
        self.association.country = "DK"
        self.association.save()
        self.login(self.provider)
        response = self.client.post(
            url("directory:organization-edit", self.association.pk),
            self.organization_post(org_number="8024791538"),
        )
        self.assertFormError(
            response.context["form"],
            "org_number",
            "This is not a valid Danish CVR number (eight digits).",
        )
