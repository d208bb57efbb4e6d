"""The return-on-investment calculator: the measured change in health-care use, priced with
the manager's own inputs, against what the programme costs per person.

Transparent by design: every input is shown with its default and can be changed, and every
step of the sum is on the page. The measured part is the only one Lotsa knows:

- **who counts**: the people (cases) of the period with health-care use recorded for the six
  months before the referral and the six months after it (both);
- **the change** per person: visits after − visits before, to the health centre and to the
  emergency department, priced: Δgp × cost of a GP visit + Δemergency × cost of an
  emergency visit, scaled by `months_lasting` / 6 (the change was measured over six months);
- **the sensitivity range**: the 95 % confidence interval (t distribution) of the mean
  priced change per person — the same people's own spread, not a guess;
- **saving** = − (mean priced change); **net** = saving − programme cost per person (link
  worker + overheads); **per krona** = saving ÷ programme cost.

A before/after change without a comparison group also holds what would have happened anyway
(regression to the mean: people are referred when things are at their worst), so the page
says so beside the figures.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import QuerySet
from scipy import stats

from lotsa.outcomes.models import HealthcareUse
from lotsa.referrals.models import Case

from .change import CONFIDENCE

# The period the before and after records each cover (HealthcareUse: six months).
MEASURED_MONTHS = 6


@dataclass(frozen=True)
class Inputs:
    currency: str  # "SEK" or "DKK"
    link_worker_cost: Decimal
    overhead_cost: Decimal
    gp_visit_cost: Decimal
    emergency_visit_cost: Decimal
    months_lasting: int

    def as_dict(self) -> dict[str, Decimal | int]:
        values = asdict(self)
        del values["currency"]
        return values

    @property
    def programme_cost(self) -> Decimal:
        return self.link_worker_cost + self.overhead_cost


# Example values for a first look, NOT a price list and not from a source: the page says so
# and asks for the region's and the municipality's own costs. Rounded on purpose.
DEFAULTS = {
    "SE": Inputs(
        currency="SEK",
        link_worker_cost=Decimal(6000),
        overhead_cost=Decimal(1500),
        gp_visit_cost=Decimal(2000),
        emergency_visit_cost=Decimal(5000),
        months_lasting=MEASURED_MONTHS,
    ),
    "DK": Inputs(
        currency="DKK",
        link_worker_cost=Decimal(4000),
        overhead_cost=Decimal(1000),
        gp_visit_cost=Decimal(400),
        emergency_visit_cost=Decimal(3000),
        months_lasting=MEASURED_MONTHS,
    ),
}


def defaults(country: str) -> Inputs:
    return DEFAULTS.get(country, DEFAULTS["SE"])


@dataclass(frozen=True)
class UsePair:
    """One person's visits in the six months before and after the referral."""

    gp_before: int
    gp_after: int
    emergency_before: int
    emergency_after: int


@dataclass(frozen=True)
class MeanChange:
    before: float
    after: float
    change: float
    ci_low: float | None
    ci_high: float | None

    @property
    def relative(self) -> float | None:
        """The change as a share of the mean before (−0.14 for 14 % fewer)."""
        return None if not self.before else self.change / self.before


@dataclass(frozen=True)
class Result:
    n: int
    gp: MeanChange  # visits per person
    emergency: MeanChange
    cost_before: float  # priced visits per person, over the six months before
    cost_after: float
    cost_change: MeanChange  # priced change per person over `months_lasting`
    saving: float  # per person: − cost change
    saving_low: float | None  # the sensitivity range of the saving (from the CI)
    saving_high: float | None
    programme_cost: float
    net: float  # saving − programme cost (positive: a net saving)
    net_low: float | None
    net_high: float | None
    per_krona: float | None  # saving per krona spent; None when the programme costs nothing
    per_krona_low: float | None
    per_krona_high: float | None


