"""A process killed with SIGKILL in the middle of a fan-out, then started again: every recipient
gets the message exactly once. Against the fake Slack Web API, which rate-limits chat.postMessage so
that the kill lands while messages are in flight.

The processes run on the system clock. On a new database the scheduler catches up nothing, and should a
job's time come while the test runs (the digest on Monday at 09:00 in Warsaw), the workspace has the
governance channel it posts to, so that no outcome depends on the day or hour the test runs."""
from __future__ import annotations

from collections import Counter

import pytest

from bot.services import directory
from storage.db import Database
from fakes.slack_api import FakeSlackApi
from fakes.slack_methods import FakeUser
from tests.scheduling.processes import XgovRun, outbox_counts, run_xgov, wait_for, xgov_env

PEOPLE = 240


@pytest.fixture
def fake():
    users = [FakeUser(f"U{n:08d}", f"person{n:04d}@example.pl") for n in range(PEOPLE)]
    with FakeSlackApi(users=users, channels={"general": "C0GENERAL1", "governance": "C0GOVERNAN"}) as api:
        api.limit("chat.postMessage", per_second=40, burst=4)
        yield api


def all_sent(db: Database) -> bool:
    counts = outbox_counts(db)
    return set(counts) == {"sent"} and counts["sent"] >= PEOPLE  # a scheduled digest may have joined them


def test_a_fanout_killed_midway_reaches_everyone_exactly_once_after_a_restart(fake, sqlite_url, tmp_path):
    url = sqlite_url
    db = Database(url)
    with db.unit_of_work() as session:
        for n in range(PEOPLE):
            directory.add_person(session=session, email=f"person{n:04d}@example.pl", name=f"Person {n}",
                                 roles=("employee",), locale="en")
    env = xgov_env(url, XGOV_PLATFORM="slack", SLACK_BOT_TOKEN="xoxb-fake-token", SLACK_SIGNING_SECRET="s" * 32,
                   XGOV_SLACK_API_URL=fake.base_url, XGOV_SLACK_SEND_RATE="40")
    queued = run_xgov("survey", "send", "employee-pulse", "--k", "5", env=env)
    assert queued.returncode == 0, queued.stderr
    assert outbox_counts(db) == {"pending": PEOPLE}  # the command queued the pulse; nothing sent yet

    first = XgovRun(["run", "--platform", "slack"], env, tmp_path / "first.log")
    try:
        wait_for(lambda: fake.accepted("chat.postMessage") >= PEOPLE // 3, 60, "a third of the fan-out")
    finally:
        first.kill()
    at_kill = outbox_counts(db)
    assert at_kill.get("sending", 0) > 0 and at_kill.get("sent", 0) < PEOPLE, f"nothing was in flight: {at_kill}"

    second = XgovRun(["run", "--platform", "slack"], env, tmp_path / "second.log")
    try:
        wait_for(lambda: all_sent(db), 90, "every message settled as sent")
    finally:
        second.stop()

    invitations = Counter(channel for channel, message in
                          ((c, m) for c in fake.workspace.messages for m in fake.messages_in(c))
                          if "Team pulse" in str(message.get("blocks")) + message.get("text", ""))
    dm_of = {fake.dm_channel(f"U{n:08d}") for n in range(PEOPLE)}
    assert set(invitations) == dm_of, "someone got nothing"
    assert max(invitations.values()) == 1, f"duplicates: {[c for c, n in invitations.items() if n > 1]}"
    assert "stopped; checking each" in second.text()  # the messages in flight were looked up, not resent blindly
