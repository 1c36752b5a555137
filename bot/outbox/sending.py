"""One outbox row to the platform: decode it, make the ChatPort call, and say how it ended."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from bot.messages import Message, MessageRef
from bot.outbox import codec
from bot.outbox.store import CHANNEL, FAILED, SENT, UNREACHABLE, UPDATE, UPLOAD, USER
from bot.ports import ChatPort, FindsSent, NotDelivered, Unreachable
from storage.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Claimed:
    """A claimed row, detached from its session (rows travel between threads)."""

    id: int
    key: str
    platform: str
    batch: str
    operation: str
    target: str
    payload: str
    attempts: int
    created_at: datetime

    @classmethod
    def of(cls, row: OutboxMessage) -> Claimed:
        return cls(row.id, row.key, row.platform, row.batch, row.operation, row.target, row.payload, row.attempts,
                   row.created_at)

    @property
    def lane(self) -> str:
        """Rows of one lane go out one after the other, in order."""
        if self.operation == UPDATE:
            return "conversation:" + json.loads(self.target)["conversation"]
        return f"{self.operation}:{self.target}"


@dataclass(frozen=True)
class Outcome:
    status: str
    sent_ref: str | None = None
    error: str | None = None
    retry_at: datetime | None = None
    newly_unreachable: Unreachable | None = None  # a person the port found unreachable for the first time


def send(port: ChatPort, row: Claimed, now: datetime) -> Outcome:
    try:
        ref = _call(port, row)
    except Unreachable as problem:
        log.warning("outbox %s not delivered: %s", row.key, problem)
        return Outcome(UNREACHABLE, error=str(problem), newly_unreachable=problem if problem.newly else None)
    except NotDelivered as problem:
        log.warning("outbox %s not delivered: %s", row.key, problem)
        return Outcome(FAILED, error=str(problem))
    except Exception as problem:  # noqa: BLE001 - network, 5xx after the port's own retries
        if row.attempts >= MAX_ATTEMPTS:
            log.error("outbox %s given up after %d attempts: %s", row.key, row.attempts, problem)
            return Outcome(FAILED, error=repr(problem))
        wait = timedelta(seconds=min(2 ** row.attempts, 600))
        log.warning("outbox %s failed (%s); trying again in %s", row.key, problem, wait)
        return Outcome(FAILED, error=repr(problem), retry_at=now + wait)
    return Outcome(SENT, sent_ref=codec.ref_to_json(ref) if isinstance(ref, MessageRef) else None)


@lru_cache(maxsize=64)
def _message(payload: str) -> Message:
    """A fan-out's rows carry the same few payloads (one per language): decode each once."""
    return codec.message_from_dict(json.loads(payload))


def _call(port: ChatPort, row: Claimed):
    if row.operation == USER:
        return port.send_to_user(row.target, _message(row.payload), key=row.key)
    if row.operation == CHANNEL:
        return port.post_to_channel(row.target, _message(row.payload), key=row.key)
    if row.operation == UPDATE:
        return port.update_message(codec.ref_from_json(row.target), _message(row.payload))
    if row.operation == UPLOAD:
        data = json.loads(row.payload)
        return port.upload_image(row.target, codec.image_from_dict(data["image"]), data.get("comment", ""))
    raise ValueError(f"unknown outbox operation {row.operation}")


def find_sent(port: ChatPort, row: Claimed) -> MessageRef | None:
    """After a crash: the message if the platform has it already. Updates are sent again (they are
    idempotent); a port that cannot look messages up (Teams) sends again too."""
    if row.operation not in (USER, CHANNEL) or not isinstance(port, FindsSent):
        return None
    return port.find_sent(row.key, row.operation, row.target, since=row.created_at)
