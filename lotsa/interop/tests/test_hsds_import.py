"""`import_hsds`: real HSDS data nobody here wrote (../shared/data/hsds-examples), known-good
and known-bad, HSDS 1.1 tables, an API read page by page; all or nothing, idempotent."""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit
from uuid import UUID, uuid4

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from lotsa.accounts.models import Organization
from lotsa.audit.models import AuditEvent
from lotsa.directory import search
from lotsa.directory.models import Offering, Place, Schedule, Term
from lotsa.interop.hsds import importing, profile
from lotsa.lib import municipalities
from lotsa.test import report_figure

from .test_hsds_schemas import EXAMPLES, needs_shared

ORUK = EXAMPLES / "oruk-v3-validator-mocks"
DEFAULT = ORUK / "V3.0-UK-Default"
# The validator's known-good responses that hold directory data; organization_list.json
# is page 1 of 10 (a page, not a dump: see test_a_page_of_a_larger_result_…).
KNOWN_GOOD = [
    "service_full.json",
    "service_list.json",
    "service_at_location_full.json",
    "service_at_location_list.json",
    "organization_full.json",
    "taxonomy.json",
    "taxonomy_list.json",
    "taxonomy_term.json",
    "taxonomy_term_list.json",
]
# What a warning may say about valid data Lotsa has no place for.
NOT_KEPT = re.compile(
    r"not kept|no place for it|is kept, fees not|the fullest is imported|no directory data|"
    r"taken as active|not a place on Earth|cut short|nothing to keep|ids are not UUIDs|"
    r"blank row|placed at the centre|say there are|keeps one number"
)


def snapshot() -> tuple[Any, ...]:
    """Everything an import could change, to show that a refused one changed nothing."""
    return (
        list(Organization.objects.order_by("pk").values_list("uuid", "name", "description")),
        list(Offering.objects.order_by("pk").values_list("uuid", "name", "updated_at")),
        list(Place.objects.order_by("pk").values_list("service_at_location_uuid", "address")),
        list(Schedule.objects.order_by("pk").values_list("uuid", "opens_at")),
        [
            list(getattr(Offering, f).through.objects.values_list("pk"))
            for f in ("categories", "languages")
        ],
        AuditEvent.objects.count(),
    )


def service(name: str = "Stickcafé", **extra: Any) -> dict[str, Any]:
    """An HSDS 3.0 service as a Swedish feed might send it."""
    organization = extra.pop("organization", None) or {
        "id": str(uuid4()),
        "name": "Stickföreningen",
        "description": "Vi stickar.",
    }
    location = {
        "id": str(uuid4()),
        "location_type": "physical",
        "name": "Biblioteket",
        "latitude": 59.3293,
        "longitude": 18.0686,
        "addresses": [
            {
                "id": str(uuid4()),
                "address_1": "Sveavägen 73",
                "city": "Stockholm",
                "state_province": "Stockholms län",
                "postal_code": "113 50",
                "country": "SE",
                "address_type": "physical",
            }
        ],
    }
    return {
        "id": str(uuid4()),
        "name": name,
        "description": "Vi stickar och pratar.",
        "status": "active",
        "organization": organization,
        "service_at_locations": [{"id": str(uuid4()), "location": location}],
        "schedules": [
            {
                "id": str(uuid4()),
                "freq": "WEEKLY",
                "byday": "WE",
                "opens_at": "14:00",
                "closes_at": "16:00",
            }
        ],
        **extra,
    }


class ImportTestCase(TestCase):
    def run_import(self, source: Path | str, **options: Any) -> importing.Report:
        return importing.import_source(str(source), **options)

    def write_json(self, data: Any, name: str = "data.json") -> Path:
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        path = folder / name
        path.write_text(json.dumps(data))
        return path

    def assertOnlyNotKept(self, report: importing.Report) -> None:
        self.assertEqual(report.errors, [])
        unexpected = [w for w in report.warnings if not NOT_KEPT.search(w.message)]
        self.assertEqual(unexpected, [])


