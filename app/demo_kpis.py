"""The demo's customer and business KPIs: a CSV in the same long format `xgov kpi import` reads.

Simulated, seeded readings from twelve weeks before the demo to its end: weekly customer NPS
(300 answers a week), weekly complaints in the four customer-facing units (rising in the
first one in the second half), monthly churn and staff turnover.
"""
from __future__ import annotations

import math
import random
from datetime import date, timedelta

HISTORY_WEEKS = 12
NPS_ANSWERS = 300


def _poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _nps(rng: random.Random, promoters: float, detractors: float) -> float:
    draws = [rng.random() for _ in range(NPS_ANSWERS)]
    score = sum(1 for d in draws if d < promoters) - sum(1 for d in draws if d >= 1 - detractors)
    return round(score / NPS_ANSWERS * 100, 1)


def demo_kpi_csv(start: date, weeks: int, units: tuple[str, ...], seed: int) -> str:
    rng = random.Random(seed * 7919 + 1)
    rows = ["date,kpi,value,unit,n"]
    total = HISTORY_WEEKS + weeks
    for index in range(total):
        day = start + timedelta(weeks=index - HISTORY_WEEKS)
        progress = index / max(total - 1, 1)
        rows.append(f"{day},nps,{_nps(rng, 0.38 + 0.08 * progress, 0.22 - 0.04 * progress)},,{NPS_ANSWERS}")
        for position, unit in enumerate(units[:4]):
            rising = position == 0 and index >= total - 4
            rows.append(f"{day},complaints,{_poisson(rng, 14 if rising else 6)},{unit},")
        if day.day <= 7:  # the first week of a month
            rows.append(f"{day},churn,{2.1 + rng.uniform(-0.2, 0.2):.2f},,")
            rows.append(f"{day},staff_turnover,{1.1 + 0.5 * progress + rng.uniform(-0.1, 0.1):.2f},,")
    return "\n".join(rows) + "\n"
