"""Errors show a plain, translated page with a short reference id; a server error logs that
id with the exception. Neither the page nor the log holds the request's personal data."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, RequestFactory, TestCase, override_settings
from django.urls import path
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from lotsa import urls as project_urls
from lotsa.accounts import errors

# Personal data a careless error path could leak: in the query string and in the body.
NAME = "Astrid Lindqvist"
IDENTITY_NUMBER = "19121212-1212"
CANARIES = (NAME, "Astrid", "Lindqvist", IDENTITY_NUMBER, "1212121212")
# An exception's own message is for the log (Django logs it), never for the page.
DETAIL = "internal detail 4711"


@csrf_exempt
def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view failed")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(DETAIL)


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404(DETAIL)


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(DETAIL)


# This module is the URLconf of the tests below: the project's URLs and error handlers, and
# views that fail on purpose.
urlpatterns = [
    path("test-errors/fails/", fails),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/missing/", missing),
    path("test-errors/suspicious/", suspicious),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

REFERENCE = re.compile(r"reference ([0-9a-f]{8})")


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every log record of every logger, formatted with its traceback, as a file would be."""
    lines: list[str] = []
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(formatter.format(record))

    handler = Capture(level=logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def reference_in(content: str) -> str:
    match = REFERENCE.search(content)
    assert match, "the page shows no reference id"
    return match.group(1)


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
class ErrorPageTests(TestCase):
    def setUp(self) -> None:
        # The test views have no language prefix: English (the lead translates the pages).
        self.client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")

    def assertNoPersonalData(self, text: str) -> None:
        for canary in CANARIES:
            self.assertNotIn(canary, text)

    def test_a_failing_view_gives_500_with_a_reference_that_is_logged_with_the_exception(
        self,
    ) -> None:
        with captured_logs() as logs:
            response = self.client.post(
                f"/test-errors/fails/?name={NAME}&pnr={IDENTITY_NUMBER}",
                {"person": NAME, "identity_number": IDENTITY_NUMBER},
            )
        self.assertEqual(response.status_code, 500)
        page = response.content.decode()
        self.assertIn("Something went wrong", page)
        reference = reference_in(page)
        ours = [line for line in logs if line.startswith("ERROR lotsa.errors")]
        self.assertEqual(len(ours), 1, logs)
        self.assertIn(f"reference {reference}", ours[0])
        self.assertIn("POST /test-errors/fails/", ours[0])
        self.assertIn("RuntimeError: the view failed", ours[0])
        self.assertNoPersonalData(page)
        self.assertNoPersonalData("\n".join(logs))
        self.assertIn("no-store", response["Cache-Control"])

    def test_each_error_gets_its_own_reference(self) -> None:
        first = reference_in(self.client.get("/test-errors/fails/").content.decode())
        second = reference_in(self.client.get("/test-errors/fails/").content.decode())
        self.assertNotEqual(first, second)

    def test_the_500_page_needs_neither_the_database_nor_the_user(self) -> None:
        request = RequestFactory().get("/sv/")
        self.assertFalse(hasattr(request, "user"))
        with self.assertNumQueries(0), captured_logs(), translation.override("en"):
            try:
                raise RuntimeError("the database is gone")
            except RuntimeError:
                response = errors.server_error(request)
        self.assertEqual(response.status_code, 500)
        reference_in(response.content.decode())

    def test_403_404_and_400_are_plain_pages_that_do_not_repeat_the_exception(self) -> None:
        cases = [
            ("/test-errors/forbidden/", 403, "No access"),
            ("/test-errors/missing/", 404, "Page not found"),
            ("/test-errors/suspicious/", 400, "Bad request"),
            ("/en/no-such-page/", 404, "Page not found"),
        ]
        for url, status, heading in cases:
            with self.subTest(url=url), captured_logs() as logs:
                response = self.client.get(f"{url}?name={NAME}")
                self.assertEqual(response.status_code, status)
                page = response.content.decode()
                self.assertIn(heading, page)
                reference = reference_in(page)
                self.assertTrue(any(f"reference {reference}" in line for line in logs), logs)
                self.assertNotIn(DETAIL, page)
                self.assertNoPersonalData(page)
                self.assertNoPersonalData("\n".join(logs))

    def test_error_pages_speak_the_language_of_the_address(self) -> None:
        for language in ("sv", "da", "en"):
            with self.subTest(language=language):
                response = self.client.get(f"/{language}/no-such-page/")
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, f'<html lang="{language}">', status_code=404)

    def test_a_form_without_its_csrf_token_gets_the_plain_403_page(self) -> None:
        client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
        with captured_logs() as logs:
            response = client.post(f"/i18n/setlang/?name={NAME}", {"language": "en", "next": "/"})
        self.assertEqual(response.status_code, 403)
        self.assertNoPersonalData("\n".join(logs))
        self.assertContains(response, "The form has expired", status_code=403)
        reference_in(response.content.decode())
