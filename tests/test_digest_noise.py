"""The rules that decide whether a KPI's change is real or noise, by its declared kind (docs/digest.md)."""
from __future__ import annotations

import pytest

from bot.digest.noise import (
    LEFT_OUT_HISTORY,
    LEFT_OUT_KIND,
    LEFT_OUT_N,
    LEFT_OUT_SPANS,
    conditional_mid_p,
    count_change,
    kpi_change,
    rate_change,
)


def test_conditional_binomial_mid_p_for_counts_two_sided():
    # Lancaster's mid-p: 1 vs 9: P(X > 9 | 10, 1/2) + P(X = 9) / 2 = (1 + 5) / 1024; two-sided 12/1024 = 0.0117
    assert conditional_mid_p(9, 10, 0.5) == pytest.approx(12 / 1024)
    assert count_change(1, 9).significant and count_change(9, 1).direction == -1
    # 2 vs 8: (11 + 45/2) / 1024 one-sided, two-sided 67/1024 = 0.0654: noise
    assert conditional_mid_p(8, 10, 0.5) == pytest.approx(67 / 1024)
    assert not count_change(2, 8).significant
    # 2 vs 9: (12 + 55/2) / 2048 one-sided, two-sided 79/2048 = 0.0386: real (the exact p, 0.065, said noise)
    assert conditional_mid_p(9, 11, 0.5) == pytest.approx(79 / 2048)
    assert count_change(2, 9).significant
    # 3 vs 9: (79 + 220/2) / 4096 one-sided, two-sided 378/4096 = 0.0923: noise
    assert conditional_mid_p(9, 12, 0.5) == pytest.approx(378 / 4096)
    assert not count_change(3, 9).significant
    assert not count_change(0, 0).significant


def test_rate_compares_events_per_exposure():
    # 10 of 1000 vs 25 of 1000 (1.0 and 2.5 per 100): 25 | 35 ~ Bin(35, 1/2), two-sided mid-p = 0.0113
    assert rate_change((1.0, 1000), (2.5, 1000)).significant
    # 0 of 2000 then 3 of 1000: 3 | 3 ~ Bin(3, 1/3); mid-p one-sided P(X = 3) / 2 = 1/54, two-sided 1/27 = 0.037
    assert conditional_mid_p(3, 3, 1 / 3) == pytest.approx(1 / 27)
    assert rate_change((0.0, 2000), (0.3, 1000)).significant
    # same events over twice the exposure is the same rate: 10 | 30 with p = 1/3 is no change at all
    assert not rate_change((1.0, 2000), (1.0, 1000)).significant


def test_score_with_n_uses_the_conservative_bound():
    # s = 0.3, n = 400: SE = sqrt(0.91 / 400) * 100 = 4.77 points each; |z| = 10 / 6.75 = 1.48
    assert not kpi_change([(30.0, 400), (40.0, 400)], "nps")[0].significant
    assert kpi_change([(30.0, 4000), (40.0, 4000)], "csat", ["score", "score"])[0].significant


def test_share_with_n():
    # 15% of 200 vs 25% of 200: Agresti-Caffo, z = 2.47, p = 0.013
    change, note = kpi_change([(15.0, 200), (25.0, 200)], "churn", ["share", "share"])
    assert change.significant and note is None


def test_amount_against_the_prediction_interval_of_its_history():
    steady = [(1_000_000.0 * (1 + 0.02 * ((-1) ** i)), None) for i in range(10)]
    spans = ["month"] * 11
    # the changes alternate +-40,000: mean about 0, s about 42,000; t(0.975, 8) * s * sqrt(1 + 1/9) ~ 102,000
    change, _note = kpi_change(steady + [(1_030_000.0, None)], "revenue", ["amount"] * 11, spans)
    assert not change.significant
    change, _note = kpi_change(steady + [(1_400_000.0, None)], "revenue", ["amount"] * 11, spans)
    assert change.significant
    assert kpi_change(steady[:5], "revenue", ["amount"] * 5, ["month"] * 5) == (None, LEFT_OUT_HISTORY)


def test_a_change_is_left_out_with_its_reason():
    assert kpi_change([(10.0, None), (25.0, None)], "complaints") == (None, LEFT_OUT_KIND)
    assert kpi_change([(10.0, None), (25.0, None)], "complaints", ["count"] * 2, ["month", "week"]) == \
        (None, LEFT_OUT_SPANS)
    assert kpi_change([(10.0, None), (25.0, None)], "complaints", ["count"] * 2, [None, None]) == (None, LEFT_OUT_SPANS)
    assert kpi_change([(10.0, None), (25.0, None)], "churn", ["share"] * 2) == (None, LEFT_OUT_N)
    assert kpi_change([(2.0, None)], "churn") == (None, None)


def test_counts_over_equal_spans_are_tested():
    change, note = kpi_change([(10.0, None), (25.0, None)], "complaints", ["count"] * 2, ["week"] * 2)
    assert change.significant and note is None  # 25 | 35: two-sided mid-p = 0.0113
