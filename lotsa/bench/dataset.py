"""The benchmark's synthetic, deterministic data set at size S, M or L.

Size L is the national scale of ARCHITECTURE.md: 100,000 offerings in every Swedish and
Danish municipality, 10,000 staff users, 1,000,000 referrals and about 5,000,000
assessments. Offerings cluster where people live (a municipality is picked in proportion to
the population of its towns, then the place is scattered within 5 km of its biggest town),
as real activities do. About 1,100 health centres each have a link worker team; every link
worker has 60 open cases. Everything is made with bulk inserts (PostgreSQL `COPY`) from one
seeded generator, so the same size gives the same data.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone, translation
from faker import Faker

from lotsa.accounts.models import Membership, Organization, Team, User
from lotsa.directory import demo_data, search
from lotsa.directory.management.commands.seed_demo import (
    draft_synthetic_offering,
    insert_offerings,
)
from lotsa.lib import municipalities
from lotsa.outcomes import instruments
from lotsa.outcomes.models import (
    Assessment,
    ExperienceSurvey,
    FollowUp,
    HealthcareUse,
    Mode,
    OutcomeSettings,
)
from lotsa.people.models import Consent, Person
from lotsa.referrals.models import ActivityReferral, Case, Contact, Referral

from . import bulk

SEED = 2026
PASSWORD = "lotsa-bench-2026"  # noqa: S105 - synthetic users of a throw-away database
EMAIL_DOMAIN = "bench.lotsa.test"
COMPLETE = f"data-set-complete@{EMAIL_DOMAIN}"
OPEN_CASES_PER_LINK_WORKER = 60
LINK_WORKERS_PER_TEAM = 2
NEW_REFERRALS_PER_TEAM = 4
OFFERINGS_PER_ORGANISATION = 25
YEARS = 5
FOLLOW_UP_MONTHS = (0, 3, 6, 12)
# Share of closed cases whose follow-up at 0/3/6/12 months was answered.
ANSWERED = {0: 1.0, 3: 0.85, 6: 0.7, 12: 0.55}
INSTRUMENTS = {"SE": ("ucla3", "who5"), "DK": ("who5", "djg6")}


@dataclass(frozen=True)
class Size:
    name: str
    offerings: int
    staff: int
    referrals: int
    # Assessments follow from the referrals (cases × answered follow-ups × instruments);
    # this is the figure the size aims at, printed beside what was made.
    assessments: int

    @property
    def health_centres(self) -> int:
        return max(4, self.staff // 9)


SIZES = {
    "S": Size("S", offerings=2_000, staff=200, referrals=5_000, assessments=25_000),
    "M": Size("M", offerings=20_000, staff=2_000, referrals=100_000, assessments=500_000),
    "L": Size("L", offerings=100_000, staff=10_000, referrals=1_000_000, assessments=5_000_000),
}


@dataclass
class Ids:
    """The next primary key of each table (the data set is built into an empty database)."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, model: type[Any], count: int = 1) -> int:
        first = self.next.get(model.__name__, 1)
        self.next[model.__name__] = first + count
        return first


@dataclass
class Built:
    counts: dict[str, int]
    seconds: dict[str, float]


