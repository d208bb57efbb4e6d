"""Every audit event is chained to the one before it, however it is written, and
`verify_audit` walks the chain and names the first event where it breaks."""

from __future__ import annotations

import itertools
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import RequestFactory

from lotsa.audit import chain, events, maintenance
from lotsa.audit.models import AuditEvent
from lotsa.people.models import Person
from lotsa.test import BaseTestCase, make_case, make_person

from .tamper import behind_the_triggers_back, raw


def verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


class HashChainTests(BaseTestCase):
    def setUp(self) -> None:
        self.request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:0:0::7")
        self.person = make_person()

    def write_three(self) -> list[AuditEvent]:
        return [
            events.record(
                events.READ,
                self.person,
                user=self.link_worker,
                organization_id=self.health_centre_a.pk,
                purpose="case work",
                request=self.request,
            ),
            events.record_denied(Person, "not-a-uuid", user=self.outsider, purpose="case work"),
            events.record(AuditEvent.Action.CHANGE, self.team_a, user=self.admin),
        ]

    def test_events_written_every_way_form_one_intact_chain(self) -> None:
        before = AuditEvent.objects.count()
        self.write_three()
        events.record_many(events.READ, [self.team_a, self.team_b], user=self.gp)
        AuditEvent.objects.create(action="read", object_type="accounts.team", object_id="1")
        AuditEvent.objects.bulk_create(
            [AuditEvent(action="read", object_type="accounts.team", object_id="2")]
        )

        ordered = list(AuditEvent.objects.order_by("sequence"))
        self.assertEqual(len(ordered), before + 7)
        self.assertEqual([e.sequence for e in ordered], list(range(1, len(ordered) + 1)))
        self.assertEqual(ordered[0].previous_hash, chain.GENESIS)
        for earlier, later in itertools.pairwise(ordered):
            self.assertEqual(later.previous_hash, earlier.hash)
        self.assertEqual(verify_audit().split(" (")[0], f"{before + 7} events, chain intact")

    def test_record_many_chains_its_events_in_the_order_given(self) -> None:
        first = events.record(events.READ, self.team_a, user=self.gp)
        many = events.record_many(
            events.READ, [self.team_b, self.team_a, self.person], user=self.gp, person=self.person
        )
        self.assertEqual(
            [e.object_id for e in many],
            [str(o.pk) for o in (self.team_b, self.team_a, self.person)],
        )
        self.assertEqual(many[0].previous_hash, first.hash)
        self.assertEqual(
            [e.sequence for e in many], [first.sequence + 1, first.sequence + 2, first.sequence + 3]
        )
        self.assertEqual(many[2].previous_hash, many[1].hash)
        stored = AuditEvent.objects.get(pk=many[2].pk)
        self.assertEqual(stored.hash, chain.compute_hash(stored))

    def test_the_hash_covers_the_stored_values_exactly(self) -> None:
        for event in self.write_three():
            stored = AuditEvent.objects.get(pk=event.pk)
            self.assertEqual(stored.hash, event.hash)
            self.assertEqual(chain.compute_hash(stored), stored.hash)

    def test_the_person_is_a_column_of_its_own(self) -> None:
        read = events.record(events.READ, self.person, user=self.link_worker)
        about = events.record(events.READ, self.team_a, user=self.gp, person=self.person)
        by_key = events.record_denied(Person, "x", user=self.gp, person=str(self.person.uuid))
        listed = events.record_many(
            events.READ, [self.team_a], user=self.gp, person_of=lambda team: self.person
        )
        for event in (read, about, by_key, *listed):
            self.assertEqual(AuditEvent.objects.get(pk=event.pk).person_uuid, self.person.uuid)
        self.assertIsNone(events.record(events.READ, self.team_a, user=self.gp).person_uuid)

    def test_person_of_finds_the_person_an_object_is_about(self) -> None:
        case = make_case(self.team_a, self.link_worker, self.gp)
        self.assertEqual(events.person_of(case.person), case.person)
        self.assertEqual(events.person_of(case), case.person)
        self.assertEqual(events.person_of(case.referral), case.person)
        self.assertIsNone(events.person_of(self.team_a))
        listed = events.record_many(
            events.READ, [case, case.referral], user=self.gp, person_of=events.person_of
        )
        self.assertEqual({e.person_uuid for e in listed}, {case.person.uuid})

    def test_an_event_edited_behind_the_triggers_back_is_found_and_named(self) -> None:
        _first, edited, _last = self.write_three()
        with behind_the_triggers_back():
            raw("UPDATE audit_auditevent SET purpose = %s WHERE id = %s", ["curiosity", edited.pk])

        with self.assertRaisesMessage(
            CommandError,
            f"Event {edited.pk} (sequence {edited.sequence}, at {chain.canonical_at(edited.at)}): "
            "its content does not match its hash",
        ):
            verify_audit()
        print(f"\ntamper test: edited event {edited.pk} found by verify_audit")

    def test_an_edit_with_a_recomputed_hash_is_found_at_the_next_event(self) -> None:
        _first, edited, last = self.write_three()
        edited.user_id = self.admin.pk
        forged = chain.compute_hash(edited)
        with behind_the_triggers_back():
            raw(
                "UPDATE audit_auditevent SET user_id = %s, hash = %s WHERE id = %s",
                [self.admin.pk, forged, edited.pk],
            )

        with self.assertRaisesMessage(CommandError, f"Event {last.pk} (sequence {last.sequence}"):
            verify_audit()

    def test_an_event_deleted_from_the_middle_is_found(self) -> None:
        _first, deleted, last = self.write_three()
        with behind_the_triggers_back():
            raw("DELETE FROM audit_auditevent WHERE id = %s", [deleted.pk])

        with self.assertRaisesMessage(
            CommandError,
            f"Event {last.pk} (sequence {last.sequence}, at {chain.canonical_at(last.at)}): "
            f"the event with sequence {deleted.sequence} is missing",
        ):
            verify_audit()

    def test_a_purge_of_the_oldest_events_leaves_a_chain_that_still_verifies(self) -> None:
        _first, second, last = self.write_three()

        removed = maintenance.remove_through(second.sequence)

        self.assertEqual(removed, second.sequence)
        self.assertEqual(list(AuditEvent.objects.values_list("pk", flat=True)), [last.pk])
        self.assertTrue(verify_audit().startswith("1 events, chain intact"))
        after = events.record(events.READ, self.team_a, user=self.gp)
        self.assertEqual(after.previous_hash, last.hash)
        self.assertTrue(verify_audit().startswith("2 events, chain intact"))
