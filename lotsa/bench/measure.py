"""What `make bench` measures on a built data set, server-side and warm, through Django's
test client: each figure is p50/p95/p99 over at least `runs` requests with varied, realistic
parameters (after a warm-up that is not counted), with the number of SQL queries of every
request so that "constant in data size" can be read off beside the time."""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from lotsa.accounts.models import Membership, User
from lotsa.directory import search
from lotsa.directory.models import Offering
from lotsa.lib import municipalities
from lotsa.referrals.models import Case

SEED = 8
BROAD_WORDS = ("fika", "träffpunkt", "promenad", "kör", "språkcafé", "strikkecafé", "motion")
RARE_WORDS = ("sorggrupp", "schack", "fågelskådning", "fællesspisning", "boule", "xylofon")


@dataclass
class Figure:
    key: str
    label: str
    samples_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    target_ms: float | None = None
    note: str = ""

    def percentile(self, share: float) -> float | None:
        if not self.samples_ms:
            return None
        # The nearest rank: the smallest value with `share` of the values at or below it.
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 400)

    @property
    def verdict(self) -> str:
        p95 = self.percentile(0.95)
        if self.errors:
            return "FAIL"
        if self.target_ms is None or p95 is None:
            return "—"
        return "PASS" if p95 <= self.target_ms else "FAIL"

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        del data["samples_ms"]
        del data["queries"]
        data.update(
            requests=len(self.samples_ms),
            p50_ms=_round(self.percentile(0.5)),
            p95_ms=_round(self.percentile(0.95)),
            p99_ms=_round(self.percentile(0.99)),
            mean_ms=_round(statistics.fmean(self.samples_ms) if self.samples_ms else None),
            queries_min=min(self.queries, default=None),
            queries_max=max(self.queries, default=None),
            errors=self.errors,
            verdict=self.verdict,
            statuses={str(k): v for k, v in self.statuses.items()},
        )
        return data


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@contextmanager
def counting_queries() -> Iterator[list[int]]:
    """Counts the SQL statements run inside (cheap: no SQL text is kept)."""
    counter = [0]

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        counter[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def timed_get(client: Client, url: str, params: dict[str, Any] | None, figure: Figure) -> None:
    with counting_queries() as counter:
        started = time.perf_counter()
        response = client.get(url, params or {})
        elapsed = (time.perf_counter() - started) * 1000
    figure.samples_ms.append(elapsed)
    figure.queries.append(counter[0])
    figure.statuses[response.status_code] = figure.statuses.get(response.status_code, 0) + 1


def url_for(name: str, **kwargs: Any) -> str:
    url = url_or_none(name, **kwargs)
    if url is None:
        raise NoReverseMatch(name)
    return url


def url_or_none(name: str, **kwargs: Any) -> str | None:
    try:
        with translation.override("sv"):
            return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Query:
    params: dict[str, str]
    is_local: bool


class Measurer:
    def __init__(self, *, runs: int, vendor: str, targets: dict[str, dict[str, float]]) -> None:
        self.runs = runs
        self.vendor = vendor
        self.targets = targets
        self.rng = random.Random(SEED)  # noqa: S311 - choosing benchmark parameters
        self.anonymous = Client(raise_request_exception=False)
        self.figures: list[Figure] = []

    def figure(self, key: str, label: str, note: str = "") -> Figure:
        target = self.targets.get(key, {}).get(self.vendor)
        figure = Figure(key, label, target_ms=target, note=note)
        self.figures.append(figure)
        return figure

    # --- search -------------------------------------------------------------------------------

    def queries(self) -> list[Query]:
        """`runs` searches a quarter more: 80 % local (25 km or less around a town, where
        offerings cluster), 20 % nationwide; broad and rare words, and filters."""
        places = [m for m in municipalities.all_municipalities().values() if m.lat]
        weights = [max(1, municipalities.populations().get(m.key, 0)) for m in places]
        total = self.runs + self.runs // 4
        result = []
        for n in range(total):
            params: dict[str, str] = {}
            roll = self.rng.random()
            if roll < 0.75:
                params["q"] = self.rng.choice(BROAD_WORDS if roll < 0.5 else RARE_WORDS)
            if self.rng.random() < 0.25:
                params["day"] = self.rng.choice(("MO", "TU", "WE", "TH", "FR"))
            if self.rng.random() < 0.15:
                params["free"] = "1"
            is_local = n % 5 != 0
            if is_local:
                town = self.rng.choices(places, weights=weights)[0]
                params["near"] = town.name.removesuffix(" kommun").removesuffix(" kommune")
                params["km"] = self.rng.choice(("5", "10", "25"))
            result.append(Query(params, is_local))
        return result

    def search(self) -> None:
        url = url_or_none("directory:search")
        assert url is not None
        queries = self.queries()
        everything = self.figure("search_mix", "public search, whole mix (80 % local)")
        local = self.figure("search_local", "public search, local queries")
        for query in queries[:5]:  # warm-up
            self.anonymous.get(url, query.params)
        for query in queries:
            timed_get(self.anonymous, url, query.params, everything)
            if query.is_local:
                local.samples_ms.append(everything.samples_ms[-1])
                local.queries.append(everything.queries[-1])
                local.statuses[200] = local.statuses.get(200, 0) + 1
        self.naive_baseline(queries, everything)
        self.hsds_search(queries)

    def naive_baseline(self, queries: list[Query], indexed: Figure) -> None:
        """The same words with `icontains` over name and description and no index: the first
        page and the count, as the search page needs; beside search.apply() for the ratio."""
        page = settings.LOTSA_SEARCH_PAGE_SIZE
        naive = self.figure("search_naive", "baseline: icontains, no index (words only)")
        engine = self.figure("search_engine", "search.apply(), the same words")
        worded = [query for query in queries if "q" in query.params][: self.runs]
        for query in worded:
            word = query.params["q"]
            for figure, found in (
                (
                    naive,
                    lambda word=word: Offering.objects.public().filter(
                        Q(name__icontains=word) | Q(description__icontains=word)
                    ),
                ),
                (engine, lambda word=word: search.apply(Offering.objects.public(), word)),
            ):
                with counting_queries() as counter:
                    started = time.perf_counter()
                    rows = found()
                    list(rows.order_by("pk")[:page] if figure is naive else rows[:page])
                    rows.count()
                    figure.samples_ms.append((time.perf_counter() - started) * 1000)
                figure.queries.append(counter[0])
                figure.statuses[200] = figure.statuses.get(200, 0) + 1
        p95_naive, p95_engine = naive.percentile(0.95), engine.percentile(0.95)
        if p95_naive and p95_engine:
            naive.note = (
                f"p95 of the baseline ÷ p95 of search.apply() = {p95_naive / p95_engine:.1f}"
            )

    def hsds_search(self, queries: list[Query]) -> None:
        url = url_or_none("api:list_services") or "/api/hsds/services"
        figure = self.figure("hsds_search", "HSDS /api/hsds/services?search=…")
        probe = self.anonymous.get(url, {"search": "fika"})
        if probe.status_code == 404:
            figure.note = "no HSDS API in this build"
            return
        for query in queries[: self.runs]:
            params = {"search": query.params.get("q", ""), "per_page": "20"}
            timed_get(self.anonymous, url, params, figure)

    # --- pages -----------------------------------------------------------------------------

    def offering_pages(self) -> None:
        figure = self.figure("offering_page", "offering page")
        uuids = list(
            Offering.objects.public().order_by("?").values_list("uuid", flat=True)[: self.runs]
        )
        urls = [url_for("directory:offering", uuid=uuid) for uuid in uuids]
        self.anonymous.get(urls[0])
        for url in urls:
            timed_get(self.anonymous, url, None, figure)

    def link_workers(self, count: int) -> list[User]:
        return list(
            User.objects.filter(
                memberships__role=Membership.Role.LINK_WORKER, email__endswith="bench.lotsa.test"
            )
            .annotate(open_cases=Count("cases", filter=Q(cases__closed_at__isnull=True)))
            .filter(open_cases__gt=0)
            .order_by("pk")[:count]
        )

    def casework(self) -> None:
        workers = self.link_workers(20)
        clients = []
        for worker in workers:
            client = Client(raise_request_exception=False)
            client.force_login(worker)
            clients.append((worker, client))
        caseload = self.figure("caseload_page", "link worker's caseload (60 open cases)")
        case_page = self.figure("case_page", "case page")
        matching = self.figure("matching", "matching one case (suggestions page)")
        url = url_or_none("referrals:caseload")
        assert url is not None
        cases = {
            worker.pk: list(
                Case.objects.filter(assigned_to=worker, closed_at__isnull=True).values_list(
                    "uuid", flat=True
                )
            )
            for worker in workers
        }
        open_counts = {len(keys) for keys in cases.values()}
        caseload.note = f"open cases per link worker: {sorted(open_counts)}"
        for worker, client in clients[:2]:  # warm-up
            client.get(url)
            client.get(url_for("referrals:case", key=cases[worker.pk][0]))
        for n in range(self.runs):
            worker, client = clients[n % len(clients)]
            timed_get(client, url, None, caseload)
            key = self.rng.choice(cases[worker.pk])
            timed_get(client, url_for("referrals:case", key=key), None, case_page)
            suggestions = url_or_none("matching:suggestions", key=key)
            if suggestions:
                timed_get(client, suggestions, None, matching)

    def reports(self, runs: int) -> None:
        """Every report page a manager of every health centre opens, over the whole data
        set (the longest period a report allows); fewer runs than the pages. The flow and
        outcome reports are kept once computed (`reports.snapshots`): their page is timed
        as a manager opens it, and the computing itself beside it, with nothing kept."""
        manager = User.objects.filter(email="manager-all@bench.lotsa.test").first()
        if manager is None:
            return
        client = Client(raise_request_exception=False)
        client.force_login(manager)
        today = timezone.localdate()
        first = today.year * 12 + today.month - 1 - (WHOLE_MONTHS - 1)
        whole = {
            "since": dt.date(first // 12, first % 12 + 1, 1).isoformat(),
            "until": today.isoformat(),
        }
        pages = [
            (name, url)
            for name in REPORT_PAGES
            if (url := url_or_none(f"reports:{name}")) is not None
        ]
        for name, url in pages:
            figure = self.figure(f"report_{name}", f"manager report: {name}")
            figure.target_ms = self.targets.get("reports", {}).get(self.vendor)
            if name in KEPT_REPORTS:
                computed = self.figure(
                    f"report_{name}_computed", f"manager report: {name}, computed anew"
                )
                computed.note = "once a snapshot has expired, or by `refresh_reports`"
                for _run in range(max(1, runs // 10)):
                    cache.clear()
                    timed_get(client, url, whole, computed)
            client.get(url, whole)
            for _run in range(runs):
                timed_get(client, url, whole, figure)


# The manager's report pages, by URL name in the "reports" namespace (those present).
REPORT_PAGES = ("flow", "outcomes", "roi", "gaps", "capacity")
# The longest period a report allows (`lotsa.reports.forms.MAX_MONTHS`; nothing imports
# reports): the whole data set of `YEARS` years.
WHOLE_MONTHS = 60
# The reports kept once computed (`lotsa.reports.snapshots`).
KEPT_REPORTS = frozenset({"flow", "outcomes"})
