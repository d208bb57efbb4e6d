"""Capacity pressure in a municipality: full offerings and waiting lists now, and over the
last days the referrals per place, the declines for no place and the waiting time to a
place — by category, by area and in total. Counted by the database, one query per table
(and one more for the waiting time); no person is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg as AverageOf
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lotsa.directory.models import Offering, Place
from lotsa.referrals.models import ActivityReferral, ActivityReferralEvent

from . import areas

Status = ActivityReferral.Status
Reason = ActivityReferral.Reason
# Referrals that never reached the provider do not press on anyone's capacity.
NOT_SENT = (Status.DRAFT, Status.ENTERED_IN_ERROR)
# The person has a place: the provider accepted, or the person started.
PLACED = (Status.ACCEPTED, Status.IN_PROGRESS)
DEFAULT_DAYS = 90
WAITLIST_LIMIT = 50
NONE = "-"
NOT_ENDED = ~Q(status=Offering.Status.ENDED)
LIMITED = NOT_ENDED & Q(capacity__isnull=False)


@dataclass(frozen=True)
class Window:
    """The planner's municipalities and the days looked back over."""

    municipalities: tuple[str, ...]
    days: int = DEFAULT_DAYS
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def since(self) -> dt.datetime:
        return self.now - dt.timedelta(days=self.days)


@dataclass(frozen=True)
class PressureRow:
    """One group's pressure: now (offerings not ended) and over the window."""

    key: str
    label: str
    offerings: int = 0
    places: int = 0  # the places of offerings that have a limit
    places_taken: int = 0  # ... of those places
    waitlist: int = 0  # people on the offerings' waiting lists
    full: int = 0  # offerings with every place taken
    referrals: int = 0  # referrals sent in the window
    referrals_to_limited: int = 0  # ... to offerings with a limit, for referrals per place
    declined_no_place: int = 0  # answered "no place" in the window
    waitlisted: int = 0  # put on a waiting list in the window
    placed: int = 0  # referrals of the window that got a place
    average_days: float | None = None  # from referral to a place, for those

    @property
    def referrals_per_place(self) -> float | None:
        if not self.places:
            return None
        return self.referrals_to_limited / self.places


@dataclass(frozen=True)
class WaitlistedOffering:
    key: str  # the offering's uuid
    name: str
    organization: str
    area: str
    categories: list[str]
    capacity: int | None
    places_taken: int
    waitlist: int
    referrals: int
    declined_no_place: int
    waitlisted: int


@dataclass(frozen=True)
class Pressure:
    total: PressureRow
    by_category: list[PressureRow]
    by_area: list[PressureRow]
    waitlisted: list[WaitlistedOffering]
    waitlisted_count: int


# --- the offerings and their referrals ---------------------------------------------------------


def offerings_in(municipalities: tuple[str, ...]) -> QuerySet[Offering]:
    """Offerings of the municipalities' organisations, or with a place in them."""
    placed_here = Place.objects.filter(municipality__in=municipalities).values("offering_id")
    return Offering.objects.filter(
        Q(organization__municipality__in=municipalities) | Q(pk__in=placed_here)
    )


def _first_place(offering_ref: str, column: str) -> Subquery:
    places = Place.objects.filter(offering=OuterRef(offering_ref)).order_by("pk")
    return Subquery(places.values(column)[:1])


