"""`xgov` processes for the crash and replica tests: started as a person would (python -m app.cli),
their log in a file, killed with SIGKILL like a crashed machine."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from storage.db import Database
from storage.models import OutboxMessage, XgovProcess
from tests.web_server import free_port

ROOT = Path(__file__).resolve().parents[2]


class XgovRun:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._handle = log.open("ab")
        self.popen = subprocess.Popen([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env,
                                      stdout=self._handle, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """SIGKILL: no clean-up, no last commit, the database connections just drop."""
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)
        self._handle.close()

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
        self._handle.close()

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def xgov_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("XGOV_", "SLACK_", "MICROSOFT_"))}
    env.update({"XGOV_DATABASE_URL": database_url, "XGOV_DEFAULT_LOCALE": "en", "XGOV_HOLIDAYS": "",
                "XGOV_QUIET_HOURS": "none", "XGOV_WORKDAYS": "mon,tue,wed,thu,fri,sat,sun",
                "XGOV_PROCESS_SILENT_SECONDS": "2", "XGOV_LEADER_POLL_SECONDS": "0.5",
                "XGOV_HTTP_PORT": str(free_port()), "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def run_xgov(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def outbox_counts(db: Database) -> dict[str, int]:
    with db.unit_of_work() as session:
        return dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def leaders(db: Database) -> list[str]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(XgovProcess.id).where(XgovProcess.leader.is_(True))))


def wait_for(condition, timeout: float, what: str, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
