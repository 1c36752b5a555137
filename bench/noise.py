"""How often each statistical rule of xgov cries wolf, and how often it sees a real change.

    python -m bench.noise            # the full table (about 15 seconds)
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
- interval coverage: exact, by enumerating every possible sample with its multinomial
  probability, for each team shape in TEAM_DISTRIBUTIONS: at n = 5, the lowest over
  n = 5..30 (5..10 with --quick) and the expected width of the interval.

Nothing here touches a database; the rules are the bot's own functions. Samples are drawn
with numpy in one batch per cell and each rule runs once per distinct pair of waves.
"""
from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable

import numpy as np
from scipy.special import gammaln

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


def per_distinct_pair(before: np.ndarray, after: np.ndarray, test: Callable[[tuple, tuple], float]) -> np.ndarray:
    """test(before, after) for each pair of rows of counts, computed once per distinct pair."""
    pairs = np.hstack([before.reshape(len(before), -1), after.reshape(len(after), -1)])
    distinct, index = np.unique(pairs, axis=0, return_inverse=True)
    half = pairs.shape[1] // 2
    p_values = np.array([test(tuple(int(c) for c in row[:half]), tuple(int(c) for c in row[half:]))
                         for row in distinct])
    return p_values[index.reshape(-1)]


def nps_p(before: tuple, after: tuple) -> float:
    return nps_change_test(before, after).p_value


def mean_p(before: tuple, after: tuple) -> float:
    return mean_change_test(dict(zip(range(1, 6), before)), dict(zip(range(1, 6), after))).p_value


def share_p(n: int) -> Callable[[tuple, tuple], float]:
    return lambda before, after: share_change_test((before[0], n), (after[0], n)).p_value


def change_rows(rng: np.random.Generator, sims: int) -> list[tuple]:
    rows = []
    for n in SIZES:
        rules = (("eNPS/NPS change", NPS_NULL, NPS_SHIFTED, nps_p, "+45 points"),
                 ("mean change (1-5)", LIKERT_NULL, LIKERT_SHIFTED, mean_p, "+0.56"),
                 ("share change (top-2-box)", (0.5, 0.5), (0.75, 0.25), share_p(n), "50% -> 75%"))
        for rule, null, shifted, test, shift in rules:
            rates = []
            for after in (null, shifted):
                before_counts, after_counts = rng.multinomial(n, null, sims), rng.multinomial(n, after, sims)
                rates.append(float(np.mean(per_distinct_pair(before_counts, after_counts, test) < ALPHA)))
            rows.append((rule, n, rates[0], rates[1], shift))
    return rows


def family_rows(rng: np.random.Generator, sims: int) -> list[tuple]:
    rows = []
    items = FIGURES_PER_WAVE - 1
    for n in SIZES:
        nps = per_distinct_pair(rng.multinomial(n, NPS_NULL, sims), rng.multinomial(n, NPS_NULL, sims), nps_p)
        means = per_distinct_pair(rng.multinomial(n, LIKERT_NULL, sims * items),
                                rng.multinomial(n, LIKERT_NULL, sims * items), mean_p).reshape(sims, items)
        flagged = sum(any(holm_rejections([nps[wave], *means[wave]])) for wave in range(sims))
        rows.append(("family-wise per wave (6 figures, Holm)", n, flagged / sims, None, ""))
    return rows


def count_rows(rng: np.random.Generator, sims: int) -> list[tuple]:
    """KPI counts over equal spans (complaints per month): the mid-p conditional binomial test."""
    rows = []

    def flagged(prior: tuple, current: tuple) -> float:
        return float(count_change(prior[0], current[0]).significant)

    for mean_count in (5, 20, 100):
        rates = []
        for factor in (1, 2):
            prior, current = rng.poisson(mean_count, sims), rng.poisson(mean_count * factor, sims)
            rates.append(float(np.mean(per_distinct_pair(prior, current, flagged))))
        rows.append(("KPI count, equal spans", mean_count, rates[0], rates[1], "doubling"))
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


