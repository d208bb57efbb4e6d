"""The HTTP load of `manage.py bench` (locust, headless, on loopback): anonymous people
searching the public directory, and link workers opening their caseload.

The parent command passes the search parameters (the benchmark's realistic mix) in the file
named by LOTSA_BENCH_QUERIES and the link workers' e-mail addresses in LOTSA_BENCH_WORKERS;
the password is the benchmark data set's.
"""

from __future__ import annotations

import itertools
import json
import os
import re

from locust import FastHttpUser, constant, task

QUERIES = json.loads(open(os.environ["LOTSA_BENCH_QUERIES"]).read())  # noqa: SIM115
WORKERS = itertools.cycle(os.environ.get("LOTSA_BENCH_WORKERS", "").split(",") or [""])
PASSWORD = os.environ.get("LOTSA_BENCH_PASSWORD", "")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Searcher(FastHttpUser):
    weight = 4
    wait_time = constant(0)

    def on_start(self) -> None:
        self.queries = itertools.cycle(QUERIES)

    @task
    def search(self) -> None:
        self.client.get("/sv/", params=next(self.queries), name="public search")


class LinkWorker(FastHttpUser):
    weight = 1
    wait_time = constant(0)

    def on_start(self) -> None:
        page = self.client.get("/sv/account/login/", name="sign in (not counted)")
        token = CSRF.search(page.text or "")
        self.client.post(
            "/sv/account/login/",
            data={
                "login": next(WORKERS),
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/sv/account/login/"},
            name="sign in (not counted)",
        )

    @task
    def caseload(self) -> None:
        self.client.get("/sv/caseload/", name="caseload page")
