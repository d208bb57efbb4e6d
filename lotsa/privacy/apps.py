from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lotsa.privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # Registers the system check that refuses retention settings below the law's floor.
        from . import retention  # noqa: F401
