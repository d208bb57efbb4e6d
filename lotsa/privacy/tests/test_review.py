"""The log review: who may open it, searching by person and by user, the sample for the
regular log check and recording the check; the queries each page costs."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lotsa.audit import chain
from lotsa.audit.models import AuditEvent
from lotsa.privacy import review
from lotsa.privacy.models import LogCheck
from lotsa.test import BaseTestCase, make_case, make_person

IDENTITY_NUMBER = "19460315-4545"  # a valid, synthetic personnummer
STOCKHOLM = ZoneInfo("Europe/Stockholm")
READ = AuditEvent.Action.READ


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    """A local time in March 2025 (Monday 3 March is a working day)."""
    return dt.datetime(2025, month, day, hour, minute, tzinfo=STOCKHOLM)


def event(user, person_uuid, when, *, action=READ, unit=None, purpose="case work", **extra):
    return AuditEvent(
        action=action,
        user=user,
        person_uuid=person_uuid,
        at=when,
        organization_id=unit,
        object_type="people.person",
        object_id="1",
        purpose=purpose,
        **extra,
    )


class ReviewTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_person(
            "Ingegerd", "Söderström", identity_number="194603154545", identity_kind="personnummer"
        )
        cls.case = make_case(cls.team_a, cls.link_worker, cls.gp, person=cls.person)

    def urls(self) -> list[str]:
        key = self.person.uuid
        return [
            reverse("privacy:review"),
            reverse("privacy:review-person", args=[key]),
            reverse("privacy:review-user", args=[self.link_worker.pk]),
            reverse("privacy:review-sample"),
            reverse("privacy:review-alerts"),
            reverse("privacy:log-extract", args=[key]),
            reverse("privacy:log-extract-pdf", args=[key]),
        ]


class WhoMayReviewTests(ReviewTestCase):
    def test_every_page_is_404_for_everyone_but_administrators(self) -> None:
        others = (
            self.gp,
            self.link_worker,
            self.provider,
            self.coordinator,
            self.connector,
            self.manager,
            self.researcher,
            self.outsider,
        )
        for user in others:
            self.client.force_login(user)
            for url in self.urls():
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
            for url in (reverse("privacy:review"), reverse("privacy:review-sample")):
                with self.subTest(user=user.email, url=url, method="POST"):
                    self.assertEqual(self.client.post(url, {}).status_code, 404)
        self.assertFalse(LogCheck.objects.exists())

    def test_the_anonymous_are_sent_to_sign_in(self) -> None:
        for url in self.urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/account/login/", response["Location"])

    def test_the_outsiders_attempt_on_a_person_is_logged_as_denied(self) -> None:
        self.login(self.outsider)
        self.client.get(reverse("privacy:review-person", args=[self.person.uuid]))
        self.client.get(reverse("privacy:log-extract", args=[self.person.uuid]))
        denied = AuditEvent.objects.filter(
            action=AuditEvent.Action.DENIED, user=self.outsider, person_uuid=self.person.uuid
        )
        self.assertEqual(
            sorted(denied.values_list("purpose", flat=True)), ["log extract", "log review"]
        )

    def test_the_administrator_opens_every_page(self) -> None:
        self.login(self.admin)
        for url in self.urls():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_pages_are_never_stored(self) -> None:
        self.login(self.admin)
        for url in self.urls():
            with self.subTest(url=url):
                self.assertIn("no-store", self.client.get(url)["Cache-Control"])


class SearchTests(ReviewTestCase):
    def setUp(self) -> None:
        self.login(self.admin)

    def test_it_finds_the_person_by_identity_number_without_putting_it_in_the_url(self) -> None:
        response = self.client.post(
            reverse("privacy:review"),
            {"identity_number": IDENTITY_NUMBER, "since": "2020-01-01", "action": "create"},
        )
        url = reverse("privacy:review-person", args=[self.person.uuid])
        self.assertRedirects(response, f"{url}?since=2020-01-01&action=create")
        self.assertNotIn("4545", response["Location"])
        self.assertNotIn("194603", response["Location"])
        page = self.client.get(response["Location"])
        self.assertContains(page, "19460315····")
        self.assertNotContains(page, "194603154545")
        self.assertContains(page, "gp@example.org")  # the referral the GP created
        shown = page.context["page"].object_list
        self.assertTrue(shown)
        self.assertEqual({e.action for e in shown}, {"create"})

    def test_it_says_when_the_identity_number_is_not_valid_or_not_known(self) -> None:
        response = self.client.post(reverse("privacy:review"), {"identity_number": "12345"})
        self.assertContains(response, 'id="person_identity_number_error"')
        response = self.client.post(reverse("privacy:review"), {"identity_number": "191212121212"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="person_identity_number_error"')

    def test_it_finds_the_user_by_e_mail(self) -> None:
        response = self.client.get(
            reverse("privacy:review"), {"email": "LW@example.org", "until": "2099-12-31"}
        )
        url = reverse("privacy:review-user", args=[self.link_worker.pk])
        self.assertRedirects(response, f"{url}?until=2099-12-31")
        page = self.client.get(response["Location"])
        self.assertContains(page, "lw@example.org")
        self.assertContains(page, reverse("privacy:review-person", args=[self.person.uuid]))

    def test_an_unknown_user_or_bad_dates_are_field_errors_in_the_users_language(self) -> None:
        response = self.client.get(
            reverse("privacy:review"), {"email": "nobody@example.org", "since": "2025-13-01"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="user_email_error"')
        self.assertContains(response, "Fyll i ett giltigt datum")
        response = self.client.get(
            reverse("privacy:review-person", args=[self.person.uuid]),
            {"since": "2025-03-09", "until": "2025-03-01", "action": "nonsense"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="id_until_error"')
        self.assertContains(response, 'id="id_action_error"')
        for since in ("0001-01-01", "9999-12-31", "yesterday"):
            with self.subTest(since=since):
                response = self.client.get(
                    reverse("privacy:review-alerts"), {"since": since, "until": "9999-12-31"}
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'id="id_since_error"')

    def test_reading_the_persons_events_is_logged_as_a_log_review(self) -> None:
        self.client.get(reverse("privacy:review-person", args=[self.person.uuid]))
        logged = AuditEvent.objects.filter(purpose="log review", person_uuid=self.person.uuid)
        self.assertEqual(logged.count(), 1)
        self.assertEqual(logged.get().action, READ)
        self.assertEqual(logged.get().user, self.admin)
        self.assertEqual(logged.get().organization_id, self.municipality.pk)

    def test_pages_about_a_user_the_sample_and_the_alerts_write_no_event_about_anyone(self):
        before = AuditEvent.objects.count()
        self.client.get(reverse("privacy:review"))
        self.client.get(reverse("privacy:review-user", args=[self.link_worker.pk]))
        self.client.get(reverse("privacy:review-sample"))
        self.client.get(reverse("privacy:review-alerts"))
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_an_unknown_user_is_404(self) -> None:
        response = self.client.get(reverse("privacy:review-user", args=[987654]))
        self.assertEqual(response.status_code, 404)

    def test_the_filters_narrow_the_events_and_pages_keep_them(self) -> None:
        AuditEvent.objects.bulk_create(
            [event(self.link_worker, self.person.uuid, at(3, 9, i)) for i in range(55)]
        )
        url = reverse("privacy:review-person", args=[self.person.uuid])
        response = self.client.get(
            url, {"since": "2025-03-03", "until": "2025-03-03", "action": "read"}
        )
        self.assertEqual(response.context["page"].paginator.count, 55)
        self.assertContains(
            response, "?since=2025-03-03&amp;until=2025-03-03&amp;action=read&amp;page=2"
        )
        page_two = self.client.get(
            url, {"since": "2025-03-03", "until": "2025-03-03", "action": "read", "page": "2"}
        )
        self.assertEqual(len(page_two.context["page"].object_list), 5)
        response = self.client.get(url, {"since": "2025-03-04"})
        self.assertNotContains(response, "2025-03-03 09:")


class QueryCountTests(ReviewTestCase):
    def setUp(self) -> None:
        self.login(self.admin)

    def queries(self, url: str, params: dict | None = None) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url, params or {})
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_the_person_page_costs_the_same_for_one_event_and_for_thirty(self) -> None:
        one, thirty = make_person("Ett"), make_person("Trettio")
        AuditEvent.objects.bulk_create(
            [event(self.link_worker, one.uuid, at(3, 9), unit=self.health_centre_a.pk)]
        )
        units = [self.health_centre_a.pk, self.health_centre_b.pk, None]
        users = [self.link_worker, self.gp, self.outsider]
        AuditEvent.objects.bulk_create(
            [event(users[i % 3], thirty.uuid, at(3, 9, i), unit=units[i % 3]) for i in range(30)]
        )
        first = self.queries(reverse("privacy:review-person", args=[one.uuid]))
        second = self.queries(reverse("privacy:review-person", args=[thirty.uuid]))
        self.assertEqual(first, second)

    def test_the_user_page_costs_the_same_for_one_event_and_for_thirty(self) -> None:
        AuditEvent.objects.bulk_create(
            [event(self.gp, uuid.uuid4(), at(3, 9, i), unit=self.health_centre_a.pk) for i in (0,)]
        )
        AuditEvent.objects.bulk_create(
            [
                event(self.outsider, uuid.uuid4(), at(3, 9, i), unit=self.health_centre_b.pk)
                for i in range(30)
            ]
        )
        first = self.queries(reverse("privacy:review-user", args=[self.gp.pk]))
        second = self.queries(reverse("privacy:review-user", args=[self.outsider.pk]))
        self.assertEqual(first, second)


class SampleTests(ReviewTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # 60 reads in March 2025, and some outside it or not reads.
        AuditEvent.objects.bulk_create(
            [
                event(cls.link_worker, uuid.uuid4(), at(1 + i % 28, 10, i % 60), unit=i)
                for i in range(60)
            ]
            + [event(cls.link_worker, uuid.uuid4(), at(28, 10, month=2)) for _ in range(10)]
            + [
                event(cls.link_worker, uuid.uuid4(), at(5, 10), action=AuditEvent.Action.CHANGE)
                for _ in range(10)
            ]
        )

    def setUp(self) -> None:
        self.login(self.admin)

    def test_the_same_seed_draws_the_same_sample_only_from_the_period(self) -> None:
        since, until = dt.date(2025, 3, 1), dt.date(2025, 3, 31)
        first = review.sample(since, until, 20, 4711)
        again = review.sample(since, until, 20, 4711)
        other = review.sample(since, until, 20, 4712)
        self.assertEqual([e.pk for e in first], [e.pk for e in again])
        self.assertNotEqual({e.pk for e in first}, {e.pk for e in other})
        self.assertEqual(len(first), 20)
        for drawn in first:
            self.assertEqual(drawn.action, READ)
            self.assertEqual(drawn.at.astimezone(STOCKHOLM).month, 3)
        self.assertEqual(len(review.sample(since, until, 200, 1)), 60)

    def test_the_page_shows_the_seed_and_draws_the_same_sample_again(self) -> None:
        params = {"since": "2025-03-01", "until": "2025-03-31", "size": "5", "seed": "123456"}
        first = self.client.get(reverse("privacy:review-sample"), params)
        again = self.client.get(reverse("privacy:review-sample"), params)
        self.assertContains(first, "123456")
        self.assertEqual(
            [e.pk for e in first.context["events"]], [e.pk for e in again.context["events"]]
        )
        self.assertEqual(len(first.context["events"]), 5)

    def test_by_default_it_draws_twenty_from_the_last_thirty_days_with_a_new_seed(self) -> None:
        with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=STOCKHOLM), tick=False):
            response = self.client.get(reverse("privacy:review-sample"))
        form = response.context["form"]
        self.assertEqual(form.cleaned_data["size"], 20)
        self.assertEqual(
            (form.cleaned_data["since"], form.cleaned_data["until"]),
            (dt.date(2025, 3, 2), dt.date(2025, 3, 31)),
        )
        self.assertContains(response, str(form.cleaned_data["seed"]))
        self.assertEqual(len(response.context["events"]), 20)
        self.assertFalse(response.context["still_open"])

    def test_a_new_seed_keeps_the_period_and_size(self) -> None:
        response = self.client.get(
            reverse("privacy:review-sample"),
            {"since": "2025-03-01", "until": "2025-03-31", "size": "7"},
        )
        form = response.context["form"]
        self.assertEqual(
            (form.cleaned_data["since"], form.cleaned_data["size"]), (dt.date(2025, 3, 1), 7)
        )
        self.assertEqual(len(response.context["events"]), 7)
        self.assertContains(response, "?since=2025-03-01&amp;until=2025-03-31&amp;size=7")

    def test_bad_size_and_seed_are_field_errors(self) -> None:
        for size, seed in (("0", "1"), ("201", "1"), ("5", "-1"), ("5", "x"), ("5", "1" * 13)):
            with self.subTest(size=size, seed=seed):
                response = self.client.get(
                    reverse("privacy:review-sample"),
                    {"since": "2025-03-01", "until": "2025-03-31", "size": size, "seed": seed},
                )
                self.assertEqual(response.status_code, 200)
                self.assertIsNone(response.context["events"])
                self.assertContains(response, "errorlist")

    def test_recording_the_check_keeps_the_sample_and_the_head_of_the_chain(self) -> None:
        head = chain.head(AuditEvent)
        response = self.client.post(
            reverse("privacy:review-sample"),
            {
                "since": "2025-03-01",
                "until": "2025-03-31",
                "size": "20",
                "seed": "4711",
                "outcome": "no_findings",
                "notes": "",
            },
        )
        self.assertRedirects(response, reverse("privacy:review"))
        check = LogCheck.objects.get()
        self.assertEqual(check.checked_by, self.admin)
        self.assertEqual((check.since, check.until), (dt.date(2025, 3, 1), dt.date(2025, 3, 31)))
        self.assertEqual((check.seed, check.sample_size, check.events_in_sample), (4711, 20, 20))
        self.assertEqual((check.head_sequence, check.head_hash), head)
        self.assertTrue(check.chain_intact)
        self.assertEqual(check.outcome, LogCheck.Outcome.NO_FINDINGS)
        logged = AuditEvent.objects.get(object_type="privacy.logcheck")
        self.assertEqual(
            (logged.action, logged.user, logged.person_uuid), ("create", self.admin, None)
        )
        page = self.client.get(reverse("privacy:review"))
        self.assertContains(page, "4711")
        self.assertContains(page, head[1][:16])

    def test_findings_need_notes(self) -> None:
        response = self.client.post(
            reverse("privacy:review-sample"),
            {
                "since": "2025-03-01",
                "until": "2025-03-31",
                "size": "20",
                "seed": "4711",
                "outcome": "findings",
                "notes": "  ",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="check_notes_error"')
        self.assertFalse(LogCheck.objects.exists())
