"""How often each statistical rule of xgov cries wolf, and how often it sees a real change.

    python -m bench.noise            # the full table (about two minutes on one core)
    python -m bench.noise --quick    # the same table from fewer simulations (seconds)

One table, one row per rule and n:
- false alarms: the share of comparisons flagged when nothing changed (simulated; "exact"
  where computed by enumeration);
- power: the share flagged when the shift named in the row happened;
- the family-wise rate per wave: at least one of a pulse's six figures (eNPS and five 1-5
  items) flagged after Holm's correction, when nothing changed;
- KPI counts over equal spans and amounts against their history (revenue +- 2%);
- weekly signals: false alarms per signal per year of weekly digests (52 digests read on a
  steady Poisson rate), and power as the share of doublings flagged within four weeks;
- interval coverage at n = 5: exact, by enumerating every possible sample, for the worst of
  the team distributions listed in TEAM_DISTRIBUTIONS.

Nothing here touches a database; the rules are the bot's own functions.
"""
from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from collections.abc import Callable

import numpy as np
from scipy import stats

from bot.digest.control_chart import HISTORY_WEEKS, weekly_signal
from bot.digest.noise import count_change, kpi_change
from surveys.inference import (
    ALPHA,
    holm_rejections,
    mean_change_test,
    mean_interval,
    nps_change_test,
    nps_interval,
    share_change_test,
    share_interval,
)

SIZES = (5, 8, 20, 100)
SEED = 20261204
NPS_NULL = (0.35, 0.40, 0.25)  # promoters, passives, detractors of a typical team (eNPS +10)
NPS_SHIFTED = (0.60, 0.25, 0.15)  # eNPS +45
LIKERT_NULL = (0.05, 0.15, 0.30, 0.35, 0.15)  # mean 3.40, top-2-box 50%
LIKERT_SHIFTED = (0.02, 0.05, 0.18, 0.45, 0.30)  # mean 3.96, top-2-box 75%
TEAM_DISTRIBUTIONS = {  # for coverage: typical, polarised and near the ceiling
    "nps": [(0.35, 0.40, 0.25), (0.45, 0.10, 0.45), (0.80, 0.15, 0.05)],
    "likert": [(0.05, 0.15, 0.30, 0.35, 0.15), (0.30, 0.10, 0.10, 0.20, 0.30), (0.0, 0.0, 0.1, 0.4, 0.5)],
    "share": [0.5, 0.7, 0.9],
}
WEEKLY_RATES = (0.25, 1.0, 4.0, 20.0)
FIGURES_PER_WAVE = 6


def likert_counts(rng: np.random.Generator, n: int, probabilities) -> dict[int, int]:
    return {score: int(c) for score, c in zip(range(1, 6), rng.multinomial(n, probabilities))}


def flag_rate(rng: np.random.Generator, sims: int, test: Callable[[], float]) -> float:
    return sum(test() < ALPHA for _ in range(sims)) / sims


def change_rows(rng: np.random.Generator, sims: int) -> list[tuple]:
    rows = []
    for n in SIZES:
        def nps(shifted: bool) -> float:
            after = NPS_SHIFTED if shifted else NPS_NULL
            return nps_change_test(tuple(rng.multinomial(n, NPS_NULL)), tuple(rng.multinomial(n, after))).p_value

        def mean(shifted: bool) -> float:
            after = LIKERT_SHIFTED if shifted else LIKERT_NULL
            return mean_change_test(likert_counts(rng, n, LIKERT_NULL), likert_counts(rng, n, after)).p_value

        def share(shifted: bool) -> float:
            before, after = rng.binomial(n, 0.5), rng.binomial(n, 0.75 if shifted else 0.5)
            return share_change_test((int(before), n), (int(after), n)).p_value

        for rule, test, shift in (("eNPS/NPS change", nps, "+45 points"), ("mean change (1-5)", mean, "+0.56"),
                                  ("share change (top-2-box)", share, "50% -> 75%")):
            rows.append((rule, n, flag_rate(rng, sims, lambda: test(False)), flag_rate(rng, sims, lambda: test(True)),
                         shift))
    return rows


def family_rows(rng: np.random.Generator, sims: int) -> list[tuple]:
    rows = []
    for n in SIZES:
        flagged = 0
        for _ in range(sims):
            p_values = [nps_change_test(tuple(rng.multinomial(n, NPS_NULL)), tuple(rng.multinomial(n, NPS_NULL))).p_value]
            p_values += [mean_change_test(likert_counts(rng, n, LIKERT_NULL), likert_counts(rng, n, LIKERT_NULL)).p_value
                         for _item in range(FIGURES_PER_WAVE - 1)]
            flagged += any(holm_rejections(p_values))
        rows.append(("family-wise per wave (6 figures, Holm)", n, flagged / sims, None, ""))
    return rows


def count_rows(rng: np.random.Generator, sims: int) -> list[tuple]:
    """KPI counts over equal spans (complaints per month): the exact conditional binomial test."""
    rows = []
    for mean_count in (5, 20, 100):
        alarms = sum(count_change(int(rng.poisson(mean_count)), int(rng.poisson(mean_count))).significant
                     for _ in range(sims))
        power = sum(count_change(int(rng.poisson(mean_count)), int(rng.poisson(mean_count * 2))).significant
                    for _ in range(sims))
        rows.append(("KPI count, equal spans", mean_count, alarms / sims, power / sims, "doubling"))
    return rows


