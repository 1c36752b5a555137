"""The rules that decide whether a change is real or noise (docs/digest.md)."""
from __future__ import annotations

import math

from bot.digest.noise import count_rises, kpi_change, rise_p_value, z_change


def test_exact_binomial_rise():
    # P(X >= 9 | n = 10, p = 1/2) = 11 / 1024
    assert math.isclose(rise_p_value(1, 9), 11 / 1024)
    assert count_rises(1, 9)
    assert not count_rises(3, 5)  # 5 of 8: p = 0.36
    assert not count_rises(5, 3)  # a fall is not a rise
    assert not count_rises(0, 0)


def test_large_counts_use_the_normal_approximation_consistently():
    assert count_rises(1000, 1150) and not count_rises(1000, 1040)


def test_survey_score_change_needs_z_above_1_96():
    assert not z_change(5.0, 2.0, 2.0).significant  # z = 5 / 2.83 = 1.77
    assert z_change(6.0, 2.0, 2.0).significant  # z = 2.12
    assert z_change(-6.0, 2.0, 2.0).direction == -1
    assert not z_change(6.0, None, 2.0).significant  # one side without a spread: never claimed


def test_nps_kpi_with_n_uses_the_conservative_bound():
    # s = 0.3, n = 400: SE = sqrt(0.91 / 400) * 100 = 4.77 points each; |z| = 10 / 6.75 = 1.48
    assert not kpi_change([(30.0, 400), (40.0, 400)], "nps").significant
    assert kpi_change([(30.0, 4000), (40.0, 4000)], "nps").significant


def test_counts_compare_as_counts_and_other_kpis_against_their_history():
    assert kpi_change([(10.0, None), (25.0, None)], "complaints").significant
    steady = [(2.0 + 0.1 * (i % 2), None) for i in range(8)]
    assert not kpi_change(steady + [(2.05, None)], "churn").significant
    assert kpi_change(steady + [(3.5, None)], "churn").significant
    assert not kpi_change([(2.0, None), (2.2, None), (5.0, None)], "churn").significant  # too little history
    assert kpi_change([(2.0, None)], "churn") is None
