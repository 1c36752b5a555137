"""An attacker reads every path a wave's results leave by and tries to single somebody out.

Random org trees, audiences and answers (hypothesis, fixed seed, bounded examples). A wave is
answered through the services the chat uses; the attacker reads it while it is open (before the
last respondent answers) and after it closes, through every read path: `survey results` for the
whole wave and with every `--unit` filter (the same results object is what the CLI table, the JSON,
the chat and the closing post render) and the digest (its EX figures, which the dashboard and the
digest JSON render). The attacker knows the org tree and who is in which unit.

Every figure is a sum over a set of people (a count, a sum of answers, a multiset of comments),
so any combination of shown figures determines exactly the groups whose indicator lies in the
linear span of the shown sets. The test fails when such a group has 1..k-1 people in it, or
1..k-1 respondents (for the respondent counts) or answerers of a question (for that question's
figures), and when the list of units shown depends on who answered.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.digest.compute import compute_digest
from bot.digest.model import Period
from bot.errors import UserError
from bot.services import directory, survey_responses, survey_results, survey_waves
from storage.db import Database
from storage.models import Base

SURVEY = """
id = "attack-pulse"
kind = "pulse"
title = { pl = "Puls", en = "Pulse" }
[[questions]]
id = "score"
type = "nps"
optional = true
text = { pl = "Polecisz?", en = "Recommend?" }
[[questions]]
id = "item"
type = "likert"
optional = true
text = { pl = "Mam co trzeba", en = "I have what I need" }
[[questions]]
id = "why"
type = "text"
optional = true
text = { pl = "Dlaczego?", en = "Why?" }
"""
QUESTIONS = ("score", "item", "why")
OPENED = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
MID_WAVE = OPENED + timedelta(days=3)
CLOSED = OPENED + timedelta(days=8)
# a period that ends after the wave's window (the read in the middle of the wave is made before it ends)
PERIOD = Period(OPENED.date(), (OPENED + timedelta(days=13)).date(), "2026-03-02..2026-03-15")


@dataclass(frozen=True)
class Scenario:
    k: int
    parents: tuple[int | None, ...]  # unit i's parent (an earlier unit) or None
    unit_of: tuple[int, ...]  # person i's unit
    answers: tuple[tuple[int | None, int | None, str | None] | None, ...]  # None: does not answer
    late: int | None  # the respondent who answers after the reading in the middle of the wave


@st.composite
def scenarios(draw) -> Scenario:
    k = draw(st.sampled_from((3, 4, 5)))
    n_units = draw(st.integers(2, 6))
    parents = tuple([None] + [draw(st.one_of(st.none(), st.integers(0, i - 1))) for i in range(1, n_units)])
    sizes = [draw(st.integers(0, 2 * k)) for _ in range(n_units)]
    if sum(sizes) < k:
        sizes[0] += k - sum(sizes)
    unit_of = tuple(unit for unit, size in enumerate(sizes) for _ in range(size))
    answer = st.one_of(st.none(), st.tuples(
        st.one_of(st.none(), st.integers(0, 10)), st.one_of(st.none(), st.integers(1, 5)),
        st.one_of(st.none(), st.sampled_from(("slow tools", "good team", "no time", "fine")))))
    answers = tuple(draw(answer) for _ in unit_of)
    responding = [i for i, given in enumerate(answers) if given and any(v is not None for v in given)]
    late = draw(st.sampled_from(responding)) if responding else None
    return Scenario(k, parents, unit_of, answers, late)


def unit_name(index: int) -> str:
    return f"U{index}"


def subtree(scenario: Scenario, unit: int) -> set[int]:
    units = {unit}
    changed = True
    while changed:
        below = {i for i, parent in enumerate(scenario.parents) if parent in units}
        changed = not below <= units
        units |= below
    return units


def people_in(scenario: Scenario, unit: int | None) -> frozenset[int]:
    if unit is None:
        return frozenset(range(len(scenario.unit_of)))
    units = subtree(scenario, unit)
    return frozenset(p for p, u in enumerate(scenario.unit_of) if u in units)


def row_people(scenario: Scenario, unit: int) -> frozenset[int]:
    """The people behind a by-unit row: the unit and its sub-units."""
    return people_in(scenario, unit)


def email(person: int) -> str:
    return f"p{person}@example.pl"


# --- running the wave through the services ---------------------------------------------------


def build(scenario: Scenario) -> tuple[Database, int]:
    db = Database("sqlite://")
    Base.metadata.create_all(db.engine)
    with db.unit_of_work() as session:
        for index, parent in enumerate(scenario.parents):
            directory.add_org_unit(session=session, name=unit_name(index),
                                   parent=None if parent is None else unit_name(parent))
        for person, unit in enumerate(scenario.unit_of):
            directory.add_person(session=session, email=email(person), name=f"P{person}", org_unit=unit_name(unit))
        survey_waves.add_survey(session=session, toml_text=SURVEY, source="attack.toml", now=OPENED)
        wave_id, _ = survey_waves.send_wave(session=session, key="attack-pulse", audience="everyone", now=OPENED,
                                            days=7, k=scenario.k)
    return db, wave_id


def answer(db: Database, wave_id: int, person: int, given, now: datetime) -> None:
    with db.unit_of_work() as session:
        token = survey_responses.start(session=session, wave_id=wave_id, email=email(person), now=now)
        for question, value in zip(QUESTIONS, given):
            if value is not None:
                survey_responses.answer(session=session, token=token, question_id=question, raw=str(value), now=now)
        survey_responses.finish(session=session, token=token, email=email(person), now=now)


# --- what the attacker sees --------------------------------------------------------------------


@dataclass
class Observed:
    """Shown sets of people per family of figures ("count", "q:<id>", "comments:<id>")."""

    sets: dict[str, set[frozenset[int]]] = field(default_factory=dict)
    listing_leaks: int = 0

    def add(self, family: str, people: frozenset[int]) -> None:
        self.sets.setdefault(family, set()).add(people)


def read_results(db: Database, wave_id: int, scenario: Scenario, seen: Observed, *, now: datetime,
                 without: frozenset[int]) -> None:
    for unit in [None, *range(len(scenario.parents))]:
        with db.unit_of_work() as session:
            try:
                results, _definition = survey_results.wave_results(
                    session=session, wave_id=wave_id, now=now, unit=None if unit is None else unit_name(unit))
            except UserError:
                continue  # refused: nothing shown
        scope = people_in(scenario, unit) - without
        observe_scope(seen, scope, results)
        expected_units = {unit_name(u) for u in range(len(scenario.parents))
                          if people_in(scenario, u) and (unit is None or u in subtree(scenario, unit) - {unit})}
        if not results.suppressed and {row.unit for row in results.by_unit} != expected_units:
            seen.listing_leaks += 1
        for row in results.by_unit:
            row_unit = int(row.unit[1:])
            observe_scope(seen, row_people(scenario, row_unit) - without, row)


def observe_scope(seen: Observed, scope: frozenset[int], shown) -> None:
    if getattr(shown, "suppressed", True):
        return
    seen.add("count", scope)
    for question in shown.questions:
        if not question.suppressed:
            seen.add(f"q:{question.question_id}", scope)
    for comments in getattr(shown, "comments", ()):
        if not comments.suppressed:
            seen.add(f"comments:{comments.question_id}", scope)


def read_digest(db: Database, scenario: Scenario, seen: Observed, *, now: datetime, without: frozenset[int]) -> None:
    with db.unit_of_work() as session:
        digest = compute_digest(session, PERIOD, now=now, k=scenario.k)
    everyone = people_in(scenario, None) - without
    for figure in digest.ex:
        if any(point.n is not None for point in figure.trend):
            question = "score" if figure.scale == "nps" else "item"
            seen.add(f"q:{question}", everyone)


def observe(scenario: Scenario) -> Observed:
    db, wave_id = build(scenario)
    seen = Observed()
    try:
        late = frozenset() if scenario.late is None else frozenset({scenario.late})
        for person, answers in enumerate(scenario.answers):
            if answers is not None and person not in late:
                answer(db, wave_id, person, answers, OPENED + timedelta(hours=1))
        read_results(db, wave_id, scenario, seen, now=MID_WAVE, without=late)
        read_digest(db, scenario, seen, now=MID_WAVE, without=late)
        for person in late:
            answer(db, wave_id, person, scenario.answers[person], MID_WAVE + timedelta(hours=1))
        with db.unit_of_work() as session:
            survey_waves.close_wave(session=session, wave_id=wave_id, now=CLOSED)
        read_results(db, wave_id, scenario, seen, now=CLOSED, without=frozenset())
        read_digest(db, scenario, seen, now=CLOSED + timedelta(days=7), without=frozenset())
    finally:
        db.dispose()
    return seen


# --- what the shown sets determine ---------------------------------------------------------------


def determined_groups(shown: set[frozenset[int]], people: int):
    """Every group of people whose indicator is a linear combination of the shown sets' indicators."""
    blocks: dict[tuple[bool, ...], list[int]] = {}
    ordered = sorted(shown, key=sorted)
    for person in range(people):
        signature = tuple(person in s for s in ordered)
        if any(signature):
            blocks.setdefault(signature, []).append(person)
    members = list(blocks.values())
    if not members:
        return
    matrix = np.array([[1.0 if block[0] in s else 0.0 for block in members] for s in ordered])
    projector = np.linalg.pinv(matrix) @ matrix
    for size in range(1, len(members) + 1):
        for chosen in itertools.combinations(range(len(members)), size):
            vector = np.zeros(len(members))
            vector[list(chosen)] = 1.0
            if np.allclose(vector @ projector, vector, atol=1e-7):
                yield frozenset(p for i in chosen for p in members[i])


def leaks(scenario: Scenario, seen: Observed) -> list[str]:
    found = [f"units listed by who answered ({seen.listing_leaks}x)"] if seen.listing_leaks else []
    k = scenario.k
    for family, shown in sorted(seen.sets.items()):
        for group in determined_groups(shown, len(scenario.unit_of)):
            answering = sum(1 for p in group if counts_in(scenario, family, p))
            if 0 < len(group) < k or 0 < answering < k:
                found.append(f"{family}: a group of {len(group)} people with {answering} answering is determined")
                break
    return found


def counts_in(scenario: Scenario, family: str, person: int) -> bool:
    given = scenario.answers[person]
    if given is None:
        return False
    if family == "count":
        return any(value is not None for value in given)
    question = family.split(":", 1)[1]
    return given[QUESTIONS.index(question)] is not None


@settings(max_examples=30, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios())
def test_no_combination_of_shown_figures_singles_anybody_out(scenario):
    assert leaks(scenario, observe(scenario)) == []
