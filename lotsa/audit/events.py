"""Writing audit events, in the caller's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from .models import AuditEvent

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
