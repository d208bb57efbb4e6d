"""Lotsa's one JSON API: HSDS 3.0 under /api/hsds/, FHIR R4 under /fhir/, the API key check
at /api/key/, one OpenAPI document at /api/openapi.json and a page to browse it at /api/docs.

Refusals are never 500 for bad input. Under /fhir/ they are OperationOutcomes
(`application/fhir+json`); everywhere else RFC 9457 problem details
(`application/problem+json`). The OpenAPI document says so: `LotsaAPI` rewrites the media
types ninja writes (always `application/json`) to what each path really answers, and adds
the refusals every operation can give.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import URLPattern, URLResolver
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from lotsa.accounts import apikeys
from lotsa.accounts.api import Problem, challenge, refusal
from lotsa.accounts.api import router as key_router

from .fhir.api import router as fhir_router
from .fhir.codes import FHIR_JSON
from .fhir.errors import FhirError, outcome
from .fhir.resources import FhirOperationOutcome, FhirTaskUpdate
from .hsds.api import router as hsds_router

PROBLEM_TYPE = "urn:lotsa:problem:"
PROBLEM_JSON = "application/problem+json"
FHIR_PREFIX = "/fhir/"
METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def is_fhir(request: HttpRequest) -> bool:
    return request.path.startswith(FHIR_PREFIX) or request.path == FHIR_PREFIX.rstrip("/")


def refuse(
    request: HttpRequest,
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """A refusal in the form the path speaks: an OperationOutcome under /fhir/, else a
    problem description (with the invalid parameters, when there are some)."""
    if is_fhir(request):
        expressions = [".".join(error["loc"][1:]) or error["loc"][0] for error in errors or ()]
        return outcome(status, detail, expressions=expressions or None, headers=headers)
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + code,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = JsonResponse(
        body, status=status, content_type=PROBLEM_JSON, json_dumps_params={"ensure_ascii": False}
    )
    add_never_cache_headers(response)
    for name, value in (headers or {}).items():
        response[name] = value
    if request.path.startswith("/api/hsds/"):
        # The directory is open to pages of any origin: they must be able to read a refusal.
        response["Access-Control-Allow-Origin"] = "*"
    return response


class DocsPage(Swagger):
    """Swagger UI from ninja's own static files, in a page of ours: a language, a title, a
    main landmark, and no inline script or style (the site's CSP)."""

    template = "interop/api_docs.html"


class LotsaAPI(NinjaAPI):
    """NinjaAPI mounted at the site root, with Lotsa's refusals and OpenAPI document."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        # ninja's own root view would take the site's bare address ("/"), which redirects
        # to the directory; the API needs no root of its own.
        patterns = [
            pattern
            for pattern in super()._get_urls()
            if not (isinstance(pattern, URLPattern) and pattern.name == "api-root")
        ]
        documents = ("openapi-json", "openapi-view")
        return [
            _guarded(pattern, reading_only=getattr(pattern, "name", None) in documents)
            for pattern in patterns
        ]

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        return "/"

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        _add_schema(components, Problem, "serialization")
        _add_schema(components, FhirOperationOutcome, "serialization")
        _add_schema(components, FhirTaskUpdate, "validation")  # a request body
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                _document_refusals(path, operation)
        return schema


def _add_schema(components: dict[str, Any], model: Any, mode: str) -> None:
    """`model`'s schema among the components, unless an operation put it there already."""
    found = model.model_json_schema(
        by_alias=True, ref_template="#/components/schemas/{model}", mode=mode
    )
    for name, definition in found.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components.setdefault(model.__name__, found)


def _document_refusals(path: str, operation: dict[str, Any]) -> None:
    """The media type each response really has, and the refusals every operation can give:
    400 (a NUL in the address) everywhere, 404 wherever the path names an id, 422 (invalid
    parameters) outside FHIR (FHIR answers those with 400)."""
    fhir = path.startswith(FHIR_PREFIX)
    # ninja keys the responses by int; JSON has string keys only, and both must not meet.
    responses = {
        str(status): response for status, response in operation.get("responses", {}).items()
    }
    operation["responses"] = responses
    error_schema = "FhirOperationOutcome" if fhir else "Problem"
    needed = {"400": "Bad Request"}
    if "{" in path:
        needed["404"] = "Not Found"  # an id no row has
    if operation.get("parameters") and not fhir:
        needed["422"] = "Unprocessable Content"
    for status, description in needed.items():
        responses.setdefault(
            status,
            {
                "description": description,
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{error_schema}"}}
                },
            },
        )
    for status, response in responses.items():
        content = response.get("content") or {}
        if "application/json" not in content:
            continue
        if fhir:
            media_type = FHIR_JSON
        elif status.isdigit() and int(status) >= 400:
            media_type = PROBLEM_JSON
        else:
            continue
        content[media_type] = content.pop("application/json")


