"""The demo's outcome measurement: instruments per organisation, baselines and follow-ups
with plausible scores, experience surveys and health-care use, enough for every outcome
report to show numbers and charts.

`manage.py seed_demo_outcomes` runs it after `seed_demo_referrals`. It does two things:

- the demo cases of `seed_demo_referrals` get their schedules, a baseline where the first
  conversation has happened, and the follow-ups of the past; follow-ups due now stay open
  for the demo link workers, and one of them has a link already sent to the person;
- history: people referred 4 to 15 months ago, made by the referral actions like the other
  demo people (referred, contacted, referred on to an activity, started, closed), with a
  baseline and the 3-, 6- and 12-month follow-ups that have come due, so that the reports
  have people enough in every group (age band, sex, reason, category of activity, pathway).

Scores follow a course per person — most improve, some do not, a few get worse — drawn from
one seed, as are the few unanswered items, the missed follow-ups and the one follow-up
answered twice (kept as a duplicate by `record_follow_up`). Everything else is synthetic as
in `lotsa.referrals.demo`. Nothing is sent while seeding; timestamps are moved back to the
day each step "happened" (audit rows keep the moment they were written).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lotsa.accounts.models import Team, User
from lotsa.directory.models import Offering
from lotsa.people import actions as people_actions
from lotsa.people.models import Consent, Person
from lotsa.referrals import actions as referral_actions
from lotsa.referrals import demo as referral_demo
from lotsa.referrals.models import ActivityReferral, Case, Contact, Referral

from . import actions, instruments, links
from .models import Assessment, ExperienceSurvey, FollowUp, HealthcareUse, Mode, OutcomeSettings

SEED = referral_demo.SEED + 6
# The history's referrals carry submission keys made from this: that is how a later run
# finds them (and `remove` removes them).
NAMESPACE = uuid.UUID("6f1c0f4e-3b5a-4b7e-9a51-0c3d2f6e8a17")
# The demo organisations' choices (DOMAIN.md: an organisation keeps one set).
INSTRUMENTS = {
    "a": ["ucla3", "who5", "swemwbs"],  # a Swedish health centre
    "dk": ["who5", "djg6", "ons4"],  # a Danish one
}
# How many people the history holds per team; enough that the groups of the reports reach
# five at each follow-up.
HISTORY_SIZE = {"a": 64, "dk": 40}
# Referred this many days ago, at least and at most: every one has reached 3 months, about
# three in four 6 months and one in four 12 months.
HISTORY_DAYS = (115, 445)
Why = Referral.Reason
Source = Referral.Source
Stage = Case.Stage
Participation = ActivityReferral.Participation

# (reason, weight) of the history's first reasons, per country.
REASONS = {
    "a": (
        (Why.LONELINESS, 30),
        (Why.ISOLATION, 14),
        (Why.LOW_MOOD, 16),
        (Why.SICK_LEAVE, 14),
        (Why.BEREAVEMENT, 12),
        (Why.UNEMPLOYMENT, 8),
        (Why.CARER_STRAIN, 6),
    ),
    "dk": ((Why.LONELINESS, 40), (Why.ISOLATION, 25), (Why.BEREAVEMENT, 20), (Why.LOW_MOOD, 15)),
}
SOURCES = {"a": ((Source.CLINICIAN, 62), (Source.SELF, 22), (Source.CONNECTOR, 16)),
           "dk": ((Source.SELF, 100),)}  # fmt: skip
AGES = (((19, 29), 14), ((30, 49), 22), ((50, 64), 24), ((65, 79), 26), ((80, 92), 14))
# What happens to people's wellbeing: most improve, some do not, a few get worse.
COURSES = (("better", 60), ("same", 26), ("worse", 14))
# Categories of the activities the history's people went to, by the reason they came for.
CATEGORIES = {
    "a": ("walking-outdoor", "meeting-place", "creative", "exercise", "music-singing",
          "conversation"),
    "dk": ("meeting-place", "music-singing", "creative", "exercise"),
}  # fmt: skip
PREFERRED: dict[str, tuple[str, ...]] = {
    Why.LONELINESS: ("meeting-place", "music-singing", "walking-outdoor"),
    Why.ISOLATION: ("meeting-place", "creative"),
    Why.LOW_MOOD: ("walking-outdoor", "exercise", "creative"),
    Why.SICK_LEAVE: ("exercise", "walking-outdoor"),
    Why.BEREAVEMENT: ("conversation", "music-singing", "meeting-place"),
    Why.UNEMPLOYMENT: ("creative", "meeting-place"),
    Why.CARER_STRAIN: ("conversation", "creative"),
}
WOULD_CHANGE = {
    "sv": (
        "Fler träffar i veckan.",
        "Att gruppen höll på lite längre än tio veckor.",
        "Bättre bussförbindelser dit.",
        "Lite mindre grupp, det var svårt att höras ibland.",
        "Inget, det har varit jättebra.",
    ),
    "da": (
        "Flere mødegange om ugen.",
        "At holdet varede lidt længere.",
        "Bedre busforbindelser derud.",
        "Ingenting, det har været rigtig godt.",
    ),
}
CLOSURES = {
    "better": (("goals_met", "none"), ("goals_met", "studies"), ("goals_met", "work"),
               ("goals_met", "none")),
    "same": (("goals_met", "none"), ("other", "programme")),
    "worse": (("declined", "none"), ("other", "programme")),
}  # fmt: skip
CLOSURE_NOTES = {
    "sv": "Har hittat sitt sammanhang; vet hur hen når oss.",
    "da": "Har fundet sit fællesskab; ved, hvordan vi kontaktes.",
}
NOTES = {
    "sv": ("Första samtalet.", "Pratade om vad som är viktigt.", "Uppföljning i gruppen."),
    "da": ("Første samtale.", "Talte om, hvad der betyder noget.", "Opfølgning på holdet."),
}


class DemoError(Exception):
    """The demo outcomes cannot be seeded (the command turns it into a CommandError)."""


# -- Time: each step moved back to the moment it stands for -----------------------------------

# Timestamps the outcome actions write, beside those of the referral loop.
STAMPED: tuple[tuple[Any, str, tuple[str, ...]], ...] = (
    *referral_demo.STAMPED,
    (FollowUp, "case__person", ("created_at", "completed_at", "cancelled_at", "link_sent_at")),
    (Assessment, "case__person", ("created_at",)),
    (ExperienceSurvey, "case__person", ("created_at",)),
    (HealthcareUse, "case__person", ("updated_at",)),
)


class Timeline:
    """Steps of one person's way, each run now and then moved back to its moment.

    Like `lotsa.referrals.demo.Clock`, but with the moments chosen (a follow-up happens on
    its due day) rather than drawn: a timestamp written while step k ran gets step k's
    moment."""

    def __init__(self) -> None:
        self.steps: list[tuple[dt.datetime, dt.datetime]] = []  # (began, moment to show)

    @contextmanager
    def at(self, moment: dt.datetime) -> Iterator[dt.datetime]:
        self.steps.append((timezone.now(), moment))
        yield moment

    def stamp(self, person: Person) -> None:
        if not self.steps:
            return
        began = [start for start, _moment in self.steps]
        for model, lookup, fields in STAMPED:
            changed = []
            for row in model.objects.filter(**{lookup: person.pk}).only("pk", *fields):
                for name in fields:
                    value = getattr(row, name)
                    if value is not None and value >= began[0]:
                        setattr(row, name, self.steps[bisect.bisect_right(began, value) - 1][1])
                        changed.append(row)
            if changed:
                model.objects.bulk_update(set(changed), fields)
        self.steps.clear()


def working_moment(day: dt.date, rng: random.Random, now: dt.datetime) -> dt.datetime:
    """A moment in working hours on `day` (the Monday after, at a weekend), before `now`."""
    if day.weekday() >= 5:
        day += dt.timedelta(days=7 - day.weekday())
    moment = timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(8, 15), rng.choice((0, 15, 30, 45))))
    )
    return min(moment, now - dt.timedelta(hours=1))


# -- Answers: a course of wellbeing, turned into each instrument's items ----------------------


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


# Each instrument's items from a wellbeing level w (0 = very poor, 1 = very good) and noise.
ItemMaker = Callable[[str, float, random.Random], int]
ITEM_MAKERS: dict[str, ItemMaker] = {
    "who5": lambda key, w, rng: _clamp(5 * w + rng.gauss(0, 0.6), 0, 5),
    "swemwbs": lambda key, w, rng: _clamp(1 + 4 * w + rng.gauss(0, 0.5), 1, 5),
    "ucla3": lambda key, w, rng: _clamp(3 - 2 * w + rng.gauss(0, 0.45), 1, 3),
    # Emotional items: "yes" (1) is lonely; the social items are worded the other way.
    "djg6": lambda key, w, rng: _clamp(
        (3 - 2 * w if key in ("rely_on", "trust", "close_to") else 1 + 2 * w) + rng.gauss(0, 0.5),
        1,
        3,
    ),
    "ons4": lambda key, w, rng: _clamp(
        (9 * (1 - w) if key == "anxiety" else 10 * w) + rng.gauss(0, 1.2), 0, 10
    ),
    "ons_loneliness": lambda key, w, rng: _clamp(1 + 4 * w + rng.gauss(0, 0.6), 1, 5),
}


def answers_for(
    codes: list[str], wellbeing: float, rng: random.Random
) -> dict[str, dict[str, int | None]]:
    """One follow-up's answers: every instrument's items, now and then one left unanswered."""
    answers: dict[str, dict[str, int | None]] = {}
    for code in codes:
        instrument = instruments.get(code)
        items: dict[str, int | None] = {
            key: ITEM_MAKERS[code](key, wellbeing, rng) for key in instrument.item_keys
        }
        if rng.random() < 0.035:
            items[rng.choice(instrument.item_keys)] = None  # the person skipped one
        answers[code] = items
    return answers


@dataclasses.dataclass
class Course:
    """How one person's wellbeing goes from the baseline on."""

    kind: str  # better, same, worse
    start: float

    def at(self, months: int, rng: random.Random) -> float:
        if months == 0:
            return self.start
        steps = {3: 1.0, 6: 1.4, 12: 1.7}[months] if months in (3, 6, 12) else 1.0
        change = {"better": rng.uniform(0.1, 0.2), "same": rng.uniform(-0.04, 0.05),
                  "worse": -rng.uniform(0.05, 0.12)}[self.kind]  # fmt: skip
        return max(0.02, min(0.98, self.start + change * steps))

    def survey(self, language: str, rng: random.Random) -> actions.SurveyAnswers:
        satisfaction = {"better": (4, 5, 5), "same": (3, 4, 4), "worse": (2, 3, 3)}[self.kind]
        progress = {"better": ("much", "some", "some"), "same": ("some", "none"),
                    "worse": ("none", "worse")}[self.kind]  # fmt: skip
        return actions.SurveyAnswers(
            satisfaction=rng.choice(satisfaction),
            hours_suited=rng.choice(("yes", "yes", "yes", "partly", "no")),
            progress=rng.choice(progress),
            would_change=rng.choice(WOULD_CHANGE[language]) if rng.random() < 0.35 else "",
        )

    def visits(self, rng: random.Random) -> tuple[tuple[int, int], tuple[int, int]]:
        """Visits to the health centre and the emergency department, six months before and
        six months after the referral."""
        gp, emergency = rng.randint(3, 10), rng.choice((0, 0, 1, 1, 2, 3))
        if self.kind == "better":
            after = (max(0, gp - rng.randint(1, 4)), max(0, emergency - rng.choice((0, 1, 1))))
        elif self.kind == "same":
            after = (max(0, gp + rng.randint(-1, 1)), emergency)
        else:
            after = (gp + rng.randint(0, 3), emergency + rng.choice((0, 1)))
        return (gp, emergency), after


