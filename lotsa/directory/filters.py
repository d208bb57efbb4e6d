"""The public directory search: its GET form, the query it builds, distances and facet counts.

Everything here is read-only and works the same on SQLite and PostgreSQL. The number of
queries for a page of results is constant: one for the vocabularies, at most two to place a
postcode, one count, one page with three prefetches, and one per facet.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.http import QueryDict
from django.utils import timezone
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.translation import gettext_lazy as _

from lotsa.lib import distance, municipalities, text
from lotsa.lib.schedules import WEEKDAYS

from . import search
from .models import Offering, Place, Schedule, Term

MAX_RADIUS_KM = 300
WHEELCHAIR = "wheelchair"  # the accessibility term the "wheelchair accessible" box asks for

# Time of day by when a session starts: [from, until) in local time.
TIMES_OF_DAY: dict[str, tuple[dt.time | None, dt.time | None]] = {
    "morning": (None, dt.time(12)),
    "afternoon": (dt.time(12), dt.time(17)),
    "evening": (dt.time(17), None),
}
TIME_CHOICES = [
    ("", _("Any time")),
    ("morning", _("Morning (starts before 12)")),
    ("afternoon", _("Afternoon (starts 12–17)")),
    ("evening", _("Evening (starts from 17)")),
]
DAY_CHOICES = [(code, WEEKDAY_NAMES[number]) for number, code in enumerate(WEEKDAYS)]

_POSTCODE = re.compile(r"\d{3} ?\d{2}|\d{4}")


class SearchForm(forms.Form):
    """The filters of the public search, all optional, read from the URL (GET).

    An invalid value (km=abc, an unknown category) makes that one filter invalid: the search
    runs without it and the page shows the error, never a server error.
    """

    q = forms.CharField(
        label=_("What are you looking for?"),
        required=False,
        widget=forms.SearchInput(attrs={"maxlength": text.MAX_QUERY_LENGTH}),
        help_text=_("For example: walk, choir, grief, coffee."),
    )
    near = forms.CharField(
        label=_("Near"),
        required=False,
        max_length=100,
        help_text=_("A town, a municipality or a postcode."),
    )
    km = forms.IntegerField(
        label=_("Distance in km"), required=False, min_value=1, max_value=MAX_RADIUS_KM
    )
    lat = forms.FloatField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
    )
    online = forms.BooleanField(
        label=_("Include online activities"),
        required=False,
        help_text=_("Online activities have no place, so a distance search leaves them out."),
    )
    category = forms.MultipleChoiceField(label=_("Category"), required=False)
    day = forms.MultipleChoiceField(label=_("Day"), required=False, choices=DAY_CHOICES)
    time = forms.ChoiceField(label=_("Time of day"), required=False, choices=TIME_CHOICES)
    audience = forms.ChoiceField(label=_("Target group"), required=False)
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=120)
    language = forms.ChoiceField(label=_("Language spoken"), required=False)
    free = forms.BooleanField(label=_("Free of charge"), required=False)
    wheelchair = forms.BooleanField(label=_("Wheelchair accessible"), required=False)

    max_query_length = text.MAX_QUERY_LENGTH

    def __init__(self, data: QueryDict, terms: Iterable[Term] | None = None) -> None:
        data = data.copy()
        query = data.get("q", "")
        # A query is cut, not refused: the person still gets results, and a note says so.
        self.query_was_cut = len(query) > text.MAX_QUERY_LENGTH
        if self.query_was_cut:
            data["q"] = query[: text.MAX_QUERY_LENGTH]
        if not data.get("km"):
            data["km"] = str(settings.LOTSA_DEFAULT_RADIUS_KM)
        super().__init__(data)
        self.terms = list(Term.objects.all() if terms is None else terms)
        any_choice = [("", _("Any"))]
        self._choose("category", self.term_choices(Term.Vocabulary.CATEGORY))
        self._choose("audience", any_choice + self.term_choices(Term.Vocabulary.AUDIENCE))
        self._choose("language", any_choice + self.term_choices(Term.Vocabulary.LANGUAGE))

    def _choose(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def terms_of(self, vocabulary: str) -> list[Term]:
        return [term for term in self.terms if term.vocabulary == vocabulary]

    def term_choices(self, vocabulary: str) -> list[tuple[str, str]]:
        return [(term.code, term.name) for term in self.terms_of(vocabulary)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_lat = cleaned.get("lat") is not None
        has_lon = cleaned.get("lon") is not None
        if has_lat != has_lon:
            self.add_error(None, _("A position needs both latitude and longitude."))
            cleaned.pop("lat", None)
            cleaned.pop("lon", None)
        return cleaned


@dataclass(frozen=True)
class Origin:
    """The point distances are measured from: a place, a postcode or the browser's position."""

    label: str
    lat: float
    lon: float
    # True when a postcode we have no place for was placed by its first three digits.
    is_approximate: bool = False
    is_position: bool = False


