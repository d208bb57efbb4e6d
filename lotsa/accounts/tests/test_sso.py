"""Single sign-on against a real OpenID Connect provider running in a thread (oidc-provider-mock).

The whole flow: the user presses the sign-on button, the provider authenticates a subject, and
the callback signs in the existing Lotsa user with the provider's verified e-mail address.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.mfa.models import Authenticator
from csp.constants import SELF
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

from lotsa.accounts import sso
from lotsa.accounts.models import User
from lotsa.audit.models import AuditEvent
from lotsa.test import Role, make_organization, make_user

with warnings.catch_warnings():
    # authlib, which the provider runs on, sets its deprecation warnings to "always" as it
    # is imported; the filters come back as they were after this block.
    import authlib.deprecate  # noqa: F401

    warnings.simplefilter("ignore", DeprecationWarning)
    from oidc_provider_mock import run_server_in_thread

pytestmark = pytest.mark.django_db

LOGIN = "/en/account/login/"
SSO_LOGIN = "/en/account/oidc/sso/login/"
CLIENT_ID = "lotsa-test"


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        # The provider serves plain http on the loopback address, as tests do.
        patch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
        with run_server_in_thread() as server:
            yield f"http://localhost:{server.server_port}"


def provider_settings(url: str, **extra: Any) -> dict[str, Any]:
    """What settings.py makes of LOTSA_OIDC_* for a provider at `url`."""
    csp = settings.CONTENT_SECURITY_POLICY
    return {
        "LOTSA_OIDC_SERVER_URL": url,
        "CONTENT_SECURITY_POLICY": {
            **csp,
            "DIRECTIVES": {**csp["DIRECTIVES"], "form-action": [SELF, url]},
        },
        "SOCIALACCOUNT_PROVIDERS": {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "sso",
                        "name": "SITHS / BankID",
                        "client_id": CLIENT_ID,
                        "secret": "test-secret",
                        "settings": {
                            "server_url": url,
                            "scope": ["openid", "email", "profile"],
                        },
                    }
                ],
            }
        },
        **extra,
    }


@pytest.fixture
def configured(provider_url: str) -> Iterator[str]:
    with override_settings(**provider_settings(provider_url)):
        yield provider_url


def set_claims(provider_url: str, sub: str, **claims: Any) -> None:
    response = requests.put(f"{provider_url}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204


def press_the_button(client: Client, next_url: str = "") -> str:
    """The sign-on button's POST; returns the provider's authorization URL."""
    query = "?process=login" + (f"&next={next_url}" if next_url else "")
    response = client.post(SSO_LOGIN + query)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def authenticate_at_the_provider(authorize_url: str, sub: str) -> str:
    """The person signs in at the provider; returns the callback URL it sends them to."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def follow_callback(client: Client, callback_url: str) -> Any:
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_on(client: Client, provider_url: str, sub: str, **claims: Any) -> Any:
    set_claims(provider_url, sub, **claims)
    return follow_callback(client, authenticate_at_the_provider(press_the_button(client), sub))


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def provider_user() -> User:
    organization = make_organization("Föreningen Gå Tillsammans")
    return make_user("karin.berg@example.org", organization, Role.PROVIDER)


def test_without_a_server_url_there_is_no_sign_on_button(client: Client) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b"/account/oidc/" not in response.content
    assert not sso.is_configured()


def test_the_sign_in_page_offers_the_named_provider_in_every_language(
    configured: str, client: Client
) -> None:
    for language in ("sv", "da", "en"):
        response = client.get(f"/{language}/account/login/")
        assert response.status_code == 200
        content = response.content.decode()
        assert f'action="/{language}/account/oidc/sso/login/?process=login"' in content
        assert "SITHS / BankID" in content
    assert "Sign in with SITHS / BankID" in content


