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