@needs_shared
class KnownGoodTests(ImportTestCase):
    def test_the_validators_known_good_responses_import_without_error(self) -> None:
        for name in KNOWN_GOOD:
            with self.subTest(file=name):
                report = self.run_import(DEFAULT / name)
                self.assertOnlyNotKept(report)
                self.assertTrue(report.written)

    def test_what_lotsa_holds_of_a_known_good_service_arrives_whole(self) -> None:
        report = self.run_import(DEFAULT / "service_full.json")
        self.assertOnlyNotKept(report)
        offering = Offering.objects.select_related("organization").get(
            uuid="ac148810-d857-441c-9679-408f346de14b"
        )
        source = json.loads((DEFAULT / "service_full.json").read_text())
        self.assertEqual(offering.name, source["name"])
        self.assertEqual(offering.description, source["description"])
        self.assertEqual(offering.website, source["url"])
        self.assertEqual(offering.email, source["email"])
        self.assertEqual((offering.min_age, offering.max_age), (12, 100))
        self.assertEqual(offering.fee, source["fees"])  # it has no fees_description
        self.assertEqual(offering.status, Offering.Status.ACTIVE)
        self.assertEqual(offering.last_reviewed_at.isoformat(), source["assured_date"])
        self.assertEqual(offering.updated_at.isoformat(), "2023-03-15T10:30:45.123000+00:00")
        self.assertEqual(offering.phone, "")  # it has none
        self.assertEqual(offering.contact_name, source["contacts"][0]["name"])
        self.assertEqual(offering.organization.uuid, UUID(source["organization"]["id"]))
        self.assertEqual(offering.organization.name, source["organization"]["name"])
        self.assertEqual(offering.organization.website, source["organization"]["website"])
        self.assertTrue(offering.is_published)
        # Its one location lies at latitude 100: reported, the place not made.
        self.assertFalse(offering.places.exists())
        self.assertTrue(any("not a place on Earth" in w.message for w in report.warnings))
        # Found by the directory's search at once.
        self.assertEqual(list(search.apply(Offering.objects.all(), "counselling")), [offering])

    def test_the_worked_examples_and_the_mock_api_import(self) -> None:
        sources = [
            EXAMPLES / "hsds-3.0-examples" / name
            for name in (
                "service_full.json",
                "service_list.json",
                "organization_full.json",
                "organization_list.json",
                "service_at_location_full.json",
                "service_at_location_list.json",
                "taxonomy.json",
                "taxonomy_term.json",
                "tabular.json",
            )
        ]
        sources.append(EXAMPLES / "openreferral-mock-hsds-api")
        for source in sources:
            with self.subTest(source=source.name):
                # The specification's list examples are page 1 of 10: imported as pages.
                partial = source.name.endswith("_list.json")
                self.assertOnlyNotKept(self.run_import(source, allow_partial=partial))
        self.assertEqual(Offering.objects.count(), 1)
        self.assertEqual(Organization.objects.count(), 1)

    def test_a_page_of_a_larger_result_imports_only_when_asked(self) -> None:
        before = snapshot()
        refused = self.run_import(DEFAULT / "organization_list.json")
        self.assertIn("the dump is incomplete", refused.errors[0].message)
        self.assertEqual(snapshot(), before)
        report = self.run_import(DEFAULT / "organization_list.json", allow_partial=True)
        self.assertOnlyNotKept(report)
        self.assertEqual(report.created["organizations"], 1)

    def test_the_sample_datapackages_import(self) -> None:
        for folder in ("simple", "all_resources"):
            with self.subTest(folder=folder):
                report = self.run_import(EXAMPLES / "openreferral-sample-datapackage" / folder)
                self.assertOnlyNotKept(report)
        self.assertEqual(Offering.objects.count(), 13)
        self.assertEqual(Organization.objects.count(), 10)
        # One location has coordinates; it is the one place.
        self.assertEqual(Place.objects.count(), 1)


