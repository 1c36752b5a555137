"""Weekly signals as a Poisson CUSUM control chart with a stated in-control average run length.

Lucas (1985), "Counted data CUSUM's", Technometrics 27(2); run lengths by the Markov chain of
Brook & Evans (1972), Biometrika 59(3).

For a weekly count (reports tracing to one policy, workaround reports in an area, complaints):
- the in-control rate mu0 is the mean weekly count of the BASELINE_WEEKS before the chart's
  window, with half a count added to the total so that a quiet history is not a rate of zero;
- the chart looks for a doubling of the rate: reference value k = (mu1 - mu0) / ln(mu1 / mu0)
  with mu1 = 2 mu0, S_t = max(0, S_{t-1} + x_t - k), an alarm when S_t >= h, after which S
  restarts at 0;
- h is the smallest value (on a grid of 1/GRID) whose in-control average run length is at
  least TARGET_ARL_WEEKS. The chart runs over the CHART_WEEKS up to the digest's week, and
  the signal is raised when the chart alarms in the digest's own week.

TARGET_ARL_WEEKS = 260 (one false alarm per five years of weekly digests when mu0 is known) is
set above the goal of 104 weeks (at most 0.5 false alarms per signal per year) because mu0
is estimated; bench/noise.py measures the false alarms per year with the estimate.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

TARGET_ARL_WEEKS = 260
BASELINE_WEEKS = 26
CHART_WEEKS = 13
HISTORY_WEEKS = BASELINE_WEEKS + CHART_WEEKS
MAX_STATES = 400


@dataclass(frozen=True)
class CusumDesign:
    mu0: float  # in-control weekly rate
    k: float  # reference value
    h: float  # decision limit
    arl0: float  # in-control average run length, in weeks


def baseline_rate(total: int, weeks: int) -> float:
    return (total + 0.5) / weeks


@lru_cache(maxsize=4096)
def design(mu0: float, target_arl: float = TARGET_ARL_WEEKS) -> CusumDesign:
    """The Poisson CUSUM for a doubling of mu0 whose in-control ARL is at least `target_arl` weeks."""
    grid = _grid(mu0)
    k_units = max(1, round(mu0 / math.log(2) * grid))  # k = (2mu0 - mu0) / ln 2, in grid units
    low, high = 1, 1
    while _arl(mu0, grid, k_units, high) < target_arl:
        low, high = high, high * 2
    while low < high:  # the smallest limit that reaches the target
        middle = (low + high) // 2
        if _arl(mu0, grid, k_units, middle) >= target_arl:
            high = middle
        else:
            low = middle + 1
    return CusumDesign(mu0, k_units / grid, high / grid, _arl(mu0, grid, k_units, high))


def _grid(mu0: float) -> int:
    """Steps per count: fine for small rates, coarse for large ones so that the chain stays small."""
    return max(1, min(8, round(8 / math.sqrt(max(mu0, 1.0)))))


def _arl(mu0: float, grid: int, k_units: int, h_units: int) -> float:
    """Average run length from S = 0, by the Markov chain on S in units of 1/grid (Brook & Evans)."""
    if h_units > MAX_STATES * grid:
        return math.inf
    states = np.arange(h_units)
    counts = np.arange(int((h_units + k_units) / grid) + 2)
    from scipy import stats  # imported when first needed: a process that computes no figure starts faster

    probabilities = stats.poisson.pmf(counts, mu0)
    moves = np.zeros((h_units, h_units))
    for count, probability in zip(counts, probabilities):
        after = np.maximum(0, states + count * grid - k_units)
        inside = after < h_units
        moves[states[inside], after[inside]] += probability
    run_lengths = np.linalg.solve(np.eye(h_units) - moves, np.ones(h_units))
    return float(run_lengths[0])


def alarms(counts: Sequence[int], chart: CusumDesign) -> list[bool]:
    """For each week, whether the chart alarms (S >= h), restarting at 0 after each alarm."""
    level, result = 0.0, []
    for count in counts:
        level = max(0.0, level + count - chart.k)
        alarm = level >= chart.h - 1e-9
        result.append(alarm)
        if alarm:
            level = 0.0
    return result


def weekly_signal(counts: Sequence[int]) -> bool:
    """True when the chart alarms in the last week; `counts` are weekly counts, oldest first.

    Needs HISTORY_WEEKS of counts (fewer: no signal): the first BASELINE_WEEKS of the last
    HISTORY_WEEKS give mu0, the last CHART_WEEKS are charted.
    """
    if len(counts) < HISTORY_WEEKS:
        return False
    recent = list(counts[-HISTORY_WEEKS:])
    chart = design(baseline_rate(sum(recent[:BASELINE_WEEKS]), BASELINE_WEEKS))
    return alarms(recent[BASELINE_WEEKS:], chart)[-1]
