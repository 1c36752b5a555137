"""How one outbox row's send ends: only what the platform refuses for good is "not delivered"; a bug
or a network fault is tried again later, so that a KeyError never silently drops a message."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from bot.messages import Message, MessageRef
from bot.outbox import codec
from bot.outbox.sending import Claimed, send
from bot.ports import MessageGone, NotDelivered, Unreachable

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


class RaisingPort:
    def __init__(self, problem: Exception) -> None:
        self.problem = problem

    def send_to_user(self, email, message, *, key=""):
        raise self.problem

    def update_message(self, ref, message):
        raise self.problem


def row(operation: str = "user", target: str = "anna@example.pl", attempts: int = 1) -> Claimed:
    payload = json.dumps(codec.message_to_dict(Message(text="hello")))
    return Claimed(id=1, key="k1", platform="console", batch="b", operation=operation, target=target,
                   payload=payload, attempts=attempts, created_at=NOW)


def test_what_the_platform_refuses_for_good_is_settled_without_a_retry():
    assert send(RaisingPort(Unreachable("blocked the bot")), row(), NOW).status == "unreachable"
    refused = send(RaisingPort(NotDelivered("no Slack user with the e-mail anna@example.pl")), row(), NOW)
    assert refused.status == "failed" and refused.retry_at is None
    gone = send(RaisingPort(MessageGone("no console message 7")),
                row("update", codec.ref_to_json(MessageRef("anna@example.pl", "7"))), NOW)
    assert gone.status == "failed" and gone.retry_at is None and "no console message 7" in gone.error


def test_a_bug_in_a_port_is_tried_again_later_not_taken_for_not_delivered():
    outcome = send(RaisingPort(KeyError("user")), row(), NOW)
    assert outcome.status == "failed" and outcome.retry_at is not None and outcome.retry_at > NOW
    assert "KeyError" in outcome.error


class RefusingPort:
    """Anna blocked the bot: the platform's port records it and says whether that is news."""

    def __init__(self) -> None:
        self.known_unreachable: set[str] = set()
        self.posts: list[tuple[str, Message]] = []

    def send_to_user(self, email, message, *, key=""):
        newly = email not in self.known_unreachable
        self.known_unreachable.add(email)
        raise Unreachable(f"{email} blocked the bot", person=email, newly=newly)

    def post_to_channel(self, channel, message, *, key=""):
        self.posts.append((channel, message))
        return MessageRef(channel, str(len(self.posts)))


def test_the_core_tells_the_governance_channel_once_through_the_outbox_when_a_person_is_newly_unreachable(sqlite_url):
    from bot.app import XgovBot
    from bot.config import Settings
    from sqlalchemy import select
    from storage.db import Database
    from storage.models import OutboxMessage

    port = RefusingPort()
    bot = XgovBot(db=Database(sqlite_url), port=port, settings=Settings(database_url=sqlite_url, default_locale="en"),
                  platform="teams", clock=lambda: NOW)
    for attempt in range(2):
        bot.run_job(lambda turn: turn.tell("anna@example.pl", lambda _: Message(text="F-7 is yours")),
                    batch=f"job-{attempt}")
    ((channel, notice),) = port.posts  # told once, not once per failed message
    assert channel == "governance" and notice.header == "Cannot reach anna@example.pl"
    assert "Microsoft Teams refuses messages to anna@example.pl" in notice.text
    with bot.db.unit_of_work() as session:
        rows = session.execute(select(OutboxMessage.batch, OutboxMessage.status).order_by(OutboxMessage.id)).all()
    assert [status for _batch, status in rows] == ["unreachable", "sent", "unreachable"]
    assert rows[1][0].startswith("unreachable:")  # the notice is an outbox row like any other
