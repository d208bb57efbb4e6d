from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lotsa.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Registers the system check that warns when the research export has no key.
        from . import research  # noqa: F401
