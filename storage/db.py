"""Engine creation and the unit of work."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from storage import audit


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True, hide_parameters=True)  # no stored text in an error's log line
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash may lose the last commit, never corrupt
    cursor.close()


class Database:
    """Owns the engine and hands out units of work (one session, one transaction)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        audit.install(self._sessions)  # every governance change made through a unit of work is audited

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @property
    def in_memory(self) -> bool:
        """SQLite in memory: no other process can open it."""
        url = self.engine.url
        return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")

    def dispose(self) -> None:
        self.engine.dispose()


def insert_ignoring_duplicates(session: Session, model, rows: list[dict]):
    """INSERT ... ON CONFLICT DO NOTHING (PostgreSQL and SQLite): a row whose key exists is skipped,
    and a concurrent insert of the same key waits for the other transaction, then is skipped. No
    savepoint is needed (pysqlite's savepoints would commit a transaction they started)."""
    return ignoring_duplicates(session, model).values(rows)


def ignoring_duplicates(session: Session, table):
    """The same INSERT without its rows: executed with a list of them (executemany), it is compiled
    once however many rows there are. With a Table (not a mapped class) it skips the ORM's per-row work."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()
