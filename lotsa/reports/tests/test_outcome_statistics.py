"""The statistics of change, checked by hand on one example and against scipy's own tests on
fixed data: the mean change and its 95 % interval (`t.interval`), the paired t-test
(`ttest_rel`), Shapiro–Wilk, the Wilcoxon signed-rank test, Cohen's d_z and the share
improved by a scale's meaningful change; and the counts of a categorical answer."""

from __future__ import annotations

import math
import statistics

from django.test import SimpleTestCase
from scipy import stats

from lotsa.outcomes import instruments
from lotsa.reports.change import PAIRED_T, WILCOXON, categorical_change, paired_change

WHO5 = instruments.WHO5.scale("percentage")
ANXIETY = instruments.ONS4.scale("anxiety")

# Fixed data: WHO-5 percentages of twelve people at baseline and at a follow-up, with
# roughly normal changes...
NORMAL_BEFORE = [32, 40, 28, 44, 36, 52, 24, 48, 40, 36, 20, 56]
NORMAL_AFTER = [44, 48, 36, 56, 40, 60, 40, 52, 52, 44, 28, 60]
# ...and with one large change among small ones (Shapiro–Wilk rejects normality).
SKEWED_BEFORE = [40, 44, 36, 48, 52, 40, 44, 36, 32, 48, 40, 44, 36, 28]
SKEWED_AFTER = [44, 48, 40, 48, 56, 44, 48, 40, 36, 52, 88, 48, 40, 32]


class HandComputedExampleTests(SimpleTestCase):
    def test_it_matches_a_change_computed_by_hand(self) -> None:
        # Changes 2, 4, 6, 8, 10: mean 6; sd = √(Σ(d − 6)² / 4) = √(40 / 4) = √10 ≈ 3.1623;
        # se = √10 / √5 = √2 ≈ 1.4142; t = 6 / √2 ≈ 4.2426 on 4 degrees of freedom;
        # t(0.975, 4) = 2.7764 (any t table), so the interval is 6 ± 2.7764 · 1.4142 =
        # 6 ± 3.9265 = [2.0735, 9.9265]; d_z = 6 / √10 ≈ 1.8974; two-sided p ≈ 0.0132.
        # One person (the last, +10) improved by WHO-5's meaningful 10 points.
        change = paired_change([50, 40, 60, 30, 45], [52, 44, 66, 38, 55], scale=WHO5)

        self.assertEqual(change.n, 5)
        self.assertAlmostEqual(change.mean_before, 45.0)
        self.assertAlmostEqual(change.mean_after, 51.0)
        self.assertAlmostEqual(change.mean_change, 6.0)
        self.assertAlmostEqual(change.sd_change, math.sqrt(10))
        self.assertAlmostEqual(change.ci_low, 2.0735, places=4)
        self.assertAlmostEqual(change.ci_high, 9.9265, places=4)
        self.assertAlmostEqual(change.cohens_dz, 1.8974, places=4)
        self.assertAlmostEqual(change.t_p, 0.0132, places=4)
        # Evenly spaced changes are as normal as five numbers can be: the t-test is reported.
        self.assertGreater(change.normality_p, 0.05)
        self.assertEqual(change.test, PAIRED_T)
        self.assertEqual(change.p, change.t_p)
        self.assertIsNone(change.wilcoxon_p)
        self.assertEqual(change.improved, 1)
        self.assertAlmostEqual(change.improved_share, 0.2)
        self.assertEqual(change.direction, 1)


class AgainstScipyTests(SimpleTestCase):
    def assert_matches_scipy(self, before: list[int], after: list[int]) -> None:
        change = paired_change(before, after, scale=WHO5)
        differences = [b - a for a, b in zip(before, after, strict=True)]
        n = len(differences)

        self.assertAlmostEqual(change.mean_change, statistics.fmean(differences))
        low, high = stats.t.interval(
            0.95, n - 1, loc=statistics.fmean(differences), scale=stats.sem(differences)
        )
        self.assertAlmostEqual(change.ci_low, float(low), places=10)
        self.assertAlmostEqual(change.ci_high, float(high), places=10)
        self.assertAlmostEqual(change.t_p, float(stats.ttest_rel(after, before).pvalue), places=12)
        self.assertAlmostEqual(
            change.normality_p, float(stats.shapiro(differences).pvalue), places=12
        )
        self.assertAlmostEqual(
            change.cohens_dz, statistics.fmean(differences) / statistics.stdev(differences)
        )
        self.assertEqual(change.improved, sum(1 for d in differences if d >= 10))

    def test_the_interval_the_t_test_and_the_effect_size_match_scipy(self) -> None:
        self.assert_matches_scipy(NORMAL_BEFORE, NORMAL_AFTER)
        change = paired_change(NORMAL_BEFORE, NORMAL_AFTER, scale=WHO5)
        self.assertEqual(change.test, PAIRED_T)

    def test_not_normal_changes_report_the_wilcoxon_signed_rank_test(self) -> None:
        self.assert_matches_scipy(SKEWED_BEFORE, SKEWED_AFTER)
        change = paired_change(SKEWED_BEFORE, SKEWED_AFTER, scale=WHO5)
        differences = [b - a for a, b in zip(SKEWED_BEFORE, SKEWED_AFTER, strict=True)]

        self.assertLess(change.normality_p, 0.05)
        self.assertEqual(change.test, WILCOXON)
        self.assertAlmostEqual(change.wilcoxon_p, float(stats.wilcoxon(differences).pvalue))
        self.assertEqual(change.p, change.wilcoxon_p)

    def test_a_worsening_is_a_negative_change_with_its_interval(self) -> None:
        self.assert_matches_scipy(NORMAL_AFTER, NORMAL_BEFORE)
        change = paired_change(NORMAL_AFTER, NORMAL_BEFORE, scale=WHO5)
        self.assertLess(change.ci_high, 0)
        self.assertEqual(change.direction, -1)
        self.assertEqual(change.improved, 0)


