"""App configuration for accounts and organisations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lotsa.accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from . import security  # noqa: F401  (connects the sign-in time stamp)
