"""The one OpenAPI document of Lotsa's JSON APIs, held to what the API really does.

schemathesis runs every operation in /api/openapi.json (HSDS, FHIR, the key check) against
the Django application itself (WSGI, no network) with a fixed seed and a bounded number of
examples, valid and invalid, with a key that has every scope, and on the FHIR reads also
with the id of a real resource: no response may be a server error, have a status or a media
type the document does not list, or a body its schema refuses. The browsable page
(/api/docs) loads in a real browser under the site's Content-Security-Policy.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lotsa.accounts import actions as account_actions
from lotsa.accounts.models import ApiKey, Organization
from lotsa.browser import serious_violations
from lotsa.interop.api import api
from lotsa.people.models import Consent
from lotsa.test import (
    Role,
    make_activity_referral,
    make_case,
    make_offering,
    make_organization,
    make_team,
    make_user,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Few enough to run in well under a minute on two cores, enough to try each parameter.
MAX_EXAMPLES = 10
SEED = 20261123


def the_document() -> dict[str, Any]:
    # Through JSON, as a client reads it (ninja keys some responses by int).
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/")))


schema = schemathesis.openapi.from_dict(the_document())
schema.app = WSGIHandler()
schema.location = "/api/openapi.json"


@pytest.fixture
def same_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request; inside a test's
    transaction it must stay open (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db: None, same_connection: None) -> dict[str, Any]:
    """A referral from a health centre to a link worker team, referred on to an association's
    activity; the association's system holds a key with every scope."""
    health_centre = make_organization("Vårdcentralen Ålidhem", Organization.Kind.HEALTH_CENTRE)
    association = make_organization("Föreningen Gå Tillsammans")
    admin = make_user("admin@example.org", health_centre, Role.ADMINISTRATOR)
    gp = make_user("gp@example.org", health_centre, Role.CLINICIAN)
    link_worker = make_user("lw@example.org", health_centre, Role.LINK_WORKER)
    team = make_team("Hälsolotsarna Ålidhem", health_centre, link_worker)
    offering = make_offering(association, capacity=3)
    case = make_case(team, link_worker, gp)
    task = make_activity_referral(
        case, offering, link_worker, fields=(Consent.Field.NAME, Consent.Field.PHONE)
    )
    _api_key, key = account_actions.create_api_key(
        association, name="Verksamhetssystemet", scopes=ApiKey.Scope.values, acting_user=admin
    )
    return {
        "key": key,
        "ids": {
            "Patient": str(case.person.uuid),
            "ServiceRequest": str(case.referral.uuid),
            "Task": str(task.uuid),
            "Consent": str(task.consent_id),
            "Questionnaire": "ucla3",
            "HealthcareService": str(offering.uuid),
        },
    }


def real_id(path: str, ids: dict[str, str]) -> str | None:
    match = re.fullmatch(r"/fhir/(\w+)/\{id\}", path)
    return ids.get(match[1]) if match else None


OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_operation_answers_as_its_document_says(
    operation: Any, world: dict[str, Any]
) -> None:
    headers = {"Authorization": f"Bearer {world['key']}"}
    known = real_id(operation.path, world["ids"])

    @seed(SEED)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(GenerationMode.POSITIVE)
        | operation.as_strategy(GenerationMode.NEGATIVE)
    )
    def answers_as_documented(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)
        if known is not None and case.path_parameters:
            case.path_parameters["id"] = known
            case.call_and_validate(headers=headers, checks=CHECKS)

    answers_as_documented()


def test_the_document_is_served_as_it_was_tested(client: Any) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json() == the_document()
    assert response.json()["openapi"].startswith("3.")


def test_every_fhir_answer_and_refusal_is_documented_as_fhir_json() -> None:
    document = the_document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                media_types = set(response.get("content", {}))
                if path.startswith("/fhir/"):
                    assert media_types == {"application/fhir+json"}, (method, path, status)
                elif int(status) >= 400:
                    assert media_types <= {"application/problem+json"}, (method, path, status)


# --- the browsable page -------------------------------------------------------------------

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI || "inline"}`);
});
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_docs_page_works_under_the_csp(live_server: Any, page: Any) -> None:
    problems: list[str] = []
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    # The server's first request loads everything (URLs, the document): not the page's time.
    urllib.request.urlopen(f"{live_server.url}/api/openapi.json", timeout=60).read()  # noqa: S310
    response = page.goto(f"{live_server.url}/api/docs", timeout=60_000)
    assert response.ok
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI read the document and drew its operations.
    page.locator("#operations-tag-FHIR_R4").wait_for(timeout=60_000)
    assert page.locator(".opblock").count() >= 20
    page.locator(".opblock-summary-path[data-path='/fhir/Task/{id}']").first.click()
    page.locator(".opblock-body").first.wait_for()
    problems += page.evaluate("window.__cspViolations")
    assert problems == []
    violations = serious_violations(page)
    assert violations == [], "\n".join(violations)