@needs_shared
class KnownBadTests(ImportTestCase):
    def test_the_known_bad_responses_are_reported_record_by_record_and_change_nothing(self) -> None:
        self.run_import(DEFAULT / "service_full.json")
        before = snapshot()
        bad = [
            path
            for folder in ("V3.0-UK-Fail", "V3.0-UK-Warn")
            for path in sorted((ORUK / folder).glob("*.json"))
            if (DEFAULT / path.name).read_bytes() != path.read_bytes()
        ]
        self.assertEqual(len(bad), 11)
        for path in bad:
            with self.subTest(file=f"{path.parent.name}/{path.name}"):
                report = self.run_import(path)
                self.assertTrue(report.errors)
                self.assertFalse(report.written)
                for error in report.errors:
                    self.assertTrue(error.where.startswith(str(path)), error.where)
                self.assertEqual(snapshot(), before)

    def test_each_bad_record_is_named_with_its_reason(self) -> None:
        report = self.run_import(ORUK / "V3.0-UK-Fail" / "service_list.json")
        messages = [(e.where.rsplit(" ", 1)[-1], e.message) for e in report.errors]
        self.assertIn(("#2", "service url: not an absolute URI"), messages)
        self.assertIn(("#3", "service name: Field required"), messages)
        self.assertIn(("#4", "service email: Input should be a valid string"), messages)

    def test_one_bad_record_among_good_ones_stops_the_whole_run(self) -> None:
        good = [service("Kör"), service("Schack")]
        bad = service("Trasig", email="inte-en-adress")
        path = self.write_json([*good, bad])
        report = self.run_import(path)
        self.assertEqual(
            [(e.where, e.message) for e in report.errors],
            [(f"{path} #3", "service email: not an e-mail address")],
        )
        self.assertFalse(Offering.objects.exists())

    def test_the_same_id_for_two_kinds_of_object_is_bad(self) -> None:
        first = service()
        first["service_at_locations"][0]["id"] = first["service_at_locations"][0]["location"]["id"]
        report = self.run_import(self.write_json(first))
        self.assertIn("is the id of a service_at_location", report.errors[0].message)


@needs_shared
class LegacyTabularTests(ImportTestCase):
    def test_the_illinois_legal_aid_directory_imports_what_maps_and_reports_the_rest(self) -> None:
        report = self.run_import(EXAMPLES / "ilao-legal-aid-hsds-1.1")
        self.assertOnlyNotKept(report)
        self.assertTrue(report.written)
        messages = [w.message for w in report.warnings]

        def count(text: str) -> int:
            return sum(text in message for message in messages)

        # 430 service rows: each imported or reported.
        without_provider = count("names an organization that is neither in the import nor in Lotsa")
        blank = count("A blank row")
        self.assertEqual(Offering.objects.count() + without_provider + blank, 430)
        self.assertEqual((Offering.objects.count(), without_provider, blank), (89, 340, 1))
        self.assertEqual(Organization.objects.count(), 33)
        # 2,492 schedule rows: opening hours of locations no service is linked to, or closed days.
        hours = re.search(r"(\d+) schedule rows belong to those locations", " ".join(messages))
        closed = re.search(r"(\d+) rows mark a day closed", " ".join(messages))
        assert hours and closed
        self.assertEqual(int(hours.group(1)) + int(closed.group(1)), 2492)
        self.assertTrue(any("520 locations are linked to no service" in m for m in messages))
        offering = Offering.objects.get(name="North Lawndale legal clinic")
        self.assertEqual(
            (offering.description, offering.fee),
            ("Direct representation", "Free to eligible persons/entities"),
        )
        self.assertEqual(offering.phone, "(312) 341-1070")
        report_figure(
            "ILAO HSDS 1.1 import",
            f"{Offering.objects.count()} of 430 services, "
            f"{Organization.objects.count()} organisations; "
            f"{len(report.warnings)} warnings, {report.seconds:.1f} s",
        )

    def test_a_second_import_finds_the_same_rows(self) -> None:
        first = self.run_import(EXAMPLES / "ilao-legal-aid-hsds-1.1")
        before = snapshot()[:4]
        second = self.run_import(EXAMPLES / "ilao-legal-aid-hsds-1.1")
        counts = (
            second.created["services"],
            second.updated["services"],
            second.unchanged["services"],
        )
        self.assertEqual(counts, (0, 0, first.created["services"]))
        self.assertEqual(snapshot()[:4], before)