def _guarded(pattern: URLResolver | URLPattern, *, reading_only: bool) -> URLResolver | URLPattern:
    if not isinstance(pattern, URLPattern):  # pragma: no cover - ninja makes flat patterns
        return pattern
    view = _guard(pattern.callback, reading_only=reading_only)
    return URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)


def _guard(
    view: Callable[..., HttpResponseBase], *, reading_only: bool
) -> Callable[..., HttpResponseBase]:
    """Refuses what no view should see, and words ninja's bare 405 as the path speaks.

    A NUL character in the address is refused (PostgreSQL cannot compare text with one).
    `reading_only`: the document and its page, which ninja serves to any method."""

    def guarded_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if reading_only and request.method not in ("GET", "HEAD"):
            return refuse(
                request,
                405,
                "method-not-allowed",
                _("Method not allowed"),
                _("This address answers %(methods)s only.") % {"methods": "GET, HEAD"},
                headers={"Allow": "GET, HEAD"},
            )
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return refuse(
                request,
                400,
                "invalid-request",
                _("Invalid request"),
                _("The address holds a character that is not allowed."),
            )
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/"):
            allowed = {method.strip() for method in response.get("Allow", "").split(",")}
            allow = ", ".join(method for method in METHOD_ORDER if method in allowed)
            return refuse(
                request,
                405,
                "method-not-allowed",
                _("Method not allowed"),
                _("This address answers %(methods)s only.") % {"methods": allow},
                headers={"Allow": allow},
            )
        return response

    guarded_view.csrf_exempt = True  # type: ignore[attr-defined]
    return guarded_view


api = LotsaAPI(
    title="Lotsa API",
    version="1",
    description=(
        "The public directory in Open Referral HSDS 3.0, and the referral exchange in "
        "HL7 FHIR R4 for partners' systems. See docs/api.md."
    ),
    urls_namespace="api",
    openapi_url="api/openapi.json",
    docs_url="api/docs",
    # Deep links put a link inside each operation's button (nested controls, WCAG 4.1.2).
    docs=DocsPage(settings={"deepLinking": False}),
)
api.add_router("api/hsds/", hsds_router)
api.add_router("fhir/", fhir_router)
api.add_router("api/key/", key_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    # FHIR answers a search it cannot read with 400.
    status = 400 if is_fhir(request) else 422
    return refuse(
        request,
        status,
        "invalid-request",
        _("Invalid request"),
        _("The request is not valid."),
        errors=errors,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return refuse(request, 404, "not-found", _("Not found"), _("There is nothing at this address."))


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return refuse(
        request,
        401,
        "unauthorised",
        _("Unauthorised"),
        _("A valid API key is required."),
        headers={"WWW-Authenticate": 'Bearer realm="lotsa"'},
    )


@api.exception_handler(apikeys.ApiKeyError)
def key_refused(request: HttpRequest, exc: apikeys.ApiKeyError) -> HttpResponse:
    if is_fhir(request):
        return outcome(exc.status, str(exc.detail), headers=challenge(exc))
    return refusal(exc)


@api.exception_handler(FhirError)
def fhir_error(request: HttpRequest, exc: FhirError) -> HttpResponse:
    return outcome(
        exc.status,
        exc.diagnostics,
        code=exc.code,
        expressions=[exc.expression] if exc.expression else None,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return refuse(request, exc.status_code, "error", str(exc), str(exc))