@dataclass(frozen=True)
class Criteria:
    """What the person asks for, cleaned; every facet can be left out with `without`."""

    query: str = ""
    categories: tuple[str, ...] = ()
    audience: str = ""
    age: int | None = None
    days: tuple[str, ...] = ()
    time_of_day: str = ""
    origin: Origin | None = None
    km: int = 10
    include_online: bool = False
    is_free: bool = False
    wheelchair: bool = False
    language: str = ""

    def without(self, facet: str) -> Criteria:
        empty = {"category": {"categories": ()}, "day": {"days": ()}}
        return dataclasses.replace(self, **empty.get(facet, {facet: ""}))

    @property
    def has_words(self) -> bool:
        return bool(text.query_terms(self.query))


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    is_selected: bool


@dataclass(frozen=True)
class Result:
    """One offering on the page, with what the list shows about it."""

    offering: Offering
    place: Place | None  # the nearest to the origin when there is one, else the first
    distance_km: float | None
    next_session: tuple[dt.date, Schedule] | None


@dataclass
class Outcome:
    form: SearchForm
    criteria: Criteria
    page: Page  # type: ignore[type-arg]
    results: list[Result]
    facets: dict[str, list[FacetOption]]
    unknown_place: str = ""
    suggestions: list[str] = dataclasses.field(default_factory=list)

    @property
    def unknown_place_is_postcode(self) -> bool:
        return is_postcode(self.unknown_place)

    @property
    def words_were_ignored(self) -> bool:
        """A query was typed, but it held only stop words or single letters."""
        return bool(self.criteria.query.strip()) and not self.criteria.has_words


# Places ------------------------------------------------------------------------------------


def is_postcode(value: str) -> bool:
    """A Swedish (five digits, "903 26") or Danish (four digits, "8000") postcode."""
    return _POSTCODE.fullmatch(value.strip()) is not None


def postcode_origin(value: str) -> Origin | None:
    """The centre of a postcode, from Lotsa's own places.

    There is no free, complete list of Swedish postcode coordinates, so a postcode is placed at
    the centroid of our own places with that postcode; when we have none, at the centroid of
    our places whose postcode starts with the same three digits (the postcode area, which in
    both countries is a town or a part of a city). Five digits are Swedish and four Danish, so
    only that country's places count. None when we know no place in the area either.
    """
    digits = re.sub(r"\D", "", value)
    country = "SE" if len(digits) == 5 else "DK"
    places = Place.objects.filter(municipality__startswith=f"{country}-")
    spelled = digits if country == "DK" else f"{digits[:3]} {digits[3:]}"
    centre = places.filter(postcode__in={digits, spelled}).aggregate(
        lat=Avg("latitude"), lon=Avg("longitude")
    )
    if centre["lat"] is not None:
        return Origin(label=spelled, lat=centre["lat"], lon=centre["lon"])
    area = places.filter(postcode__startswith=digits[:3]).aggregate(
        lat=Avg("latitude"), lon=Avg("longitude")
    )
    if area["lat"] is not None:
        return Origin(label=spelled, lat=area["lat"], lon=area["lon"], is_approximate=True)
    return None


def find_origin(near: str) -> Origin | None:
    """A postcode, a municipality or a town by name; None when we do not know it."""
    near = near.strip()
    if is_postcode(near):
        return postcode_origin(near)
    found = municipalities.find_place(near)
    if found is None:
        return None
    name, lat, lon, _key = found
    return Origin(label=name, lat=lat, lon=lon)


def distance_km_expression(origin: Origin) -> CombinedExpression:
    """`lib.distance.haversine_km` from `origin` to a Place row, as SQL for both databases.

    SQLite lacks some of these functions natively; Django registers them on every connection.
    """
    lat1 = math.radians(origin.lat)
    dlat = Radians(F("latitude")) - Value(lat1)
    dlon = Radians(F("longitude")) - Value(math.radians(origin.lon))
    a = Power(Sin(dlat / Value(2.0)), 2) + Value(math.cos(lat1)) * Cos(
        Radians(F("latitude"))
    ) * Power(Sin(dlon / Value(2.0)), 2)
    return Value(2 * distance.EARTH_RADIUS_KM) * ASin(Sqrt(a))


def places_within(origin: Origin, km: float) -> QuerySet[Place]:
    """Places within `km` of `origin`: the indexed bounding box first, then the exact circle."""
    min_lat, max_lat, min_lon, max_lon = distance.bounding_box(origin.lat, origin.lon, km)
    return (
        Place.objects.filter(
            latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)
        )
        .annotate(km=distance_km_expression(origin))
        .filter(km__lte=km)
    )


