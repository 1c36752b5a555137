"""Alembic migrations from empty, on SQLite and PostgreSQL, match the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import make_engine
from storage.migrate import current_revision, downgrade, upgrade
from storage.models import Base


def test_upgrade_from_empty_creates_every_table_and_matches_the_models(database_url):
    # database_url is already upgraded from empty by the fixture
    engine = make_engine(database_url)
    try:
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
        assert differences == []
    finally:
        engine.dispose()
    assert current_revision(database_url) is not None


def test_downgrade_to_empty_and_upgrade_again(database_url):
    downgrade(database_url, "base")
    engine = make_engine(database_url)
    try:
        assert not set(Base.metadata.tables) & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    upgrade(database_url)
    assert current_revision(database_url) is not None


def test_db_upgrade_command_on_a_new_sqlite_file(tmp_path, capsys):
    from app.cli import main

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["--database-url", url, "db", "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert current_revision(url) is not None


def test_0010_moves_full_anonymity_from_the_report_to_its_reporter(database_url):
    from sqlalchemy import text

    downgrade(database_url, "0009")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO people (id, email, name, timezone, locale_chosen) "
                                    "VALUES (1, 'a@example.pl', 'A', 'UTC', false), (2, 'b@example.pl', 'B', 'UTC', false)"))
            for friction_id, hidden in ((1, True), (2, False)):
                connection.execute(text(
                    "INSERT INTO frictions (id, text, flag_emotions, flag_decision_needed, flag_procedure_gap, "
                    "hidden_from_governance, status, created_at) VALUES (:id, 'x', false, false, false, :hidden, 'new', "
                    "'2026-03-02 08:00:00+00')"), {"id": friction_id, "hidden": hidden})
                connection.execute(text("INSERT INTO friction_reporters (friction_id, person_id, reported_at) "
                                        "VALUES (:id, :id, '2026-03-02 08:00:00+00')"), {"id": friction_id})
        upgrade(database_url)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT friction_id, hidden_from_governance FROM friction_reporters "
                                           "ORDER BY friction_id")).all()
        assert [(f, bool(h)) for f, h in rows] == [(1, True), (2, False)]
    finally:
        engine.dispose()
