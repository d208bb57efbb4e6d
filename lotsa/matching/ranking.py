"""Ranking offerings for a case: hard rules in the database, a weighted soft score in Python.

`rank(needs)` works in three steps, and never writes:

1. The database keeps only offerings that break no hard rule (`eligible`): active, the right
   age, within the person's travel distance (online offerings pass), a session in the
   person's days and times (offerings without any schedule pass, marked uncertain), the
   accessibility the person needs, and no "by referral only" listing the case's team may
   not refer to. In the same query it chooses at most CANDIDATES of them (`candidate_ids`):
   those whose categories or words match first, nearest first within each.
2. Python scores only those candidates: one value per soft factor, each times its weight in
   `WEIGHTS`, summed.
3. Diversity: at most two offerings of one organisation in the top ten.

Each suggestion carries its reasons and what is uncertain as short translated chips.
`violations()` is the same set of hard rules in Python, for one offering: the quality
measure and the tests use it to check that no suggestion ever breaks one.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Case as Choose
from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression, OrderBy
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lotsa.directory import search
from lotsa.directory.filters import TIMES_OF_DAY, Origin, find_origin
from lotsa.directory.models import Offering, Place, Schedule, Term
from lotsa.lib import distance, municipalities, text
from lotsa.lib.schedules import WEEKDAYS
from lotsa.people.models import Person
from lotsa.referrals.models import Case, Referral

# The weight of each soft factor. Every factor's value lies in [-1, 1] (most in [0, 1]); its
# contribution to the score is value × weight. `make bench` measures them on the quality
# case file (NDCG@5).
WEIGHTS: dict[str, float] = {
    "text": 3.0,  # the person's own words found in the listing
    "interests": 3.0,  # share of the person's interests among the offering's categories
    "distance": 2.0,  # nearer is better (decays with distance)
    "schedule": 1.0,  # more sessions in the person's days and times
    "capacity": 2.0,  # free places now > short waiting list > long > full without one
    "freshness": 0.5,  # reviewed recently
    "stage": 1.5,  # early in the pathway or one to one: small groups first
    "cost": 2.0,  # free of charge, when the person needs that
    "language": 1.5,  # spoken in one of the person's languages
    "audience": 1.5,  # meant for people like them (or for everyone)
}

# How many candidates the database hands to Python, at most: those that match by category or
# words first, nearest first, then the nearest of the rest.
CANDIDATES = 150
# The database measures distance on a flat map (exact enough within a few hundred km) with a
# little slack; Python then keeps what lies within the person's limit by haversine.
FLAT_DISTANCE_SLACK = 1.02
KM_PER_DEGREE = math.pi * distance.EARTH_RADIUS_KM / 180
# Words of "what matters" used to score (and, the first few, to find candidates with the
# search index); the longest count first.
MAX_WORDS = 12
MAX_SEARCH_WORDS = 3
MIN_WORD_LENGTH = 3
# A stem this long matches the start of a longer one ("promenad" → "promenadgrupp"); a stem of
# the listing at least LONG_PREFIX_LENGTH long matches the start of the person's.
PREFIX_LENGTH = 4
LONG_PREFIX_LENGTH = 5
# Distance decay: a place this far away counts half as much as one next door.
HALF_VALUE_KM = 3.0
ONLINE_DISTANCE_VALUE = 0.5
# Full without a waiting list: nobody can be referred there now.
FULL_VALUE = -1.0
# An offering without any schedule (by appointment, ask the activity).
UNSCHEDULED_VALUE = 0.25
# Group sizes, by the number of places: up to 2 is one to one, up to 8 a small group.
ONE_TO_ONE_MAX = 2
SMALL_GROUP_MAX = 8
# Stages of the PROSA pathway before "ready for a group".
EARLY_STAGES = frozenset({Case.Stage.MAPPING, Case.Stage.TALKS})
# Accessibility that only a physical place has: online offerings meet these needs.
PLACE_NEEDS = frozenset(
    {"wheelchair", "step-free", "accessible-toilet", "seating", "public-transport"}
)
# A home placed further than this from the centre of the person's municipality is not trusted.
MAX_KM_FROM_MUNICIPALITY = 100
LOCAL_LANGUAGES = frozenset({"sv", "da"})
DIVERSITY_TOP = 10
PER_ORGANISATION_IN_TOP = 2

# The hard rules, as `violations()` names them.
RULE_STATUS = "status"
RULE_AGE = "age"
RULE_DISTANCE = "distance"
RULE_SCHEDULE = "schedule"
RULE_ACCESSIBILITY = "accessibility"
RULE_REFERRAL = "referral"


@dataclasses.dataclass(frozen=True)
class Needs:
    """What the ranking reads from a case, as plain values (testable without a database)."""

    words: str  # "what matters to me"
    interests: frozenset[str]  # category term codes
    days: frozenset[str]  # "MO".."SU" available (empty = any)
    times: frozenset[str]  # the Case.available_times codes (empty = any)
    max_km: float | None
    origin: tuple[float, float] | None  # (lat, lon) of home, None when unknown
    accessibility: frozenset[str]  # accessibility term codes the person needs
    languages: frozenset[str]  # language term codes
    group: str  # Case.GroupPreference value
    needs_free: bool
    age: int | None
    audiences: frozenset[str]  # audience term codes that fit the person (may be empty)
    stage: str  # Case.Stage value
    team_id: int | None
    municipality: str  # person's municipality key

    @property
    def is_empty(self) -> bool:
        """Nothing to match on: no usable words and no interests."""
        return not self.interests and not _words(self.words)


@dataclasses.dataclass(frozen=True)
class Reason:
    """One chip: which factor (or rule) it is about, and a short translated text."""

    factor: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclasses.dataclass
class Suggestion:
    offering: Offering
    score: float
    reasons: list[Reason]  # chips: short translated text, e.g. "Tuesdays 14–16 suit you"
    uncertain: list[Reason]  # e.g. "not reviewed for 8 months"
    factors: dict[str, float]  # each soft factor's contribution (for tests and the bench)
    distance_km: float | None = None  # to the nearest place; None online or without a home
    place: Place | None = None  # the nearest place (the first without a home)
    next_session: tuple[dt.date, Schedule] | None = None


@dataclasses.dataclass
class Listing:
    """An offering and the rows around it that the ranking reads, as plain lists."""

    offering: Offering
    categories: list[Term]
    audiences: list[Term]
    languages: list[Term]
    places: list[Place]
    schedules: list[Schedule]


# --- the needs of a case ------------------------------------------------------------------


def origin_of(person: Person) -> Origin | None:
    """Where the person lives, as the directory places an origin: the postcode, else the town,
    else the centre of the municipality; None when we know none of them."""
    municipality = municipalities.get(person.municipality) if person.municipality else None
    centre = None
    if municipality is not None and municipality.lat is not None and municipality.lon is not None:
        centre = Origin(
            label=municipality.name, lat=municipality.lat, lon=municipality.lon, is_approximate=True
        )
    for value in (person.postcode, person.city):
        if value.strip():
            found = find_origin(value)
            # A postcode is placed from our own places: one far outside the person's
            # municipality is a typing mistake (or a namesake town), not their home.
            if found is not None and (
                centre is None
                or distance.haversine_km(found.lat, found.lon, centre.lat, centre.lon)
                <= MAX_KM_FROM_MUNICIPALITY
            ):
                return found
    return centre


# Target groups a person belongs to, from what the case holds.
AUDIENCE_BY_REASON: dict[str, str] = {
    Referral.Reason.CARER_STRAIN: "carers",
    Referral.Reason.NEWLY_ARRIVED: "newly-arrived",
    Referral.Reason.SICK_LEAVE: "sick-leave",
}


def audiences_of(person: Person, reasons: Iterable[str], age: int | None) -> frozenset[str]:
    """The target groups (audience codes) the person belongs to, as far as the case says."""
    found = set()
    if age is not None and age >= 65:
        found.add("older-people")
    if age is not None and 18 <= age <= 29:
        found.add("young-adults")
    if person.sex == Person.Sex.FEMALE:
        found.add("women")
    elif person.sex == Person.Sex.MALE:
        found.add("men")
    if person.household == Person.Household.CHILDREN:
        found.add("parents")
    found.update(AUDIENCE_BY_REASON[r] for r in reasons if r in AUDIENCE_BY_REASON)
    return frozenset(found)


def needs_and_origin(case: Case, today: dt.date | None = None) -> tuple[Needs, Origin | None]:
    """The case's needs, and the origin distances are measured from (for the page to name).

    One query for the terms of the case, and at most two to place a postcode; the person,
    the team and the referral come with the case (`get_case_for_user` selects them)."""
    today = today or timezone.localdate()
    person = case.person
    through = {
        field: getattr(Case, field).through.objects.filter(case_id=case.pk).values("term_id")
        for field in ("interests", "accessibility_needs", "languages")
    }
    codes: dict[str, set[str]] = {}
    for vocabulary, code in Term.objects.filter(
        Q(pk__in=through["interests"])
        | Q(pk__in=through["accessibility_needs"])
        | Q(pk__in=through["languages"])
    ).values_list("vocabulary", "code"):
        codes.setdefault(vocabulary, set()).add(code)
    languages = codes.get(Term.Vocabulary.LANGUAGE, set())
    if not languages and person.language:
        languages = {person.language}
    origin = origin_of(person)
    age = person.age(today)
    needs = Needs(
        words=case.what_matters,
        interests=frozenset(codes.get(Term.Vocabulary.CATEGORY, ())),
        days=frozenset(d for d in case.available_days if d in WEEKDAYS),
        times=frozenset(t for t in case.available_times if t in TIMES_OF_DAY),
        max_km=float(case.max_travel_km) if case.max_travel_km is not None else None,
        origin=(origin.lat, origin.lon) if origin is not None else None,
        accessibility=frozenset(codes.get(Term.Vocabulary.ACCESSIBILITY, ())),
        languages=frozenset(languages),
        group=case.group_preference,
        needs_free=case.needs_free,
        age=age,
        audiences=audiences_of(person, case.referral.reasons or (), age),
        stage=case.stage,
        team_id=case.team_id,
        municipality=person.municipality or case.team.municipality,
    )
    return needs, origin


def needs_of(case: Case) -> Needs:
    """What the ranking reads from a case (a few queries)."""
    return needs_and_origin(case)[0]


# --- hard rules in the database -----------------------------------------------------------


# Not `status="active"`: SQLite, without statistics, would then walk the status index over
# every active offering instead of starting from the few near the person. Same rows.
NOT_ACTIVE = (Offering.Status.PAUSED, Offering.Status.ENDED)


def default_offerings() -> QuerySet[Offering]:
    """The published, active offerings of approved organisations."""
    return Offering.objects.public().exclude(status__in=NOT_ACTIVE)


def search_radius_km(needs: Needs) -> float:
    """How far from home to look: the person's own limit, else the matching radius."""
    if needs.max_km is not None:
        return needs.max_km
    return float(settings.LOTSA_MATCHING_RADIUS_KM)


