"""When a KPI's change counts as real rather than noise, by the kind declared at import (docs/digest.md).

Survey figures (eNPS, 1-5 items) use surveys.inference. A KPI reading is compared with the one
before it, by its kind:

- count (complaints, reports): the two readings must cover equal declared spans; the
  conditional binomial test (Przyborowski & Wilenski 1940): current | total ~ Binomial(total,
  1/2), with Lancaster's (1961) mid-p (the observed count weighs half), two-sided by doubling
  the smaller tail, real when p < 0.05. The exact p (observed count weighs fully) flagged only
  2.2% of unchanged counts at a mean of 5; the mid-p flags 4.1% (4.8% at 20, 5.0% at 100).
- rate (events per 100 of n, e.g. staff turnover per 100 employees): equal declared spans;
  events = value * n / 100; the same mid-p conditional test of two Poisson rates with
  exposures n: current | total ~ Binomial(total, n_cur / (n_prev + n_cur)), p < 0.05.
- share (percent of n): the share test of surveys.inference (exact permutation below 30, else
  Agresti-Caffo); spans need not match.
- score (on -100..100 with n, e.g. NPS): the conservative standard error sqrt((1 - s^2) / n)
  (s as a share; the largest a net score can have), z = delta / sqrt(SE_prev^2 + SE_cur^2),
  real when |z| > 1.96.
- amount (revenue, costs: no sampling model): real when the change lies outside the 95%
  prediction interval of the earlier reading-to-reading changes, mean +- t(0.975, m-1) * s *
  sqrt(1 + 1/m), with at least MIN_HISTORY earlier changes, all over the same declared span.

A KPI without a declared kind gets no test (except `nps`, read as a score); the figure says
why its change is left out (LEFT_OUT_* notes).
"""
from __future__ import annotations

import math
from collections.abc import Sequence


from bot.digest.model import Change
from bot.errors import N_
from surveys.inference import ALPHA, Z_95, share_change_test, t_975

MIN_HISTORY = 8
LEFT_OUT_KIND = N_("left out: the KPI's kind was not declared at import")
LEFT_OUT_SPANS = N_("left out: the two readings do not cover the same declared span")
LEFT_OUT_N = N_("left out: n is missing")
LEFT_OUT_HISTORY = N_("left out: fewer than 8 earlier changes over the same span")

KpiChange = tuple[Change | None, str | None]


def count_change(prior: int, current: int) -> Change:
    """Two counts over equal spans: the conditional binomial test, two-sided mid-p."""
    total = prior + current
    if total == 0:
        return Change(0.0, False)
    return Change(float(current - prior), conditional_mid_p(current, total, 0.5) < ALPHA)


def rate_change(previous: tuple[float, int], latest: tuple[float, int]) -> Change:
    """Events per 100 of n over equal spans: the mid-p conditional test of two Poisson rates."""
    (v1, n1), (v2, n2) = previous, latest
    e1, e2 = round(v1 * n1 / 100), round(v2 * n2 / 100)
    if e1 + e2 == 0:
        return Change(v2 - v1, False)
    return Change(v2 - v1, conditional_mid_p(e2, e1 + e2, n2 / (n1 + n2)) < ALPHA)


def conditional_mid_p(events: int, total: int, share: float) -> float:
    """Two-sided mid-p (Lancaster 1961) of `events` of `total` ~ Binomial(total, share): twice the smaller tail."""
    from scipy import stats  # imported when first needed: a process that computes no figure starts faster

    half_observed = 0.5 * stats.binom.pmf(events, total, share)
    below = stats.binom.cdf(events - 1, total, share) + half_observed
    above = stats.binom.sf(events, total, share) + half_observed
    return float(min(1.0, 2 * min(below, above)))


def score_change(previous: tuple[float, int], latest: tuple[float, int]) -> Change:
    (v1, n1), (v2, n2) = previous, latest
    spread = math.hypot(_score_bound(v1, n1), _score_bound(v2, n2))
    delta = v2 - v1
    return Change(delta, abs(delta) / spread > Z_95 if spread else delta != 0)


def _score_bound(score: float, n: int) -> float:
    share = score / 100
    return math.sqrt(max(0.0, 1 - share * share) / n) * 100


def amount_change(values: Sequence[float]) -> Change | None:
    """The latest step against the 95% prediction interval of the earlier steps; None with too little history."""
    steps = [b - a for a, b in zip(values, values[1:])]
    earlier, delta = steps[:-1], steps[-1]
    if len(earlier) < MIN_HISTORY:
        return None
    mean_step = sum(earlier) / len(earlier)
    spread = math.sqrt(sum((s - mean_step) ** 2 for s in earlier) / (len(earlier) - 1))
    margin = t_975(len(earlier) - 1) * spread * math.sqrt(1 + 1 / len(earlier))
    return Change(delta, abs(delta - mean_step) > margin if spread else delta != mean_step)


def kpi_change(history: Sequence[tuple[float, int | None]], kpi: str, kinds: Sequence[str | None] = (),
               spans: Sequence[str | None] = ()) -> KpiChange:
    """Latest reading against the one before, by its kind; `history` is (value, n) oldest first.

    Returns the change (None when none is computed) and, when it is left out, the reason.
    """
    if len(history) < 2:
        return None, None
    kind = (kinds[-1] if kinds else None) or ("score" if kpi == "nps" else None)
    spans = list(spans) or [None] * len(history)
    (previous, previous_n), (latest, latest_n) = history[-2], history[-1]
    if kind is None:
        return None, LEFT_OUT_KIND
    if kind in ("count", "rate", "amount") and (spans[-1] is None or spans[-1] != spans[-2]):
        return None, LEFT_OUT_SPANS
    if kind == "count":
        return count_change(round(previous), round(latest)), None
    if kind == "amount":
        same_span = [value for (value, _n), span in zip(history, spans) if span == spans[-1]]
        change = amount_change(same_span) if all(s == spans[-1] for s in spans[-len(same_span):]) else None
        return (change, None) if change else (None, LEFT_OUT_HISTORY)
    if not previous_n or not latest_n:
        return None, LEFT_OUT_N
    if kind == "rate":
        return rate_change((previous, previous_n), (latest, latest_n)), None
    if kind == "share":
        test = share_change_test((round(previous * previous_n / 100), previous_n),
                                 (round(latest * latest_n / 100), latest_n))
        return Change(latest - previous, test.p_value < ALPHA), None
    return score_change((previous, previous_n), (latest, latest_n)), None
