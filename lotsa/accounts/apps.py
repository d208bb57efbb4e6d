"""App configuration for accounts and organisations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lotsa.accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        # Connect the signal receivers: the sign-in time stamp, failed sign-ins to the access
        # log, and how the user signed in (password or single sign-on).
        from . import security, sso  # noqa: F401
