"""The demo referral loop: link worker teams, synthetic people and their way through the loop.

`manage.py seed_demo_referrals` runs it after `seed_demo` (which makes the directory and the
demo logins). Every referral, case, contact and activity referral is made by the real actions,
so statuses, events, consents and audit rows agree; afterwards the timestamps of each step are
moved back to the day it "happened", so that the demo has four months of history. Audit rows
keep the moment they were written: the access log records what really happened.

Everything is synthetic and deterministic (one seed for `random` and Faker): names from
Faker, e-mail addresses under example.com, Swedish phone numbers from the range PTS keeps for
fiction; every other person has a valid personnummer (from Faker) or CPR number, checked by
`identitynumbers`, whose sex digit agrees with the name. Nothing is e-mailed while seeding.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Greatest
from django.test import override_settings
from django.utils import timezone
from faker import Faker

from lotsa.accounts.models import Membership, Organization, Team, User
from lotsa.directory import demo_data
from lotsa.directory.management.commands import seed_demo
from lotsa.directory.models import Offering, Term
from lotsa.lib import identitynumbers, phones
from lotsa.lib.workdays import add_working_days
from lotsa.people import actions as people_actions
from lotsa.people.models import Consent, Person

from . import actions
from .actions import Answer
from .models import ActivityReferral, ActivityReferralEvent, Case, Contact, Referral, UnmetNeed

SEED = seed_demo.SEED + 3
SWEDEN = seed_demo.SWEDISH_MUNICIPALITY
DENMARK = demo_data.DANISH_MUNICIPALITY
# Tasks are queued on commit; while seeding they go nowhere, so that the demo's worker does
# not send a hundred e-mails about the past to the console.
QUIET_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DANISH_LINK_WORKER = f"dk-linkworker@{seed_demo.DEMO_EMAIL_DOMAIN}"
Source = Referral.Source
Why = Referral.Reason
Stage = Case.Stage
STAGES = list(Stage.values)
Field = Consent.Field
Participation = ActivityReferral.Participation


class DemoError(Exception):
    """The demo cannot be seeded (the command turns it into a CommandError)."""


# -- The stories -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Story:
    """One person's way through the loop so far.

    `triage` is what the team did with the referral: "new" (still in the inbox), "assigned"
    (in the inbox, assigned), "declined", "forwarded" (to team b) or "case". `activities` are
    (offering key, outcome) pairs; outcomes are the keys of `Seeder.OUTCOMES`.
    """

    team: str  # "a" (Umeå centrum), "b" (the outsider's health centre), "dk" (Aarhus)
    source: str
    reasons: tuple[str, ...]
    days_ago: int
    triage: str = "case"
    due_today: bool = False
    overdue: bool = False
    stage: str = Stage.MAPPING
    activities: tuple[tuple[str, str], ...] = ()
    closure: str = ""
    next_step: str = ""
    ages: tuple[int, int] = (35, 85)
    language: str = "sv"
    screened: bool = False
    feedback: bool = True


CLINICIAN, CONNECTOR, SELF = Source.CLINICIAN, Source.CONNECTOR, Source.SELF
YOUNG = (19, 27)
WORKING_AGE = (28, 62)

STORIES: tuple[Story, ...] = (
    # Team a's inbox: overdue, due today, an unassigned flag, a self-referral, a new one.
    Story("a", CLINICIAN, (Why.LONELINESS, Why.LOW_MOOD), 12, "assigned", screened=True,
          overdue=True),
    Story("a", CLINICIAN, (Why.ISOLATION,), 9, "new", ages=(70, 90), overdue=True),
    Story("a", CLINICIAN, (Why.BEREAVEMENT,), 7, "assigned", due_today=True),
    Story("a", CLINICIAN, (Why.SICK_LEAVE, Why.LOW_MOOD), 7, "new", due_today=True,
          ages=WORKING_AGE),
    Story("a", CONNECTOR, (Why.LONELINESS,), 2, "new"),
    Story("a", SELF, (Why.LONELINESS,), 1, "new", ages=(25, 70)),
    Story("a", CLINICIAN, (Why.NEWLY_ARRIVED, Why.ISOLATION), 0, "new", language="ar",
          ages=WORKING_AGE, screened=True),
    # Triaged away: declined with a reason, and forwarded to the team that serves centre B.
    Story("a", CLINICIAN, (Why.CARER_STRAIN,), 30, "declined"),
    Story("a", CLINICIAN, (Why.ISOLATION,), 4, "forwarded", ages=(65, 85)),
    # Team a's open cases, in every stage of the pathway.
    Story("a", CONNECTOR, (Why.LONELINESS,), 6),
    Story("a", CLINICIAN, (Why.LONELINESS,), 10, screened=True),
    Story("a", CLINICIAN, (Why.BEREAVEMENT,), 25, stage=Stage.TALKS),
    Story("a", SELF, (Why.LOW_MOOD,), 35, stage=Stage.TALKS,
          activities=(("provider", "cancelled"),), ages=(25, 60)),
    Story("a", CLINICIAN, (Why.LOW_MOOD,), 20, stage=Stage.TALKS, screened=True),
    Story("a", CLINICIAN, (Why.LONELINESS,), 40, stage=Stage.READY,
          activities=(("open", "requested"),)),
    Story("a", CLINICIAN, (Why.LONELINESS,), 30, stage=Stage.READY,
          activities=(("provider", "requested"),), feedback=False),
    Story("a", CLINICIAN, (Why.ISOLATION,), 45, stage=Stage.READY,
          activities=(("open", "needs_information"),)),
    Story("a", CLINICIAN, (Why.BEREAVEMENT,), 50, stage=Stage.READY,
          activities=(("full", "waitlisted"), ("grief", "requested"))),
    Story("a", CLINICIAN, (Why.LONELINESS,), 38, stage=Stage.READY,
          activities=(("open", "accepted"),)),
    Story("a", CLINICIAN, (Why.SICK_LEAVE,), 55, stage=Stage.IN_ACTIVITY,
          activities=(("open", "started"),), ages=WORKING_AGE),
    Story("a", CLINICIAN, (Why.LONELINESS, Why.ISOLATION), 70, stage=Stage.IN_ACTIVITY,
          activities=(("provider", "declined"), ("open", "attending")), screened=True),
    Story("a", CLINICIAN, (Why.NEWLY_ARRIVED,), 60, stage=Stage.IN_ACTIVITY,
          activities=(("full", "no_place"), ("language", "attending")), language="so",
          ages=WORKING_AGE),
    Story("a", SELF, (Why.ISOLATION,), 65, stage=Stage.IN_ACTIVITY,
          activities=(("walk", "attending"),)),
    Story("a", CLINICIAN, (Why.CARER_STRAIN,), 95, stage=Stage.FOLLOW_UP,
          activities=(("carers", "completed"),), ages=(50, 80)),
    Story("a", CLINICIAN, (Why.LONELINESS,), 85, stage=Stage.FOLLOW_UP,
          activities=(("open", "attending"),), language="fi"),
    Story("a", CLINICIAN, (Why.UNEMPLOYMENT, Why.LOW_MOOD), 110, stage=Stage.NEXT_STEP,
          activities=(("young", "completed"),), ages=YOUNG),
    Story("a", CLINICIAN, (Why.SICK_LEAVE,), 100, stage=Stage.NEXT_STEP,
          activities=(("open", "completed"),), ages=WORKING_AGE),
    # Closed cases: every reason for closing, and the next steps.
    Story("a", CLINICIAN, (Why.LONELINESS,), 120, stage=Stage.FOLLOW_UP,
          activities=(("open", "completed"),), closure="goals_met", next_step="none"),
    Story("a", CLINICIAN, (Why.UNEMPLOYMENT,), 115, stage=Stage.NEXT_STEP,
          activities=(("young", "completed"),), closure="goals_met", next_step="studies",
          ages=YOUNG),
    Story("a", CLINICIAN, (Why.SICK_LEAVE,), 118, stage=Stage.NEXT_STEP,
          activities=(("walk", "completed"),), closure="goals_met", next_step="work",
          ages=WORKING_AGE),
    Story("a", CLINICIAN, (Why.LOW_MOOD,), 80, stage=Stage.READY,
          activities=(("provider", "requested"),), closure="declined", next_step="none"),
    Story("a", CLINICIAN, (Why.ISOLATION,), 90, stage=Stage.TALKS, closure="moved"),
    Story("a", SELF, (Why.LONELINESS,), 75, stage=Stage.READY,
          activities=(("provider", "no_contact"),), closure="no_contact"),
    Story("a", CLINICIAN, (Why.SICK_LEAVE, Why.UNEMPLOYMENT), 105, stage=Stage.TALKS,
          closure="other", next_step="programme", ages=WORKING_AGE),
    # Team b, at the outsider's health centre (plus the referral team a forwarded).
    Story("b", CLINICIAN, (Why.LONELINESS,), 3, "new"),
    Story("b", CLINICIAN, (Why.BEREAVEMENT,), 20, stage=Stage.TALKS),
    # The Danish team in Aarhus.
    Story("dk", SELF, (Why.LONELINESS,), 2, "new", language="da"),
    Story("dk", SELF, (Why.BEREAVEMENT,), 8, language="da"),
    Story("dk", SELF, (Why.ISOLATION,), 30, stage=Stage.READY,
          activities=(("dk-language", "requested"),), language="da"),
    Story("dk", SELF, (Why.LONELINESS,), 60, stage=Stage.IN_ACTIVITY,
          activities=(("dk-meeting", "attending"),), language="da"),
    Story("dk", SELF, (Why.UNEMPLOYMENT,), 25, stage=Stage.TALKS, language="da", ages=YOUNG),
    Story("dk", SELF, (Why.BEREAVEMENT,), 110, stage=Stage.FOLLOW_UP,
          activities=(("dk-grief", "completed"),), closure="goals_met", next_step="none",
          language="da"),
)  # fmt: skip

# Gaps: what the link workers looked for and did not find (DOMAIN.md names grief groups and
# young adults who left school). (need, words, age band, audience, where, area, why)
UNMET_NEEDS: tuple[tuple[str, str, str, str, str, str, tuple[str, ...]], ...] = (
    ("grief-support", "Sorggrupp för unga vuxna", "18-29", "young-adults", "a", "Umeå centrum",
     ("none_exists",)),
    ("grief-support", "Sorggrupp på kvällstid", "30-49", "", "a", "Umeå centrum",
     ("wrong_time", "full")),
    ("grief-support", "", "65-79", "older-people", "a", "Holmsund", ("full", "too_far")),
    ("grief-support", "Samtalsstöd efter att ha förlorat ett barn", "30-49", "", "a",
     "Ersboda", ("none_exists",)),
    ("grief-support", "Sorggrupp på arabiska", "50-64", "newly-arrived", "a",
     "Umeå centrum", ("language",)),
    ("work-studies", "Mötesplats för unga vuxna som lämnat skolan", "18-29", "young-adults",
     "a", "Umeå centrum", ("none_exists",)),
    ("work-studies", "Studiecirkel för unga som inte gått ut gymnasiet", "18-29",
     "young-adults", "a", "Ersboda", ("none_exists",)),
    ("exercise", "Anpassad träning för rullstolsburna", "65-79", "disabilities", "a",
     "Sävar", ("too_far", "accessibility")),
    ("conversation", "Samtalsgrupp på somaliska", "30-49", "newly-arrived", "a", "",
     ("language",)),
    ("exercise", "Vattengympa utan avgift", "50-64", "", "b", "", ("cost",)),
    ("work-studies", "Fællesskab for unge, der har forladt skolen", "18-29", "young-adults",
     "dk", "Aarhus C", ("none_exists",)),
    ("grief-support", "Sorggruppe for mænd", "50-64", "men", "dk", "Viby J",
     ("none_exists",)),
)  # fmt: skip

# What the person says matters, their interests (category codes), and a plan, by reason.
WHAT_MATTERS: dict[str, dict[str, tuple[str, ...]]] = {
    "sv": {
        Why.LONELINESS: (
            "Att ha något att gå till på veckorna. Dagarna blir långa sedan jag gick i pension.",
            "Jag vill träffa folk igen, helst utomhus, och inte bara prata med tv:n.",
            "Att någon märker om jag inte kommer. Jag har ingen att fika med.",
        ),
        Why.ISOLATION: (
            "Jag kommer knappt ut sedan höftoperationen. Jag vill kunna ta mig till något själv.",
            "Jag vill känna mig behövd. Förr var jag med i föreningslivet.",
        ),
        Why.LOW_MOOD: (
            "Orka mer. Jag mår bättre när jag rör på mig, men kommer inte iväg ensam.",
            "Att ha en anledning att gå upp på morgonen.",
        ),
        Why.BEREAVEMENT: (
            "Sedan min man dog är det tyst hemma. Jag vill prata med andra som varit med om det.",
            "Jag vill hitta tillbaka till sådant jag gjorde innan hon blev sjuk.",
        ),
        Why.SICK_LEAVE: (
            "Komma tillbaka i en vardag med tider att passa innan jag börjar jobba igen.",
            "Jag vill bygga upp orken i lugn takt, tillsammans med andra.",
        ),
        Why.UNEMPLOYMENT: (
            "Jag vill ha något att göra på dagarna och kanske börja plugga igen.",
            "Träffa andra i min ålder. Jag har inte haft något sammanhang sedan skolan.",
        ),
        Why.CARER_STRAIN: (
            "Jag tar hand om mamma varje dag och behöver något som är mitt eget.",
            "Prata med andra anhöriga som förstår hur det är.",
        ),
        Why.NEWLY_ARRIVED: (
            "Lära mig svenska bättre och lära känna folk här.",
            "Jag vill ha vänner här och veta vad som finns för mina barn och mig.",
        ),
    },
    "da": {
        Why.LONELINESS: (
            "Jeg vil gerne møde nogle mennesker og komme ud af lejligheden.",
            "At have noget at stå op til om morgenen.",
        ),
        Why.ISOLATION: ("Jeg vil gerne være en del af noget igen, gerne noget med at gå ture.",),
        Why.BEREAVEMENT: (
            "Efter min kone døde, er der meget stille. Jeg vil tale med andre i samme situation.",
        ),
        Why.UNEMPLOYMENT: ("Jeg vil gerne finde ud af, hvad jeg skal, og møde andre unge.",),
    },
}
INTERESTS: dict[str, tuple[str, ...]] = {
    Why.LONELINESS: ("meeting-place", "games", "walking-outdoor"),
    Why.ISOLATION: ("meeting-place", "creative"),
    Why.LOW_MOOD: ("walking-outdoor", "conversation", "nature-gardening"),
    Why.BEREAVEMENT: ("grief-support", "conversation"),
    Why.SICK_LEAVE: ("exercise", "health-lifestyle", "work-studies"),
    Why.UNEMPLOYMENT: ("work-studies", "volunteering"),
    Why.CARER_STRAIN: ("carer-support", "creative"),
    Why.NEWLY_ARRIVED: ("language-cafe", "newly-arrived", "food-cooking"),
}
PLANS = {
    "sv": (
        "Prova en grupp under fyra veckor, följa upp efter det.",
        "Fortsätta samtalen varannan vecka och hitta en aktivitet nära hemmet.",
        "Följa med till första träffen, sedan går hen själv.",
    ),
    "da": (
        "Prøve et hold i fire uger og følge op bagefter.",
        "Fortsætte samtalerne hver anden uge og finde et tilbud tæt på hjemmet.",
    ),
}
CONTACT_NOTES = {
    "sv": {
        "first": "Första samtalet. Berättade vad en hälsolots gör; vill gärna ses.",
        "talk": "Pratade om vad som är viktigt och vad hen tyckte om förr.",
        "ready": "Gick igenom aktiviteter i närheten; valde en att prova.",
        "follow": "Uppföljning: trivs i gruppen och har fått en ny bekant.",
        "missed": "Ingen svarade. Lämnade meddelande.",
    },
    "da": {
        "first": "Første samtale. Fortalte om forløbet; vil gerne mødes.",
        "talk": "Talte om, hvad der betyder noget, og hvad hun/han før holdt af.",
        "ready": "Gennemgik tilbud i nærheden; valgte et at prøve.",
        "follow": "Opfølgning: er glad for holdet.",
        "missed": "Ingen svarede. Lagde en besked.",
    },
}
DETAILS = {
    CLINICIAN: "Berättar om ensamhet och långa dagar. Vill gärna bli kontaktad per telefon.",
    CONNECTOR: "Träffade hen på biblioteket; sitter ofta ensam och vill gärna bli uppringd.",
    SELF: "Jag har bott här i två år och känner nästan ingen. Ring gärna förmiddagar.",
    "da": "Jeg kender næsten ingen her og vil gerne have hjælp til at finde et fællesskab.",
}
DECLINE_REASON = "Har redan stöd från kommunens anhörigcentrum; vi hänvisade dit."
PROVIDER_TEXTS = {
    "needs_information": "Kan personen gå cirka tre kilometer? Vi går delvis i skogsterräng.",
    "declined": "Gruppen är för personer över 65 år, tyvärr.",
    "cancelled": "Vill hellre vänta till våren.",
    "no_contact": "Har inte nått personen på tre veckor.",
}
CLOSURE_NOTES = {
    "sv": {
        "goals_met": "Går regelbundet till gruppen och har egna kontakter där.",
        "declined": "Vill inte fortsätta just nu; vet hur hen når oss.",
        "moved": "Har flyttat till Luleå.",
        "no_contact": "Har inte gått att nå trots flera försök.",
        "other": "Går vidare till kommunens arbetsträning.",
    },
    "da": {"goals_met": "Kommer fast på holdet og har fået nye bekendte der."},
}
CHANNELS = (Contact.Channel.PHONE, Contact.Channel.MEETING, Contact.Channel.HOME_VISIT,
            Contact.Channel.VIDEO)  # fmt: skip
NEXT_ACTION_DAYS = (0, 3, -1, 7, 0, 14, -2, 1)  # some today, some late, some ahead
HOME_TOWNS = {"SE": ("Umeå", "Umeå", "Umeå", "Holmsund", "Sävar", "Röbäck"),
              "DK": ("Århus", "Århus", "Viby")}  # fmt: skip


# -- Time: each step happened on its own day -----------------------------------------------


# Timestamps each action may have written, per model, for one person.
STAMPED: tuple[tuple[Any, str, tuple[str, ...]], ...] = (
    (Person, "pk", ("created_at", "updated_at")),
    (Consent, "person", ("given_at", "withdrawn_at")),
    (Referral, "person", ("created_at", "triaged_at", "first_contact_at")),
    (Case, "person", ("opened_at", "stage_changed_at", "closed_at")),
    (Contact, "case__person", ("created_at",)),
    (ActivityReferral, "case__person", ("created_at", "answered_at", "updated_at")),
    (ActivityReferralEvent, "activity_referral__case__person", ("at",)),
)


class Clock:
    """Moments on one person's way, from `days_ago` towards now, in working hours.

    Each step moves forward by about the days asked, but never more than half of what is
    left, so a story never reaches the present however many steps it has.
    """

    def __init__(self, days_ago: float, now: dt.datetime, rng: random.Random) -> None:
        self.day = days_ago + rng.random()
        self.now = now
        self.rng = rng
        self.last: dt.datetime | None = None
        self.steps: list[tuple[dt.datetime, dt.datetime]] = []  # (began, moment to show)

    @contextmanager
    def step(self, days: float) -> Iterator[dt.datetime]:
        """Run the actions inside as if `days` after the last step (see `stamp`)."""
        moment = self.after(days)
        self.steps.append((timezone.now(), moment))
        yield moment

    def stamp(self, person: Person) -> None:
        """Move what each step wrote about `person` back to the moment it stands for.

        A timestamp written while step k ran lies between its start and the next step's;
        each model's rows are read once and written back with one bulk update.
        """
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

    def after(self, days: float) -> dt.datetime:
        self.day -= min(days * self.rng.uniform(0.7, 1.3), self.day / 2)
        return self.moment()

    def moment(self) -> dt.datetime:
        whole = math.floor(self.day)
        local_now = timezone.localtime(self.now)
        date = local_now.date() - dt.timedelta(days=whole)
        if date.weekday() >= 5:
            date += dt.timedelta(days=7 - date.weekday())  # the Monday after
        # Working hours, 8 to 17: later in the day as the fraction of the day shrinks.
        minutes = 17 * 60 - round((self.day - whole) * 9 * 60)
        moment = dt.datetime.combine(date, dt.time(), tzinfo=local_now.tzinfo)
        moment = min(moment + dt.timedelta(minutes=minutes), local_now - dt.timedelta(minutes=5))
        if self.last is not None and moment <= self.last:
            moment = min(self.last + dt.timedelta(minutes=7), local_now)
        self.last = moment
        return moment


@contextmanager
def quiet_tasks() -> Iterator[None]:
    """Tasks enqueued inside (and on commit of a transaction opened inside) go nowhere."""
    with override_settings(TASKS=QUIET_TASKS):
        yield


# -- Finding what seed_demo made, and what an earlier run of this made ----------------------


def demo_teams() -> Any:
    """Teams at demo organisations: only the demo makes them (see `remove`)."""
    return Team.objects.filter(organization__in=seed_demo.demo_organisations())


def is_seeded() -> bool:
    return demo_teams().exists()


def remove() -> dict[str, int]:
    """Delete the demo teams and everything referred to them, giving back places they held.

    People referred to a demo team (and to no other team) go with their consents; audit rows
    stay, as does the Danish link worker (the audit log refers to users).
    """
    teams = demo_teams()
    team_ids = list(teams.values_list("pk", flat=True))
    referrals = Referral.objects.filter(Q(team__in=team_ids) | Q(forwarded_to__in=team_ids))
    people = list(
        Person.objects.filter(pk__in=referrals.values("person_id"))
        .exclude(pk__in=Referral.objects.exclude(team__in=team_ids).values("person_id"))
        .values_list("pk", flat=True)
    )
    activity_referrals = ActivityReferral.objects.filter(case__team__in=team_ids)
    for flag, column in (("holds_place", "places_taken"), ("on_waitlist", "waitlist_length")):
        held = activity_referrals.filter(**{flag: True}).values("offering_id")
        for row in held.annotate(n=Count("pk")):
            Offering.objects.filter(pk=row["offering_id"]).update(
                **{column: Greatest(F(column) - row["n"], 0)}
            )
    removed = {"teams": len(team_ids), "people": len(people), "referrals": referrals.count()}
    activity_referrals.delete()
    Case.objects.filter(team__in=team_ids).delete()
    referrals.delete()
    UnmetNeed.objects.filter(team__in=team_ids).delete()
    Person.objects.filter(pk__in=people).delete()
    Consent.objects.filter(team__in=team_ids).delete()
    teams.delete()
    return removed


def _member_organisation(local: str) -> Organization:
    email = f"{local}@{seed_demo.DEMO_EMAIL_DOMAIN}"
    membership = Membership.objects.filter(user__email=email).select_related("organization").first()
    if membership is None:
        raise DemoError(f"There is no demo user {email}: run `manage.py seed_demo` first.")
    return membership.organization


def _demo_user(local: str) -> User:
    email = f"{local}@{seed_demo.DEMO_EMAIL_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        raise DemoError(f"There is no demo user {email}: run `manage.py seed_demo` first.")
    return user


# -- The seeder ---------------------------------------------------------------------------


class Seeder:
    """Builds the demo loop; one instance per run, every choice from its seeded sources."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        self.rng = random.Random(SEED)  # noqa: S311 - a repeatable demo, not a secret
        self.fake = {"SE": Faker("sv_SE"), "DK": Faker("da_DK")}
        for fake in self.fake.values():
            fake.seed_instance(SEED)
        self.terms = {(t.vocabulary, t.code): t for t in Term.objects.all()}
        self.next_actions = 0

    # -- Teams, users and offerings ---------------------------------------------------------

    def setup(self) -> None:
        self.centre_a = _member_organisation("gp")
        self.centre_b = _member_organisation("outsider")
        self.association = _member_organisation("provider")
        self.danish_association = _member_organisation("dk-provider")
        self.gp = _demo_user("gp")
        self.outsider = _demo_user("outsider")
        self.connector = _demo_user("connector")
        self.provider = _demo_user("provider")
        self.danish_provider = _demo_user("dk-provider")
        self.link_worker = _demo_user("linkworker")
        self.link_worker_b = self.link_worker_at(
            f"linkworker-b@{seed_demo.DEMO_EMAIL_DOMAIN}", self.centre_b, "sv"
        )
        self.danish_centre = _member_organisation("dk-linkworker")
        self.danish_link_worker = self.link_worker_at(DANISH_LINK_WORKER, self.danish_centre, "da")
        self.teams = {
            "a": self.team(
                "Hälsolotsarna Umeå centrum", self.centre_a, self.link_worker, SWEDEN, True
            ),
            "b": self.team(
                "Hälsolotsarna Granlunda", self.centre_b, self.link_worker_b, SWEDEN, False
            ),
            "dk": self.team(
                "Brobyggerne Aarhus", self.danish_centre, self.danish_link_worker, DENMARK, True
            ),
        }
        self.link_workers = {
            "a": self.link_worker,
            "b": self.link_worker_b,
            "dk": self.danish_link_worker,
        }
        self.offerings = self.choose_offerings()

    def link_worker_at(self, email: str, organization: Organization, language: str) -> User:
        """A link worker login with the demo password, made if `seed_demo` did not make it.

        Made here only in a database seeded before these were demo logins.
        """
        user, created = User.objects.get_or_create(email=email)
        if created:
            fake = Faker("da_DK" if language == "da" else "sv_SE")
            fake.seed_instance(SEED)
            user.first_name = str(fake.first_name())
            user.last_name = str(fake.last_name())
            user.language = language
            user.password = make_password(seed_demo.DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user, organization=organization, role=Membership.Role.LINK_WORKER
        )
        return user

    def team(
        self,
        name: str,
        organization: Organization,
        member: User,
        municipality: str,
        takes_self_referrals: bool,
    ) -> Team:
        host = seed_demo.ascii_slug(organization.name)[:50].strip("-")
        country = "SE" if municipality.startswith("SE") else "DK"
        team = Team.objects.create(
            name=name,
            organization=organization,
            municipality=municipality,
            takes_self_referrals=takes_self_referrals,
            email=f"lotsar@{host}{seed_demo.ORGANISATION_EMAIL_SUFFIX}",
            phone=seed_demo.phone_number(self.fake[country], country),
        )
        team.serves.set([organization])
        team.members.set([member])
        return team

    def choose_offerings(self) -> dict[str, Offering]:
        """The offerings the stories refer to; the provider's first two are made to fit.

        The demo provider gets one listing with free places (the answer link of the browser
        test goes there) and one that is full and keeps a waiting list.
        """
        listings = list(
            self.association.offerings.filter(
                status=Offering.Status.ACTIVE, is_published=True
            ).order_by("pk")
        )
        if len(listings) < 3:
            raise DemoError("The demo association has fewer than three listings.")
        open_, full, other = listings[:3]
        for offering, capacity, taken, waiting in ((open_, 12, 5, 0), (full, 8, 8, 2)):
            Offering.objects.filter(pk=offering.pk).update(
                capacity=capacity,
                places_taken=taken,
                has_waitlist=True,
                waitlist_length=waiting,
                how_to_join=Offering.HowToJoin.CONTACT_FIRST,
                email=offering.email or seed_demo.person_email(offering.contact_name or "kontakt"),
            )
        chosen = {"open": open_, "full": full, "provider": other}
        elsewhere = Offering.objects.public().filter(status=Offering.Status.ACTIVE)
        umea = elsewhere.filter(organization__municipality=SWEDEN).exclude(
            organization=self.association
        )
        aarhus = elsewhere.filter(organization__municipality=DENMARK)
        danish = aarhus.filter(organization=self.danish_association)
        for key, candidates, vocabulary, code in (
            ("grief", umea, "categories", "grief-support"),
            ("language", umea, "categories", "language-cafe"),
            ("young", umea, "audiences", "young-adults"),
            ("walk", umea, "categories", "walking-outdoor"),
            ("carers", umea, "categories", "carer-support"),
            ("dk-language", danish, "categories", "language-cafe"),
            ("dk-meeting", aarhus, "categories", "meeting-place"),
            ("dk-grief", danish, "categories", "grief-support"),
        ):
            chosen[key] = self.pick(candidates.filter(**{f"{vocabulary}__code": code}), key)
        for key in ("open", "full", "provider"):
            chosen[key].refresh_from_db()
        return chosen

    def pick(self, candidates: Any, key: str) -> Offering:
        """One with room for a few more referrals, the same one on every run."""
        roomy = [
            o
            for o in candidates.distinct().order_by("pk")
            if o.capacity is None or o.capacity - o.places_taken >= 3
        ]
        if not roomy:
            raise DemoError(f"The demo directory has no offering for {key!r} with free places.")
        return self.rng.choice(roomy)

    # -- People -----------------------------------------------------------------------------

    def person(self, story: Story, acting_user: User | None) -> Person:
        country = "DK" if story.team == "dk" else "SE"
        fake = self.fake[country]
        male = self.rng.random() < 0.45
        born, identity, kind = self.birth(story, country, male=male)
        first = str(fake.first_name_male() if male else fake.first_name_female())
        last = str(fake.last_name())
        fields: dict[str, Any] = {
            "first_name": first,
            "municipality": SWEDEN if country == "SE" else DENMARK,
            "phone": self.phone(country),
        }
        if story.source != CONNECTOR:
            # A volunteer connector passes on a first name and a phone number, nothing more.
            towns = demo_data.SWEDISH_TOWNS if country == "SE" else demo_data.DANISH_TOWNS
            town = self.rng.choice(HOME_TOWNS[country])
            city, prefixes = towns[town]
            prefix = self.rng.choice(prefixes)
            fields |= {
                "last_name": last,
                "birth_date": born,
                "identity_number": identity,
                "identity_kind": kind,
                "address": f"{fake.street_name()} {self.rng.randint(1, 60)}",
                "postcode": f"{prefix} {self.rng.randint(10, 99)}" if country == "SE" else prefix,
                "city": city,
                "email": (
                    seed_demo.person_email(f"{first} {last}") if self.rng.random() < 0.5 else ""
                ),
                "language": story.language,
                "needs_interpreter": story.language not in ("sv", "da"),
                "contact_preference": self.rng.choice(
                    [Person.ContactPreference.PHONE] * 4
                    + [Person.ContactPreference.SMS, Person.ContactPreference.LETTER]
                ),
                "sex": Person.Sex.MALE if male else Person.Sex.FEMALE,
                "household": self.rng.choice(
                    [Person.Household.ALONE] * 3
                    + [Person.Household.PARTNER, Person.Household.CHILDREN]
                ),
            }
        return people_actions.create_person(fields, acting_user=acting_user)

    def birth(self, story: Story, country: str, *, male: bool) -> tuple[dt.date, str, str]:
        """A date of birth in the story's age range; every other Swedish person also has a
        personnummer from Faker, whose sex digit (odd for men) agrees with the name."""
        low, high = story.ages
        with_number = self.rng.random() < 0.5
        if country == "SE":
            while True:
                # The stubs know only the generic ssn(); the Swedish one takes an age range.
                ssn = self.fake["SE"].ssn(min_age=low, max_age=high)  # type: ignore[call-arg]
                try:
                    parsed = identitynumbers.parse(ssn, "SE")
                except ValueError:
                    continue  # Faker may give serial 000, which no one has
                if int(parsed.value[-2]) % 2 != male:
                    continue
                if with_number:
                    return parsed.birth_date, parsed.value, parsed.kind
                return parsed.birth_date, "", ""
        # Faker's da_DK has no CPR generator, and a made-up CPR number may be someone's real
        # one: Danish demo people have a date of birth only.
        born = self.today - dt.timedelta(days=self.rng.randint(low * 365 + 1, high * 365))
        return born, "", ""

    def phone(self, country: str) -> str:
        while True:
            try:
                return phones.normalise(
                    seed_demo.phone_number(self.fake[country], country), country
                )
            except ValueError:
                continue  # Faker's Danish numbers are not all valid ones

    # -- One story ---------------------------------------------------------------------------

    def tell(self, story: Story) -> None:
        """Refer a new person as the story says, then triage and work the case."""
        team = self.teams[story.team]
        worker = self.link_workers[story.team]
        language = "da" if story.team == "dk" else "sv"
        clock = Clock(story.days_ago, self.now, self.rng)
        referrer: User | None = {
            (CLINICIAN, "a"): self.gp,
            (CLINICIAN, "b"): self.outsider,
            (CONNECTOR, "a"): self.connector,
        }.get((Source(story.source), story.team))
        organisation = {
            (CLINICIAN, "a"): self.centre_a,
            (CLINICIAN, "b"): self.centre_b,
            (CONNECTOR, "a"): self.centre_a,
        }.get((Source(story.source), story.team))

        with clock.step(0) as moment:
            person = self.person(story, referrer)
            referral = actions.refer_to_team(
                person,
                team,
                source=story.source,
                acting_user=referrer,
                referring_organization=organisation,
                reasons=story.reasons,
                details=DETAILS["da"] if language == "da" else DETAILS[story.source],
                ucla3=self.screening() if story.screened else (None, None, None),
                consent_method=(
                    Consent.Method.DIGITAL if story.source == SELF else Consent.Method.VERBAL
                ),
                feedback_consent=story.feedback and story.source == CLINICIAN,
                agreed_to_be_called=story.source == CONNECTOR,
            )
        due = (
            self.today
            if story.due_today
            else add_working_days(
                timezone.localdate(moment), settings.LOTSA_FIRST_CONTACT_WORKING_DAYS
            )
        )
        if story.overdue and due >= self.today:
            # Weekends move the story's dates: keep it late whatever weekday today is.
            due = self.today - dt.timedelta(days=1)
        Referral.objects.filter(pk=referral.pk).update(due_on=due)
        self.triage(story, referral, clock, worker, language)
        clock.stamp(person)

    def triage(
        self, story: Story, referral: Referral, clock: Clock, worker: User, language: str
    ) -> None:
        """What the team did with the referral and, if it opened a case, the work since."""
        if story.triage == "new":
            return
        if story.triage == "assigned":
            with clock.step(1):
                actions.assign_referral(referral, worker, acting_user=worker)
            return
        if story.triage == "declined":
            with clock.step(2):
                actions.decline_referral(referral, DECLINE_REASON, acting_user=worker)
            return
        if story.triage == "forwarded":
            with clock.step(1):
                actions.forward_referral(
                    referral, self.teams["b"], consent_method="verbal", acting_user=worker
                )
            return

        with clock.step(1):
            case = actions.open_case(referral, acting_user=worker)
        notes = CONTACT_NOTES[language]
        self.contact(case, clock, 2, "first", notes, channel="phone")

        target = STAGES.index(story.stage)
        if target >= STAGES.index(Stage.TALKS):
            self.contact(case, clock, 6, "talk", notes)
            self.stage(case, clock, Stage.TALKS, worker)
            self.describe(case, clock, story, language, worker)
        if target >= STAGES.index(Stage.READY):
            self.contact(case, clock, 10, "ready", notes)
            self.stage(case, clock, Stage.READY, worker)
        for key, outcome in story.activities:
            self.refer_on(case, clock, self.offerings[key], outcome, worker, language)
        case.refresh_from_db()
        for stage in STAGES[STAGES.index(case.stage) + 1 : target + 1]:
            if stage in (Stage.FOLLOW_UP, Stage.NEXT_STEP):
                self.contact(case, clock, 14, "follow", notes)
            self.stage(case, clock, stage, worker)
        if story.closure == "no_contact":
            for _attempt in range(3):
                self.contact(case, clock, 5, "missed", notes, reached=False)
        if story.closure:
            with clock.step(7):
                actions.close_case(
                    case,
                    reason=story.closure,
                    next_step=story.next_step,
                    note=CLOSURE_NOTES[language].get(story.closure, ""),
                    acting_user=worker,
                )
            return
        days = NEXT_ACTION_DAYS[self.next_actions % len(NEXT_ACTION_DAYS)]
        self.next_actions += 1
        with clock.step(1):
            actions.update_case(
                case,
                {"next_action_on": self.today + dt.timedelta(days=days)},
                acting_user=worker,
            )

    def screening(self) -> tuple[int, int, int]:
        return (self.rng.randint(2, 3), self.rng.randint(1, 3), self.rng.randint(2, 3))

    def contact(
        self,
        case: Case,
        clock: Clock,
        days: float,
        note: str,
        notes: dict[str, str],
        *,
        reached: bool = True,
        channel: str = "",
    ) -> None:
        with clock.step(days) as moment:
            actions.record_contact(
                case,
                channel=channel or self.rng.choice(CHANNELS),
                happened_on=timezone.localtime(moment).date(),
                duration_minutes=self.rng.choice((10, 15, 20, 30, 45, 60)) if reached else None,
                reached=reached,
                note=notes[note],
                acting_user=case.assigned_to or self.link_worker,
            )

    def stage(self, case: Case, clock: Clock, stage: str, worker: User) -> None:
        with clock.step(1):
            actions.change_stage(case, stage, acting_user=worker)

    def describe(self, case: Case, clock: Clock, story: Story, language: str, worker: User) -> None:
        """What matters to the person in their words, interests, constraints and a plan."""
        reason = story.reasons[0]
        words = WHAT_MATTERS[language].get(reason) or WHAT_MATTERS[language][Why.LONELINESS]
        codes = INTERESTS[reason]
        spoken = "da" if language == "da" else "sv"
        languages = [spoken] + ([story.language] if story.language not in ("sv", "da") else [])
        with clock.step(1):
            actions.update_case(
                case,
                {
                    "what_matters": self.rng.choice(words),
                    "available_days": sorted(
                        self.rng.sample(["MO", "TU", "WE", "TH", "FR"], k=self.rng.randint(2, 4)),
                        key=["MO", "TU", "WE", "TH", "FR"].index,
                    ),
                    "available_times": self.rng.choice(
                        (["morning"], ["afternoon"], ["morning", "afternoon"], ["evening"])
                    ),
                    "max_travel_km": self.rng.choice((2, 3, 5, 10, None)),
                    "group_preference": self.rng.choice(Case.GroupPreference.values),
                    "needs_free": self.rng.random() < 0.4,
                    "plan": self.rng.choice(PLANS[language]),
                },
                interests=[self.terms[("category", code)] for code in codes[:2]],
                accessibility_needs=(
                    [self.terms[("accessibility", "seating")]] if story.ages[0] >= 65 else []
                ),
                languages=[self.terms[("language", code)] for code in languages],
                acting_user=worker,
            )

    # Outcome → the provider's answer, then participation steps.
    OUTCOMES: dict[str, tuple[str, tuple[str, ...]]] = {
        "requested": ("", ()),
        "accepted": (Answer.ACCEPT, ()),
        "started": (Answer.ACCEPT, (Participation.STARTED,)),
        "attending": (Answer.ACCEPT, (Participation.STARTED, Participation.ATTENDING)),
        "completed": (
            Answer.ACCEPT,
            (Participation.STARTED, Participation.ATTENDING, Participation.STOPPED),
        ),
        "waitlisted": (Answer.WAITLIST, ()),
        "needs_information": (Answer.NEEDS_INFORMATION, ()),
        "declined": (Answer.DECLINE, ()),
        "no_place": (Answer.NO_PLACE, ()),
        "cancelled": ("", ()),
        "no_contact": ("", ()),
    }

    def refer_on(
        self,
        case: Case,
        clock: Clock,
        offering: Offering,
        outcome: str,
        worker: User,
        language: str,
    ) -> None:
        offering.refresh_from_db()
        fields = [Field.NAME, Field.PHONE, Field.LANGUAGE, Field.AGE]
        if self.rng.random() < 0.5:
            fields.append(Field.WHAT_MATTERS)
        with clock.step(3):
            referral = actions.refer_to_offering(
                case,
                offering,
                fields=fields,
                consent_method=Consent.Method.VERBAL,
                acting_user=worker,
                message=(
                    "Hej! Vi tror att er aktivitet kan passa. Hör gärna av er direkt."
                    if language == "sv"
                    else "Hej! Vi tror, jeres tilbud kan passe. Ring gerne direkte."
                ),
                to_waitlist=offering.capacity_status == Offering.CapacityStatus.WAITLIST,
            )
        answer, steps = self.OUTCOMES[outcome]
        provider = self.provider if offering.organization_id == self.association.pk else None
        if offering.organization_id == self.danish_association.pk:
            provider = self.danish_provider
        if answer:
            # The demo provider answers in the inbox; other providers through the e-mailed link.
            with clock.step(3):
                actions.answer_activity_referral(
                    referral,
                    answer,
                    acting_user=provider,
                    text=PROVIDER_TEXTS.get(outcome, ""),
                    via_link=provider is None,
                )
        for n, step in enumerate(steps):
            with clock.step(7 if n == 0 else 21) as moment:
                actions.record_participation(
                    referral,
                    step,
                    acting_user=provider or worker,
                    on=timezone.localtime(moment).date(),
                    via_link=False,
                )
        if outcome in ("cancelled", "no_contact"):
            reason = (
                ActivityReferral.Reason.PERSON_DECLINED
                if outcome == "cancelled"
                else ActivityReferral.Reason.NO_CONTACT
            )
            with clock.step(5):
                actions.cancel_activity_referral(
                    referral, reason=reason, text=PROVIDER_TEXTS[outcome], acting_user=worker
                )

    # -- Gaps ----------------------------------------------------------------------------------

    def unmet_needs(self) -> None:
        for n, (code, words, age_band, audience, team, area, why) in enumerate(UNMET_NEEDS):
            need = actions.record_unmet_need(
                team=self.teams[team],
                municipality=DENMARK if team == "dk" else SWEDEN,
                reasons=why,
                need=self.terms[("category", code)],
                need_text=words,
                age_band=age_band,
                audience=self.terms[("audience", audience)] if audience else None,
                area=area,
                acting_user=self.link_workers[team],
            )
            days = 115 - n * 9 + self.rng.randint(0, 5)
            UnmetNeed.objects.filter(pk=need.pk).update(
                recorded_at=self.now - dt.timedelta(days=days, hours=self.rng.randint(0, 6))
            )

    def build(self) -> None:
        self.setup()
        for story in STORIES:
            self.tell(story)
        self.unmet_needs()


def seed(now: dt.datetime | None = None) -> None:
    """Seed the demo loop in one transaction, with tasks held back (see `QUIET_TASKS`)."""
    with quiet_tasks(), transaction.atomic():
        Seeder(now or timezone.now()).build()


def summary() -> dict[str, Any]:
    """Counts of what the demo holds, for the command to print and the tests to check."""
    teams = demo_teams()
    referrals = Referral.objects.filter(team__in=teams)
    cases = Case.objects.filter(team__in=teams)
    activity = ActivityReferral.objects.filter(case__team__in=teams)
    return {
        "teams": teams.count(),
        "people": Person.objects.filter(referrals__team__in=teams).distinct().count(),
        "referrals": Counter(referrals.values_list("status", flat=True)),
        "stages": Counter(cases.open().values_list("stage", flat=True)),
        "closed": Counter(cases.exclude(closed_at=None).values_list("closure_reason", flat=True)),
        "activity": Counter(
            f"{status}/{reason}" if reason else status
            for status, reason in activity.values_list("status", "reason")
        ),
        "unmet": UnmetNeed.objects.filter(team__in=teams).count(),
    }
