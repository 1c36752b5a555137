"""Inbound deliveries taken once: a platform that retries an event (Slack's X-Slack-Retry-Num,
Bot Framework redeliveries) reaches the bot again with the same id, on any replica."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.db import insert_ignoring_duplicates
from storage.models import InboundDelivery


def claim(*, session: Session, platform: str, delivery_id: str, now: datetime) -> bool:
    """Record the delivery in this unit of work; False when it was already taken.

    The row commits or rolls back with the work it guards, so a crash before the commit lets a
    retry through, and two replicas racing on one id end with one handler (the second waits for
    the first's transaction on the primary key, then finds the row)."""
    statement = insert_ignoring_duplicates(session, InboundDelivery, [
        {"platform": platform, "delivery_id": delivery_id[:200], "received_at": now}])
    return len(session.execute(statement.returning(InboundDelivery.delivery_id)).all()) == 1  # rowcount is not reliable here