class ManyChangesTests(SimpleTestCase):
    """Above 5,000 changes Shapiro–Wilk's p-value is not accurate (scipy warns): it is
    computed on a fixed random sample of 5,000, the same for the same changes."""

    def test_normality_is_tested_on_a_sample_without_warning(self) -> None:
        import random
        import warnings

        rng = random.Random(3)
        before = [float(rng.randint(3, 9)) for _n in range(12_000)]
        after = [value + rng.choice((-2.0, -1.0, 0.0, 0.0, 1.0)) for value in before]
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # scipy's "For N > 5000" warning would fail this
            first = paired_change(before, after)
        again = paired_change(before, after)
        self.assertEqual(first.n, 12_000)
        self.assertEqual(first.normality_p, again.normality_p)
        changes = [b - a for a, b in zip(before, after, strict=True)]
        sample = random.Random(len(changes)).sample(changes, 5_000)
        self.assertAlmostEqual(first.normality_p, float(stats.shapiro(sample).pvalue))
        # Steps of whole points are far from normal: the signed-rank test is the one reported.
        self.assertEqual(first.test, WILCOXON)


class DirectionAndEdgeTests(SimpleTestCase):
    def test_on_a_scale_where_lower_is_better_a_fall_is_an_improvement(self) -> None:
        # ONS4 anxiety: 0–10, lower is better; a fall of one point is meaningful.
        change = paired_change([6, 7, 5, 8, 6], [4, 7, 5, 6, 5], scale=ANXIETY)

        self.assertLess(change.mean_change, 0)
        self.assertEqual(change.direction, 1)
        self.assertEqual(change.improved, 3)

    def test_a_scale_without_a_published_threshold_counts_no_improvement(self) -> None:
        change = paired_change([7, 8, 6, 9, 7], [5, 6, 6, 7, 4], scale=instruments.UCLA3.scales[0])
        self.assertIsNone(change.improved)
        self.assertIsNone(change.improved_share)

    def test_the_same_change_for_everyone_has_no_test_and_a_point_interval(self) -> None:
        change = paired_change([40, 44, 48, 52, 56], [44, 48, 52, 56, 60], scale=WHO5)

        self.assertEqual((change.ci_low, change.ci_high), (4.0, 4.0))
        self.assertIsNone(change.t_p)
        self.assertIsNone(change.p)
        self.assertEqual(change.test, "")
        self.assertIsNone(change.cohens_dz)

    def test_groups_can_be_estimated_without_tests(self) -> None:
        change = paired_change(NORMAL_BEFORE, NORMAL_AFTER, scale=WHO5, with_tests=False)
        self.assertIsNone(change.p)
        self.assertIsNotNone(change.ci_low)

    def test_unpaired_scores_are_refused(self) -> None:
        with self.assertRaises(ValueError):
            paired_change([1, 2], [1])
        with self.assertRaises(ValueError):
            paired_change([], [])


class CategoricalTests(SimpleTestCase):
    def test_it_counts_each_answer_before_and_after_and_who_moved(self) -> None:
        # ONS loneliness: 1 = often or always … 5 = never; a higher answer is less lonely.
        before = [1, 1, 2, 2, 3, 1, 2]
        after = [2, 1, 3, 1, 3, 3, 2]
        change = categorical_change(before, after, values=[1, 2, 3, 4, 5], higher_is_better=True)

        self.assertEqual(change.n, 7)
        self.assertEqual(
            [(c.value, c.before, c.after) for c in change.counts],
            [(1, 3, 2), (2, 3, 2), (3, 1, 3), (4, 0, 0), (5, 0, 0)],
        )
        self.assertEqual((change.better, change.same, change.worse), (3, 3, 1))
