"""Every endpoint that touches a person writes exactly one complete audit event per person it
touches, and fails closed: a page or a change that cannot be logged is not shown or made.

The endpoints are the entries of the access matrix's POLICY marked `touches_person`; each is
opened as a persona it lets in, on the matrix's own side. A complete event names the action,
the user (none for the answer link, whose holder has no account), the unit the user acted
for, the object, a purpose, the request's IP address and the person's opaque key. The people
a page touches are those it shows (each person of the world has a first name found nowhere
else) and the one its address names.

Changes (the POST table below) write their events in the transaction of the change: when the
event cannot be written, the change is rolled back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock
from uuid import UUID

from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.test import Client
from django.utils import timezone

from lotsa.audit import chain
from lotsa.audit.models import AuditEvent
from lotsa.lib import phones
from lotsa.outcomes import links
from lotsa.outcomes.models import Assessment, FollowUp
from lotsa.people.models import BreakGlass, Consent, Person
from lotsa.referrals import access
from lotsa.referrals.forms.intake import form_token
from lotsa.referrals.models import ActivityReferral, Case, Referral
from lotsa.test import report_figure
from lotsa.tests.test_access_matrix import (
    PERSONAS,
    MatrixTestCase,
    Rule,
    Side,
    Url,
    follow_up_token,
    path_of,
    project_urls,
    rule_for,
)

Action = AuditEvent.Action
IP = "127.0.0.1"  # the test client's REMOTE_ADDR


def endpoints() -> list[tuple[Url, Rule]]:
    found = []
    for url in project_urls():
        rule = rule_for(url)
        if rule is not None and rule.touches_person:
            found.append((url, rule))
    return found


def persona_for(rule: Rule) -> str:
    """The persona that opens the endpoint: one who may see the person, else one let in;
    the anonymous holder of a link where the link is the credential."""
    if "anonymous" in rule.who:
        return "anonymous"
    for group in (rule.sees, rule.who):
        for persona in PERSONAS:
            if persona in group:
                return persona
    raise AssertionError("nobody may open it")


def person_named_by(params: dict[str, Any]) -> Person | None:
    """The person the address names: by their key, or by a case's, referral's or token's."""
    if "token" in params:
        try:
            data = signing.loads(params["token"], salt=access.LINK_SALT)
        except signing.BadSignature:  # the person's own follow-up link
            follow_up = links.read_token(params["token"])["f"]
            return FollowUp.objects.get(uuid=follow_up).case.person
        return ActivityReferral.objects.get(uuid=data["r"]).case.person
    key = params.get("key")
    if key is None:
        return None
    for model in (Person, Case, Referral, ActivityReferral):
        found = model.objects.filter(uuid=key).first()
        if found is not None:
            if isinstance(found, Person):
                return found
            if isinstance(found, ActivityReferral):
                return found.case.person
            return found.person
    return None


def people_shown(body: str) -> set[UUID]:
    """The people whose first name or phone number `body` holds (each is unique here)."""
    shown = set()
    for key, first_name, phone in Person.objects.values_list("uuid", "first_name", "phone"):
        if first_name in body or (phone and phones.display(phone) in body):
            shown.add(key)
    return shown


def incomplete(event: AuditEvent, user: Any, *, with_request: bool = True) -> list[str]:
    """What a complete event lacks. `with_request`: the IP and unit are known to the writer."""
    missing = []
    if not event.action:
        missing.append("action")
    if event.user_id != (user.pk if user is not None else None):
        missing.append(f"user (has {event.user_id})")
    if not (event.object_type and event.object_id):
        missing.append("object")
    if not event.purpose:
        missing.append("purpose")
    if event.person_uuid is None:
        missing.append("person")
    if with_request:
        if event.organization_id is None:
            missing.append("unit")
        if event.ip_address != IP:
            missing.append("IP")
    return missing


