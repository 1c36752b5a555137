"""Exactly one process schedules: the one holding the leader lock.

PostgreSQL: a session-level advisory lock on a connection kept open for it. When the leader
dies its connection closes and PostgreSQL frees the lock at once; a follower polling every few
seconds takes over. SQLite supports one process (docs/deploy.md); an exclusive file lock beside the
database file keeps a second process from scheduling all the same.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
from typing import Callable

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import Database

log = logging.getLogger("xgov.leader")
LOCK_KEY = 0x78676F76  # "xgov": the advisory lock's key


class LeaderLock:
    """Try to take, check and give up the leader lock; never blocks."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._connection = None
        self._file = None

    def try_take(self) -> bool:
        if self.db.engine.dialect.name == "postgresql":
            connection = self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}):
                self._connection = connection
                return True
            connection.close()
            return False
        path = make_url(self.db.url).database
        if not path or path == ":memory:":
            return True
        handle = open(f"{path}.leader", "a+")  # noqa: SIM115 - held open while leading
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def still_held(self) -> bool:
        if self._connection is None:
            return True  # a file lock cannot be lost while this process lives
        try:
            self._connection.scalar(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - the connection (and with it the lock) is gone
            return False

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # already gone: so is its lock
                self._connection.close()  # closing the session frees its advisory lock
            self._connection = None
        if self._file is not None:
            self._file.close()
            self._file = None


class LeaderElection:
    """Polls for the lock; calls `on_elected` when this process becomes the leader and `on_deposed`
    when it stops being one (its database connection was lost)."""

    def __init__(self, db: Database, *, on_elected: Callable[[], None], on_deposed: Callable[[], None],
                 poll_seconds: float = 5.0) -> None:
        self.lock = LeaderLock(db)
        self.on_elected, self.on_deposed = on_elected, on_deposed
        self.poll_seconds = poll_seconds
        self.leading = False
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="leader-election", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(self.poll_seconds + 5)
        if self.leading:
            self.on_deposed()
            self.leading = False
        self.lock.release()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._step()
            except Exception:  # noqa: BLE001 - the database may be away; try again on the next poll
                log.exception("leader election step failed")
            self._stopping.wait(self.poll_seconds)

    def _step(self) -> None:
        if not self.leading:
            if self.lock.try_take():
                self.leading = True
                log.info("this process now runs the scheduler (leader)")
                self.on_elected()
        elif not self.lock.still_held():
            self.leading = False
            self.lock.release()
            log.warning("lost the leader lock (database connection gone): scheduler stopped")
            self.on_deposed()
