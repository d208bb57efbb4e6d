"""Bad input under /fhir/ is a 4xx OperationOutcome, never a 500 nor an HTML page: search
parameters that cannot be read, unknown ids and resources, methods, characters no database
holds. Outside FHIR the same refusals are problem details."""

from __future__ import annotations

import json

from .test_fhir_resources import FhirTestCase


class SearchParameterTests(FhirTestCase):
    def test_unreadable_search_parameters_are_400_naming_the_parameter(self) -> None:
        cases = {
            "/fhir/Task?_count=many": "_count",
            "/fhir/Task?_count=101": "_count",
            "/fhir/Task?_count=-1": "_count",
            "/fhir/Task?_offset=99999999999999999999": "_offset",
            "/fhir/Task?_lastUpdated=yesterday": "_lastUpdated",
            "/fhir/Task?_lastUpdated=sa2026-01-01": "_lastUpdated",
            "/fhir/Task?_lastUpdated=2026-02-30": "_lastUpdated",
            "/fhir/Task?_lastUpdated=9999-12-31T23:59:59-14:00": None,
            "/fhir/Task?patient=Task/1": "patient",
            "/fhir/Task?patient=not-a-uuid": "patient",
            "/fhir/Task?owner=Patient/00000000-0000-0000-0000-000000000000": "owner",
            "/fhir/ServiceRequest?authored=2026-13": "authored",
            "/fhir/HealthcareService?active=maybe": "active",
        }
        for path, parameter in cases.items():
            with self.subTest(path=path):
                response = self.fhir(path, "team")
                if parameter is None:
                    # Valid, if far away: an empty page.
                    self.assertEqual(self.body(response)["total"], 0)
                    continue
                outcome = self.assert_outcome(response, 400)
                self.assertIn(parameter, outcome["issue"][0].get("expression", [""])[0])

    def test_an_unknown_parameter_is_ignored(self) -> None:
        self.assertEqual(self.search("/fhir/Task?colour=blue")["total"], 1)

    def test_year_boundaries_are_dates_like_any_other(self) -> None:
        for value in ("0001", "9999", "9999-12", "ge0001-01-01T00:00:00+14:00", "lt9999-12-31"):
            with self.subTest(value=value):
                self.search(f"/fhir/Task?_lastUpdated={value}")


class UnknownTests(FhirTestCase):
    def test_unknown_ids_are_404(self) -> None:
        for path in (
            "/fhir/Task/00000000-0000-0000-0000-000000000000",
            "/fhir/Task/x",
            "/fhir/Patient/%C3%A5",
            "/fhir/Consent/999999999999999999999999",
            "/fhir/Consent/-1",
            "/fhir/Questionnaire/ons_loneliness",
            "/fhir/HealthcareService/nope",
        ):
            with self.subTest(path=path):
                self.assert_outcome(self.fhir(path, "team"), 404, "not-found")

    def test_an_unknown_resource_type_is_404_too(self) -> None:
        for path in ("/fhir/Observation", "/fhir/Observation/1", "/fhir/", "/fhir/Task/1/_history"):
            with self.subTest(path=path):
                self.assert_outcome(self.fhir(path, "team"), 404)

    def test_a_method_a_path_does_not_take_is_405(self) -> None:
        response = self.client.post("/fhir/Task", "{}", content_type="application/fhir+json")
        self.assert_outcome(response, 405, "not-supported")
        self.assertEqual(response["Allow"], "GET")
        response = self.client.delete("/fhir/metadata")
        self.assert_outcome(response, 405)


class CharacterTests(FhirTestCase):
    def test_a_nul_anywhere_in_the_address_is_400(self) -> None:
        for path in ("/fhir/Task?status=%00", "/fhir/Task/%00", "/fhir/Task?%00=1"):
            with self.subTest(path=path):
                self.assert_outcome(self.fhir(path, "team"), 400)

    def test_outside_fhir_a_refusal_is_a_problem(self) -> None:
        response = self.client.get("/api/key/?x=%00")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertEqual(json.loads(response.content)["status"], 400)
        response = self.client.post("/api/openapi.json")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response["Content-Type"], "application/problem+json")


class SiteTests(FhirTestCase):
    def test_the_bare_address_still_leads_to_the_directory(self) -> None:
        response = self.client.get("/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].endswith("/sv/"), response["Location"])