def flat_km2(origin: tuple[float, float]) -> CombinedExpression:
    """The squared distance in km² from `origin` to a Place row on a flat map: plain
    arithmetic, which both databases compute fast (SQLite has no native trigonometry)."""
    lat, lon = origin
    north = (F("latitude") - Value(lat)) * Value(KM_PER_DEGREE)
    east = (F("longitude") - Value(lon)) * Value(KM_PER_DEGREE * math.cos(math.radians(lat)))
    return north * north + east * east


def places_near(origin: tuple[float, float], km: float) -> QuerySet[Place]:
    """Places within about `km` of `origin`: the indexed bounding box, then the flat circle
    (with a little slack: the exact haversine test comes after, in Python)."""
    min_lat, max_lat, min_lon, max_lon = distance.bounding_box(
        origin[0], origin[1], km * FLAT_DISTANCE_SLACK
    )
    return (
        Place.objects.filter(
            latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)
        )
        .annotate(km2=ExpressionWrapper(flat_km2(origin), output_field=FloatField()))
        .filter(km2__lte=(km * FLAT_DISTANCE_SLACK) ** 2)
    )


def _windows(times: Iterable[str]) -> list[tuple[dt.time | None, dt.time | None]]:
    return [TIMES_OF_DAY[t] for t in sorted(times) if t in TIMES_OF_DAY]


