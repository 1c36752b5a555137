"""Scores as pure functions over plain lists of answers (None = skipped).

- nps(): promoters 9-10, passives 7-8, detractors 0-6; skipped answers are left out
  (they are not passives). score = %promoters - %detractors, from -100 to +100, with the
  adjusted-Wald 95% interval with a Student t quantile (Rocks 2016; surveys.inference).
- likert(): mean of 1-5 answers, count per value, top2_box = percent (0-100) of answers
  4 or 5; a Student t 95% interval for the mean with Rocks's pseudo-answers (n >= 2) and a
  continuity-corrected Wilson interval (Newcombe 1998) for top2_box.
- nps_change() / mean_change() / share_change(): difference to the previous wave, the
  p-value of the test chosen by size (exact permutation below 30 answers, else adjusted
  Wald / Welch / Agresti-Caffo) and whether the change is beyond noise as a figure on its
  own: p < 0.05 and at least the minimum meaningful change. A wave's results re-decide
  `significant` across all its figures with Holm's correction (surveys.results).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from surveys.inference import (
    ALPHA,
    beyond_noise,
    mean_change_test,
    mean_interval,
    nps_change_test,
    nps_interval,
    share_change_test,
    share_interval,
)
from surveys.stats import present, whole_number_in

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
    top2_ci: tuple[float, float] | None = None  # corrected Wilson 95% interval of top2_box, in %

    @property
    def standard_error(self) -> float | None:
        """Standard error of the mean (sample SD / sqrt n); None below two answers."""
        if self.n < 2:
            return None
        squares = sum(count * (value - self.mean) ** 2 for value, count in self.distribution.items())
        return math.sqrt(squares / (self.n - 1) / self.n)


@dataclass(frozen=True)
class Change:
    """Current wave minus previous; `significant` means beyond noise (rules in the module doc)."""

    delta: float | None
    p_value: float | None
    significant: bool
    method: str | None = None  # "permutation", "welch", "adjusted-wald" or "agresti-caffo"
    figure_type: str | None = None  # "nps", "mean" or "share": which minimum meaningful change applies

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
    return nps_of_counts(Counter(whole_number_in(score, 0, 10) for score in present(scores)))


def nps_of_counts(counts: Mapping[int, int]) -> NpsResult:
    """NPS or eNPS from {answer 0-10: number of answers}."""
    n = sum(counts.values())
    promoters = sum(count for answer, count in counts.items() if answer >= 9)
    detractors = sum(count for answer, count in counts.items() if answer <= 6)
    passives = n - promoters - detractors
    if n == 0:
        return NpsResult(None, 0, 0, 0, 0, None, None)
    score = (promoters - detractors) / n * 100
    ci_low, ci_high = nps_interval(promoters, detractors, n)
    return NpsResult(score, promoters, passives, detractors, n, ci_low, ci_high)


def _nps_standard_error(promoters: int, detractors: int, n: int) -> float | None:
    if n == 0:
        return None
    share_promoters, share_detractors = promoters / n, detractors / n
    variance = share_promoters + share_detractors - (share_promoters - share_detractors) ** 2
    return math.sqrt(max(0.0, variance) / n) * 100


def likert(scores: Iterable[int | None]) -> LikertResult:
    """Summary of 1-5 agreement answers; raises ValueError on anything else than 1-5 or a gap."""
    return likert_of_counts(Counter(whole_number_in(score, 1, 5) for score in present(scores)))


def likert_of_counts(counts: Mapping[int, int]) -> LikertResult:
    """Summary from {answer 1-5: number of answers}."""
    distribution = {value: counts.get(value, 0) for value in LIKERT_VALUES}
    n = sum(distribution.values())
    if n == 0:
        return LikertResult(None, distribution, None, 0, None, None)
    top2 = distribution[4] + distribution[5]
    average = sum(value * count for value, count in distribution.items()) / n
    result = LikertResult(average, distribution, top2 / n * 100, n, None, None, share_interval(top2, n))
    if result.standard_error is None:
        return result
    sd = result.standard_error * math.sqrt(n)
    ci_low, ci_high = mean_interval(result.mean, sd, n, 1.0, 5.0)
    return LikertResult(result.mean, distribution, result.top2_box, n, ci_low, ci_high, result.top2_ci)


def collect_comments(values: Iterable[str | None]) -> Comments:
    texts = tuple(sorted(str(value).strip() for value in present(values)))
    return Comments(texts, len(texts))


def nps_change(previous: NpsResult, current: NpsResult) -> Change:
    if previous.score is None or current.score is None:
        return Change(None, None, False)
    test = nps_change_test((previous.promoters, previous.passives, previous.detractors),
                           (current.promoters, current.passives, current.detractors))
    return decided_change(current.score - previous.score, test.p_value, test.method, "nps")


def mean_change(previous: LikertResult, current: LikertResult) -> Change:
    if previous.mean is None or current.mean is None:
        return Change(None, None, False)
    delta = current.mean - previous.mean
    if previous.n < 2 or current.n < 2:
        return Change(delta, None, False)
    test = mean_change_test(previous.distribution, current.distribution)
    return decided_change(delta, test.p_value, test.method, "mean")


def share_change(previous: tuple[int, int], current: tuple[int, int]) -> Change:
    """(successes, n) of two waves, e.g. top-2-box or yes answers; the delta is in percentage points."""
    if previous[1] == 0 or current[1] == 0:
        return Change(None, None, False)
    delta = (current[0] / current[1] - previous[0] / previous[1]) * 100
    test = share_change_test(previous, current)
    return decided_change(delta, test.p_value, test.method, "share")


def decided_change(delta: float, p_value: float, method: str, figure_type: str, *, threshold: float = ALPHA) -> Change:
    """A change beyond noise at `threshold` (a Holm step's level) and at least its minimum meaningful size."""
    return Change(delta, p_value, beyond_noise(delta, p_value < threshold, figure_type), method, figure_type)