class MappingTests(ImportTestCase):
    def test_a_swedish_service_arrives_with_its_place_schedule_and_terms(self) -> None:
        walking = Term.objects.get(vocabulary="category", code="walking-outdoor")
        data = service(
            "Promenad i Vasaparken",
            attributes=[
                {"id": str(uuid4()), "taxonomy_term_id": str(walking.uuid)},
                {
                    "id": str(uuid4()),
                    "taxonomy_term": {
                        "id": str(uuid4()),
                        "name": "Older people",
                        "description": "-",
                    },
                    "link_type": "audience",
                },
                {
                    "id": str(uuid4()),
                    "taxonomy_term_id": str(profile.HOW_TO_JOIN.id),
                    "value": "drop_in",
                },
                {
                    "id": str(uuid4()),
                    "taxonomy_term_id": str(profile.SERVICE_CAPACITY.id),
                    "value": json.dumps({"maximum": 10, "available": 3}),
                },
            ],
            languages=[
                {"id": str(uuid4()), "code": "ara"},
                {"id": str(uuid4()), "name": "Svenska"},
            ],
            cost_options=[{"id": str(uuid4()), "amount": 0}],
        )
        report = self.run_import(self.write_json(data))
        self.assertOnlyNotKept(report)
        offering = Offering.objects.get()
        self.assertEqual([t.code for t in offering.categories.all()], ["walking-outdoor"])
        self.assertEqual([t.code for t in offering.audiences.all()], ["older-people"])
        self.assertEqual(sorted(t.code for t in offering.languages.all()), ["ar", "sv"])
        self.assertEqual(
            (offering.how_to_join, offering.capacity, offering.places_taken), ("drop_in", 10, 7)
        )
        self.assertTrue(offering.is_free)
        place = offering.places.get()
        self.assertEqual(
            (place.address, place.postcode, place.city), ("Sveavägen 73", "113 50", "Stockholm")
        )
        self.assertEqual(place.municipality, "SE-0180")
        self.assertEqual(
            place.service_at_location_uuid, UUID(data["service_at_locations"][0]["id"])
        )
        self.assertEqual(place.uuid, UUID(data["service_at_locations"][0]["location"]["id"]))
        schedule = offering.schedules.get()
        self.assertEqual((schedule.byday, str(schedule.opens_at)), ("WE", "14:00:00"))
        self.assertEqual(list(search.apply(Offering.objects.all(), "vasaparken")), [offering])

    def test_a_location_without_coordinates_in_a_swedish_town_is_placed_at_its_centre(self) -> None:
        data = service()
        location = data["service_at_locations"][0]["location"]
        del location["latitude"], location["longitude"]
        location["addresses"][0]["city"] = "Umeå"
        report = self.run_import(self.write_json(data))
        self.assertTrue(
            any("placed at the centre of its town" in w.message for w in report.warnings)
        )
        place = Place.objects.get()
        self.assertEqual(place.municipality, "SE-2480")
        self.assertAlmostEqual(place.latitude, 63.8, places=0)

    def test_a_location_several_services_share_keeps_its_id_in_each(self) -> None:
        first, second = service("Kör"), service("Schack")
        second["service_at_locations"][0]["location"] = first["service_at_locations"][0]["location"]
        self.assertOnlyNotKept(self.run_import(self.write_json([first, second])))
        locations = {p.hsds_location_id for p in Place.objects.all()}
        self.assertEqual(locations, {UUID(first["service_at_locations"][0]["location"]["id"])})
        self.assertEqual(Place.objects.count(), 2)

    def test_a_service_alone_changes_only_its_own_fields(self) -> None:
        data = service()
        self.run_import(self.write_json(data))
        listed = {k: data[k] for k in ("id", "name", "status", "organization")}
        listed["name"] = "Stickcafé på torsdagar"
        self.assertOnlyNotKept(
            self.run_import(self.write_json({"total_items": 1, "contents": [listed]}))
        )
        offering = Offering.objects.get()
        self.assertEqual(offering.name, "Stickcafé på torsdagar")
        self.assertEqual((offering.places.count(), offering.schedules.count()), (1, 1))

    def test_a_second_import_of_the_same_data_changes_nothing(self) -> None:
        path = self.write_json([service("Kör"), service("Schack")])
        self.run_import(path)
        before = snapshot()[:4]
        report = self.run_import(path)
        counts = (
            report.created["services"],
            report.updated["services"],
            report.unchanged["services"],
        )
        self.assertEqual(counts, (0, 0, 2))
        self.assertEqual(snapshot()[:4], before)

    def test_a_changed_schedule_alone_changes_the_offering(self) -> None:
        data = service()
        self.run_import(self.write_json(data))
        indexed = []
        data["schedules"][0]["opens_at"] = "15:00"
        with mock.patch.object(importing.search, "reindex", side_effect=indexed.append):
            report = self.run_import(self.write_json(data))
        counts = (
            report.created["services"],
            report.updated["services"],
            report.unchanged["services"],
        )
        self.assertEqual(counts, (0, 1, 0))
        self.assertEqual(str(Schedule.objects.get().opens_at), "15:00:00")
        self.assertEqual(len(indexed[0]), 1)
        with mock.patch.object(importing.search, "reindex", side_effect=indexed.append):
            self.run_import(self.write_json(data))
        self.assertEqual(indexed[1], [])  # unchanged: not indexed again

    def test_an_import_is_in_the_access_log_once_per_organisation(self) -> None:
        organization = {"id": str(uuid4()), "name": "Körföreningen", "description": ""}
        self.run_import(
            self.write_json(
                [
                    service("Kör", organization=organization),
                    service("Sång", organization=organization),
                ]
            )
        )
        event = AuditEvent.objects.get(object_type="accounts.organization")
        self.assertEqual((event.action, event.user_id), ("create", None))
        self.assertIn("HSDS import", event.purpose)

    def test_odd_but_valid_values_do_not_break_the_import(self) -> None:
        first, second = service("Kör\x00gruppen"), service("Schack")
        # One service_at_location id given for two services, a capacity beyond any group,
        # an age that is no number (JSON's NaN), a NUL (PostgreSQL refuses it in text).
        second["service_at_locations"][0]["id"] = first["service_at_locations"][0]["id"]
        capacity = {"maximum": 1e12, "available": 3}
        first["attributes"] = [
            {
                "id": str(uuid4()),
                "taxonomy_term_id": str(profile.SERVICE_CAPACITY.id),
                "value": json.dumps(capacity),
            }
        ]
        first["minimum_age"] = float("nan")
        report = self.run_import(self.write_json([first, second]))
        self.assertOnlyNotKept(report)
        self.assertEqual(Place.objects.count(), 2)
        offering = Offering.objects.get(name="Körgruppen")
        self.assertEqual((offering.capacity, offering.min_age), (None, None))

    def test_what_lotsa_cannot_hold_is_reported_not_guessed(self) -> None:
        data = service(
            schedules=[
                {
                    "id": str(uuid4()),
                    "freq": "MONTHLY",
                    "bymonthday": "1",
                    "opens_at": "10:00",
                    "closes_at": "11:00",
                },
                {
                    "id": str(uuid4()),
                    "freq": "WEEKLY",
                    "byday": "MO",
                    "opens_at": "22:00",
                    "closes_at": "02:00",
                },
            ],
            minimum_age=70,
            maximum_age=20,
            alert="Stängt i juli",
        )
        report = self.run_import(self.write_json(data))
        messages = " ".join(w.message for w in report.warnings)
        for text in (
            "monthly",
            "overnight",
            "minimum_age is above maximum_age",
            "alert: Lotsa has no place",
        ):
            self.assertIn(text, messages)
        offering = Offering.objects.get()
        self.assertEqual(
            (offering.min_age, offering.max_age, offering.schedules.count()), (None, None, 0)
        )