# -- The seeder ---------------------------------------------------------------------------------


def _weighted(rng: random.Random, choices: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def history_key(team: str, n: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{team}-{n}")


def history_keys() -> list[uuid.UUID]:
    return [history_key(team, n) for team, size in HISTORY_SIZE.items() for n in range(size)]


def teams_by_key() -> dict[str, Team]:
    """The teams `seed_demo_referrals` made, by its keys."""
    teams = {}
    for key, email in (
        ("a", "linkworker"),
        ("dk", "dk-linkworker"),
    ):
        team = (
            referral_demo.demo_teams()
            .filter(members__email=f"{email}@{referral_demo.seed_demo.DEMO_EMAIL_DOMAIN}")
            .select_related("organization")
            .first()
        )
        if team is None:
            raise DemoError("There are no demo teams: run `manage.py seed_demo_referrals` first.")
        teams[key] = team
    return teams


class Seeder:
    """Builds the demo's outcomes; one instance per run, every choice from its seeded sources."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        self.rng = random.Random(SEED)  # noqa: S311 - a repeatable demo, not a secret
        # The referral demo's people-maker, drawing from this demo's own seed.
        self.people = referral_demo.Seeder(now)
        self.people.rng = random.Random(SEED + 1)  # noqa: S311
        for fake in self.people.fake.values():
            fake.seed_instance(SEED)
        self.teams = teams_by_key()
        self.link_workers = {
            key: team.members.order_by("pk").first() for key, team in self.teams.items()
        }
        self.gp = referral_demo._demo_user("gp")
        self.connector = referral_demo._demo_user("connector")
        self.centre_a = referral_demo._member_organisation("gp")
        self.duplicate_made = False

    # -- Settings ---------------------------------------------------------------------------

    def settings(self) -> None:
        for key, codes in INSTRUMENTS.items():
            OutcomeSettings.objects.update_or_create(
                organization=self.teams[key].organization,
                defaults={"instruments": codes, "experience_survey": True},
            )

    # -- The demo cases of the referral loop -------------------------------------------------

    def story_cases(self) -> None:
        """Schedules for the loop's cases; what has come due is answered, except what is due
        now, which waits for the link worker."""
        for key, team in self.teams.items():
            cases = (
                Case.objects.filter(team=team)
                .exclude(referral__submission_key__in=history_keys())
                .select_related("referral", "person", "team")
                .order_by("pk")
            )
            for case in cases:
                self.story_case(key, case)

    def story_case(self, key: str, case: Case) -> None:
        first_contact = case.referral.first_contact_at
        if first_contact is None:
            return  # nothing to measure before the first conversation
        worker = self.link_workers[key]
        assert worker is not None
        language = "da" if key == "dk" else "sv"
        course = self.course()
        timeline = Timeline()
        with timeline.at(first_contact):
            schedule = actions.schedule_follow_ups(case)
        # A case still being mapped has its baseline waiting: it is due now.
        if case.is_open and case.stage == Stage.MAPPING:
            timeline.stamp(case.person)
            return
        before, _after = course.visits(self.rng)
        with timeline.at(first_contact + dt.timedelta(minutes=30)):
            self.record(schedule[0], course, key, worker, case.person, on=first_contact)
            actions.record_healthcare_use(
                case,
                period=HealthcareUse.Period.BEFORE,
                gp_visits=before[0],
                emergency_visits=before[1],
                acting_user=worker,
            )
        for follow_up in schedule[1:]:
            # Points due within the last two weeks wait for the link worker: due now.
            if follow_up.due_on > self.today - dt.timedelta(days=14):
                break
            moment = working_moment(follow_up.due_on, self.rng, self.now)
            if case.closed_at is not None and moment > case.closed_at:
                break
            with timeline.at(moment):
                self.record(follow_up, course, key, worker, case.person, on=moment, survey=language)
        if case.closed_at is not None:
            with timeline.at(case.closed_at):
                FollowUp.objects.pending().filter(case=case).update(
                    cancelled_at=timezone.now(), link_nonce=""
                )
        timeline.stamp(case.person)

    # -- History: people referred 4 to 15 months ago -----------------------------------------

    def history(self) -> None:
        self.offerings = {key: self.choose_offerings(key) for key in self.teams}
        for key, size in HISTORY_SIZE.items():
            for n in range(size):
                self.historic_person(key, n)

    def choose_offerings(self, key: str) -> dict[str, Offering]:
        """One activity per category with room for everyone: no capacity kept, published,
        taking referrals from the team; the same ones on every run."""
        team = self.teams[key]
        municipality = referral_demo.DENMARK if key == "dk" else referral_demo.SWEDEN
        found: dict[str, Offering] = {}
        candidates = (
            Offering.objects.public()
            .filter(
                status=Offering.Status.ACTIVE,
                capacity__isnull=True,
                organization__municipality=municipality,
            )
            .order_by("pk")
        )
        for code in CATEGORIES[key]:
            offering = next(
                (
                    o
                    for o in candidates.filter(categories__code=code)
                    if o.takes_referrals_from(team) and o.pk not in {f.pk for f in found.values()}
                ),
                None,
            )
            if offering is not None:
                found[code] = offering
        if len(found) < 3:
            raise DemoError(f"The demo directory has too few open activities for team {key!r}.")
        return found

    def course(self) -> Course:
        return Course(_weighted(self.rng, COURSES), self.rng.uniform(0.18, 0.5))

    def historic_person(self, key: str, n: int) -> None:
        rng = self.rng
        team = self.teams[key]
        worker = self.link_workers[key]
        assert worker is not None
        language = "da" if key == "dk" else "sv"
        source = _weighted(rng, SOURCES[key])
        reason = _weighted(rng, REASONS[key])
        reasons = (reason,) + (
            (Why.LOW_MOOD,) if reason != Why.LOW_MOOD and rng.random() < 0.2 else ()
        )
        story = referral_demo.Story(
            team=key,
            source=source,
            reasons=reasons,
            days_ago=0,
            ages=_weighted(rng, AGES),
            language=language,
        )
        days_ago = rng.randint(*HISTORY_DAYS)
        referred = self.today - dt.timedelta(days=days_ago)
        course = self.course()
        codes = INSTRUMENTS[key]
        referrer = {Source.CLINICIAN: self.gp, Source.CONNECTOR: self.connector}.get(source)
        timeline = Timeline()

        def day(offset: int) -> dt.datetime:
            return working_moment(referred + dt.timedelta(days=offset), rng, self.now)

        with timeline.at(day(0)):
            person = self.people.person(story, referrer)
            referral = referral_actions.refer_to_team(
                person,
                team,
                source=source,
                acting_user=referrer,
                submission_key=history_key(key, n),
                referring_organization=self.centre_a if referrer is not None else None,
                reasons=reasons,
                details=referral_demo.DETAILS["da" if key == "dk" else source],
                feedback_consent=source == Source.CLINICIAN,
                agreed_to_be_called=source == Source.CONNECTOR,
            )
        with timeline.at(day(1)):
            case = referral_actions.open_case(referral, acting_user=worker)
        first = day(rng.randint(2, 4))
        with timeline.at(first):
            self.contact(case, worker, first, NOTES[language][0], "phone")
        # The schedule counts from the first contact: its moment must be in place first.
        Referral.objects.filter(pk=referral.pk).update(first_contact_at=first)
        case.referral.first_contact_at = first
        with timeline.at(first + dt.timedelta(minutes=30)):
            schedule = actions.schedule_follow_ups(case)
            before, after = course.visits(rng)
            self.record(schedule[0], course, key, worker, person, on=first)
            actions.record_healthcare_use(
                case,
                period=HealthcareUse.Period.BEFORE,
                gp_visits=before[0],
                emergency_visits=before[1],
                acting_user=worker,
            )
            if rng.random() < 0.85:
                # Most agree that pseudonymised data may be used for research (the
                # researcher's export holds only them).
                people_actions.record_consent(
                    person, Consent.Scope.RESEARCH, method="verbal", acting_user=worker, team=team
                )
        talk = day(rng.randint(8, 12))
        with timeline.at(talk):
            self.contact(case, worker, talk, NOTES[language][1], "meeting")
            referral_actions.change_stage(case, Stage.TALKS, acting_user=worker)
        with timeline.at(day(rng.randint(15, 19))):
            referral_actions.change_stage(case, Stage.READY, acting_user=worker)
            category = self.category(key, reason)
            activity = referral_actions.refer_to_offering(
                case,
                self.offerings[key][category],
                fields=[referral_demo.Field.NAME, referral_demo.Field.PHONE],
                consent_method="verbal",
                acting_user=worker,
            )
        with timeline.at(day(rng.randint(21, 24))):
            referral_actions.answer_activity_referral(
                activity, referral_actions.Answer.ACCEPT, acting_user=None, via_link=True
            )
        started = day(rng.randint(27, 32))
        with timeline.at(started):
            referral_actions.record_participation(
                activity, Participation.STARTED, acting_user=worker, on=started.date()
            )
        attending = day(rng.randint(45, 55))
        with timeline.at(attending):
            referral_actions.record_participation(
                activity, Participation.ATTENDING, acting_user=worker, on=attending.date()
            )
        last = attending
        for follow_up in schedule[1:]:
            moment = working_moment(
                follow_up.due_on + dt.timedelta(days=rng.randint(-3, 10)), rng, self.now
            )
            if moment.date() >= self.today - dt.timedelta(days=2):
                break
            if follow_up.months == 3:
                with timeline.at(moment - dt.timedelta(days=1)):
                    referral_actions.record_participation(
                        activity, Participation.STOPPED, acting_user=worker, on=moment.date()
                    )
                    referral_actions.change_stage(case, Stage.FOLLOW_UP, acting_user=worker)
            if rng.random() < 0.07:
                continue  # not reached: this point stays unanswered
            with timeline.at(moment):
                self.record(follow_up, course, key, worker, person, on=moment, survey=language)
                if follow_up.months == 6:
                    actions.record_healthcare_use(
                        case,
                        period=HealthcareUse.Period.AFTER,
                        gp_visits=after[0],
                        emergency_visits=after[1],
                        acting_user=worker,
                    )
            last = moment
            if not self.duplicate_made and follow_up.months == 3 and course.kind == "better":
                # The person also answered through the link sent the day before, after the
                # link worker had recorded the answers with them: kept, flagged, not counted.
                FollowUp.objects.filter(pk=follow_up.pk).update(
                    link_sent_at=moment - dt.timedelta(days=1),
                    link_channel=links.preferred_channel(person) or FollowUp.Channel.SMS,
                )
                with timeline.at(moment + dt.timedelta(days=1, hours=3)):
                    actions.record_follow_up(
                        follow_up,
                        answers=answers_for(codes, course.at(3, rng), rng),
                        survey=course.survey(language, rng),
                        mode=Mode.SELF,
                        acting_user=None,
                        answered_on=(moment + dt.timedelta(days=1)).date(),
                    )
                self.duplicate_made = True
        reason_closed, next_step = rng.choice(CLOSURES[course.kind])
        with timeline.at(last + dt.timedelta(days=rng.randint(1, 5))):
            if case.stage != Stage.FOLLOW_UP:
                referral_actions.change_stage(case, Stage.FOLLOW_UP, acting_user=worker)
            referral_actions.close_case(
                case,
                reason=reason_closed,
                next_step=next_step,
                note=CLOSURE_NOTES[language],
                acting_user=worker,
            )
            FollowUp.objects.pending().filter(case=case).update(
                cancelled_at=timezone.now(), link_nonce=""
            )
        timeline.stamp(person)

    def category(self, key: str, reason: str) -> str:
        offered = self.offerings[key]
        liked = [code for code in PREFERRED.get(reason, ()) if code in offered]
        if liked and self.rng.random() < 0.7:
            return self.rng.choice(liked)
        return self.rng.choice(sorted(offered))

    def contact(self, case: Case, worker: User, moment: dt.datetime, note: str, how: str) -> None:
        referral_actions.record_contact(
            case,
            channel=how,
            happened_on=timezone.localtime(moment).date(),
            duration_minutes=self.rng.choice((20, 30, 45)),
            note=note,
            acting_user=worker,
        )

    def record(
        self,
        follow_up: FollowUp,
        course: Course,
        key: str,
        worker: User,
        person: Person,
        *,
        on: dt.datetime,
        survey: str = "",
    ) -> None:
        """Answer a follow-up as it would have been: with the link worker, or — for some
        people who get text messages or e-mail — alone through their link."""
        rng = self.rng
        by_link = (
            not follow_up.is_baseline
            and person.contact_preference
            in (Person.ContactPreference.SMS, Person.ContactPreference.EMAIL)
            and rng.random() < 0.7
        )
        if by_link:
            channel = str(person.contact_preference)
            FollowUp.objects.filter(pk=follow_up.pk).update(
                link_sent_at=on - dt.timedelta(days=rng.randint(1, 4)), link_channel=channel
            )
        actions.record_follow_up(
            follow_up,
            answers=answers_for(INSTRUMENTS[key], course.at(follow_up.months, rng), rng),
            survey=course.survey(survey, rng) if survey else None,
            mode=Mode.SELF if by_link else Mode.WITH_LINK_WORKER,
            acting_user=None if by_link else worker,
            answered_on=timezone.localtime(on).date(),
        )

    # -- One link already sent -----------------------------------------------------------------

    def link_sent(self) -> FollowUp | None:
        """The first follow-up due now in team a whose person takes text messages: its link
        went out yesterday (as a link worker would have sent it; nothing is sent here)."""
        due = (
            FollowUp.objects.due(self.today)
            .filter(case__team=self.teams["a"], case__closed_at__isnull=True, months__gt=0)
            .select_related("case__person", "case__team")
            .order_by("due_on", "pk")
        )
        candidates = [
            follow_up
            for follow_up in due
            if links.preferred_channel(follow_up.case.person) == FollowUp.Channel.SMS
        ]
        # Someone who asked for text messages, if there is one.
        candidates.sort(
            key=lambda f: f.case.person.contact_preference != Person.ContactPreference.SMS
        )
        for follow_up in candidates[:1]:
            links.issue_token(follow_up)
            FollowUp.objects.filter(pk=follow_up.pk).update(
                link_sent_at=self.now - dt.timedelta(days=1), link_channel=FollowUp.Channel.SMS
            )
            return follow_up
        return None

    def build(self) -> None:
        self.settings()
        self.history()
        self.story_cases()
        self.link_sent()


# -- Finding, seeding and removing ----------------------------------------------------------------


def history_referrals() -> Any:
    return Referral.objects.filter(submission_key__in=history_keys())


def is_seeded() -> bool:
    return history_referrals().exists()


def seed(now: dt.datetime | None = None) -> None:
    """Seed the demo outcomes in one transaction, with tasks held back."""
    with referral_demo.quiet_tasks(), transaction.atomic():
        Seeder(now or timezone.now()).build()


def remove() -> dict[str, int]:
    """Delete the history's people and cases, and the outcome rows of the demo teams' cases.

    The loop's own cases stay (`seed_demo_referrals --remove` removes them); audit rows stay.
    """
    teams = referral_demo.demo_teams()
    referrals = history_referrals()
    people = list(referrals.values_list("person_id", flat=True))
    activity = ActivityReferral.objects.filter(case__referral__in=referrals)
    for row in activity.filter(holds_place=True).values("offering_id"):
        Offering.objects.filter(pk=row["offering_id"], places_taken__gt=0).update(
            places_taken=F("places_taken") - 1
        )
    activity.delete()
    Contact.objects.filter(case__referral__in=referrals).delete()
    cases = Case.objects.filter(team__in=teams)
    removed = {
        "people": len(people),
        "follow-ups": FollowUp.objects.filter(case__in=cases).count(),
        "assessments": Assessment.objects.filter(case__in=cases).count(),
    }
    for model in (Assessment, ExperienceSurvey, HealthcareUse, FollowUp):
        model.objects.filter(case__in=cases).delete()
    Case.objects.filter(referral__in=referrals).delete()
    referrals.delete()
    Person.objects.filter(pk__in=people).delete()
    OutcomeSettings.objects.filter(organization__in=teams.values("organization_id")).delete()
    return removed


def summary() -> dict[str, Any]:
    """Counts of what the demo holds, for the command to print and the tests to check."""
    cases = Case.objects.filter(team__in=referral_demo.demo_teams())
    assessments = Assessment.objects.filter(case__in=cases)
    follow_ups = FollowUp.objects.filter(case__in=cases)
    return {
        "history": history_referrals().count(),
        "assessments": Counter(assessments.counted().values_list("instrument", flat=True)),
        "duplicates": assessments.filter(duplicate_of__isnull=False).count(),
        "unscored": assessments.counted()
        .filter(score__isnull=True)
        .exclude(instrument__in=("ons4", "ons_loneliness"))
        .count(),
        "answered": Counter(
            follow_ups.filter(completed_at__isnull=False).values_list("months", flat=True)
        ),
        "due": follow_ups.due().filter(case__closed_at__isnull=True).count(),
        "links": follow_ups.exclude(link_nonce="").count(),
        "surveys": ExperienceSurvey.objects.filter(case__in=cases).count(),
        "healthcare": Counter(
            HealthcareUse.objects.filter(case__in=cases).values_list("period", flat=True)
        ),
        "self": assessments.filter(mode=Mode.SELF).count(),
    }
