"""The HSDS 3.0 JSON Schemas of the shared standards folder, as the HSDS tests use them.

The schemas and the real example data stay in `../shared/` beside the project (never copied
in); without that folder the HSDS tests that need it are skipped, saying why. `errors()`
validates an object against a schema file the way the specification's own tooling does,
with formats checked, and in `strict` mode with no field that HSDS does not define (as the
conformance probe's --strict and the specification's validate_examples script do)."""

from __future__ import annotations

import copy
import json
import re
import unittest
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared"
SCHEMAS = SHARED / "standards" / "hsds-3.0" / "schema"
SCHEMAS_3_1 = SHARED / "standards" / "hsds-3.1-dev" / "schema"
EXAMPLES = SHARED / "data" / "hsds-examples"
PROBE = SHARED / "tools" / "hsds_api_check.py"
SKIP_REASON = (
    "../shared/ (the HSDS 3.0 schemas in standards/hsds-3.0 and the example data in "
    "data/hsds-examples) is not beside the project: the HSDS schema and real-data tests "
    "need it"
)
needs_shared = unittest.skipUnless(SCHEMAS.exists() and EXAMPLES.exists(), SKIP_REASON)
RAW = re.compile(
    r"https://raw\.githubusercontent\.com/openreferral/specification/[^/]+/schema/(.+)$"
)


def _no_extra(schema: Any) -> Any:
    if isinstance(schema, dict):
        if schema.get("type") == "object" or "properties" in schema:
            schema.setdefault("additionalProperties", False)
        for value in schema.values():
            _no_extra(value)
    elif isinstance(schema, list):
        for value in schema:
            _no_extra(value)
    return schema


@cache
def load(name: str, strict: bool = False, folder: Path = SCHEMAS) -> dict[str, Any]:
    """A schema file by its path under schema/ ("compiled/service.json")."""
    schema = json.loads((folder / name).read_text())
    return _no_extra(copy.deepcopy(schema)) if strict else schema


@cache
def _registry(strict: bool, folder: Path) -> Registry:
    def retrieve(uri: str) -> Resource:
        match = RAW.match(uri)
        name = match.group(1) if match else uri.split("/")[-1]
        return Resource.from_contents(load(name, strict, folder), default_specification=DRAFT202012)

    return Registry(retrieve=retrieve)  # type: ignore[call-arg]


def errors(instance: Any, name: str, *, strict: bool = False, folder: Path = SCHEMAS) -> list[str]:
    """What is wrong with `instance` against the schema file `name` (empty: valid)."""
    validator = Draft202012Validator(
        load(name, strict, folder),
        registry=_registry(strict, folder),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message[:200]}"
        for error in validator.iter_errors(instance)
    ]


def page_errors(page: Any) -> list[str]:
    """The paged envelope against the reference API's `Page`, every field present."""
    openapi = json.loads((SCHEMAS / "openapi.json").read_text())
    envelope = openapi["components"]["schemas"]["Page"]
    found = [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in Draft202012Validator(envelope).iter_errors(page)
    ]
    found += [f"missing {key}" for key in [*envelope["properties"], "contents"] if key not in page]
    return found


@needs_shared
class SharedSchemaTests(unittest.TestCase):
    def test_the_schemas_validate_the_specifications_own_example(self) -> None:
        example = json.loads((EXAMPLES / "hsds-3.0-examples" / "service_full.json").read_text())
        self.assertEqual(errors(example, "compiled/service.json"), [])

    def test_a_field_hsds_does_not_define_fails_only_in_strict_mode(self) -> None:
        term = {"id": "3f7b145d-84af-42d7-8fae-eaca714b02b2", "name": "n", "description": "d"}
        self.assertEqual(errors({**term, "colour": "red"}, "taxonomy_term.json"), [])
        self.assertTrue(errors({**term, "colour": "red"}, "taxonomy_term.json", strict=True))

    def test_formats_are_checked(self) -> None:
        self.assertTrue(
            errors({"id": "not-a-uuid", "name": "n", "description": "d"}, "taxonomy.json")
        )
