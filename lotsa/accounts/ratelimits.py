"""Rate limits on public pages, per client IP address, counted in the shared cache.

    @rate_limit("search")                          # LOTSA_RATE_LIMIT_SEARCH, every method
    @rate_limit("self_referral", methods=("POST",))

The limit is read from `LOTSA_RATE_LIMIT_<NAME>` at each request ("120/m", "5/h", "30/10m";
empty: no limit), counted in fixed windows by django-ratelimit (`get_usage`), and a request
over it gets a plain, translated 429 page with `Retry-After`, before the view runs. Sign-in and
password reset are limited by allauth itself (ACCOUNT_RATE_LIMITS); its 429 uses the same
page (`lotsa.urls.handler429`).

django-ratelimit is used as a library only (not in INSTALLED_APPS): its system check refuses
every cache without atomic increment, the database cache included. A lost increment under
a race makes a limit a little looser, which is acceptable here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from lotsa.audit import context

from . import errors

View = TypeVar("View", bound=Callable[..., HttpResponse])

ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# When the cache cannot say (django-ratelimit answers time_left -1): ask for a minute.
FALLBACK_RETRY_AFTER = 60


def client_ip(request: HttpRequest) -> str:
    """The client's address as the access log records it (`audit.context.client_ip`);
    anything that is not an address counts as one shared unknown client."""
    return context.client_ip(request) or "0.0.0.0"  # noqa: S104 - a key, not an address to bind


def ip_key(request: HttpRequest) -> str:
    """RATELIMIT_IP_META_KEY: django-ratelimit masks IPv6 addresses to their /64 itself."""
    return client_ip(request)


def rate_for(name: str) -> str:
    return str(getattr(settings, f"LOTSA_RATE_LIMIT_{name.upper()}", "") or "").strip()


def check(request: HttpRequest, name: str) -> int | None:
    """Count this request against limit `name`; the seconds to wait if it is over, else None."""
    rate = rate_for(name)
    if not rate:
        return None
    usage = get_usage(
        request, group=f"lotsa.{name}", key="ip", rate=rate, method=ALL, increment=True
    )
    if usage is None or not usage["should_limit"]:
        return None
    time_left = int(usage["time_left"])
    # The window still counts at its last second (time_left 0): the next one starts after.
    return time_left + 1 if time_left >= 0 else FALLBACK_RETRY_AFTER


def rate_limit(name: str, *, methods: Iterable[str] = ALL_METHODS) -> Callable[[View], View]:
    """Limit a view to LOTSA_RATE_LIMIT_<NAME> requests per client IP (only `methods` count)."""
    counted = frozenset(method.upper() for method in methods)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in counted:
                retry_after = check(request, name)
                if retry_after is not None:
                    return too_many_requests(request, retry_after, name)
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorate


def too_many_requests(request: HttpRequest, retry_after: int, name: str) -> HttpResponse:
    """The 429 page, with Retry-After in seconds. The log names the limit, not the path (an
    answer link's path holds its token)."""
    return errors.too_many_requests(request, retry_after, limit=name)


def handler429(request: HttpRequest) -> HttpResponse:
    """allauth's 429 (sign-in, password reset): `lotsa.urls.handler429` points here."""
    return errors.too_many_requests(request, FALLBACK_RETRY_AFTER, limit="sign-in")
