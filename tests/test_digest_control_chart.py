"""The weekly Poisson CUSUM (Lucas 1985) and its run length by the Markov chain (Brook & Evans 1972)."""
from __future__ import annotations

import math

import pytest

from bot.digest.control_chart import (
    BASELINE_WEEKS,
    HISTORY_WEEKS,
    TARGET_ARL_WEEKS,
    CusumDesign,
    _arl,
    alarms,
    design,
    weekly_signal,
)


def test_run_length_by_hand_when_the_chart_forgets_every_week():
    # mu0 = 1, steps of 1/8, k = 12/8, h = 4/8: one report leaves S at 0, two or more alarm at once,
    # so each week alarms with P(X >= 2) = 1 - 2/e and the run length is geometric: 1 / (1 - 2/e)
    assert _arl(1.0, 8, 12, 4) == pytest.approx(1 / (1 - 2 / math.e))


def test_the_design_reaches_the_stated_run_length():
    chart = design(1.0)
    assert chart.k == pytest.approx(1 / math.log(2), abs=1 / 8)  # a doubling: (2 - 1) / ln 2
    assert chart.arl0 >= TARGET_ARL_WEEKS
    assert _arl(1.0, 8, round(chart.k * 8), round(chart.h * 8) - 1) < TARGET_ARL_WEEKS  # the smallest such h


def test_alarms_restart_the_sum():
    chart = CusumDesign(mu0=1.0, k=1.5, h=3.0, arl0=0.0)
    # S: 1.5, 3.0 (alarm, back to 0), 0, 2.5, 5.0 (alarm)
    assert alarms([3, 3, 0, 4, 4], chart) == [False, True, False, False, True]


def test_weekly_signal_needs_history_and_a_real_rise():
    steady = [1, 0, 2, 1, 1, 0, 1, 2, 1, 1] * 4
    assert not weekly_signal(steady[: HISTORY_WEEKS - 2] + [9])  # too little history: nothing, however high
    assert not weekly_signal(steady[:HISTORY_WEEKS])
    assert weekly_signal(steady[:BASELINE_WEEKS] + [1] * 11 + [5, 6])
