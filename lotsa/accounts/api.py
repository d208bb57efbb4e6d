"""GET /api/key/: a partner checks that their API key works and what it may do.

The answers are JSON; refusals are RFC 9457 problem details (`application/problem+json`).
The key is the credential: no session, no CSRF (GET only; every other method gets 405)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import apikeys

PROBLEM_TYPE = "urn:lotsa:problem:"
ALLOWED_METHODS = ("GET", "HEAD")


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
    headers: dict[str, Any] = {}
    if error.status == 401:
        # RFC 6750: a missing key gets the bare challenge, a bad one says so.
        challenge = 'Bearer realm="lotsa"'
        if not isinstance(error, apikeys.MissingKey):
            challenge += ', error="invalid_token"'
        headers["WWW_Authenticate"] = challenge
    return problem(error.status, error.code, str(error.title), str(error.detail), **headers)


@csrf_exempt  # nothing changes here, and every method but GET is refused
def key_info(request: HttpRequest) -> JsonResponse:
    if request.method not in ALLOWED_METHODS:
        return problem(
            405,
            "method-not-allowed",
            _("Method not allowed"),
            _("This address answers GET only."),
            Allow=", ".join(ALLOWED_METHODS),
        )
    try:
        # Any valid key may ask what it is, whatever its scopes.
        api_key = apikeys.authenticate(request, None)
    except apikeys.ApiKeyError as error:
        return refusal(error)
    response = JsonResponse(
        {
            "organization": api_key.organization.name,
            "name": api_key.name,
            "scopes": list(api_key.scopes),
            "expires_at": api_key.expires_at.isoformat() if api_key.expires_at else None,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    add_never_cache_headers(response)
    return response
