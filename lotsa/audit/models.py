"""An append-only record of every action on protected data."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy


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

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    organization_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
