"""Slots that have run: a job's slot runs once, whoever leads and however often it is asked."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.db import insert_ignoring_duplicates
from storage.models import InboundDelivery, OutboxMessage, ScheduledRun


def claim(*, session: Session, job: str, slot: datetime, now: datetime, by: str) -> bool:
    """Record the slot in this unit of work; False when it ran (or is running) elsewhere. A second
    leader racing on the same slot waits for the first's transaction on the key, then finds it."""
    statement = insert_ignoring_duplicates(session, ScheduledRun,
                                           [{"job": job[:120], "slot": slot, "ran_at": now, "ran_by": by[:64]}])
    return len(session.execute(statement.returning(ScheduledRun.job)).all()) == 1  # rowcount is not reliable here


def prune(*, session: Session, now: datetime, deliveries_for: timedelta = timedelta(days=7),
          sent_for: timedelta = timedelta(days=30)) -> tuple[int, int]:
    """Forget inbound deliveries past any platform's retries and messages sent long ago."""
    deliveries = session.execute(delete(InboundDelivery).where(InboundDelivery.received_at < now - deliveries_for))
    sent = session.execute(delete(OutboxMessage).where(OutboxMessage.status == "sent",
                                                       OutboxMessage.sent_at < now - sent_for))
    return deliveries.rowcount, sent.rowcount