def _session_q(needs: Needs, today: dt.date) -> Q:
    """Schedules still running with a session on one of the person's days, at their times."""
    current = Q(single_date__isnull=True) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    condition = current | Q(single_date__gte=today)
    if needs.days:
        days = Q()
        for code in sorted(needs.days):
            days |= Q(single_date__isnull=True, byday__contains=code) | Q(
                single_date__iso_week_day=WEEKDAYS.index(code) + 1
            )
        condition &= days
    windows = _windows(needs.times)
    if windows:
        within = Q()
        for starts_from, starts_before in windows:
            window = Q()
            if starts_from is not None:
                window &= Q(opens_at__gte=starts_from)
            if starts_before is not None:
                window &= Q(opens_at__lt=starts_before)
            within |= window
        condition &= within
    return condition


def _has_term(field: str, code: str) -> Exists:
    through = getattr(Offering, field).through
    return Exists(through.objects.filter(offering_id=OuterRef("pk"), term__code=code))


def eligible(
    needs: Needs, offerings: QuerySet[Offering] | None = None, today: dt.date | None = None
) -> QuerySet[Offering]:
    """`offerings` (default: the published, active ones) that break none of the hard rules.

    Without a limit of their own, people are offered what lies within the matching radius of
    home (`search_radius_km`); without a known home, what lies in their municipality (or
    online). Neither narrows what `violations()` calls a broken rule."""
    today = today or timezone.localdate()
    queryset = (default_offerings() if offerings is None else offerings).exclude(
        status__in=NOT_ACTIVE
    )
    if needs.age is not None:
        queryset = queryset.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=needs.age),
            Q(max_age__isnull=True) | Q(max_age__gte=needs.age),
        )
    # One list of ids (places near, or online), so that the database starts from it and not
    # from every offering.
    online = Offering.objects.filter(is_online=True).order_by().values("pk")
    area = None
    if needs.origin is not None:
        area = places_near(needs.origin, search_radius_km(needs))
    elif needs.municipality:
        area = Place.objects.filter(municipality=needs.municipality)
    if area is not None:
        queryset = queryset.filter(pk__in=area.order_by().values("offering_id").union(online))
    schedules = Schedule.objects.filter(offering_id=OuterRef("pk"))
    queryset = queryset.filter(
        ~Exists(schedules) | Exists(schedules.filter(_session_q(needs, today)))
    )
    for code in sorted(needs.accessibility):
        met = Q(_has_term("accessibility", code))
        if code in PLACE_NEEDS:
            met |= Q(is_online=True)
        queryset = queryset.filter(met)
    teams = Offering.referral_teams.through.objects.filter(offering_id=OuterRef("pk"))
    may_refer: Q = ~Q(how_to_join=Offering.HowToJoin.REFERRAL_ONLY) | ~Q(Exists(teams))
    if needs.team_id is not None:
        may_refer |= Q(Exists(teams.filter(team_id=needs.team_id)))
    return queryset.filter(may_refer)