# Filters -----------------------------------------------------------------------------------


def _has_terms(field: str, vocabulary: str, codes: Iterable[str]) -> Exists:
    through = getattr(Offering, field).through
    return Exists(
        through.objects.filter(
            offering_id=OuterRef("pk"), term__vocabulary=vocabulary, term__code__in=list(codes)
        )
    )


def _day_q(code: str, today: dt.date) -> Q:
    """Schedules that meet on this weekday: weekly on it, or once on it from today on."""
    iso_day = WEEKDAYS.index(code) + 1
    return Q(single_date__isnull=True, byday__contains=code) | Q(
        single_date__iso_week_day=iso_day, single_date__gte=today
    )


def _schedule_q(days: Iterable[str], time_of_day: str, today: dt.date) -> Q:
    """Schedules still running that match the chosen days (any of them) and time of day."""
    weekly = Q(single_date__isnull=True) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    condition = weekly | Q(single_date__gte=today)
    day_q = Q()
    for code in days:
        day_q |= _day_q(code, today)
    condition &= day_q
    starts_from, starts_before = TIMES_OF_DAY.get(time_of_day, (None, None))
    if starts_from is not None:
        condition &= Q(opens_at__gte=starts_from)
    if starts_before is not None:
        condition &= Q(opens_at__lt=starts_before)
    return condition


def matching(criteria: Criteria, today: dt.date) -> QuerySet[Offering]:
    """Public offerings that meet every criterion, best word matches first when words are given.

    Online offerings have no place: when a distance is asked for they are left out, unless the
    person ticks "include online activities" (then they are listed after the nearby ones).
    """
    offerings = Offering.objects.public()
    if criteria.categories:
        offerings = offerings.filter(
            _has_terms("categories", Term.Vocabulary.CATEGORY, criteria.categories)
        )
    if criteria.audience:
        offerings = offerings.filter(
            _has_terms("audiences", Term.Vocabulary.AUDIENCE, [criteria.audience])
        )
    if criteria.language:
        offerings = offerings.filter(
            _has_terms("languages", Term.Vocabulary.LANGUAGE, [criteria.language])
        )
    if criteria.wheelchair:
        offerings = offerings.filter(
            _has_terms("accessibility", Term.Vocabulary.ACCESSIBILITY, [WHEELCHAIR])
        )
    if criteria.is_free:
        offerings = offerings.filter(is_free=True)
    if criteria.age is not None:
        offerings = offerings.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=criteria.age),
            Q(max_age__isnull=True) | Q(max_age__gte=criteria.age),
        )
    if criteria.days or criteria.time_of_day:
        schedules = Schedule.objects.filter(offering_id=OuterRef("pk")).filter(
            _schedule_q(criteria.days, criteria.time_of_day, today)
        )
        offerings = offerings.filter(Exists(schedules))
    if criteria.origin is not None:
        nearby = Q(pk__in=places_within(criteria.origin, criteria.km).values("offering_id"))
        if criteria.include_online:
            nearby |= Q(is_online=True)
        offerings = offerings.filter(nearby)
    return search.apply(offerings, criteria.query)


def ordered(offerings: QuerySet[Offering], criteria: Criteria) -> QuerySet[Offering]:
    """Words give their own order (best match first); a place alone orders by distance."""
    if criteria.has_words:
        return offerings
    if criteria.origin is not None:
        nearest = (
            places_within(criteria.origin, criteria.km)
            .filter(offering_id=OuterRef("pk"))
            .order_by(F("km"))
            .values_list(F("km"))[:1]
        )
        return offerings.annotate(
            distance_km=Subquery(nearest, output_field=FloatField())
        ).order_by(F("distance_km").asc(nulls_last=True), "name", "pk")
    return offerings.order_by("name", "pk")


# Facets ------------------------------------------------------------------------------------

TERM_FACETS = {
    # facet (URL parameter) → (many-to-many field, vocabulary, Criteria attribute)
    "category": ("categories", Term.Vocabulary.CATEGORY, "categories"),
    "audience": ("audiences", Term.Vocabulary.AUDIENCE, "audience"),
    "language": ("languages", Term.Vocabulary.LANGUAGE, "language"),
}


def _selected(criteria: Criteria, attribute: str) -> set[str]:
    value = getattr(criteria, attribute)
    return set(value) if isinstance(value, tuple) else {value} - {""}


