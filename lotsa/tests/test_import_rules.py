"""The apps import each other only as the table in docs/architecture.md allows.

Each app may import the apps listed for it and, through them, what they may import (the
layers are transitive: `directory` may import `accounts`, hence `audit` and `lib`). Tests and
the shared test base (`lotsa/test.py`) are exempt: they build whole worlds.
"""

import ast
from pathlib import Path

import pytest

LOTSA = Path(__file__).resolve().parent.parent

MAY_IMPORT: dict[str, set[str]] = {
    "lib": set(),
    "messaging": set(),
    "audit": {"lib"},
    "accounts": {"audit", "lib", "messaging"},
    "directory": {"accounts"},
    "people": {"accounts", "audit"},
    "referrals": {"people", "directory"},
    "outcomes": {"people", "referrals"},
    "matching": {"directory", "people", "referrals"},
    "privacy": {"referrals", "outcomes"},
    "reports": {"*"},
    "interop": {"directory", "referrals", "outcomes"},
    "bench": {"*"},
}
# Apps that no other app may import (only `reports` reads `matching`).
IMPORTED_BY_NONE = {
    "privacy": set(),
    "reports": set(),
    "interop": set(),
    "bench": set(),
    "matching": {"reports"},
}


def allowed(app: str) -> set[str]:
    result: set[str] = set()
    todo = list(MAY_IMPORT.get(app, set()))
    while todo:
        other = todo.pop()
        if other not in result:
            result.add(other)
            todo.extend(MAY_IMPORT.get(other, set()))
    return result


def lotsa_imports(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "lotsa" and len(parts) > 1:
                apps.add(parts[1])
    return apps


def app_sources() -> list[tuple[str, Path]]:
    result = []
    for app_dir in sorted(p for p in LOTSA.iterdir() if (p / "__init__.py").exists()):
        if app_dir.name == "tests":
            continue
        for path in sorted(app_dir.rglob("*.py")):
            if "tests" in path.relative_to(app_dir).parts:
                continue
            result.append((app_dir.name, path))
    return result


def test_every_app_is_in_the_table() -> None:
    apps = {app for app, _ in app_sources()}
    assert apps <= set(MAY_IMPORT), f"add {apps - set(MAY_IMPORT)} to the table first"


@pytest.mark.parametrize(("app", "path"), app_sources(), ids=lambda v: str(v)[-60:])
def test_apps_import_only_what_the_table_allows(app: str, path: Path) -> None:
    imported = lotsa_imports(path) - {app, "settings", "test", "urls"}
    may = allowed(app)
    if "*" in may:
        may = set(MAY_IMPORT)
    forbidden = {
        other
        for other in imported
        if other not in may or (other in IMPORTED_BY_NONE and app not in IMPORTED_BY_NONE[other])
    }
    assert not forbidden, f"{path.relative_to(LOTSA)} imports {sorted(forbidden)}"


def test_the_rule_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from lotsa.directory.models import Offering\n")
    assert "directory" in lotsa_imports(bad)
    assert "directory" not in allowed("accounts")
