"""Error pages: plain, translated, with a short reference id that is also in the log.

The pages extend `errors/base.html`, which needs neither the database nor the request's user:
they are rendered without the request's context processors, so a 500 caused by the database
still gets a page. Nothing of the request goes on the page or into the log line but the method
and the path (URLs carry no names or identity numbers); never the query string or the body.
"""

from __future__ import annotations

import logging
import sys
import uuid

from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger("lotsa.errors")


def new_reference() -> str:
    """A short id to quote to support, unique enough to find the one log line."""
    return uuid.uuid4().hex[:8]


def _page(template: str, status: int, reference: str) -> HttpResponse:
    # No `request`: no context processors (the navigation reads the user and the database).
    content = loader.render_to_string(f"errors/{template}", {"reference": reference})
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
