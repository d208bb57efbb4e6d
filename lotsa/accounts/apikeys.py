"""API keys of organisations' systems: making them, and checking the one a request presents.

A key is `lotsa_<prefix>_<secret>`: the prefix (12 hex digits) finds the row, the secret (32
random bytes, URL-safe base64) proves it. Only the SHA-256 of the secret is stored and it is
compared in constant time; the whole key is shown once, when it is made.

`authenticate(request, scope)` reads `Authorization: Bearer <key>` (or `X-Api-Key: <key>`),
returns the `ApiKey` or raises an `ApiKeyError` saying why not. Every use, accepted or refused,
writes one audit event: object `accounts.apikey`, the key's organisation as the unit, the
method and path as the purpose, and the IP address.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import NoReturn

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotsa.audit import events
from lotsa.audit.models import AuditEvent

from .models import ApiKey

KEY_PREFIX = "lotsa"
PREFIX_BYTES = 6  # 12 hex digits
SECRET_BYTES = 32
KEY_PATTERN = re.compile(r"^lotsa_(?P<prefix>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})$")
SCOPES = frozenset(ApiKey.Scope.values)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiKeyError(Exception):
    """Why a request's key was refused; `status` and `code` go into the problem response."""

    status = 401
    code = "api-key-invalid"
    title = _("Invalid API key")
    detail = _("The API key is not valid. Check that it was copied in full.")


class MissingKey(ApiKeyError):
    code = "api-key-missing"
    title = _("API key missing")
    detail = _("Send the key in the Authorization header: Bearer <key>.")


class InvalidKey(ApiKeyError):
    pass


class RevokedKey(ApiKeyError):
    code = "api-key-revoked"
    title = _("API key revoked")
    detail = _("The API key has been revoked. Ask your Lotsa administrator for a new one.")


class ExpiredKey(ApiKeyError):
    code = "api-key-expired"
    title = _("API key expired")
    detail = _("The API key has expired. Ask your Lotsa administrator for a new one.")


class OutOfScope(ApiKeyError):
    status = 403
    code = "api-key-scope"
    title = _("Not allowed for this key")
    detail = _("The API key does not have the scope this request needs.")


@dataclass(frozen=True)
class NewKey:
    prefix: str
    secret_hash: str
    key: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def new_key() -> NewKey:
    """A fresh key, its public prefix and the hash to store (prefixes are unique by chance:
    48 random bits; the unique constraint is the backstop)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return NewKey(prefix, hash_secret(secret), f"{KEY_PREFIX}_{prefix}_{secret}")


def presented_key(request: HttpRequest) -> str | None:
    """The key in the request's headers, or None."""
    authorization = request.headers.get("Authorization", "")
    scheme, _sep, credentials = authorization.strip().partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("X-Api-Key", "").strip() or None


def _purpose(request: HttpRequest) -> str:
    # The path only: no query string (it could carry anything) and no key.
    return f"{request.method} {request.path}"[:200]


def _record(action: str, api_key: ApiKey, request: HttpRequest) -> None:
    events.record(
        action,
        api_key,
        user=None,
        organization_id=api_key.organization_id,
        purpose=_purpose(request),
        request=request,
    )


def _refuse(error: ApiKeyError, request: HttpRequest, api_key: ApiKey | None = None) -> NoReturn:
    if api_key is None:
        events.record_denied(ApiKey, "", user=None, purpose=_purpose(request), request=request)
    else:
        _record(AuditEvent.Action.DENIED, api_key, request)
    raise error


def authenticate(request: HttpRequest, scope: str | None) -> ApiKey:
    """The valid key the request presents, if it has `scope` (None: any valid key); else
    raises an ApiKeyError. Writes one audit event either way and stamps the key's last use."""
    if scope is not None and scope not in SCOPES:
        raise ValueError(f"unknown API scope {scope!r}")
    key = presented_key(request)
    if key is None:
        _refuse(MissingKey(), request)
    match = KEY_PATTERN.match(key)
    if match is None:
        _refuse(InvalidKey(), request)
    found = ApiKey.objects.select_related("organization").filter(prefix=match["prefix"])
    api_key = next(iter(found.order_by()[:1]), None)
    if api_key is None:
        _refuse(InvalidKey(), request)
    if not hmac.compare_digest(api_key.secret_hash, hash_secret(match["secret"])):
        _refuse(InvalidKey(), request, api_key)
    now = timezone.now()
    if api_key.is_revoked:
        _refuse(RevokedKey(), request, api_key)
    if api_key.is_expired(now):
        _refuse(ExpiredKey(), request, api_key)
    if scope is not None and scope not in api_key.scopes:
        _refuse(OutOfScope(), request, api_key)
    action = AuditEvent.Action.READ if request.method in SAFE_METHODS else AuditEvent.Action.CHANGE
    with transaction.atomic():
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
        _record(action, api_key, request)
    return api_key