def amount_rows(rng: np.random.Generator, sims: int) -> list[tuple]:
    """An amount (revenue 1,000,000 +- 2% a month, no trend): the latest reading against its history."""
    rows = []
    for earlier in (8, 24):
        def flagged(shift: float) -> bool:
            levels = rng.normal(1_000_000, 20_000, earlier + 2)
            levels[-1] += shift
            change, _note = kpi_change([(float(v), None) for v in levels], "revenue", ["amount"] * len(levels),
                                       ["month"] * len(levels))
            return change.significant
        alarms = sum(flagged(0.0) for _ in range(sims)) / sims
        power = sum(flagged(100_000.0) for _ in range(sims)) / sims
        rows.append(("KPI amount, earlier changes", earlier, alarms, power, "+10% (5 sd)"))
    return rows


def signal_rows(rng: np.random.Generator, years: int) -> list[tuple]:
    """Weekly charts read as the digest does: 52 digests a year on a steady rate; then a doubling."""
    rows = []
    for rate in WEEKLY_RATES:
        false_alarms = 0
        for _ in range(years):
            counts = rng.poisson(rate, HISTORY_WEEKS + 52)
            false_alarms += sum(weekly_signal(counts[: week + 1]) for week in range(HISTORY_WEEKS - 1, len(counts)))
        detected = 0
        for _ in range(years):
            counts = np.concatenate([rng.poisson(rate, HISTORY_WEEKS), rng.poisson(2 * rate, 4)])
            detected += any(weekly_signal(counts[: HISTORY_WEEKS + week + 1]) for week in range(4))
        rows.append(("weekly signal (Poisson CUSUM), per year", rate, false_alarms / years, detected / years,
                     "doubling, within 4 weeks"))
    return rows


def coverage_rows() -> list[tuple]:
    """Exact coverage at n = 5: every sample enumerated with its multinomial probability; the worst case shown."""
    n = 5
    nps_cover = min(_coverage(n, probabilities, _nps_hit) for probabilities in TEAM_DISTRIBUTIONS["nps"])
    mean_cover = min(_coverage(n, probabilities, _mean_hit) for probabilities in TEAM_DISTRIBUTIONS["likert"])
    share_cover = min(sum(stats.binom.pmf(k, n, p) for k in range(n + 1)
                          if share_interval(k, n)[0] <= p * 100 <= share_interval(k, n)[1])
                      for p in TEAM_DISTRIBUTIONS["share"])
    return [("coverage: NPS adjusted Wald (exact, worst team)", n, nps_cover, None, "95% nominal"),
            ("coverage: mean, Student t (exact, worst team)", n, mean_cover, None, "95% nominal"),
            ("coverage: share, Wilson (exact, worst team)", n, share_cover, None, "95% nominal")]


def _coverage(n: int, probabilities, hit) -> float:
    total = 0.0
    for counts in _compositions(n, len(probabilities)):
        weight = stats.multinomial.pmf(counts, n, probabilities)
        if weight > 0 and hit(counts, probabilities, n):
            total += weight
    return total


def _compositions(n: int, parts: int):
    for cuts in itertools.combinations(range(n + parts - 1), parts - 1):
        bounds = (-1, *cuts, n + parts - 1)
        yield tuple(bounds[i + 1] - bounds[i] - 1 for i in range(parts))


def _nps_hit(counts, probabilities, n) -> bool:
    promoters, _passives, detractors = counts
    low, high = nps_interval(promoters, detractors, n)
    return low <= (probabilities[0] - probabilities[2]) * 100 <= high


def _mean_hit(counts, probabilities, n) -> bool:
    values = [score for score, count in zip(range(1, 6), counts) for _ in range(count)]
    interval = mean_interval(float(np.mean(values)), float(np.std(values, ddof=1)), n, 1.0, 5.0)
    true_mean = sum(score * p for score, p in zip(range(1, 6), probabilities))
    return interval[0] - 1e-12 <= true_mean <= interval[1] + 1e-12


def table(rows: list[tuple]) -> str:
    header = f"{'rule':<50} {'n':>6} {'false alarms':>13} {'power':>7}  shift"
    lines = [header, "-" * len(header)]
    for rule, n, false_alarms, power, shift in rows:
        fa = f"{false_alarms:.3f}" if "per year" in rule else f"{false_alarms * 100:.1f}%"
        if rule.startswith("coverage"):
            fa = f"{false_alarms * 100:.1f}% cov"
        pw = "-" if power is None else f"{power * 100:.1f}%"
        lines.append(f"{rule:<50} {n:>6g} {fa:>13} {pw:>7}  {shift}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer simulations: the table's shape in seconds")
    args = parser.parse_args(argv)
    sims, family_sims, years = (200, 40, 8) if args.quick else (20000, 4000, 400)
    rng = np.random.default_rng(SEED)
    started = time.monotonic()
    rows = (change_rows(rng, sims) + family_rows(rng, family_sims) + count_rows(rng, sims)
            + amount_rows(rng, sims // 4) + signal_rows(rng, years) + coverage_rows())
    print(table(rows))
    print(f"\n{'quick' if args.quick else 'full'} run: {sims} simulations per cell, {family_sims} waves, "
          f"{years} simulated years per rate; {time.monotonic() - started:.0f} s; seed {SEED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
