"""Single sign-on through one OpenID Connect provider (allauth's `openid_connect` provider).

The provider is configured by settings (LOTSA_OIDC_*, see settings.py); without a server URL
there is no button. Nobody gets an account through it: the provider's e-mail address (verified,
or trusted by LOTSA_OIDC_TRUST_EMAIL) must belong to exactly one active Lotsa user, who is then
signed in; otherwise the sign-in is refused with a message and written to the access log.
Connections between Lotsa accounts and provider accounts are not stored: every sign-in is
matched afresh, so changing or deactivating the Lotsa account takes effect at once.

Whether the sign-in counts as the second factor is a setting (LOTSA_OIDC_COUNTS_AS_MFA):
brokers for SITHS, BankID and MitID authenticate with two factors. When it is on, the TOTP
step at sign-in is skipped for a sign-in through the provider (`AuthenticateStage`) and
`TwoFactorRequiredMiddleware` accepts such a session without an enrolled TOTP app.
"""

from __future__ import annotations

import hashlib
from typing import Any

from allauth.account.signals import user_logged_in
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa import stages as mfa_stages
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from lotsa.audit import events

from .models import User

# The provider the user last signed in through, in their session (absent: a password).
SESSION_KEY = "lotsa_sso_provider"


def is_configured() -> bool:
    return bool(settings.LOTSA_OIDC_SERVER_URL)


def provider_of(sociallogin: SocialLogin | None) -> str | None:
    account = getattr(sociallogin, "account", None)
    return getattr(account, "provider", None)


def is_lotsa_provider(sociallogin: SocialLogin | None) -> bool:
    return provider_of(sociallogin) == settings.LOTSA_OIDC_PROVIDER_ID


def counts_as_second_factor(sociallogin: SocialLogin | None) -> bool:
    return bool(settings.LOTSA_OIDC_COUNTS_AS_MFA) and is_lotsa_provider(sociallogin)


def session_counts_as_second_factor(request: HttpRequest) -> bool:
    """Whether this session was signed in through the provider, and that counts as MFA."""
    session = getattr(request, "session", None)
    return (
        bool(settings.LOTSA_OIDC_COUNTS_AS_MFA)
        and session is not None
        and session.get(SESSION_KEY) == settings.LOTSA_OIDC_PROVIDER_ID
    )


def usable_emails(sociallogin: SocialLogin) -> list[str]:
    trust = bool(settings.LOTSA_OIDC_TRUST_EMAIL)
    return [
        address.email.strip()
        for address in sociallogin.email_addresses
        if address.email and (address.verified or trust)
    ]


def matching_user(sociallogin: SocialLogin) -> User | None:
    """The one active user with the provider's (verified) e-mail address, or None."""
    for email in usable_emails(sociallogin):
        users = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
        if len(users) == 1:
            return users[0]
    return None


def _refuse(request: HttpRequest, message: str, purpose: str) -> None:
    events.record_denied(User, "", user=None, purpose=purpose, request=request)
    messages.error(request, message)
    raise ImmediateHttpResponse(HttpResponseRedirect(reverse("account_login")))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.state.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
            # Provider accounts are never connected to Lotsa accounts (see the module).
            _refuse(
                request,
                _("Single sign-on cannot be connected to an account; just use it to sign in."),
                "single sign-on: connect refused",
            )
        user = matching_user(sociallogin)
        # Keep nothing of the provider's answer beyond this request: not its claims (a broker
        # may send an identity number) and only a hash of the subject (allauth keeps it in the
        # session's record of how the user signed in).
        sociallogin.account.extra_data = {}
        sociallogin.account.uid = hashlib.sha256(sociallogin.account.uid.encode()).hexdigest()
        if user is None:
            _refuse(
                request,
                _(
                    "Your e-identification worked, but no active Lotsa account has the e-mail "
                    "address it gave. Ask the person who manages Lotsa in your organisation to "
                    "check the e-mail address of your account."
                ),
                "single sign-on: no matching account",
            )
        sociallogin.user = user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Exception | None = None,
        extra_context: Any = None,
    ) -> None:
        """A refused or broken hand-back from the provider (wrong state, denied, an error):
        allauth shows its error page; the attempt goes to the access log."""
        reason = str(error or "unknown")
        if exception is not None:
            reason += f" ({type(exception).__name__})"  # the class only: no message text
        events.record_denied(
            User, "", user=None, purpose=f"single sign-on failed: {reason}"[:200], request=request
        )


class AuthenticateStage(mfa_stages.AuthenticateStage):
    """allauth's TOTP step at sign-in, skipped for a sign-in through the provider when that
    counts as two factors (LOTSA_OIDC_COUNTS_AS_MFA)."""

    def _should_handle(self, request: HttpRequest) -> bool:
        signal_kwargs = self.login.signal_kwargs or {}
        if counts_as_second_factor(signal_kwargs.get("sociallogin")):
            return False
        return super()._should_handle(request)


@receiver(user_logged_in, dispatch_uid="lotsa_remember_sign_on_provider")
def remember_provider(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Note in the session how the user signed in (allauth's signal, every allauth sign-in)."""
    sociallogin = kwargs.get("sociallogin")
    if is_lotsa_provider(sociallogin):
        request.session[SESSION_KEY] = provider_of(sociallogin)
    else:
        request.session.pop(SESSION_KEY, None)
