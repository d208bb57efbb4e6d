"""The outcome report of a manager's cohort: per instrument scale, the change from the
baseline to a follow-up (3, 6 or 12 months) of the people who answered at both, over time,
and by subgroup — age band, sex, reason for referral, category of offering and pathway — so
that what works for whom can be read off.

Who counts: the cases of the cohort's referrals (`cohort`), each with its counted
assessments (`Assessment.objects.counted()`: a follow-up answered twice counts once) at the
baseline (months = 0) and at the follow-up point; an assessment not attached to a follow-up
has no known point and is left out. A case is one person's episode.

Which scales: each instrument's primary scale, ONS4's four scales (never combined), the
De Jong Gierveld subscales; not the raw scores that only rescale the reported one
(SWEMWBS raw, WHO-5 raw). The ONS loneliness question is categorical: its answers are
counted, never averaged.

Suppression (`suppression`): a scale, a point or a subgroup with fewer than
`LOTSA_REPORT_MIN_GROUP` people shows no numbers; where subgroups partition the people (age
band, sex, pathway) and only one is hidden, the next smallest is hidden too, so that the
total cannot give it back. The share improved is hidden when either those who improved or
those who did not are too few. Three queries, whatever the number of cases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lotsa.outcomes import instruments
from lotsa.outcomes.instruments import Instrument, Scale
from lotsa.outcomes.models import Assessment
from lotsa.people.models import Person
from lotsa.referrals.models import ActivityReferral, Referral

from . import cohort
from .change import CategoricalChange, PairedChange, categorical_change, paired_change
from .cohort import Period
from .flow import NONE, NOT_SENT, AgeBand, age_band, age_on
from .suppression import min_group, suppressed

DIMENSIONS = (
    ("age_band", gettext_lazy("Age band")),
    ("sex", gettext_lazy("Sex")),
    ("reason", gettext_lazy("Reason for referral")),
    ("category", gettext_lazy("Category of offering")),
    ("pathway", gettext_lazy("Pathway")),
)
# The dimensions whose groups partition the people (each person in exactly one group); a
# person may give several reasons and start activities of several categories.
PARTITIONS = frozenset({"age_band", "sex", "pathway"})


@dataclass(frozen=True)
class ScaleRef:
    """One reported scale of one instrument; its key is "<instrument>.<scale>"."""

    instrument: Instrument
    scale: Scale

    @property
    def key(self) -> str:
        return f"{self.instrument.code}.{self.scale.key}"

    @property
    def label(self) -> str:
        if len(reported_scales(self.instrument)) == 1:
            return self.instrument.label
        return f"{self.instrument.label}: {self.scale.label}"


def reported_scales(instrument: Instrument) -> list[Scale]:
    """The scales a report shows of `instrument` (none for a categorical one)."""
    if instrument.is_categorical:
        return []
    if instrument.primary is None:
        return list(instrument.scales)
    return [
        scale
        for scale in instrument.scales
        if scale.key == instrument.primary or scale.key != "raw"
    ]


def all_scales() -> list[ScaleRef]:
    return [
        ScaleRef(instrument, scale)
        for instrument in instruments.INSTRUMENTS.values()
        for scale in reported_scales(instrument)
    ]


@dataclass(frozen=True)
class ChangeRow:
    """A scale's (or a group's) change; `change` is None when the group is too small."""

    key: str
    label: str
    n: int
    change: PairedChange | None
    share_hidden: bool = False  # the share improved is suppressed (too few in a cell)

    @property
    def is_suppressed(self) -> bool:
        return self.change is None


@dataclass(frozen=True)
class SubgroupTable:
    dimension: str
    label: str
    rows: list[ChangeRow]


@dataclass(frozen=True)
class CategoryRow:
    value: int
    label: str
    before: int | None  # None: suppressed
    after: int | None


@dataclass(frozen=True)
class CategoricalReport:
    instrument: Instrument
    n: int
    change: CategoricalChange | None  # None: too few people
    rows: list[CategoryRow]
    shifts: list[tuple[str, str, int | None]]  # (key, label, count or None)


@dataclass
class OutcomeReport:
    period: Period
    months: int
    points: list[int]
    cases: int
    scales: list[ScaleRef]  # the scales with anyone at a baseline and any follow-up
    summary: list[ChangeRow]
    categorical: list[CategoricalReport]
    over_time: dict[str, list[ChangeRow]] = field(default_factory=dict)
    subgroups: dict[str, list[SubgroupTable]] = field(default_factory=dict)

    def scale(self, key: str) -> ScaleRef | None:
        return next((ref for ref in self.scales if ref.key == key), None)


# --- gathering the data -----------------------------------------------------------------------


@dataclass
class _Case:
    """What the report needs of one case: its groups, and its scores by point."""

    groups: dict[str, list[tuple[str, str]]]  # dimension → [(key, label)]
    scores: dict[tuple[int, str], dict[str, object]] = field(default_factory=dict)


def _term_name(names: Sequence[str | None]) -> str:
    """A term's name in the active language (Swedish when it has none)."""
    language = (get_language() or "sv")[:2]
    by_language = dict(zip(("sv", "da", "en"), names, strict=False))
    return by_language.get(language) or names[0] or ""


