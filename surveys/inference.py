"""Intervals and change tests that keep their promise at team sizes (5-30 answers).

Sources (the methods are written out with their measured coverage and error rates in docs/surveys.md):
- NPS / eNPS interval: adjusted Wald, Rocks (2016), "Interval estimation for the 'net promoter
  score'", The American Statistician 70(4): add 3 to n and 3/4 to promoters and detractors;
  the margin uses the Student t quantile at n' - 1 = n + 2 degrees of freedom instead of z
  (the small-sample correction of the t interval, applied to Rocks's adjusted sample; the NPS
  is the mean of -1/0/+1 scores). Exact coverage >= 94.7% at n = 5..30 (bench/noise.py).
- Mean of answers on a bounded scale (1-5): the same adjustment read on the scale, mapped to
  -1..1: 3/4 of a pseudo-answer at each end and 3/2 at the midpoint are added, and the Student
  t interval of the adjusted sample is taken, mean' +- t(0.975, n'-1) s' / sqrt(n'), n' = n + 3.
  Plain Student t (t_interval, kept for maturity scores) gives 89% at n = 6 near the ceiling.
- A share (top-2-box, yes answers): Wilson score interval with continuity correction,
  Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of
  seven methods", Statistics in Medicine 17, 857-872, method 4. Plain Wilson (1927) dips to
  91.5% at team sizes.
- Change between two waves: with fewer than EXACT_BELOW answers in either wave, an exact
  permutation test of the difference in means over the pooled answers (the answers are
  categories, so the permutation distribution is computed exactly from the category counts,
  Fisher-Pitman); its two-sided mid-p (Lancaster 1961) is compared with 0.05. Above, Welch's
  t for means, the adjusted-Wald difference for NPS (Rocks 2016, section 4) and the
  Agresti-Caffo (2000) difference for shares.
- A change is reported as beyond noise only when it is significant after Holm's (1979)
  step-down correction across the figures of one wave, and at least the minimum meaningful
  change of its figure type (MINIMUM_CHANGE).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

import numpy as np

ALPHA = 0.05
Z_95 = NormalDist().inv_cdf(1 - ALPHA / 2)  # 1.959964
EXACT_BELOW = 30  # the permutation test is used while either wave has fewer answers than this

# The smallest change worth a governance team's attention, per figure type (5% of each scale's range).
MINIMUM_CHANGE = {"nps": 10.0, "mean": 0.2, "share": 5.0}


@dataclass(frozen=True)
class TestResult:
    """A two-sided test of "no change": the p-value and the method's name (as in docs/surveys.md)."""

    p_value: float
    method: str


# --- intervals -------------------------------------------------------------------


def nps_interval(promoters: int, detractors: int, n: int) -> tuple[float, float] | None:
    """Adjusted-Wald 95% interval of an NPS in points (-100..100), Rocks (2016), with t(0.975, n + 2)."""
    if n <= 0:
        return None
    adjusted_n = n + 3
    p, d = (promoters + 0.75) / adjusted_n, (detractors + 0.75) / adjusted_n
    centre = p - d
    margin = t_975(adjusted_n - 1) * math.sqrt((p + d - centre**2) / adjusted_n)
    return max(-100.0, (centre - margin) * 100), min(100.0, (centre + margin) * 100)


# Rocks's pseudo-answers on a bounded scale: (position between low and high, weight).
PSEUDO_ANSWERS = ((0.0, 0.75), (0.5, 1.5), (1.0, 0.75))


def mean_interval(mean: float, sd: float, n: int, low: float, high: float) -> tuple[float, float] | None:
    """95% interval of a mean of answers on [low, high]: t interval of the sample with Rocks's pseudo-answers.

    3/4 of an answer at each end of the scale and 3/2 at its midpoint are added to the n answers
    (mean, sample sd), then mean' +- t(0.975, n' - 1) s' / sqrt(n'), clipped to the scale; None
    below two answers.
    """
    if n < 2:
        return None
    points = [(low + position * (high - low), weight) for position, weight in PSEUDO_ANSWERS]
    adjusted_n = n + sum(weight for _, weight in points)
    adjusted_mean = (n * mean + sum(value * weight for value, weight in points)) / adjusted_n
    squares = (n - 1) * sd * sd + n * (mean - adjusted_mean) ** 2
    squares += sum(weight * (value - adjusted_mean) ** 2 for value, weight in points)
    margin = t_975(adjusted_n - 1) * math.sqrt(squares / (adjusted_n - 1) / adjusted_n)
    return max(low, adjusted_mean - margin), min(high, adjusted_mean + margin)