def _count(rows: QuerySet[Any], group: str, counted: str = "pk", distinct: bool = False) -> Any:
    """A correlated count of `rows` as a column (0 when none)."""
    counts = (
        rows.order_by().values(group).annotate(n=Count(counted, distinct=distinct)).values("n")[:1]
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def _with_window(offerings: QuerySet[Offering], window: Window) -> QuerySet[Offering]:
    """Each offering with its referrals, declines for no place and waiting-list answers in
    the window, as subqueries (no join: the counts stay right when grouped by category)."""
    sent = ActivityReferral.objects.filter(
        offering=OuterRef("pk"), created_at__gte=window.since
    ).exclude(status__in=NOT_SENT)
    answered = ActivityReferralEvent.objects.filter(
        activity_referral__offering=OuterRef("pk"), at__gte=window.since
    )
    return offerings.annotate(
        n_referrals=_count(sent, "offering"),
        n_declined=_count(
            answered.filter(reason=Reason.NO_CAPACITY),
            "activity_referral__offering",
            "activity_referral",
            distinct=True,
        ),
        n_waitlisted=_count(
            answered.filter(reason=Reason.WAITLISTED),
            "activity_referral__offering",
            "activity_referral",
            distinct=True,
        ),
    )


# Each column of a pressure row, as an aggregate; its alias has a prefix, so that it cannot
# clash with the offering's own fields ("places_taken") in `aggregate`.
PRESSURE_COLUMNS = {
    "offerings": Count("pk", filter=NOT_ENDED, distinct=True),
    "places": Coalesce(Sum("capacity", filter=LIMITED), 0),
    "places_taken": Coalesce(Sum("places_taken", filter=LIMITED), 0),
    "waitlist": Coalesce(Sum("waitlist_length", filter=NOT_ENDED), 0),
    "full": Count("pk", filter=LIMITED & Q(places_taken__gte=F("capacity")), distinct=True),
    "referrals": Coalesce(Sum("n_referrals"), 0),
    "referrals_to_limited": Coalesce(Sum("n_referrals", filter=LIMITED), 0),
    "declined_no_place": Coalesce(Sum("n_declined"), 0),
    "waitlisted": Coalesce(Sum("n_waitlisted"), 0),
}
PREFIX = "column_"
AGGREGATES = {PREFIX + name: column for name, column in PRESSURE_COLUMNS.items()}


def _waits(window: Window) -> QuerySet[ActivityReferral]:
    """Referrals of the window to the municipalities' offerings that got a place, each with
    the time from the referral to its first acceptance (or start)."""
    first_placed = (
        ActivityReferralEvent.objects.filter(activity_referral=OuterRef("pk"), status__in=PLACED)
        .order_by("at")
        .values("at")[:1]
    )
    return (
        ActivityReferral.objects.filter(
            offering__in=offerings_in(window.municipalities), created_at__gte=window.since
        )
        .exclude(status__in=NOT_SENT)
        .annotate(placed_at=Subquery(first_placed))
        .filter(placed_at__isnull=False)
        .annotate(
            wait=ExpressionWrapper(F("placed_at") - F("created_at"), output_field=DurationField())
        )
    )


WAIT_COLUMNS = {"placed": Count("pk"), "average_wait": AverageOf("wait")}


def _days(wait: dt.timedelta | float | None) -> float | None:
    if wait is None:
        return None
    if isinstance(wait, dt.timedelta):
        return wait.total_seconds() / 86400
    return float(wait) / 86400 / 1_000_000  # microseconds, where a backend gives a number


def _row(key: str, label: str, counts: dict[str, Any], wait: dict[str, Any] | None) -> PressureRow:
    wait = wait or {}
    return PressureRow(
        key=key,
        label=label,
        **{name: int(counts.get(PREFIX + name) or 0) for name in PRESSURE_COLUMNS},
        placed=int(wait.get("placed") or 0),
        average_days=_days(wait.get("average_wait")),
    )


def _is_empty(row: PressureRow) -> bool:
    return not (row.offerings or row.referrals or row.declined_no_place or row.waitlisted)


def _category_label(row: dict[str, Any], prefix: str) -> str:
    if row[f"{prefix}code"] is None:
        return _("No category")
    language = (get_language() or "sv")[:2]
    return str(row.get(f"{prefix}name_{language}") or row[f"{prefix}name_sv"])


def by_category(window: Window) -> list[PressureRow]:
    """Each category's pressure; an offering of several categories counts in each."""
    names = [f"categories__{name}" for name in ("code", "name_sv", "name_da", "name_en")]
    offerings = _with_window(offerings_in(window.municipalities), window)
    counts = offerings.values(*names).annotate(**AGGREGATES).order_by()
    wait_names = [f"offering__{name}" for name in names]
    waits = {
        row["offering__categories__code"] or NONE: row
        for row in _waits(window).values(*wait_names).annotate(**WAIT_COLUMNS).order_by()
    }
    rows = []
    for row in counts:
        key = row["categories__code"] or NONE
        rows.append(_row(key, _category_label(row, "categories__"), row, waits.get(key)))
    return _sorted([row for row in rows if not _is_empty(row)])


def _area_label(municipality: str | None, town: str | None, several: bool) -> str:
    if not town:
        return _("Online or no place given")
    if several and municipality:
        return f"{town} ({areas.municipality_name(municipality)})"
    return town


def by_area(window: Window) -> list[PressureRow]:
    """Each town's pressure, by the town of an offering's first place."""
    offerings = _with_window(offerings_in(window.municipalities), window).annotate(
        town=_first_place("pk", "city"), town_municipality=_first_place("pk", "municipality")
    )
    counts = offerings.values("town_municipality", "town").annotate(**AGGREGATES).order_by()
    waits_by_area = (
        _waits(window)
        .annotate(
            town=_first_place("offering_id", "city"),
            town_municipality=_first_place("offering_id", "municipality"),
        )
        .values("town_municipality", "town")
        .annotate(**WAIT_COLUMNS)
        .order_by()
    )
    waits = {(row["town_municipality"], row["town"]): row for row in waits_by_area}
    several = len(window.municipalities) > 1
    rows = []
    for row in counts:
        municipality, town = row["town_municipality"], row["town"]
        key = f"{municipality}/{town}" if town else NONE
        label = _area_label(municipality, town, several)
        rows.append(_row(key, label, row, waits.get((municipality, town))))
    return _sorted([row for row in rows if not _is_empty(row)])


def total(window: Window) -> PressureRow:
    offerings = _with_window(offerings_in(window.municipalities), window)
    counts = offerings.aggregate(**AGGREGATES)
    wait = _waits(window).aggregate(**WAIT_COLUMNS)
    return _row("total", _("All offerings"), counts, wait)


def _sorted(rows: list[PressureRow]) -> list[PressureRow]:
    return sorted(rows, key=lambda row: (-row.waitlist, -row.referrals, row.label))


def waitlisted(window: Window) -> tuple[list[WaitlistedOffering], int]:
    """Offerings (not ended) that are full or keep people waiting, longest list first, at
    most WAITLIST_LIMIT; and how many there are in all."""
    full = Q(capacity__isnull=False, places_taken__gte=F("capacity"))
    offerings = (
        _with_window(offerings_in(window.municipalities), window)
        .filter(NOT_ENDED)
        .filter(full | Q(waitlist_length__gt=0))
        .annotate(town=_first_place("pk", "city"))
        .select_related("organization")
        .prefetch_related("categories")
        .order_by("-waitlist_length", "name", "pk")
    )
    count = offerings.count()
    return (
        [
            WaitlistedOffering(
                key=str(offering.uuid),
                name=offering.name,
                organization=offering.organization.name,
                area=offering.town or "",  # type: ignore[attr-defined]
                categories=[term.name for term in offering.categories.all()],
                capacity=offering.capacity,
                places_taken=offering.places_taken,
                waitlist=offering.waitlist_length,
                referrals=offering.n_referrals,  # type: ignore[attr-defined]
                declined_no_place=offering.n_declined,  # type: ignore[attr-defined]
                waitlisted=offering.n_waitlisted,  # type: ignore[attr-defined]
            )
            for offering in offerings[:WAITLIST_LIMIT]
        ],
        count,
    )


def pressure(window: Window) -> Pressure:
    """Every table of the capacity page (nine queries, whatever the rows)."""
    listed, count = waitlisted(window)
    return Pressure(
        total=total(window),
        by_category=by_category(window),
        by_area=by_area(window),
        waitlisted=listed,
        waitlisted_count=count,
    )