# Words people use in "what matters" that say nothing about an activity (beyond the search's
# stop words): wanting, coming, doing, days and weeks, in Swedish, Danish and English.
GENERIC_WORDS = frozenset(
    """
    vill ville kommer komma kom bara andra annan annat finns fanns behöver göra gör gjorde
    veta vet kunna kanske igen innan helst gärna börja hitta tillbaka sådant känna känner
    lite både också även alltid aldrig ofta dag dagar dagarna dagen vecka veckor veckorna
    veckan tid gång gånger sak saker får fått ska blir blev hade vara varit längre långa
    mer mest går gick nya nytt ny tycker tyckte brukade förr orkar tillsammans egen eget
    egna
    vil gerne finde andre anden noget nogle også bare meget lidt igen før komme gøre have
    være blive skal kan dage uge uger ting mere lang lange godt sammen egen eget
    want would like get go come just other others again some really feel need something
    things day days week weeks time also very much more back together own
    """.split()  # noqa: SIM905 - the list reads best as text
)


def _words(words: str) -> list[str]:
    """The person's words that can match: no stop words nor generic ones, at least three
    letters, longest first (they say the most), at most MAX_WORDS."""
    found = [
        t
        for t in dict.fromkeys(text.query_terms(words))
        if len(t) >= MIN_WORD_LENGTH and t not in GENERIC_WORDS
    ]
    found.sort(key=len, reverse=True)
    return found[:MAX_WORDS]


