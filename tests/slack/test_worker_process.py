"""The work after Slack's acks in the worker process, as `xgov run --platform slack` serves it: the same
requests as tests/slack/test_slack_app.py, handled by a child process that builds its own bot from
the same settings and database; its log records reach this process's logging; it finishes its work
when stopped, is replaced when it dies, ignores Ctrl-C and ends with its parent."""
from __future__ import annotations

import gc
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from adapters.slack.bolt_app import freeze_start_up, slack_platform
from adapters.slack.settings import SlackSettings
from adapters.slack.work import WorkInThreads
from adapters.slack.worker import WorkerProcess
from bot.clock import SimulatedClock
from bot.config import Settings
from storage.db import Database
from storage.models import Friction
from tests.scheduling.processes import wait_for
from tests.slack.app_world import SECRET, TOKEN, SlackWorld
from tests.world import EMPLOYEE, EMPLOYEE_EN

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def slack(database_url):
    world = SlackWorld(database_url, START, worker_process=True)
    yield world
    world.stop()


def frictions(slack: SlackWorld) -> list[str]:
    with slack.world.db.unit_of_work() as session:
        return list(session.scalars(select(Friction.text).order_by(Friction.id)))


def texts(message: dict) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


def worker(slack: SlackWorld) -> WorkerProcess:
    assert isinstance(slack.platform.after_ack, WorkerProcess)
    return slack.platform.after_ack


def test_a_report_and_a_click_are_handled_by_the_worker_process(slack):
    assert worker(slack).pid != os.getpid()
    status, body, _seconds = slack.command(EMPLOYEE_EN, "/friction", "Refunds above 500 need three signatures")
    assert (status, body) == (200, "")
    assert frictions(slack) == ["Refunds above 500 need three signatures"]
    acknowledgement = slack.last_dm(EMPLOYEE_EN)
    assert "F-1" in texts(acknowledgement)
    assert slack.click(EMPLOYEE_EN, "Manual workaround", acknowledgement)[0] == 200
    # the person's message, and the channel's report post that follows the tags
    assert [call.ok for call in slack.fake.calls_to("chat.update")] == [True, True]


def test_the_serving_process_freezes_its_start_up_objects_and_building_the_platform_freezes_nothing(slack):
    assert gc.get_freeze_count() == 0
    try:
        freeze_start_up(slack.platform)  # what `xgov run` does once serving
        assert gc.get_freeze_count() > 0  # out of the collector's way
    finally:
        gc.unfreeze()


def test_a_modal_opened_by_the_worker_process_is_submitted_to_the_web_process(slack):
    slack.command(EMPLOYEE, "/friction")  # the worker process opens the form
    assert slack.last_modal()["callback_id"] == "friction.report"
    status, body, _seconds = slack.submit(EMPLOYEE, {"text": "Faktury przepisuję ręcznie",
                                                     "kind": "Ręczne obejście"})
    assert (status, body) == (200, "")  # decided here, before the answer; the messages follow on this process's pool
    assert frictions(slack) == ["Faktury przepisuję ręcznie"]
    assert "F-1" in texts(slack.last_dm(EMPLOYEE))


def test_a_failure_in_the_worker_process_is_logged_in_the_web_process(slack, caplog):
    caplog.set_level(logging.INFO)
    assert slack.command("U0NOBODY", "/friction", "hello")[0] == 200  # users.info: user_not_found
    # the worker's records cross to this process through a queue: they may land after the acknowledgement
    failed = wait_for(lambda: [r for r in caplog.records if r.levelno >= logging.ERROR
                               and r.name == "adapters.slack.work"], 10, "the worker's error in this log")
    assert "Slack request failed" in failed[0].getMessage()
    assert "user_not_found" in failed[0].getMessage() and failed[0].process == worker(slack).pid


def test_stopping_finishes_the_work_handed_over_then_ends_the_process(sqlite_url):
    slack = SlackWorld(sqlite_url, START, worker_process=True)
    before = set(threading.enumerate())
    child = worker(slack)
    try:
        for index in range(5):
            assert slack.command(EMPLOYEE, "/friction", f"Zgłoszenie {index}", settle=False)[0] == 200
    finally:
        slack.stop()
    assert sorted(frictions(slack)) == [f"Zgłoszenie {index}" for index in range(5)]
    assert child.unfinished() == 0 and not _alive(child.pid)
    assert [t.name for t in set(threading.enumerate()) - before if t.is_alive()] == []
    with pytest.raises(RuntimeError, match="stopped"):
        child.submit("command", {})


def test_ctrl_c_is_left_to_the_parent_and_a_worker_that_dies_is_replaced(slack, caplog):
    os.kill(worker(slack).pid, signal.SIGINT)  # what Ctrl-C sends the whole process group
    slack.command(EMPLOYEE, "/friction", "Pierwsze")
    assert frictions(slack) == ["Pierwsze"]
    first = worker(slack).pid
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while worker(slack).pid == first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert worker(slack).pid != first
    assert any("worker process ended" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    slack.command(EMPLOYEE, "/friction", "Drugie")
    assert frictions(slack) == ["Pierwsze", "Drugie"]


def test_the_worker_process_ends_with_its_parent(sqlite_url, tmp_path):
    script = textwrap.dedent(f"""
        import sys, time
        from adapters.slack.worker import WorkerProcess, WorkerSpec
        from adapters.slack.settings import SlackSettings
        from bot.config import Settings
        if __name__ == "__main__":
            url = {sqlite_url!r}
            worker = WorkerProcess(WorkerSpec(database_url=url, settings=Settings(database_url=url),
                                              slack=SlackSettings(bot_token="xoxb-1", signing_secret="s")))
            print(worker.pid, flush=True)
            time.sleep(60)
    """)
    path = tmp_path / "parent.py"
    path.write_text(script)
    parent = subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, text=True,
                              cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        child = int(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("how", ["setting", "executor", "memory", "clock"])
def test_the_work_stays_in_this_process_when_it_should_or_must(sqlite_url, how):
    """XGOV_SLACK_WORK_PROCESS=false; an executor given (tests); SQLite in memory; a clock of one's own."""
    url = "sqlite://" if how == "memory" else sqlite_url
    slack = SlackSettings(bot_token=TOKEN, signing_secret=SECRET, work_process=how != "setting")
    chosen = {"executor": {"listener_executor": ThreadPoolExecutor(max_workers=2)},
              "clock": {"clock": SimulatedClock(START)}}.get(how, {})
    platform = slack_platform(db=Database(url), settings=Settings(database_url=url), slack=slack, **chosen)
    try:
        assert isinstance(platform.after_ack, WorkInThreads)
    finally:
        platform.stop()
