"""Writing audit events, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from .models import AuditEvent

READ = AuditEvent.Action.READ

if TYPE_CHECKING:
    from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    obj: models.Model,
    *,
    user: Any,
    organization_id: int | None = None,
    purpose: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one event about `obj`; call inside the transaction that does the action."""
    is_user = getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        action=action,
        user=user if is_user else None,
        organization_id=organization_id,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        purpose=purpose,
        ip_address=client_ip(request),
    )


def record_denied(
    model: type[models.Model],
    key: str,
    *,
    user: Any,
    purpose: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one event about a refused attempt to reach a protected object."""
    is_user = getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        action=AuditEvent.Action.DENIED,
        user=user if is_user else None,
        object_type=model._meta.label_lower,
        object_id=key[:64],
        purpose=purpose,
        ip_address=client_ip(request),
    )


def record_many(
    action: str,
    objects: Iterable[models.Model],
    *,
    user: Any,
    purpose: str = "",
    request: HttpRequest | None = None,
    organization_of: Callable[[Any], int | None] | None = None,
) -> list[AuditEvent]:
    """One event per object in one query: a list page that shows people's details."""
    is_user = getattr(user, "is_authenticated", False)
    ip_address = client_ip(request)
    return AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action=action,
                user=user if is_user else None,
                organization_id=organization_of(obj) if organization_of else None,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                purpose=purpose,
                ip_address=ip_address,
            )
            for obj in objects
        ]
    )
