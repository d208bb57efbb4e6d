"""The read replica (lotsa.routers): reports and public search read through "replica"; staff
pages, every write and everything about sign-in and access go to "default".

In the suite "replica" is a TEST MIRROR of "default" answered by its connection (conftest.py),
so a page finds the test's own rows through either alias. These tests watch which alias the
router chose, where a read would go when the view starts, and how many cursors the "replica"
connection opened.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import runpy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import resolve, reverse
from django.utils import translation

from lotsa.accounts.models import Membership, User
from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Offering, Place
from lotsa.referrals.models import Case, Contact, UnmetNeed
from lotsa.routers import (
    REPLICA,
    ReplicaReadsMiddleware,
    ReplicaRouter,
    is_replica_view,
    reading_from_replica,
    replica_reads,
)
from lotsa.test import BaseTestCase, make_case, make_offering

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "settings.py"


def en(name: str, *args: Any) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def resolved(method: str, path: str) -> HttpRequest:
    """A request as the middleware sees it: built, and its URL resolved."""
    request: HttpRequest = getattr(RequestFactory(), method)(path)
    with translation.override("en"):
        request.resolver_match = resolve(request.path_info)
    return request


@dataclasses.dataclass
class Routing:
    """What the router decided while a block ran."""

    reads: list[tuple[str, str | None]] = dataclasses.field(default_factory=list)
    writes: list[tuple[str, str | None]] = dataclasses.field(default_factory=list)
    # Where a read of the directory would go as each view starts (WhereTheViewReads).
    at_view: list[str] = dataclasses.field(default_factory=list)
    replica_cursors: int = 0

    def read_through(self, alias: str) -> set[str]:
        return {label for label, chosen in self.reads if chosen == alias}


_recording: list[Routing] = []


class WhereTheViewReads:
    """Test middleware, after ReplicaReadsMiddleware: records where a read of the domain's
    data goes once the URL is resolved, whatever the view then does (or refuses)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        if _recording:
            _recording[-1].at_view.append(router.db_for_read(Offering))


def label(model: Any) -> str:
    """The model's "app_label.model_name", also for the database cache's stand-in model."""
    return f"{model._meta.app_label}.{model._meta.model_name}"


@contextmanager
def routing() -> Iterator[Routing]:
    """Spy on the router's choices and on the cursors the "replica" connection opens."""
    record = Routing()
    read, write = ReplicaRouter.db_for_read, ReplicaRouter.db_for_write
    replica = connections[REPLICA]

    def spy_read(self: ReplicaRouter, model: Any, **hints: Any) -> str | None:
        alias = read(self, model, **hints)
        record.reads.append((label(model), alias))
        return alias

    def spy_write(self: ReplicaRouter, model: Any, **hints: Any) -> str | None:
        alias = write(self, model, **hints)
        record.writes.append((label(model), alias))
        return alias

    def counted(method: Callable[..., Any]) -> Callable[..., Any]:
        def open_cursor(*args: Any, **kwargs: Any) -> Any:
            record.replica_cursors += 1
            return method(*args, **kwargs)

        return open_cursor

    _recording.append(record)
    try:
        with (
            mock.patch.object(ReplicaRouter, "db_for_read", spy_read),
            mock.patch.object(ReplicaRouter, "db_for_write", spy_write),
            mock.patch.object(replica, "cursor", counted(replica.cursor)),
            mock.patch.object(replica, "chunked_cursor", counted(replica.chunked_cursor)),
        ):
            yield record
    finally:
        _recording.pop()


def load_settings(**environment: str) -> dict[str, Any]:
    """settings.py run afresh with these environment variables (and no replica otherwise)."""
    names = ("DATABASE_URL", "DATABASE_REPLICA_URL")
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    try:
        with mock.patch.dict(os.environ, environment):
            return runpy.run_path(str(SETTINGS_FILE), run_name="lotsa_settings_probe")
    finally:
        os.environ.update(saved)


