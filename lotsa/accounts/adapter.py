"""How allauth treats Lotsa's accounts: staff are created by organisations, not by open signup,
and staff who see people cannot switch their second factor off."""

import time
from datetime import UTC, datetime
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

from . import security


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Organisations register through the directory's own form, which creates the user.
        return False

    def get_login_stages(self) -> list[str]:
        # The TOTP step knows that a single sign-on may count as two factors (sso.py).
        return [
            "lotsa.accounts.sso.AuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # The first enrolment comes straight after the password was given at sign-in (the
        # enrolment page is where sign-in leads): asking for it again would only puzzle.
        # Later changes to the second factor ask for the password again, as allauth does.
        if app == "allauth.mfa" and is_first_enrolment_after_sign_in(context.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)


def is_first_enrolment_after_sign_in(request: HttpRequest | None) -> bool:
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    login_at = request.session.get(security.LOGIN_AT_KEY)
    if login_at is None or time.time() - login_at > account_settings.REAUTHENTICATION_TIMEOUT:
        return False
    # Authenticators made since (the TOTP app, then its recovery codes) belong to this enrolment.
    signed_in_at = datetime.fromtimestamp(login_at, tz=UTC)
    return not Authenticator.objects.filter(user=user, created_at__lt=signed_in_at).exists()


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # They may replace the app (enrol again after an administrator removed it), not drop it.
        if (
            settings.LOTSA_REQUIRE_MFA
            and authenticator.type == Authenticator.Type.TOTP
            and security.requires_mfa(authenticator.user)
        ):
            return False
        return super().can_delete_authenticator(authenticator)
