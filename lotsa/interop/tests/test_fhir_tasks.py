"""A provider's system answers a Task with PUT: the same answers as the web page, through the
same actions, so the same state machine, history, audit events and notifications; what the
machine refuses is a 4xx OperationOutcome and changes nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

from django.core import mail
from django.utils import timezone

from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Offering
from lotsa.interop.fhir import codes
from lotsa.messaging import sms
from lotsa.referrals import actions
from lotsa.referrals.models import ActivityReferral, ActivityReferralEvent

from .test_fhir_resources import FhirTestCase, validate

Status = ActivityReferral.Status
Reason = ActivityReferral.Reason


def reason(code: str, text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [{"system": codes.TASK_STATUS_REASON, "code": code}]}
    if text is not None:
        concept["text"] = text
    return concept


class TaskUpdateTestCase(FhirTestCase):
    def put(
        self,
        body: Any,
        key: str = "provider",
        content_type: str = "application/fhir+json",
        task: ActivityReferral | None = None,
    ) -> Any:
        secret = self.keys.get(key, key)
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.put(
            f"/fhir/Task/{(task or self.task).uuid}",
            data,
            content_type=content_type,
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    def change(self, status: str, **elements: Any) -> Any:
        """The Task as the provider read it, with `status` (and `elements`) changed."""
        task = self.read(f"/fhir/Task/{self.task.uuid}")
        task = copy.deepcopy(task)
        task["status"] = status
        task.pop("statusReason", None)
        task.update(elements)
        return self.put(task)

    def task_after(self, response: Any, status: int = 200) -> dict[str, Any]:
        resource = self.body(response, status)
        validate(resource)
        self.task.refresh_from_db()
        return resource


class AnswerTests(TaskUpdateTestCase):
    def test_accepting_takes_a_place_and_tells_the_link_worker_and_the_person(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            resource = self.task_after(self.change("accepted"))
        self.assertEqual(resource["status"], "accepted")
        self.assertEqual(self.task.status, Status.ACCEPTED)
        self.assertTrue(self.task.holds_place)
        self.assertEqual(Offering.objects.get(pk=self.offering.pk).places_taken, 1)
        event = self.task.events.order_by("-at", "-pk")[0]
        self.assertEqual((event.status, event.by, event.via_link), (Status.ACCEPTED, None, False))
        self.assertIn(self.municipal_link_worker.email, [m.to[0] for m in mail.outbox])
        self.assertEqual([message.to for message in sms.outbox], [self.person.phone])
        change = AuditEvent.objects.filter(
            object_type="referrals.activityreferral", action=AuditEvent.Action.CHANGE
        ).order_by("-sequence")[0]
        self.assertEqual(change.organization_id, self.association.pk)
        self.assertEqual(change.person_uuid, self.person.uuid)
        self.assertEqual(change.ip_address, "127.0.0.1")

    def test_declining_needs_a_reason_in_words(self) -> None:
        outcome = self.assert_outcome(
            self.change("rejected", statusReason=reason("provider_declined")), 422, "required"
        )
        self.assertEqual(outcome["issue"][0]["expression"], ["Task.statusReason.text"])
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, Status.REQUESTED)
        resource = self.task_after(
            self.change("rejected", statusReason=reason("provider_declined", "Gruppen är nedlagd."))
        )
        self.assertEqual(resource["statusReason"]["text"], "Gruppen är nedlagd.")
        self.assertEqual(
            (self.task.reason, self.task.reason_text),
            (Reason.PROVIDER_DECLINED, "Gruppen är nedlagd."),
        )

    def test_no_place_is_rejected_for_capacity(self) -> None:
        self.task_after(self.change("rejected", statusReason=reason("no_capacity")))
        self.assertEqual(
            (self.task.status, self.task.reason), (Status.REJECTED, Reason.NO_CAPACITY)
        )

    def test_the_waiting_list_puts_the_task_on_hold(self) -> None:
        self.task_after(self.change("on-hold", statusReason=reason("waitlisted")))
        self.assertEqual((self.task.status, self.task.reason), (Status.ON_HOLD, Reason.WAITLISTED))
        self.assertEqual(Offering.objects.get(pk=self.offering.pk).waitlist_length, 1)
        # From the waiting list the provider can still accept.
        self.task_after(self.change("accepted"))
        self.assertEqual(Offering.objects.get(pk=self.offering.pk).waitlist_length, 0)

    def test_an_activity_without_a_waiting_list_refuses_one(self) -> None:
        Offering.objects.filter(pk=self.offering.pk).update(has_waitlist=False)
        self.assert_outcome(self.change("on-hold", statusReason=reason("waitlisted")), 422)

    def test_asking_for_information_needs_the_question(self) -> None:
        self.assert_outcome(self.change("on-hold", statusReason=reason("needs_information")), 422)
        self.task_after(
            self.change("on-hold", statusReason=reason("needs_information", "Kan hon gå 3 km?"))
        )
        self.assertEqual(self.task.reason, Reason.NEEDS_INFORMATION)

    def test_the_last_place_taken_is_a_conflict(self) -> None:
        Offering.objects.filter(pk=self.offering.pk).update(places_taken=2)
        outcome = self.assert_outcome(self.change("accepted"), 409, "conflict")
        self.assertIn("waitlisted", outcome["issue"][0]["diagnostics"])

    def test_an_answered_task_is_not_answered_again(self) -> None:
        actions.answer_activity_referral(
            self.task, actions.Answer.NO_PLACE, acting_user=self.provider
        )
        self.assert_outcome(self.change("accepted"), 409, "conflict")
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, Status.REJECTED)
        self.assertEqual(Offering.objects.get(pk=self.offering.pk).places_taken, 0)

    def test_sending_the_task_back_unchanged_changes_nothing(self) -> None:
        self.task_after(self.change("accepted"))
        events = ActivityReferralEvent.objects.count()
        resource = self.read(f"/fhir/Task/{self.task.uuid}")
        self.task_after(self.put(resource))
        self.assertEqual(ActivityReferralEvent.objects.count(), events)
        self.assertEqual(Offering.objects.get(pk=self.offering.pk).places_taken, 1)


class ParticipationTests(TaskUpdateTestCase):
    def setUp(self) -> None:
        super().setUp()
        actions.answer_activity_referral(
            self.task, actions.Answer.ACCEPT, acting_user=self.provider
        )

    def test_the_person_started_and_attends(self) -> None:
        started = timezone.localdate() - dt.timedelta(days=3)
        resource = self.task_after(
            self.change("in-progress", executionPeriod={"start": started.isoformat()})
        )
        self.assertEqual(resource["businessStatus"]["coding"][0]["code"], "started")
        self.assertEqual(self.task.started_on, started)
        self.assertEqual(self.task.case.stage, "in_activity")
        attending = {"coding": [{"system": codes.PARTICIPATION, "code": "attending"}]}
        self.task_after(self.change("in-progress", businessStatus=attending))
        self.assertEqual(self.task.participation, "attending")

    def test_completed_after_starting(self) -> None:
        self.task_after(self.change("in-progress"))
        resource = self.task_after(self.change("completed"))
        self.assertEqual(resource["status"], "completed")
        self.assertEqual(resource["executionPeriod"]["end"], timezone.localdate().isoformat())
        self.assertEqual(Offering.objects.get(pk=self.offering.pk).places_taken, 0)

    def test_completed_before_starting_is_a_conflict(self) -> None:
        self.assert_outcome(self.change("completed"), 409, "conflict")
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, Status.ACCEPTED)

    def test_cancelled_before_starting_means_the_person_declined(self) -> None:
        resource = self.task_after(self.change("cancelled"))
        self.assertEqual(
            (self.task.status, self.task.reason), (Status.CANCELLED, Reason.PERSON_DECLINED)
        )
        self.assertIn(codes.SOCIAL_PRESCRIBING_DECLINED, str(resource["statusReason"]))
        self.assertEqual(Offering.objects.get(pk=self.offering.pk).places_taken, 0)

    def test_a_start_in_the_future_is_refused(self) -> None:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        self.assert_outcome(
            self.change("in-progress", executionPeriod={"start": tomorrow.isoformat()}), 422
        )


class WhoMayAnswerTests(TaskUpdateTestCase):
    def test_only_the_provider_answers(self) -> None:
        for key in ("team", "referrer"):
            with self.subTest(key=key):
                self.assert_outcome(
                    self.put({"resourceType": "Task", "status": "accepted"}, key), 403, "forbidden"
                )
        self.assert_outcome(
            self.put({"resourceType": "Task", "status": "accepted"}, "outsider"), 404
        )
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, Status.REQUESTED)

    def test_answering_needs_the_write_scope(self) -> None:
        read_only = self.make_key(self.association, "referrals:read")
        self.assert_outcome(
            self.put({"resourceType": "Task", "status": "accepted"}, read_only), 403
        )

    def test_a_withdrawn_consent_leaves_nothing_to_answer(self) -> None:
        actions.withdraw_consent(self.task.consent, acting_user=self.municipal_link_worker)
        self.assert_outcome(self.put({"resourceType": "Task", "status": "accepted"}), 404)


class BadUpdateTests(TaskUpdateTestCase):
    def assert_unchanged(self) -> None:
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, Status.REQUESTED)

    def test_malformed_json_is_400(self) -> None:
        for body in ("{", "[1, 2]", '"Task"', b"\xff\xfe", "null"):
            with self.subTest(body=body):
                self.assert_outcome(self.put(body), 400, "structure")
        # No body at all has no content type either.
        self.assertIn(self.put("").status_code, (400, 415))
        self.assert_unchanged()

    def test_a_wrong_content_type_is_415(self) -> None:
        body = json.dumps({"resourceType": "Task", "status": "accepted"})
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
            with self.subTest(content_type=content_type):
                self.assert_outcome(self.put(body, content_type=content_type), 415)
        self.assert_unchanged()

    def test_another_resource_or_another_id_is_400(self) -> None:
        self.assert_outcome(self.put({"resourceType": "Patient", "status": "accepted"}), 400)
        self.assert_outcome(
            self.put({"resourceType": "Task", "id": "another", "status": "accepted"}), 400
        )
        self.assert_outcome(self.put({"resourceType": "Task"}), 400)
        self.assert_outcome(self.put({"resourceType": "Task", "status": 7}), 400)
        self.assert_unchanged()

    def test_a_status_a_provider_cannot_set_is_422(self) -> None:
        for status in ("draft", "failed", "entered-in-error", "ready", "nonsense"):
            with self.subTest(status=status):
                self.assert_outcome(self.put({"resourceType": "Task", "status": status}), 422)
        self.assert_unchanged()

    def test_an_unknown_reason_is_422(self) -> None:
        unknown = {"coding": [{"system": "http://example.org/reasons", "code": "bored"}]}
        self.assert_outcome(
            self.put({"resourceType": "Task", "status": "rejected", "statusReason": unknown}), 422
        )
        self.assert_outcome(
            self.put(
                {"resourceType": "Task", "status": "rejected", "statusReason": reason("waitlisted")}
            ),
            422,
        )
        self.assert_unchanged()

    def test_an_unknown_task_is_404(self) -> None:
        for key in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
            with self.subTest(key=key):
                response = self.client.put(
                    f"/fhir/Task/{key}",
                    json.dumps({"resourceType": "Task", "status": "accepted"}),
                    content_type="application/fhir+json",
                    HTTP_AUTHORIZATION=f"Bearer {self.keys['provider']}",
                )
                self.assert_outcome(response, 404, "not-found")

    def test_text_no_database_can_hold_is_refused(self) -> None:
        for text in ("nul \x00 byte", "lone \ud800 surrogate", "x" * 2001):
            with self.subTest(text=text[:10]):
                body = json.dumps(
                    {
                        "resourceType": "Task",
                        "status": "rejected",
                        "statusReason": reason("provider_declined", text),
                    }
                )
                response = self.put(body)
                self.assertIn(response.status_code, (400, 422))
                self.assert_outcome(response, response.status_code)
        self.assert_unchanged()

    def test_other_methods_are_405(self) -> None:
        for method in ("post", "patch", "delete"):
            with self.subTest(method=method):
                response = getattr(self.client, method)(
                    f"/fhir/Task/{self.task.uuid}",
                    HTTP_AUTHORIZATION=f"Bearer {self.keys['provider']}",
                )
                self.assert_outcome(response, 405, "not-supported")
                self.assertEqual(response["Allow"], "GET, PUT")
