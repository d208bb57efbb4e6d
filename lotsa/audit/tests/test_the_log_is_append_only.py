"""The database itself refuses to change or remove audit events, through the ORM and through
raw SQL, on SQLite and PostgreSQL; only a maintenance transaction may remove them."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from lotsa.audit import events, maintenance
from lotsa.audit.models import AuditEvent
from lotsa.test import BaseTestCase

from .tamper import raw


class AppendOnlyTests(BaseTestCase):
    def setUp(self) -> None:
        self.event = events.record(events.READ, self.team_a, user=self.link_worker)

    def assertRefused(self, change) -> None:
        refused = self.assertRaisesMessage(IntegrityError, "audit events are append-only")
        with refused, transaction.atomic():
            change()
        self.assertEqual(AuditEvent.objects.get(pk=self.event.pk).purpose, "")

    def test_an_update_through_the_orm_is_refused(self) -> None:
        self.assertRefused(
            lambda: AuditEvent.objects.filter(pk=self.event.pk).update(purpose="changed")
        )

    def test_saving_a_changed_event_is_refused(self) -> None:
        def save() -> None:
            self.event.purpose = "changed"
            self.event.save()

        self.assertRefused(save)

    def test_a_delete_through_the_orm_is_refused(self) -> None:
        self.assertRefused(lambda: AuditEvent.objects.filter(pk=self.event.pk).delete())
        self.assertRefused(lambda: AuditEvent.objects.get(pk=self.event.pk).delete())

    def test_update_and_delete_in_raw_sql_are_refused(self) -> None:
        self.assertRefused(lambda: raw("UPDATE audit_auditevent SET purpose = 'changed'"))
        self.assertRefused(lambda: raw("DELETE FROM audit_auditevent"))

    def test_truncate_is_refused_on_postgresql(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("SQLite has no TRUNCATE")
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        self.assertRefused(lambda: raw("TRUNCATE audit_auditevent"))

    def test_deletions_are_allowed_only_inside_a_maintenance_transaction(self) -> None:
        with maintenance.deletions_allowed():
            AuditEvent.objects.filter(pk=self.event.pk).delete()
        self.assertFalse(AuditEvent.objects.filter(pk=self.event.pk).exists())
        other = events.record(events.READ, self.team_b, user=self.link_worker)
        with self.assertRaises(IntegrityError), transaction.atomic():
            AuditEvent.objects.filter(pk=other.pk).delete()

    def test_updates_are_refused_even_inside_a_maintenance_transaction(self) -> None:
        with maintenance.deletions_allowed():
            self.assertRefused(
                lambda: AuditEvent.objects.filter(pk=self.event.pk).update(purpose="changed")
            )
