"""Every response carries the security headers; pages with a person's data are never stored;
the templates hold nothing that the Content-Security-Policy would refuse."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from lotsa.test import BaseTestCase

ROOT = Path(__file__).resolve().parents[1]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


class SecurityHeadersTests(BaseTestCase):
    def search(self, **extra):
        return self.client.get(reverse("directory:search"), **extra)

    def test_every_page_has_a_strict_content_security_policy(self) -> None:
        for response in (self.search(), self.client.get("/sv/no-such-page/")):
            policy = directives(response)
            self.assertEqual(policy["default-src"], ["'self'"])
            self.assertEqual(policy["script-src"], ["'self'"])
            self.assertEqual(policy["style-src"], ["'self'"])
            self.assertEqual(policy["connect-src"], ["'self'"])
            self.assertEqual(policy["font-src"], ["'self'"])
            self.assertEqual(policy["object-src"], ["'none'"])
            self.assertEqual(policy["base-uri"], ["'self'"])
            self.assertEqual(policy["form-action"], ["'self'"])
            self.assertEqual(policy["frame-ancestors"], ["'none'"])
            self.assertNotIn("unsafe-inline", response["Content-Security-Policy"])
            self.assertNotIn("unsafe-eval", response["Content-Security-Policy"])

    def test_images_may_come_from_the_map_tile_server_only(self) -> None:
        tiles = urlsplit(settings.LOTSA_MAP_TILE_URL)
        self.assertEqual(settings.LOTSA_MAP_TILE_ORIGIN, f"{tiles.scheme}://{tiles.netloc}")
        self.assertEqual(
            directives(self.search())["img-src"],
            ["'self'", "data:", settings.LOTSA_MAP_TILE_ORIGIN],
        )

    def test_every_page_forbids_sniffing_framing_and_foreign_referrers(self) -> None:
        response = self.search()
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
        self.assertIn("camera=()", response["Permissions-Policy"])
        self.assertIn("geolocation=(self)", response["Permissions-Policy"])

    @override_settings(SECURE_HSTS_SECONDS=31536000)
    def test_https_responses_carry_hsts_with_subdomains_and_without_preload(self) -> None:
        response = self.search(secure=True)
        self.assertEqual(
            response["Strict-Transport-Security"], "max-age=31536000; includeSubDomains"
        )

    def test_public_directory_pages_stay_cacheable(self) -> None:
        response = self.search()
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("no-store", response.get("Cache-Control", ""))
        self.assertFalse(response.has_header("Pragma"))

    def test_every_response_to_a_signed_in_user_is_never_stored(self) -> None:
        self.login(self.link_worker)
        for url in (reverse("directory:search"), reverse("accounts:home")):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertIn("no-store", response["Cache-Control"])
                self.assertIn("private", response["Cache-Control"])
                self.assertEqual(response["Pragma"], "no-cache")

    def test_answer_link_pages_are_never_stored_even_for_a_bad_link(self) -> None:
        url = reverse("referrals:answer-by-link", kwargs={"token": "nonsense"})
        self.assertIn("/answer/", url)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 404)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(response["Pragma"], "no-cache")


# What a Content-Security-Policy without 'unsafe-inline'/'unsafe-eval' refuses in a template.
INLINE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "htmx hx-on (needs eval)": re.compile(r"\shx-on[:-]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "htmx js: value (needs eval)": re.compile(r"""hx-[a-z-]+\s*=\s*['"]\s*js:""", re.I),
}
# Never sent to a browser: WeasyPrint turns it into the PDF, and its CSS must be inline there.
NOT_FOR_BROWSERS = {"referrals/templates/referrals/prescription/prescription.html"}


def test_no_template_holds_inline_script_style_or_event_handlers() -> None:
    templates = [
        path
        for path in ROOT.rglob("*.html")
        if "templates" in path.parts and "static" not in path.parts
    ]
    assert len(templates) > 20, "the template search found too little: it has gone stale"
    found = []
    for path in templates:
        relative = path.relative_to(ROOT).as_posix()
        if relative in NOT_FOR_BROWSERS:
            continue
        text = path.read_text()
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{relative}:{line}: {what}")
    assert found == []
