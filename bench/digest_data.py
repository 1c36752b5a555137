"""Synthetic data for the digest benchmark, written fast with bulk inserts.

`generate(url, config)` fills a migrated, empty database with a deterministic organisation:
people in a two-level tree of org units, policies with owners, a weekly anonymous
"conditions-pulse" wave (4 likert items) and a quarterly "enps" wave over `weeks` weeks,
frictions over the same span at every stage of their lifecycle (with their reporters), and
weekly KPI readings (NPS with its n, complaints per division and for the organisation, churn).

Rows are written with COPY on PostgreSQL (psycopg's ``cursor.copy``) and with executemany
on SQLite (plain DB-API tuples for the tables without datetimes, SQLAlchemy Core
``insert()`` with lists of dicts for the others so that datetimes are stored as the ORM
stores them). Everything derives from one seeded numpy generator, so the same config gives
the same rows on both backends.

On SQLite, foreign keys are not checked while loading (the rows are consistent by construction;
tests/test_bench_digest.py runs PRAGMA foreign_key_check on a small run) and the page cache is
raised for the load. PostgreSQL is ANALYZEd afterwards, as autovacuum would do soon after such a
load; SQLite is not (the bot never runs ANALYZE there), so its planner works without statistics.

Left out because the digest never reads them: wave_recipients, friction_events.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.orm import Session

from bot.services.frictions import EXPERIENCES, KINDS, OUTCOMES
from bot.services.registry import POLICY_KINDS
from bot.services.survey_waves import definition_of, ensure_builtin_surveys
from storage.db import make_engine
from storage.models import (
    Friction,
    FrictionReporter,
    KpiValue,
    OrgUnit,
    Person,
    PersonRole,
    Policy,
    SurveyAnswer,
    SurveyRecord,
    SurveyResponse,
    SurveyWave,
)

UTC = timezone.utc
DAY = 86_400.0
PULSE_KEY = "conditions-pulse"
ENPS_KEY = "enps"
SURGE_WEEKS = 4  # the digest compares the last four weeks with the four before
BATCH = 20_000  # rows per executemany on SQLite when SQLAlchemy processes the values


@dataclass(frozen=True)
class BenchConfig:
    employees: int = 20_000
    weeks: int = 104
    frictions: int = 50_000
    units: int = 40  # about a fifth are divisions, the rest their teams
    policies: int = 300
    owners: int = 150  # people who own policies and receive assignments
    pulse_rate: float = 0.23  # mean share answering each weekly pulse: 20,000 x 104 x 0.23 x 4 = 1.9 M answers
    enps_rate: float = 0.5
    enps_every: int = 13  # weeks between eNPS waves (quarterly)
    k: int = 5
    end: datetime = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday: the data stops here
    seed: int = 20260302

    def __post_init__(self) -> None:
        if self.end.weekday() != 0 or self.end.tzinfo is None:
            raise ValueError("end must be an aware Monday midnight")
        if self.units < 2 or self.employees < 5 * self.units:
            raise ValueError("need at least 2 units and 5 employees per unit")
        if self.weeks < 2 or self.frictions < 10 or self.policies < 5:
            raise ValueError("too small to be a digest")

    @property
    def first(self) -> datetime:
        """Monday midnight of the first week of data."""
        return self.end - timedelta(weeks=self.weeks)

    @property
    def now(self) -> datetime:
        """When the digest is computed: Monday 09:00 after the data; its period is the week before."""
        return self.end + timedelta(hours=9)

    @property
    def divisions(self) -> int:
        return max(1, round(self.units / 5))


@dataclass
class GenerationResult:
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written

    @property
    def answers(self) -> int:
        return self.rows.get("survey_answers", 0)


class _Writer:
    """Bulk writes into one open transaction: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.rows: dict[str, int] = {}
        if not self.postgres:
            # Random text keys thrash SQLite's default 2 MB page cache: give it up to 1 GB. The rows are
            # consistent by construction, so foreign keys are not checked row by row (see check_foreign_keys).
            connection.exec_driver_sql("PRAGMA cache_size = -1000000")
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")

    def write(self, table, columns: Sequence[str], rows: Sequence[tuple], *, plain: bool = False) -> None:
        """`plain`: the values need no SQLAlchemy processing on SQLite (no datetimes or dates)."""
        if not rows:
            return
        name = table.name
        self.rows[name] = self.rows.get(name, 0) + len(rows)
        if self.postgres:
            with self.connection.connection.cursor() as cursor:
                with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        elif plain:
            marks = ", ".join("?" for _ in columns)
            self.connection.exec_driver_sql(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", list(rows))
        else:
            statement = insert(table)
            for offset in range(0, len(rows), BATCH):
                self.connection.execute(statement, [dict(zip(columns, row)) for row in rows[offset:offset + BATCH]])


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(round(float(seconds), 0), UTC)  # whole seconds, as chat timestamps


def _hex_ids(rng: np.random.Generator, count: int, nbytes: int) -> list[str]:
    raw = rng.bytes(nbytes * count).hex()
    width = 2 * nbytes
    return [raw[i:i + width] for i in range(0, width * count, width)]


def generate(url: str, config: BenchConfig = BenchConfig(), *, log: Callable[[str], None] | None = None) -> GenerationResult:
    """Fill the migrated, empty database at `url`; return the rows written and the time taken."""
    log = log or (lambda _message: None)
    started = time.perf_counter()
    rng = np.random.default_rng(config.seed)
    engine = make_engine(url)
    try:
        with Session(engine) as session:  # the survey definitions through the bot's own service
            ensure_builtin_surveys(session=session, now=config.first - timedelta(days=30))
            session.commit()
            records = {record.key: record for record in session.scalars(select(SurveyRecord))}
        with engine.begin() as connection:
            writer = _Writer(connection)
            person_unit = _org_and_people(writer, rng, config)
            owners, policy_owner = _policies(writer, rng, config)
            log(f"  people, units, policies: {time.perf_counter() - started:.1f} s")
            _surveys(writer, rng, config, records, person_unit)
            log(f"  waves, responses, answers: {time.perf_counter() - started:.1f} s")
            _frictions(writer, rng, config, person_unit, owners, policy_owner)
            log(f"  frictions, reporters: {time.perf_counter() - started:.1f} s")
            _kpis(writer, rng, config)
            if writer.postgres:
                _advance_sequences(connection)
        if engine.dialect.name == "postgresql":  # what autovacuum would do soon after such a load
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
        rows = dict(writer.rows)
        rows["surveys"] = len(records)
        return GenerationResult(time.perf_counter() - started, rows)
    finally:
        engine.dispose()


def _org_and_people(writer: _Writer, rng: np.random.Generator, config: BenchConfig):
    """Divisions 1..D, then their teams; people 1..units head the unit of the same id."""
    divisions = config.divisions
    unit_rows, parent = [], {}
    for unit_id in range(1, config.units + 1):
        if unit_id <= divisions:
            unit_rows.append((unit_id, f"Division {unit_id}", None))
            parent[unit_id] = None
        else:
            team = unit_id - divisions
            division = (team - 1) % divisions + 1
            unit_rows.append((unit_id, f"Division {division} / Team {(team - 1) // divisions + 1}", division))
            parent[unit_id] = division
    writer.write(OrgUnit.__table__, ("id", "name", "parent_id"), unit_rows, plain=True)

    teams = np.arange(divisions + 1, config.units + 1) if config.units > divisions else np.arange(1, divisions + 1)
    others = config.employees - config.units
    person_unit = np.concatenate([np.arange(1, config.units + 1), rng.choice(teams, size=others)])
    people = []
    for index in range(config.employees):
        person_id = index + 1
        unit = int(person_unit[index])
        if person_id <= config.units:
            manager = parent[unit]  # a team head reports to the division head; division heads to nobody
        else:
            manager = unit
        people.append((person_id, f"p{person_id:05d}@bench.example", f"Person {person_id:05d}",
                       "pl" if person_id % 3 else "en", "Europe/Warsaw", unit, manager))
    writer.write(Person.__table__, ("id", "email", "name", "locale", "timezone", "org_unit_id", "manager_id"), people,
                 plain=True)
    writer.write(PersonRole.__table__, ("person_id", "role"),
                 [(head, "manager") for head in range(1, config.units + 1)] + [(config.units + 1, "governance_admin")],
                 plain=True)
    return person_unit


def _policies(writer: _Writer, rng: np.random.Generator, config: BenchConfig):
    pool = np.sort(rng.choice(np.arange(config.units + 1, config.employees + 1),
                              size=min(config.owners, config.employees - config.units), replace=False))
    policy_owner = pool[rng.integers(0, len(pool), size=config.policies)]
    created = config.first - timedelta(days=60)
    rows = [(pid, POLICY_KINDS[(pid - 1) % len(POLICY_KINDS)], f"{POLICY_KINDS[(pid - 1) % len(POLICY_KINDS)].title()} "
             f"{pid:03d}", int(policy_owner[pid - 1]), created) for pid in range(1, config.policies + 1)]
    writer.write(Policy.__table__, ("id", "kind", "title", "owner_id", "created_at"), rows)
    return pool, policy_owner


def _surveys(writer: _Writer, rng: np.random.Generator, config: BenchConfig, records, person_unit: np.ndarray) -> None:
    pulse, enps = records[PULSE_KEY], records[ENPS_KEY]
    likert = [q.id for q in definition_of(pulse).questions if q.type == "likert"]
    enps_questions = definition_of(enps).questions
    nps_id = next(q.id for q in enps_questions if q.type == "nps")
    text_id = next((q.id for q in enps_questions if q.type == "text"), None)

    waves = []  # (id, survey, opens, closes) in time order
    for week in range(config.weeks):
        monday = config.first + timedelta(weeks=week)
        waves.append((len(waves) + 1, pulse.id, monday + timedelta(hours=8), monday + timedelta(days=5, hours=8)))
        if (week + 1) % config.enps_every == 0:
            waves.append((len(waves) + 1, enps.id, monday + timedelta(hours=9), monday + timedelta(days=4, hours=17)))
    writer.write(SurveyWave.__table__,
                 ("id", "survey_id", "audience", "audience_unit_id", "opens_at", "closes_at", "closed_at", "k",
                  "max_reminders"),
                 [(wid, sid, "everyone", None, opens, closes, closes, config.k, 2) for wid, sid, opens, closes in waves])

    unit_effect = rng.normal(0.0, 0.25, size=config.units + 1)
    item_effect = rng.normal(0.0, 0.3, size=len(likert))
    reasons = ("workload", "my team", "the tools", "the pay", "my manager", "too many procedures")
    for wave_id, survey_id, opens, _closes in waves:
        week = (opens - config.first).days // 7
        drift = 0.15 * math.sin(2 * math.pi * week / 26) + 0.05 * rng.standard_normal()
        rate = config.enps_rate if survey_id == enps.id else min(0.95, max(0.02, rng.normal(config.pulse_rate, 0.02)))
        count = int(rng.binomial(config.employees, rate))
        who = rng.choice(config.employees, size=count, replace=False)
        units = person_unit[who]
        ids = _hex_ids(rng, count, 16)
        tokens = _hex_ids(rng, count, 32)
        writer.write(SurveyResponse.__table__, ("id", "wave_id", "token_hash", "org_unit_id", "person_id", "completed"),
                     list(zip(ids, [wave_id] * count, tokens, units.tolist(), [None] * count, [True] * count)), plain=True)
        answers: list[tuple] = []
        if survey_id == pulse.id:
            for item, question_id in enumerate(likert):
                centre = 3.4 + unit_effect[units] + item_effect[item] + drift
                values = np.clip(np.rint(rng.normal(centre, 0.95)), 1, 5).astype(int).tolist()
                skipped = (rng.random(count) < 0.01).tolist()
                answers += [(rid, question_id, None if skip else value, None)
                            for rid, value, skip in zip(ids, values, skipped)]
        else:
            values = np.clip(np.rint(rng.normal(7.0 + 2 * unit_effect[units] + 4 * drift, 2.2)), 0, 10).astype(int)
            answers += [(rid, nps_id, value, None) for rid, value in zip(ids, values.tolist())]
            if text_id:
                with_reason = np.flatnonzero(rng.random(count) < 0.3)
                picks = rng.integers(0, len(reasons), size=len(with_reason))
                answers += [(ids[i], text_id, None, reasons[p]) for i, p in zip(with_reason.tolist(), picks.tolist())]
        writer.write(SurveyAnswer.__table__, ("response_id", "question_id", "value_int", "value_text"), answers,
                     plain=True)


def _frictions(writer: _Writer, rng: np.random.Generator, config: BenchConfig, person_unit: np.ndarray,
               owners: np.ndarray, policy_owner: np.ndarray) -> None:
    """Reports over the whole span at every stage; the last four weeks add a growing barrier (policy 1)
    and a burst of workaround reports from Division 1, so that the digest's signals have work to do."""
    total = config.frictions
    first_ts, end_ts = config.first.timestamp(), config.end.timestamp()
    span = end_ts - first_ts
    surge_start = end_ts - SURGE_WEEKS * 7 * DAY
    barrier_burst = min(40, total // 50)
    workaround_burst = min(60, total // 50)
    base = total - barrier_burst - workaround_burst

    created = np.concatenate([first_ts + rng.uniform(0, span, base),
                              rng.uniform(surge_start, end_ts, barrier_burst + workaround_burst)])
    burst = np.zeros(total, dtype=np.int8)  # 1: barrier burst, 2: workaround burst
    burst[base:base + barrier_burst] = 1
    burst[base + barrier_burst:] = 2
    order = np.argsort(created, kind="stable")
    created, burst = np.floor(created[order]), burst[order]

    ranks = np.arange(config.policies)
    weights = 1.0 / (ranks + 5)
    policy = rng.choice(config.policies, size=total, p=weights / weights.sum()) + 1
    policy[burst == 1] = 1
    kind_index = rng.choice(len(KINDS), size=total, p=[0.35, 0.2, 0.15, 0.15, 0.15])
    kind_index[burst == 2] = KINDS.index("workaround")
    experience_index = rng.choice(len(EXPERIENCES), size=total, p=[0.4, 0.3, 0.15, 0.1, 0.05])
    tagged_by_reporter = rng.random(total) < 0.5  # a new report has tags only when its reporter added them
    untagged = rng.random(total) < 0.03
    flags = rng.random((total, 3)) < np.array([0.15, 0.1, 0.08])
    hidden = rng.random(total) < 0.08

    triaged = created + np.floor(rng.exponential(2 * DAY, total))
    is_new = (triaged >= end_ts) | (rng.random(total) < 0.002)  # a few never triaged
    declined = ~is_new & (rng.random(total) < 0.04)
    assigned = triaged + np.floor(rng.exponential(0.5 * DAY, total))
    handed = ~is_new & ~declined
    is_new |= handed & (assigned >= end_ts)  # not triaged yet when the data stops
    handed &= ~is_new
    due_days = rng.choice([7, 14, 30], size=total, p=[0.2, 0.6, 0.2])
    resolved = assigned + np.floor(rng.lognormal(math.log(12 * DAY), 0.9, total))
    is_resolved = handed & (resolved < end_ts)
    accepted = rng.random(total) < 0.7
    other_owner = rng.random(total) < 0.15
    owner = np.where(other_owner, owners[rng.integers(0, len(owners), size=total)], policy_owner[policy - 1])
    outcome_index = rng.choice(len(OUTCOMES), size=total, p=[0.2, 0.2, 0.2, 0.4])

    rows = []
    for i in range(total):
        new = bool(is_new[i])
        keep_tags = not untagged[i] and (not new or tagged_by_reporter[i])
        if new:
            status = "new"
        elif declined[i]:
            status = "declined"
        elif is_resolved[i]:
            status = "resolved"
        else:
            status = "accepted" if accepted[i] else "assigned"
        has_owner = bool(handed[i])
        assigned_at = _utc(assigned[i]) if has_owner else None
        rows.append((
            i + 1, f"Bench report {i + 1}: the procedure does not match the work", KINDS[kind_index[i]] if keep_tags else None,
            EXPERIENCES[experience_index[i]] if keep_tags else None, bool(flags[i, 0]), bool(flags[i, 1]),
            bool(flags[i, 2]), status, None if new else int(policy[i]),
            int(owner[i]) if has_owner else None, _utc(created[i]), assigned_at,
            assigned_at + timedelta(days=int(due_days[i])) if has_owner else None,
            _utc(resolved[i]) if is_resolved[i] else None,
            OUTCOMES[outcome_index[i]] if is_resolved[i] else None,
            "Changed as proposed" if is_resolved[i] else None,
            "Not my policy" if status == "declined" else None,
        ))
    writer.write(Friction.__table__, (
        "id", "text", "kind", "experience", "flag_emotions", "flag_decision_needed", "flag_procedure_gap",
        "status", "policy_id", "owner_id", "created_at", "assigned_at", "due_at",
        "resolved_at", "outcome", "outcome_note", "decline_reason"), rows)

    # Reporters: one each, a second for a fifth, a third for a twentieth (always distinct people).
    employees = config.employees
    division_one = np.flatnonzero((person_unit == 1) | (np.isin(person_unit, _teams_of(1, config))))
    first = rng.integers(0, employees, size=total)
    first[burst == 2] = rng.choice(division_one, size=int((burst == 2).sum()))
    step2 = rng.integers(1, employees // 2, size=total)
    step3 = step2 + rng.integers(1, employees // 2, size=total)
    second = rng.random(total) < 0.2
    third = second & (rng.random(total) < 0.25)
    reporters = []
    for i in range(total):
        at = _utc(created[i])
        reporters.append((i + 1, int(first[i]) + 1, at, bool(hidden[i])))  # the first chose full anonymity or not
        if second[i]:
            reporters.append((i + 1, int((first[i] + step2[i]) % employees) + 1, at + timedelta(hours=3), False))
        if third[i]:
            reporters.append((i + 1, int((first[i] + step3[i]) % employees) + 1, at + timedelta(hours=6), False))
    writer.write(FrictionReporter.__table__, ("friction_id", "person_id", "reported_at", "hidden_from_governance"),
                 reporters)


def _teams_of(division: int, config: BenchConfig) -> list[int]:
    divisions = config.divisions
    return [unit for unit in range(divisions + 1, config.units + 1) if (unit - divisions - 1) % divisions + 1 == division]


def _kpis(writer: _Writer, rng: np.random.Generator, config: BenchConfig) -> None:
    """Weekly readings dated each Sunday: NPS (with n) and churn for the organisation, complaints for
    the organisation and each of up to four divisions (Division 1's rise over the last four weeks)."""
    rows, next_id = [], 1
    divisions = list(range(1, min(4, config.divisions) + 1))
    for week in range(config.weeks):
        on = (config.first + timedelta(weeks=week, days=6)).date()
        imported = config.first + timedelta(weeks=week, days=7, hours=6)
        recent = week >= config.weeks - SURGE_WEEKS
        readings = [("nps", None, round(float(rng.normal(32, 4)), 1), int(rng.integers(300, 600))),
                    ("churn", None, round(float(rng.normal(1.6, 0.2)), 2), None)]
        unit_complaints = []
        for division in divisions:
            mean = 30 if (division == 1 and recent) else 12
            unit_complaints.append((division, int(rng.poisson(mean))))
        readings.append(("complaints", None, float(sum(c for _d, c in unit_complaints) + int(rng.poisson(5))), None))
        readings += [("complaints", division, float(count), None) for division, count in unit_complaints]
        for kpi, unit, value, n in readings:
            rows.append((next_id, kpi, on, unit, value, n, imported))
            next_id += 1
    writer.write(KpiValue.__table__, ("id", "kpi", "on_date", "org_unit_id", "value", "n", "imported_at"), rows)


def _advance_sequences(connection: Connection) -> None:
    """Explicit ids do not move PostgreSQL's sequences; move them so that the bot can add rows later."""
    for table in (OrgUnit, Person, Policy, Friction, SurveyWave, KpiValue):
        name = table.__tablename__
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"))


def table_counts(url: str) -> dict[str, int]:
    """Rows per table, as stored."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {table.__tablename__: int(connection.scalar(select(func.count()).select_from(table)))
                    for table in (OrgUnit, Person, PersonRole, Policy, SurveyRecord, SurveyWave, SurveyResponse,
                                  SurveyAnswer, Friction, FrictionReporter, KpiValue)}
    finally:
        engine.dispose()


def expected_answers(config: BenchConfig) -> float:
    """The mean number of answer rows the config asks for (4 likert per pulse response; eNPS plus 30% reasons)."""
    enps_waves = config.weeks // config.enps_every
    return (config.weeks * config.employees * config.pulse_rate * 4
            + enps_waves * config.employees * config.enps_rate * 1.3)
