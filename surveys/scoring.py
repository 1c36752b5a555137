"""Scores as pure functions over plain lists of answers (None = skipped).

- nps(): promoters 9-10, passives 7-8, detractors 0-6; skipped answers are left out
  (they are not passives). score = %promoters - %detractors, from -100 to +100. The 95%
  interval uses the trinomial variance (p_p + p_d - (p_p - p_d)^2) / n; it is a Wald
  interval, so it collapses to the score when every answer falls in one group.
- likert(): mean of 1-5 answers, count per value, top2_box = percent (0-100) of answers
  4 or 5, and a 95% interval for the mean from the sample standard deviation (n >= 2).
- nps_change() / mean_change(): difference to the previous wave and a z-test on it,
  z = delta / sqrt(SE_prev^2 + SE_cur^2), significant when |z| > 1.96. When both waves
  have zero spread, any non-zero delta counts as significant.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from surveys.stats import Z_95, clipped_interval, mean, present, whole_number_in

LIKERT_VALUES = range(1, 6)


@dataclass(frozen=True)
class NpsResult:
    score: float | None
    promoters: int
    passives: int
    detractors: int
    n: int
    ci_low: float | None
    ci_high: float | None

    @property
    def standard_error(self) -> float | None:
        """Standard error of the score, in score points; None without answers."""
        return _nps_standard_error(self.promoters, self.detractors, self.n)


@dataclass(frozen=True)
class LikertResult:
    mean: float | None
    distribution: dict[int, int]
    top2_box: float | None
    n: int
    ci_low: float | None
    ci_high: float | None

    @property
    def standard_error(self) -> float | None:
        """Standard error of the mean (sample SD / sqrt n); None below two answers."""
        if self.n < 2:
            return None
        squares = sum(count * (value - self.mean) ** 2 for value, count in self.distribution.items())
        return math.sqrt(squares / (self.n - 1) / self.n)


@dataclass(frozen=True)
class Change:
    """Current wave minus previous; `significant` means unlikely to be noise at 95%."""

    delta: float | None
    z: float | None
    significant: bool

    @property
    def direction(self) -> int | None:
        """+1 significant rise, -1 significant fall, 0 no real change, None no data."""
        if self.delta is None:
            return None
        if not self.significant:
            return 0
        return 1 if self.delta > 0 else -1


@dataclass(frozen=True)
class Comments:
    """Free-text answers, sorted so that their order cannot hint at who wrote them."""

    texts: tuple[str, ...]
    n: int


def nps(scores: Iterable[int | None]) -> NpsResult:
    """NPS or eNPS of 0-10 answers; raises ValueError on anything else than 0-10 or a gap."""
    answers = [whole_number_in(score, 0, 10) for score in present(scores)]
    n = len(answers)
    promoters = sum(1 for answer in answers if answer >= 9)
    detractors = sum(1 for answer in answers if answer <= 6)
    passives = n - promoters - detractors
    if n == 0:
        return NpsResult(None, 0, 0, 0, 0, None, None)
    score = (promoters - detractors) / n * 100
    standard_error = _nps_standard_error(promoters, detractors, n)
    ci_low, ci_high = clipped_interval(score, standard_error, -100.0, 100.0)
    return NpsResult(score, promoters, passives, detractors, n, ci_low, ci_high)


def _nps_standard_error(promoters: int, detractors: int, n: int) -> float | None:
    if n == 0:
        return None
    share_promoters, share_detractors = promoters / n, detractors / n
    variance = share_promoters + share_detractors - (share_promoters - share_detractors) ** 2
    return math.sqrt(max(0.0, variance) / n) * 100


def likert(scores: Iterable[int | None]) -> LikertResult:
    """Summary of 1-5 agreement answers; raises ValueError on anything else than 1-5 or a gap."""
    answers = [whole_number_in(score, 1, 5) for score in present(scores)]
    n = len(answers)
    distribution = {value: answers.count(value) for value in LIKERT_VALUES}
    if n == 0:
        return LikertResult(None, distribution, None, 0, None, None)
    top2_box = (distribution[4] + distribution[5]) / n * 100
    result = LikertResult(mean(answers), distribution, top2_box, n, None, None)
    if result.standard_error is None:
        return result
    ci_low, ci_high = clipped_interval(result.mean, result.standard_error, 1.0, 5.0)
    return LikertResult(result.mean, distribution, top2_box, n, ci_low, ci_high)


def collect_comments(values: Iterable[str | None]) -> Comments:
    texts = tuple(sorted(str(value).strip() for value in present(values)))
    return Comments(texts, len(texts))


def nps_change(previous: NpsResult, current: NpsResult) -> Change:
    if previous.score is None or current.score is None:
        return Change(None, None, False)
    return _change(current.score - previous.score, previous.standard_error, current.standard_error)


def mean_change(previous: LikertResult, current: LikertResult) -> Change:
    if previous.mean is None or current.mean is None:
        return Change(None, None, False)
    return _change(current.mean - previous.mean, previous.standard_error, current.standard_error)


def _change(delta: float, previous_se: float | None, current_se: float | None) -> Change:
    if previous_se is None or current_se is None:
        return Change(delta, None, False)
    spread = math.sqrt(previous_se**2 + current_se**2)
    if spread == 0:
        z = 0.0 if delta == 0 else math.copysign(math.inf, delta)
    else:
        z = delta / spread
    return Change(delta, z, abs(z) > Z_95)
