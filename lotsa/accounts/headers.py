"""Response headers that neither Django's SecurityMiddleware nor django-csp set.

- `Cache-Control: no-store` (and `Pragma: no-cache` for old proxies) on every response to a
  signed-in user, on every answer-link page (its token is in the URL, and the page shows a
  referral) and on server errors: no browser cache, shared proxy or back button keeps a copy
  of a page with a person's data. Public directory pages stay cacheable.
- `Permissions-Policy`: the browser features Lotsa never uses are switched off; only the
  search form's "Use my position" button may ask for the position, on Lotsa's own pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = ", ".join(
    [
        "geolocation=(self)",
        "camera=()",
        "microphone=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "midi=()",
        "magnetometer=()",
        "gyroscope=()",
        "accelerometer=()",
        "display-capture=()",
        "browsing-topics=()",
    ]
)

# Pages reached through a signed answer link, in every language: /sv/answer/<token>/, …
ANSWER_LINK_MARK = "/answer/"


def must_not_be_stored(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether the response may hold personal data that no cache should keep."""
    if response.status_code >= 500:
        # Decided without the user: the database may be what failed.
        return True
    if ANSWER_LINK_MARK in request.path:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    """Adds the headers above; placed after AuthenticationMiddleware (it reads request.user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if must_not_be_stored(request, response):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
