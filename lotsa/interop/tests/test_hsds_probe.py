"""The offline HSDS conformance probe (../shared/tools/hsds_api_check.py) against a live
server: page envelopes, every item against its schema, the {id} paths, 404s, CORS, search —
and, with --strict, no field that HSDS does not define."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import LiveServerTestCase

from lotsa.directory.models import Term
from lotsa.test import make_offering, make_organization, terms

from .test_hsds_schemas import PROBE, SCHEMAS, needs_shared


@needs_shared
class ConformanceProbeTests(LiveServerTestCase):
    def setUp(self) -> None:
        association = make_organization("Föreningen Gå Tillsammans", org_number="802479-1538")
        danish = make_organization("Foreningen Fællesskab", country="DK", municipality="DK-751")
        walking = make_offering(association, "Promenadgruppen", capacity=8, phone="070-123 45 67")
        walking.audiences.set(terms(Term.Vocabulary.AUDIENCE, "older-people"))
        walking.languages.set(terms(Term.Vocabulary.LANGUAGE, "sv"))
        make_offering(
            danish, "Strikkecafé", municipality="DK-751", text_language="da", city="Aarhus"
        )
        make_offering(association, "Samtal på nätet", is_online=True, byday="")

    def probe(self, *flags: str) -> dict[str, int]:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "probe.json"
            result = subprocess.run(  # noqa: S603 - our own interpreter and the shared probe
                [
                    sys.executable,
                    str(PROBE),
                    str(SCHEMAS.parent),
                    f"{self.live_server_url}/api/hsds",
                    *flags,
                    "--json",
                    str(out),
                ],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            self.assertEqual(result.returncode, 0, result.stdout[-3000:] + result.stderr[-2000:])
            summary: dict[str, int] = json.loads(out.read_text())["summary"]
        return summary

    def test_the_probe_passes_plain_and_strict(self) -> None:
        summary = self.probe()
        self.assertEqual((summary["FAIL"], summary["WARN"], summary["SKIP"]), (0, 0, 0))
        self.assertGreaterEqual(summary["PASS"], 29)
        # --strict: no field that HSDS does not define.
        strict = self.probe("--strict")
        self.assertEqual((strict["FAIL"], strict["WARN"]), (0, 0))
