"""The benchmark's figures that need more than one process: HSDS export and import
throughput (services per second, the import into a new, empty database), and a real HTTP
load on loopback (gunicorn with 2 workers, locust) for public search and the caseload page."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import get_commands

from . import dataset, measure

Manage = Callable[..., str]


def _figure(key: str, label: str, **values: Any) -> dict[str, Any]:
    return {"key": key, "label": label, "note": "", "verdict": "—", **values}


def hsds_round_trip(db: str, url: str, size: str, manage: Manage) -> list[dict[str, Any]]:
    """Export the data set's directory as an HSDS datapackage, then import it into an empty
    database of the same kind; each timed inside its command (`--timing`)."""
    commands = get_commands()
    if "export_hsds" not in commands or "import_hsds" not in commands:
        return [_figure("hsds_import", "HSDS import", note="no HSDS commands in this build")]
    empty = _import_database(db, url)
    with tempfile.TemporaryDirectory(prefix="lotsa-hsds-") as folder:
        exported = json.loads(
            manage(url, "bench_hsds", "export", folder, capture=True).splitlines()[-1]
        )
        manage(empty, "migrate", "--no-input", "--verbosity=0")
        imported = json.loads(
            manage(empty, "bench_hsds", "import", folder, capture=True).splitlines()[-1]
        )
    _drop_import_database(db, empty)
    figures = []
    for key, label, result in (
        ("hsds_export", "HSDS export (services/s)", exported),
        ("hsds_import", "HSDS import into an empty database (services/s)", imported),
    ):
        rate = result["services"] / result["seconds"] if result["seconds"] else 0.0
        figure = _figure(
            key,
            label,
            unit="services/s",
            requests=result["services"],
            p50_ms=round(rate, 1),
            note=f"{result['services']:,} services in {result['seconds']:.1f} s",
        )
        if key == "hsds_import":
            figure["target_ms"] = 2000
            figure["verdict"] = "PASS" if rate >= 2000 else "FAIL"
        figures.append(figure)
    return figures


def _import_database(db: str, url: str) -> str:
    parts = urlsplit(url)
    if db == "sqlite":
        path = Path(parts.path).with_name("lotsa-bench-import.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg
    from psycopg import sql

    with psycopg.connect(settings.LOTSA_BENCH_POSTGRES_URL, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS lotsa_bench_import")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier("lotsa_bench_import")))
    return urlunsplit(parts._replace(path="/lotsa_bench_import"))


def _drop_import_database(db: str, url: str) -> None:
    if db == "sqlite":
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(settings.LOTSA_BENCH_POSTGRES_URL, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS lotsa_bench_import")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def http_load(url: str, *, seconds: int, minimum: float) -> dict[str, Any]:
    """Requests per second of public search (and the caseload page) under a real HTTP load:
    gunicorn with 2 workers on the benchmark's PostgreSQL database, locust on loopback with
    users that wait for nothing, for `seconds`."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "False",
        "LOTSA_REQUIRE_MFA": "False",
        "LOTSA_RATE_LIMIT_SEARCH": "",
        "LOTSA_RATE_LIMIT_LOGIN": "100000/m/ip",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="lotsa-load-") as folder:
        queries = Path(folder) / "queries.json"
        measurer = measure.Measurer(runs=400, vendor="postgresql", targets={})
        queries.write_text(json.dumps([query.params for query in measurer.queries()]))
        workers = [
            f"link-worker-{n:04d}-{k}@{dataset.EMAIL_DOMAIN}" for n in range(20) for k in range(2)
        ]
        server = subprocess.Popen(  # noqa: S603 - our own app server, fixed arguments
            [
                str(bin_dir / "gunicorn"),
                "lotsa.wsgi:application",
                "--workers=2",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            start_new_session=True,
        )
        try:
            _wait_for(f"{base}/sv/", 60)
            subprocess.run(  # noqa: S603 - locust on loopback, fixed arguments
                [
                    str(bin_dir / "locust"),
                    "--locustfile",
                    str(Path(__file__).with_name("locustfile.py")),
                    "--headless",
                    "--users=20",
                    "--spawn-rate=20",
                    f"--run-time={seconds}s",
                    f"--host={base}",
                    f"--csv={folder}/load",
                    "--only-summary",
                    "--loglevel=WARNING",
                ],
                env={
                    **env,
                    "LOTSA_BENCH_QUERIES": str(queries),
                    "LOTSA_BENCH_WORKERS": ",".join(workers),
                    "LOTSA_BENCH_PASSWORD": dataset.PASSWORD,
                },
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        stats = {row["Name"]: row for row in csv.DictReader(open(f"{folder}/load_stats.csv"))}  # noqa: SIM115
    search = stats.get("public search", {})
    caseload = stats.get("caseload page", {})
    rate = float(search.get("Requests/s", 0) or 0)
    errors = int(search.get("Failure Count", 0) or 0) + int(caseload.get("Failure Count", 0) or 0)
    p95 = float(search.get("95%", 0) or 0)
    passed = rate >= minimum and errors == 0 and p95 <= 50
    return _figure(
        "throughput",
        "HTTP load: public search (req/s; gunicorn ×2, locust)",
        unit="req/s",
        requests=int(search.get("Request Count", 0) or 0),
        p50_ms=round(rate, 1),
        p95_ms=p95,
        target_ms=minimum,
        errors=errors,
        verdict="PASS" if passed else "FAIL",
        note=(
            f"{rate:.0f} search req/s at p95 {p95:.0f} ms; caseload "
            f"{float(caseload.get('Requests/s', 0) or 0):.0f} req/s at p95 "
            f"{caseload.get('95%', '–')} ms; {errors} errors; {seconds} s, 20 users"
        ),
    )
