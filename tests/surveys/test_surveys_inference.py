"""Hand-computed values of each method in surveys.inference (sources in its module doc and docs/surveys.md)."""
import itertools
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
    t_interval,
)


def test_adjusted_wald_nps_five_promoters_is_not_a_point():
    # Rocks 2016: n' = 8, p = 5.75/8, d = 0.75/8; centre 0.625, (p + d - centre^2) / n' = 0.421875 / 8 = 0.052734;
    # margin t(0.975, 7) = 2.364624 * 0.229640 = 0.543012: 0.625 - 0.543 = 8.20 points
    low, high = nps_interval(5, 0, 5)
    assert low == pytest.approx((0.625 - 2.364624 * math.sqrt(0.052734375)) * 100, abs=1e-3)  # 8.20
    assert high == 100.0


def test_adjusted_wald_nps_balanced_team():
    # 3 promoters, 2 passives, 3 detractors: n' = 11, p = d = 3.75/11, centre 0, var (7.5/11) / 11 = 0.061983,
    # margin t(0.975, 10) = 2.228139 * 0.248964 = 0.554728
    low, high = nps_interval(3, 3, 8)
    assert (low, high) == (pytest.approx(-55.47, abs=0.01), pytest.approx(55.47, abs=0.01))
    assert nps_interval(0, 0, 0) is None


def test_mean_interval_with_pseudo_answers():
    # mean 4, sd 1, n = 5 plus 0.75 answers at 1, 1.5 at 3, 0.75 at 5: n' = 8, mean' = (20 + 0.75 + 4.5 + 3.75) / 8
    # = 3.625; squares 4 * 1 + 5 * 0.375^2 + 0.75 * 2.625^2 + 1.5 * 0.625^2 + 0.75 * 1.375^2 = 11.875;
    # s'^2 / n' = 11.875 / 7 / 8 = 0.212054; margin t(0.975, 7) = 2.364624 * 0.460493 = 1.088893
    assert mean_interval(4.0, 1.0, 5, 1.0, 5.0) == (pytest.approx(2.5361, abs=1e-4), pytest.approx(4.7139, abs=1e-4))
    # five answers of 5: mean' = 34/8 = 4.25, squares 5 * 0.75^2 + 0.75 * 3.25^2 + 1.5 * 1.25^2 + 0.75 * 0.75^2 = 13.5;
    # margin 2.364624 * sqrt(13.5 / 56) = 1.161010: not the point [5, 5] a plain t interval gives
    assert mean_interval(5.0, 0.0, 5, 1.0, 5.0) == (pytest.approx(3.0890, abs=1e-4), 5.0)
    assert mean_interval(4.0, 1.0, 1, 1.0, 5.0) is None


def test_plain_t_interval_for_a_mean():
    # mean 4, sd 1, n = 5: t(0.975, 4) = 2.776445; margin 1.2417
    assert t_interval(4.0, 1.0, 5, 1.0, 5.0) == (pytest.approx(2.7583, abs=1e-4), 5.0)
    # n = 2: t(0.975, 1) = 12.7062, margin 12.7062 * 0.1 / sqrt 2 = 0.8985
    assert t_interval(3.0, 0.1, 2, 1.0, 5.0) == (pytest.approx(2.1015, abs=1e-4), pytest.approx(3.8985, abs=1e-4))
    assert t_interval(4.0, 1.0, 1, 1.0, 5.0) is None


def test_continuity_corrected_wilson_interval_for_a_share():
    # Newcombe (1998), table II, method 4: 81/263 -> 0.2535 to 0.3682; 15/148 -> 0.0598 to 0.1644;
    # 0/20 -> 0 to 0.2005; 1/29 -> 0.0018 to 0.1963; 29/29 -> 0.8544 to 1
    for (successes, n), (low, high) in {(81, 263): (25.35, 36.82), (15, 148): (5.98, 16.44), (0, 20): (0.0, 20.05),
                                        (1, 29): (0.18, 19.63), (29, 29): (85.44, 100.0)}.items():
        assert share_interval(successes, n) == (pytest.approx(low, abs=0.01), pytest.approx(high, abs=0.01))
    # 4 of 5 by the formula: (2np + z^2 - 1 -+ z sqrt(z^2 -+ 2 - 1/n + 4p(nq +- 1))) / (2(n + z^2)) = 29.88% to 98.95%
    assert share_interval(4, 5) == (pytest.approx(29.88, abs=0.01), pytest.approx(98.95, abs=0.01))
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


def _compositions(n: int, parts: int):
    for cuts in itertools.combinations(range(n + parts - 1), parts - 1):
        bounds = (-1, *cuts, n + parts - 1)
        yield [bounds[i + 1] - bounds[i] - 1 for i in range(parts)]


def test_every_interval_contains_the_figure_it_is_shown_with():
    # the intervals are centred on adjusted values; for every possible team of up to 30 (means: 12) they still
    # contain the score, mean or share printed beside them
    for n in range(1, 31):
        for promoters, _passives, detractors in _compositions(n, 3):
            low, high = nps_interval(promoters, detractors, n)
            assert low - 1e-9 <= (promoters - detractors) / n * 100 <= high + 1e-9, (promoters, detractors, n)
        for successes in range(n + 1):
            low, high = share_interval(successes, n)
            assert low - 1e-9 <= successes / n * 100 <= high + 1e-9
    for n in range(2, 13):
        for counts in _compositions(n, 5):
            answers = [score for score, count in zip(range(1, 6), counts) for _ in range(count)]
            mean = sum(answers) / n
            sd = math.sqrt(sum((a - mean) ** 2 for a in answers) / (n - 1))
            low, high = mean_interval(mean, sd, n, 1.0, 5.0)
            assert low - 1e-9 <= mean <= high + 1e-9, counts