def last_sequence() -> int:
    return AuditEvent.objects.aggregate(last=Max("sequence"))["last"] or 0


@contextmanager
def events_refused(when: Callable[[AuditEvent], bool]) -> Iterator[None]:
    """The log refuses events for which `when` holds, as a full disk or a broken link would."""
    append = chain.append

    def refusing(events: list[AuditEvent], *args: Any, **kwargs: Any) -> list[AuditEvent]:
        if any(when(event) for event in events):
            raise RuntimeError("the access log cannot be written")
        return append(events, *args, **kwargs)

    with mock.patch.object(chain, "append", refusing):
        yield


@contextmanager
def undone() -> Iterator[None]:
    """Whatever happens inside is rolled back: each endpoint meets the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def is_access(event: AuditEvent) -> bool:
    return event.action != Action.DENIED


def is_change(event: AuditEvent) -> bool:
    return event.action not in (Action.READ, Action.DENIED)


# --- the changes: one POST per endpoint that changes a person's record ------------------


@dataclasses.dataclass(frozen=True)
class Change:
    """A POST that changes a person's record, and how to see whether it was made."""

    persona: str
    params: Callable[[Side], dict[str, Any]]
    data: Callable[[Side], dict[str, Any]]
    made: Callable[[Side], bool]
    creates: str = ""  # the first name of the person the change creates


def created(first_name: str) -> Callable[[Side], bool]:
    return lambda side: Referral.objects.filter(person__first_name=first_name).exists()


def no_params(side: Side) -> dict[str, Any]:
    return {}


def case_key(side: Side) -> dict[str, Any]:
    return {"key": side.case.uuid}


def activity_referral_key(side: Side) -> dict[str, Any]:
    return {"key": side.activity_referral.uuid}


def status_of(side: Side) -> str:
    return ActivityReferral.objects.get(pk=side.activity_referral.pk).status


