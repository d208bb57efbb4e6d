"""State changes of accounts: API keys are made and revoked here, with their audit events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotsa.audit import events
from lotsa.audit.models import AuditEvent

from . import apikeys
from .models import ApiKey, Organization


def create_api_key(
    organization: Organization,
    *,
    name: str,
    scopes: Iterable[str],
    expires_at: dt.datetime | None = None,
    acting_user: Any,
) -> tuple[ApiKey, str]:
    """A new key for `organization`'s system; returns it with the whole key, which is shown
    to the person who made it once and kept nowhere."""
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in apikeys.SCOPES]
    if not chosen or unknown:
        raise ValidationError(
            _("Choose one or more of the scopes: %(scopes)s.")
            % {"scopes": ", ".join(sorted(apikeys.SCOPES))}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The expiry date must be in the future."))
    made = apikeys.new_key()
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            organization=organization,
            name=name,
            prefix=made.prefix,
            secret_hash=made.secret_hash,
            scopes=chosen,
            expires_at=expires_at,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        events.record(
            AuditEvent.Action.CREATE,
            api_key,
            user=acting_user,
            organization_id=organization.pk,
            purpose="API key created",
        )
    return api_key, made.key


def revoke_api_key(api_key: ApiKey, *, acting_user: Any) -> ApiKey:
    """Revoke `api_key` for good; revoking a revoked key changes nothing."""
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = (
                acting_user if getattr(acting_user, "is_authenticated", False) else None
            )
            locked.save(update_fields=["revoked_at", "revoked_by"])
            events.record(
                AuditEvent.Action.CHANGE,
                locked,
                user=acting_user,
                organization_id=locked.organization_id,
                purpose="API key revoked",
            )
    return locked
