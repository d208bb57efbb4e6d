"""`export_hsds`: an HSDS 3.0 datapackage valid against the HSDS table schemas, and the
round trip export → import into an empty directory → export that gives the same files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import TestCase

from lotsa.accounts.models import Organization
from lotsa.directory import search
from lotsa.directory.models import Offering, Place, Schedule, Term
from lotsa.interop.hsds import exporting, importing
from lotsa.test import make_offering, make_organization, terms

from .test_hsds_schemas import SCHEMAS, errors, needs_shared


def build_directory() -> None:
    """Offerings that use every field the export writes, in Sweden and in Denmark."""
    association = make_organization(
        "Föreningen Gå Tillsammans",
        org_number="802479-1538",
        description="Vi går.",
        website="https://ga.example.org/",
        email="intern@ga.example.org",
    )
    danish = make_organization(
        "Foreningen Fællesskab",
        country="DK",
        municipality="DK-751",
        org_number="12345674",
        kind=Organization.Kind.ASSOCIATION,
    )
    municipality = make_organization("Umeå kommun, fritid", Organization.Kind.MUNICIPALITY)
    walking = make_offering(
        association,
        "Promenadgruppen",
        capacity=10,
        places_taken=10,
        has_waitlist=False,
        min_age=60,
        contact_name="Karin Lund",
        phone="070-123 45 67",
        email="promenad@ga.example.org",
        website="https://ga.example.org/promenad",
        how_to_join=Offering.HowToJoin.REFERRAL_ONLY,
        fee="Ta med fika",
    )
    walking.audiences.set(terms(Term.Vocabulary.AUDIENCE, "older-people", "sick-leave"))
    walking.accessibility.set(terms(Term.Vocabulary.ACCESSIBILITY, "wheelchair", "seating"))
    walking.languages.set(terms(Term.Vocabulary.LANGUAGE, "sv", "fi"))
    second = Place.objects.create(
        offering=walking,
        name="Nydalasjön",
        address="Nydalavägen 2",
        postcode="907 50",
        city="Umeå",
        municipality="SE-2480",
        latitude=63.8412,
        longitude=20.3391,
        directions="Buss 8 till Nydala.",
    )
    Schedule.objects.create(
        offering=walking,
        byday="MO,TH",
        interval=2,
        opens_at=dt.time(9, 30),
        closes_at=dt.time(11),
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        note="Varannan vecka",
    )
    Schedule.objects.create(
        offering=walking,
        single_date=dt.date(2026, 6, 6),
        opens_at=dt.time(12),
        closes_at=dt.time(15),
    )
    make_offering(
        danish,
        "Strikkecafé",
        description="Vi strikker og drikker kaffe.",
        categories=("creative", "meeting-place"),
        text_language=Offering.TextLanguage.DANISH,
        municipality="DK-751",
        city="Aarhus",
        postcode="8000",
        latitude=56.1567,
        longitude=10.2108,
        is_free=False,
        status=Offering.Status.PAUSED,
    )
    make_offering(
        municipality,
        "Samtal på nätet",
        categories=("conversation",),
        is_online=True,
        byday="",
        max_age=30,
    )
    # Shared by a second offering: one HSDS location, two places (as an import makes them).
    Place.objects.create(
        offering=make_offering(municipality, "Kvällsfika", byday="FR", index=False),
        location_uuid=second.uuid,
        **{
            f: getattr(second, f)
            for f in (
                "name",
                "address",
                "postcode",
                "city",
                "municipality",
                "latitude",
                "longitude",
                "directions",
            )
        },
    )
    make_offering(association, "Opublicerad", is_published=False)
    search.reindex()


def read_folder(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def empty_the_directory() -> None:
    Offering.objects.all().delete()
    Organization.objects.all().delete()


class RoundTripTests(TestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)
        build_directory()

    def test_export_then_import_into_an_empty_directory_exports_the_same_files(self) -> None:
        first = exporting.export(self.folder / "first")
        self.assertEqual(first["services.csv"], 4)
        empty_the_directory()
        report = importing.import_source(str(self.folder / "first"))
        self.assertEqual((report.errors, report.warnings), ([], []))
        self.assertEqual(report.created["services"], 4)
        exporting.export(self.folder / "second")
        self.assertEqual(read_folder(self.folder / "first"), read_folder(self.folder / "second"))

    def test_what_comes_back_is_the_same_directory(self) -> None:
        def state() -> list[Any]:
            offerings = Offering.objects.public().order_by("name")
            rows = []
            for offering in offerings:
                rows.append(
                    (
                        offering.uuid,
                        offering.organization.uuid,
                        [
                            getattr(offering, f.attname)
                            for f in Offering._meta.concrete_fields
                            if f.attname
                            not in {
                                "id",
                                "organization_id",
                                "created_at",
                                "reminded_at",
                                "waitlist_length",
                            }
                        ],
                        sorted(
                            (t.vocabulary, t.code)
                            for f in ("categories", "audiences", "accessibility", "languages")
                            for t in getattr(offering, f).all()
                        ),
                        sorted(
                            (
                                p.hsds_location_id,
                                p.service_at_location_uuid,
                                p.address,
                                p.postcode,
                                p.city,
                                p.municipality,
                                p.latitude,
                                p.longitude,
                                p.name,
                                p.directions,
                            )
                            for p in offering.places.all()
                        ),
                        sorted(
                            (
                                s.uuid,
                                s.byday,
                                s.interval,
                                s.single_date,
                                s.opens_at,
                                s.closes_at,
                                s.valid_from,
                                s.valid_to,
                                s.note,
                            )
                            for s in offering.schedules.all()
                        ),
                        (
                            offering.organization.name,
                            offering.organization.kind,
                            offering.organization.country,
                            offering.organization.municipality,
                            offering.organization.org_number,
                        ),
                    )
                )
            return rows

        before = state()
        found = [o.name for o in search.apply(Offering.objects.public(), "promenad")]
        exporting.export(self.folder / "first")
        empty_the_directory()
        importing.import_source(str(self.folder / "first"))
        self.maxDiff = None
        self.assertEqual(state(), before)
        again = [o.name for o in search.apply(Offering.objects.public(), "promenad")]
        self.assertEqual(again, found)
        self.assertIn("Promenadgruppen", found)

    def test_the_command_writes_the_folder(self) -> None:
        out = io.StringIO()
        call_command(
            "export_hsds", str(self.folder / "by-command"), stdout=out, stderr=io.StringIO()
        )
        self.assertIn("4 services.csv", out.getvalue())
        self.assertEqual(
            set(read_folder(self.folder / "by-command")), {*exporting.TABLES, "datapackage.json"}
        )

    def test_importing_the_export_again_changes_nothing(self) -> None:
        exporting.export(self.folder / "first")
        report = importing.import_source(str(self.folder / "first"))
        self.assertEqual(
            (report.created["services"], report.updated["services"], report.unchanged["services"]),
            (0, 0, 4),
        )
        exporting.export(self.folder / "second")
        self.assertEqual(read_folder(self.folder / "first"), read_folder(self.folder / "second"))


@needs_shared
class ExportSchemaTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        build_directory()

    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)
        exporting.export(self.folder)
        self.package = json.loads((self.folder / "datapackage.json").read_text())

    def table_schemas(self) -> dict[str, str]:
        """CSV file → the HSDS schema file of its table, as the schemas declare."""
        found = {}
        for path in SCHEMAS.glob("*.json"):
            schema = json.loads(path.read_text())
            if isinstance(schema, dict) and schema.get("path"):
                found[schema["path"]] = path.name
        return found

    def rows(self, resource: dict[str, Any], required: set[str]) -> list[dict[str, Any]]:
        """The CSV rows typed as the datapackage says; an empty cell is no value, or the empty
        text where the table requires the field (CSV cannot tell the two apart)."""
        types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        with (self.folder / resource["path"]).open(encoding="utf-8", newline="") as handle:
            rows = []
            for row in csv.DictReader(handle):
                typed = {}
                for key, value in row.items():
                    if value == "" and key not in required:
                        continue
                    typed[key] = float(value) if types[key] == "number" else value
                rows.append(typed)
        return rows

    def test_every_row_of_every_table_is_valid_hsds(self) -> None:
        schemas = self.table_schemas()
        for resource in self.package["resources"]:
            schema = schemas[resource["path"]]
            required = set(json.loads((SCHEMAS / schema).read_text()).get("required", []))
            rows = self.rows(resource, required)
            with self.subTest(table=resource["path"]):
                self.assertTrue(rows)
                for row in rows:
                    self.assertEqual(errors(row, schema, strict=True), [], row)

    def test_the_datapackage_describes_every_file_with_hsds_columns(self) -> None:
        schemas = self.table_schemas()
        for resource in self.package["resources"]:
            with self.subTest(table=resource["path"]):
                with (self.folder / resource["path"]).open(encoding="utf-8") as handle:
                    header = next(csv.reader(handle))
                fields = [field["name"] for field in resource["schema"]["fields"]]
                self.assertEqual(header, fields)
                declared = json.loads((SCHEMAS / schemas[resource["path"]]).read_text())[
                    "properties"
                ]
                self.assertLessEqual(set(fields), set(declared))
                self.assertEqual(resource["schema"]["primaryKey"], "id")
