"""Municipal moderation of listings, and the staff queues for problem reports and stale listings."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core import mail
from django.core.serializers.json import DjangoJSONEncoder

from lotsa.accounts.models import Organization, User
from lotsa.audit.models import AuditEvent
from lotsa.directory import search
from lotsa.directory.models import ClaimRequest, Offering, OfferingChange, ProblemReport
from lotsa.directory.tests.test_offering_form import (
    offering_post,
    post_from_form,
    run_tasks_at_once,
    url,
)
from lotsa.test import BaseTestCase, Role, make_offering, make_organization, make_user


@run_tasks_at_once
class ModerationTest(BaseTestCase):
    walk: Offering
    stockholm_unit: Organization
    stockholm_coordinator: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.walk = make_offering(cls.association, "Promenadgruppen")
        cls.stockholm_unit = make_organization(
            "Stockholms stad, kultur", Organization.Kind.MUNICIPALITY, municipality="SE-0180"
        )
        cls.stockholm_coordinator = make_user(
            "coord@stockholm.example", cls.stockholm_unit, Role.COORDINATOR
        )

    def submit_edit(self, **changes: Any) -> OfferingChange:
        """The provider changes the walk through the form; returns the pending change."""
        self.login(self.provider)
        edit = url("directory:offering-edit", self.walk.uuid)
        form = self.client.get(edit).context["form"]
        self.client.post(edit, post_from_form(form, **changes))
        return OfferingChange.objects.filter(status=OfferingChange.Status.PENDING).latest("pk")

    def submit_new(self, **fields: Any) -> OfferingChange:
        self.login(self.provider)
        create = url("directory:offering-create", self.association.pk)
        self.client.post(create, offering_post(**fields))
        return OfferingChange.objects.filter(status=OfferingChange.Status.PENDING).latest("pk")

    def decide(self, change: OfferingChange, decision: str, message: str = "") -> Any:
        self.login(self.coordinator)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                url("directory:change-decide", change.pk),
                {"decision": decision, "message": message},
            )

    # Approving and rejecting listings.

    def test_an_approved_change_reaches_the_public_page(self) -> None:
        change = self.submit_edit(
            description="Vi går längs älven och fikar efteråt.",
            categories=["walking-outdoor", "meeting-place"],
            schedule0_days=["TU", "TH"],
            place_name="Älvstranden",
        )
        public = url("directory:offering", self.walk.uuid)
        self.assertNotContains(self.client.get(public), "längs älven")

        response = self.decide(change, "approve")
        self.assertRedirects(response, url("directory:moderation"))
        self.assertContains(self.client.get(public), "längs älven")
        self.walk.refresh_from_db()
        self.assertEqual(self.walk.last_reviewed_at, self.today())
        self.assertEqual(
            sorted(self.walk.categories.values_list("code", flat=True)),
            ["meeting-place", "walking-outdoor"],
        )
        self.assertEqual(self.walk.schedules.get().byday, "TU,TH")
        self.assertEqual(self.walk.places.get().name, "Älvstranden")
        change.refresh_from_db()
        self.assertEqual(change.status, OfferingChange.Status.APPROVED)
        self.assertEqual(change.decided_by, self.coordinator)

    def test_approval_updates_the_search_index(self) -> None:
        change = self.submit_edit(name="Älvpromenaden")
        self.decide(change, "approve")
        found = search.apply(Offering.objects.all(), "älvpromenad")
        self.assertEqual([o.name for o in found], ["Älvpromenaden"])

    def test_approval_is_audited_and_mailed_in_the_submitters_language(self) -> None:
        self.provider.language = "da"
        self.provider.save()
        change = self.submit_edit(description="Ny text.")
        self.decide(change, "approve", "Fint!")
        self.assertTrue(
            AuditEvent.objects.filter(
                action="approve",
                object_type="directory.offeringchange",
                object_id=str(change.pk),
                user=self.coordinator,
            ).exists()
        )
        self.assertTrue(
            AuditEvent.objects.filter(
                action="change", object_type="directory.offering", object_id=str(self.walk.pk)
            ).exists()
        )
        [message] = mail.outbox
        self.assertEqual(message.to, ["provider@example.org"])
        self.assertIn("Promenadgruppen", message.subject)
        self.assertIn("http://127.0.0.1:8000/da/provider/", message.body)
        self.assertIn(f"/da/offerings/{self.walk.uuid}/", message.body)
        self.assertIn("Fint!", message.body)

    def test_a_new_listing_is_public_only_after_approval(self) -> None:
        change = self.submit_new()
        self.assertFalse(Offering.objects.filter(name="Stickcafé").exists())
        self.decide(change, "approve")
        offering = Offering.objects.get(name="Stickcafé")
        self.assertTrue(Offering.objects.public().filter(pk=offering.pk).exists())
        self.assertContains(self.client.get(url("directory:offering", offering.uuid)), "Stickcafé")
        change.refresh_from_db()
        self.assertEqual(change.offering, offering)
        self.assertEqual(offering.places.get().city, "Umeå")
        self.assertEqual(offering.schedules.get().opens_at, dt.time(18))

    def test_a_rejection_needs_a_message(self) -> None:
        change = self.submit_edit(description="Ny text.")
        response = self.decide(change, "reject", "  ")
        self.assertFormError(
            response.context["form"], "message", "Write a message that says why, or what to change."
        )
        change.refresh_from_db()
        self.assertEqual(change.status, OfferingChange.Status.PENDING)
        self.assertEqual(mail.outbox, [])

    def test_a_rejection_leaves_the_listing_and_tells_the_provider_why(self) -> None:
        change = self.submit_edit(description="Ny text.")
        self.decide(change, "reject", "Beskriv var ni samlas.")
        self.walk.refresh_from_db()
        self.assertEqual(
            self.walk.description, "Vi går en lugn promenad tillsammans och fikar efteråt."
        )
        change.refresh_from_db()
        self.assertEqual(change.status, OfferingChange.Status.REJECTED)
        self.assertTrue(
            AuditEvent.objects.filter(action="reject", object_id=str(change.pk)).exists()
        )
        [message] = mail.outbox
        self.assertIn("Beskriv var ni samlas.", message.body)
        self.login(self.provider)
        self.assertContains(self.client.get(url("directory:my-listings")), "Beskriv var ni samlas.")

    def test_a_decided_change_cannot_be_decided_again(self) -> None:
        change = self.submit_edit(description="Ny text.")
        self.decide(change, "reject", "Nej.")
        response = self.decide(change, "approve")
        self.assertRedirects(response, url("directory:moderation"))
        self.walk.refresh_from_db()
        self.assertNotEqual(self.walk.description, "Ny text.")

    def test_a_replaced_change_can_never_overwrite_the_newer_one(self) -> None:
        older = self.submit_edit(description="Äldre text.")
        newer = self.submit_edit(description="Nyare text.")
        self.decide(newer, "approve")
        self.decide(older, "approve")
        self.walk.refresh_from_db()
        self.assertEqual(self.walk.description, "Nyare text.")

    # The queue.

    def test_the_queue_shows_each_change_field_by_field(self) -> None:
        self.submit_edit(description="Ny text om promenaden.", capacity="15")
        self.submit_new()
        self.login(self.coordinator)
        response = self.client.get(url("directory:moderation"))
        self.assertContains(response, "Changed")
        self.assertContains(response, "New")
        self.assertContains(response, "Vi går en lugn promenad tillsammans och fikar efteråt.")
        self.assertContains(response, "Ny text om promenaden.")
        self.assertContains(response, "Stickcafé")
        differences = response.context["changes"][0]["differences"]
        labels = [d.label for d in differences]
        self.assertEqual(labels, ["Description", "Number of places"])
        self.assertEqual((differences[1].old, differences[1].new), ("–", "15"))

    def test_the_queue_takes_as_many_queries_for_three_changes_as_for_one(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from lotsa.directory import actions

        def propose(offering: Offering) -> None:
            data = actions.offering_data(offering) | {"name": offering.name + " (ny)"}
            OfferingChange.objects.create(
                organization=self.association,
                offering=offering,
                data=json.loads(DjangoJSONEncoder().encode(data)),
                submitted_by=self.provider,
            )

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(url("directory:moderation")).status_code, 200)
            return len(captured)

        self.login(self.coordinator)
        propose(self.walk)
        queries()  # warm-up: first-use caches outside the database
        one = queries()
        for name in ("Kören", "Stickcafé"):
            propose(make_offering(self.association, name))
        self.assertEqual(queries(), one)

    def test_the_queue_lists_claims_registrations_problems_and_stale_listings(self) -> None:
        newcomer = make_organization("Nya föreningen", is_approved=False)
        ClaimRequest.objects.create(
            organization=self.association, user=self.outsider, message="Jag är ordförande."
        )
        ProblemReport.objects.create(offering=self.walk, kind=ProblemReport.Kind.CLOSED)
        Offering.objects.filter(pk=self.walk.pk).update(
            last_reviewed_at=self.today() - dt.timedelta(weeks=60)
        )
        self.login(self.coordinator)
        response = self.client.get(url("directory:moderation"))
        self.assertContains(response, newcomer.name)
        self.assertContains(response, url("directory:organization-decide", newcomer.pk))
        self.assertContains(response, "outsider@example.org")
        self.assertContains(response, "1 open problem report")
        self.assertContains(response, "1 stale listing")

    # Who moderates what.

    def test_people_who_do_not_moderate_get_404_everywhere(self) -> None:
        change = self.submit_edit(description="Ny text.")
        report = ProblemReport.objects.create(offering=self.walk, kind=ProblemReport.Kind.CLOSED)
        claim = ClaimRequest.objects.create(
            organization=self.association, user=self.gp, message="Låt mig."
        )
        newcomer = make_organization("Nya föreningen", is_approved=False)
        pages = [
            url("directory:moderation"),
            url("directory:change-decide", change.pk),
            url("directory:claim-decide", claim.pk),
            url("directory:organization-decide", newcomer.pk),
            url("directory:problems"),
            url("directory:problem-resolve", report.pk),
            url("directory:stale"),
        ]
        for user in (self.outsider, self.provider, self.gp, self.manager):
            self.login(user)
            for page in pages:
                with self.subTest(user=user.email, page=page):
                    self.assertEqual(self.client.get(page).status_code, 404)
                    post = {"decision": "approve", "resolution": "Klart."}
                    self.assertEqual(self.client.post(page, post).status_code, 404)
        change.refresh_from_db()
        self.assertEqual(change.status, OfferingChange.Status.PENDING)
        newcomer.refresh_from_db()
        self.assertFalse(newcomer.is_approved)

    def test_a_coordinator_of_another_municipality_cannot_moderate_umea(self) -> None:
        change = self.submit_edit(description="Ny text.")
        report = ProblemReport.objects.create(offering=self.walk, kind=ProblemReport.Kind.CLOSED)
        self.login(self.stockholm_coordinator)
        response = self.client.get(url("directory:moderation"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["changes"], [])
        self.assertEqual(response.context["problem_count"], 0)
        decide = url("directory:change-decide", change.pk)
        self.assertEqual(self.client.get(decide).status_code, 404)
        self.assertEqual(self.client.post(decide, {"decision": "approve"}).status_code, 404)
        resolve = url("directory:problem-resolve", report.pk)
        self.assertEqual(self.client.post(resolve, {"resolution": "x"}).status_code, 404)
        self.assertNotContains(self.client.get(url("directory:problems")), "Promenadgruppen")
        change.refresh_from_db()
        self.assertEqual(change.status, OfferingChange.Status.PENDING)

    def test_an_administrator_moderates_everywhere(self) -> None:
        stockholm_club = make_organization("Stockholmsklubben", municipality="SE-0180")
        make_user("club@example.org", stockholm_club, Role.PROVIDER)
        change = OfferingChange.objects.create(
            organization=stockholm_club, data={"name": "Schack"}, submitted_by=self.provider
        )
        self.login(self.admin)
        self.assertEqual(
            self.client.get(url("directory:change-decide", change.pk)).status_code, 200
        )
        self.login(self.coordinator)
        self.assertEqual(
            self.client.get(url("directory:change-decide", change.pk)).status_code, 404
        )

    # Problem reports and stale listings.

    def test_open_problem_reports_are_listed_and_resolved_with_a_note(self) -> None:
        report = ProblemReport.objects.create(
            offering=self.walk,
            kind=ProblemReport.Kind.WRONG_INFORMATION,
            message="De går på onsdagar nu.",
            contact="anna@example.org",
        )
        self.login(self.coordinator)
        response = self.client.get(url("directory:problems"))
        self.assertContains(response, "De går på onsdagar nu.")
        self.assertContains(response, "anna@example.org")
        self.assertContains(response, url("directory:offering", self.walk.uuid))

        resolve = url("directory:problem-resolve", report.pk)
        response = self.client.post(resolve, {"resolution": ""})
        self.assertFormError(
            response.context["form"], "resolution", "Write a short note on what was done."
        )
        response = self.client.post(resolve, {"resolution": "Föreningen har rättat dagen."})
        self.assertRedirects(response, url("directory:problems"))
        report.refresh_from_db()
        self.assertEqual(report.status, ProblemReport.Status.RESOLVED)
        self.assertEqual(report.resolved_by, self.coordinator)
        self.assertEqual(report.resolution, "Föreningen har rättat dagen.")
        self.assertNotContains(self.client.get(url("directory:problems")), "onsdagar")

    def test_stale_lists_the_moderators_stale_public_listings(self) -> None:
        long_ago = self.today() - dt.timedelta(weeks=60)
        Offering.objects.filter(pk=self.walk.pk).update(last_reviewed_at=long_ago)
        make_offering(self.association, "Färsk grupp")
        stockholm_club = make_organization("Stockholmsklubben", municipality="SE-0180")
        make_offering(stockholm_club, "Gammal schackklubb", last_reviewed_at=long_ago)
        self.login(self.coordinator)
        response = self.client.get(url("directory:stale"))
        self.assertContains(response, "Promenadgruppen")
        self.assertNotContains(response, "Färsk grupp")
        self.assertNotContains(response, "Gammal schackklubb")
