"""The digest decides the changes of figures from one wave together (Holm), not one by one."""
from __future__ import annotations

from datetime import date

from bot.digest.ex import WaveAggregate, holm_per_wave, series_figure
from surveys.inference import mean_change_test
from surveys.model import LocalizedText

BEFORE = (0, 0, 5, 5, 0)  # ten answers: five 3s and five 4s (mean 3.5)
AFTER = (0, 0, 1, 7, 2)  # ten answers: mean 4.1; exact permutation mid-p 0.0335 against BEFORE


def _wave(wave_id: int, on: date, counts: tuple[int, ...]) -> WaveAggregate:
    return WaveAggregate(wave_id, on, 5, tuple(zip(range(1, 6), counts)), ("everyone", None))


def _item(key: str, latest_wave: int):
    series = [_wave(latest_wave - 1, date(2026, 1, 5), BEFORE), _wave(latest_wave, date(2026, 2, 2), AFTER)]
    return series_figure(key, LocalizedText(pl=key, en=key), "likert", series), series


def test_one_figure_alone_is_beyond_noise():
    assert 0.025 < mean_change_test(dict(zip(range(1, 6), BEFORE)), dict(zip(range(1, 6), AFTER))).p_value < 0.05
    (figure,) = holm_per_wave([_item("a", 2)])
    assert figure.change.significant and figure.change.delta > 0.2


def test_two_figures_of_one_wave_need_the_holm_level():
    # Holm with m = 2: the smaller p (0.0335) must be below 0.05 / 2 = 0.025: neither change is claimed
    figures = holm_per_wave([_item("a", 2), _item("b", 2)])
    assert [f.change.significant for f in figures] == [False, False]


def test_figures_of_different_waves_are_separate_families():
    figures = holm_per_wave([_item("a", 2), _item("b", 12)])
    assert [f.change.significant for f in figures] == [True, True]
