"""docs/slack.md's install steps, as written: the CSV and every `xgov` command of the page run as
separate processes against a fresh SQLite file, then `xgov run --platform slack` against the local
fake Slack Web API delivers what the command line queued."""
from __future__ import annotations

import re
import shlex
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import OutboxMessage
from fakes.slack_api import FakeSlackApi
from fakes.slack_methods import FakeUser
from tests.scheduling.processes import XgovRun, run_xgov, wait_for, xgov_env

DOC = Path(__file__).resolve().parent.parent / "docs" / "slack.md"
NOT_HERE = ("xgov run", "xgov slack manifest --socket-mode")  # the server starts below; one manifest is enough


def blocks(kind: str) -> list[str]:
    """The page's code blocks of one kind, without the indentation of the list they sit in."""
    found = re.findall(rf"^( *)```{kind}\n(.*?)^\1```", DOC.read_text(encoding="utf-8"), flags=re.S | re.M)
    return [textwrap.dedent(body) for _indent, body in found]


def documented_commands() -> list[list[str]]:
    commands = []
    for block in blocks("sh"):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("xgov ") and not line.startswith(NOT_HERE):
                commands.append(shlex.split(line)[1:])
    return commands


@pytest.fixture
def slack():
    users = [FakeUser("U0ANNA", "anna.nowak@firma.pl", "pl-PL"), FakeUser("U0JAN", "jan.kowalski@firma.pl", "pl-PL"),
             FakeUser("U0EWA", "ewa.lis@firma.pl", "en-GB")]
    with FakeSlackApi(users=users) as api:
        yield api


def test_the_slack_install_page_works_as_written(slack, tmp_path):
    (people,) = [block for block in blocks("text") if block.startswith("email,name")]
    (tmp_path / "people.csv").write_text(people, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'xgov.db'}"
    env = xgov_env(url, XGOV_PLATFORM="slack", XGOV_DEFAULT_LOCALE="pl", SLACK_BOT_TOKEN="xoxb-fake-token",
                   SLACK_SIGNING_SECRET="s" * 32, XGOV_SLACK_API_URL=slack.base_url)
    commands = documented_commands()
    assert [c[:2] for c in commands[:4]] == [["db", "upgrade"], ["org", "import"], ["people", "grant"], ["slack", "manifest"]]
    for command in commands:
        command = [str(tmp_path / part) if part == "people.csv" else part for part in command]
        done = run_xgov(*command, env=env)
        assert done.returncode == 0, f"xgov {' '.join(command)}: {done.stderr}"
        if command[:2] == ["people", "grant"]:
            assert "Granted" in done.stdout
        if command[:2] == ["survey", "list"]:
            assert "waves: 1 (open)" in done.stdout
    db = Database(url)
    with db.unit_of_work() as session:
        queued = session.scalars(select(OutboxMessage.platform)).all()
    db.dispose()
    assert queued and set(queued) == {"slack"}  # waiting for the server, not in the console mailbox
    server = XgovRun(["run", "--platform", "slack"], env, tmp_path / "run.log")
    try:
        wait_for(lambda: all(slack.messages_in(user) for user in ("U0ANNA", "U0JAN", "U0EWA")), 60, "the pulse in Slack")
    finally:
        server.stop()
    assert "Puls zespołu" in str(slack.messages_in("U0ANNA")[-1])  # each in their own language
    assert "Team pulse" in str(slack.messages_in("U0EWA")[-1])
