"""When a change counts as real rather than noise (the rules are written out in docs/digest.md).

- Survey scores (eNPS, 1-5 items): z = delta / sqrt(SE_prev^2 + SE_cur^2), real when |z| > 1.96.
- Counts (reports, complaints): two counts over equal spans are compared with the exact
  conditional binomial test; a rise is real when P(X >= current | total, 1/2) < 0.05.
- A KPI reading with its n on the -100..100 NPS scale: the conservative standard error
  sqrt((1 - s^2) / n) (s as a share), then the z rule above.
- Any other KPI: real when |delta| exceeds 1.96 times the standard deviation of its earlier
  reading-to-reading changes, with at least four earlier changes; otherwise not real.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from bot.digest.model import Change

Z_95 = 1.96
ALPHA = 0.05
MIN_HISTORY = 4


def z_change(delta: float, previous_se: float | None, current_se: float | None) -> Change:
    if previous_se is None or current_se is None:
        return Change(delta, False)
    spread = math.hypot(previous_se, current_se)
    if spread == 0:
        return Change(delta, delta != 0)
    return Change(delta, abs(delta) / spread > Z_95)


def nps_standard_error(promoters: int, detractors: int, n: int) -> float | None:
    if n == 0:
        return None
    p, d = promoters / n, detractors / n
    return math.sqrt(max(0.0, p + d - (p - d) ** 2) / n) * 100


def mean_standard_error(n: int, total: float, squares: float) -> float | None:
    if n < 2:
        return None
    variance = max(0.0, (squares - total * total / n) / (n - 1))
    return math.sqrt(variance / n)


def rise_p_value(prior: int, current: int) -> float:
    """One-sided P(X >= current) for X ~ Binomial(prior + current, 1/2)."""
    total = prior + current
    if total == 0 or current == 0:
        return 1.0
    if total > 1000:  # normal approximation with continuity correction
        z = (current - 0.5 - total / 2) / math.sqrt(total / 4)
        return 0.5 * math.erfc(z / math.sqrt(2))
    tail = sum(math.comb(total, i) for i in range(current, total + 1))
    return tail / 2**total


def count_rises(prior: int, current: int) -> bool:
    return current > prior and rise_p_value(prior, current) < ALPHA


def count_change(prior: int, current: int) -> Change:
    """A change between two counts over equal spans, real in either direction at 5% one-sided."""
    significant = count_rises(prior, current) or count_rises(current, prior)
    return Change(float(current - prior), significant)


def kpi_change(history: Sequence[tuple[float, int | None]], kpi: str) -> Change | None:
    """Latest reading against the one before; `history` is (value, n) oldest first."""
    if len(history) < 2:
        return None
    (previous, previous_n), (latest, latest_n) = history[-2], history[-1]
    delta = latest - previous
    if kpi == "nps" and previous_n and latest_n and all(-100 <= v <= 100 for v in (previous, latest)):
        return z_change(delta, _nps_bound(previous, previous_n), _nps_bound(latest, latest_n))
    if all(v >= 0 and float(v).is_integer() for v, _n in history[-2:]):
        return count_change(int(previous), int(latest))
    steps = [b - a for (a, _), (b, _) in zip(history[:-2], history[1:-1])]
    if len(steps) < MIN_HISTORY:
        return Change(delta, False)
    mean_step = sum(steps) / len(steps)
    spread = math.sqrt(sum((s - mean_step) ** 2 for s in steps) / (len(steps) - 1))
    return Change(delta, abs(delta) > Z_95 * spread if spread else delta != 0)


def _nps_bound(score: float, n: int) -> float:
    share = score / 100
    return math.sqrt(max(0.0, 1 - share * share) / n) * 100