def candidate_ids(
    needs: Needs, offerings: QuerySet[Offering] | None = None, today: dt.date | None = None
) -> list[int]:
    """The ids of at most CANDIDATES eligible offerings, in one query: those matching the
    interests or the words first, then the rest; nearest first within each (freshest first
    when the home is unknown)."""
    queryset = eligible(needs, offerings, today).order_by()
    order: list[str | OrderBy] = []
    matching = Q()
    if needs.interests:
        matching |= Q(_has_categories(needs.interests))
    # Checked only on the eligible rows: matching each word over the whole directory first
    # cost more than the ranking itself at 100,000 offerings on PostgreSQL.
    words = search.matches_any(_words(needs.words)[:MAX_SEARCH_WORDS])
    if words is not None:
        matching |= Q(words)
    if matching:
        queryset = queryset.annotate(
            is_match=Choose(
                When(matching, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        order.append(F("is_match").desc())
    if needs.origin is not None:
        nearest = (
            Place.objects.filter(offering_id=OuterRef("pk"))
            .annotate(km2=ExpressionWrapper(flat_km2(needs.origin), output_field=FloatField()))
            .order_by("km2")
            .values("km2")[:1]
        )
        queryset = queryset.annotate(km2=Subquery(nearest, output_field=FloatField()))
        order.append(F("km2").asc(nulls_last=True))
    else:
        order.append(F("last_reviewed_at").desc())
    return list(queryset.order_by(*order, "pk").values_list("pk", flat=True)[:CANDIDATES])


def _has_categories(codes: Iterable[str]) -> Exists:
    through = Offering.categories.through
    return Exists(through.objects.filter(offering_id=OuterRef("pk"), term__code__in=sorted(codes)))


# --- hard rules in Python -----------------------------------------------------------------


def _is_current(schedule: Schedule, today: dt.date) -> bool:
    if schedule.single_date is not None:
        return schedule.single_date >= today
    return schedule.valid_to is None or schedule.valid_to >= today


def _in_windows(opens_at: dt.time, windows: list[tuple[dt.time | None, dt.time | None]]) -> bool:
    if not windows:
        return True
    return any(
        (start is None or opens_at >= start) and (end is None or opens_at < end)
        for start, end in windows
    )


def fitting_days(schedule: Schedule, needs: Needs, today: dt.date) -> list[str]:
    """The weekdays of a running schedule that suit the person (all its days when any day
    does); for a single date, its weekday when it suits."""
    if not _is_current(schedule, today) or not _in_windows(
        schedule.opens_at, _windows(needs.times)
    ):
        return []
    if schedule.single_date is not None:
        days = [WEEKDAYS[schedule.single_date.weekday()]]
    else:
        days = schedule.days
    return [d for d in days if not needs.days or d in needs.days]


def nearest_place(needs: Needs, places: list[Place]) -> tuple[Place | None, float | None]:
    """The place nearest home and its distance in km by haversine (without a home: the first
    place and no distance)."""
    if needs.origin is None or not places:
        return (places[0] if places else None), None
    lat, lon = needs.origin
    km, place = min(
        ((distance.haversine_km(lat, lon, p.latitude, p.longitude), p) for p in places),
        key=lambda pair: pair[0],
    )
    return place, km


def _too_far(needs: Needs, offering: Offering, km: float | None) -> bool:
    if needs.max_km is None or needs.origin is None or offering.is_online:
        return False
    return km is None or km > needs.max_km + 1e-9


def violations(needs: Needs, offering: Offering, today: dt.date) -> list[str]:
    """The hard rules `offering` breaks for these needs (empty: none), by name (`RULE_*`).

    Reads the offering's places, schedules, accessibility and referral teams: prefetch them
    for a list."""
    broken = []
    if offering.status != Offering.Status.ACTIVE:
        broken.append(RULE_STATUS)
    age = needs.age
    if age is not None and (
        (offering.min_age is not None and age < offering.min_age)
        or (offering.max_age is not None and age > offering.max_age)
    ):
        broken.append(RULE_AGE)
    if _too_far(needs, offering, nearest_place(needs, list(offering.places.all()))[1]):
        broken.append(RULE_DISTANCE)
    schedules = list(offering.schedules.all())
    if schedules and not any(fitting_days(s, needs, today) for s in schedules):
        broken.append(RULE_SCHEDULE)
    has = {term.code for term in offering.accessibility.all()}
    if any(
        code not in has and not (offering.is_online and code in PLACE_NEEDS)
        for code in needs.accessibility
    ):
        broken.append(RULE_ACCESSIBILITY)
    if offering.how_to_join == Offering.HowToJoin.REFERRAL_ONLY:
        teams = {team.pk for team in offering.referral_teams.all()}
        if teams and needs.team_id not in teams:
            broken.append(RULE_REFERRAL)
    return broken


# --- soft factors -------------------------------------------------------------------------


@dataclasses.dataclass
class _Scored:
    """A factor's value and the chips it gives."""

    value: float
    reasons: list[Reason] = dataclasses.field(default_factory=list)
    uncertain: list[Reason] = dataclasses.field(default_factory=list)


class _Words:
    """The person's words, stemmed in both languages, matched against listings' stems.

    A word matches a listing when one of its stems is a stem of the listing, or — for stems of
    four letters or more — the start of one (the search's prefix rule: "promenad" finds
    "promenadgrupp"). Each word weighs by how rare it is among the candidates (a smoothed
    idf), and relevance is the weight of the words a listing holds over the weight of all the
    person's words: one common word out of ten says little. A word found in no listing
    weighs the same for every listing, so unknown words never change the order."""

    def __init__(self, words: str, documents: dict[int, list[str]]) -> None:
        self.words = {
            word: {text.stem(word, language) for language in text.SEARCH_LANGUAGES}
            for word in _words(words)
        }
        self.documents = documents
        counts: Counter[str] = Counter()
        for stems in documents.values():
            for word in self.words:
                if self._found(word, stems):
                    counts[word] += 1
        total = len(documents)
        self.weight = {word: math.log(1 + total / (counts[word] + 1)) for word in self.words}
        self.known = [word for word in self.words if counts[word]]
        self.total_weight = sum(self.weight.values())

    def _found(self, word: str, stems: list[str]) -> bool:
        for stem in self.words[word]:
            at = bisect.bisect_left(stems, stem)
            if at < len(stems) and (
                stems[at] == stem or (len(stem) >= PREFIX_LENGTH and stems[at].startswith(stem))
            ):
                return True
            # The other way round too, for a longer stem: Snowball leaves Swedish definite
            # forms and compounds whole ("smärtan", "promenadgruppen"), and the listing's
            # "smärt" or "promenad" should still count.
            for end in range(len(stem) - 1, LONG_PREFIX_LENGTH - 1, -1):
                at = bisect.bisect_left(stems, stem[:end])
                if at < len(stems) and stems[at] == stem[:end]:
                    return True
        return False

    def matched(self, offering_id: int) -> list[str]:
        stems = self.documents.get(offering_id, [])
        return [word for word in self.known if self._found(word, stems)]

    def relevance(self, matched: list[str]) -> float:
        if not self.total_weight:
            return 0.0
        return sum(self.weight[word] for word in matched) / self.total_weight


def document_stems(listing: Listing) -> list[str]:
    """The listing's name, description and category names as sorted, unique stems."""
    offering = listing.offering
    categories = " ".join(f"{t.name_sv} {t.name_da}" for t in listing.categories)
    body = f"{offering.name}\n{offering.description}\n{categories}"
    return sorted(set(text.stemmed_document(body, offering.text_language).split()))


def _km_text(km: float) -> str:
    # number_format() would do, at a hundred times the cost for a list of candidates.
    number = f"{km:.1f}".replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))
    return _("%(km)s km") % {"km": number}


def _hour(value: dt.time) -> str:
    return f"{value.hour}" if value.minute == 0 else f"{value:%H:%M}"


DAY_NAMES_PLURAL = {
    "MO": gettext_lazy("Mondays"),
    "TU": gettext_lazy("Tuesdays"),
    "WE": gettext_lazy("Wednesdays"),
    "TH": gettext_lazy("Thursdays"),
    "FR": gettext_lazy("Fridays"),
    "SA": gettext_lazy("Saturdays"),
    "SU": gettext_lazy("Sundays"),
}


def _when(schedule: Schedule, days: list[str]) -> str:
    hours = f"{_hour(schedule.opens_at)}–{_hour(schedule.closes_at)}"
    if schedule.single_date is not None:
        day = formats.date_format(schedule.single_date, "D j M")
    else:
        day = ", ".join(str(DAY_NAMES_PLURAL[d]) for d in days)
    return f"{day} {hours}"


def schedule_factor(needs: Needs, schedules: list[Schedule], today: dt.date) -> _Scored:
    """Sessions in the person's days and times: two or more a week count in full, one half;
    no times listed counts less than one known session."""
    if not schedules:
        return _Scored(
            UNSCHEDULED_VALUE,
            uncertain=[Reason("schedule", _("No times listed: ask the activity"))],
        )
    fitting = [(s, fitting_days(s, needs, today)) for s in schedules]
    fitting = [(s, days) for s, days in fitting if days]
    count = sum(len(days) for _schedule, days in fitting)
    reasons = []
    if fitting:
        schedule, days = fitting[0]
        when = _when(schedule, days)
        if needs.days or needs.times:
            if schedule.single_date is not None:
                suits = _("%(when)s suits you") % {"when": when}
            else:
                suits = _("%(when)s suit you") % {"when": when}
            reasons.append(Reason("schedule", suits))
        else:
            reasons.append(Reason("schedule", when))
    return _Scored(min(count, 2) / 2, reasons)


def distance_factor(needs: Needs, offering: Offering, km: float | None) -> _Scored:
    if offering.is_online and km is None:
        return _Scored(ONLINE_DISTANCE_VALUE, [Reason("distance", _("Online"))])
    if needs.origin is None:
        return _Scored(
            0.0, uncertain=[Reason("distance", _("No distance: add the person's address"))]
        )
    if km is None:
        return _Scored(0.0)
    return _Scored(1 / (1 + km / HALF_VALUE_KM), [Reason("distance", _km_text(km))])


def capacity_factor(offering: Offering) -> _Scored:
    """Free places now (or no limit) > a short waiting list > a long one > full without one."""
    status = offering.capacity_status
    if status == Offering.CapacityStatus.CAPACITY:
        free = offering.places_free
        if free is None:
            # No limit on places: nothing worth a chip (the page says how to join).
            return _Scored(1.0)
        text_ = ngettext("%(n)d place free", "%(n)d places free", free) % {"n": free}
        return _Scored(1.0, [Reason("capacity", text_)])
    if status == Offering.CapacityStatus.WAITLIST:
        waiting = offering.waitlist_length
        # Shorter is better: 0.5 with nobody waiting down to 0.2 from ten people on.
        value = 0.5 - 0.03 * min(waiting, 10)
        return _Scored(
            value, uncertain=[Reason("capacity", _("Waiting list: %(n)d") % {"n": waiting})]
        )
    # Nobody can be referred there now: below every other value, not only below the lists.
    return _Scored(FULL_VALUE, uncertain=[Reason("capacity", _("Full, no waiting list"))])


def freshness_factor(offering: Offering, today: dt.date) -> _Scored:
    """1 when reviewed today, ½ when it turns stale, 0 at twice that age."""
    stale_days = settings.LOTSA_STALE_AFTER_WEEKS * 7
    age_days = max((today - offering.last_reviewed_at).days, 0)
    value = max(0.0, 1 - age_days / (2 * stale_days))
    if age_days <= stale_days:
        return _Scored(value)
    months = age_days // 30
    text_ = ngettext(
        "Not reviewed for %(months)d month", "Not reviewed for %(months)d months", months
    ) % {"months": months}
    return _Scored(value, uncertain=[Reason("freshness", text_)])


def group_size(offering: Offering) -> str:
    """ "one_to_one", "small" or "group", by the number of places (no limit: a group)."""
    if offering.capacity is None or offering.capacity > SMALL_GROUP_MAX:
        return "group"
    return "one_to_one" if offering.capacity <= ONE_TO_ONE_MAX else "small"


def stage_factor(needs: Needs, offering: Offering) -> _Scored:
    """Someone early in the pathway, or who wants one to one, gets small settings first;
    someone ready who wants a group gets groups first; anyone else: no preference."""
    size = group_size(offering)
    wants_small = needs.stage in EARLY_STAGES or needs.group == Case.GroupPreference.ONE_TO_ONE
    if wants_small:
        value = {"one_to_one": 1.0, "small": 0.75, "group": 0.0}[size]
        if size == "one_to_one":
            return _Scored(value, [Reason("stage", _("One to one"))])
        if size == "small":
            text_ = _("Small group: %(n)d places") % {"n": offering.capacity}
            return _Scored(value, [Reason("stage", text_)])
        if offering.capacity is None:
            text_ = _("An open group")
        else:
            text_ = _("A group of %(n)d") % {"n": offering.capacity}
        return _Scored(value, uncertain=[Reason("stage", text_)])
    if needs.group == Case.GroupPreference.GROUP:
        return _Scored({"group": 1.0, "small": 0.75, "one_to_one": 0.0}[size])
    return _Scored(0.5)


def cost_factor(needs: Needs, offering: Offering) -> _Scored:
    if not needs.needs_free:
        return _Scored(1.0)
    if offering.is_free:
        return _Scored(1.0, [Reason("cost", _("Free of charge"))])
    fee = offering.fee or _("ask the organiser")
    return _Scored(0.0, uncertain=[Reason("cost", _("Cost: %(fee)s") % {"fee": fee})])


def language_factor(needs: Needs, listing: Listing) -> _Scored:
    """Spoken in one of the person's languages (a listing without languages: its own)."""
    if not needs.languages:
        return _Scored(1.0)
    terms = listing.languages
    spoken = {t.code for t in terms} or {listing.offering.text_language}
    shared = spoken & needs.languages
    if not shared:
        return _Scored(0.0, uncertain=[Reason("language", _("Not in the person's languages"))])
    special = [t.name for t in terms if t.code in shared - LOCAL_LANGUAGES]
    if special:
        text_ = _("In %(languages)s") % {"languages": ", ".join(special)}
        return _Scored(1.0, [Reason("language", text_)])
    return _Scored(1.0)


def audience_factor(needs: Needs, audiences: list[Term]) -> _Scored:
    """Meant for people like this person (1), for everyone (½), unknown (0), or for others (−1)."""
    terms = [t for t in audiences if t.code != "everyone"]
    if not terms:
        return _Scored(0.5)
    fitting = [t.name for t in terms if t.code in needs.audiences]
    if fitting:
        text_ = _("For: %(groups)s") % {"groups": ", ".join(fitting)}
        return _Scored(1.0, [Reason("audience", text_)])
    text_ = _("Meant for: %(groups)s") % {"groups": ", ".join(t.name for t in terms)}
    return _Scored(-1.0 if needs.audiences else 0.0, uncertain=[Reason("audience", text_)])


def match_factors(needs: Needs, listing: Listing, words: _Words) -> tuple[_Scored, _Scored]:
    """Text relevance and interest overlap, with one chip naming what matched."""
    matched_words = words.matched(listing.offering.pk)
    matched_terms = [t for t in listing.categories if t.code in needs.interests]
    text_value = words.relevance(matched_words)
    interest_value = len(matched_terms) / len(needs.interests) if needs.interests else 0.0
    names = [*matched_words, *(t.name.lower() for t in matched_terms)]
    reasons = []
    if names:
        shown = ", ".join(dict.fromkeys(names[:4]))
        reasons.append(Reason("interests", _("matches: %(what)s") % {"what": shown}))
    return _Scored(text_value, reasons), _Scored(interest_value)


def score(needs: Needs, listing: Listing, words: _Words, today: dt.date) -> Suggestion:
    """One candidate's suggestion: every factor's contribution, the sum, the chips."""
    offering = listing.offering
    place, km = nearest_place(needs, listing.places)
    text_scored, interests_scored = match_factors(needs, listing, words)
    scored = {
        "text": text_scored,
        "interests": interests_scored,
        "schedule": schedule_factor(needs, listing.schedules, today),
        "distance": distance_factor(needs, offering, km),
        "capacity": capacity_factor(offering),
        "stage": stage_factor(needs, offering),
        "cost": cost_factor(needs, offering),
        "language": language_factor(needs, listing),
        "audience": audience_factor(needs, listing.audiences),
        "freshness": freshness_factor(offering, today),
    }
    factors = {name: WEIGHTS[name] * s.value for name, s in scored.items()}
    return Suggestion(
        offering=offering,
        score=sum(factors.values()),
        reasons=[r for s in scored.values() for r in s.reasons],
        uncertain=[r for s in scored.values() for r in s.uncertain],
        factors=factors,
        distance_km=km,
        place=place,
    )


def diversify(suggestions: list[Suggestion]) -> list[Suggestion]:
    """The same order, but at most two offerings of one organisation in the top ten: a third
    one waits until the top ten is full."""
    top: list[Suggestion] = []
    later: list[Suggestion] = []
    per_organisation: Counter[int] = Counter()
    for suggestion in suggestions:
        organisation = suggestion.offering.organization_id
        if len(top) < DIVERSITY_TOP and per_organisation[organisation] < PER_ORGANISATION_IN_TOP:
            top.append(suggestion)
            per_organisation[organisation] += 1
        else:
            later.append(suggestion)
    return top + later


def load_listings(ids: list[int]) -> list[Listing]:
    """The offerings with these ids and what the scoring reads, in seven queries whatever
    their number: related terms come as ids, named from one read of the (small) vocabulary."""
    offerings = list(Offering.objects.filter(pk__in=ids).select_related("organization"))
    terms = {term.pk: term for term in Term.objects.all()}
    related: dict[str, dict[int, list[Term]]] = {}
    for field in ("categories", "audiences", "languages"):
        through = getattr(Offering, field).through
        by_offering: dict[int, list[Term]] = {}
        for offering_id, term_id in through.objects.filter(offering_id__in=ids).values_list(
            "offering_id", "term_id"
        ):
            by_offering.setdefault(offering_id, []).append(terms[term_id])
        related[field] = by_offering
    places: dict[int, list[Place]] = {}
    for place in Place.objects.filter(offering_id__in=ids):
        places.setdefault(place.offering_id, []).append(place)
    schedules: dict[int, list[Schedule]] = {}
    for schedule in Schedule.objects.filter(offering_id__in=ids):
        schedules.setdefault(schedule.offering_id, []).append(schedule)
    return [
        Listing(
            offering,
            categories=related["categories"].get(offering.pk, []),
            audiences=related["audiences"].get(offering.pk, []),
            languages=related["languages"].get(offering.pk, []),
            places=places.get(offering.pk, []),
            schedules=schedules.get(offering.pk, []),
        )
        for offering in offerings
    ]


def next_session(schedules: list[Schedule], today: dt.date) -> tuple[dt.date, Schedule] | None:
    sessions = [
        (date, schedule)
        for schedule in schedules
        for date in schedule.next_dates(after=today, count=1)
    ]
    return min(sessions, key=lambda item: (item[0], item[1].opens_at), default=None)


def rank(
    needs: Needs,
    *,
    limit: int = 10,
    today: dt.date | None = None,
    offerings: QuerySet[Offering] | None = None,
) -> list[Suggestion]:
    """The best `limit` offerings for these needs, best first, each with its reasons.

    Eight queries however many offerings there are: one chooses the candidates, seven load
    them (`load_listings`). Candidates beyond the person's travel limit by haversine (the
    database measured on a flat map, with slack) are left out here."""
    today = today or timezone.localdate()
    ids = candidate_ids(needs, offerings, today)
    if not ids:
        return []
    listings = load_listings(ids)
    words = _Words(
        needs.words, {listing.offering.pk: document_stems(listing) for listing in listings}
    )
    suggestions = [score(needs, listing, words, today) for listing in listings]
    suggestions = [s for s in suggestions if not _too_far(needs, s.offering, s.distance_km)]
    suggestions.sort(key=lambda s: (-s.score, s.offering.name, s.offering.pk))
    chosen = diversify(suggestions)[:limit]
    schedules = {listing.offering.pk: listing.schedules for listing in listings}
    for suggestion in chosen:
        suggestion.next_session = next_session(schedules[suggestion.offering.pk], today)
    return chosen