def _gather(period: Period, points: list[int]) -> dict[int, _Case]:
    cases = cohort.cases(period)
    sexes = dict(Person.Sex.choices)
    reasons = dict(Referral.Reason.choices)
    sources = dict(Referral.Source.choices)
    bands = dict(AgeBand.choices)
    gathered: dict[int, _Case] = {}
    for pk, created_at, born, sex, reason_codes, source in cases.values_list(
        "pk",
        "referral__created_at",
        "person__birth_date",
        "person__sex",
        "referral__reasons",
        "referral__source",
    ):
        band = age_band(age_on(born, timezone.localtime(created_at).date()))
        codes = [code for code in reason_codes or [] if code in reasons]
        gathered[pk] = _Case(
            groups={
                "age_band": [(band, str(bands.get(band, _("Age not known"))))],
                "sex": [(sex or NONE, str(sexes.get(sex, _("Not given"))))],
                "reason": [(code, str(reasons[code])) for code in codes]
                or [(NONE, _("No reason given"))],
                "category": [],
                "pathway": [(source, str(sources.get(source, source)))],
            }
        )
    categories = (
        ActivityReferral.objects.filter(case__in=cases.values("pk"), started_on__isnull=False)
        .exclude(status__in=NOT_SENT)
        .values_list(
            "case_id",
            "offering__categories__code",
            "offering__categories__name_sv",
            "offering__categories__name_da",
            "offering__categories__name_en",
        )
    )
    for case_id, code, *names in categories:
        found = gathered.get(case_id)
        if found is None:
            continue
        key, label = (code, _term_name(names)) if code else (NONE, _("No category"))
        if (key, label) not in found.groups["category"]:
            found.groups["category"].append((key, label))
    for found in gathered.values():
        if not found.groups["category"]:
            found.groups["category"] = [(NONE, _("No activity started"))]
    assessments = (
        Assessment.objects.counted()
        .filter(case__in=cases.values("pk"), follow_up__months__in=[0, *points])
        .order_by("answered_on", "pk")
        .values_list("case_id", "follow_up__months", "instrument", "scores")
    )
    for case_id, months, instrument, scores in assessments:
        found = gathered.get(case_id)
        # The first counted answer of a point stands (a second is a duplicate).
        if found is not None and isinstance(scores, dict):
            found.scores.setdefault((months, instrument), scores)
    return gathered


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _pairs(
    cases: list[_Case], ref: ScaleRef, months: int
) -> tuple[list[_Case], list[float], list[float]]:
    """The cases with the scale's score at the baseline and at `months`, and the scores."""
    kept, before, after = [], [], []
    code, scale = ref.instrument.code, ref.scale.key
    for case in cases:
        first = _number(case.scores.get((0, code), {}).get(scale))
        later = _number(case.scores.get((months, code), {}).get(scale))
        if first is not None and later is not None:
            kept.append(case)
            before.append(first)
            after.append(later)
    return kept, before, after


def _row(
    key: str,
    label: str,
    before: list[float],
    after: list[float],
    scale: Scale,
    *,
    hidden: bool = False,
    with_tests: bool = True,
) -> ChangeRow:
    n = len(before)
    if hidden or n < min_group():
        return ChangeRow(key, label, n, None)
    change = paired_change(before, after, scale=scale, with_tests=with_tests)
    share_hidden = change.improved is not None and any(
        suppressed([change.improved, n - change.improved])
    )
    return ChangeRow(key, label, n, change, share_hidden=share_hidden)


