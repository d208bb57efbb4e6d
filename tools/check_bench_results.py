"""Check the shape of a `manage.py bench` results file (CI's smoke run): both databases,
every figure the benchmark promises, each with its requests, percentiles, query counts and a
verdict. Speed is not judged here; size S on a busy CI machine says nothing about it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

PAGE_FIGURES = (
    "search_mix",
    "search_local",
    "search_naive",
    "search_engine",
    "hsds_search",
    "offering_page",
    "caseload_page",
    "case_page",
    "matching",
)
OTHER_FIGURES = ("hsds_export", "hsds_import")
RUN_KEYS = ("size", "vendor", "data", "figures", "commit", "machine", "database_version")


def problems(results: dict) -> list[str]:
    found = []
    runs = results.get("runs", {})
    for name in ("sqlite-S", "postgresql-S"):
        run = runs.get(name)
        if run is None:
            found.append(f"no run {name}")
            continue
        found += [f"{name}: no {key}" for key in RUN_KEYS if key not in run]
        figures = {figure["key"]: figure for figure in run.get("figures", [])}
        expected = [*PAGE_FIGURES, *OTHER_FIGURES]
        if name.startswith("postgresql"):
            expected.append("throughput")
        if not any(key.startswith("report_") for key in figures):
            found.append(f"{name}: no report figures")
        for key in expected:
            figure = figures.get(key)
            if figure is None:
                found.append(f"{name}: no figure {key}")
                continue
            if figure.get("verdict") not in ("PASS", "FAIL", "—"):
                found.append(f"{name}: {key} has no verdict")
            if not figure.get("requests"):
                found.append(f"{name}: {key} made no requests")
        for key in PAGE_FIGURES:
            figure = figures.get(key, {})
            for field in ("p50_ms", "p95_ms", "p99_ms", "queries_min", "queries_max"):
                if figure and figure.get(field) is None:
                    found.append(f"{name}: {key} has no {field}")
        for key, figure in figures.items():
            if figure.get("errors"):
                found.append(f"{name}: {key} answered errors {figure.get('statuses')}")
    return found


def main() -> int:
    path = Path(sys.argv[1])
    found = problems(json.loads(path.read_text()))
    for problem in found:
        print(f"bench results: {problem}")
    if not found:
        print(f"bench results: {path} has every figure on both databases.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
