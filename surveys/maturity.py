"""Maturity scoring: dimension score = mean of its items' means, overall = mean of dimensions.

Levels from a score on the 1-5 scale (lower bound included, upper excluded, 5 includes 5.0):

    level 1  [1.0, 1.8)   Scattered     / Rozproszony
    level 2  [1.8, 2.6)   Noticing      / Dostrzegający
    level 3  [2.6, 3.4)   Ordered       / Uporządkowany
    level 4  [3.4, 4.2)   Connected     / Połączony
    level 5  [4.2, 5.0]   Self-steering / Samosterowny

A score is classified as displayed, rounded to 2 decimals (DISPLAY_DECIMALS): 1.79915 is
shown as 1.80 and so is level 2.

Each dimension and the overall score carry a 95% interval. A dimension score is a mean of
item means; its standard error is bounded by the mean of the items' standard errors (the
bound holds whatever the items' correlation: the square root of a variance of an average is
at most the average of the standard deviations), with Student t at the smallest item n - 1
degrees of freedom. The overall interval bounds the mean of the dimensions in the same way.
The interval is conservative (it assumes the items move fully together). When the interval
reaches past a level boundary, the score is "near a boundary" (`near_boundary`): another
sample of the same people could well land one level up or down.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from surveys.dimensions import DIMENSION_IDS
from surveys.model import LocalizedText, SurveyDefinition
from surveys.inference import t_interval
from surveys.scoring import likert
from surveys.stats import mean

LEVEL_LOWER_BOUNDS = (1.0, 1.8, 2.6, 3.4, 4.2)
SCALE_MIN, SCALE_MAX = 1.0, 5.0
DISPLAY_DECIMALS = 2


@dataclass(frozen=True)
class Stage:
    level: int
    name: LocalizedText
    description: LocalizedText


STAGES = (
    Stage(1, LocalizedText(pl="Rozproszony", en="Scattered"), LocalizedText(
        pl="Doświadczenia powstają przypadkiem; nikt nie odpowiada za ich przyczyny.",
        en="Experiences happen by chance; nobody owns what causes them.")),
    Stage(2, LocalizedText(pl="Dostrzegający", en="Noticing"), LocalizedText(
        pl="Mierzymy i widzimy problemy, ale reagujemy doraźnie.",
        en="We measure and see the problems, but react case by case.")),
    Stage(3, LocalizedText(pl="Uporządkowany", en="Ordered"), LocalizedText(
        pl="Są role, procesy i miary; przyczyny problemów zaczynamy wiązać z decyzjami.",
        en="Roles, processes and measures exist; causes start to be traced to decisions.")),
    Stage(4, LocalizedText(pl="Połączony", en="Connected"), LocalizedText(
        pl="EX, CX i wyniki biznesowe czytamy razem; właściciele odpowiadają za zmiany.",
        en="EX, CX and business results are read together; owners answer for changes.")),
    Stage(5, LocalizedText(pl="Samosterowny", en="Self-steering"), LocalizedText(
        pl="Ład zarządczy działa sam: decyzje z góry uwzględniają wszystkie doświadczenia.",
        en="Governance runs by itself: decisions weigh every experience up front.")),
)


@dataclass(frozen=True)
class DimensionScore:
    dimension: str
    score: float | None
    level: int | None
    items_answered: int
    n: int  # most answers any one item of the dimension received
    ci: tuple[float, float] | None = None  # 95%, conservative (module doc)
    near_boundary: bool = False  # the interval reaches past a level boundary


@dataclass(frozen=True)
class MaturityResult:
    dimensions: tuple[DimensionScore, ...]
    overall: float | None  # None unless every dimension has a score
    overall_level: int | None
    overall_ci: tuple[float, float] | None = None
    overall_near_boundary: bool = False


def level_for(score: float) -> int:
    """The maturity level 1-5 of a score on the 1-5 scale, as displayed (boundaries in the module doc)."""
    rounded = displayed(score)
    if not SCALE_MIN <= rounded <= SCALE_MAX:
        raise ValueError(f"a maturity score must lie in [1, 5], not {score!r}")
    return sum(1 for bound in LEVEL_LOWER_BOUNDS if rounded >= bound)


def displayed(score: float) -> float:
    """The score as it is shown: rounded to DISPLAY_DECIMALS, exactly as `f"{score:.2f}"` prints it."""
    return float(f"{score:.{DISPLAY_DECIMALS}f}")


def near_boundary(interval: tuple[float, float] | None) -> bool:
    """True when a 95% interval reaches past one of the level boundaries 1.8, 2.6, 3.4, 4.2."""
    if interval is None:
        return False
    low, high = interval
    return any(low < bound < high for bound in LEVEL_LOWER_BOUNDS[1:])


def stage_for(level: int) -> Stage:
    if level not in range(1, len(STAGES) + 1):
        raise ValueError(f"a maturity level is 1-5, not {level!r}")
    return STAGES[level - 1]


def score_maturity(definition: SurveyDefinition, answers: Mapping[str, Iterable[int | None]]) -> MaturityResult:
    """Score a maturity wave from each item's answers across respondents.

    `answers` maps question id -> that item's answers (a list or a pandas Series);
    items without answers are left out of their dimension.
    """
    dimensions = tuple(_dimension_score(definition, d, answers) for d in DIMENSION_IDS)
    scores = [d.score for d in dimensions]
    if any(score is None for score in scores):
        return MaturityResult(dimensions, None, None)
    overall = mean(scores)
    bounds = [_half_width(d.ci, d.score) for d in dimensions]
    ci = None
    if all(b is not None for b in bounds):
        ci = (max(SCALE_MIN, overall - mean(bounds)), min(SCALE_MAX, overall + mean(bounds)))
    return MaturityResult(dimensions, overall, level_for(overall), ci, near_boundary(ci))


def _half_width(ci: tuple[float, float] | None, score: float) -> float | None:
    """The unclipped half width is not stored; the wider side of a clipped interval stands for it."""
    return None if ci is None else max(score - ci[0], ci[1] - score)


def _dimension_score(
    definition: SurveyDefinition, dimension_id: str, answers: Mapping[str, Iterable[int | None]]
) -> DimensionScore:
    items = [likert(answers.get(q.id, ())) for q in definition.questions_in(dimension_id)]
    answered = [item for item in items if item.n > 0]
    score = mean([item.mean for item in answered])
    if score is None:
        return DimensionScore(dimension_id, None, None, 0, 0)
    n = max(item.n for item in answered)
    ci = None
    if all(item.n >= 2 for item in answered):
        sd_bound = mean([item.standard_error for item in answered]) * math.sqrt(min(i.n for i in answered))
        ci = t_interval(score, sd_bound, min(item.n for item in answered), SCALE_MIN, SCALE_MAX)
    return DimensionScore(dimension_id, score, level_for(score), len(answered), n, ci, near_boundary(ci))