def test_the_button_leads_to_the_provider_with_state_and_pkce(
    configured: str, client: Client
) -> None:
    authorize_url = press_the_button(client)
    assert authorize_url.startswith(configured)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["state"][0]
    assert query["code_challenge_method"] == ["S256"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_the_provider_signs_in_the_user_with_its_verified_e_mail_address(
    configured: str, client: Client, provider_user: User
) -> None:
    response = sign_on(
        client, configured, "subject-1", email="Karin.Berg@example.org", email_verified=True
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/staff/"
    assert signed_in_user_id(client) == str(provider_user.pk)
    # Nothing of the provider's account is stored: no connection, no token, no claims.
    from allauth.socialaccount.models import SocialAccount, SocialToken

    assert not SocialAccount.objects.exists()
    assert not SocialToken.objects.exists()
    assert client.session[sso.SESSION_KEY] == "sso"
    assert "subject-1" not in str(dict(client.session))


def test_an_unknown_e_mail_address_is_refused_with_a_message(
    configured: str, client: Client, provider_user: User
) -> None:
    users = User.objects.count()
    response = sign_on(
        client, configured, "subject-2", email="stranger@example.org", email_verified=True
    )
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert signed_in_user_id(client) is None
    assert User.objects.count() == users  # no account made
    page = client.get(LOGIN)
    assert "no active Lotsa account has the e-mail address" in page.content.decode()
    event = AuditEvent.objects.get(purpose="single sign-on: no matching account")
    assert event.action == AuditEvent.Action.DENIED
    assert event.ip_address == "127.0.0.1"
    assert "stranger" not in event.object_id


def test_an_unverified_e_mail_address_is_refused(
    configured: str, client: Client, provider_user: User
) -> None:
    sign_on(client, configured, "subject-3", email=provider_user.email)  # no email_verified
    assert signed_in_user_id(client) is None


def test_an_unverified_address_is_taken_when_the_provider_is_trusted(
    configured: str, client: Client, provider_user: User
) -> None:
    with override_settings(LOTSA_OIDC_TRUST_EMAIL=True):
        sign_on(client, configured, "subject-4", email=provider_user.email)
    assert signed_in_user_id(client) == str(provider_user.pk)


def test_a_deactivated_user_is_refused(
    configured: str, client: Client, provider_user: User
) -> None:
    provider_user.is_active = False
    provider_user.save()
    sign_on(client, configured, "subject-5", email=provider_user.email, email_verified=True)
    assert signed_in_user_id(client) is None


def test_a_wrong_state_is_refused(configured: str, client: Client, provider_user: User) -> None:
    set_claims(configured, "subject-6", email=provider_user.email, email_verified=True)
    callback = authenticate_at_the_provider(press_the_button(client), "subject-6")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    response = client.get(parts.path, {"code": query["code"][0], "state": "forged-state"})
    assert response.status_code == 401  # allauth's error page
    assert signed_in_user_id(client) is None
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, purpose__startswith="single sign-on failed"
    ).exists()


def test_a_callback_from_another_browser_is_refused(
    configured: str, client: Client, provider_user: User
) -> None:
    set_claims(configured, "subject-7", email=provider_user.email, email_verified=True)
    callback = authenticate_at_the_provider(press_the_button(client), "subject-7")
    stranger = Client()
    follow_callback(stranger, callback)
    assert signed_in_user_id(stranger) is None


def test_a_denial_at_the_provider_signs_nobody_in(configured: str, client: Client) -> None:
    authorize_url = press_the_button(client)
    response = requests.post(
        authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=5
    )
    follow_callback(client, response.headers["Location"])
    assert signed_in_user_id(client) is None


@override_settings(LOTSA_REQUIRE_MFA=True)
def test_without_counting_as_mfa_the_user_still_gives_a_totp_code(
    configured: str, client: Client, provider_user: User
) -> None:
    Authenticator.objects.create(
        user=provider_user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    response = sign_on(
        client, configured, "subject-8", email=provider_user.email, email_verified=True
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/account/2fa/authenticate/"
    assert signed_in_user_id(client) is None


@override_settings(LOTSA_REQUIRE_MFA=True)
def test_without_counting_as_mfa_an_unenrolled_user_is_sent_to_enrolment(
    configured: str, client: Client, provider_user: User
) -> None:
    sign_on(client, configured, "subject-9", email=provider_user.email, email_verified=True)
    assert signed_in_user_id(client) == str(provider_user.pk)
    response = client.get("/en/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/en/account/2fa/totp/activate/"


@override_settings(LOTSA_REQUIRE_MFA=True, LOTSA_OIDC_COUNTS_AS_MFA=True)
def test_counting_as_mfa_skips_the_totp_code_and_the_enrolment(
    configured: str, client: Client, provider_user: User
) -> None:
    sign_on(client, configured, "subject-10", email=provider_user.email, email_verified=True)
    assert signed_in_user_id(client) == str(provider_user.pk)
    assert client.get("/en/staff/").status_code == 200
    Authenticator.objects.create(
        user=provider_user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    client.post("/en/account/logout/")
    response = sign_on(
        client, configured, "subject-10", email=provider_user.email, email_verified=True
    )
    assert response["Location"] == "/en/staff/"
    assert signed_in_user_id(client) == str(provider_user.pk)


@override_settings(LOTSA_REQUIRE_MFA=True, LOTSA_OIDC_COUNTS_AS_MFA=True)
def test_counting_as_mfa_does_not_excuse_a_password_sign_in(
    configured: str, client: Client, provider_user: User
) -> None:
    from lotsa.test import PASSWORD

    client.post(LOGIN, {"login": provider_user.email, "password": PASSWORD})
    assert signed_in_user_id(client) == str(provider_user.pk)
    response = client.get("/en/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/en/account/2fa/totp/activate/"


def test_connecting_a_provider_account_is_refused(
    configured: str, client: Client, provider_user: User
) -> None:
    client.force_login(provider_user)
    response = client.post(SSO_LOGIN + "?process=connect")
    set_claims(configured, "subject-11", email=provider_user.email, email_verified=True)
    follow_callback(client, authenticate_at_the_provider(response["Location"], "subject-11"))
    from allauth.socialaccount.models import SocialAccount

    assert not SocialAccount.objects.exists()


def test_the_providers_origin_may_receive_the_sign_on_form() -> None:
    """The button's POST is redirected to the provider: form-action must allow its origin."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    )
    for url, expected in [
        ("https://idp.example.org/realms/region", [SELF, "https://idp.example.org"]),
        ("", [SELF]),
    ]:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lotsa.settings"}
        env["LOTSA_OIDC_SERVER_URL"] = url
        result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert json.loads(result.stdout) == expected
