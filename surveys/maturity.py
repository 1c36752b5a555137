"""Maturity scoring: dimension score = mean of its items' means, overall = mean of dimensions.

Levels from a score on the 1-5 scale (lower bound included, upper excluded, 5 includes 5.0):

    level 1  [1.0, 1.8)   Scattered     / Rozproszony
    level 2  [1.8, 2.6)   Noticing      / Dostrzegający
    level 3  [2.6, 3.4)   Ordered       / Uporządkowany
    level 4  [3.4, 4.2)   Connected     / Połączony
    level 5  [4.2, 5.0]   Self-steering / Samosterowny

Scores are rounded to 9 decimals before classifying, so that float noise in a mean
(1.7999999999999998) does not drop a score that is 1.8 to the level below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from surveys.dimensions import DIMENSION_IDS
from surveys.model import LocalizedText, SurveyDefinition
from surveys.scoring import likert
from surveys.stats import mean

LEVEL_LOWER_BOUNDS = (1.0, 1.8, 2.6, 3.4, 4.2)
SCALE_MIN, SCALE_MAX = 1.0, 5.0


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


@dataclass(frozen=True)
class MaturityResult:
    dimensions: tuple[DimensionScore, ...]
    overall: float | None  # None unless every dimension has a score
    overall_level: int | None


def level_for(score: float) -> int:
    """The maturity level 1-5 of a score on the 1-5 scale (boundaries in the module doc)."""
    rounded = round(score, 9)
    if not SCALE_MIN <= rounded <= SCALE_MAX:
        raise ValueError(f"a maturity score must lie in [1, 5], not {score!r}")
    return sum(1 for bound in LEVEL_LOWER_BOUNDS if rounded >= bound)


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
    return MaturityResult(dimensions, overall, level_for(overall))


def _dimension_score(
    definition: SurveyDefinition, dimension_id: str, answers: Mapping[str, Iterable[int | None]]
) -> DimensionScore:
    items = [likert(answers.get(q.id, ())) for q in definition.questions_in(dimension_id)]
    answered = [item for item in items if item.n > 0]
    score = mean([item.mean for item in answered])
    level = level_for(score) if score is not None else None
    n = max((item.n for item in answered), default=0)
    return DimensionScore(dimension_id, score, level, len(answered), n)
