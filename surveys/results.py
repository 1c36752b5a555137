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

Anonymity (k from `validate_k`; comments need `k_comments`, default max(10, k)), audited by
`surveys.scopes.ScopeAudit` (read its docstring):
- `org_unit` is the unit a response is stored under (already coarsened, `scopes.storage_units`);
  `audience` counts the people the wave was sent to by the unit they sit in, `parents` is the org
  tree. Without them the respondents stand for the audience and every unit is a top unit;
- a group (the whole wave, a `unit` filter "this unit and its sub-units", a by-unit row, which is
  the unit with its sub-units too) is shown only when it is a union of whole cells with at least k
  respondents; a question's figures only when the group is also made of whole cells of that
  question and k people answered it; its comments likewise with k_comments, in a random order;
- a `unit` filter that would break this is refused: `ScopeDifferenceTooSmall` when what it leaves
  out of a group around it (or what its sub-units leave out of it) could be 1..k-1 people,
  `GroupTooSmall` when fewer than k answered in it. Without a filter, a whole wave below k is
  returned with `suppressed=True` and no figures at all (not even the list of units);
- the by-unit list names every unit below the scope that has people of the audience, whether or
  not anyone there answered; a hidden entry carries no n;
- maturity is scored from the items shown only (an item answered by fewer than k people
  does not leak into its dimension's mean); comments come only for the whole scope.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from surveys.anonymity import DEFAULT_K, GroupTooSmall, ScopeDifferenceTooSmall, validate_k
from surveys.diagnostic import DiagnosticVerdict, diagnostic_verdict
from surveys.inference import beyond_noise, holm_rejections
from surveys.maturity import MaturityResult, score_maturity
from surveys.model import Question, SurveyDefinition
from surveys.question_types import QuestionType, question_type
from surveys.results_format import results_to_dict
from surveys.scopes import DEFAULT_K_COMMENTS, ScopeAudit, storage_units
from surveys.question_types.text import TextResult
from surveys.question_types.yes_no import YesNoResult
from surveys.scoring import Change, LikertResult, NpsResult, collect_comments
from surveys.stats import is_present

REQUIRED_COLUMNS = ("response_id", "org_unit", "question_id", "value_int", "value_text")


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

    @property
    def kind(self) -> QuestionType:
        return question_type(self.type)


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
    texts: tuple[str, ...] = ()  # in a random order, without times: the order tells nothing


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

    @property
    def kind(self) -> QuestionType:
        return question_type(self.type)


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
    parents: Mapping[str, str | None] | None = None,
    audience: Mapping[str, int] | None = None,
    previous: WaveResults | None = None,
    k_comments: int | None = None,
) -> WaveResults:
    """The results of one wave; refuses a `unit` filter that could single anybody out (see the module)."""
    validate_k(k)
    k_comments = comment_threshold(k, k_comments)
    if previous is not None and previous.survey_id != definition.id:
        raise ValueError(f"cannot compare survey {definition.id!r} with a wave of {previous.survey_id!r}")
    if previous is not None and previous.unit != unit:
        raise ValueError(f"cannot compare the scope {unit!r} with a previous wave of {previous.unit!r}")
    frame = _given_answers(answers, definition)
    audit = _audit(frame, definition, k, k_comments, parents or {}, audience)
    atoms = audit.atoms_of(unit)
    if unit is not None and not audit.whole_cells(atoms):
        raise ScopeDifferenceTooSmall(n_required=k)
    if unit is not None and audit.respondents_in(atoms) < k:
        raise GroupTooSmall(n_required=k)
    if not audit.scope_shown(atoms):
        return WaveResults(definition.id, unit, k, suppressed=True, respondents=None)

    scoped = frame[frame["org_unit"].isin(atoms)]
    values = _values_by_question(scoped)
    questions = _question_results(definition, audit, atoms, values)
    listed = audit.listed_units(unit, audience if audience is not None else audit.respondents)
    return WaveResults(
        survey_id=definition.id,
        unit=unit,
        k=k,
        suppressed=False,
        respondents=audit.respondents_in(atoms),
        questions=questions,
        by_unit=tuple(_unit_result(frame, definition, audit, name) for name in listed),
        comments=tuple(_comments(q, values.get(q.id, []), audit.comments_shown(atoms, q.id))
                       for q in definition.questions if q.kind.written),
        maturity=_maturity(definition, questions, values),
        diagnostic=_diagnostic(definition, questions),
        changes=_changes(previous, questions),
    )


