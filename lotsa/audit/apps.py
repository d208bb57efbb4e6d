"""App configuration for the access log."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lotsa.audit"
    verbose_name = _("Access log")
