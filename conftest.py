"""pytest set-up shared by the whole suite."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls that the browser
# tests make between page actions are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Before any test class builds its data: fast hashing, mail kept in memory, tasks run
    at once. Enabled through override_settings so that cached task backends are reset."""
    from django.test import override_settings

    override = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SMS_BACKEND="lotsa.messaging.sms.LocmemBackend",
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        # Tests that are about two factors switch it back on.
        LOTSA_REQUIRE_MFA=False,
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session", autouse=True)
def _flushes_may_empty_the_audit_log():
    """The access log refuses DELETE (triggers): the flush between transactional tests may."""
    from lotsa.audit.maintenance import flushes_empty_the_log

    with flushes_empty_the_log():
        yield


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """Like Django's mail.outbox, the SMS outbox starts empty in every test."""
    from lotsa.messaging import sms

    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _vocabularies_after_a_flush(request):
    """Transactional tests flush the database between tests, and `serialized_rollback` does
    not bring the taxonomy migration's rows back in every order: load them again."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    importlib.import_module("lotsa.directory.migrations.0003_taxonomy").load(apps, None)


BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    import shutil

    chromium = shutil.which("chromium")
    if chromium is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=BROWSER_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    from lotsa.browser import closed_context

    context = closed_context(browser)
    page = context.new_page()
    yield page
    context.close()
