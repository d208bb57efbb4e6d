"""The read replica: which requests may read from it, and the router that sends them there.

With `DATABASE_REPLICA_URL` set, settings.py adds the database alias "replica", a streaming
replica of the PostgreSQL primary. `ReplicaReadsMiddleware` marks a safe request (GET, HEAD)
whose URL is listed in `LOTSA_REPLICA_VIEWS` (the reports and the public search, the HSDS
API included), and `ReplicaRouter` sends that request's reads of the domain's data there:

- every write goes to "default", and once a request has written anything (the cache's
  counters aside) its later reads go there too: it reads its own writes;
- sign-in, sessions, users and memberships, the access log, the cache and the task queue are
  read from "default" on every page: they decide who may see what or must be exact, and a
  replica a moment behind must never bring back a revoked membership or an ended session;
- every other page (every signed-in staff page but the reports) reads from "default";
- migrations run on "default" only.

Without a "replica" alias every method of the router answers None: Django's own routing,
unchanged. Code outside a request (a task, a command) may read from the replica in a
`replica_reads()` block, under the same rules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# The apps whose rows a page may read from the replica: the directory and the data that the
# reports count. Everything else (accounts, sessions, auth, allauth, axes, audit, the cache,
# the tasks, contenttypes, admin) is always read from the primary.
REPLICA_APPS = frozenset(
    {"directory", "people", "referrals", "outcomes", "matching", "reports", "interop"}
)
# Django's database cache (CACHE_URL=dbcache://…) stores entries under this app label. Its
# writes (the rate limits' counters on the public search) do not end a request's replica
# reads: the cache is only ever read from the primary.
CACHE_APP = "django_cache"


@dataclasses.dataclass
class Reads:
    """Where the current request (or `replica_reads` block) may read from."""

    may_use_replica: bool = False
    wrote: bool = False


_reads: ContextVar[Reads | None] = ContextVar("lotsa_replica_reads", default=None)


def is_replica_view(request: HttpRequest, views: Collection[str] | None = None) -> bool:
    """Whether `request` may read from the replica: a GET or HEAD of a page listed in `views`
    (default `LOTSA_REPLICA_VIEWS`): a path prefix ("/api/hsds/"), a URL namespace
    ("reports:") or one URL name ("directory:search")."""
    if request.method not in SAFE_METHODS:
        return False
    views = settings.LOTSA_REPLICA_VIEWS if views is None else views
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    for entry in views:
        if entry.startswith("/"):
            if request.path_info.startswith(entry):
                return True
        elif entry.endswith(":"):
            if view_name.startswith(entry):
                return True
        elif view_name == entry:
            return True
    return False


def reading_from_replica() -> bool:
    """Whether a read of the domain's data would go to the replica now (if there is one)."""
    reads = _reads.get()
    return reads is not None and reads.may_use_replica and not reads.wrote


@contextmanager
def replica_reads() -> Iterator[Reads]:
    """Outside a request: let the block's reads of the domain's data use the replica, until
    it writes (e.g. a task that builds a large report)."""
    reads = Reads(may_use_replica=True)
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


class ReplicaReadsMiddleware:
    """Marks the requests listed in `LOTSA_REPLICA_VIEWS` once their URL is resolved, for the
    length of the view; each request starts afresh, reading from the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reads.set(Reads())
        try:
            return self.get_response(request)
        finally:
            _reads.reset(token)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        reads = _reads.get()
        if reads is not None and is_replica_view(request):
            reads.may_use_replica = True


class ReplicaRouter:
    """DATABASE_ROUTERS: the rules in this module's docstring.

    With a replica it always names the alias, never None: Django would otherwise route by
    the instance's own database, and save an object read from the replica to the replica."""

    def __init__(self, databases: Mapping[str, Any] | None = None) -> None:
        # settings.DATABASES itself (not a copy), as Django's connections see it.
        self.databases = settings.DATABASES if databases is None else databases

    def has_replica(self) -> bool:
        return REPLICA in self.databases

    def routes(self, hints: dict[str, Any]) -> bool:
        """Whether to decide at all: only with a replica, and not for an object of some other
        database (`.using()` elsewhere), which stays with its own."""
        instance = hints.get("instance")
        database = getattr(getattr(instance, "_state", None), "db", None)
        return self.has_replica() and database in (None, DEFAULT_DB_ALIAS, REPLICA)

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        if not self.routes(hints):
            return None
        if reading_from_replica() and model._meta.app_label in REPLICA_APPS:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        if not self.routes(hints):
            return None
        reads = _reads.get()
        if reads is not None and model._meta.app_label != CACHE_APP:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        if not self.has_replica():
            return None
        # The replica holds the primary's rows: an object read from one may point to the other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if not self.has_replica():
            return None
        # The replica follows the primary's schema through replication.
        return False if db == REPLICA else None
