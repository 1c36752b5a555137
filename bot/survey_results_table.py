"""A wave's results as a plain-text table for a terminal (`xgov survey results --format table`), in the
reader's language through the catalogs like every other text. Hidden entries are printed as hidden,
never with their n. (The JSON form, with no words in it, is surveys/results_format.results_to_dict.)"""
from __future__ import annotations

import textwrap
from typing import Any

from bot.errors import N_
from bot.i18n import Translate
from bot.survey_results_messages import VERDICTS
from surveys import SurveyDefinition, stage_for
from surveys.dimensions import DIMENSIONS
from surveys.maturity import MaturityResult
from surveys.results import QuestionResult, WaveResults
from surveys.results_format import answer_key

QUESTION_WIDTH = 50
LABELS: dict[str, str] = {  # the table's words (msgids)
    'scope_all': N_('Scope: the whole wave'),
    'scope_unit': N_('Scope: {unit} and its sub-units'),
    'respondents': N_('Respondents: {n}'),
    'threshold': N_('anonymity threshold k = {k}'),
    'suppressed': N_('hidden (fewer respondents than k = {k})'),
    'unit_suppressed': N_('hidden (here, or in its difference from another group shown, fewer respondents than k = {k})'),
    'results': N_('Results'),
    'question': N_('Question'),
    'result': N_('Result'),
    'by_unit': N_('By org unit'),
    'unit': N_('Unit'),
    'no_unit': N_('(no org unit)'),
    'comments': N_('Comments'),
    'maturity': N_('CX Governance maturity'),
    'dimension': N_('Dimension'),
    'score': N_('Score'),
    'level': N_('Level'),
    'stage': N_('Stage'),
    'overall': N_('Overall'),
    'diagnostic': N_('Operating-model diagnostic'),
    'yes': N_('yes'),
    'no': N_('no'),
    'majority': N_('Majority'),
    'undecided': N_('undecided (tie)'),
    'verdict': N_('Verdict'),
    'changes': N_('Change since the previous wave'),
    'change': N_('Change'),
    'significant': N_('significant'),
    'noise': N_('within noise'),
    'unit_maturity': N_('Maturity overall'),
    'interval': N_('95% interval'),
    'near_boundary': N_('near a level boundary: another sample could land a level up or down'),
}

def results_to_table(results: WaveResults, definition: SurveyDefinition, _: Translate) -> str:
    """A plain-text report in the translator's language."""
    lang = _.locale

    def t(key: str, **params: Any) -> str:
        return _(LABELS[key], **params)

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
        return question.kind.table_text(result, _, num, full=full)

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
                             t(answer_key(a.answer))])
        lines += _grid(["#", t("question"), "n", t("yes"), t("no"), t("majority")], rows)
        verdict = _(VERDICTS[results.diagnostic.verdict.verdict_key])
        lines += ["", f"{t('verdict')}: {verdict}"]

    if results.changes:
        lines += ["", t("changes").upper()]
        lines += _grid(
            ["#", t("question"), "n", t("change"), ""],
            [[number[c.question_id], text_of(c.question_id), f"{c.n} / {c.previous_n}",
              num(c.change.delta, c.kind.delta_digits, sign=True),
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
