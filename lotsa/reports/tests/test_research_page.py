"""The research export page: who gets in, the refusal without a key, the downloads in CSV and
JSON, field errors, and the access log (one event about the export, one per person in it;
no file when the log cannot be written)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from unittest import mock

from django.db.models import Max
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from lotsa.audit import chain
from lotsa.audit.models import AuditEvent
from lotsa.people.models import Person
from lotsa.privacy import review
from lotsa.reports import research
from lotsa.reports.tests.test_research import (
    KEY,
    ResearchWorld,
    csv_tables,
    files_of,
    scan,
    small_groups,
)

PURPOSE = "Studie om ensamhet, etikprövning Dnr 2025-01234-01"


def url() -> str:
    with translation.override("en"):
        return reverse("reports:research")


def last_sequence() -> int:
    return AuditEvent.objects.aggregate(last=Max("sequence"))["last"] or 0


@override_settings(LOTSA_RESEARCH_PSEUDONYM_KEY=KEY)
class ResearchPageTests(ResearchWorld):
    def form(self, **changes: Any) -> dict[str, Any]:
        today = timezone.localdate()
        data = {
            "organizations": [self.municipality.pk],
            "since": (today - dt.timedelta(days=365)).isoformat(),
            "until": today.isoformat(),
            "purpose": PURPOSE,
            "format": "csv",
        }
        data.update(changes)
        return data

    def download(self, **changes: Any) -> Any:
        self.login(self.researcher)
        return self.client.post(url(), self.form(**changes))

    def test_the_researcher_sees_the_form_and_the_data_dictionary(self) -> None:
        self.login(self.researcher)
        response = self.client.get(url())
        self.assertContains(response, 'id="research-form"')
        self.assertContains(response, self.municipality.name)
        for table in research.dictionary():
            self.assertContains(response, f'id="dictionary-{table.name}"')
            for column in table.columns:
                self.assertContains(response, f"<code>{column.name}</code>")
        self.assertNotContains(response, 'id="research-no-key"')

    def test_the_export_downloads_as_zipped_csv_that_is_k_anonymous(self) -> None:
        response = self.download()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertRegex(
            response["Content-Disposition"],
            r'^attachment; filename="lotsa-research-[\d-]+-\w+\.zip"$',
        )
        self.assertIn("no-store", response["Cache-Control"])
        tables = csv_tables(response.content)
        self.assertEqual(len(tables["cases"]), 16)
        self.assertEqual(small_groups(tables["cases"], research.min_group()), {})
        found, _checked = scan(files_of(response.content), list(Person.objects.all()))
        self.assertEqual(found, [])

    def test_the_export_downloads_as_json_with_its_dictionary_and_metadata(self) -> None:
        response = self.download(format="json")
        self.assertEqual(response["Content-Type"], "application/json")
        document = json.loads(response.content)
        self.assertEqual(set(document), {"metadata", "dictionary", "tables"})
        self.assertEqual(document["metadata"]["counts"]["people_exported"], 16)
        self.assertEqual(document["metadata"]["k_anonymity"]["k"], research.min_group())
        self.assertEqual(small_groups(document["tables"]["cases"], research.min_group()), {})
        found, _checked = scan({"json": response.content.decode()}, list(Person.objects.all()))
        self.assertEqual(found, [])

    def test_each_export_writes_one_event_about_it_and_one_about_each_person_in_it(self) -> None:
        before = last_sequence()
        response = self.download(format="json")
        metadata = json.loads(response.content)["metadata"]
        written = list(AuditEvent.objects.filter(sequence__gt=before))
        [about_export] = [e for e in written if e.object_type == research.EXPORT_OBJECT_TYPE]
        self.assertEqual(about_export.object_id, metadata["export_id"])
        about_people = [e for e in written if e.object_type == "people.person"]
        self.assertEqual(len(written), 1 + len(about_people))
        exported = {
            research.pseudonym(KEY, "person", key): key
            for key in Person.objects.values_list("uuid", flat=True)
        }
        in_file = {
            exported[row["person_id"]] for row in json.loads(response.content)["tables"]["cases"]
        }
        self.assertEqual({e.person_uuid for e in about_people}, in_file)
        self.assertEqual(len(about_people), len(in_file))
        for event in written:
            self.assertEqual(event.action, AuditEvent.Action.EXPORT)
            self.assertEqual(event.user_id, self.researcher.pk)
            self.assertEqual(event.organization_id, self.municipality.pk)
            self.assertEqual(event.ip_address, "127.0.0.1")
            self.assertEqual(event.purpose, f"research export: {metadata['export_id']} {PURPOSE}")
        # The person finds the export in their log extract; a suppressed person does not.
        person = Person.objects.get(uuid=next(iter(in_file)))
        actions = [row.action for row in review.extract_events(person)]
        self.assertIn(str(AuditEvent.Action.EXPORT.label), actions)
        lone = self.cases["LoneA"].person
        self.assertFalse(AuditEvent.objects.filter(person_uuid=lone.uuid, action="export").exists())

    def test_an_export_that_cannot_be_logged_is_not_handed_out(self) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(self.researcher)

        def refusing(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("the access log cannot be written")

        before = last_sequence()
        with mock.patch.object(chain, "append", refusing):
            response = client.post(url(), self.form())
        self.assertEqual(response.status_code, 500)
        self.assertNotIn("Content-Disposition", response)
        self.assertEqual(last_sequence(), before)

    def test_without_a_key_the_page_says_so_and_the_export_is_refused(self) -> None:
        self.login(self.researcher)
        before = last_sequence()
        with override_settings(LOTSA_RESEARCH_PSEUDONYM_KEY=""):
            page = self.client.get(url())
            posted = self.client.post(url(), self.form())
        self.assertContains(page, 'id="research-no-key"')
        self.assertContains(page, "LOTSA_RESEARCH_PSEUDONYM_KEY")
        self.assertNotContains(page, 'id="research-form"')
        self.assertContains(posted, 'id="research-no-key"', status_code=503)
        self.assertNotIn("Content-Disposition", posted)
        self.assertEqual(last_sequence(), before)

    def test_a_form_with_errors_shows_them_and_exports_nothing(self) -> None:
        before = last_sequence()
        response = self.download(purpose="", organizations=[], since="31.12.2024", format="xml")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Content-Disposition", response)
        form = response.context["form"]
        self.assertEqual(set(form.errors), {"purpose", "organizations", "since", "format"})
        self.assertContains(response, "Say what the export is for.")
        self.assertEqual(last_sequence(), before)

    def test_a_researcher_cannot_choose_an_organisation_they_do_not_work_for(self) -> None:
        response = self.download(organizations=[self.health_centre_b.pk])
        self.assertNotIn("Content-Disposition", response)
        self.assertIn("organizations", response.context["form"].errors)

    def test_everyone_but_the_researcher_is_refused(self) -> None:
        others = (
            self.gp,
            self.link_worker,
            self.provider,
            self.coordinator,
            self.connector,
            self.manager,
            self.admin,
            self.outsider,
            self.outsider_link_worker,
        )
        before = last_sequence()
        for user in others:
            self.login(user)
            for response in (self.client.get(url()), self.client.post(url(), self.form())):
                with self.subTest(user=user.email, method=response.request["REQUEST_METHOD"]):
                    self.assertEqual(response.status_code, 404)
        self.client.logout()
        response = self.client.post(url(), self.form())
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/en/account/login/"))
        self.assertEqual(last_sequence(), before)

    def test_the_downloaded_file_matches_the_built_export_but_for_its_id(self) -> None:
        response = self.download(format="json")
        document = json.loads(response.content)
        built = research.build(
            research.Scope(
                organizations=(self.municipality,),
                since=timezone.localdate() - dt.timedelta(days=365),
                until=timezone.localdate(),
            )
        )
        self.assertEqual(document["tables"], json.loads(research.as_json(built))["tables"])
        self.assertNotEqual(document["metadata"]["export_id"], built.export_id)
