"""The request an audit event is written in: its client address and the unit acted for.

Actions (`<app>/actions.py`) do not take the request, yet their events must say where the
request came from and for which unit the user acted. The middleware keeps the client's
address for the length of the request; the access helpers say which unit the user acts for
when they hand out an object (`acting_for`). `events.record` fills both in where the caller
gave none. Outside a request (tasks, commands) both stay empty.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


@dataclasses.dataclass
class RequestContext:
    ip_address: str | None
    unit: int | None = None


_current: ContextVar[RequestContext | None] = ContextVar("lotsa_audit_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


def acting_for(unit: int | None) -> None:
    """The unit the user acts for in this request, as an access helper found it."""
    context = _current.get()
    if context is not None and unit is not None:
        context.unit = unit


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: from LOTSA_CLIENT_IP_HEADER when a reverse proxy sets it (its
    first entry), else REMOTE_ADDR; None when there is no request or no valid address."""
    if request is None:
        return None
    header = settings.LOTSA_CLIENT_IP_HEADER
    value = (request.headers.get(header, "") if header else "") or request.META.get(
        "REMOTE_ADDR", ""
    )
    try:
        return str(ipaddress.ip_address(value.split(",")[0].strip()))
    except ValueError:
        return None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(RequestContext(ip_address=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
