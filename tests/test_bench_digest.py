"""A small run of the digest benchmark (bench/digest.py): the generator writes the rows it
promises, and the SQL digest agrees with the naive pandas digest on the sections both compute."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import create_engine, text

from bench.digest_data import BenchConfig, expected_answers, generate, table_counts
from bench.digest_pandas import SHARED_SECTIONS, differences, pandas_digest, shared_differences
from bot.digest.compute import compute_digest
from bot.digest.json_format import digest_to_dict
from bot.digest.period import last_complete_week
from storage.db import Database
from storage.migrate import upgrade

SMALL = BenchConfig(employees=300, weeks=8, frictions=500, enps_every=4)
KPI_SERIES = 7  # nps, churn, complaints for the organisation and for four divisions


def _sql_digest(url: str, config: BenchConfig):
    database = Database(url)
    try:
        with database.unit_of_work() as session:
            return compute_digest(session, last_complete_week(config.now), now=config.now)
    finally:
        database.dispose()


def _statuses(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return set(connection.scalars(text("SELECT DISTINCT status FROM frictions")))
    finally:
        engine.dispose()


def _check_small_run(url: str) -> None:
    generation = generate(url, SMALL)
    counts = table_counts(url)
    assert {table: counts[table] for table in generation.rows} == generation.rows
    assert counts["people"] == SMALL.employees
    assert counts["org_units"] == SMALL.units
    assert counts["policies"] == SMALL.policies
    assert counts["frictions"] == SMALL.frictions
    assert counts["survey_waves"] == SMALL.weeks + SMALL.weeks // SMALL.enps_every
    assert counts["kpi_values"] == SMALL.weeks * KPI_SERIES
    assert SMALL.frictions < counts["friction_reporters"] < 2 * SMALL.frictions
    assert 0.8 * expected_answers(SMALL) < counts["survey_answers"] < 1.2 * expected_answers(SMALL)
    assert {"new", "declined", "assigned", "accepted", "resolved"} <= _statuses(url)

    sql = _sql_digest(url, SMALL)
    naive = pandas_digest(url, last_complete_week(SMALL.now), now=SMALL.now)
    assert shared_differences(digest_to_dict(sql), digest_to_dict(naive)) == []
    # ... and the sections compared are not empty
    assert [figure.key for figure in sql.ex][:1] == ["enps"] and len(sql.ex) == 5
    assert all(figure.change is not None for figure in sql.ex)
    assert sql.frictions.new > 0 and sql.frictions.resolved > 0 and len(sql.frictions.top_barriers) == 5
    assert sql.owners and sql.cx and sql.business


def test_small_run_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    upgrade(url)
    _check_small_run(url)
    engine = create_engine(url)  # foreign keys are not checked while loading: check them once now
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert connection.exec_driver_sql(
            "SELECT count(*) FROM survey_responses WHERE person_id IS NOT NULL OR org_unit_id IS NULL").scalar() == 0
    engine.dispose()


@pytest.mark.postgres
def test_small_run_postgres(postgres_url):
    _check_small_run(postgres_url)


def test_same_seed_same_digest(tmp_path):
    config = replace(SMALL, frictions=200)
    digests = []
    for name in ("a.db", "b.db"):
        url = f"sqlite:///{tmp_path / name}"
        upgrade(url)
        generate(url, config)
        digests.append(digest_to_dict(_sql_digest(url, config)))
    assert digests[0] == digests[1]


def test_differences_finds_what_differs():
    first = {"ex": [{"value": 3.14, "n": 10}], "frictions": {"by_kind": {"other": 2}}}
    second = {"ex": [{"value": 3.15, "n": 11}], "frictions": {"by_kind": {"other": 2, "workaround": 1}}}
    assert differences(first, second) == [".ex[0].n: 10 against 11", ".frictions.by_kind.workaround: only in second"]
    assert differences({"value": 3.14}, {"value": 3.2}) == [".value: 3.14 against 3.2"]
    assert set(SHARED_SECTIONS) <= {"ex", "cx", "business", "frictions", "owners", "signals"}