TODAY = dt.date.today().isoformat()
CHANGES: dict[str, Change] = {
    # Forms that create a person: their GET shows nobody, their POST is the endpoint's touch.
    "referrals:new": Change(
        "gp",
        no_params,
        lambda side: {
            "action": "send",
            "submission_key": str(uuid.uuid4()),
            "person": "",
            "person-first_name": "Nyremiss",
            "person-last_name": "Kanarie",
            "person-phone": "070-123 45 67",
            "person-municipality": "SE-2480",
            "person-language": "sv",
            "person-contact_preference": "phone",
            "reasons": ["loneliness"],
            "consent_method": "verbal",
            "team_consent": "on",
            "unit": str(side.case.referral.referring_organization_id),
            "team": str(side.case.team_id),
        },
        created("Nyremiss"),
        creates="Nyremiss",
    ),
    "referrals:flag": Change(
        "connector",
        no_params,
        lambda side: {
            "submission_key": str(uuid.uuid4()),
            "first_name": "Nyflagga",
            "phone": "070-765 43 21",
            "details": "Sitter ensam på biblioteket.",
            "agreed_to_be_called": "on",
        },
        created("Nyflagga"),
        creates="Nyflagga",
    ),
    "referrals:self-referral": Change(
        "anonymous",
        no_params,
        lambda side: {
            "submission_key": str(uuid.uuid4()),
            "started": form_token(time.time() - 60),
            "website": "",
            "first_name": "Nysjalv",
            "last_name": "Kanarie",
            "phone": "070-111 22 33",
            "municipality": "SE-2480",
            "reasons": ["loneliness"],
            "language": "sv",
            "contact_preference": "sms",
            "consent": "on",
        },
        created("Nysjalv"),
        creates="Nysjalv",
    ),
    "referrals:add-contact": Change(
        "link_worker",
        case_key,
        lambda side: {"happened_on": TODAY, "channel": "phone", "reached": "on", "note": "Ok."},
        lambda side: side.case.contacts.exists(),
    ),
    "referrals:change-stage": Change(
        "link_worker",
        case_key,
        lambda side: {"stage": Case.Stage.READY},
        lambda side: Case.objects.get(pk=side.case.pk).stage == Case.Stage.READY,
    ),
    "referrals:withdraw-consent": Change(
        "link_worker",
        lambda side: {"key": side.case.uuid, "consent_id": side.activity_referral.consent_id},
        lambda side: {},
        lambda side: (
            Consent.objects.get(pk=side.activity_referral.consent_id).withdrawn_at is not None
        ),
    ),
    "referrals:close-case": Change(
        "link_worker",
        case_key,
        lambda side: {"reason": Case.ClosureReason.DECLINED, "next_step": "", "note": ""},
        lambda side: Case.objects.get(pk=side.case.pk).closed_at is not None,
    ),
    "referrals:triage": Change(
        "link_worker",
        lambda side: {"key": side.new_referral.uuid},
        lambda side: {"action": "open"},
        lambda side: Case.objects.filter(referral=side.new_referral).exists(),
    ),
    "referrals:activity-referral": Change(
        "link_worker",
        activity_referral_key,
        lambda side: {"action": "cancel", "reason": ActivityReferral.Reason.NO_CONTACT},
        lambda side: status_of(side) == ActivityReferral.Status.CANCELLED,
    ),
    "referrals:provider-referral": Change(
        "provider",
        activity_referral_key,
        lambda side: {"form": "answer", "answer": "accept"},
        lambda side: status_of(side) == ActivityReferral.Status.ACCEPTED,
    ),
    "referrals:answer-by-link": Change(
        "anonymous",
        lambda side: {"token": side.token},
        lambda side: {"form": "answer", "answer": "accept"},
        lambda side: status_of(side) == ActivityReferral.Status.ACCEPTED,
    ),
    "outcomes:respond": Change(
        "anonymous",
        follow_up_token,
        lambda side: {
            **{f"ucla3-{key}": "2" for key in ("companionship", "left_out", "isolated")},
            **{f"who5-{key}": "3" for key in ("cheerful", "calm", "active", "rested")},
        },
        lambda side: Assessment.objects.filter(case=side.case, mode="self").exists(),
    ),
    # The link worker records a follow-up, sends the person their link, enters their visits.
    "outcomes:follow-up": Change(
        "link_worker",
        lambda side: {"key": side.case.uuid, "months": 3},
        lambda side: {
            "answered_on": TODAY,
            **{f"ucla3-{key}": "2" for key in ("companionship", "left_out", "isolated")},
            **{f"who5-{key}": "3" for key in ("cheerful", "calm", "active", "rested")},
        },
        lambda side: Assessment.objects.filter(case=side.case, mode="link_worker").exists(),
    ),
    "outcomes:send-link": Change(
        "link_worker",
        lambda side: {"key": side.case.uuid, "months": 3},
        lambda side: {"channel": "sms"},
        lambda side: FollowUp.objects.filter(
            case=side.case, months=3, link_sent_at__isnull=False
        ).exists(),
    ),
    "outcomes:healthcare-use": Change(
        "link_worker",
        case_key,
        lambda side: {"period": "before", "gp_visits": "4", "emergency_visits": "1"},
        lambda side: side.case.healthcare_use.exists(),
    ),
    "privacy:break-glass": Change(
        "admin",
        lambda side: {"key": side.person.uuid},
        lambda side: {"reason": "The person's daughter called: he is missing.", "confirm": "on"},
        lambda side: BreakGlass.objects.filter(person=side.person).exists(),
    ),
}


