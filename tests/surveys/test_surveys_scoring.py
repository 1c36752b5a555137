import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys import collect_comments, likert, mean_change, nps, nps_change


def test_all_promoters_is_plus_100():
    result = nps([9, 10, 10, 9])
    assert (result.score, result.promoters, result.n) == (100.0, 4, 4)
    # adjusted Wald (Rocks 2016) with t(0.975, n' - 1): n' = 7, p = 4.75/7, d = 0.75/7,
    # 0.5714 ± 2.446912 * 0.256121
    assert (result.ci_low, result.ci_high) == (pytest.approx(-5.528, abs=1e-3), 100.0)


def test_all_detractors_is_minus_100():
    result = nps([0, 6, 3])
    assert (result.score, result.detractors, result.passives) == (-100.0, 3, 0)


def test_skipped_answer_is_not_a_passive():
    result = nps([10, 10, None, 0])
    assert (result.n, result.promoters, result.passives, result.detractors) == (3, 2, 0, 1)
    assert result.score == pytest.approx(100 / 3)
    # adjusted Wald: n' = 6, p = 2.75/6, d = 1.75/6, centre 1/6, var (0.75 - 1/36) / 6, t(0.975, 5) = 2.570582
    assert result.ci_low == pytest.approx((1 / 6 - 2.570582 * math.sqrt((0.75 - 1 / 36) / 6)) * 100, abs=1e-4)
    assert result.ci_high == 100.0  # 1/6 + 0.8918 is past the scale: clipped


def test_mixed_case_computed_by_hand():
    # promoters 10,10,10,9,9 / passives 8,7 / detractors 6,2 / one skipped; n = 9
    result = nps([10, 10, 10, 9, 9, 8, 7, 6, 2, None])
    assert (result.promoters, result.passives, result.detractors, result.n) == (5, 2, 2, 9)
    assert result.score == pytest.approx(33.3333, abs=1e-4)
    # var = (7/9 - (3/9)^2) / 9 = 6/81, se = sqrt(6)/9 = 0.27217 -> 27.217 points
    assert result.standard_error == pytest.approx(27.2166, abs=1e-4)
    # adjusted Wald: n' = 12, p = 5.75/12, d = 2.75/12, centre 0.25, var (0.70833 - 0.0625) / 12 = 0.053819;
    # margin t(0.975, 11) = 2.200985 * 0.231990 = 0.510607
    assert result.ci_low == pytest.approx(-26.0607, abs=1e-4)
    assert result.ci_high == pytest.approx(76.0607, abs=1e-4)


def test_boundaries_of_the_groups():
    result = nps([6, 7, 8, 9])
    assert (result.detractors, result.passives, result.promoters) == (1, 2, 1)


def test_no_answers_gives_no_score():
    result = nps([None, None])
    assert (result.score, result.n, result.ci_low, result.ci_high, result.standard_error) == (None, 0, None, None, None)


def test_nan_from_pandas_counts_as_skipped_and_float_scores_are_accepted():
    assert nps([10.0, float("nan"), 0.0]).n == 2


@pytest.mark.parametrize("bad", [11, -1, 7.5, "7", True])
def test_nps_refuses_values_outside_the_scale(bad):
    with pytest.raises(ValueError):
        nps([10, bad])


@given(st.lists(st.one_of(st.none(), st.integers(0, 10)), max_size=200))
def test_enps_stays_within_bounds(scores):
    result = nps(scores)
    answered = [s for s in scores if s is not None]
    assert result.n == len(answered) == result.promoters + result.passives + result.detractors
    if not answered:
        assert result.score is None
        return
    assert -100 <= result.ci_low <= result.ci_high <= 100
    if len(answered) >= 2:  # the adjusted centre can lie beside a single answer's score
        assert result.ci_low <= result.score <= result.ci_high


