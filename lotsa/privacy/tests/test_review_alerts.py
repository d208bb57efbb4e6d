"""Alerts for unusual access: each kind fires on a crafted log and stays quiet on a normal one;
the alerts page costs the same number of queries for one user and for thirty."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lotsa.accounts.models import Organization
from lotsa.audit.models import AuditEvent
from lotsa.privacy import review
from lotsa.privacy.review import AlertKind
from lotsa.test import (
    BaseTestCase,
    Role,
    make_activity_referral,
    make_case,
    make_offering,
    make_organization,
    make_user,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
READ = AuditEvent.Action.READ
MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    """A local time in 2025 (Monday 3 March is an ordinary working day)."""
    return dt.datetime(2025, month, day, hour, minute, tzinfo=STOCKHOLM)


def read(user, person_uuid, when, *, unit=None, purpose="case work", action=READ, ip=None):
    return AuditEvent(
        action=action,
        user=user,
        person_uuid=person_uuid,
        at=when,
        organization_id=unit,
        object_type="people.person",
        object_id="1",
        purpose=purpose,
        ip_address=ip,
    )


def write(*events: AuditEvent) -> None:
    AuditEvent.objects.bulk_create(list(events))


def kinds(findings: list[review.Finding], kind: str) -> list[review.Finding]:
    return [f for f in findings if f.kind == kind]


class AlertsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case_a = make_case(cls.team_a, cls.link_worker, cls.gp)
        cls.case_b = make_case(cls.team_b, cls.outsider_link_worker, cls.outsider)
        cls.person_a, cls.person_b = cls.case_a.person, cls.case_b.person
        offering = make_offering(cls.association, index=False)
        make_activity_referral(cls.case_a, offering, cls.link_worker)
        cls.danish_unit = make_organization(
            "Sundhedshuset Vest", Organization.Kind.HEALTH_CENTRE, country="DK"
        )

    def alerts(self, kind: str, since: dt.date = MARCH[0], until: dt.date = MARCH[1]):
        return kinds(review.alerts(since, until), kind)


class ANormalLogTests(AlertsTestCase):
    def test_a_normal_week_raises_no_alert(self) -> None:
        a, centre = self.person_a.uuid, self.health_centre_a.pk
        write(
            read(self.link_worker, a, at(3, 9), unit=centre),
            read(self.link_worker, a, at(3, 16, 30), unit=centre),
            read(self.gp, a, at(4, 11), unit=centre, purpose="follow referral"),
            read(self.provider, a, at(5, 14), unit=self.association.pk, purpose="answer referral"),
            read(self.outsider_link_worker, self.person_b.uuid, at(6, 8), unit=self.team_b.pk),
            read(self.admin, a, at(7, 10), unit=self.municipality.pk, purpose="log review"),
        )
        self.assertEqual(review.alerts(*MARCH), [])


class ManyPeopleTests(AlertsTestCase):
    def test_more_than_twenty_people_within_an_hour_is_one_finding(self) -> None:
        people = [uuid.uuid4() for _ in range(21)]
        write(
            *[
                read(self.link_worker, person, at(3, 10) + dt.timedelta(minutes=2 * i))
                for i, person in enumerate(people)
            ]
        )
        [finding] = self.alerts(AlertKind.MANY_PEOPLE)
        self.assertEqual(finding.user, self.link_worker)
        self.assertEqual(finding.count, 21)
        self.assertEqual(len(finding.events), 21)
        self.assertEqual(finding.at, at(3, 10))

    def test_twenty_people_in_an_hour_or_twenty_one_over_three_hours_is_normal(self) -> None:
        write(
            *[
                read(self.link_worker, uuid.uuid4(), at(3, 10) + dt.timedelta(minutes=2 * i))
                for i in range(20)
            ],
            *[
                read(self.gp, uuid.uuid4(), at(4, 9) + dt.timedelta(minutes=9 * i))
                for i in range(21)
            ],
            *[
                read(self.provider, self.person_a.uuid, at(5, 9) + dt.timedelta(minutes=i))
                for i in range(50)
            ],
        )
        self.assertEqual(self.alerts(AlertKind.MANY_PEOPLE), [])

    def test_opening_a_caseload_of_sixty_is_not_reading_sixty_people(self) -> None:
        write(
            *[
                read(self.link_worker, uuid.uuid4(), at(3, 10), purpose="caseload")
                for _ in range(60)
            ]
        )
        self.assertEqual(self.alerts(AlertKind.MANY_PEOPLE), [])

    @override_settings(LOTSA_ALERT_PEOPLE_PER_HOUR=3)
    def test_the_limit_is_a_setting_and_a_long_burst_is_one_finding(self) -> None:
        write(
            *[
                read(self.link_worker, uuid.uuid4(), at(3, 10) + dt.timedelta(minutes=10 * i))
                for i in range(12)
            ]
        )
        [finding] = self.alerts(AlertKind.MANY_PEOPLE)
        self.assertEqual(finding.count, 6)  # the most people in any one hour
        self.assertEqual(len(finding.events), 12)


class OutsideWorkingHoursTests(AlertsTestCase):
    def findings(self, *times: dt.datetime, unit: int | None = None) -> list[review.Finding]:
        write(*[read(self.link_worker, self.person_a.uuid, t, unit=unit) for t in times])
        return self.alerts(AlertKind.OUTSIDE_HOURS, dt.date(2025, 1, 1), dt.date(2025, 12, 31))

    def test_working_hours_on_a_weekday_are_normal(self) -> None:
        self.assertEqual(self.findings(at(3, 7), at(3, 12), at(3, 17, 59)), [])

    def test_evenings_nights_and_weekends_are_found_per_user_and_day(self) -> None:
        found = self.findings(at(3, 6, 59), at(3, 18), at(3, 23, 30), at(8, 10), at(9, 10))
        self.assertEqual(
            [(f.at, f.count) for f in found], [(at(3, 6, 59), 3), (at(8, 10), 1), (at(9, 10), 1)]
        )
        self.assertEqual(found[0].user, self.link_worker)

    def test_swedish_holidays_count_for_a_swedish_unit(self) -> None:
        found = self.findings(
            at(6, 10, month=1),  # Epiphany
            at(18, 10, month=4),  # Good Friday
            at(6, 10, month=6),  # National Day
            at(20, 10, month=6),  # Midsummer Eve
            at(5, 10, month=6),  # Danish Constitution Day: a working day in Sweden
            unit=self.health_centre_a.pk,
        )
        self.assertEqual(
            [f.at.astimezone(STOCKHOLM).date().isoformat() for f in found],
            ["2025-01-06", "2025-04-18", "2025-06-06", "2025-06-20"],
        )

    def test_danish_holidays_count_for_a_danish_unit(self) -> None:
        found = self.findings(
            at(17, 10, month=4),  # Maundy Thursday
            at(5, 10, month=6),  # Constitution Day
            at(9, 10, month=6),  # Whit Monday
            at(6, 10, month=6),  # Swedish National Day: a working day in Denmark
            unit=self.danish_unit.pk,
        )
        self.assertEqual(
            [f.at.astimezone(STOCKHOLM).date().isoformat() for f in found],
            ["2025-04-17", "2025-06-05", "2025-06-09"],
        )

    @override_settings(LOTSA_WORKING_HOURS="08:30-16:00")
    def test_the_working_hours_are_a_setting(self) -> None:
        found = self.findings(at(3, 8, 15), at(4, 8, 30), at(4, 15, 59), at(5, 16))
        self.assertEqual([f.at for f in found], [at(3, 8, 15), at(5, 16)])


class OutsideCaseloadTests(AlertsTestCase):
    def test_reading_someone_of_another_team_is_found(self) -> None:
        b = self.person_b.uuid
        write(
            read(self.link_worker, b, at(3, 10), unit=self.health_centre_a.pk),
            read(self.link_worker, b, at(3, 11), unit=self.health_centre_a.pk),
            read(self.provider, b, at(3, 12), unit=self.association.pk),
        )
        found = self.alerts(AlertKind.OUTSIDE_CASELOAD)
        self.assertEqual(
            [(f.user, f.person_uuid, f.count) for f in found],
            [(self.link_worker, b, 2), (self.provider, b, 1)],
        )

    def test_the_team_the_referring_unit_the_provider_and_the_administrator_are_normal(self):
        a, b = self.person_a.uuid, self.person_b.uuid
        write(
            read(self.link_worker, a, at(3, 10)),
            read(self.gp, a, at(3, 10)),
            read(self.provider, a, at(3, 10)),
            read(self.outsider_link_worker, b, at(3, 10)),
            read(self.outsider, b, at(3, 10)),
            read(self.admin, b, at(3, 10), unit=self.municipality.pk, purpose="log review"),
        )
        self.assertEqual(self.alerts(AlertKind.OUTSIDE_CASELOAD), [])

    def test_a_user_who_left_the_team_is_found(self) -> None:
        self.team_a.members.remove(self.link_worker)
        write(read(self.link_worker, self.person_a.uuid, at(3, 10)))
        self.assertEqual(len(self.alerts(AlertKind.OUTSIDE_CASELOAD)), 1)

    def test_it_costs_no_query_per_event(self) -> None:
        write(*[read(self.link_worker, uuid.uuid4(), at(3, 10, i)) for i in range(40)])
        reads = review._reads(*MARCH)
        with CaptureQueriesContext(connection) as captured:
            found = review.outside_caseload(reads)
        self.assertEqual(len(found), 40)
        self.assertEqual(len(captured), 1)


class BreakGlassAndDeniedTests(AlertsTestCase):
    def test_every_break_glass_access_is_found(self) -> None:
        purpose = "break-glass: Her daughter called: not heard of since Friday."
        b = self.person_b.uuid
        write(
            read(self.admin, b, at(3, 10), unit=self.municipality.pk, purpose=purpose),
            read(self.admin, b, at(3, 10, 5), unit=self.municipality.pk, purpose=purpose),
            read(self.admin, b, at(3, 10, 9), unit=self.municipality.pk, purpose="log review"),
        )
        [finding] = self.alerts(AlertKind.BREAK_GLASS)
        self.assertEqual((finding.user, finding.person_uuid, finding.count), (self.admin, b, 2))
        self.assertEqual(self.alerts(AlertKind.OUTSIDE_CASELOAD), [])

    def test_denied_attempts_are_found_per_user_and_per_address(self) -> None:
        denied = AuditEvent.Action.DENIED
        write(
            read(self.outsider, self.person_a.uuid, at(3, 10), action=denied),
            read(self.outsider, None, at(3, 10, 1), action=denied),
            read(None, None, at(3, 11), action=denied, ip="192.0.2.7"),
            read(None, None, at(3, 12), action=denied, ip="192.0.2.8"),
            read(self.outsider, None, at(4, 10), action=denied),
        )
        found = self.alerts(AlertKind.DENIED)
        self.assertEqual(
            [(f.user, f.count) for f in found],
            [(self.outsider, 2), (None, 1), (None, 1), (self.outsider, 1)],
        )

    def test_no_denied_attempt_no_alert(self) -> None:
        write(read(self.link_worker, self.person_a.uuid, at(3, 10)))
        self.assertEqual(self.alerts(AlertKind.DENIED), [])
        self.assertEqual(self.alerts(AlertKind.BREAK_GLASS), [])


class AlertsPageTests(AlertsTestCase):
    def setUp(self) -> None:
        self.login(self.admin)

    def crowd(self, count: int, name: str) -> None:
        """`count` users who each read 21 strangers one evening, try a page they may not
        see and hold a break-glass access: every kind of alert, for every one of them."""
        events = []
        for n in range(count):
            user = make_user(f"{name}{n}@example.org", self.health_centre_b, Role.LINK_WORKER)
            unit = self.health_centre_b.pk
            events += [read(user, uuid.uuid4(), at(3, 21, i), unit=unit) for i in range(21)]
            events.append(read(user, None, at(3, 21, 30), action=AuditEvent.Action.DENIED))
            events.append(read(user, uuid.uuid4(), at(3, 21, 40), purpose="break-glass: x"))
        write(*events)

    def queries(self) -> tuple[int, list[review.Finding]]:
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(
                reverse("privacy:review-alerts"), {"since": "2025-03-01", "until": "2025-03-31"}
            )
        self.assertEqual(response.status_code, 200)
        findings = [f for group in response.context["groups"] for f in group["findings"]]
        return len(captured), findings

    def test_it_costs_the_same_for_one_user_and_for_thirty(self) -> None:
        self.crowd(1, "alone")
        one, found = self.queries()
        self.assertEqual({f.kind for f in found}, set(AlertKind.values))
        self.crowd(30, "crowd")
        thirty, found = self.queries()
        self.assertEqual(len(kinds(found, AlertKind.MANY_PEOPLE)), 31)
        self.assertEqual(one, thirty)

    def test_it_shows_the_findings_of_the_last_seven_days_by_default(self) -> None:
        with time_machine.travel(at(10, 12), tick=False):
            write(read(self.link_worker, self.person_b.uuid, at(3, 10)))  # 8 days ago
            write(read(self.link_worker, self.person_b.uuid, at(4, 22)))
            response = self.client.get(reverse("privacy:review-alerts"))
        self.assertEqual(
            (response.context["since"], response.context["until"]),
            (dt.date(2025, 3, 4), dt.date(2025, 3, 10)),
        )
        found = [f for group in response.context["groups"] for f in group["findings"]]
        self.assertEqual({f.kind for f in found}, {"outside_hours", "outside_caseload"})
        self.assertContains(response, reverse("privacy:review-person", args=[self.person_b.uuid]))
        self.assertContains(response, "lw@example.org")
