"""Rules on the shape of a whole survey, checked once every question has parsed."""

from __future__ import annotations

from collections.abc import Sequence

from surveys.dimensions import DIMENSION_IDS, MIN_ITEMS_PER_DIMENSION
from surveys.model import Question

DIAGNOSTIC_QUESTION_COUNT = 6


def survey_shape_problems(kind: str, questions: Sequence[Question]) -> list[str]:
    if not questions:
        return ["the survey has no questions; add at least one [[questions]] table"]
    if kind == "maturity":
        return _maturity_problems(questions)
    if kind == "diagnostic":
        return _diagnostic_problems(questions)
    return []


def _maturity_problems(questions: Sequence[Question]) -> list[str]:
    problems = [
        f"question '{q.id}': a maturity item must be a likert (1-5) question with a dimension"
        for q in questions
        if q.type != "text" and (q.type != "likert" or q.dimension is None)
    ]
    problems += [f"question '{q.id}': a text question cannot belong to a dimension" for q in questions if q.type == "text" and q.dimension]
    for dimension_id in DIMENSION_IDS:
        count = sum(1 for q in questions if q.dimension == dimension_id and q.type == "likert")
        if count < MIN_ITEMS_PER_DIMENSION:
            problems.append(
                f"dimension '{dimension_id}' has {count} item(s); a maturity survey needs "
                f"at least {MIN_ITEMS_PER_DIMENSION} likert items in each of the six dimensions"
            )
    return problems


def _diagnostic_problems(questions: Sequence[Question]) -> list[str]:
    other = [q.id for q in questions if q.type != "yes_no"]
    if len(questions) == DIAGNOSTIC_QUESTION_COUNT and not other:
        return []
    problem = (
        f"a diagnostic needs exactly {DIAGNOSTIC_QUESTION_COUNT} yes_no questions; "
        f"found {len(questions) - len(other)} yes_no"
    )
    if other:
        problem += f" and other types in: {', '.join(other)}"
    return [problem]
