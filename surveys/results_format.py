"""Wave results as a JSON-ready dict and as a plain-text table for a terminal (PL / EN).

Both only read a `surveys.results.WaveResults`; hidden entries are printed as hidden,
never with their n. Rounding in the dict: scores and percentages 1 decimal, means and
maturity scores and their intervals 2 decimals, p-values 4 decimals.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING, Any

from surveys.diagnostic import (
    VERDICT_HEALTHY,
    VERDICT_INCOMPLETE,
    VERDICT_MISSING_GOVERNANCE,
    VERDICT_STRENGTHEN_EX_CX_LINK,
)
from surveys.dimensions import DIMENSIONS
from surveys.maturity import stage_for
from surveys.scoring import LikertResult, NpsResult

if TYPE_CHECKING:
    from surveys.maturity import MaturityResult
    from surveys.model import SurveyDefinition
    from surveys.results import QuestionResult, UnitResult, WaveResults

LABELS: dict[str, dict[str, str]] = {
    "scope_all": {"en": "Scope: the whole wave", "pl": "Zakres: cała fala"},
    "scope_unit": {"en": "Scope: {unit} and its sub-units", "pl": "Zakres: {unit} wraz z jednostkami podrzędnymi"},
    "respondents": {"en": "Respondents: {n}", "pl": "Respondenci: {n}"},
    "threshold": {"en": "anonymity threshold k = {k}", "pl": "próg anonimowości k = {k}"},
    "suppressed": {"en": "suppressed (fewer than {k} respondents)", "pl": "ukryte (mniej niż {k} respondentów)"},
    "unit_suppressed": {"en": "suppressed (fewer than {k} respondents here, or between it and another group shown)",
                        "pl": "ukryte (mniej niż {k} respondentów tu albo w różnicy z inną pokazaną grupą)"},
    "results": {"en": "Results", "pl": "Wyniki"},
    "question": {"en": "Question", "pl": "Pytanie"},
    "result": {"en": "Result", "pl": "Wynik"},
    "by_unit": {"en": "By org unit", "pl": "Według jednostek organizacyjnych"},
    "unit": {"en": "Unit", "pl": "Jednostka"},
    "no_unit": {"en": "(no org unit)", "pl": "(bez jednostki)"},
    "comments": {"en": "Comments", "pl": "Komentarze"},
    "maturity": {"en": "CX Governance maturity", "pl": "Dojrzałość CX Governance"},
    "dimension": {"en": "Dimension", "pl": "Wymiar"},
    "score": {"en": "Score", "pl": "Wynik"},
    "level": {"en": "Level", "pl": "Poziom"},
    "stage": {"en": "Stage", "pl": "Etap"},
    "overall": {"en": "Overall", "pl": "Ogółem"},
    "diagnostic": {"en": "Operating-model diagnostic", "pl": "Diagnoza modelu operacyjnego"},
    "yes": {"en": "yes", "pl": "tak"},
    "no": {"en": "no", "pl": "nie"},
    "majority": {"en": "Majority", "pl": "Większość"},
    "undecided": {"en": "undecided (tie)", "pl": "nierozstrzygnięte (remis)"},
    "verdict": {"en": "Verdict", "pl": "Werdykt"},
    "changes": {"en": "Change since the previous wave", "pl": "Zmiana od poprzedniej fali"},
    "change": {"en": "Change", "pl": "Zmiana"},
    "significant": {"en": "significant", "pl": "istotna"},
    "noise": {"en": "within noise", "pl": "w granicach szumu"},
    "nps": {"en": "NPS {score} (promoters {p}, passives {m}, detractors {d}; 95% interval {low} to {high})",
            "pl": "NPS {score} (promotorzy {p}, neutralni {m}, krytycy {d}; przedział 95%: {low} do {high})"},
    "likert": {"en": "mean {mean} (95% interval {low} to {high}), agree (4-5) {top2}% (95% interval {top2_low} to {top2_high})",
               "pl": "średnia {mean} (przedział 95%: {low} do {high}), zgadza się (4-5) {top2}% "
                     "(przedział 95%: {top2_low} do {top2_high})"},
    "likert_short": {"en": "mean {mean}, agree (4-5) {top2}%", "pl": "średnia {mean}, zgadza się (4-5) {top2}%"},
    "yes_no": {"en": "yes {share}% ({yes} yes, {no} no)", "pl": "tak {share}% ({yes} tak, {no} nie)"},
    "text": {"en": "{n} comments", "pl": "komentarze: {n}"},
    "unit_maturity": {"en": "Maturity overall", "pl": "Dojrzałość ogółem"},
    "interval": {"en": "95% interval", "pl": "przedział 95%"},
    "near_boundary": {"en": "near a level boundary: another sample could land a level up or down",
                      "pl": "blisko granicy poziomu: inna próba mogłaby dać poziom wyżej lub niżej"},
}

VERDICT_TEXTS: dict[str, dict[str, str]] = {
    VERDICT_MISSING_GOVERNANCE: {
        "en": "More than two \"no\" answers: the problem is missing Experience Governance, not the EX-CX link.",
        "pl": "Więcej niż dwie odpowiedzi „nie”: problemem jest brak Experience Governance "
              "(ładu zarządczego doświadczeń), a nie powiązanie EX-CX.",
    },
    VERDICT_STRENGTHEN_EX_CX_LINK: {
        "en": "One or two \"no\" answers: governance is in place; strengthen the EX-CX link where the answer is \"no\".",
        "pl": "Jedna lub dwie odpowiedzi „nie”: ład zarządczy działa; wzmocnijcie powiązanie EX-CX tam, "
              "gdzie odpowiedź brzmi „nie”.",
    },
    VERDICT_HEALTHY: {
        "en": "All six answers are \"yes\": the operating model is healthy.",
        "pl": "Wszystkie sześć odpowiedzi to „tak”: model operacyjny jest zdrowy.",
    },
    VERDICT_INCOMPLETE: {
        "en": "Not enough answers for a verdict: some questions are unanswered or hidden.",
        "pl": "Za mało odpowiedzi, by wydać werdykt: część pytań nie ma odpowiedzi albo jest ukryta.",
    },
}

QUESTION_WIDTH = 50


# --- dict ---------------------------------------------------------------------


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
                "delta": _round(c.change.delta, 1 if c.type == "nps" else 2),
                "p": _round(c.change.p_value, 4), "method": c.change.method, "significant": c.change.significant, "direction": c.change.direction,
            }
            for c in results.changes
        ],
    }


def _round(value: float | None, digits: int) -> float | None:
    if value is None or math.isinf(value) or math.isnan(value):
        return None
    return round(value, digits) + 0.0  # + 0.0 turns -0.0 into 0.0


def _question_dict(question: QuestionResult) -> dict[str, Any]:
    if question.suppressed:
        return {"question_id": question.question_id, "suppressed": True}
    entry: dict[str, Any] = {"question_id": question.question_id, "type": question.type, "suppressed": False,
                             "n": question.n}
    result = question.result
    if isinstance(result, NpsResult):
        entry.update(score=_round(result.score, 1), promoters=result.promoters, passives=result.passives,
                     detractors=result.detractors, ci_low=_round(result.ci_low, 1), ci_high=_round(result.ci_high, 1))
    elif isinstance(result, LikertResult):
        entry.update(mean=_round(result.mean, 2), top2_box=_round(result.top2_box, 1),
                     distribution={str(value): count for value, count in result.distribution.items()},
                     ci_low=_round(result.ci_low, 2), ci_high=_round(result.ci_high, 2),
                     top2_ci_low=_round(result.top2_ci[0], 1) if result.top2_ci else None,
                     top2_ci_high=_round(result.top2_ci[1], 1) if result.top2_ci else None)
    elif question.type == "yes_no":
        entry.update(yes=result.yes, no=result.no, yes_share=_round(result.yes_share, 1))
    else:
        entry.update(comments=result.n)
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
        else {"dimension": d.dimension, "suppressed": False, "n": d.n, "score": _round(d.score, 2),
              "level": d.level, "items": d.items_answered, **_interval_dict(d.ci), "near_boundary": d.near_boundary}
        for d in maturity.dimensions
    ]
    overall = None
    if maturity.overall is not None:
        overall = {"n": max(d.n for d in maturity.dimensions), "score": _round(maturity.overall, 2),
                   "level": maturity.overall_level, **_interval_dict(maturity.overall_ci),
                   "near_boundary": maturity.overall_near_boundary}
    return {"overall": overall, "dimensions": dimensions}


def _interval_dict(ci: tuple[float, float] | None) -> dict[str, float | None]:
    return {"ci_low": _round(ci[0], 2) if ci else None, "ci_high": _round(ci[1], 2) if ci else None}


def _answer_key(answer: bool | None) -> str:
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
                  "answer": _answer_key(a.answer)}
            for a in diagnostic.answers
        ],
        "yes_count": verdict.yes_count, "no_count": verdict.no_count, "unanswered": verdict.unanswered,
        "missing_governance": verdict.missing_governance, "verdict": verdict.verdict_key,
    }


# --- table --------------------------------------------------------------------


def results_to_table(results: WaveResults, definition: SurveyDefinition, locale: str | None) -> str:
    """A plain-text report in Polish ("pl", "pl-PL") or English (anything else)."""
    lang = "pl" if (locale or "").replace("_", "-").split("-")[0].lower() == "pl" else "en"

    def t(key: str, **params: Any) -> str:
        return LABELS[key][lang].format(**params)

    def num(value: float | None, digits: int, sign: bool = False) -> str:
        if value is None:
            return "–"
        text = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
        return text.replace(".", ",") if lang == "pl" else text

    hidden = t("suppressed", k=results.k)
    scope = t("scope_all") if results.unit is None else t("scope_unit", unit=results.unit)
    lines = [f"{definition.title.for_locale(lang)} ({definition.id})", scope]
    if results.suppressed:
        return "\n".join([*lines, f"{t('respondents', n='–')}: {hidden}", ""])
    lines.append(f"{t('respondents', n=results.respondents)} · {t('threshold', k=results.k)}")

    def text_of(question_id: str) -> str:
        return definition.question(question_id).text.for_locale(lang)

    def figure(question: QuestionResult, full: bool = True) -> str:
        result = question.result
        if question.suppressed:
            return hidden
        if question.type == "nps":
            return t("nps", score=num(result.score, 1, sign=True), p=result.promoters, m=result.passives,
                     d=result.detractors, low=num(result.ci_low, 1), high=num(result.ci_high, 1))
        if question.type == "likert":
            key = "likert" if full and result.ci_low is not None else "likert_short"
            top2_low, top2_high = result.top2_ci or (None, None)
            return t(key, mean=num(result.mean, 2), top2=num(result.top2_box, 1), low=num(result.ci_low, 2),
                     high=num(result.ci_high, 2), top2_low=num(top2_low, 1), top2_high=num(top2_high, 1))
        if question.type == "yes_no":
            return t("yes_no", share=num(result.yes_share, 1), yes=result.yes, no=result.no)
        return t("text", n=result.n)

    def n_of(value: int | None) -> str:
        return "–" if value is None else str(value)

    number = {q.id: str(i) for i, q in enumerate(definition.questions, start=1)}
    lines += ["", t("results").upper()]
    lines += _grid(["#", t("question"), "n", t("result")],
                   [[number[q.question_id], text_of(q.question_id), n_of(q.n), figure(q)] for q in results.questions])

    if results.by_unit:
        lines += ["", t("by_unit").upper()]
        for unit in results.by_unit:
            name = unit.unit or t("no_unit")
            if unit.suppressed:
                lines += ["", f"{t('unit')}: {name} — {t('unit_suppressed', k=results.k)}"]
                continue
            lines += ["", f"{t('unit')}: {name} · {t('respondents', n=unit.respondents)}"]
            lines += ["  " + row for row in _grid(
                ["#", "n", t("result")],
                [[number[q.question_id], n_of(q.n),
                  t("unit_suppressed", k=results.k) if q.suppressed else figure(q, full=False)]
                 for q in unit.questions])]
            if unit.maturity is not None:
                lines.append("  " + _overall_maturity(unit.maturity, lang, t, num))

    if results.comments:
        lines += ["", t("comments").upper()]
        for comments in results.comments:
            lines += ["", f"{number[comments.question_id]}. {text_of(comments.question_id)}"]
            if comments.suppressed:
                lines.append(f"   {hidden}")
                continue
            lines.append(f"   n = {comments.n}")
            lines += [textwrap.fill(text, 76, initial_indent="   - ", subsequent_indent="     ")
                      for text in comments.texts]

    if results.maturity is not None:
        lines += ["", t("maturity").upper()]
        rows = []
        for d in results.maturity.dimensions:
            name = DIMENSIONS[d.dimension].name.for_locale(lang)
            if d.score is None:
                rows.append([name, "–", hidden, "", "", ""])
            else:
                rows.append([name, str(d.n), num(d.score, 2), _ci_text(d.ci, num), str(d.level),
                             stage_for(d.level).name.for_locale(lang) + (" *" if d.near_boundary else "")])
        lines += _grid([t("dimension"), "n", t("score"), t("interval"), t("level"), t("stage")], rows)
        if any(d.near_boundary for d in results.maturity.dimensions):
            lines.append(f"* {t('near_boundary')}")
        lines.append(_overall_maturity(results.maturity, lang, t, num))

    if results.diagnostic is not None:
        lines += ["", t("diagnostic").upper()]
        rows = []
        for a in results.diagnostic.answers:
            if a.suppressed:
                rows.append([number[a.question_id], text_of(a.question_id), "–", hidden, "", ""])
            else:
                rows.append([number[a.question_id], text_of(a.question_id), str(a.n), str(a.yes), str(a.no),
                             t(_answer_key(a.answer))])
        lines += _grid(["#", t("question"), "n", t("yes"), t("no"), t("majority")], rows)
        verdict = VERDICT_TEXTS[results.diagnostic.verdict.verdict_key][lang]
        lines += ["", f"{t('verdict')}: {verdict}"]

    if results.changes:
        lines += ["", t("changes").upper()]
        lines += _grid(
            ["#", t("question"), "n", t("change"), ""],
            [[number[c.question_id], text_of(c.question_id), f"{c.n} / {c.previous_n}",
              num(c.change.delta, 1 if c.type == "nps" else 2, sign=True),
              t("significant") if c.change.significant else t("noise")] for c in results.changes])
    return "\n".join(lines) + "\n"


def _overall_maturity(maturity: MaturityResult, lang: str, t: Any, num: Any) -> str:
    if maturity.overall is None:
        return f"{t('unit_maturity')}: –"
    n = max(d.n for d in maturity.dimensions)
    stage = stage_for(maturity.overall_level).name.for_locale(lang)
    text = (f"{t('unit_maturity')}: {num(maturity.overall, 2)} ({t('interval')} {_ci_text(maturity.overall_ci, num)})"
            f" · {t('level')} {maturity.overall_level} ({stage}) · n = {n}")
    return text + (f" · {t('near_boundary')}" if maturity.overall_near_boundary else "")


def _ci_text(ci: tuple[float, float] | None, num: Any) -> str:
    return "–" if ci is None else f"{num(ci[0], 2)}–{num(ci[1], 2)}"


def _grid(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Left-aligned columns; the widest column (question texts) wraps at QUESTION_WIDTH."""
    cells = [[textwrap.wrap(cell, QUESTION_WIDTH) or [""] if len(cell) > QUESTION_WIDTH and i == 1 else [cell]
              for i, cell in enumerate(row)] for row in rows]
    widths = [max([len(headers[i])] + [len(line) for row in cells for line in row[i]]) for i in range(len(headers))]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for row in cells:
        for j in range(max(len(cell) for cell in row)):
            out.append("  ".join((cell[j] if j < len(cell) else "").ljust(w) for cell, w in zip(row, widths)).rstrip())
    return out
