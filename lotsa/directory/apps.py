"""App configuration for the community directory."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "lotsa.directory"
    verbose_name = _("Directory")