def _subgroups(cases: list[_Case], ref: ScaleRef, months: int) -> list[SubgroupTable]:
    kept, before, after = _pairs(cases, ref, months)
    tables = []
    for dimension, dimension_label in DIMENSIONS:
        groups: dict[str, tuple[str, list[float], list[float]]] = {}
        for case, first, later in zip(kept, before, after, strict=True):
            for key, label in case.groups[dimension]:
                group = groups.setdefault(key, (label, [], []))
                group[1].append(first)
                group[2].append(later)
        keys = sorted(groups, key=_group_order(dimension, groups))
        sizes = [len(groups[key][1]) for key in keys]
        hidden = (
            suppressed(sizes, partition=True) if dimension in PARTITIONS else [False] * len(keys)
        )
        rows = [
            _row(
                key,
                groups[key][0],
                groups[key][1],
                groups[key][2],
                ref.scale,
                hidden=is_hidden,
                with_tests=False,
            )
            for key, is_hidden in zip(keys, hidden, strict=True)
        ]
        tables.append(SubgroupTable(dimension, str(dimension_label), rows))
    return tables


def _group_order(
    dimension: str, groups: dict[str, tuple[str, list[float], list[float]]]
) -> Callable[[str], tuple[int, str]]:
    """Groups in their natural order (age bands youngest first, choices as declared), the
    groups of "not given" last."""
    declared = {
        "age_band": list(AgeBand.values),
        "sex": list(Person.Sex.values),
        "reason": list(Referral.Reason.values),
        "pathway": list(Referral.Source.values),
    }.get(dimension)

    def order(key: str) -> tuple[int, str]:
        if key == NONE:
            return (2, "")
        if declared is not None and key in declared:
            return (0, f"{declared.index(key):04d}")
        return (1, groups[key][0].casefold())

    return order


def _categorical(cases: list[_Case], instrument: Instrument, months: int) -> CategoricalReport:
    item = instrument.items[0]
    scale = instrument.scales[0]
    before: list[int] = []
    after: list[int] = []
    for case in cases:
        first = _number(case.scores.get((0, instrument.code), {}).get(scale.key))
        later = _number(case.scores.get((months, instrument.code), {}).get(scale.key))
        if first is not None and later is not None:
            before.append(int(first))
            after.append(int(later))
    n = len(before)
    labels = {choice.value: choice.label for choice in item.choices}
    values = [choice.value for choice in item.choices]
    if n < min_group():
        return CategoricalReport(instrument, n, None, [], [])
    change = categorical_change(
        before, after, values=values, higher_is_better=scale.higher_is_better
    )
    hidden_before = suppressed([count.before for count in change.counts])
    hidden_after = suppressed([count.after for count in change.counts])
    rows = [
        CategoryRow(
            count.value,
            labels[count.value],
            None if is_hidden_before else count.before,
            None if is_hidden_after else count.after,
        )
        for count, is_hidden_before, is_hidden_after in zip(
            change.counts, hidden_before, hidden_after, strict=True
        )
    ]
    shift_counts = [
        ("better", _("Less often lonely"), change.better),
        ("same", _("The same"), change.same),
        ("worse", _("More often lonely"), change.worse),
    ]
    hidden = suppressed([count for _key, _label, count in shift_counts])
    shifts = [
        (key, label, None if is_hidden else count)
        for (key, label, count), is_hidden in zip(shift_counts, hidden, strict=True)
    ]
    return CategoricalReport(instrument, n, change, rows, shifts)


def outcome_report(period: Period, months: int, points: list[int]) -> OutcomeReport:
    """Every table of the outcome report: the change to `months` for every scale, by
    subgroup, the categorical answers, and every scale's change at each point of `points`
    (three queries)."""
    cases = list(_gather(period, sorted({months, *points})).values())
    summary, scales = [], []
    over_time: dict[str, list[ChangeRow]] = {}
    subgroups: dict[str, list[SubgroupTable]] = {}
    for ref in all_scales():
        timeline = []
        for point in points:
            _kept, first, later = _pairs(cases, ref, point)
            if first:
                label = _("%(months)s months") % {"months": point}
                timeline.append(_row(str(point), label, first, later, ref.scale))
        if timeline:
            scales.append(ref)
            over_time[ref.key] = timeline
        _kept, before, after = _pairs(cases, ref, months)
        if before:
            summary.append(_row(ref.key, ref.label, before, after, ref.scale))
            subgroups[ref.key] = _subgroups(cases, ref, months)
    categorical = [
        report
        for instrument in instruments.INSTRUMENTS.values()
        if instrument.is_categorical and (report := _categorical(cases, instrument, months)).n
    ]
    return OutcomeReport(
        period=period,
        months=months,
        points=points,
        cases=len(cases),
        scales=scales,
        summary=summary,
        categorical=categorical,
        over_time=over_time,
        subgroups=subgroups,
    )
