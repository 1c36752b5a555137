"""Shared fixtures: database backends (SQLite always, PostgreSQL when reachable) and a chat world.

Migrations run once per test session (per xdist worker): SQLite tests get a copy of a migrated template
file, PostgreSQL tests a database of the session's own, emptied before each test."""
from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from storage.migrate import upgrade
from storage.models import Base

POSTGRES_ADMIN_URL = os.environ.get("XGOV_TEST_POSTGRES_URL", "")


def _postgres_unavailable_reason() -> str | None:
    if not POSTGRES_ADMIN_URL:
        return "PostgreSQL not configured: set XGOV_TEST_POSTGRES_URL (./run tests does it when it can start PostgreSQL)"
    try:
        engine = create_engine(POSTGRES_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as problem:  # noqa: BLE001 - any connection failure means: not reachable
        return f"PostgreSQL at {POSTGRES_ADMIN_URL} not reachable: {type(problem).__name__}"
    return None


@pytest.fixture(scope="session")
def postgres_database_url():
    reason = _postgres_unavailable_reason()
    if reason:
        if os.environ.get("XGOV_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"xgov_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    _drop_database(admin, name)
    admin.dispose()


INSUFFICIENT_PRIVILEGE = "42501"  # SQLSTATE of "must be a member of the role whose process is being terminated"


def _drop_database(admin, name: str) -> None:
    """DROP ... WITH (FORCE) ends our own connections, but not an autovacuum worker that happens to be on
    the database (it is not ours to signal): wait for it to finish, a few seconds at most."""
    for attempt in range(40):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except ProgrammingError as error:
            if getattr(error.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE or attempt == 39:
                raise
            time.sleep(0.25)


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_database_url):
    upgrade(postgres_database_url)
    return postgres_database_url


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def built_once(tmp_path_factory, name: str, build):
    """`build(folder)`'s result, built once for the whole run even with several xdist workers (they share
    the parent of their base temporary folders): the first builds under a lock, the others reuse it."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            folder.mkdir(exist_ok=True)
            done.write_text(str(build(folder)), encoding="utf-8")
    return Path(done.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory):
    """A SQLite file migrated to head once per session, its WAL folded in, for tests to copy."""
    path = tmp_path_factory.mktemp("template") / "xgov.db"
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def migrated_sqlite_copy(template, folder) -> str:
    """The URL of a fresh copy of the migrated template in `folder` (as good as `upgrade` on a new file)."""
    path = folder / "xgov.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        return migrated_sqlite_copy(request.getfixturevalue("migrated_sqlite_template"), tmp_path)
    url = request.getfixturevalue("migrated_postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def sqlite_url(migrated_sqlite_template, tmp_path):
    return migrated_sqlite_copy(migrated_sqlite_template, tmp_path)


START = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def postgres_url(migrated_postgres_url):
    """A migrated, empty PostgreSQL database, for tests about PostgreSQL alone."""
    _empty_postgres(migrated_postgres_url)
    return migrated_postgres_url
