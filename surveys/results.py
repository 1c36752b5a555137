"""The results of one survey wave, computed from a pandas DataFrame, with anonymity enforced here.

Pure: no I/O. Input (as the storage layer produces it)::

    answers: DataFrame[response_id: str, org_unit: str ("" if none), question_id: str,
                       value_int: Int64 (nps 0-10, likert 1-5, yes_no 1/0; <NA> for text or skipped),
                       value_text: str | None (text answers only)]
    units:   {unit name: [itself and every descendant unit]}

Counting: a respondent counts towards a question's n only with a given (non-null, non-blank)
value; a group's size is its number of distinct response_id with at least one given answer
to a question of the definition. A respondent whose rows name several org units is placed
in the first one (row order), so that every respondent belongs to exactly one unit. Rows for
questions outside the definition are ignored; a value outside its question's scale raises
ValueError.

Anonymity (k from `validate_k`):
- a `unit` filter ("this unit and its sub-units") matching fewer than k respondents is
  refused with `GroupTooSmall`; without a filter, a whole wave below k is returned with
  `suppressed=True` and no figures at all (not even the list of units);
- every figure (question, unit, comment list, maturity dimension) needs k respondents;
  a hidden entry carries no n;
- complementary suppression: the overall figures are shown next to the units', so
  "overall minus the shown units" reveals the hidden ones. Whenever the hidden units
  together have 1..k-1 respondents, the smallest shown units are hidden too until they
  have >= k together (or every unit is hidden). The same is done per question across the
  shown units, using each unit's n for that question;
- maturity is scored from the items shown only (an item answered by fewer than k people
  does not leak into its dimension's mean); comments come only for the whole scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from surveys.anonymity import DEFAULT_K, check_filter_isolation, validate_k
from surveys.diagnostic import DiagnosticVerdict, diagnostic_verdict
from surveys.inference import beyond_noise, holm_rejections
from surveys.maturity import MaturityResult, score_maturity
from surveys.model import Question, SurveyDefinition
from surveys.results_format import results_to_dict, results_to_table
from surveys.scoring import Change, LikertResult, NpsResult, collect_comments, likert, mean_change, nps, nps_change
from surveys.stats import is_present, whole_number_in

REQUIRED_COLUMNS = ("response_id", "org_unit", "question_id", "value_int", "value_text")
_INT_RANGES = {"nps": (0, 10), "likert": (1, 5), "yes_no": (0, 1)}


@dataclass(frozen=True)
class YesNoResult:
    yes: int
    no: int
    n: int
    yes_share: float | None  # percent of yes answers, 0-100


@dataclass(frozen=True)
class TextResult:
    n: int  # number of comments given


ScoredResult = NpsResult | LikertResult | YesNoResult | TextResult


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    type: str
    suppressed: bool
    n: int | None = None
    result: ScoredResult | None = None

    def __post_init__(self) -> None:
        if self.suppressed and (self.n is not None or self.result is not None):
            raise ValueError("a suppressed result carries neither n nor figures")


@dataclass(frozen=True)
class UnitResult:
    unit: str
    suppressed: bool
    respondents: int | None = None
    questions: tuple[QuestionResult, ...] = ()
    maturity: MaturityResult | None = None  # maturity surveys only, from this unit's shown items

    def __post_init__(self) -> None:
        if self.suppressed and (self.respondents is not None or self.questions or self.maturity):
            raise ValueError("a suppressed unit carries neither n nor figures")


@dataclass(frozen=True)
class CommentsResult:
    question_id: str
    suppressed: bool
    n: int | None = None
    texts: tuple[str, ...] = ()  # sorted alphabetically: the order tells nothing


@dataclass(frozen=True)
class DiagnosticAnswer:
    question_id: str
    suppressed: bool
    yes: int | None = None
    no: int | None = None
    n: int | None = None
    answer: bool | None = None  # the majority: True / False; None when hidden or tied ("undecided")


@dataclass(frozen=True)
class DiagnosticResult:
    answers: tuple[DiagnosticAnswer, ...]
    verdict: DiagnosticVerdict


@dataclass(frozen=True)
class QuestionChange:
    question_id: str
    type: str
    n: int
    previous_n: int
    change: Change


@dataclass(frozen=True)
class WaveResults:
    survey_id: str
    unit: str | None  # the "unit and its sub-units" filter; None for the whole wave
    k: int
    suppressed: bool
    respondents: int | None
    questions: tuple[QuestionResult, ...] = ()
    by_unit: tuple[UnitResult, ...] = ()
    comments: tuple[CommentsResult, ...] = ()
    maturity: MaturityResult | None = None
    diagnostic: DiagnosticResult | None = None
    changes: tuple[QuestionChange, ...] = ()

    def question(self, question_id: str) -> QuestionResult:
        for result in self.questions:
            if result.question_id == question_id:
                return result
        raise KeyError(question_id)

    def unit_result(self, unit: str) -> UnitResult:
        for result in self.by_unit:
            if result.unit == unit:
                return result
        raise KeyError(unit)


def compute_wave_results(
    answers: pd.DataFrame,
    definition: SurveyDefinition,
    *,
    k: int = DEFAULT_K,
    unit: str | None = None,
    units: Mapping[str, Iterable[str]] | None = None,
    previous: WaveResults | None = None,
) -> WaveResults:
    """The results of one wave; raises GroupTooSmall when `unit` isolates fewer than k respondents."""
    validate_k(k)
    if previous is not None and previous.survey_id != definition.id:
        raise ValueError(f"cannot compare survey {definition.id!r} with a wave of {previous.survey_id!r}")
    if previous is not None and previous.unit != unit:
        raise ValueError(f"cannot compare the scope {unit!r} with a previous wave of {previous.unit!r}")
    frame = _given_answers(answers, definition)
    if unit is not None:
        members = set((units or {}).get(unit) or ()) | {unit}
        frame = frame[frame["org_unit"].isin(members)]
        check_filter_isolation(_respondent_count(frame), k)
    respondents = _respondent_count(frame)
    if respondents < k:
        return WaveResults(definition.id, unit, k, suppressed=True, respondents=None)

    values = _values_by_question(frame)
    questions = tuple(_question_result(q, values.get(q.id, []), hidden=len(values.get(q.id, [])) < k)
                      for q in definition.questions)
    by_unit = _unit_results(frame, definition, k)
    return WaveResults(
        survey_id=definition.id,
        unit=unit,
        k=k,
        suppressed=False,
        respondents=respondents,
        questions=questions,
        by_unit=by_unit,
        comments=tuple(_comments(q, values.get(q.id, []), k) for q in definition.questions if q.type == "text"),
        maturity=_maturity(definition, questions, values),
        diagnostic=_diagnostic(definition, questions),
        changes=_changes(previous, questions),
    )


def complementary_suppression(sizes: Mapping[str, int], k: int, *, already_hidden: int = 0) -> frozenset[str]:
    """The groups to hide so that the hidden ones never total 1..k-1 respondents.

    Groups below k are hidden; then, while the hidden total (`already_hidden` plus the
    hidden groups) lies between 1 and k-1, the smallest shown group (ties by name) is
    hidden as well. The hidden total is then 0 or >= k, or everything is hidden.
    """
    validate_k(k)
    hidden = {name for name, size in sizes.items() if size < k}
    hidden_total = already_hidden + sum(sizes[name] for name in hidden)
    shown = sorted((size, name) for name, size in sizes.items() if name not in hidden)
    for size, name in shown:
        if not 0 < hidden_total < k:
            break
        hidden.add(name)
        hidden_total += size
    return frozenset(hidden)


# --- reading the frame --------------------------------------------------------


def _given_answers(answers: pd.DataFrame, definition: SurveyDefinition) -> pd.DataFrame:
    """One row per (respondent, question) with a given value, cleaned, unit fixed per respondent."""
    missing = [column for column in REQUIRED_COLUMNS if column not in answers.columns]
    if missing:
        raise ValueError(f"the answers lack the column(s) {', '.join(missing)}")
    types = {q.id: q.type for q in definition.questions}
    rows = []
    for response_id, org_unit, question_id, value_int, value_text in zip(
        *(answers[column].astype(object).tolist() for column in REQUIRED_COLUMNS)
    ):
        question_type = types.get(question_id)
        value = value_text if question_type == "text" else value_int
        if question_type is None or not is_present(response_id) or not is_present(value):
            continue
        rows.append((str(response_id), _unit_name(org_unit), question_id, _clean(question_id, question_type, value)))
    frame = pd.DataFrame(rows, columns=["response_id", "org_unit", "question_id", "value"], dtype=object)
    if frame.empty:
        return frame
    frame["org_unit"] = frame.groupby("response_id", sort=False)["org_unit"].transform("first")
    return frame.drop_duplicates(["response_id", "question_id"], keep="last")


def _unit_name(value: Any) -> str:
    return str(value) if is_present(value) else ""


def _clean(question_id: str, question_type: str, value: Any) -> int | str:
    if question_type == "text":
        return str(value).strip()
    low, high = _INT_RANGES[question_type]
    try:
        return whole_number_in(value, low, high)
    except ValueError as error:
        raise ValueError(f"question {question_id!r}: {error}") from None


def _respondent_count(frame: pd.DataFrame) -> int:
    return int(frame["response_id"].nunique()) if len(frame) else 0


def _values_by_question(frame: pd.DataFrame) -> dict[str, list[Any]]:
    return {str(qid): group["value"].tolist() for qid, group in frame.groupby("question_id", sort=False)}


# --- scoring ------------------------------------------------------------------


def _question_result(question: Question, values: list[Any], *, hidden: bool) -> QuestionResult:
    if hidden:
        return QuestionResult(question.id, question.type, suppressed=True)
    return QuestionResult(question.id, question.type, False, len(values), _score(question.type, values))


def _score(question_type: str, values: list[Any]) -> ScoredResult:
    if question_type == "nps":
        return nps(values)
    if question_type == "likert":
        return likert(values)
    if question_type == "yes_no":
        yes = sum(1 for value in values if value == 1)
        n = len(values)
        return YesNoResult(yes, n - yes, n, yes / n * 100 if n else None)
    return TextResult(len(values))


def _unit_results(frame: pd.DataFrame, definition: SurveyDefinition, k: int) -> tuple[UnitResult, ...]:
    sizes = {str(name): int(size) for name, size in frame.groupby("org_unit")["response_id"].nunique().items()}
    hidden_units = complementary_suppression(sizes, k)
    shown_units = sorted(set(sizes) - hidden_units)
    cell_n = frame.groupby(["org_unit", "question_id"])["response_id"].nunique()
    n_of = {(str(u), str(q)): int(n) for (u, q), n in cell_n.items()}
    hidden_cells: set[tuple[str, str]] = set()
    for question in definition.questions:
        already = sum(n_of.get((name, question.id), 0) for name in hidden_units)
        cells = {name: n_of.get((name, question.id), 0) for name in shown_units}
        hidden_cells |= {(name, question.id) for name in complementary_suppression(cells, k, already_hidden=already)}

    results = []
    for name in sorted(sizes):
        if name in hidden_units:
            results.append(UnitResult(name, suppressed=True))
            continue
        values = _values_by_question(frame[frame["org_unit"] == name])
        questions = tuple(
            _question_result(q, values.get(q.id, []), hidden=(name, q.id) in hidden_cells) for q in definition.questions
        )
        results.append(UnitResult(name, False, sizes[name], questions, _maturity(definition, questions, values)))
    return tuple(results)


def _comments(question: Question, values: list[Any], k: int) -> CommentsResult:
    if len(values) < k:
        return CommentsResult(question.id, suppressed=True)
    comments = collect_comments(values)
    return CommentsResult(question.id, False, comments.n, comments.texts)


def _maturity(
    definition: SurveyDefinition, questions: tuple[QuestionResult, ...], values: Mapping[str, list[Any]]
) -> MaturityResult | None:
    if definition.kind != "maturity":
        return None
    shown = {r.question_id: values.get(r.question_id, []) for r in questions if not r.suppressed and r.type == "likert"}
    return score_maturity(definition, shown)


def _diagnostic(definition: SurveyDefinition, questions: tuple[QuestionResult, ...]) -> DiagnosticResult | None:
    if definition.kind != "diagnostic":
        return None
    answers = []
    for result in questions:
        if result.type != "yes_no":
            continue
        if result.suppressed:
            answers.append(DiagnosticAnswer(result.question_id, suppressed=True))
            continue
        counts = result.result
        answers.append(DiagnosticAnswer(result.question_id, False, counts.yes, counts.no, counts.n, _majority(counts)))
    verdict = diagnostic_verdict({a.question_id: a.answer for a in answers})
    return DiagnosticResult(tuple(answers), verdict)


def _majority(counts: YesNoResult) -> bool | None:
    return None if counts.yes == counts.no else counts.yes > counts.no


def _changes(previous: WaveResults | None, questions: tuple[QuestionResult, ...]) -> tuple[QuestionChange, ...]:
    """Each shown eNPS / 1-5 figure against the previous wave, decided together with Holm's correction."""
    if previous is None or previous.suppressed:
        return ()
    before = {r.question_id: r for r in previous.questions if not r.suppressed}
    changes = []
    for current in questions:
        old = before.get(current.question_id)
        if current.suppressed or old is None or old.type != current.type:
            continue
        if current.type == "nps":
            change = nps_change(old.result, current.result)
        elif current.type == "likert":
            change = mean_change(old.result, current.result)
        else:
            continue
        changes.append(QuestionChange(current.question_id, current.type, current.n, old.n, change))
    return with_holm(changes)


def with_holm(changes: list[QuestionChange]) -> tuple[QuestionChange, ...]:
    """The changes of one wave with `significant` re-decided by Holm's step-down across them."""
    tested = [c for c in changes if c.change.p_value is not None]
    rejected = dict(zip((id(c) for c in tested), holm_rejections([c.change.p_value for c in tested])))
    return tuple(
        replace(c, change=replace(c.change, significant=beyond_noise(c.change.delta, rejected[id(c)],
                                                                      c.change.figure_type)))
        if id(c) in rejected else c
        for c in changes
    )


__all__ = [
    "CommentsResult", "DiagnosticAnswer", "DiagnosticResult", "QuestionChange", "QuestionResult",
    "TextResult", "UnitResult", "WaveResults", "YesNoResult",
    "complementary_suppression", "compute_wave_results", "results_to_dict", "results_to_table",
]