class AuditCoverageTests(MatrixTestCase):
    def request(self, url: Url, params: dict[str, Any], persona: str, data: Any = None) -> Any:
        client: Client = self.clients[persona]
        path = path_of(url, params)
        return client.get(path) if data is None else client.post(path, data)

    def prepare(self, url: Url, persona: str) -> None:
        if url.key == "privacy:break-glass-record":
            # The record opens only under a running break-glass access.
            now = timezone.now()
            BreakGlass.objects.create(
                user=getattr(self, persona),
                person=self.own.person,
                reason="The person's daughter called.",
                started_at=now,
                ends_at=now + dt.timedelta(minutes=30),
            )

    def test_every_endpoint_that_touches_a_person_logs_each_person_once_and_completely(
        self,
    ) -> None:
        audited, problems = 0, []
        touching = endpoints()
        for url, rule in touching:
            with undone():
                found = self.audit_problems(url, rule)
            if found:
                problems.append(f"{url.key}: {'; '.join(found)}")
            else:
                audited += 1
        report_figure("audit coverage", f"{audited}/{len(touching)} endpoints audited")
        self.assertFalse(problems, "\n" + "\n".join(problems))
        self.assertGreater(len(touching), 20)

    def audit_problems(self, url: Url, rule: Rule) -> list[str]:
        """What is wrong with the events of one request: none, or one missing a part, or a
        person logged twice for one action, or someone touched and not logged."""
        persona = persona_for(rule)
        user = None if persona == "anonymous" else getattr(self, persona)
        params = rule.params(self.own) if rule.params else {}
        self.prepare(url, persona)
        # A POST-only endpoint is opened with its change, whose own events are checked by
        # test_each_change_logs_the_person_in_its_own_transaction; a form that creates a
        # person is opened with its POST, and its events are the creation's.
        change = CHANGES.get(url.key)
        creates = change.creates if change else ""
        posted = change is not None and (rule.post_only or bool(creates))
        data = change.data(self.own) if change and posted else None
        before = last_sequence()
        response = self.request(url, params, persona, data)
        events = [
            event
            for event in AuditEvent.objects.filter(sequence__gt=before)
            if creates or not (rule.post_only and is_change(event))
        ]
        touched = people_shown(response.content.decode(errors="replace"))
        if (named := person_named_by(params)) is not None:
            touched.add(named.uuid)
        if creates:
            touched |= set(Person.objects.filter(first_name=creates).values_list("uuid", flat=True))
        found = []
        if response.status_code >= 400:
            found.append(f"answers {response.status_code} as {persona}")
        if not events:
            found.append("writes no event")
        for event in events:
            # A creation's events come from the actions, which do not get the request yet
            # (test_each_change_event_carries_the_ip_address_and_the_unit).
            if lacks := incomplete(event, user, with_request=not creates):
                found.append(f"a {event.action} event without {', '.join(lacks)}")
        # One event per person and action; a creation writes one per object it creates.
        logged = [
            (event.person_uuid, event.action, event.object_type if creates else "")
            for event in events
        ]
        if len(logged) != len(set(logged)):
            found.append("logs a person twice for one action")
        people = {person for person, _action, _object in logged}
        if people != touched:
            found.append(
                f"{len(people - touched)} people logged but not shown,"
                f" {len(touched - people)} shown but not logged"
            )
        return found

    def test_a_page_that_cannot_be_logged_shows_nobody(self) -> None:
        problems = []
        for url, rule in endpoints():
            if rule.post_only or (url.key in CHANGES and CHANGES[url.key].creates):
                continue
            persona = persona_for(rule)
            params = rule.params(self.own) if rule.params else {}
            with undone(), events_refused(is_access):
                self.prepare(url, persona)
                response = self.request(url, params, persona)
            body = response.content.decode(errors="replace")
            if response.status_code != 500 or people_shown(body):
                problems.append(f"{url.key} as {persona}: {response.status_code}")
        self.assertFalse(problems, "\n" + "\n".join(problems))

    def test_each_change_logs_the_person_in_its_own_transaction(self) -> None:
        problems = []
        for name, change in CHANGES.items():
            with undone():
                problems += self.change_problems(name, change)
        self.assertFalse(problems, "\n" + "\n".join(problems))

    def change_problems(self, name: str, change: Change) -> list[str]:
        url = next(url for url in project_urls() if url.key == name)
        params, data = change.params(self.own), change.data(self.own)
        # The log refuses the change's event: the change must be rolled back with it.
        with events_refused(is_change):
            refused = self.request(url, params, change.persona, data)
        if refused.status_code != 500 or change.made(self.own):
            return [f"{name}: made without its event ({refused.status_code})"]
        problems = []
        before = last_sequence()
        response = self.request(url, params, change.persona, data)
        if response.status_code not in (200, 302) or not change.made(self.own):
            problems.append(f"{name}: not made ({response.status_code})")
        changes = [e for e in AuditEvent.objects.filter(sequence__gt=before) if is_change(e)]
        if not changes:
            problems.append(f"{name}: no event of the change")
        user = None if change.persona == "anonymous" else getattr(self, change.persona)
        for event in changes:
            if lacks := incomplete(event, user, with_request=False):
                problems.append(f"{name}: {event.action} event without {', '.join(lacks)}")
        return problems

    def test_each_change_event_carries_the_ip_address_and_the_unit(self) -> None:
        lacking = []
        for name, change in CHANGES.items():
            with undone():
                url = next(url for url in project_urls() if url.key == name)
                before = last_sequence()
                self.request(url, change.params(self.own), change.persona, change.data(self.own))
                user = None if change.persona == "anonymous" else getattr(self, change.persona)
                for event in AuditEvent.objects.filter(sequence__gt=before):
                    if is_change(event) and (lacks := incomplete(event, user)):
                        lacking.append(f"{name}: {event.action} {event.object_type}: {lacks}")
        self.assertFalse(lacking, "\n" + "\n".join(lacking))


