"""With the environment production sets, `manage.py check --deploy --fail-level WARNING`
passes (CI runs it too), and the security settings follow from that environment."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "SECURE_COOKIES": "True",
    "SECURE_SSL_REDIRECT": "True",
    "ALLOWED_HOSTS": "lotsa.example.org",
    "LOTSA_RESEARCH_PSEUDONYM_KEY": secrets.token_urlsafe(48),
}


def run(args: list[str], **overrides: str | None) -> subprocess.CompletedProcess[str]:
    """The command in a clean environment, as production would have it: not the test run's
    (which sets DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests, for one)."""
    inherited = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    environment = {**inherited, **PRODUCTION, **overrides}
    environment = {name: value for name, value in environment.items() if value is not None}
    return subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_production_settings() -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_refuses_the_demo_secret_key() -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SECRET_KEY=None)
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "DEBUG",
    "SECURE_PROXY_SSL_HEADER",
)}))
"""


def test_production_gets_a_year_of_hsts_secure_cookies_and_the_https_redirect() -> None:
    result = run(
        ["-c", PRINT_SETTINGS],
        DJANGO_SETTINGS_MODULE="lotsa.settings",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "SECURE_HSTS_SECONDS": 365 * 24 * 60 * 60,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "DEBUG": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_development_over_http_gets_neither_hsts_nor_the_redirect() -> None:
    result = run(
        ["-c", PRINT_SETTINGS],
        DJANGO_SETTINGS_MODULE="lotsa.settings",
        SECURE_COOKIES="False",
        SECURE_SSL_REDIRECT="False",
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    assert printed["SECURE_HSTS_SECONDS"] == 0
    assert printed["SECURE_SSL_REDIRECT"] is False
    assert printed["SESSION_COOKIE_SECURE"] is False