def comment_threshold(k: int, k_comments: int | None) -> int:
    """Comments need k_comments respondents: DEFAULT_K_COMMENTS unless given, and never below k."""
    return max(k, DEFAULT_K_COMMENTS if k_comments is None else k_comments)


def _audit(frame: pd.DataFrame, definition: SurveyDefinition, k: int, k_comments: int,
           parents: Mapping[str, str | None], audience: Mapping[str, int] | None) -> ScopeAudit:
    respondents: dict[str, int] = {}
    answered: dict[str, dict[str, int]] = {}
    if len(frame):
        respondents = {str(u): int(n) for u, n in frame.groupby("org_unit")["response_id"].nunique().items()}
        for (question_id, atom), n in frame.groupby(["question_id", "org_unit"])["response_id"].nunique().items():
            answered.setdefault(str(question_id), {})[str(atom)] = int(n)
    members = dict(respondents)
    if audience is not None:
        members = {}
        stored_under = storage_units(parents, audience, k)
        for sits_in, count in audience.items():
            members[stored_under[sits_in]] = members.get(stored_under[sits_in], 0) + count
    return ScopeAudit(k=k, k_comments=k_comments, parents=parents, members=members, respondents=respondents,
                      answered=answered, text_questions=[q.id for q in definition.questions if q.kind.written])


def _question_results(definition: SurveyDefinition, audit: ScopeAudit, atoms: frozenset[str],
                      values: Mapping[str, list[Any]]) -> tuple[QuestionResult, ...]:
    return tuple(_question_result(q, values.get(q.id, []), hidden=not audit.question_shown(atoms, q.id))
                 for q in definition.questions)


def _unit_result(frame: pd.DataFrame, definition: SurveyDefinition, audit: ScopeAudit, name: str) -> UnitResult:
    """A by-unit row: the unit with its sub-units, shown only as a whole-cell group."""
    atoms = audit.atoms_of(name)
    if not audit.scope_shown(atoms):
        return UnitResult(name, suppressed=True)
    values = _values_by_question(frame[frame["org_unit"].isin(atoms)])
    questions = _question_results(definition, audit, atoms, values)
    return UnitResult(name, False, audit.respondents_in(atoms), questions, _maturity(definition, questions, values))


# --- reading the frame --------------------------------------------------------


def _given_answers(answers: pd.DataFrame, definition: SurveyDefinition) -> pd.DataFrame:
    """One row per (respondent, question) with a given value, cleaned, unit fixed per respondent."""
    missing = [column for column in REQUIRED_COLUMNS if column not in answers.columns]
    if missing:
        raise ValueError(f"the answers lack the column(s) {', '.join(missing)}")
    kinds = {q.id: q.kind for q in definition.questions}
    rows = []
    for response_id, org_unit, question_id, value_int, value_text in zip(
        *(answers[column].astype(object).tolist() for column in REQUIRED_COLUMNS)
    ):
        kind = kinds.get(question_id)
        if kind is None:
            continue
        value = value_text if kind.written else value_int
        if not is_present(response_id) or not is_present(value):
            continue
        rows.append((str(response_id), _unit_name(org_unit), question_id, _read(question_id, kind, value)))
    frame = pd.DataFrame(rows, columns=["response_id", "org_unit", "question_id", "value"], dtype=object)
    if frame.empty:
        return frame
    frame["org_unit"] = frame.groupby("response_id", sort=False)["org_unit"].transform("first")
    return frame.drop_duplicates(["response_id", "question_id"], keep="last")


def _unit_name(value: Any) -> str:
    return str(value) if is_present(value) else ""


def _read(question_id: str, kind: QuestionType, value: Any) -> int | str:
    try:
        return kind.read(value)
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
    return QuestionResult(question.id, question.type, False, len(values), question.kind.score(values))


def _comments(question: Question, values: list[Any], shown: bool) -> CommentsResult:
    if not shown:
        return CommentsResult(question.id, suppressed=True)
    comments = collect_comments(values)
    in_random_order = random.SystemRandom().sample(list(comments.texts), len(comments.texts))
    return CommentsResult(question.id, False, comments.n, tuple(in_random_order))


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
        change = current.kind.change(old.result, current.result)
        if change is None:
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
    "comment_threshold", "compute_wave_results", "results_to_dict",
]