def _term_counts(criteria: Criteria, today: dt.date, fields: list[str]) -> dict[int, int]:
    """How many of the offerings matching `criteria` have each term of these many-to-many
    fields (term ids are unique across the vocabularies), in one query that finds the
    offerings once (a materialised CTE) and counts each field's terms among them."""
    if not fields:
        return {}
    offerings = matching(criteria, today).order_by().values("pk")
    # The router's database for the search (the replica when one serves public search).
    database = connections[offerings.db]
    found, params = offerings.query.get_compiler(using=offerings.db).as_sql()
    quote = database.ops.quote_name
    tables = [quote(getattr(Offering, field).through._meta.db_table) for field in fields]
    counts = " UNION ALL ".join(
        f"SELECT term_id, COUNT(*) FROM {table}"  # noqa: S608 - the models' own table names
        " WHERE offering_id IN (SELECT pk FROM found) GROUP BY term_id"
        for table in tables
    )
    with database.cursor() as cursor:
        cursor.execute(f"WITH found (pk) AS MATERIALIZED ({found}) {counts}", params)
        return dict(cursor.fetchall())


def facets(form: SearchForm, criteria: Criteria, today: dt.date) -> dict[str, list[FacetOption]]:
    """How many offerings each choice would give, one grouped query per facet.

    Each facet is counted under all the other filters but not its own, so the counts of a
    facet say what ticking (or switching to) that choice would give.
    """
    result: dict[str, list[FacetOption]] = {}
    unselected = {
        facet
        for facet, (_field, _vocabulary, attribute) in TERM_FACETS.items()
        if not _selected(criteria, attribute)
    }
    # A facet with nothing ticked is counted under the search itself: those are counted
    # together, in one query over the search's offerings.
    shared = _term_counts(criteria, today, [TERM_FACETS[facet][0] for facet in unselected])
    for facet, (field, vocabulary, attribute) in TERM_FACETS.items():
        if facet in unselected:
            counts = shared
        else:
            counts = _term_counts(criteria.without(facet), today, [field])
        selected = _selected(criteria, attribute)
        result[facet] = [
            FacetOption(term.code, term.name, counts.get(term.pk, 0), term.code in selected)
            for term in form.terms_of(vocabulary)
        ]
    others = matching(criteria.without("day"), today).order_by().values("pk")
    day_counts = Schedule.objects.filter(
        _schedule_q((), criteria.time_of_day, today), offering__in=others
    ).aggregate(
        **{
            code: Count("offering_id", distinct=True, filter=_day_q(code, today))
            for code in WEEKDAYS
        }
    )
    result["day"] = [
        FacetOption(code, str(label), day_counts[code] or 0, code in criteria.days)
        for code, label in DAY_CHOICES
    ]
    return result


# The whole search --------------------------------------------------------------------------


def _result(offering: Offering, origin: Origin | None, today: dt.date) -> Result:
    places = list(offering.places.all())
    place, km = (places[0] if places else None), None
    if origin is not None and places:
        km, place = min(
            (
                (distance.haversine_km(origin.lat, origin.lon, p.latitude, p.longitude), p)
                for p in places
            ),
            key=lambda pair: pair[0],
        )
    sessions = offering.next_sessions(count=1, after=today)
    return Result(offering, place, km, sessions[0] if sessions else None)


def run(form: SearchForm, page_number: str | None, today: dt.date | None = None) -> Outcome:
    """Search with whatever in the form is valid; invalid filters are left out."""
    today = today or timezone.localdate()
    form.is_valid()
    data = form.cleaned_data
    unknown_place, suggestions = "", []
    origin = None
    near = (data.get("near") or "").strip()
    if near:
        origin = find_origin(near)
        if origin is None:
            unknown_place = near
            suggestions = [] if is_postcode(near) else municipalities.suggest_places(near)
    elif data.get("lat") is not None and data.get("lon") is not None:
        origin = Origin(
            label=str(_("your position")), lat=data["lat"], lon=data["lon"], is_position=True
        )
    criteria = Criteria(
        query=data.get("q") or "",
        categories=tuple(data.get("category") or ()),
        audience=data.get("audience") or "",
        age=data.get("age"),
        days=tuple(data.get("day") or ()),
        time_of_day=data.get("time") or "",
        origin=origin,
        km=data.get("km") or settings.LOTSA_DEFAULT_RADIUS_KM,
        include_online=bool(data.get("online")),
        is_free=bool(data.get("free")),
        wheelchair=bool(data.get("wheelchair")),
        language=data.get("language") or "",
    )
    offerings = (
        ordered(matching(criteria, today), criteria)
        .select_related("organization")
        .prefetch_related("categories", "places", "schedules")
    )
    page = Paginator(offerings, settings.LOTSA_SEARCH_PAGE_SIZE).get_page(page_number)
    results = [_result(offering, origin, today) for offering in page.object_list]
    return Outcome(
        form=form,
        criteria=criteria,
        page=page,
        results=results,
        facets=facets(form, criteria, today),
        unknown_place=unknown_place,
        suggestions=suggestions,
    )