def t_interval(mean: float, sd: float, n: int, low: float, high: float) -> tuple[float, float] | None:
    """Plain Student t 95% interval, mean +- t(0.975, n-1) sd / sqrt(n), clipped; None below two answers."""
    if n < 2:
        return None
    margin = t_975(n - 1) * sd / math.sqrt(n)
    return max(low, mean - margin), min(high, mean + margin)


@lru_cache(maxsize=1024)
def t_975(degrees_of_freedom: float) -> float:
    from scipy import stats  # imported when first needed: a process that computes no figure starts faster

    return float(stats.t.ppf(1 - ALPHA / 2, degrees_of_freedom))


def share_interval(successes: int, n: int) -> tuple[float, float] | None:
    """Wilson 95% score interval with continuity correction (Newcombe 1998, method 4), in percent."""
    if n <= 0:
        return None
    share, z2 = successes / n, Z_95**2
    lower, upper = 0.0, 1.0
    if successes > 0:
        root = math.sqrt(z2 - 2 - 1 / n + 4 * share * (n * (1 - share) + 1))
        lower = (2 * n * share + z2 - 1 - Z_95 * root) / (2 * (n + z2))
    if successes < n:
        root = math.sqrt(z2 + 2 - 1 / n + 4 * share * (n * (1 - share) - 1))
        upper = (2 * n * share + z2 + 1 + Z_95 * root) / (2 * (n + z2))
    return max(0.0, lower * 100), min(100.0, upper * 100)


# --- exact permutation test on categories -----------------------------------------


def permutation_p_value(before: Mapping[int, int], after: Mapping[int, int]) -> float:
    """Two-sided mid-p of the exact permutation test of equal means, from {score: count} of each wave.

    Under "no change" every split of the pooled answers into groups of the two sizes is equally
    likely; the sum of the first group's scores then follows a convolution of hypergeometric
    terms, computed exactly. Splits farther from the expected sum than the observed one count
    fully, those as far count half (mid-p).
    """
    scores = sorted(set(before) | set(after))
    pooled = tuple((score, before.get(score, 0) + after.get(score, 0)) for score in scores)
    observed = sum(score * before.get(score, 0) for score in scores)
    return _permutation_p(pooled, sum(before.values()), observed)


@lru_cache(maxsize=65536)
def _permutation_p(pooled: tuple[tuple[int, int], ...], size: int, observed: int) -> float:
    low = min(score for score, _ in pooled)
    distribution = _sum_distribution(tuple((score - low, count) for score, count in pooled), size)
    expected = sum((score - low) * count for score, count in pooled) * size / sum(c for _, c in pooled)
    distance = np.abs(np.arange(len(distribution)) - expected)
    observed_distance = abs(observed - low * size - expected)
    tolerance = 1e-9
    farther = distribution[distance > observed_distance + tolerance].sum()
    as_far = distribution[np.abs(distance - observed_distance) <= tolerance].sum()
    return float(min(1.0, farther + 0.5 * as_far))


@lru_cache(maxsize=65536)
def _sum_distribution(pooled: tuple[tuple[int, int], ...], size: int) -> np.ndarray:
    """P(sum of `size` answers drawn without replacement = s), for each s (scores shifted to start at 0)."""
    top = max(score for score, _ in pooled) * size
    ways = np.zeros((size + 1, top + 1))  # ways[taken, sum]
    ways[0, 0] = 1.0
    for score, count in pooled:
        grown = np.zeros_like(ways)
        for take in range(min(count, size) + 1):
            shift = score * take
            grown[take:, shift:] += math.comb(count, take) * ways[: size + 1 - take, : top + 1 - shift]
        ways = grown
    return ways[size] / ways[size].sum()


