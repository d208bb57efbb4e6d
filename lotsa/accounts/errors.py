"""Error pages: plain, translated, with a short reference id that is also in the log.

The pages extend `errors/base.html`, which needs neither the database nor the request's user:
they are rendered without the request's context processors, so a 500 caused by the database
still gets a page. Nothing of the request goes on the page or into the log line but the method
and the path (URLs carry no names or identity numbers); never the query string or the body.
"""

from __future__ import annotations

import logging
import math
import sys
import uuid

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("lotsa.errors")


def new_reference() -> str:
    """A short id to quote to support, unique enough to find the one log line."""
    return uuid.uuid4().hex[:8]


def _page(
    template: str, status: int, reference: str, context: dict[str, object] | None = None
) -> HttpResponse:
    # No `request`: no context processors (the navigation reads the user and the database).
    content = loader.render_to_string(
        f"errors/{template}", {"reference": reference, **(context or {})}
    )
    return HttpResponse(content, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    reference = new_reference()
    logger.warning("Bad request, reference %s: %s %s", reference, request.method, request.path)
    return _page("400.html", 400, reference)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    reference = new_reference()
    logger.warning("Forbidden, reference %s: %s %s", reference, request.method, request.path)
    return _page("403.html", 403, reference)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    reference = new_reference()
    logger.info("Not found, reference %s: %s %s", reference, request.method, request.path)
    return _page("404.html", 404, reference)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this inside its `except` block, so the exception is still at hand."""
    reference = new_reference()
    logger.error(
        "Server error, reference %s: %s %s",
        reference,
        request.method,
        request.path,
        exc_info=sys.exc_info(),
    )
    return _page("500.html", 500, reference)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: an expired or foreign form. The reason stays in the log only."""
    reference = new_reference()
    logger.warning(
        "CSRF failure, reference %s: %s %s (%s)", reference, request.method, request.path, reason
    )
    return _page("403_csrf.html", 403, reference)


def too_many_requests(request: HttpRequest, retry_after: int, *, limit: str) -> HttpResponse:
    """429 from a rate limit (lotsa.accounts.ratelimits), with Retry-After in seconds. The log
    line names the limit and the method only: an answer link's path holds its token."""
    reference = new_reference()
    logger.warning("Too many requests, reference %s: %s (%s)", reference, request.method, limit)
    minutes = max(1, math.ceil(retry_after / 60))
    response = _page("429.html", 429, reference, {"minutes": minutes})
    response["Retry-After"] = str(retry_after)
    # The page's link must not carry the address it was asked at (an answer link's token).
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)  # a shared cache must not answer others with it
    return response
