"""Wave results as a JSON-ready dict (no words in it: the table, in the reader's language, is
bot/survey_results_table.py). It only reads a `surveys.results.WaveResults`; hidden entries carry
no n. Rounding in the dict: scores and percentages 1 decimal, means and
maturity scores and their intervals 2 decimals, p-values 4 decimals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from surveys.question_types.base import rounded

if TYPE_CHECKING:
    from surveys.maturity import MaturityResult
    from surveys.results import QuestionResult, UnitResult, WaveResults


def results_to_dict(results: WaveResults) -> dict[str, Any]:
    """A JSON-serialisable dict; every figure comes with its n, hidden entries only with their name."""
    head = {"survey_id": results.survey_id, "unit": results.unit, "k": results.k}
    if results.suppressed:
        return {**head, "suppressed": True}
    return {
        **head,
        "suppressed": False,
        "respondents": results.respondents,
        "questions": [_question_dict(q) for q in results.questions],
        "by_unit": [_unit_dict(u) for u in results.by_unit],
        "comments": [
            {"question_id": c.question_id, "suppressed": True} if c.suppressed
            else {"question_id": c.question_id, "suppressed": False, "n": c.n, "texts": list(c.texts)}
            for c in results.comments
        ],
        "maturity": _maturity_dict(results.maturity),
        "diagnostic": _diagnostic_dict(results),
        "changes": [
            {
                "question_id": c.question_id, "type": c.type, "n": c.n, "previous_n": c.previous_n,
                "delta": rounded(c.change.delta, c.kind.delta_digits),
                "p": rounded(c.change.p_value, 4), "method": c.change.method, "significant": c.change.significant, "direction": c.change.direction,
            }
            for c in results.changes
        ],
    }


def _question_dict(question: QuestionResult) -> dict[str, Any]:
    if question.suppressed:
        return {"question_id": question.question_id, "suppressed": True}
    entry: dict[str, Any] = {"question_id": question.question_id, "type": question.type, "suppressed": False,
                             "n": question.n}
    entry.update(question.kind.figures(question.result))
    return entry


def _unit_dict(unit: UnitResult) -> dict[str, Any]:
    if unit.suppressed:
        return {"unit": unit.unit, "suppressed": True}
    entry = {"unit": unit.unit, "suppressed": False, "respondents": unit.respondents,
             "questions": [_question_dict(q) for q in unit.questions]}
    if unit.maturity is not None:
        entry["maturity"] = _maturity_dict(unit.maturity)
    return entry


def _maturity_dict(maturity: MaturityResult | None) -> dict[str, Any] | None:
    if maturity is None:
        return None
    dimensions = [
        {"dimension": d.dimension, "suppressed": True} if d.score is None
        else {"dimension": d.dimension, "suppressed": False, "n": d.n, "score": rounded(d.score, 2),
              "level": d.level, "items": d.items_answered, **_interval_dict(d.ci), "near_boundary": d.near_boundary}
        for d in maturity.dimensions
    ]
    overall = None
    if maturity.overall is not None:
        overall = {"n": max(d.n for d in maturity.dimensions), "score": rounded(maturity.overall, 2),
                   "level": maturity.overall_level, **_interval_dict(maturity.overall_ci),
                   "near_boundary": maturity.overall_near_boundary}
    return {"overall": overall, "dimensions": dimensions}


def _interval_dict(ci: tuple[float, float] | None) -> dict[str, float | None]:
    return {"ci_low": rounded(ci[0], 2) if ci else None, "ci_high": rounded(ci[1], 2) if ci else None}


def answer_key(answer: bool | None) -> str:
    return {True: "yes", False: "no", None: "undecided"}[answer]


def _diagnostic_dict(results: WaveResults) -> dict[str, Any] | None:
    diagnostic = results.diagnostic
    if diagnostic is None:
        return None
    verdict = diagnostic.verdict
    return {
        "n": results.respondents,
        "questions": [
            {"question_id": a.question_id, "suppressed": True} if a.suppressed
            else {"question_id": a.question_id, "suppressed": False, "n": a.n, "yes": a.yes, "no": a.no,
                  "answer": answer_key(a.answer)}
            for a in diagnostic.answers
        ],
        "yes_count": verdict.yes_count, "no_count": verdict.no_count, "unanswered": verdict.unanswered,
        "missing_governance": verdict.missing_governance, "verdict": verdict.verdict_key,
    }
