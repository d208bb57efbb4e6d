"""FHIR's way to refuse: an OperationOutcome, as `application/fhir+json`.

`FhirError` is raised anywhere under /fhir/; the API's exception handler (lotsa.interop.api)
turns it, and every other refusal on a FHIR path, into `outcome(...)`. The `code` is a FHIR
IssueType; `diagnostics` is for the partner's developer and never holds a person's data.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

from .codes import FHIR_JSON
from .resources import FhirIssue, FhirOperationOutcome, dump

# The IssueType of each status a FHIR path answers with when nothing more precise is known.
ISSUE_TYPES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    410: "deleted",
    415: "not-supported",
    422: "processing",
    429: "throttled",
}


class FhirError(Exception):
    """A request a FHIR endpoint refuses, with the status and the issue to say why."""

    def __init__(
        self, status: int, diagnostics: str, *, code: str = "", expression: str = ""
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.diagnostics = diagnostics
        self.code = code or ISSUE_TYPES.get(status, "processing")
        self.expression = expression


def outcome_body(
    status: int, diagnostics: str, *, code: str = "", expressions: list[str] | None = None
) -> dict[str, Any]:
    issue = FhirIssue(
        severity="error",
        code=code or ISSUE_TYPES.get(status, "processing"),
        diagnostics=diagnostics,
        expression=expressions or None,
    )
    return dump(FhirOperationOutcome(resource_type="OperationOutcome", issue=[issue]))


def outcome(
    status: int,
    diagnostics: str,
    *,
    code: str = "",
    expressions: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """An OperationOutcome response with one error issue."""
    response = fhir_response(
        outcome_body(status, diagnostics, code=code, expressions=expressions), status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def fhir_response(body: dict[str, Any], status: int = 200) -> HttpResponse:
    """A FHIR JSON response that no cache keeps: it may hold a person's data."""
    response = JsonResponse(
        body, status=status, content_type=FHIR_JSON, json_dumps_params={"ensure_ascii": False}
    )
    add_never_cache_headers(response)
    return response
