"""An append-only record of every action on protected data.

Append-only in the database (triggers reject UPDATE and DELETE, see `triggers.py`) and
tamper-evident (a SHA-256 hash chain, see `chain.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from . import chain


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def bulk_create(  # type: ignore[override]
        self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any
    ) -> list[AuditEvent]:
        """Events that are not chained yet are chained first, in the order given."""
        objs = list(objs)
        if any(not obj.hash for obj in objs):
            return chain.append(objs, using=self.db)
        return super().bulk_create(objs, *args, **kwargs)


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        READ = "read", pgettext_lazy("audit action", "Read")
        CREATE = "create", pgettext_lazy("audit action", "Create")
        CHANGE = "change", pgettext_lazy("audit action", "Change")
        DELETE = "delete", pgettext_lazy("audit action", "Delete")
        DISCLOSE = "disclose", pgettext_lazy("audit action", "Disclose")
        PRINT = "print", pgettext_lazy("audit action", "Print")
        EXPORT = "export", pgettext_lazy("audit action", "Export")
        APPROVE = "approve", pgettext_lazy("audit action", "Approve")
        REJECT = "reject", pgettext_lazy("audit action", "Reject")
        DENIED = "denied", pgettext_lazy("audit action", "Denied")

    # Set in Python (not auto_now_add) so that the time is known when the hash is computed.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    organization_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The person whose data was touched, by their opaque key (never a name or identity number).
    person_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    # The place in the chain, and the chain itself (chain.py).
    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new event is chained as it is written; an existing one is refused by the database."""
        if self._state.adding and not self.hash:
            chain.append([self], using=kwargs.get("using") or "default")
            return
        super().save(*args, **kwargs)
