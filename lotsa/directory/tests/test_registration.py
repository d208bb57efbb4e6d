"""Self-registration of organisations, their approval, and claiming an existing listing."""

from __future__ import annotations

from typing import Any

from django.core import mail

from lotsa.accounts.models import Membership, Organization, User
from lotsa.audit.models import AuditEvent
from lotsa.directory.models import ClaimRequest, Offering, OfferingChange
from lotsa.directory.tests.test_offering_form import offering_post, run_tasks_at_once, url
from lotsa.test import BaseTestCase, Role, make_offering, make_organization, make_user

STRONG_PASSWORD = "gröna-ängar-och-blå-sjöar"


def registration_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "first_name": "Maja",
        "last_name": "Lind",
        "email": "maja@sjungandesenior.example",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "organization_name": "Sjungande seniorer",
        "kind": "association",
        "country": "SE",
        "org_number": "",
        "municipality": "SE-2480",
        "description": "Vi sjunger varje vecka.",
        "contact_name": "Maja Lind",
        "organization_email": "info@sjungandesenior.example",
        "phone": "",
        "website": "",
        "homepage": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@run_tasks_at_once
class RegistrationTest(BaseTestCase):
    def register(self, **overrides: Any) -> Any:
        return self.client.post(url("directory:register"), registration_post(**overrides))

    def test_registration_creates_a_hidden_organisation_and_signs_in(self) -> None:
        response = self.register()
        self.assertRedirects(response, url("directory:my-listings"))
        user = User.objects.get(email="maja@sjungandesenior.example")
        self.assertTrue(user.check_password(STRONG_PASSWORD))
        self.assertEqual((user.first_name, user.language), ("Maja", "en"))
        organization = Organization.objects.get(name="Sjungande seniorer")
        self.assertFalse(organization.is_approved)
        self.assertEqual(organization.email, "info@sjungandesenior.example")
        self.assertTrue(
            Membership.objects.filter(
                user=user, organization=organization, role=Membership.Role.PROVIDER
            ).exists()
        )
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="create", object_type="accounts.organization", user=user
            ).exists()
        )
        page = self.client.get(url("directory:my-listings"))
        self.assertContains(page, "Waiting for approval by municipal staff")

    def test_a_registered_organisation_is_public_only_once_approved(self) -> None:
        self.register()
        organization = Organization.objects.get(name="Sjungande seniorer")
        self.client.post(url("directory:offering-create", organization.pk), offering_post())
        change = OfferingChange.objects.get()

        self.login(self.coordinator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url("directory:change-decide", change.pk), {"decision": "approve"})
        offering = Offering.objects.get(name="Stickcafé")
        self.assertFalse(Offering.objects.public().filter(pk=offering.pk).exists())
        self.assertEqual(self.client.get(url("directory:offering", offering.uuid)).status_code, 404)

        queue = self.client.get(url("directory:moderation"))
        self.assertContains(queue, "Sjungande seniorer")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                url("directory:organization-decide", organization.pk), {"decision": "approve"}
            )
        self.assertRedirects(response, url("directory:moderation"))
        organization.refresh_from_db()
        self.assertTrue(organization.is_approved)
        self.assertContains(self.client.get(url("directory:offering", offering.uuid)), "Stickcafé")
        self.assertTrue(
            AuditEvent.objects.filter(
                action="approve", object_type="accounts.organization", user=self.coordinator
            ).exists()
        )
        self.assertEqual(mail.outbox[-1].to, ["maja@sjungandesenior.example"])
        self.assertIn("Sjungande seniorer", mail.outbox[-1].subject)

    def test_rejecting_a_registration_removes_it_and_tells_the_person(self) -> None:
        self.register()
        organization = Organization.objects.get(name="Sjungande seniorer")
        self.login(self.coordinator)
        decide = url("directory:organization-decide", organization.pk)
        response = self.client.post(decide, {"decision": "reject", "message": ""})
        self.assertFormError(
            response.context["form"], "message", "Write a message that says why, or what to change."
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(decide, {"decision": "reject", "message": "Finns redan i Lotsa."})
        self.assertFalse(Organization.objects.filter(name="Sjungande seniorer").exists())
        self.assertTrue(User.objects.filter(email="maja@sjungandesenior.example").exists())
        self.assertIn("Finns redan i Lotsa.", mail.outbox[-1].body)

    def test_a_coordinator_of_another_municipality_cannot_approve_it(self) -> None:
        self.register(municipality="SE-0180")
        organization = Organization.objects.get(name="Sjungande seniorer")
        self.login(self.coordinator)
        decide = url("directory:organization-decide", organization.pk)
        self.assertEqual(self.client.post(decide, {"decision": "approve"}).status_code, 404)
        self.assertNotContains(self.client.get(url("directory:moderation")), "Sjungande")

    def test_a_weak_password_is_refused(self) -> None:
        response = self.register(password1="12345678", password2="12345678")
        self.assertTrue(response.context["form"].errors["password1"])
        self.assertFalse(User.objects.filter(email="maja@sjungandesenior.example").exists())
        self.assertFalse(Organization.objects.filter(name="Sjungande seniorer").exists())

    def test_the_passwords_must_match(self) -> None:
        response = self.register(password2=STRONG_PASSWORD + "x")
        self.assertFormError(
            response.context["form"], "password2", "The two passwords are not the same."
        )

    def test_an_invalid_organisation_number_is_refused(self) -> None:
        response = self.register(org_number="123456-7890")
        self.assertFormError(
            response.context["form"],
            "org_number",
            "This is not a valid Swedish organisation number (NNNNNN-NNNN).",
        )
        self.assertFalse(User.objects.filter(email="maja@sjungandesenior.example").exists())

    def test_a_valid_organisation_number_is_kept_in_its_usual_form(self) -> None:
        self.register(org_number="8024791538")
        self.assertEqual(
            Organization.objects.get(name="Sjungande seniorer").org_number, "802479-1538"
        )

    def test_the_municipality_must_be_in_the_country(self) -> None:
        response = self.register(country="DK")
        self.assertFormError(
            response.context["form"],
            "municipality",
            "This municipality is not in the chosen country.",
        )

    def test_an_address_with_an_account_is_refused(self) -> None:
        response = self.register(email="provider@example.org")
        self.assertTrue(response.context["form"].errors["email"])
        self.assertFalse(Organization.objects.filter(name="Sjungande seniorer").exists())

    def test_robots_that_fill_the_hidden_field_create_nothing(self) -> None:
        response = self.register(homepage="http://spam.example")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(User.objects.filter(email="maja@sjungandesenior.example").exists())
        self.assertFalse(Organization.objects.filter(name="Sjungande seniorer").exists())
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_signed_in_user_registers_an_organisation_without_a_new_account(self) -> None:
        self.login(self.provider)
        response = self.client.get(url("directory:register"))
        self.assertNotContains(response, 'name="password1"')
        self.register(first_name=None, last_name=None, email=None, password1=None, password2=None)
        organization = Organization.objects.get(name="Sjungande seniorer")
        self.assertTrue(
            Membership.objects.filter(user=self.provider, organization=organization).exists()
        )


@run_tasks_at_once
class ClaimTest(BaseTestCase):
    walk: Offering

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.walk = make_offering(cls.association, "Promenadgruppen")

    def claim(self, **overrides: Any) -> Any:
        data = {
            "query": "Gå Tillsammans",
            "organization": str(self.association.pk),
            "message": "Jag är ny ordförande sedan mars.",
        }
        data.update(overrides)
        return self.client.post(url("directory:claim"), data)

    def test_claiming_needs_signing_in(self) -> None:
        response = self.client.get(url("directory:claim"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/login/", response["Location"])

    def test_the_claim_page_finds_organisations_by_name(self) -> None:
        self.login(self.outsider)
        response = self.client.get(url("directory:claim"), {"query": "tillsammans"})
        self.assertContains(response, "Föreningen Gå Tillsammans")
        self.assertNotContains(response, "Vårdcentralen Teg")

    def test_an_approved_claim_makes_the_user_the_contact(self) -> None:
        self.login(self.outsider)
        response = self.claim()
        self.assertRedirects(response, url("directory:my-listings"))
        claim = ClaimRequest.objects.get()
        self.assertEqual(claim.status, ClaimRequest.Status.PENDING)
        self.assertContains(self.client.get(url("directory:my-listings")), "Waiting for review")

        self.login(self.coordinator)
        self.assertContains(self.client.get(url("directory:moderation")), "outsider@example.org")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url("directory:claim-decide", claim.pk), {"decision": "approve"})
        self.assertTrue(
            Membership.objects.filter(
                user=self.outsider, organization=self.association, role=Membership.Role.PROVIDER
            ).exists()
        )
        self.assertTrue(
            AuditEvent.objects.filter(action="approve", object_id=str(claim.pk)).exists()
        )
        [message] = mail.outbox
        self.assertEqual(message.to, ["outsider@example.org"])

        self.login(self.outsider)
        self.assertEqual(
            self.client.get(url("directory:offering-edit", self.walk.uuid)).status_code, 200
        )

    def test_a_rejected_claim_tells_the_user_why(self) -> None:
        self.login(self.outsider)
        self.claim()
        claim = ClaimRequest.objects.get()
        self.login(self.coordinator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                url("directory:claim-decide", claim.pk),
                {"decision": "reject", "message": "Föreningen har redan en kontaktperson."},
            )
        self.assertFalse(
            Membership.objects.filter(organization=self.association, user=self.outsider).exists()
        )
        self.assertIn("Föreningen har redan en kontaktperson.", mail.outbox[0].body)
        self.login(self.outsider)
        self.assertContains(
            self.client.get(url("directory:my-listings")), "Föreningen har redan en kontaktperson."
        )

    def test_a_second_pending_claim_on_the_same_organisation_is_refused(self) -> None:
        self.login(self.outsider)
        self.claim()
        response = self.claim(message="Igen.")
        self.assertFormError(
            response.context["form"],
            "organization",
            "You have already asked to manage this organisation. Staff will answer by e-mail.",
        )
        self.assertEqual(ClaimRequest.objects.count(), 1)

    def test_a_claim_needs_a_reason(self) -> None:
        self.login(self.outsider)
        response = self.claim(message="")
        self.assertTrue(response.context["form"].errors["message"])
        self.assertFalse(ClaimRequest.objects.exists())

    def test_an_organisation_you_already_manage_cannot_be_claimed(self) -> None:
        self.login(self.provider)
        response = self.claim()
        self.assertTrue(response.context["form"].errors["organization"])
        self.assertFalse(ClaimRequest.objects.exists())

    def test_a_coordinator_of_another_municipality_cannot_decide_the_claim(self) -> None:
        unit = make_organization(
            "Malmö stad", Organization.Kind.MUNICIPALITY, municipality="SE-1280"
        )
        malmo = make_user("coord@malmo.example", unit, Role.COORDINATOR)
        self.login(self.outsider)
        self.claim()
        claim = ClaimRequest.objects.get()
        self.login(malmo)
        decide = url("directory:claim-decide", claim.pk)
        self.assertEqual(self.client.post(decide, {"decision": "approve"}).status_code, 404)
        claim.refresh_from_db()
        self.assertEqual(claim.status, ClaimRequest.Status.PENDING)