# --- the FHIR API: an organisation's key reads people, and every read is logged -------------

# Each FHIR endpoint that reads people, with its parameters on the matrix's own side; opened
# with a key of the own side's team organisation (Health centre A), which sees it whole.
FHIR_READS: dict[str, Callable[[Side], dict[str, Any]]] = {
    "api:fhir-patient-read": lambda side: {"id": side.person.uuid},
    "api:fhir-patient-search": no_params,
    "api:fhir-service-request-read": lambda side: {"id": side.case.referral.uuid},
    "api:fhir-service-request-search": no_params,
    "api:fhir-task-read": lambda side: {"id": side.activity_referral.uuid},
    "api:fhir-task-search": no_params,
    "api:fhir-consent-read": lambda side: {"id": side.activity_referral.consent_id},
    "api:fhir-consent-search": no_params,
    "api:fhir-questionnaire-response-read": lambda side: {"id": side.assessment},
    "api:fhir-questionnaire-response-search": no_params,
}
# FHIR endpoints that show nobody: the statement, the instruments, the directory, refusals.
FHIR_NOBODY = {
    "api:fhir-metadata",
    "api:fhir-questionnaire-read",
    "api:fhir-questionnaire-search",
    "api:fhir-healthcare-service-read",
    "api:fhir-healthcare-service-search",
    "api:fhir-base",
    "api:fhir-unknown",
    "api:fhir-task-update",  # a change: its events are the action's (below)
}


def fhir_people(body: str) -> set[UUID]:
    """The people a FHIR response shows: by name or phone, or by their Patient reference."""
    shown = people_shown(body)
    shown |= {key for key in Person.objects.values_list("uuid", flat=True) if str(key) in body}
    return shown


