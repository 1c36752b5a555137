"""The world of bench/fanout.py: the fake platforms in processes of their own, a fresh database with
N people, and (for Teams) their conversation references.

The fakes (fakes/slack_api.py, fakes/bot_connector.py) run in spawned processes and are
talked to over a pipe, as in bench/slack_ack.py: in production Slack and Teams are elsewhere, so
their CPU must not be taken from the bot's process (the machine has 2 cores; the bot's threads
share one GIL).
"""
from __future__ import annotations

import contextlib
import gc
import json
import os
import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from bench.children import answer_commands

TOKEN = "xoxb-fanout-bench"
INVITATION_ACTION = "survey.start"  # the invitation's button: how an invitation is told from other messages
GOVERNANCE = "governance"
GOVERNANCE_CONVERSATION = "19:governance0fanout@thread.tacv2"


# --- child processes -----------------------------------------------------------------------------------

def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def _is_invitation(message: dict) -> bool:
    return INVITATION_ACTION in json.dumps(message)


def _as_if_elsewhere() -> None:
    """Slack and the Bot Connector run on machines of their own and do not stop for a Python garbage
    collector. A fake that stops (a full collection over 10,000 stored messages takes 40-160 ms; or
    the bot and PostgreSQL have both cores) queues the requests meanwhile and then handles them at
    once: its rate limit, timed when a request is handled and not when it arrived, refuses as a burst
    what the bot sent evenly. So the fakes run without the collector (they live for one run) and
    ahead of the other processes on the CPU (as root; otherwise as they are)."""
    gc.disable()
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, -10)


def _every_fakes_commands(fake, called) -> dict:
    """What both fakes answer: the timeline of one kind of call (`called(call)` names a call's kind),
    the fake's own errors, its CPU time, stop."""

    def timeline(kind: str) -> list[tuple[float, int]]:
        """(time.time(), HTTP status) of every call of `kind`, in arrival order."""
        with fake._lock:
            return [(call.time, call.status) for call in fake.calls if called(call) == kind]

    return {"timeline": timeline, "bugs": lambda: [repr(problem) for problem in fake.server_errors],
            "cpu": _cpu_seconds, "stop": fake.stop}


def fake_slack_process(conn) -> None:
    """The fake Slack Web API, alone in its process."""
    _as_if_elsewhere()
    try:
        from fakes.slack_api import FakeSlackApi

        fake = FakeSlackApi(token=TOKEN).start()
    except Exception:  # noqa: BLE001 - reported to the parent
        conn.send(("error", traceback.format_exc()))
        return
    conn.send(("ready", fake.base_url))

    def add_users(users: list[tuple[str, str]]) -> int:
        for user_id, email in users:
            fake.add_user(user_id, email)
        return len(users)

    def received(user_ids: list[str]) -> dict:
        """Per user: invitations in their DM; and how many other messages were posted anywhere."""
        with fake._lock:
            workspace = fake.workspace
            invitations = {}
            for user_id in user_ids:
                channel = workspace.dms.get(user_id)
                messages = workspace.messages.get(channel, []) if channel else []
                invitations[user_id] = sum(1 for message in messages if _is_invitation(message))
            total = sum(len(messages) for messages in workspace.messages.values())
        return {"invitations": invitations, "other": total - sum(invitations.values())}

    answer_commands(conn, {
        **_every_fakes_commands(fake, lambda call: call.method),
        "add_users": add_users,
        "limit": lambda method, per_second, burst: fake.limit(method, per_second=per_second, burst=burst),
        "stats": fake.stats,
        "received": received,
    })


def fake_connector_process(conn) -> None:
    """The fake Bot Connector (Teams' limits on), alone in its process."""
    _as_if_elsewhere()
    try:
        from fakes.bot_connector import FakeBotConnector

        fake = FakeBotConnector().start()
    except Exception:  # noqa: BLE001 - reported to the parent
        conn.send(("error", traceback.format_exc()))
        return
    conn.send(("ready", fake.service_url))

    def add_people(people: list[tuple[str, str, str]]) -> int:
        from fakes.bot_connector import fake_member

        for user_id, email, conversation_id in people:
            fake.add_conversation(conversation_id, [fake_member(user_id, email.split("@")[0], email)])
        return len(people)

    def add_channel(conversation_id: str) -> None:
        fake.add_conversation(conversation_id, [], is_group=True)

    def limit_rate(per_conversation, app_wide) -> None:
        fake.limit_rate(per_conversation=[tuple(w) for w in per_conversation],
                        app_wide=[tuple(w) for w in app_wide])

    def received(conversation_ids: list[str]) -> dict:
        with fake._lock:
            invitations = {}
            for conversation_id in conversation_ids:
                conversation = fake.conversations.get(conversation_id)
                sent = conversation.sent if conversation else []
                invitations[conversation_id] = sum(1 for activity in sent if _is_invitation(activity))
            total = sum(len(c.sent) for c in fake.conversations.values())
        return {"invitations": invitations, "other": total - sum(invitations.values())}

    def stats() -> dict:
        with fake._lock:
            calls = list(fake.calls)
        counts: dict[str, dict[str, int]] = {}
        for call in calls:
            entry = counts.setdefault(call.operation, {"accepted": 0, "rejected": 0, "failed": 0})
            if call.rejected:
                entry["rejected"] += 1
            elif call.status >= 400:
                entry["failed"] += 1
            else:
                entry["accepted"] += 1
        counts["429"] = {"count": sum(1 for call in calls if call.status == 429)}
        return counts

    answer_commands(conn, {
        **_every_fakes_commands(fake, lambda call: call.operation),
        "add_people": add_people,
        "add_channel": add_channel,
        "limit_rate": limit_rate,
        "received": received,
        "stats": stats,
    })