@override_settings(
    MIDDLEWARE=[*settings.MIDDLEWARE, "lotsa.tests.test_replica_routing.WhereTheViewReads"],
    LOTSA_REPORT_MIN_GROUP=1,
)
class ReplicaRoutingTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.offering = make_offering(cls.association, "Promenadgruppen")
        cls.case = make_case(cls.team_a, cls.link_worker, cls.gp)
        UnmetNeed.objects.create(
            team=cls.team_a,
            recorded_by=cls.link_worker,
            municipality="SE-2480",
            need_text="Sorggrupp på kvällstid",
            reasons=["none_exists"],
        )

    # The mirror ---------------------------------------------------------------------------

    def test_the_suite_has_a_replica_alias_that_mirrors_default(self) -> None:
        self.assertEqual(connections[REPLICA].settings_dict["TEST"]["MIRROR"], DEFAULT_DB_ALIAS)
        self.assertIn(self.offering, Offering.objects.using(REPLICA).filter(name="Promenadgruppen"))
        self.assertEqual(
            Case.objects.using(REPLICA).count(), Case.objects.using(DEFAULT_DB_ALIAS).count()
        )

    # Pages that read from the replica ------------------------------------------------------

    def test_a_report_page_reads_through_the_replica(self) -> None:
        self.login(self.coordinator)
        with routing() as routed:
            response = self.client.get(en("reports:gaps"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(routed.at_view, [REPLICA])
        self.assertIn("referrals.unmetneed", routed.read_through(REPLICA))
        self.assertGreater(routed.replica_cursors, 0)
        # Who may see the report is decided on the primary.
        self.assertIn("accounts.membership", routed.read_through(DEFAULT_DB_ALIAS))
        self.assertNotIn("accounts.membership", routed.read_through(REPLICA))
        self.assertTrue(all(alias == DEFAULT_DB_ALIAS for _label, alias in routed.writes))

    def test_a_reports_csv_counts_the_rows_it_read_through_the_replica(self) -> None:
        self.login(self.coordinator)
        with routing() as routed:
            response = self.client.get(en("reports:gaps-csv"))
        self.assertEqual(response.status_code, 200)
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertIn(
            ("reason", "none_exists", "1"), {(r["table"], r["key"], r["count"]) for r in rows}
        )
        self.assertEqual(routed.at_view, [REPLICA])
        self.assertIn("referrals.unmetneed", routed.read_through(REPLICA))

    def test_public_search_reads_through_the_replica(self) -> None:
        with routing() as routed:
            response = self.client.get(en("directory:search"), {"q": "promenad"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [result.offering for result in response.context["outcome"].results], [self.offering]
        )
        self.assertEqual(routed.at_view, [REPLICA])
        self.assertIn("directory.offering", routed.read_through(REPLICA))
        self.assertNotIn("directory.offering", routed.read_through(DEFAULT_DB_ALIAS))
        self.assertGreater(routed.replica_cursors, 0)
        self.assertEqual(routed.writes, [])

    def test_the_htmx_results_of_the_search_read_through_the_replica(self) -> None:
        with routing() as routed:
            response = self.client.get(
                en("directory:search"), {"q": "promenad"}, headers={"HX-Request": "true"}
            )
        self.assertContains(response, "Promenadgruppen")
        self.assertEqual(routed.at_view, [REPLICA])

    def test_an_offering_page_and_its_print_view_read_through_the_replica(self) -> None:
        for name in ("directory:offering", "directory:offering-print"):
            with self.subTest(name), routing() as routed:
                response = self.client.get(en(name, self.offering.uuid))
                self.assertContains(response, "Promenadgruppen")
                self.assertEqual(routed.at_view, [REPLICA])
                self.assertIn("directory.offering", routed.read_through(REPLICA))

    def test_the_hsds_api_reads_through_the_replica(self) -> None:
        with routing() as routed:
            response = self.client.get("/api/hsds/services", {"search": "promenad"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Promenadgruppen")
        self.assertEqual(routed.at_view, [REPLICA])
        self.assertIn("directory.offering", routed.read_through(REPLICA))

    def test_a_head_request_reads_through_the_replica_like_a_get(self) -> None:
        with routing() as routed:
            response = self.client.head(en("directory:search"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(routed.at_view, [REPLICA])

    def test_the_rate_limit_counter_does_not_end_the_searchs_replica_reads(self) -> None:
        # The counter is written to the database cache, which is only read from the primary.
        with (
            override_settings(RATELIMIT_ENABLE=True, LOTSA_RATE_LIMIT_SEARCH="1000/m"),
            routing() as routed,
        ):
            response = self.client.get(en("directory:search"), {"q": "promenad"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(("django_cache.cacheentry", DEFAULT_DB_ALIAS), routed.writes)
        self.assertIn("directory.offering", routed.read_through(REPLICA))
        self.assertNotIn("django_cache.cacheentry", routed.read_through(REPLICA))

    # Pages and requests that never do ------------------------------------------------------

    def test_a_staff_case_page_reads_from_default(self) -> None:
        self.login(self.link_worker)
        with routing() as routed:
            response = self.client.get(en("referrals:case", self.case.uuid))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(routed.at_view, [DEFAULT_DB_ALIAS])
        self.assertIn("referrals.case", routed.read_through(DEFAULT_DB_ALIAS))
        self.assertEqual(routed.read_through(REPLICA), set())
        self.assertEqual(routed.replica_cursors, 0)

    def test_a_staff_page_that_writes_writes_to_default(self) -> None:
        self.login(self.link_worker)
        with routing() as routed:
            response = self.client.post(
                en("referrals:add-contact", self.case.uuid),
                {
                    "happened_on": self.today().isoformat(),
                    "channel": Contact.Channel.PHONE,
                    "duration_minutes": "15",
                    "note": "Pratade om promenader.",
                },
            )
        self.assertEqual(response.status_code, 302)
        self.assertIn(("referrals.contact", DEFAULT_DB_ALIAS), routed.writes)
        self.assertTrue(routed.writes)
        self.assertEqual({alias for _label, alias in routed.writes}, {DEFAULT_DB_ALIAS})
        self.assertEqual(routed.read_through(REPLICA), set())

    def test_a_post_to_a_report_url_is_not_routed(self) -> None:
        self.login(self.coordinator)
        with routing() as routed:
            response = self.client.post(en("reports:gaps"), {"since": "2000-01-01"})
        self.assertEqual(response.status_code, 405)
        self.assertEqual(routed.at_view, [DEFAULT_DB_ALIAS])
        self.assertEqual(routed.read_through(REPLICA), set())

    def test_only_get_and_head_of_a_listed_page_may_use_the_replica(self) -> None:
        for path in (en("reports:gaps"), en("directory:search"), "/api/hsds/services"):
            for method in ("get", "head", "post", "put", "patch", "delete", "options"):
                with self.subTest(path=path, method=method):
                    self.assertEqual(
                        is_replica_view(resolved(method, path)), method in ("get", "head")
                    )
        for path in (
            en("referrals:case", self.case.uuid),
            en("referrals:caseload"),
            en("directory:my-listings"),
            "/fhir/Task",
        ):
            with self.subTest(path=path):
                self.assertFalse(is_replica_view(resolved("get", path)))

    def test_the_listed_pages_are_a_namespace_names_and_a_path_prefix(self) -> None:
        request = resolved("get", en("reports:capacity"))
        self.assertTrue(is_replica_view(request, ["reports:"]))
        self.assertTrue(is_replica_view(request, ["reports:capacity"]))
        self.assertFalse(is_replica_view(request, ["reports:gaps"]))
        self.assertFalse(is_replica_view(request, ["/api/hsds/", "directory:search"]))
        self.assertTrue(is_replica_view(resolved("get", "/api/hsds/services"), ["/api/hsds/"]))

    # The router's rules --------------------------------------------------------------------

    def test_a_request_reads_its_own_writes_from_default(self) -> None:
        with replica_reads():
            self.assertEqual(router.db_for_read(Offering), REPLICA)
            Place.objects.filter(offering=self.offering).update(city="Holmsund")
            self.assertFalse(reading_from_replica())
            self.assertEqual(router.db_for_read(Offering), DEFAULT_DB_ALIAS)
            self.assertEqual(Offering.objects.filter(pk=self.offering.pk).db, DEFAULT_DB_ALIAS)

    def test_a_view_that_writes_reads_from_default_afterwards(self) -> None:
        request = resolved("get", en("directory:search"))
        seen: list[str | None] = []

        def view(request: HttpRequest) -> HttpResponse:
            middleware.process_view(request, view, (), {})
            seen.append(router.db_for_read(Offering))
            Offering.objects.filter(pk=self.offering.pk).update(name="Promenadgruppen")
            seen.append(router.db_for_read(Offering))
            return HttpResponse()

        middleware = ReplicaReadsMiddleware(view)
        middleware(request)
        self.assertEqual(seen, [REPLICA, DEFAULT_DB_ALIAS])
        # And the next request starts afresh, on the primary until its view is resolved.
        self.assertEqual(router.db_for_read(Offering), DEFAULT_DB_ALIAS)

    def test_sign_in_access_and_the_access_log_are_always_read_from_default(self) -> None:
        with replica_reads():
            for model in (User, Membership, Session, AuditEvent):
                with self.subTest(model._meta.label):
                    self.assertEqual(router.db_for_read(model), DEFAULT_DB_ALIAS)
            for model in (Offering, Case, UnmetNeed):
                with self.subTest(model._meta.label):
                    self.assertEqual(router.db_for_read(model), REPLICA)

    def test_outside_a_request_everything_reads_from_default(self) -> None:
        self.assertEqual(router.db_for_read(Offering), DEFAULT_DB_ALIAS)
        self.assertEqual(Offering.objects.all().db, DEFAULT_DB_ALIAS)

    def test_an_object_read_from_the_replica_is_saved_to_default(self) -> None:
        with replica_reads(), routing() as routed:
            offering = Offering.objects.get(pk=self.offering.pk)
            self.assertEqual(offering._state.db, REPLICA)
            # Related to objects of the primary without complaint: the rows are the same.
            place = Place.objects.using(DEFAULT_DB_ALIAS).filter(offering=offering).get()
            place.offering = offering
            offering.name = "Promenadgruppen i Holmsund"
            offering.save()
        self.assertEqual(offering._state.db, DEFAULT_DB_ALIAS)
        self.assertIn(("directory.offering", DEFAULT_DB_ALIAS), routed.writes)
        self.assertEqual(
            Offering.objects.using(DEFAULT_DB_ALIAS).get(pk=offering.pk).name,
            "Promenadgruppen i Holmsund",
        )

    def test_an_object_of_another_database_stays_with_it(self) -> None:
        offering = Offering(name="Elsewhere")
        offering._state.db = "archive"
        with replica_reads():
            self.assertIsNone(ReplicaRouter().db_for_read(Offering, instance=offering))
            self.assertIsNone(ReplicaRouter().db_for_write(Offering, instance=offering))

    def test_migrations_run_on_default_only(self) -> None:
        self.assertFalse(router.allow_migrate(REPLICA, "directory"))
        self.assertFalse(router.allow_migrate(REPLICA, "accounts", model_name="user"))
        self.assertTrue(router.allow_migrate(DEFAULT_DB_ALIAS, "directory"))

    # Without a replica ---------------------------------------------------------------------

    def test_without_a_replica_the_router_does_nothing(self) -> None:
        alone = ReplicaRouter(databases={DEFAULT_DB_ALIAS: settings.DATABASES[DEFAULT_DB_ALIAS]})
        offering = Offering.objects.get(pk=self.offering.pk)
        with replica_reads():
            self.assertIsNone(alone.db_for_read(Offering))
            self.assertIsNone(alone.db_for_read(User))
            self.assertIsNone(alone.db_for_write(Offering, instance=offering))
            self.assertIsNone(alone.allow_relation(offering, self.association))
            self.assertIsNone(alone.allow_migrate(DEFAULT_DB_ALIAS, "directory"))
            self.assertIsNone(alone.allow_migrate(REPLICA, "directory"))

    def test_without_database_replica_url_there_is_no_replica_alias(self) -> None:
        loaded = load_settings()
        self.assertEqual(list(loaded["DATABASES"]), [DEFAULT_DB_ALIAS])
        self.assertEqual(loaded["DATABASE_ROUTERS"], ["lotsa.routers.ReplicaRouter"])
        self.assertIn("lotsa.routers.ReplicaReadsMiddleware", loaded["MIDDLEWARE"])

    def test_database_replica_url_adds_a_replica_that_tests_mirror(self) -> None:
        loaded = load_settings(
            DATABASE_URL="postgres://lotsa@db-primary.invalid:5432/lotsa",
            DATABASE_REPLICA_URL="postgres://lotsa@db-replica.invalid:5432/lotsa",
        )
        replica = loaded["DATABASES"][REPLICA]
        self.assertEqual(replica["HOST"], "db-replica.invalid")
        self.assertEqual(replica["ENGINE"], "django.db.backends.postgresql")
        self.assertEqual(replica["TEST"], {"MIRROR": DEFAULT_DB_ALIAS})
        self.assertEqual(loaded["DATABASES"][DEFAULT_DB_ALIAS]["HOST"], "db-primary.invalid")

    def test_a_replica_needs_postgresql(self) -> None:
        with self.assertRaisesMessage(ImproperlyConfigured, "needs PostgreSQL"):
            load_settings(DATABASE_REPLICA_URL="sqlite:////tmp/lotsa-replica.sqlite3")
