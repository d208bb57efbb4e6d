"""The statistics of change from baseline to follow-up: pure functions over paired scores.

For one scale and the people who answered it at both points (paired data):

- the mean change (after − before) with its 95 % confidence interval from the t
  distribution (mean ± t(0.975, n − 1) · sd / √n);
- the paired t-test (t = mean / (sd / √n), two-sided p, n − 1 degrees of freedom);
- the Shapiro–Wilk test of the differences (of a fixed random sample of 5,000 of them when
  there are more: beyond that its p-value is not accurate); when it rejects
  normality (p < 0.05) the Wilcoxon signed-rank test is the one reported (zero differences
  dropped, scipy's default);
- Cohen's d_z: the mean change divided by the standard deviation of the changes;
- how many improved by at least the scale's meaningful change, in its good direction.

For a categorical answer (the ONS loneliness question): how many gave each answer before and
after, and how many moved to a better, the same or a worse answer.

Nothing here knows of groups too small to show: callers suppress those (`suppression`).
"""

from __future__ import annotations

import math
import random
import statistics
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from lotsa.outcomes.instruments import Scale

# Two-sided: a 95 % confidence interval, and normality rejected below p = 0.05.
# Shapiro–Wilk's p-value is accurate up to 5,000 values (scipy); more are sampled.
SHAPIRO_MAX = 5000
CONFIDENCE = 0.95
NORMALITY_ALPHA = 0.05
PAIRED_T = "paired_t"
WILCOXON = "wilcoxon"


@dataclass(frozen=True)
class PairedChange:
    n: int
    mean_before: float
    mean_after: float
    mean_change: float  # after − before, in the scale's own units
    sd_change: float | None  # None for a single pair
    ci_low: float | None
    ci_high: float | None
    t_p: float | None  # the paired t-test's p; None when the changes do not vary
    normality_p: float | None  # Shapiro–Wilk on the changes; None when not computed
    wilcoxon_p: float | None  # only when normality was rejected
    cohens_dz: float | None
    improved: int | None  # improved by the meaningful change; None: the scale has none
    higher_is_better: bool = True

    @property
    def is_normal(self) -> bool | None:
        if self.normality_p is None:
            return None
        return self.normality_p >= NORMALITY_ALPHA

    @property
    def test(self) -> str:
        """The test whose p is reported: the Wilcoxon signed-rank test when the changes are
        not normal, else the paired t-test; "" when neither could be computed."""
        if self.wilcoxon_p is not None:
            return WILCOXON
        return PAIRED_T if self.t_p is not None else ""

    @property
    def p(self) -> float | None:
        return self.wilcoxon_p if self.wilcoxon_p is not None else self.t_p

    @property
    def not_improved(self) -> int | None:
        return None if self.improved is None else self.n - self.improved

    @property
    def improved_share(self) -> float | None:
        return None if self.improved is None or not self.n else self.improved / self.n

    @property
    def direction(self) -> int:
        """+1 when the mean changed for the better, −1 for the worse, 0 for no change."""
        if self.mean_change == 0:
            return 0
        better = self.mean_change > 0 if self.higher_is_better else self.mean_change < 0
        return 1 if better else -1


def paired_change(
    before: Sequence[float],
    after: Sequence[float],
    *,
    scale: Scale | None = None,
    with_tests: bool = True,
) -> PairedChange:
    """The change from `before` to `after` (the same people, in the same order).

    `with_tests=False` leaves out the p-values (subgroups show estimates, not tests)."""
    if len(before) != len(after) or not before:
        raise ValueError("paired_change needs the same, positive number of scores before and after")
    changes = [float(later) - float(earlier) for earlier, later in zip(before, after, strict=True)]
    n = len(changes)
    mean = statistics.fmean(changes)
    sd = statistics.stdev(changes) if n > 1 else None
    ci_low = ci_high = t_p = normality_p = wilcoxon_p = dz = None
    if sd is not None and sd > 0:
        se = sd / math.sqrt(n)
        margin = float(stats.t.ppf((1 + CONFIDENCE) / 2, n - 1)) * se
        ci_low, ci_high = mean - margin, mean + margin
        dz = mean / sd
        if with_tests:
            t = mean / se
            t_p = float(2 * stats.t.sf(abs(t), n - 1))
            if n >= 3:
                normality_p = _shapiro(changes)
            if normality_p is not None and normality_p < NORMALITY_ALPHA:
                wilcoxon_p = _wilcoxon(changes)
    elif sd == 0:
        # Everyone changed by the same amount: the interval is that amount; no test applies.
        ci_low = ci_high = mean
    improved = None
    if scale is not None and scale.meaningful_change is not None:
        improved = sum(
            scale.improved(float(earlier), float(later))
            for earlier, later in zip(before, after, strict=True)
        )
    return PairedChange(
        n=n,
        mean_before=statistics.fmean(float(value) for value in before),
        mean_after=statistics.fmean(float(value) for value in after),
        mean_change=mean,
        sd_change=sd,
        ci_low=ci_low,
        ci_high=ci_high,
        t_p=t_p,
        normality_p=normality_p,
        wilcoxon_p=wilcoxon_p,
        cohens_dz=dz,
        improved=improved,
        higher_is_better=scale.higher_is_better if scale is not None else True,
    )


def _shapiro(changes: list[float]) -> float:
    """Shapiro–Wilk's p; above `SHAPIRO_MAX` changes (where its p-value is not accurate),
    of a random sample of that many, drawn the same way every time for the same changes."""
    if len(changes) > SHAPIRO_MAX:
        changes = random.Random(len(changes)).sample(changes, SHAPIRO_MAX)  # noqa: S311
    return float(stats.shapiro(changes).pvalue)


def _wilcoxon(changes: Sequence[float]) -> float | None:
    if not any(changes):
        return None
    with warnings.catch_warnings():
        # scipy warns that ties or zeros make it use the normal approximation: expected.
        warnings.simplefilter("ignore")
        return float(stats.wilcoxon(changes).pvalue)


@dataclass(frozen=True)
class CategoryCount:
    value: int
    before: int
    after: int


@dataclass(frozen=True)
class CategoricalChange:
    n: int
    counts: list[CategoryCount]  # every category, in the order given
    better: int  # moved to an answer on the scale's better side
    same: int
    worse: int


def categorical_change(
    before: Sequence[int], after: Sequence[int], *, values: Sequence[int], higher_is_better: bool
) -> CategoricalChange:
    """Who gave each answer before and after, and who moved (the same people, in order)."""
    if len(before) != len(after):
        raise ValueError("categorical_change needs as many answers before as after")
    pairs = list(zip(before, after, strict=True))
    better = sum(
        (later > earlier) if higher_is_better else (later < earlier) for earlier, later in pairs
    )
    same = sum(later == earlier for earlier, later in pairs)
    return CategoricalChange(
        n=len(pairs),
        counts=[
            CategoryCount(
                value, sum(answer == value for answer in before), sum(a == value for a in after)
            )
            for value in values
        ],
        better=better,
        same=same,
        worse=len(pairs) - better - same,
    )