# --- the database --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BenchPerson:
    index: int
    email: str

    @property
    def slack_id(self) -> str:
        return f"U0F{self.index:07d}"

    @property
    def teams_id(self) -> str:
        return f"29:1fanout{self.index:07d}"

    @property
    def teams_conversation(self) -> str:
        return f"a:1fanout-personal-{self.index:07d}"


def make_people(count: int) -> list[BenchPerson]:
    return [BenchPerson(index, f"person{index:05d}@example.pl") for index in range(count)]


class FreshDatabase:
    """A fresh, migrated database: a SQLite file in `directory`, or (with `server_url`, a PostgreSQL
    URL of any database on that server, as XGOV_TEST_POSTGRES_URL) a new database there, dropped again
    by drop(); the role needs CREATEDB."""

    def __init__(self, directory: str, name: str, server_url: str | None = None) -> None:
        from storage.migrate import upgrade

        self.server_url = server_url
        if server_url:
            self.name = f"xgov_fanout_{name}_{uuid.uuid4().hex[:8]}"
            _admin(server_url, f'CREATE DATABASE "{self.name}" ENCODING \'UTF8\' TEMPLATE template0')
            self.url = server_url.rsplit("/", 1)[0] + "/" + self.name
        else:
            self.url = f"sqlite:///{directory}/{name}.db"
        upgrade(self.url)

    def drop(self) -> None:
        if self.server_url:
            _admin(self.server_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _admin(url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def add_people(db, people: list[BenchPerson]) -> None:
    """The directory, in bulk (SQLAlchemy core): directory.add_person one by one takes minutes for 10,000.
    Every third person has no language of their own (the workspace's applies); the others pl or en."""
    from sqlalchemy import insert, select

    from storage.models import Person, PersonRole

    rows = [{"email": p.email, "name": f"Person {p.index}", "locale": (None, "pl", "en")[p.index % 3],
             "locale_chosen": False, "timezone": "Europe/Warsaw"} for p in people]
    with db.unit_of_work() as session:
        for start in range(0, len(rows), 2000):
            session.execute(insert(Person), rows[start:start + 2000])
        ids = session.execute(select(Person.id)).scalars().all()
        roles = [{"person_id": person_id, "role": "employee"} for person_id in ids]
        for start in range(0, len(roles), 2000):
            session.execute(insert(PersonRole), roles[start:start + 2000])


def add_surveys(db) -> None:
    from bot.services import survey_waves

    with db.unit_of_work() as session:
        survey_waves.ensure_builtin_surveys(session=session, now=datetime.now(timezone.utc))


def add_teams_references(db, people: list[BenchPerson], service_url: str) -> None:
    """Each person's personal-chat reference and the governance channel's, as the Teams handler saves
    them when people open xgov (adapters/teams/references.py), in bulk."""
    from sqlalchemy import insert

    from adapters.teams.references import CHANNEL, PERSON
    from storage.models import ConversationRef
    from tests.teams.teams_fixtures import reference_to

    now = datetime.now(timezone.utc)

    def row(kind: str, key: str, reference, user_id: str | None) -> dict:
        return {"platform": "teams", "kind": kind, "key": key, "reference": json.dumps(reference.serialize(),
                                                                                         sort_keys=True),
                "platform_user_id": user_id, "reachable": True, "updated_at": now}

    rows = [row(PERSON, p.email, reference_to(service_url, p.teams_conversation, p.teams_id), p.teams_id)
            for p in people]
    rows.append(row(CHANNEL, GOVERNANCE, reference_to(service_url, GOVERNANCE_CONVERSATION,
                                                      conversation_type="channel"), None))
    with db.unit_of_work() as session:
        for start in range(0, len(rows), 2000):
            session.execute(insert(ConversationRef), rows[start:start + 2000])
