"""Hand-computed values of each method in surveys.inference (sources in its module doc and docs/surveys.md)."""
import math

import pytest

from surveys.inference import (
    holm_rejections,
    mean_change_test,
    mean_interval,
    nps_change_test,
    nps_interval,
    permutation_p_value,
    share_change_test,
    share_interval,
)


def test_adjusted_wald_nps_five_promoters_is_not_a_point():
    # Rocks 2016: n' = 8, p = 5.75/8, d = 0.75/8; centre 0.625, var (0.8125 - 0.390625) / 8 = 0.052734
    low, high = nps_interval(5, 0, 5)
    assert low == pytest.approx((0.625 - 1.959964 * math.sqrt(0.052734375)) * 100, abs=1e-3)  # 17.49
    assert high == 100.0


def test_adjusted_wald_nps_balanced_team():
    # 3 promoters, 2 passives, 3 detractors: n' = 11, p = d = 3.75/11, centre 0, var (7.5/11) / 11 = 0.061983, margin 1.96 * 0.24897
    low, high = nps_interval(3, 3, 8)
    assert (low, high) == (pytest.approx(-48.80, abs=0.01), pytest.approx(48.80, abs=0.01))


def test_t_interval_for_a_mean():
    # mean 4, sd 1, n = 5: t(0.975, 4) = 2.776445; margin 1.2417
    assert mean_interval(4.0, 1.0, 5, 1.0, 5.0) == (pytest.approx(2.7583, abs=1e-4), 5.0)
    # n = 2: t(0.975, 1) = 12.7062, margin 12.7062 * 0.1 / sqrt 2 = 0.8985
    assert mean_interval(3.0, 0.1, 2, 1.0, 5.0) == (pytest.approx(2.1015, abs=1e-4), pytest.approx(3.8985, abs=1e-4))
    assert mean_interval(4.0, 1.0, 1, 1.0, 5.0) is None


def test_wilson_interval_for_a_share():
    # Wilson (1927); 4 of 5: 37.55% to 96.38%; 0 of 10: 0% to 27.75% (Newcombe 1998, table I)
    assert share_interval(4, 5) == (pytest.approx(37.55, abs=0.01), pytest.approx(96.38, abs=0.01))
    assert share_interval(0, 10) == (0.0, pytest.approx(27.75, abs=0.01))
    assert share_interval(0, 0) is None


def test_permutation_mid_p_by_hand():
    # [4,4,4] vs [5,5,5]: 20 splits, 2 as extreme -> exact p 0.10, mid-p 0.05
    assert permutation_p_value({4: 3}, {5: 3}) == pytest.approx(0.05)
    # identical waves: every split is at least as far as the observed (distance 0): mid-p = 1 - P(=)/2
    assert permutation_p_value({3: 2, 4: 2}, {3: 2, 4: 2}) == pytest.approx(1 - 0.5 * 36 / 70)


def test_nps_change_switches_to_adjusted_wald_from_30_answers():
    # (10, 10, 10) -> (20, 5, 5): n' = 33; centres 0 and 15/33; var 0.019743 + 0.018073; z = 2.3374
    result = nps_change_test((10, 10, 10), (20, 5, 5))
    assert result.method == "adjusted-wald"
    assert result.p_value == pytest.approx(0.01942, abs=1e-4)


def test_welch_from_30_answers():
    # 15x3 + 15x4 (mean 3.5, s^2 0.258621) vs 12x3 + 18x4 (3.6, 0.248276): t = 0.7693, df 57.98
    result = mean_change_test({3: 15, 4: 15}, {3: 12, 4: 18})
    assert result.method == "welch" and result.p_value == pytest.approx(0.4448, abs=1e-3)


def test_share_change_small_and_large():
    # 0 of 5 vs 5 of 5: only the two extreme splits of C(10,5) = 252 are as far: mid-p = 1/252
    assert share_change_test((0, 5), (5, 5)).p_value == pytest.approx(1 / 252)
    # Agresti-Caffo: 15/30 vs 24/30 -> (16/32, 25/32); var 0.0078125 + 0.0053406; z = 0.28125 / 0.114687 = 2.4523
    result = share_change_test((15, 30), (24, 30))
    assert result.method == "agresti-caffo" and result.p_value == pytest.approx(0.01419, abs=1e-4)


def test_holm_step_down():
    # Holm 1979: sorted 0.005 <= 0.05/4, 0.01 <= 0.05/3, 0.03 > 0.05/2: stop
    assert holm_rejections([0.01, 0.04, 0.03, 0.005]) == [True, False, False, True]
    assert holm_rejections([]) == []
