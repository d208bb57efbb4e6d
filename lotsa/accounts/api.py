"""API keys at the edge of Lotsa's JSON API: `ApiKeyAuth` (how every keyed operation checks
the key and its scope) and `GET /api/key/`, where a partner checks that their key works and
what it may do.

The answers are JSON; refusals are RFC 9457 problem details (`application/problem+json`),
written by `refusal` (the API's exception handler, lotsa.interop.api, calls it for every path
outside FHIR). The key is the credential: no session, no CSRF (GET and HEAD only; every other
method gets 405).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from ninja import Router, Schema
from ninja.security import HttpBearer

from . import apikeys
from .models import ApiKey

PROBLEM_TYPE = "urn:lotsa:problem:"


class ApiKeyAuth(HttpBearer):
    """The key in `Authorization: Bearer <key>` (or `X-Api-Key`), with `scope` (None: any
    valid key). `apikeys.authenticate` writes the audit event of every use; its refusals
    (ApiKeyError) reach the API's exception handler."""

    openapi_description = (
        "An organisation's API key, `lotsa_<prefix>_<secret>`, in `Authorization: Bearer` "
        "(or in `X-Api-Key`). Ask the Lotsa administrator for one; it has scopes "
        "(directory:read, referrals:read, referrals:write)."
    )

    def __init__(self, scope: str | None) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiKey:
        return apikeys.authenticate(request, self.scope)

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey:  # pragma: no cover
        return apikeys.authenticate(request, self.scope)


def challenge(error: apikeys.ApiKeyError) -> dict[str, str]:
    """RFC 6750: a missing key gets the bare challenge, a bad one says so."""
    if error.status != 401:
        return {}
    value = 'Bearer realm="lotsa"'
    if not isinstance(error, apikeys.MissingKey):
        value += ', error="invalid_token"'
    return {"WWW-Authenticate": value}


def problem(status: int, code: str, title: str, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse(
        {"type": PROBLEM_TYPE + code, "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    add_never_cache_headers(response)
    return response


def refusal(error: apikeys.ApiKeyError) -> JsonResponse:
    response = problem(error.status, error.code, str(error.title), str(error.detail))
    for name, value in challenge(error).items():
        response[name] = value
    return response


class KeyInfo(Schema):
    organization: str
    name: str
    scopes: list[str]
    expires_at: str | None


class Problem(Schema):
    """An RFC 9457 problem description."""

    type: str
    title: str
    status: int
    detail: str


router = Router(tags=["API keys"])


@router.get(
    "",
    response={200: KeyInfo, 401: Problem},
    auth=ApiKeyAuth(None),  # any valid key may ask what it is, whatever its scopes
    url_name="key-info",
    summary="What this API key is and may do",
)
def key_info(request: HttpRequest) -> HttpResponse:
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]
    body: dict[str, Any] = {
        "organization": api_key.organization.name,
        "name": api_key.name,
        "scopes": list(api_key.scopes),
        "expires_at": api_key.expires_at.isoformat() if api_key.expires_at else None,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    add_never_cache_headers(response)
    return response


# HEAD answers as GET does (the body is dropped on the way out); not in the document.
router.add_api_operation(
    "", ["HEAD"], key_info, auth=ApiKeyAuth(None), include_in_schema=False, url_name="key-info"
)