class _FakeApi(BaseHTTPRequestHandler):
    """An HSDS API on loopback that answers two services a page, whatever is asked."""

    services: list[dict[str, Any]] = []
    nested = True
    ignores_page = False

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        page = 1 if self.ignores_page else int(parse_qs(url.query).get("page", ["1"])[0])
        if url.path == "/api/services":
            items = (
                self.services
                if self.nested
                else [{k: s[k] for k in ("id", "name", "status")} for s in self.services]
            )
            chunk = items[(page - 1) * 2 : page * 2]
            pages = (len(items) + 1) // 2
            body: Any = {
                "total_items": len(items),
                "total_pages": pages,
                "page_number": page,
                "size": len(chunk),
                "first_page": page == 1,
                "last_page": page >= pages,
                "empty": not chunk,
                "contents": chunk,
            }
        elif url.path.startswith("/api/services/"):
            body = next(s for s in self.services if s["id"] == url.path.rsplit("/", 1)[-1])
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


class ApiSourceTests(ImportTestCase):
    def serve(
        self, services: list[dict[str, Any]], *, nested: bool = True, ignores_page: bool = False
    ) -> str:
        attributes = {"services": services, "nested": nested, "ignores_page": ignores_page}
        handler = type("Api", (_FakeApi,), attributes)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}/api/"

    def test_an_hsds_api_is_read_page_by_page(self) -> None:
        services = [service(f"Grupp {n}") for n in range(5)]
        progress: list[tuple[str, int, int | None]] = []
        report = self.run_import(self.serve(services), progress=lambda *args: progress.append(args))
        self.assertOnlyNotKept(report)
        self.assertEqual(Offering.objects.count(), 5)
        self.assertIn(("services", 5, 5), progress)

    def test_a_server_that_nests_nothing_is_asked_for_each_service(self) -> None:
        services = [service(f"Grupp {n}") for n in range(3)]
        self.assertOnlyNotKept(self.run_import(self.serve(services, nested=False)))
        self.assertEqual(Place.objects.count(), 3)

    def test_a_server_that_ignores_the_page_is_not_read_for_ever(self) -> None:
        services = [service(f"Grupp {n}") for n in range(5)]
        report = self.run_import(self.serve(services, ignores_page=True))
        self.assertIn("answers the same page again", report.errors[0].message)
        self.assertFalse(Offering.objects.exists())

    def test_an_unreachable_api_is_an_error(self) -> None:
        report = self.run_import("http://127.0.0.1:9/api")
        self.assertIn("The API cannot be read", report.errors[0].message)