class ApiAuditCoverageTests(MatrixTestCase):
    def setUp(self) -> None:
        super().setUp()
        from lotsa.accounts import actions as account_actions
        from lotsa.accounts.models import ApiKey
        from lotsa.outcomes.models import Assessment, Mode

        assessment = Assessment.objects.create(
            case=self.own.case,
            instrument="who5",
            answers={"cheerful": 3},
            scores={"raw": None, "percentage": None},
            mode=Mode.WITH_LINK_WORKER,
        )
        self.own.assessment = assessment.uuid  # type: ignore[attr-defined]
        scopes = ApiKey.Scope.values
        self.api = {}
        for name, organization in (("team", self.health_centre_a), ("provider", self.association)):
            _api_key, key = account_actions.create_api_key(
                organization, name="System", scopes=scopes, acting_user=self.admin
            )
            self.api[name] = Client(
                raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {key}"
            )

    def fhir_urls(self) -> list[Url]:
        return [url for url in project_urls() if url.key.startswith("api:fhir-")]

    def test_every_fhir_endpoint_is_audited_or_shows_nobody(self) -> None:
        unknown = {url.key for url in self.fhir_urls()} - set(FHIR_READS) - FHIR_NOBODY
        self.assertEqual(unknown, set())

    def test_every_fhir_read_logs_each_person_once_and_completely(self) -> None:
        problems, audited = [], 0
        for url in self.fhir_urls():
            if url.key not in FHIR_READS:
                continue
            params = FHIR_READS[url.key](self.own)
            with undone():
                before = last_sequence()
                response = self.api["team"].get(path_of(url, params))
                events = [
                    event
                    for event in AuditEvent.objects.filter(sequence__gt=before)
                    if event.object_type != "accounts.apikey"
                ]
            found = []
            if response.status_code != 200:
                found.append(f"answers {response.status_code}")
            touched = fhir_people(response.content.decode(errors="replace"))
            if (named := person_named_by({"key": params.get("id")})) is not None:
                touched.add(named.uuid)
            for event in events:
                if lacks := incomplete(event, None):
                    found.append(f"a {event.action} event without {', '.join(lacks)}")
            logged = [(event.person_uuid, event.action, event.object_id) for event in events]
            if len(logged) != len(set(logged)):
                found.append("logs a row twice")
            if not touched or {person for person, _a, _o in logged} != touched:
                found.append(f"logs {len(logged)} events for {len(touched)} people shown")
            if found:
                problems.append(f"{url.key}: {'; '.join(found)}")
            else:
                audited += 1
        report_figure("FHIR audit coverage", f"{audited}/{len(FHIR_READS)} reads audited")
        self.assertFalse(problems, "\n" + "\n".join(problems))

    def test_a_fhir_read_that_cannot_be_logged_shows_nobody(self) -> None:
        problems = []
        for url in self.fhir_urls():
            if url.key not in FHIR_READS:
                continue
            with undone(), events_refused(lambda event: event.object_type != "accounts.apikey"):
                response = self.api["team"].get(path_of(url, FHIR_READS[url.key](self.own)))
            if response.status_code != 500 or fhir_people(response.content.decode()):
                problems.append(f"{url.key}: {response.status_code}")
        self.assertFalse(problems, "\n" + "\n".join(problems))

    def test_a_task_answered_over_fhir_is_logged_in_its_transaction(self) -> None:
        import json

        url = next(url for url in self.fhir_urls() if url.key == "api:fhir-task-update")
        path = path_of(url, {"id": self.own.activity_referral.uuid})
        body = json.dumps({"resourceType": "Task", "status": "accepted"})
        with undone():
            with events_refused(lambda e: is_change(e) and e.object_type != "accounts.apikey"):
                refused = self.api["provider"].put(path, body, content_type="application/fhir+json")
            status = ActivityReferral.objects.get(pk=self.own.activity_referral.pk).status
            self.assertEqual((refused.status_code, status), (500, "requested"))
            before = last_sequence()
            response = self.api["provider"].put(path, body, content_type="application/fhir+json")
            self.assertEqual(response.status_code, 200)
            changes = [e for e in AuditEvent.objects.filter(sequence__gt=before) if is_change(e)]
            self.assertTrue(changes)
            for event in changes:
                if event.object_type == "accounts.apikey":
                    continue
                self.assertEqual(incomplete(event, None), [], event)
