"""A wave's results as a neutral message for the governance channel (every figure with its n)."""
from __future__ import annotations


from bot.errors import N_, NP_
from bot.digest.texts import num
from bot.i18n import Translate
from bot.messages import Field, Message
from bot.text_rules import shorten
from surveys import SurveyDefinition, stage_for
from surveys.diagnostic import DataAnswer
from surveys.dimensions import DIMENSIONS
from surveys.results import QuestionResult, WaveResults

VERDICTS = {
    "diagnostic.verdict.missing_governance": N_("More than two \"no\" answers: the problem is missing Experience "
                                                "Governance, not the link between EX and CX."),
    "diagnostic.verdict.strengthen_ex_cx_link": N_("One or two \"no\" answers: governance exists; strengthen the link "
                                                   "between EX and CX where the answer was no."),
    "diagnostic.verdict.healthy": N_("All six answers are yes: the operating model governs experiences."),
    "diagnostic.verdict.incomplete": N_("Too few answers to give a verdict."),
}


def _text(localized, _: Translate) -> str:
    return localized.for_locale(_.locale)


def question_figure(result: QuestionResult, _: Translate) -> str:
    if result.suppressed:
        return _("hidden: fewer than k respondents")
    return result.kind.figure_text(result.result, result.n, _)


def _change_note(results: WaveResults, question_id: str, _: Translate) -> str:
    for change in results.changes:
        if change.question_id == question_id:
            noise = _("beyond noise") if change.change.significant else _("within noise")
            delta = num(change.change.delta, _, change.kind.delta_digits, signed=True)
            return "\n" + _("change since the previous wave: {delta} ({noise})", delta=delta, noise=noise)
    return ""


DATA_QUESTIONS = (
    ("nps_enps_together", N_("1. NPS and eNPS move together")),
    ("no_workarounds", N_("2. No informal workarounds")),
    ("managers_accountable", N_("3. Managers are accountable for the conditions they create")),
    ("decisions_all_experiences", N_("4. Decisions are checked for every experience")),
    ("voc_changes_policies", N_("5. The closed loop changes policies")),
)


def data_answer_text(answer: DataAnswer | None, _: Translate) -> str:
    """yes / no / undecided / not enough data (n = ...); "-" where the data has no rule for the question."""
    if answer is None:
        return "-"
    if not answer.enough:
        return _("not enough data (n = {n})", n=answer.n)
    return {"yes": _("yes"), "no": _("no"), "undecided": _("undecided")}[answer.key] + f" (n = {answer.n})"


def _evidence_text(evidence: dict[str, DataAnswer], _: Translate) -> str:
    lines = [_("What the data says:")]
    lines += [f"{_(label)}: {data_answer_text(evidence.get(question_id), _)}" for question_id, label in DATA_QUESTIONS]
    return "\n".join(lines)


def results_message(results: WaveResults, definition: SurveyDefinition, _: Translate,
                    evidence: dict[str, DataAnswer] | None = None) -> Message:
    title = _text(definition.title, _)
    if results.suppressed:
        return Message(header=_("Results: {title}", title=title),
                       text=_(NP_("Fewer than {n} person answered, so nothing is shown.",
                            "Fewer than {n} people answered, so nothing is shown."), n=results.k))
    questions = {q.id: q for q in definition.questions}
    fields = [Field(shorten(_text(questions[q.question_id].text, _), 150), question_figure(q, _) + _change_note(results, q.question_id, _))
              for q in results.questions if definition.kind != "maturity"]
    fields += _maturity_fields(results, _) + _unit_fields(results, _)
    text = _("Respondents: {n} · results are shown only for groups of at least {k}.", n=results.respondents, k=results.k)
    if results.diagnostic is not None:
        text += "\n\n" + _(VERDICTS[results.diagnostic.verdict.verdict_key])
        if evidence is not None:
            text += "\n\n" + _evidence_text(evidence, _)
    return Message(header=_("Results: {title}", title=title), text=text, fields=tuple(fields))


def _maturity_fields(results: WaveResults, _: Translate) -> list[Field]:
    maturity = results.maturity
    if maturity is None:
        return []
    fields = [Field(_text(DIMENSIONS[d.dimension].name, _),
                    _level_text(d.score, d.level, d.n, _) + _interval_note(d.ci, d.near_boundary, _))
              for d in maturity.dimensions]
    if maturity.overall is not None:
        text = _level_text(maturity.overall, maturity.overall_level, results.respondents, _)
        fields.append(Field(_("Overall maturity"),
                            text + _interval_note(maturity.overall_ci, maturity.overall_near_boundary, _)))
    return fields


def _interval_note(ci: tuple[float, float] | None, near_boundary: bool, _: Translate) -> str:
    """" · 95% interval a-b", and the near-a-boundary note when the interval reaches past a level boundary."""
    text = "" if ci is None else " · " + _("95% interval {low:.2f}-{high:.2f}", low=ci[0], high=ci[1])
    if near_boundary:
        text += " · " + _("near a level boundary: another sample could land a level up or down")
    return text


def _level_text(score, level, n, _: Translate) -> str:
    if score is None:
        return _("hidden: fewer than k respondents")
    stage = stage_for(level)
    return _("{score:.2f} · level {level}: {stage} · n = {n}", score=score, level=level, stage=_text(stage.name, _), n=n)


def _unit_fields(results: WaveResults, _: Translate) -> list[Field]:
    if all(unit.suppressed for unit in results.by_unit):
        return []
    lines = []
    for unit in results.by_unit:
        if unit.suppressed:
            lines.append(_("{unit}: hidden to keep answers anonymous", unit=unit.unit or "-"))
            continue
        first = next((q for q in unit.questions if q.kind.scored), None)
        figure = question_figure(first, _) if first else ""
        lines.append(f"{unit.unit or '-'}: {figure}")
    return [Field(_("By org unit (first scored question)"), "\n".join(lines))] if lines else []