class CommandTests(ImportTestCase):
    def test_it_reports_draws_progress_and_fails_on_bad_records(self) -> None:
        out, err = io.StringIO(), io.StringIO()
        path = self.write_json([service("Kör")])
        call_command("import_hsds", str(path), stdout=out, stderr=err)
        self.assertIn(
            "Imported: 1 new, 0 updated organizations; 1 new, 0 updated, 0 unchanged services",
            out.getvalue(),
        )
        self.assertIn("checking", err.getvalue())
        bad = self.write_json([service("Trasig", url="inte en adress")])
        with self.assertRaisesMessage(CommandError, "1 errors: nothing was imported"):
            call_command("import_hsds", str(bad), stdout=out, stderr=err)
        self.assertIn(f"ERROR    {bad} #1: service url: not an absolute URI", out.getvalue())

    def test_a_dry_run_writes_nothing(self) -> None:
        out = io.StringIO()
        call_command(
            "import_hsds",
            str(self.write_json(service())),
            "--dry-run",
            stdout=out,
            stderr=io.StringIO(),
        )
        self.assertIn("nothing was written", out.getvalue())
        self.assertFalse(Offering.objects.exists())

    def test_a_missing_file_is_an_error(self) -> None:
        with self.assertRaises(CommandError):
            call_command(
                "import_hsds", "/no/such/file.json", stdout=io.StringIO(), stderr=io.StringIO()
            )


class ThroughputTests(ImportTestCase):
    def test_a_thousand_services_import_in_bulk(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        organizations = [
            {"id": str(uuid4()), "name": f"Förening {n}", "description": ""} for n in range(40)
        ]
        data = [service(f"Grupp {n}", organization=organizations[n % 40]) for n in range(1000)]
        path = self.write_json(data)
        # The towns of Sweden and Denmark load once per process (seconds): not the import's.
        municipalities.find_place("Umeå")
        with CaptureQueriesContext(connection) as queries:
            report = self.run_import(path)
        self.assertEqual(report.created["services"], 1000)
        # A few statements per 500 rows (executemany counts once), not one per service.
        self.assertLess(len(queries), 80)
        report_figure(
            "HSDS import (1,000 services as JSON, with search indexing)",
            f"{report.seconds:.2f} s, {report.services_per_second:,.0f} services/s, "
            f"{len(queries)} queries",
        )