# --- tests per figure type ----------------------------------------------------------


def nps_change_test(before: tuple[int, int, int], after: tuple[int, int, int]) -> TestResult:
    """(promoters, passives, detractors) of two waves: exact permutation below EXACT_BELOW, else adjusted Wald."""
    if min(sum(before), sum(after)) < EXACT_BELOW:
        return TestResult(permutation_p_value(_nps_counts(before), _nps_counts(after)), "permutation")
    (p1, d1, n1), (p2, d2, n2) = [_adjusted_nps(counts) for counts in (before, after)]
    spread = math.sqrt((p1 + d1 - (p1 - d1) ** 2) / n1 + (p2 + d2 - (p2 - d2) ** 2) / n2)
    return TestResult(_two_sided_normal(((p2 - d2) - (p1 - d1)) / spread), "adjusted-wald")


def _nps_counts(counts: tuple[int, int, int]) -> dict[int, int]:
    promoters, passives, detractors = counts
    return {1: promoters, 0: passives, -1: detractors}


def _adjusted_nps(counts: tuple[int, int, int]) -> tuple[float, float, float]:
    promoters, passives, detractors = counts
    adjusted_n = promoters + passives + detractors + 3
    return (promoters + 0.75) / adjusted_n, (detractors + 0.75) / adjusted_n, adjusted_n


def mean_change_test(before: Mapping[int, int], after: Mapping[int, int]) -> TestResult:
    """{score: count} of two waves: exact permutation below EXACT_BELOW, else Welch's t."""
    n1, n2 = sum(before.values()), sum(after.values())
    if min(n1, n2) < EXACT_BELOW:
        return TestResult(permutation_p_value(before, after), "permutation")
    (m1, v1), (m2, v2) = _mean_variance(before, n1), _mean_variance(after, n2)
    if v1 == 0 and v2 == 0:
        return TestResult(1.0 if m1 == m2 else 0.0, "welch")
    from scipy import stats

    result = stats.ttest_ind_from_stats(m1, math.sqrt(v1), n1, m2, math.sqrt(v2), n2, equal_var=False)
    return TestResult(float(result.pvalue), "welch")


def _mean_variance(counts: Mapping[int, int], n: int) -> tuple[float, float]:
    mean = sum(score * count for score, count in counts.items()) / n
    return mean, sum(count * (score - mean) ** 2 for score, count in counts.items()) / (n - 1)


def share_change_test(before: tuple[int, int], after: tuple[int, int]) -> TestResult:
    """(successes, n) of two waves: exact permutation below EXACT_BELOW, else Agresti-Caffo."""
    (s1, n1), (s2, n2) = before, after
    if min(n1, n2) < EXACT_BELOW:
        return TestResult(permutation_p_value({1: s1, 0: n1 - s1}, {1: s2, 0: n2 - s2}), "permutation")
    p1, p2 = (s1 + 1) / (n1 + 2), (s2 + 1) / (n2 + 2)
    spread = math.sqrt(p1 * (1 - p1) / (n1 + 2) + p2 * (1 - p2) / (n2 + 2))
    return TestResult(_two_sided_normal((p2 - p1) / spread), "agresti-caffo")


def _two_sided_normal(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))  # 2 * P(Z > |z|)


# --- one wave's family of figures ---------------------------------------------------------


def holm_rejections(p_values: Sequence[float], alpha: float = ALPHA) -> list[bool]:
    """Holm's step-down: which hypotheses are rejected with family-wise error at most alpha."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    rejected = [False] * len(p_values)
    for rank, index in enumerate(order):
        if p_values[index] >= alpha / (len(p_values) - rank):
            break
        rejected[index] = True
    return rejected


def beyond_noise(delta: float, significant: bool, figure_type: str) -> bool:
    """A change worth reporting: significant (after Holm) and at least the minimum meaningful change."""
    return significant and abs(delta) >= MINIMUM_CHANGE[figure_type] - 1e-9
