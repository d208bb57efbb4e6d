"""pytest set-up shared by the whole suite."""

import logging
import os
import sys
from collections.abc import Iterator

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls that the browser
# tests make between page actions are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# --- the read replica (lotsa.routers): in tests a mirror of the test database ------------


class ReplicaMirror:
    """The "replica" alias in tests: the same thread's default connection under another name.

    Django's TEST MIRROR points the alias at the test database but opens a connection of its
    own, which cannot see what a TestCase wrote inside its transaction (Django ticket #23718).
    Here every query on "replica" runs on the default connection, in its transaction; only the
    alias, its settings and the methods a test may forbid or watch (Django's
    `_disallowed_connection_methods`) are the mirror's own."""

    def __init__(self, primary: object, alias: str, settings_dict: dict) -> None:
        from django.test import SimpleTestCase

        own = {"alias", "settings_dict"} | {
            name for name, _ in SimpleTestCase._disallowed_connection_methods
        }
        object.__setattr__(self, "_own", frozenset(own))
        object.__setattr__(self, "_primary", primary)
        object.__setattr__(self, "alias", alias)
        object.__setattr__(self, "settings_dict", settings_dict)

    def __getattr__(self, name: str) -> object:
        return getattr(self._primary, name)

    def __setattr__(self, name: str, value: object) -> None:
        if name in self._own:
            object.__setattr__(self, name, value)
        else:
            setattr(self._primary, name, value)

    def __delattr__(self, name: str) -> None:
        if name in self._own:
            object.__delattr__(self, name)
        else:
            delattr(self._primary, name)


def pytest_configure(config: pytest.Config) -> None:
    """Every run has the second alias "replica" (DATABASE_REPLICA_URL's, or a copy of
    "default"), configured as a TEST MIRROR of "default" and answered by its connection, so
    the reports and the public search really read through "replica"; every test may use it."""
    from django.conf import settings
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.test import TransactionTestCase

    from lotsa.routers import REPLICA

    if REPLICA not in settings.DATABASES:
        settings.DATABASES[REPLICA] = {**settings.DATABASES[DEFAULT_DB_ALIAS]}
    settings.DATABASES[REPLICA]["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
    connections.configure_settings(settings.DATABASES)
    create_connection = connections.create_connection

    def create_mirror_or_connection(alias: str) -> object:
        if alias == REPLICA:
            return ReplicaMirror(connections[DEFAULT_DB_ALIAS], alias, connections.settings[alias])
        return create_connection(alias)

    connections.create_connection = create_mirror_or_connection  # type: ignore[method-assign]
    TransactionTestCase.databases = {DEFAULT_DB_ALIAS, REPLICA}


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
        # Every test client comes from 127.0.0.1: Lotsa's own rate limits (per IP) would trip
        # over a suite that searches often. The tests about them switch them back on.
        RATELIMIT_ENABLE=False,
        # Reports are computed anew on every request: tests change the data between two
        # looks. The tests of kept reports switch keeping back on.
        LOTSA_REPORT_SNAPSHOT_SECONDS=0,
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
def _default_language():
    """Each test starts in the default language: a request to /en/ or /da/ leaves its
    language active in the thread (LocaleMiddleware never deactivates it), and `reverse`
    in the next test would build its URLs in that language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


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


# --- PII canaries: no person's identity number or full name in a log line or mail subject ---


@pytest.fixture(scope="session", autouse=True)
def _pii_canary_watch() -> Iterator[None]:
    """Remember every person saved, and every log record of every logger (lotsa.test).

    Records are caught where each logger hands them to its handlers (`callHandlers`), so
    that loggers that do not propagate to the root (django.server, or one inside assertLogs)
    are seen too."""
    from django.db.models.signals import post_save

    from lotsa.people.models import Person
    from lotsa.test import LOG_RECORDS, PEOPLE_SEEN

    def remember_person(sender, instance, **kwargs) -> None:
        PEOPLE_SEEN.add(instance)

    post_save.connect(remember_person, sender=Person, dispatch_uid="pii-canaries")
    call_handlers = logging.Logger.callHandlers

    def remember_and_call(self: logging.Logger, record: logging.LogRecord) -> None:
        LOG_RECORDS.append(record)
        call_handlers(self, record)

    logging.Logger.callHandlers = remember_and_call  # type: ignore[method-assign]
    yield
    logging.Logger.callHandlers = call_handlers  # type: ignore[method-assign]
    post_save.disconnect(sender=Person, dispatch_uid="pii-canaries")


PII_CHECKED = "lotsa pii checked"


@pytest.fixture(autouse=True)
def _no_pii_in_logs_or_mail_subjects(
    request: pytest.FixtureRequest, _pii_canary_watch: None
) -> Iterator[None]:
    """Fails a test whose log records or e-mail subjects name a person (DOMAIN.md: never in
    a log line or an e-mail subject). Costs nothing unless something was logged or mailed."""
    from lotsa.test import LOG_RECORDS, pii_findings

    LOG_RECORDS.clear()
    yield
    from django.core import mail

    subjects = [message.subject for message in getattr(mail, "outbox", [])]
    if not (LOG_RECORDS or subjects):
        return
    findings = pii_findings(LOG_RECORDS, subjects)
    LOG_RECORDS.clear()
    # Counted in the run's summary (the teardown report carries it, also under xdist).
    request.node.user_properties.append((PII_CHECKED, len(findings)))
    if findings:
        pytest.fail("PII canary: " + "; ".join(sorted(set(findings))), pytrace=False)


# --- figures the tests print (lotsa.test.report_figure), repeated after every run ---------

FIGURE = "lotsa figure"
_figures: list[tuple[str, str]] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach a test's figures to its report, so that they reach the controller under xdist."""
    lotsa_test = sys.modules.get("lotsa.test")
    if lotsa_test is not None and lotsa_test.FIGURES:
        item.user_properties.extend((FIGURE, figure) for figure in lotsa_test.FIGURES)
        lotsa_test.FIGURES.clear()
    yield


_pii = {"watched": 0, "checked": 0, "found": 0}


def pytest_runtest_logreport(report) -> None:
    for key, value in getattr(report, "user_properties", ()):
        if key == FIGURE and tuple(value) not in _figures:
            _figures.append(tuple(value))
    if report.when == "teardown":
        _pii["watched"] += 1
        for key, value in report.user_properties:
            if key == PII_CHECKED:
                _pii["checked"] += 1
                _pii["found"] += bool(value)


def pytest_terminal_summary(terminalreporter) -> None:
    if not (_figures or _pii["watched"]):
        return
    terminalreporter.section("Lotsa figures")
    for name, text in _figures:
        terminalreporter.write_line(f"{name}: {text}")
    terminalreporter.write_line(
        f"PII canaries: {_pii['watched']} tests watched, {_pii['checked']} logged or mailed, "
        f"{_pii['found']} named a person"
    )