def mean_change(
    before: list[float], after: list[float], weights: list[int] | None = None
) -> MeanChange:
    """The mean of before, of after, and of the change, with the change's 95 % interval;
    `weights`: how many people each (before, after) stands for (default one each)."""
    changes = [later - earlier for earlier, later in zip(before, after, strict=True)]
    if weights is None:
        n, mean = len(changes), statistics.fmean(changes)
        sd = statistics.stdev(changes) if n > 1 else None
        mean_before, mean_after = statistics.fmean(before), statistics.fmean(after)
    else:
        n = sum(weights)
        mean = statistics.fmean(changes, weights)
        mean_before, mean_after = (
            statistics.fmean(before, weights),
            statistics.fmean(after, weights),
        )
        squares = sum(w * (d - mean) ** 2 for d, w in zip(changes, weights, strict=True))
        sd = math.sqrt(squares / (n - 1)) if n > 1 else None
    low = high = None
    if sd is not None:
        margin = float(stats.t.ppf((1 + CONFIDENCE) / 2, n - 1)) * sd / math.sqrt(n)
        low, high = mean - margin, mean + margin
    return MeanChange(mean_before, mean_after, mean, low, high)


def calculate(pairs: list[UsePair] | Mapping[UsePair, int], inputs: Inputs) -> Result:
    """The calculation for `pairs` (at least one) priced with `inputs`; `pairs` may be a
    count of each distinct pair (visits are small numbers: a national cohort has a few
    hundred distinct pairs among hundreds of thousands of people)."""
    if not pairs:
        raise ValueError("calculate needs at least one person")
    counts: list[int] | None = None
    if isinstance(pairs, Mapping):
        counts = list(pairs.values())
        pairs = list(pairs)
    gp_cost, emergency_cost = float(inputs.gp_visit_cost), float(inputs.emergency_visit_cost)
    scale = inputs.months_lasting / MEASURED_MONTHS

    def priced(gp: int, emergency: int) -> float:
        return gp * gp_cost + emergency * emergency_cost

    before = [priced(pair.gp_before, pair.emergency_before) for pair in pairs]
    after = [priced(pair.gp_after, pair.emergency_after) for pair in pairs]
    measured = mean_change(before, after, counts)
    cost_change = MeanChange(
        measured.before * scale,
        measured.after * scale,
        measured.change * scale,
        None if measured.ci_low is None else measured.ci_low * scale,
        None if measured.ci_high is None else measured.ci_high * scale,
    )
    programme = float(inputs.programme_cost)
    saving = -cost_change.change
    # The most saving comes with the lowest (most negative) change, and the least with the
    # highest.
    saving_low = None if cost_change.ci_high is None else -cost_change.ci_high
    saving_high = None if cost_change.ci_low is None else -cost_change.ci_low

    def per_krona(value: float | None) -> float | None:
        return None if value is None or programme <= 0 else value / programme

    def net(value: float | None) -> float | None:
        return None if value is None else value - programme

    return Result(
        n=len(pairs) if counts is None else sum(counts),
        gp=mean_change(
            [float(pair.gp_before) for pair in pairs],
            [float(pair.gp_after) for pair in pairs],
            counts,
        ),
        emergency=mean_change(
            [float(pair.emergency_before) for pair in pairs],
            [float(pair.emergency_after) for pair in pairs],
            counts,
        ),
        cost_before=measured.before,
        cost_after=measured.after,
        cost_change=cost_change,
        saving=saving,
        saving_low=saving_low,
        saving_high=saving_high,
        programme_cost=programme,
        net=saving - programme,
        net_low=net(saving_low),
        net_high=net(saving_high),
        per_krona=per_krona(saving),
        per_krona_low=per_krona(saving_low),
        per_krona_high=per_krona(saving_high),
    )


def use_pairs(cases_in_scope: QuerySet[Case]) -> list[UsePair]:
    """The visits of the cases with health-care use recorded for both periods (one query)."""
    rows = HealthcareUse.objects.filter(case__in=cases_in_scope.values("pk")).values_list(
        "case_id", "period", "gp_visits", "emergency_visits"
    )
    by_case: dict[int, dict[str, tuple[int, int]]] = {}
    for case_id, period, gp, emergency in rows:
        by_case.setdefault(case_id, {})[period] = (gp, emergency)
    before, after = HealthcareUse.Period.BEFORE, HealthcareUse.Period.AFTER
    return [
        UsePair(
            gp_before=periods[before][0],
            gp_after=periods[after][0],
            emergency_before=periods[before][1],
            emergency_after=periods[after][1],
        )
        for _case_id, periods in sorted(by_case.items())
        if before in periods and after in periods
    ]
