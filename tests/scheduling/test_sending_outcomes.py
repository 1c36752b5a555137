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