def coverage_rows(largest_n: int) -> list[tuple]:
    """Exact coverage: every sample of n = 5..largest_n enumerated with its multinomial probability, per team shape.

    One row per figure and team shape: the coverage at n = 5, and over n = 5..largest_n the
    lowest coverage (with its n) and the expected interval width at n = 5 and n = largest_n.
    """
    sizes = range(5, largest_n + 1)
    figures = (("NPS", "nps", _nps_intervals, lambda q: (q[0] - q[2]) * 100),
               ("mean", "likert", _mean_intervals,
                lambda q: sum(score * p for score, p in zip(range(1, 6), q))),
               ("share", "share", _share_intervals, lambda q: q[0] * 100))
    rows = []
    for label, key, intervals, truth in figures:
        shapes = [(p, 1 - p) for p in TEAM_DISTRIBUTIONS["share"]] if key == "share" else TEAM_DISTRIBUTIONS[key]
        name = _shape_name if key != "share" else (lambda shape: f"{shape[0] * 100:g}%")
        per_n = {n: intervals(n) for n in sizes}  # (compositions, low, high)
        for shape in shapes:
            coverages, widths = [], []
            for n in sizes:
                counts, low, high = per_n[n]
                weights = _multinomial_pmf(counts, n, shape)
                true_value = truth(shape)
                coverages.append(float(weights[(low - 1e-9 <= true_value) & (true_value <= high + 1e-9)].sum()))
                widths.append(float((weights * (high - low)).sum()))
            worst = int(np.argmin(coverages))
            rows.append((f"coverage (exact): {label} {name(shape)}", 5, coverages[0], None,
                         f"n 5-{largest_n}: min {coverages[worst] * 100:.1f}% (n={sizes[worst]}); "
                         f"width {widths[0]:.2f} at 5, {widths[-1]:.2f} at {largest_n}"))
    return rows


def _shape_name(shape) -> str:
    return "/".join(f"{p * 100:g}" for p in shape)


def _compositions(n: int, parts: int) -> np.ndarray:
    rows = []
    for cuts in itertools.combinations(range(n + parts - 1), parts - 1):
        bounds = (-1, *cuts, n + parts - 1)
        rows.append([bounds[i + 1] - bounds[i] - 1 for i in range(parts)])
    return np.array(rows)


def _multinomial_pmf(counts: np.ndarray, n: int, probabilities) -> np.ndarray:
    probabilities = np.asarray(probabilities, dtype=float)
    log_p = np.log(np.where(probabilities > 0, probabilities, 1.0))
    impossible = (counts > 0) & (probabilities == 0)[None, :]
    terms = np.where(impossible, -np.inf, counts * log_p)
    log_weights = gammaln(n + 1) - gammaln(counts + 1).sum(axis=1) + terms.sum(axis=1)
    return np.exp(log_weights)


def _nps_intervals(n: int):
    counts = _compositions(n, 3)
    bounds = np.array([nps_interval(int(p), int(d), n) for p, _passive, d in counts])
    return counts, bounds[:, 0], bounds[:, 1]


def _mean_intervals(n: int):
    counts = _compositions(n, 5)
    scores = np.arange(1, 6)
    means = counts @ scores / n
    sds = np.sqrt((counts * (scores[None, :] - means[:, None]) ** 2).sum(axis=1) / (n - 1))
    bounds = np.array([mean_interval(float(m), float(sd), n, 1.0, 5.0) for m, sd in zip(means, sds)])
    return counts, bounds[:, 0], bounds[:, 1]


def _share_intervals(n: int):
    counts = _compositions(n, 2)
    bounds = np.array([share_interval(int(k), n) for k, _rest in counts])
    return counts, bounds[:, 0], bounds[:, 1]


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
    sims, family_sims, years, largest_n = (200, 40, 8, 10) if args.quick else (20000, 4000, 400, 30)
    rng = np.random.default_rng(SEED)
    started = time.monotonic()
    rows = (change_rows(rng, sims) + family_rows(rng, family_sims) + count_rows(rng, sims)
            + amount_rows(rng, sims // 4) + signal_rows(rng, years) + coverage_rows(largest_n))
    print(table(rows))
    print(f"\n{'quick' if args.quick else 'full'} run: {sims} simulations per cell, {family_sims} waves, "
          f"{years} simulated years per rate; coverage exact at n = 5..{largest_n}; "
          f"{time.monotonic() - started:.0f} s; seed {SEED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
