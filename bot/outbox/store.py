"""Outbox rows: stored in the unit of work that decided them, claimed by one process, settled once.

A row is `pending` until a process claims it (`sending`, with the process's id), then `sent`,
`unreachable` (the platform refuses that person or channel), or `failed` (gave up). Claims use
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several processes drain one outbox without ever
taking the same row; SQLite serialises writers and needs no such clause.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Text, bindparam, func, select, tuple_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm import Session

from storage.db import ignoring_duplicates
from storage.models import OutboxMessage, UTCDateTime, XgovProcess

PENDING, SENDING, SENT, FAILED, UNREACHABLE = "pending", "sending", "sent", "failed", "unreachable"
USER, CHANNEL, UPDATE, UPLOAD = "user", "channel", "update", "upload"  # the ChatPort call a row makes
NO_PROCESS = "in-doubt"  # claimed by no living process: the next in-doubt scan takes the row
_OUTBOX = OutboxMessage.__table__
FRESH_FOR = timedelta(seconds=2)  # the process that made a row sends it; others wait this long first


@dataclass(frozen=True)
class Outgoing:
    """A message a turn decided to send: becomes one outbox row."""

    key: str
    operation: str
    target: str
    payload: str
    not_before: datetime


def insert(*, session: Session, platform: str, batch: str, items: list[Outgoing], now: datetime,
           request_id: str | None = None) -> dict[str, int]:
    """Store the items; an item whose key exists already is not stored again. Returns key -> row id
    of the rows stored now."""
    if not items:
        return {}
    rows = [{"key": item.key, "platform": platform, "batch": batch, "operation": item.operation,
             "target": item.target, "payload": item.payload, "status": PENDING, "not_before": item.not_before,
             "attempts": 0, "created_at": now, "request_id": request_id} for item in items]
    statement = ignoring_duplicates(session, _OUTBOX).returning(_OUTBOX.c.key, _OUTBOX.c.id)
    return dict(session.execute(statement, rows).all())


def find_by_key(*, session: Session, key: str) -> OutboxMessage | None:
    """The row stored under an idempotency key (a post named by the turn that made it)."""
    return session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))


def claim_ids(*, session: Session, ids: list[int], process: str, now: datetime) -> list[OutboxMessage]:
    """Claim these rows if still pending and due, in id order (the order the turn queued them)."""
    if not ids:
        return []
    query = (select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status == PENDING,
                                         OutboxMessage.not_before <= now)
             .order_by(OutboxMessage.id).with_for_update(skip_locked=True))
    return _claim(session, list(session.scalars(query)), process, now)


def claim_due(*, session: Session, platforms: tuple[str, ...], process: str, now: datetime,
              limit: int) -> list[OutboxMessage]:
    """Claim up to `limit` pending rows that are due, oldest first, skipping rows other processes hold."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.platform.in_(platforms), OutboxMessage.status == PENDING,
                    OutboxMessage.not_before <= now, OutboxMessage.created_at <= now - FRESH_FOR)
             .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True))
    return _claim(session, list(session.scalars(query)), process, now)


def claim_in_doubt(*, session: Session, platforms: tuple[str, ...], process: str, now: datetime,
                   silent_for: timedelta, limit: int = 500) -> list[OutboxMessage]:
    """Rows left `sending` by a process that stopped saying it is alive (killed, crashed): this
    process takes them over; whether each reached the platform is still to be found out."""
    alive = select(XgovProcess.id).where(XgovProcess.seen_at >= now - silent_for)
    query = (select(OutboxMessage)
             .where(OutboxMessage.platform.in_(platforms), OutboxMessage.status == SENDING,
                    OutboxMessage.claimed_by.not_in(alive))
             .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True))
    return _claim(session, list(session.scalars(query)), process, now, status=SENDING, count_attempt=False)


def _claim(session: Session, rows: list[OutboxMessage], process: str, now: datetime, *, status: str = SENDING,
           count_attempt: bool = True) -> list[OutboxMessage]:
    """Take the rows read, if nobody took them since: the UPDATE is conditional on what was read, so
    of two claimers that read the same rows (pysqlite runs the SELECT outside the write transaction;
    SKIP LOCKED covers PostgreSQL) only one wins each row. Returns the rows won, in the order read."""
    if not rows:
        return []
    read = rows[0].status  # claim_ids / claim_due read pending rows; claim_in_doubt reads sending ones
    if read == PENDING:
        condition = OutboxMessage.id.in_([row.id for row in rows])
    else:  # still held by the silent process it was read from
        condition = tuple_(OutboxMessage.id, OutboxMessage.claimed_by).in_([(row.id, row.claimed_by) for row in rows])
    values: dict = {"status": status, "claimed_by": process, "claimed_at": now}
    if count_attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    statement = (update(OutboxMessage).where(condition, OutboxMessage.status == read).values(**values)
                 .returning(OutboxMessage.id).execution_options(synchronize_session=False))
    won = set(session.scalars(statement))
    taken = []
    for row in rows:
        if row.id in won:
            for name, value in (("status", status), ("claimed_by", process), ("claimed_at", now)):
                set_committed_value(row, name, value)
            if count_attempt:
                set_committed_value(row, "attempts", row.attempts + 1)
            taken.append(row)
    return taken