class Builder:
    def __init__(self, size: Size, *, log: Callable[[str], object] = print) -> None:
        self.size = size
        self.log = log
        self.rng = random.Random(SEED)  # noqa: S311 - synthetic data, not security
        self.fake = {"SE": Faker("sv_SE"), "DK": Faker("da_DK")}
        for fake in self.fake.values():
            fake.seed_instance(SEED)
        # Naive UTC, as both databases take it in bulk (Django keeps UTC in the database).
        self.now = timezone.now().replace(tzinfo=None)
        self.today = timezone.localdate()
        self.ids = Ids()
        self.places = [m for m in municipalities.all_municipalities().values() if m.lat and m.lon]
        populations = municipalities.populations()
        self.weights = [max(1, populations.get(m.key, 0)) for m in self.places]
        self.counts: dict[str, int] = {}
        self.offerings_by_municipality: dict[str, list[int]] = {}
        self.all_offerings: list[int] = []
        self.organisation_of: dict[int, int] = {}
        self.json_texts: dict[str, str] = {}
        self.scores: dict[tuple[str, tuple[int, ...]], tuple[dict[str, Any], float | None]] = {}

    # --- the steps --------------------------------------------------------------------------

    def build(self) -> Built:
        self._skip_foreign_key_checks(True)
        try:
            return self._build()
        finally:
            self._skip_foreign_key_checks(False)

    @staticmethod
    def _skip_foreign_key_checks(skip: bool) -> None:
        """The generator makes every key before it points at it, so the database need not
        check millions of foreign keys one by one (at size L, PostgreSQL queued one deferred
        trigger event per row and spent most of the build's COMMIT on them). Checked once,
        in bulk, at the end instead (`check_foreign_keys`)."""
        if connection.in_atomic_block:
            return  # inside a test's transaction: leave the checks on
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # A throw-away database: no fsync per transaction, and a page cache that
                # holds the indexes the bulk inserts keep updating.
                cursor.execute(f"PRAGMA foreign_keys={'OFF' if skip else 'ON'}")
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA cache_size=-2000000")
            elif connection.vendor == "postgresql":
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                (superuser,) = cursor.fetchone()
                if superuser:  # only a superuser may turn the triggers off
                    cursor.execute(
                        f"SET session_replication_role = {'replica' if skip else 'DEFAULT'}"
                    )

    def _build(self) -> Built:
        seconds = {}
        for name, step in (
            ("directory", self.directory),
            ("search index", self.index),
            ("health centres and staff", self.staff),
            ("people, referrals, cases, outcomes", self.casework),
            ("key checks and statistics", self.analyze),
        ):
            started = time.perf_counter()
            with transaction.atomic():
                step()
            seconds[name] = round(time.perf_counter() - started, 1)
            self.log(f"  {name}: {seconds[name]} s")
        # The mark of a finished build: a data set cut short by an error has none.
        User.objects.create(email=COMPLETE, is_active=False)
        return Built(dict(self.counts), seconds)

    def directory(self) -> None:
        """Associations and their offerings, clustered where people live."""
        size = self.size.offerings
        count = max(2, size // OFFERINGS_PER_ORGANISATION)
        homes = self.rng.choices(self.places, weights=self.weights, k=size)
        organisations = Organization.objects.bulk_create(
            Organization(
                name=f"Benchföreningen {n:05d}",
                kind=Organization.Kind.ASSOCIATION,
                country=homes[n % size].country,
                municipality=homes[n % size].key,
            )
            for n in range(count)
        )
        by_country: dict[str, list[Organization]] = {"SE": [], "DK": []}
        for organisation in organisations:
            by_country[organisation.country].append(organisation)
        activities = {
            "SE": list(demo_data.SV_ACTIVITIES.values()),
            "DK": list(demo_data.DA_ACTIVITIES.values()),
        }
        chunk = []
        chunk_homes: list[str] = []
        for n, home in enumerate(homes):
            pool = by_country[home.country] or organisations
            organisation = pool[n % len(pool)]
            chunk.append(
                draft_synthetic_offering(
                    home,
                    organisation,
                    activities[home.country],
                    rng=self.rng,
                    fake=self.fake[home.country],
                    today=self.today,
                )
            )
            chunk_homes.append(home.key)
            if len(chunk) == 5_000 or n == size - 1:
                saved = insert_offerings(chunk)
                for municipality, offering in zip(chunk_homes, saved, strict=True):
                    self.offerings_by_municipality.setdefault(municipality, []).append(offering.pk)
                    self.all_offerings.append(offering.pk)
                    self.organisation_of[offering.pk] = offering.organization_id
                chunk, chunk_homes = [], []
        self.counts["organisations (associations)"] = count
        self.counts["offerings"] = size
        self.counts["municipalities with offerings"] = len(self.offerings_by_municipality)

    def index(self) -> None:
        search.reindex(self.all_offerings)

    def staff(self) -> None:
        """Health centres, each with a link worker team, clinicians and a manager; one manager
        of every health centre (the reports over the whole data set)."""
        n_centres = self.size.health_centres
        homes = self.rng.choices(self.places, weights=self.weights, k=n_centres)
        self.centres = Organization.objects.bulk_create(
            Organization(
                name=f"Benchvårdcentralen {n:04d}",
                kind=Organization.Kind.HEALTH_CENTRE,
                country=home.country,
                municipality=home.key,
            )
            for n, home in enumerate(homes)
        )
        OutcomeSettings.objects.bulk_create(
            OutcomeSettings(organization=centre, instruments=list(INSTRUMENTS[centre.country]))
            for centre in self.centres
        )
        self.teams = Team.objects.bulk_create(
            Team(
                name=f"Hälsolotsarna {n:04d}", organization=centre, municipality=centre.municipality
            )
            for n, centre in enumerate(self.centres)
        )
        per_centre = max(LINK_WORKERS_PER_TEAM + 2, self.size.staff // n_centres)
        password = make_password(PASSWORD)
        users: list[User] = []
        memberships: list[Membership] = []
        self.link_workers: list[list[int]] = []
        self.clinicians: list[list[int]] = []
        user_id = self.ids.take(User, n_centres * per_centre + 1)
        for n, centre in enumerate(self.centres):
            roles = [Membership.Role.LINK_WORKER] * LINK_WORKERS_PER_TEAM + [
                Membership.Role.MANAGER
            ]
            roles += [Membership.Role.CLINICIAN] * (per_centre - len(roles))
            link_workers, clinicians = [], []
            for k, role in enumerate(roles):
                users.append(
                    User(
                        id=user_id,
                        email=f"{role.replace('_', '-')}-{n:04d}-{k}@{EMAIL_DOMAIN}",
                        password=password,
                        first_name="Bench",
                        last_name=f"{n:04d}-{k}",
                        language="da" if centre.country == "DK" else "sv",
                    )
                )
                memberships.append(Membership(user_id=user_id, organization=centre, role=role))
                if role == Membership.Role.LINK_WORKER:
                    link_workers.append(user_id)
                elif role == Membership.Role.CLINICIAN:
                    clinicians.append(user_id)
                user_id += 1
            self.link_workers.append(link_workers)
            self.clinicians.append(clinicians)
        # The manager of every health centre: the reports over the whole data set.
        users.append(
            User(
                id=user_id,
                email=f"manager-all@{EMAIL_DOMAIN}",
                password=password,
                first_name="Bench",
                last_name="Manager",
            )
        )
        memberships += [
            Membership(user_id=user_id, organization=centre, role=Membership.Role.MANAGER)
            for centre in self.centres
        ]
        User.objects.bulk_create(users, batch_size=2_000)
        Membership.objects.bulk_create(memberships, batch_size=5_000)
        Team.members.through.objects.bulk_create(
            [
                Team.members.through(team_id=team.pk, user_id=worker)
                for team, workers in zip(self.teams, self.link_workers, strict=True)
                for worker in workers
            ],
            batch_size=5_000,
        )
        bulk.reset_sequences(User)
        self.counts["health centres"] = n_centres
        self.counts["staff users"] = len(users)

    def casework(self) -> None:
        """People, their referrals, cases, contacts, activity referrals, follow-ups,
        assessments, experience surveys and health-care use — team by team, streamed."""
        n_centres = len(self.centres)
        per_centre = [self.size.referrals // n_centres] * n_centres
        for n in range(self.size.referrals % n_centres):
            per_centre[n] += 1
        tables: dict[type[Any], list[tuple[Any, ...]]] = {}
        columns = self._columns()
        names = [
            (self.fake[c].first_name(), self.fake[c].last_name())
            for c in ("SE", "DK")
            for _n in range(150)
        ]
        for n, (centre, team) in enumerate(zip(self.centres, self.teams, strict=True)):
            self._centre(n, centre, team, per_centre[n], names, tables)
            if sum(len(rows) for rows in tables.values()) > 200_000 or n == n_centres - 1:
                for model, rows in tables.items():
                    bulk.insert(model, columns[model], rows, ready=True)
                    with translation.override("en"):  # the results file is in English
                        label = str(model._meta.verbose_name_plural)
                    self.counts[label] = self.counts.get(label, 0) + len(rows)
                tables = {}
        bulk.reset_sequences(
            Person,
            Consent,
            Referral,
            Case,
            Contact,
            ActivityReferral,
            FollowUp,
            Assessment,
            ExperienceSurvey,
            HealthcareUse,
        )

    def analyze(self) -> None:
        check_foreign_keys()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # --- one health centre's people ---------------------------------------------------------

    @staticmethod
    def _columns() -> dict[type[Any], tuple[str, ...]]:
        return {
            Person: (
                "id", "uuid", "first_name", "last_name", "birth_date", "sex", "municipality",
                "language", "phone", "created_at", "updated_at",
            ),
            Consent: ("id", "person_id", "scope", "team_id", "organization_id", "fields",
                      "method", "given_at", "recorded_by_id"),
            Referral: (
                "id", "uuid", "source", "person_id", "team_id", "referring_organization_id",
                "referred_by_id", "reasons", "agreed_to_be_called", "ucla3_score", "status",
                "due_on", "assigned_to_id", "first_contact_at", "triaged_at",
                "submission_key", "created_at",
            ),
            Case: (
                "id", "uuid", "referral_id", "person_id", "team_id", "assigned_to_id",
                "opened_at", "stage", "stage_changed_at", "next_action_on", "closed_at",
                "closure_reason", "next_step",
            ),
            Contact: ("id", "case_id", "happened_on", "channel", "reached", "recorded_by_id",
                      "created_at"),
            ActivityReferral: (
                "id", "uuid", "case_id", "offering_id", "consent_id", "status", "reason",
                "participation", "started_on", "stopped_on", "created_by_id", "created_at",
                "answered_at", "updated_at", "submission_key",
            ),
            FollowUp: ("id", "uuid", "case_id", "months", "due_on", "completed_at",
                       "created_at"),
            Assessment: ("id", "uuid", "case_id", "follow_up_id", "instrument", "answers",
                         "scores", "score", "answered_on", "mode", "recorded_by_id",
                         "created_at"),
            ExperienceSurvey: ("id", "uuid", "case_id", "follow_up_id", "satisfaction",
                               "hours_suited", "progress", "answered_on", "mode",
                               "recorded_by_id", "created_at"),
            HealthcareUse: ("id", "case_id", "period", "gp_visits", "emergency_visits",
                            "source", "updated_at"),
        }  # fmt: skip

    def _uuid(self) -> str:
        return bulk.uuid_hex(self.rng.getrandbits(128))

    def _json(self, value: Any) -> str:
        """JSON text, made once per distinct value (answers repeat a lot)."""
        key = repr(value)
        text = self.json_texts.get(key)
        if text is None:
            text = self.json_texts[key] = json.dumps(value, ensure_ascii=False)
        return text

    def _centre(
        self,
        n: int,
        centre: Organization,
        team: Team,
        count: int,
        names: list[tuple[str, str]],
        tables: dict[type[Any], list[tuple[Any, ...]]],
    ) -> None:
        rng = self.rng

        def add(model: type[Any], row: tuple[Any, ...]) -> None:
            tables.setdefault(model, []).append(row)

        link_workers = self.link_workers[n]
        clinicians = self.clinicians[n]
        nearby = self.offerings_by_municipality.get(centre.municipality) or self.all_offerings
        codes = INSTRUMENTS[centre.country]
        language = "da" if centre.country == "DK" else "sv"
        span = YEARS * 365 * 24 * 3600
        # The oldest first; the newest `NEW_REFERRALS_PER_TEAM` wait in the inbox, and the
        # newest accepted ones before them are the link workers' open cases.
        offsets = sorted((rng.random() * span for _k in range(count)), reverse=True)
        open_left = OPEN_CASES_PER_LINK_WORKER * len(link_workers)
        statuses = []
        for k in range(count):
            newest = count - k
            if newest <= NEW_REFERRALS_PER_TEAM:
                statuses.append(Referral.Status.NEW)
            else:
                roll = rng.random()
                statuses.append(
                    Referral.Status.DECLINED
                    if roll < 0.07
                    else Referral.Status.FORWARDED
                    if roll < 0.09
                    else Referral.Status.ACCEPTED
                )
        is_open = [False] * count
        workers = [link_workers[k % len(link_workers)] for k in range(count)]
        for k in range(count - 1, -1, -1):
            if open_left and statuses[k] == Referral.Status.ACCEPTED:
                is_open[k] = True
                open_left -= 1
                # Open cases go round the team, so that each link worker has exactly 60.
                workers[k] = link_workers[open_left % len(link_workers)]
        for k in range(count):
            created = self.now - dt.timedelta(seconds=offsets[k] + 3600 * 24 * 3)
            person_id = self.ids.take(Person)
            first, last = rng.choice(names)
            add(
                Person,
                (
                    person_id, self._uuid(), first, last,
                    dt.date(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)),
                    rng.choice(("female", "female", "male", "male", "other")),
                    centre.municipality, language, f"070{rng.randint(1000000, 9999999)}",
                    created, created,
                ),
            )  # fmt: skip
            consent_id = self.ids.take(Consent)
            clinician = rng.choice(clinicians) if clinicians else None
            add(
                Consent,
                (consent_id, person_id, Consent.Scope.TEAM, team.pk, None, "[]", "verbal",
                 created, clinician),
            )  # fmt: skip
            status = statuses[k]
            worker = workers[k]
            contacted = created + dt.timedelta(days=rng.randint(0, 9))
            referral_id = self.ids.take(Referral)
            reasons = rng.sample(
                ["loneliness", "isolation", "low_mood", "bereavement", "sick_leave",
                 "unemployment", "carer_strain", "newly_arrived"],
                k=rng.randint(1, 2),
            )  # fmt: skip
            source = rng.choices(("clinician", "connector", "self"), weights=(8, 1, 1))[0]
            add(
                Referral,
                (
                    referral_id, self._uuid(), source, person_id, team.pk,
                    centre.pk if source == "clinician" else None,
                    clinician if source == "clinician" else None, self._json(reasons), True,
                    rng.randint(3, 9) if rng.random() < 0.6 else None, status,
                    (created + dt.timedelta(days=7)).date(),
                    worker if status != Referral.Status.NEW else None,
                    contacted if status == Referral.Status.ACCEPTED else None,
                    contacted if status != Referral.Status.NEW else None,
                    self._uuid(), created,
                ),
            )  # fmt: skip
            if status != Referral.Status.ACCEPTED:
                continue
            self._case(
                add,
                k,
                is_open[k],
                person_id,
                referral_id,
                team,
                worker,
                contacted,
                nearby,
                codes,
            )

    def _case(
        self,
        add: Callable[[type[Any], tuple[Any, ...]], None],
        k: int,
        is_open: bool,
        person_id: int,
        referral_id: int,
        team: Team,
        worker: int,
        opened: dt.datetime,
        nearby: list[int],
        codes: tuple[str, ...],
    ) -> None:
        rng = self.rng
        case_id = self.ids.take(Case)
        age_days = (self.now - opened).days
        closed = None
        if not is_open:
            closed = opened + dt.timedelta(days=min(age_days, rng.randint(60, 400)))
        stage = rng.choice(["mapping", "talks", "ready", "in_activity", "follow_up"])
        add(
            Case,
            (
                case_id, self._uuid(), referral_id, person_id, team.pk, worker, opened,
                "next_step" if closed else stage, opened,
                (self.today + dt.timedelta(days=rng.randint(-5, 30))) if not closed else None,
                closed, rng.choice(["goals_met", "declined", "no_contact", "moved"]) if closed
                else "", rng.choice(["", "studies", "work", "programme", "none"]) if closed
                else "",
            ),
        )  # fmt: skip
        add(
            Contact,
            (self.ids.take(Contact), case_id, opened.date(), "phone", True, worker, opened),
        )
        if rng.random() < 0.7:
            offering = rng.choice(nearby)
            consent_id = self.ids.take(Consent)
            add(
                Consent,
                (consent_id, person_id, Consent.Scope.PROVIDER, None,
                 self.organisation_of[offering], self._json(["name", "phone"]), "verbal", opened,
                 worker),
            )  # fmt: skip
            status, reason, participation, started, stopped = self._activity_outcome(is_open)
            sent = opened + dt.timedelta(days=rng.randint(7, 40))
            add(
                ActivityReferral,
                (
                    self.ids.take(ActivityReferral), self._uuid(), case_id, offering,
                    consent_id, status, reason, participation,
                    started and (sent + dt.timedelta(days=started)).date(),
                    stopped and (sent + dt.timedelta(days=stopped)).date(),
                    worker, sent, None if status == "requested" else sent, sent, self._uuid(),
                ),
            )  # fmt: skip
        level = rng.random()  # how the person is doing at the start, 0 = worst
        gain = rng.gauss(0.12, 0.15)  # how much better they get by 12 months
        for months in FOLLOW_UP_MONTHS:
            due = opened + dt.timedelta(days=round(months * 30.44))
            answered = due < self.now and (
                (is_open and months == 0) or (not is_open and rng.random() < ANSWERED[months])
            )
            follow_up_id = self.ids.take(FollowUp)
            add(
                FollowUp,
                (follow_up_id, self._uuid(), case_id, months, due.date(),
                 due if answered else None, opened),
            )  # fmt: skip
            if not answered:
                continue
            wellbeing = min(1.0, max(0.0, level + gain * months / 12 + rng.gauss(0, 0.08)))
            for code in codes:
                answers, scores, score = self._answers(code, wellbeing)
                add(
                    Assessment,
                    (self.ids.take(Assessment), self._uuid(), case_id, follow_up_id, code,
                     self._json(answers), self._json(scores), score, due.date(),
                     Mode.WITH_LINK_WORKER, worker, due),
                )  # fmt: skip
            if months == 3 and rng.random() < 0.5:
                add(
                    ExperienceSurvey,
                    (self.ids.take(ExperienceSurvey), self._uuid(), case_id, follow_up_id,
                     rng.choice((3, 4, 4, 5, 5)), rng.choice(("yes", "yes", "partly", "no")),
                     rng.choice(("much", "some", "some", "none")), due.date(),
                     Mode.WITH_LINK_WORKER, worker, due),
                )  # fmt: skip
        if not is_open and rng.random() < 0.3:
            before = rng.randint(1, 9)
            for period, visits in (
                ("before", before),
                ("after", max(0, before - rng.randint(-1, 3))),
            ):
                add(
                    HealthcareUse,
                    (self.ids.take(HealthcareUse), case_id, period, visits,
                     max(0, visits // 3 - rng.randint(0, 1)), "imported", opened),
                )  # fmt: skip

    def _activity_outcome(self, is_open: bool) -> tuple[str, str, str, int | None, int | None]:
        """(status, reason, participation, started after days, stopped after days)."""
        rng = self.rng
        if is_open:
            return rng.choice(
                [("requested", "", "", None, None), ("accepted", "", "", None, None),
                 ("in-progress", "", "attending", 10, None)]
            )  # fmt: skip
        return rng.choices(
            [
                ("completed", "", "attending", 12, 200),
                ("in-progress", "", "stopped", 14, 70),
                ("rejected", "no_capacity", "", None, None),
                ("cancelled", "person_declined", "", None, None),
                ("failed", "no_contact", "", None, None),
            ],
            weights=(45, 20, 12, 15, 8),
        )[0]

    def _answers(
        self, code: str, wellbeing: float
    ) -> tuple[dict[str, int | None], dict[str, Any], float | None]:
        """Answers that fit `wellbeing` (0–1) with some noise, scored by the instrument."""
        instrument = instruments.get(code)
        values = []
        for item in instrument.items:
            choices = sorted(choice.value for choice in item.choices)
            good = wellbeing + self.rng.gauss(0, 0.15)
            index = min(len(choices) - 1, max(0, round(good * (len(choices) - 1))))
            # Loneliness scales count upwards: the better the person is, the lower the answer.
            reverse = not instrument.scales[0].higher_is_better
            if code == "djg6":
                # "yes" (1) is the good answer to the positive, social items; "no" (3) to
                # the negative, emotional ones.
                reverse = item.key in ("rely_on", "trust", "close_to")
            values.append(choices[index] if not reverse else choices[-1 - index])
        key = (code, tuple(values))
        if key not in self.scores:
            answers = dict(zip(instrument.item_keys, values, strict=True))
            scores = instrument.score(answers)
            self.scores[key] = (scores, instrument.primary_score(scores))
        scores, score = self.scores[key]
        return dict(zip(instrument.item_keys, values, strict=True)), scores, score


def check_foreign_keys() -> None:
    """Every foreign key of every table points at a row, checked with one anti-join per key
    (the build turns the row-by-row checks off); raises with the first broken one."""
    from django.apps import apps

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.ForeignKey):  # one-to-one fields are, too
                    continue
                target = field.target_field
                sql = (
                    f"SELECT count(*) FROM {quote(model._meta.db_table)} c "  # noqa: S608 - names are the models'
                    f"WHERE c.{quote(field.column)} IS NOT NULL AND NOT EXISTS ("
                    f"SELECT 1 FROM {quote(target.model._meta.db_table)} p "
                    f"WHERE p.{quote(target.column)} = c.{quote(field.column)})"
                )
                cursor.execute(sql)
                (broken,) = cursor.fetchone()
                if broken:
                    raise RuntimeError(
                        f"{broken} rows of {model._meta.label}.{field.name} point at nothing"
                    )
