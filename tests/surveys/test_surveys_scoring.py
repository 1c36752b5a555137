import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys import collect_comments, likert, mean_change, nps, nps_change


def test_all_promoters_is_plus_100():
    result = nps([9, 10, 10, 9])
    assert (result.score, result.promoters, result.n) == (100.0, 4, 4)
    assert (result.ci_low, result.ci_high) == (100.0, 100.0)


def test_all_detractors_is_minus_100():
    result = nps([0, 6, 3])
    assert (result.score, result.detractors, result.passives) == (-100.0, 3, 0)


def test_skipped_answer_is_not_a_passive():
    result = nps([10, 10, None, 0])
    assert (result.n, result.promoters, result.passives, result.detractors) == (3, 2, 0, 1)
    assert result.score == pytest.approx(100 / 3)
    # var = (2/3 + 1/3 - (1/3)^2) / 3 = 8/27; se = 54.43 points; upper end clipped
    assert result.ci_low == pytest.approx(100 / 3 - 1.96 * math.sqrt(8 / 27) * 100)
    assert result.ci_high == 100.0


def test_mixed_case_computed_by_hand():
    # promoters 10,10,10,9,9 / passives 8,7 / detractors 6,2 / one skipped; n = 9
    result = nps([10, 10, 10, 9, 9, 8, 7, 6, 2, None])
    assert (result.promoters, result.passives, result.detractors, result.n) == (5, 2, 2, 9)
    assert result.score == pytest.approx(33.3333, abs=1e-4)
    # var = (7/9 - (3/9)^2) / 9 = 6/81, se = sqrt(6)/9 = 0.27217 -> 27.217 points
    assert result.standard_error == pytest.approx(27.2166, abs=1e-4)
    assert result.ci_low == pytest.approx(-20.0111, abs=1e-4)
    assert result.ci_high == pytest.approx(86.6778, abs=1e-4)


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
    assert -100 <= result.ci_low <= result.score <= result.ci_high <= 100


def test_likert_mean_distribution_top2_and_ci():
    result = likert([1, 2, 4, 5, 5, None])
    assert result.n == 5
    assert result.mean == pytest.approx(3.4)
    assert result.distribution == {1: 1, 2: 1, 3: 0, 4: 1, 5: 2}
    assert result.top2_box == pytest.approx(60.0)
    # sample variance 13.2 / 4 = 3.3; se = sqrt(3.3 / 5) = 0.8124
    assert result.ci_low == pytest.approx(1.8077, abs=1e-4)
    assert result.ci_high == pytest.approx(4.9923, abs=1e-4)


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


def test_nps_change_significant():
    previous = nps([10] * 5 + [0] * 5)  # 0, se = sqrt(1/10) * 100 = 31.62
    current = nps([10] * 10)  # 100, se = 0
    change = nps_change(previous, current)
    assert change.delta == 100.0
    assert change.z == pytest.approx(100 / math.sqrt(0.1) / 100)
    assert change.significant and change.direction == 1


def test_nps_change_within_noise():
    previous = nps([10, 10, 8, 0])  # 25, var (0.75 - 0.0625) / 4
    current = nps([10, 10, 10, 0])  # 50, var (1 - 0.25) / 4
    change = nps_change(previous, current)
    assert change.delta == pytest.approx(25.0)
    assert change.z == pytest.approx(25 / math.sqrt(1718.75 + 1875), abs=1e-9)
    assert not change.significant and change.direction == 0


def test_nps_change_without_previous_score():
    change = nps_change(nps([]), nps([10]))
    assert (change.delta, change.z, change.significant, change.direction) == (None, None, False, None)


def test_mean_change_welch_z():
    previous = likert([2, 2, 3, 3])  # mean 2.5, se = sqrt((1/3) / 4)
    current = likert([4, 4, 5, 5])  # mean 4.5, same se
    change = mean_change(previous, current)
    assert change.delta == pytest.approx(2.0)
    assert change.z == pytest.approx(2.0 / math.sqrt(2 * (1 / 3) / 4))
    assert change.significant and change.direction == 1


def test_mean_change_falling_but_small():
    change = mean_change(likert([3, 4, 5, 4]), likert([3, 4, 4, 4]))
    assert change.delta == pytest.approx(-0.25)
    assert not change.significant


def test_mean_change_below_the_95_percent_threshold():
    previous = likert([3, 4, 5, 4])  # mean 4, se^2 = (2/3) / 4
    current = likert([3, 3, 3, 4])  # mean 3.25, se^2 = (0.75/3) / 4
    change = mean_change(previous, current)
    assert change.z == pytest.approx(-0.75 / math.sqrt(1 / 6 + 1 / 16))  # -1.567
    assert not change.significant and change.direction == 0


def test_mean_change_needs_two_answers_per_wave():
    change = mean_change(likert([1]), likert([5, 5]))
    assert (change.delta, change.z, change.significant) == (4.0, None, False)


def test_zero_spread_waves_with_a_difference_are_significant():
    change = mean_change(likert([5, 5, 5]), likert([1, 1, 1]))
    assert change.z == -math.inf and change.direction == -1


def test_comments_are_sorted_and_blanks_dropped():
    result = collect_comments(["zebra crossing", " ", None, "approval waits ", float("nan")])
    assert result.texts == ("approval waits", "zebra crossing") and result.n == 2


def test_pandas_series_with_gaps_scores_like_a_list():
    import pandas as pd

    result = nps(pd.Series([10, None, 0], dtype="Int64"))
    assert (result.n, result.score, type(result.promoters)) == (2, 0.0, int)
    assert likert(pd.Series([4, 5, float("nan")])).mean == 4.5