@dataclass(frozen=True)
class Settlement:
    """How a claimed row ended: with `retry_at` it goes back to pending until then."""

    row_id: int
    status: str
    at: datetime
    sent_ref: str | None = None
    error: str | None = None
    retry_at: datetime | None = None

    def params(self) -> dict:
        sent = self.status == SENT and not self.retry_at
        return {"row_id": self.row_id, "new_status": PENDING if self.retry_at else self.status,
                "new_error": self.error, "retry_at": self.retry_at, "sent_at": self.at if sent else None,
                "sent_ref": self.sent_ref if sent else None}


# One statement for every settlement, so that many go in one executemany (a fan-out settles in batches).
_SETTLE = (update(_OUTBOX).where(_OUTBOX.c.id == bindparam("row_id"))
           .values(status=bindparam("new_status"), error=bindparam("new_error"),
                   not_before=func.coalesce(bindparam("retry_at", type_=UTCDateTime()), _OUTBOX.c.not_before),
                   sent_at=func.coalesce(bindparam("sent_at", type_=UTCDateTime()), _OUTBOX.c.sent_at),
                   sent_ref=func.coalesce(bindparam("sent_ref", type_=Text()), _OUTBOX.c.sent_ref)))


# A message that carries a survey token (a question, the summary with its Change button) names the
# person it goes to; once it has ended, its payload is erased so that no stored row joins that person
# to a response (the token's SHA-256 is the response's key). The key and status stay for idempotency.
SURVEY_CONTENT = '%"action_id": "survey.%'  # as bot.turn serialises a Button / Choices with a survey.* action
ERASED = ""


def settle_all(*, session: Session, settlements: list[Settlement]) -> None:
    """Record how claimed rows ended, in one executemany; erase the survey content of those that ended."""
    if settlements:
        session.execute(_SETTLE, [settlement.params() for settlement in settlements])
        ended = [s.row_id for s in settlements if not s.retry_at and s.status in (SENT, FAILED, UNREACHABLE)]
        if ended:
            session.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(ended), _OUTBOX.c.payload.like(SURVEY_CONTENT))
                            .values(payload=ERASED))


def leave_in_doubt(*, session: Session, row_id: int) -> None:
    """Whether the row reached the platform could not be found out now: the next scan asks again."""
    session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(claimed_by=NO_PROCESS))


def batch_counts(*, session: Session, batch: str) -> dict[str, int]:
    query = select(OutboxMessage.status, func.count()).where(OutboxMessage.batch == batch).group_by(OutboxMessage.status)
    return dict(session.execute(query).all())


def waiting(*, session: Session, platforms: tuple[str, ...]) -> int:
    """Rows not yet settled (pending or being sent)."""
    query = select(func.count()).where(OutboxMessage.platform.in_(platforms),
                                       OutboxMessage.status.in_((PENDING, SENDING)))
    return session.scalar(query) or 0


def sent_where_actor_may_update(*, session: Session, platform: str, conversation: str, message_id: str,
                                email: str, channels_too: bool) -> bool:
    """Whether the bot sent this message to the person `email` (or, with `channels_too`, to a channel):
    a click or form may update only such a message, whatever container the request names."""
    needle = '"message_id": ' + json.dumps(message_id, ensure_ascii=False)
    whose = (_OUTBOX.c.operation == USER) & _OUTBOX.c.target.in_({email, email.strip().lower()})
    if channels_too:
        whose = whose | (_OUTBOX.c.operation == CHANNEL)
    rows = session.execute(select(_OUTBOX.c.sent_ref).where(
        _OUTBOX.c.platform == platform, _OUTBOX.c.status == SENT, whose,
        _OUTBOX.c.sent_ref.contains(needle, autoescape=True))).scalars()
    return any(_same_conversation(json.loads(sent)["conversation"], conversation) for sent in rows)


def _same_conversation(sent: str, named: str) -> bool:
    """Teams names a channel thread's conversation with a ";messageid=…" suffix; the channel is the same."""
    return sent.split(";", 1)[0] == named.split(";", 1)[0]
