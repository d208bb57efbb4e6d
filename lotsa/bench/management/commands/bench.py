"""`manage.py bench` (`make bench`): Lotsa's performance at a chosen scale, measured.

For each database asked for, it builds the synthetic data set of the size (S, M or L; see
`lotsa.bench.dataset`) in a database of its own — `var/bench/lotsa-bench-<size>.sqlite3`, or
`lotsa_bench_<size>` on the PostgreSQL server of LOTSA_BENCH_POSTGRES_URL — unless it is
already there, measures it in a separate process (`bench_run`), adds HSDS export/import
throughput and, on PostgreSQL, a real HTTP load (gunicorn with 2 workers and locust), prints
one table with PASS/FAIL against the targets of size L, and writes everything to
`bench/results.json` (figures, data size, database, commit, machine).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lotsa.bench import dataset, throughput

# The targets of issue 8, for size L on these 2-core machines (ms at p95 unless named).
TARGETS: dict[str, dict[str, float]] = {
    "search_mix": {"postgresql": 50, "sqlite": 100},
    "search_local": {"postgresql": 20, "sqlite": 40},
    "hsds_search": {"postgresql": 50, "sqlite": 100},
    "offering_page": {"postgresql": 30, "sqlite": 30},
    "caseload_page": {"postgresql": 100, "sqlite": 100},
    "matching": {"postgresql": 200, "sqlite": 200},
    "reports": {"postgresql": 1000, "sqlite": 3000},
}
MIN_IMPORT_RATE = 2000  # HSDS services per second
MIN_THROUGHPUT = 200  # requests per second of public search on PostgreSQL, 0 errors
RESULTS = Path(settings.BASE_DIR) / "bench" / "results.json"
VENDORS = {"sqlite": "sqlite", "postgres": "postgresql"}


class Command(BaseCommand):
    help = "Build a synthetic data set of the given size in its own database and measure it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(dataset.SIZES), default="S")
        parser.add_argument(
            "--db", choices=["sqlite", "postgres", "both"], default="both", help="default both"
        )
        parser.add_argument("--runs", type=int, default=200, help="requests per page figure")
        parser.add_argument("--report-runs", type=int, default=20, help="runs per report")
        parser.add_argument("--rebuild", action="store_true", help="build the data set anew")
        parser.add_argument(
            "--load-seconds", type=int, default=30, help="the HTTP load's length (PostgreSQL)"
        )
        parser.add_argument("--no-load", action="store_true", help="skip the HTTP load")
        parser.add_argument("--output", default=str(RESULTS))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["runs"] < 1 or options["report_runs"] < 1:
            raise CommandError("--runs and --report-runs must be at least 1.")
        size = dataset.SIZES[options["size"]]
        databases = ["sqlite", "postgres"] if options["db"] == "both" else [options["db"]]
        output = Path(options["output"])
        results = _load(output)
        for db in databases:
            url = database_url(db, size.name)
            if options["rebuild"] or not exists(db, url):
                recreate(db, url)
            key = f"{VENDORS[db]}-{size.name}"
            # Saved after each phase, so that a long run stopped half-way keeps its figures.
            run = self.measure(
                db,
                url,
                size,
                options,
                save=lambda partial, key=key, db=db: _save(
                    output, results, key, {**partial, **provenance(db)}
                ),
            )
            run.update(provenance(db))
            results["runs"][key] = run
            self.print_run(run)
        _save(output, results)
        self.stdout.write(f"\nWritten to {output}.")

    def measure(
        self,
        db: str,
        url: str,
        size: dataset.Size,
        options: dict[str, Any],
        save: Any,
    ) -> dict:
        with tempfile.TemporaryDirectory(prefix="lotsa-bench-") as tmp:
            figures = Path(tmp) / "figures.json"
            _manage(
                url,
                "bench_run",
                f"--size={size.name}",
                f"--runs={options['runs']}",
                f"--report-runs={options['report_runs']}",
                f"--targets={json.dumps(TARGETS)}",
                f"--output={figures}",
            )
            run = json.loads(figures.read_text())
        save(run)
        run["figures"].extend(throughput.hsds_round_trip(db, url, size.name, _manage))
        save(run)
        if db == "postgres" and not options["no_load"]:
            run["figures"].append(
                throughput.http_load(url, seconds=options["load_seconds"], minimum=MIN_THROUGHPUT)
            )
        return run

    def print_run(self, run: dict[str, Any]) -> None:
        rows = run["data"]["rows"]
        self.stdout.write(
            f"\nLotsa bench, size {run['size']}, {run['vendor']} ({run['database_version']}): "
            + ", ".join(f"{count:,} {name}" for name, count in rows.items())
            + f"; {run['data']['database_mb']:,} MB."
        )
        if "build" in run:
            self.stdout.write(f"Built in {run['build']['seconds']} s: {run['build']['steps']}")
        header = ("measure", "n", "p50|rate", "p95", "p99", "target", "queries", "result", "note")
        lines = [header]
        for figure in run["figures"]:
            unit = figure.get("unit", "ms")
            target = figure.get("target_ms")
            lines.append(
                (
                    figure["label"],
                    str(figure.get("requests", "")),
                    _number(figure.get("p50_ms")),
                    _number(figure.get("p95_ms")),
                    _number(figure.get("p99_ms")),
                    "" if target is None else f"{'≥' if unit != 'ms' else '≤'} {target:g} {unit}",
                    _queries(figure),
                    figure["verdict"],
                    figure.get("note", ""),
                )
            )
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
        for n, line in enumerate(lines):
            self.stdout.write(
                "  ".join(
                    str(cell).ljust(width) if i in (0, 7, 8) else str(cell).rjust(width)
                    for i, (cell, width) in enumerate(zip(line, widths, strict=True))
                ).rstrip()
            )
            if n == 0:
                self.stdout.write("  ".join("-" * width for width in widths))


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _queries(figure: dict[str, Any]) -> str:
    low, high = figure.get("queries_min"), figure.get("queries_max")
    if low is None:
        return "–"
    return str(low) if low == high else f"{low}–{high}"


def _save(path: Path, results: dict[str, Any], key: str | None = None, run: Any = None) -> None:
    if key is not None:
        results["runs"][key] = run
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data.setdefault("runs", {})
    return data


def database_url(db: str, size: str) -> str:
    name = f"lotsa_bench_{size.lower()}"
    if db == "sqlite":
        folder = Path(settings.BASE_DIR) / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / (name.replace('_', '-') + '.sqlite3')}"
    server = urlsplit(settings.LOTSA_BENCH_POSTGRES_URL)
    return urlunsplit(server._replace(path=f"/{name}"))


def _maintenance(url: str) -> Any:
    import psycopg

    server = urlsplit(url)
    return psycopg.connect(
        urlunsplit(server._replace(path=urlsplit(settings.LOTSA_BENCH_POSTGRES_URL).path)),
        autocommit=True,
    )


def exists(db: str, url: str) -> bool:
    if db == "sqlite":
        return Path(urlsplit(url).path).exists()
    name = urlsplit(url).path.lstrip("/")
    try:
        with _maintenance(url) as conn:
            return (
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
                is not None
            )
    except Exception as error:
        raise CommandError(
            f"PostgreSQL is not reachable at {settings.LOTSA_BENCH_POSTGRES_URL} ({error}). "
            "Start it, set LOTSA_BENCH_POSTGRES_URL, or run `manage.py bench --db sqlite`."
        ) from error


def recreate(db: str, url: str) -> None:
    if db == "sqlite":
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with _maintenance(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _manage(url: str, *arguments: str, capture: bool = False) -> str:
    """Run `manage.py` with the benchmark database; its progress goes to our stderr."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "False",
        "LOTSA_REQUIRE_MFA": "False",
        # The SQLite benchmark file is a real database, not the test one.
        "SQLITE_PATH": urlsplit(url).path if url.startswith("sqlite") else "",
    }
    done = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments],
        env={key: value for key, value in env.items() if value != ""},
        check=False,
        stdout=subprocess.PIPE if capture else None,
        text=True,
    )
    if done.returncode != 0:
        raise CommandError(f"manage.py {arguments[0]} failed (exit {done.returncode}).")
    return done.stdout or ""


def provenance(db: str) -> dict[str, Any]:
    commit = ""
    if shutil.which("git"):
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        commit = found.stdout.strip()
    return {
        "commit": commit,
        "measured_at": timezone.now().isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "database_version": _version(db),
    }


def _version(db: str) -> str:
    if db == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with _maintenance(database_url(db, "s")) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"
