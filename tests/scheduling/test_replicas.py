"""Several `xgov run` processes on one PostgreSQL: exactly one schedules (advisory lock), each
scheduled post goes out once, and when the leader is killed another takes over within seconds."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.scheduling import installation
from bot.services import channels, directory, survey_waves
from storage.db import Database
from storage.models import SurveyWave, XgovProcess
from tests.scheduling.processes import XgovRun, wait_for, xgov_env
from tests.web_server import free_port

TAKEOVER_SECONDS = 5  # leader poll 0.5 s here (XGOV_LEADER_POLL_SECONDS, 5 s by default)


def governance_posts(mailbox) -> list[str]:
    if not mailbox.exists():
        return []
    lines = [json.loads(line) for line in mailbox.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [d["message"]["header"] for d in lines if d["target"] == "#governance" and d["kind"] == "channel"]


def wave_closing_in(db: Database, seconds: float) -> int:
    with db.unit_of_work() as session:
        now = datetime.now(timezone.utc)
        wave_id, _emails = survey_waves.send_wave(session=session, key="employee-pulse", audience="everyone",
                                                  now=now, days=1, k=5)
        session.get(SurveyWave, wave_id).closes_at = now + timedelta(seconds=seconds)
    return wave_id


def all_seen_after(db: Database, moment: datetime) -> None:
    """Wait until every live process has been through its loop (its heartbeat) after `moment`."""
    def seen() -> bool:
        with db.unit_of_work() as session:
            latest = session.scalars(select(XgovProcess.seen_at).where(
                XgovProcess.seen_at > datetime.now(timezone.utc) - timedelta(seconds=2))).all()
        return bool(latest) and min(latest) > moment
    wait_for(seen, 30, f"every live process seen after {moment:%H:%M:%S}")


@pytest.mark.parametrize("replicas", [2, 3])
def test_replicas_post_each_scheduled_message_once_and_survive_the_leader(postgres_url, tmp_path, replicas):
    db = Database(postgres_url)
    warsaw_now = datetime.now(ZoneInfo("Europe/Warsaw"))
    installed = datetime.now(timezone.utc) - timedelta(days=8)  # set up and scheduling since a week ago
    with db.unit_of_work() as session:
        assert installation.scheduling_since(session=session, now=installed) == installed
        for n in range(6):
            directory.add_person(session=session, email=f"p{n}@example.pl", name=f"P {n}", roles=("employee",))
        survey_waves.ensure_builtin_surveys(session=session, now=datetime.now(timezone.utc))
        # this week's digest slot has just passed (nobody was running): the leader catches it up, once
        channels.set_channel(session=session, name="governance", locale="en", now=installed,
                             weekday=channels.WEEKDAYS[warsaw_now.weekday()], hour=warsaw_now.hour)
    first_close = wave_closing_in(db, 3)  # closed by the leader's timer, or caught up if it leads later
    mailbox = tmp_path / "mailbox.jsonl"
    started = [XgovRun(["run", "--platform", "console"],
                            xgov_env(postgres_url, XGOV_CONSOLE_MAILBOX=str(mailbox), XGOV_HTTP_PORT=str(free_port())),
                            tmp_path / f"xgov-{n}.log") for n in range(replicas)]
    try:
        leader = wait_for(lambda: [p for p in started if "now runs the scheduler" in p.text()], 60, "a leader")
        assert len(leader) == 1
        wait_for(lambda: sum(h.startswith("Results") for h in governance_posts(mailbox)) == 1, 60,
                 f"wave {first_close}'s results")
        all_seen_after(db, datetime.now(timezone.utc) + timedelta(seconds=1))  # a second (wrong) post had time
        posts = governance_posts(mailbox)
        assert sum(h.startswith("Governance digest") for h in posts) == 1
        assert sum(h.startswith("Results") for h in posts) == 1

        second_close = wave_closing_in(db, 2)  # the new leader reads it when it takes over
        leader[0].kill()
        killed_at = time.monotonic()
        followers = [p for p in started if p is not leader[0]]
        new_leader = wait_for(lambda: [p for p in followers if "now runs the scheduler" in p.text()], 30,
                              "a new leader")
        took = time.monotonic() - killed_at
        assert len(new_leader) == 1 and took < TAKEOVER_SECONDS, f"takeover took {took:.1f} s"
        wait_for(lambda: sum(h.startswith("Results") for h in governance_posts(mailbox)) == 2, 60,
                 f"wave {second_close}'s results from the new leader")
        all_seen_after(db, datetime.now(timezone.utc) + timedelta(seconds=1))
        posts = governance_posts(mailbox)
        assert sum(h.startswith("Governance digest") for h in posts) == 1  # not posted again by the new leader
        assert sum(h.startswith("Results") for h in posts) == 2
    finally:
        for process in started:
            process.stop()
