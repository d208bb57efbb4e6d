"""The public HSDS 3.0 API under /api/hsds/: every answer valid against the HSDS schemas,
the paged envelope, bad input as problems, CORS, and only public directory data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from uuid import uuid4

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lotsa.accounts.models import Organization
from lotsa.directory.models import Offering, Schedule, Term
from lotsa.interop.hsds import api, profile
from lotsa.test import (
    BaseTestCase,
    make_case,
    make_offering,
    make_organization,
    make_person,
    terms,
)

from .test_hsds_schemas import SCHEMAS_3_1, errors, needs_shared, page_errors

BASE = "/api/hsds"
PERSON = "Kanariefjäll"
# Each path of the reference API, and the schema its items are checked against.
LISTS = {
    "/services": "compiled/service_list.json",
    "/organizations": "compiled/organization_list.json",
    "/service_at_locations": "compiled/service_at_location_list.json",
    "/taxonomies": "taxonomy.json",
    "/taxonomy_terms": "taxonomy_term.json",
}
FULL_LISTS = {
    "/services?full=true": "compiled/service.json",
    "/organizations?full=true": "compiled/organization.json",
    "/service_at_locations?full=true": "compiled/service_at_location.json",
}
DETAILS = {
    "/services": "compiled/service.json",
    "/organizations": "compiled/organization.json",
    "/service_at_locations": "compiled/service_at_location.json",
    "/taxonomies": "taxonomy.json",
    "/taxonomy_terms": "taxonomy_term.json",
}


class HsdsApiTestCase(BaseTestCase):
    """A directory with what the API must serve and what it must not."""

    walking: Offering
    online: Offering
    paused: Offering

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        association = cls.association
        association.email = "styrelsen@gatillsammans.example"
        association.phone = "090-555 00 11"
        association.contact_name = "Intern Kontaktperson"
        association.website = "https://gatillsammans.example.org/"
        association.save()
        cls.walking = make_offering(
            association,
            "Promenadgruppen",
            contact_name="Karin Lund",
            phone="070-123 45 67",
            email="promenad@gatillsammans.example",
            website="https://gatillsammans.example.org/promenad",
            fee="",
            min_age=18,
            max_age=99,
            capacity=12,
            places_taken=4,
            how_to_join=Offering.HowToJoin.CONTACT_FIRST,
        )
        cls.walking.audiences.set(terms(Term.Vocabulary.AUDIENCE, "older-people"))
        cls.walking.accessibility.set(terms(Term.Vocabulary.ACCESSIBILITY, "wheelchair"))
        cls.walking.languages.set(terms(Term.Vocabulary.LANGUAGE, "sv", "ar"))
        Schedule.objects.create(
            offering=cls.walking,
            single_date=dt.date(2026, 12, 24),
            opens_at=dt.time(10),
            closes_at=dt.time(12),
            note="Julpromenad",
        )
        cls.online = make_offering(
            cls.municipality,
            "Samtalsgrupp på nätet",
            description="Vi ses på video och pratar om veckan.",
            categories=("conversation",),
            is_online=True,
            is_free=False,
            fee="50 kr",
        )
        cls.paused = make_offering(
            association,
            "Sykaféet",
            description="Vi syr och fikar.",
            categories=("creative",),
            status=Offering.Status.PAUSED,
            postcode="903 30",
            latitude=63.83,
            longitude=20.27,
        )
        make_offering(association, "Opublicerad grupp", is_published=False)
        make_offering(association, "Avslutad grupp", status=Offering.Status.ENDED)
        hidden = make_organization("Oprövad förening", is_approved=False)
        make_offering(hidden, "Grupp hos en oprövad förening")
        # A person referred to the walking group: never in the directory's API.
        make_case(cls.team_a, cls.link_worker, cls.gp, person=make_person("Astrid", PERSON))

    def get(self, path: str, **headers: Any) -> Any:
        return self.client.get(BASE + path, headers=headers)

    def json(self, path: str, status: int = 200) -> Any:
        response = self.get(path)
        self.assertEqual(response.status_code, status, response.content[:500])
        return response.json()

    def names(self, path: str) -> list[str]:
        return [item["name"] for item in self.json(path)["contents"]]


@needs_shared
class HsdsSchemaTests(HsdsApiTestCase):
    def assertValid(self, instance: Any, schema: str) -> None:
        for strict in (False, True):
            found = errors(instance, schema, strict=strict)
            self.assertEqual(found, [], f"{schema} (strict={strict}): {json.dumps(instance)[:300]}")

    def test_every_list_answers_a_valid_page_of_valid_items(self) -> None:
        for path, schema in {**LISTS, **FULL_LISTS}.items():
            with self.subTest(path=path):
                page = self.json(path)
                self.assertEqual(page_errors(page), [])
                self.assertTrue(page["contents"])
                for item in page["contents"]:
                    self.assertValid(item, schema)

    def test_every_item_by_its_id_is_valid(self) -> None:
        for path, schema in DETAILS.items():
            for item in self.json(path + "?per_page=100")["contents"]:
                with self.subTest(path=path, id=item["id"]):
                    self.assertValid(self.json(f"{path}/{item['id']}"), schema)

    def test_organizations_with_full_services_are_valid(self) -> None:
        key = self.association.uuid
        self.assertValid(
            self.json(f"/organizations/{key}?full_service=true"), "compiled/organization.json"
        )

    def test_the_minimal_list_is_valid(self) -> None:
        for item in self.json("/services?minimal=true")["contents"]:
            self.assertValid(item, "compiled/service_list.json")
            self.assertEqual(set(item), {"id", "name", "status", "last_modified"})

    def test_capacity_is_an_hsds_3_1_service_capacity(self) -> None:
        service = self.json(f"/services/{self.walking.uuid}")
        values = {
            a["taxonomy_term"]["code"]: a.get("value")
            for a in service["attributes"]
            if a["taxonomy_term"]["taxonomy"] == profile.PROFILE_TAXONOMY.code
        }
        capacity = json.loads(values["service-capacity"])
        self.assertEqual(errors(capacity, "service_capacity.json", folder=SCHEMAS_3_1), [])
        self.assertEqual((capacity["maximum"], capacity["available"]), (12, 8))
        self.assertEqual(capacity["unit"]["name"], "place")
        self.assertEqual(values["capacity-status"], "capacity")
        self.assertEqual(values["how-to-join"], "contact_first")

    def test_the_about_document_names_version_profile_and_openapi(self) -> None:
        about = self.json("/")
        self.assertEqual(about["version"], "3.0")
        self.assertTrue(about["profile"].endswith("/api/hsds/profile"))
        self.assertTrue(about["openapi_url"].endswith("/api/openapi.json"))
        self.assertEqual(self.client.get(about["openapi_url"]).status_code, 200)


class HsdsContentTests(HsdsApiTestCase):
    def test_only_published_active_offerings_of_approved_organisations_are_served(self) -> None:
        names = self.names("/services")
        self.assertEqual(names, ["Promenadgruppen", "Samtalsgrupp på nätet", "Sykaféet"])
        organizations = self.names("/organizations")
        self.assertEqual(organizations, [self.association.name, self.municipality.name])
        places = self.json("/service_at_locations")["contents"]
        self.assertEqual(
            sorted(p["service"]["name"] for p in places), ["Promenadgruppen", "Sykaféet"]
        )

    def test_a_hidden_offering_is_not_found_by_its_id(self) -> None:
        hidden = Offering.objects.get(name="Opublicerad grupp")
        response = self.get(f"/services/{hidden.uuid}")
        self.assertEqual(response.status_code, 404)
        health_centre = self.health_centre_a.uuid
        self.assertEqual(self.get(f"/organizations/{health_centre}").status_code, 404)

    def test_no_person_and_no_internal_contact_detail_is_served(self) -> None:
        paths = [*LISTS, *FULL_LISTS, f"/organizations/{self.association.uuid}?full_service=true"]
        for path in paths:
            body = self.get(path).content.decode()
            with self.subTest(path=path):
                for secret in (PERSON, "Intern Kontaktperson", "styrelsen@", "090-555 00 11"):
                    self.assertNotIn(secret, body)

    def test_a_paused_offering_is_temporarily_closed(self) -> None:
        service = self.json(f"/services/{self.paused.uuid}")
        self.assertEqual(service["status"], "temporarily closed")

    def test_the_offering_is_carried_into_hsds_fields(self) -> None:
        service = self.json(f"/services/{self.walking.uuid}")
        self.assertEqual(service["organization"]["id"], str(self.association.uuid))
        self.assertEqual(service["url"], "https://gatillsammans.example.org/promenad")
        self.assertEqual((service["minimum_age"], service["maximum_age"]), (18, 99))
        self.assertEqual(service["assured_date"], self.walking.last_reviewed_at.isoformat())
        self.assertEqual(service["phones"][0]["number"], "070-123 45 67")
        self.assertEqual(service["contacts"][0]["name"], "Karin Lund")
        self.assertEqual(service["cost_options"][0]["amount"], 0)
        self.assertEqual(sorted(lang["code"] for lang in service["languages"]), ["ar", "sv"])
        schedules = {s.get("byday") or s["dtstart"]: s for s in service["schedules"]}
        self.assertEqual(schedules["TU"]["opens_at"], "14:00:00")
        self.assertEqual(
            (schedules["2026-12-24"]["count"], schedules["2026-12-24"]["notes"]), (1, "Julpromenad")
        )
        location = service["service_at_locations"][0]["location"]
        place = self.walking.places.get()
        self.assertEqual(location["id"], str(place.uuid))
        self.assertEqual((location["latitude"], location["longitude"]), (63.8258, 20.263))
        address = location["addresses"][0]
        self.assertEqual((address["postal_code"], address["country"]), ("903 26", "SE"))
        self.assertEqual(address["state_province"], "Västerbottens län")
        municipality = location["attributes"][0]
        self.assertEqual(
            (municipality["taxonomy_term"]["code"], municipality["value"]),
            ("municipality", "SE-2480"),
        )
        codes = {a["taxonomy_term"]["code"] for a in service["attributes"]}
        self.assertLessEqual({"walking-outdoor", "older-people", "wheelchair"}, codes)
        identifiers = service["organization"]["organization_identifiers"]
        self.assertEqual(
            (identifiers[0]["identifier_scheme"], identifiers[0]["identifier"]),
            ("SE-BLV", "802479-1538"),
        )

    def test_an_online_offering_says_so(self) -> None:
        service = self.json(f"/services/{self.online.uuid}")
        values = {a["taxonomy_term"]["code"]: a.get("value") for a in service["attributes"]}
        self.assertEqual(values["online"], "true")
        self.assertEqual(service["service_at_locations"], [])
        self.assertNotIn("cost_options", service)
        self.assertEqual(service["fees_description"], "50 kr")

    def test_taxonomy_terms_are_named_in_the_language_asked_for(self) -> None:
        key = Term.objects.get(vocabulary="category", code="walking-outdoor").uuid
        self.assertEqual(self.json(f"/taxonomy_terms/{key}")["name"], "Promenad och friluftsliv")
        danish = self.get(f"/taxonomy_terms/{key}", **{"Accept-Language": "da"}).json()
        self.assertEqual((danish["name"], danish["language"]), ("Gåture og friluftsliv", "da"))

    def test_terms_have_the_same_id_in_every_installation(self) -> None:
        from lotsa.directory.models import term_uuid

        term = Term.objects.get(vocabulary="category", code="walking-outdoor")
        self.assertEqual(term.uuid, term_uuid("category", "walking-outdoor"))

    def test_the_profile_lists_lotsas_extra_fields(self) -> None:
        document = self.json("/profile")
        codes = {item["code"] for item in document["attributes"]}
        self.assertLessEqual({"service-capacity", "capacity-status", "municipality"}, codes)
        self.assertEqual(len(document["taxonomies"]), 5)


class HsdsQueryTests(HsdsApiTestCase):
    def test_search_finds_swedish_and_danish_word_forms(self) -> None:
        self.assertEqual(self.names("/services?search=promenader"), ["Promenadgruppen"])
        self.assertEqual(self.names("/services?search=samtal"), ["Samtalsgrupp på nätet"])
        self.assertEqual(self.names("/services?search=xylofon"), [])

    def test_it_filters_by_term_taxonomy_organisation_and_time_of_change(self) -> None:
        older = Term.objects.get(vocabulary="audience", code="older-people").uuid
        self.assertEqual(self.names(f"/services?taxonomy_term_id={older}"), ["Promenadgruppen"])
        audiences = profile.VOCABULARY_TAXONOMIES["audience"].id
        self.assertEqual(self.names(f"/services?taxonomy_id={audiences}"), ["Promenadgruppen"])
        self.assertEqual(
            self.names(f"/services?taxonomy_term_id={profile.ONLINE.id}"), ["Samtalsgrupp på nätet"]
        )
        municipality = self.municipality.uuid
        self.assertEqual(
            self.names(f"/services?organization_id={municipality}"), ["Samtalsgrupp på nätet"]
        )
        Offering.objects.filter(pk=self.paused.pk).update(
            updated_at=timezone.now() - dt.timedelta(days=30)
        )
        since = (timezone.now() - dt.timedelta(days=1)).date().isoformat()
        self.assertNotIn("Sykaféet", self.names(f"/services?modified_after={since}"))
        self.assertIn("Sykaféet", self.names("/services?modified_after=2000-01-01T00:00:00Z"))
        self.assertEqual(self.names(f"/services?taxonomy_term_id={uuid4()}"), [])

    def test_places_are_found_by_postcode_and_distance(self) -> None:
        def names(query: str) -> list[str]:
            return [
                item["service"]["name"]
                for item in self.json(f"/service_at_locations?{query}")["contents"]
            ]

        self.assertEqual(names("postcode=90326"), ["Promenadgruppen"])
        self.assertEqual(names("postcode=903%2030"), ["Sykaféet"])
        self.assertEqual(names("postcode=90326&proximity=200"), ["Promenadgruppen"])
        self.assertEqual(names("postcode=90326&proximity=5000"), ["Promenadgruppen", "Sykaféet"])
        self.assertEqual(names("postcode=11122&proximity=5000"), [])

    def test_taxonomy_terms_are_filtered_by_taxonomy_and_words(self) -> None:
        languages = profile.VOCABULARY_TAXONOMIES["language"].id
        found = self.json(f"/taxonomy_terms?taxonomy_id={languages}&per_page=100")["contents"]
        self.assertEqual(len(found), Term.objects.filter(vocabulary="language").count())
        self.assertEqual(self.names("/taxonomy_terms?search=arabiska"), ["Arabiska"])
        self.assertEqual(self.json(f"/taxonomy_terms?parent_id={uuid4()}")["contents"], [])

    def test_lists_cost_the_same_queries_however_long_the_page(self) -> None:
        for n in range(6):
            make_offering(self.association, f"Extragrupp {n}", index=False)
        for path in (
            "/services?full=true",
            "/services",
            "/service_at_locations?full=true",
            "/organizations?full=true",
        ):
            counts = []
            for per_page in (1, 8):
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(
                        self.get(
                            f"{path}{'&' if '?' in path else '?'}per_page={per_page}"
                        ).status_code,
                        200,
                    )
                counts.append(len(queries))
            with self.subTest(path=path):
                self.assertEqual(counts[0], counts[1])
                self.assertLessEqual(counts[1], 12)


class HsdsPagingTests(HsdsApiTestCase):
    def test_the_envelope_counts_the_pages(self) -> None:
        first = self.json("/services?per_page=2")
        self.assertEqual(
            {k: v for k, v in first.items() if k != "contents"},
            {
                "total_items": 3,
                "total_pages": 2,
                "page_number": 1,
                "size": 2,
                "first_page": True,
                "last_page": False,
                "empty": False,
            },
        )
        second = self.json("/services?per_page=2&page=2")
        self.assertEqual(
            (second["size"], second["first_page"], second["last_page"]), (1, False, True)
        )
        self.assertEqual(
            {i["id"] for i in first["contents"]} & {i["id"] for i in second["contents"]}, set()
        )

    def test_a_page_after_the_last_is_empty(self) -> None:
        page = self.json("/services?page=99")
        self.assertEqual(
            (page["empty"], page["size"], page["contents"], page["total_items"]), (True, 0, [], 3)
        )
        self.assertTrue(self.json("/services?page=99999999999999999999999")["empty"])

    def test_per_page_above_the_cap_is_refused(self) -> None:
        self.assertEqual(self.json(f"/services?per_page={api.MAX_PER_PAGE}")["size"], 3)
        response = self.get(f"/services?per_page={api.MAX_PER_PAGE + 1}")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Content-Type"], "application/problem+json")

    def test_malformed_parameters_are_problems_not_errors(self) -> None:
        bad = [
            "/services?page=0",
            "/services?page=-1",
            "/services?page=abc",
            "/services?per_page=0",
            "/services?per_page=1e9",
            "/services?modified_after=yesterday",
            "/services?taxonomy_term_id=not-a-uuid",
            "/services?organization_id=1",
            "/services?full=maybe",
            "/services?format=ndjson",
            "/services?search=" + "x" * 201,
            "/service_at_locations?postcode=abc",
            "/service_at_locations?proximity=1000",
            "/service_at_locations?postcode=90326&proximity=-5",
            "/service_at_locations?postcode=90326&proximity=NaN",
            "/taxonomy_terms?taxonomy_id=x",
        ]
        for path in bad:
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 422, response.content[:300])
                self.assertEqual(response["Content-Type"], "application/problem+json")
                self.assertIn("title", response.json())

    def test_unknown_and_malformed_ids_are_not_found(self) -> None:
        for path in DETAILS:
            for key in (uuid4(), "not-a-uuid", "1"):
                with self.subTest(path=path, key=key):
                    response = self.get(f"{path}/{key}")
                    self.assertEqual(response.status_code, 404)
                    self.assertEqual(response["Content-Type"], "application/problem+json")
                    self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    def test_odd_text_in_parameters_is_harmless(self) -> None:
        paths = ("/services", "/organizations", "/service_at_locations", "/taxonomy_terms")
        for query in (
            "search=%27%3B--",
            "search=***",
            "search=a%20b%20c%20d",
            "search=%F0%9F%A6%86",
        ):
            for path in paths:
                with self.subTest(path=path, query=query):
                    self.assertEqual(self.get(f"{path}?{query}").status_code, 200)
        for path in paths:  # a NUL never reaches a query: refused as a problem
            response = self.get(f"{path}?search=%00promenad")
            self.assertEqual(
                (response.status_code, response["Content-Type"]), (400, "application/problem+json")
            )


class HsdsCorsTests(HsdsApiTestCase):
    def test_any_origin_may_read(self) -> None:
        for path in ("/", "/services", f"/services/{self.walking.uuid}", "/taxonomies"):
            response = self.get(path, Origin="https://partner.example")
            with self.subTest(path=path):
                self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    def test_a_preflight_is_answered(self) -> None:
        for path in ("/services", f"/services/{self.walking.uuid}", "/taxonomy_terms"):
            response = self.client.options(
                BASE + path,
                headers={
                    "Origin": "https://partner.example",
                    "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "accept-language",
                },
            )
            with self.subTest(path=path):
                self.assertEqual(response.status_code, 204)
                self.assertEqual(response["Access-Control-Allow-Origin"], "*")
                self.assertIn("GET", response["Access-Control-Allow-Methods"])
                self.assertEqual(response["Access-Control-Allow-Headers"], "accept-language")

    def test_it_only_reads(self) -> None:
        for method in ("post", "put", "delete"):
            response = getattr(self.client, method)(BASE + "/services")
            self.assertEqual(response.status_code, 405)


class HsdsOpenApiTests(HsdsApiTestCase):
    def test_the_openapi_document_describes_the_hsds_paths_and_parameters(self) -> None:
        document = self.client.get(reverse("api:openapi-json")).json()
        services = document["paths"]["/api/hsds/services"]["get"]
        names = {p["name"] for p in services["parameters"]}
        self.assertLessEqual(
            {
                "search",
                "page",
                "per_page",
                "taxonomy_term_id",
                "taxonomy_id",
                "organization_id",
                "modified_after",
                "full",
            },
            names,
        )
        places = document["paths"]["/api/hsds/service_at_locations"]["get"]
        self.assertLessEqual({"postcode", "proximity"}, {p["name"] for p in places["parameters"]})
        for path in (
            "/api/hsds/services/{id}",
            "/api/hsds/taxonomy_terms/{id}",
            "/api/hsds/organizations/{id}",
        ):
            self.assertIn(path, document["paths"])
        self.assertNotIn("options", document["paths"]["/api/hsds/services"])


class HsdsOrganizationTests(HsdsApiTestCase):
    def test_an_organisation_lists_its_public_services(self) -> None:
        organization = self.json(f"/organizations/{self.association.uuid}")
        self.assertEqual(
            [s["name"] for s in organization["services"]], ["Promenadgruppen", "Sykaféet"]
        )
        values = {a["taxonomy_term"]["code"]: a["value"] for a in organization["attributes"]}
        self.assertEqual(values, {"organization-kind": "association", "municipality": "SE-2480"})
        self.assertNotIn("email", organization)

    def test_organisations_are_found_by_name(self) -> None:
        self.assertEqual(self.names("/organizations?search=gå till"), [self.association.name])
        self.assertEqual(Organization.objects.filter(is_approved=False).count(), 1)
        self.assertEqual(self.names("/organizations?search=oprövad"), [])