def test_likert_mean_distribution_top2_and_ci():
    result = likert([1, 2, 4, 5, 5, None])
    assert result.n == 5
    assert result.mean == pytest.approx(3.4)
    assert result.distribution == {1: 1, 2: 1, 3: 0, 4: 1, 5: 2}
    assert result.top2_box == pytest.approx(60.0)
    # squares 13.2; with 0.75 answers at 1, 1.5 at 3, 0.75 at 5: n' = 8, mean' = 26/8 = 3.25, squares
    # 13.2 + 5 * 0.15^2 + 0.75 * 2.25^2 + 1.5 * 0.25^2 + 0.75 * 1.75^2 = 19.5; margin 2.364624 * sqrt(19.5 / 56) = 1.3954
    assert result.ci_low == pytest.approx(1.8546, abs=1e-4)
    assert result.ci_high == pytest.approx(4.6454, abs=1e-4)
    # Wilson with continuity correction for 3 of 5 agreeing: 17.0% to 92.7% (Newcombe 1998, method 4)
    assert result.top2_ci == (pytest.approx(17.04, abs=0.01), pytest.approx(92.74, abs=0.01))


def test_likert_single_answer_has_no_interval():
    result = likert([4])
    assert (result.mean, result.top2_box, result.ci_low, result.standard_error) == (4.0, 100.0, None, None)


def test_likert_empty():
    result = likert([])
    assert (result.mean, result.n, result.top2_box) == (None, 0, None)
    assert result.distribution == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}


def test_likert_refuses_zero():
    with pytest.raises(ValueError):
        likert([0])


def test_nps_change_significant_by_exact_permutation():
    previous = nps([10] * 5 + [0] * 5)  # 0
    current = nps([10] * 10)  # 100
    change = nps_change(previous, current)
    # promoters among the first 10 of 20 pooled answers (15 promoters): hypergeometric; 5 and 10 are the
    # extremes, each C(15,5) / C(20,10) = 3003 / 184756; mid-p counts them half: 3003 / 184756
    assert change.delta == 100.0 and change.method == "permutation"
    assert change.p_value == pytest.approx(3003 / 184756)
    assert change.significant and change.direction == 1


def test_nps_change_within_noise():
    change = nps_change(nps([10, 10, 8, 0]), nps([10, 10, 10, 0]))
    assert change.delta == pytest.approx(25.0)
    assert change.p_value > 0.5 and not change.significant and change.direction == 0


def test_nps_change_without_previous_score():
    change = nps_change(nps([]), nps([10]))
    assert (change.delta, change.p_value, change.significant, change.direction) == (None, None, False, None)


def test_mean_change_exact_for_small_waves():
    change = mean_change(likert([2, 2, 3, 3]), likert([4, 4, 5, 5]))
    # 70 equally likely splits of the 8 answers; only {2,2,3,3} and {4,4,5,5} are as extreme: mid-p = 1/70
    assert change.delta == pytest.approx(2.0) and change.p_value == pytest.approx(1 / 70)
    assert change.significant and change.direction == 1


def test_no_spread_is_not_infinitely_significant():
    change = mean_change(likert([4, 4, 4]), likert([5, 5, 5]))
    # exact permutation p = 2/20 = 0.10 (mid-p 0.05): not below 0.05, so within noise
    assert change.p_value == pytest.approx(0.05) and not change.significant


def test_mean_change_falling_but_small():
    change = mean_change(likert([3, 4, 5, 4]), likert([3, 4, 4, 4]))
    assert change.delta == pytest.approx(-0.25)
    assert not change.significant


def test_mean_change_needs_two_answers_per_wave():
    change = mean_change(likert([1]), likert([5, 5]))
    assert (change.delta, change.p_value, change.significant) == (4.0, None, False)


def test_comments_are_sorted_and_blanks_dropped():
    result = collect_comments(["zebra crossing", " ", None, "approval waits ", float("nan")])
    assert result.texts == ("approval waits", "zebra crossing") and result.n == 2


def test_pandas_series_with_gaps_scores_like_a_list():
    import pandas as pd

    result = nps(pd.Series([10, None, 0], dtype="Int64"))
    assert (result.n, result.score, type(result.promoters)) == (2, 0.0, int)
    assert likert(pd.Series([4, 5, float("nan")])).mean == 4.5
