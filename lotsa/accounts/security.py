"""Sign-in security: two factors for staff who see people, session limits, lockout page."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from lotsa.audit import events

from . import sso
from .models import Membership, User

Role = Membership.Role

# Roles that open people's records must sign in with two factors, and researchers, who take
# pseudonymised data about individual people home. Managers see aggregates only.
ROLES_REQUIRING_MFA = frozenset(
    {
        Role.CLINICIAN,
        Role.LINK_WORKER,
        Role.CONNECTOR,
        Role.COORDINATOR,
        Role.PROVIDER,
        Role.ADMINISTRATOR,
        Role.RESEARCHER,
    }
)

# Pages a user who still has to enrol may reach: signing in and out, enrolment itself
# (allauth's URLs), the language switch, and what is public anyway.
PUBLIC_URL_NAMES = frozenset(
    {
        "set_language",
        "directory:search",
        "directory:offering",
        "directory:offering-print",
        "directory:report-problem",
        "directory:register",
        "referrals:self-referral",
        "referrals:self-referral-done",
        "referrals:answer-by-link",
        # The API check of a partner's key: the key is the credential, not a session.
        "api-key",
    }
)
# allauth's pages: sign-in (by password or single sign-on), enrolment, sign-out.
ALLAUTH_URL_PREFIXES = ("account_", "mfa_", "socialaccount_", "openid_connect_")

LOGIN_AT_KEY = "lotsa_login_at"


def requires_mfa(user: Any) -> bool:
    """Whether this user may see people's data and so must use two factors."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=ROLES_REQUIRING_MFA).exists()


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def is_exempt(request: HttpRequest) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True  # the 404 page shows nothing
    name = match.view_name
    if not match.url_name:
        # The bare "/" only redirects to the directory.
        return match.route == ""
    return name in PUBLIC_URL_NAMES or name.startswith(ALLAUTH_URL_PREFIXES)


def is_admin_login(request: HttpRequest) -> bool:
    try:
        return resolve(request.path_info).view_name == "admin:login"
    except Resolver404:
        return False


class TwoFactorRequiredMiddleware:
    """Sends staff who may see people to TOTP enrolment until they have enrolled.

    Once enrolled, allauth asks for the code at every sign-in. The check runs on every
    request, so a user who removes the authenticator is sent back to enrolment at once.
    A session signed in through single sign-on passes when that counts as two factors
    (LOTSA_OIDC_COUNTS_AS_MFA, see sso.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_admin_login(request):
            # The admin's own form would take a password alone: use allauth's sign-in.
            login_url = reverse("account_login")
            next_url = request.GET.get("next") or reverse("admin:index")
            return HttpResponseRedirect(f"{login_url}?{urlencode({'next': next_url})}")
        if (
            settings.LOTSA_REQUIRE_MFA
            and request.user.is_authenticated
            and not is_exempt(request)
            and not sso.session_counts_as_second_factor(request)
            and requires_mfa(request.user)
            and not has_totp(request.user)
        ):
            url = reverse("mfa_activate_totp")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            return HttpResponseRedirect(url)
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="lotsa_stamp_login_time")
def stamp_login_time(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = int(time.time())


class SessionLimitMiddleware:
    """Signs a user out LOTSA_SESSION_MAX_AGE seconds after sign-in, however active.

    The idle limit is the session cookie's age, renewed at every request; this is the
    absolute one. A session without a stamp (from before this rule) starts counting now."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SESSION_KEY in request.session and not request.user.is_authenticated:
            # The user was deactivated (or deleted) since: end their session for good.
            request.session.flush()
        elif request.user.is_authenticated:
            now = int(time.time())
            login_at = request.session.setdefault(LOGIN_AT_KEY, now)
            if now - int(login_at) > settings.LOTSA_SESSION_MAX_AGE:
                logout(request)
                hours = settings.LOTSA_SESSION_MAX_AGE // 3600
                messages.info(
                    request,
                    _(
                        "You signed in more than %(hours)s hours ago, so your session has "
                        "ended. Please sign in again."
                    )
                    % {"hours": hours},
                )
                login_url = reverse("account_login")
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(login_url)
                return HttpResponseRedirect(login_url)
        return self.get_response(request)


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check for every sign-in over the web (allauth, admin: all pass the
    request). A call without a request (the test client's login, a shell) has no IP to
    lock out and no one to answer, so it is left to the next backend."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is not None:
            super().authenticate(request, *args, **kwargs)


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The e-mail address tried, from allauth's credentials or its login form, in one case."""
    login = (credentials or {}).get("email") or request.POST.get("login")
    return str(login).strip().lower() if login else None


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """Axes' lockout page: a translated explanation instead of a bare refusal."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": seconds // 60, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


@receiver(user_login_failed, dispatch_uid="lotsa_log_failed_sign_in")
def log_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A failed sign-in over the web goes to the access log: the account tried (by its id,
    if the e-mail address is one; never the address typed) and the IP address."""
    if request is None:
        return  # a shell or the test client's login(): nobody to log
    email = str(credentials.get("email") or credentials.get("username") or "").strip()
    user = User.objects.filter(email__iexact=email).only("pk").first() if email else None
    events.record_denied(
        User, str(user.pk) if user else "", user=None, purpose="sign-in failed", request=request
    )
