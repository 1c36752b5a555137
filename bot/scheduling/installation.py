"""When this installation began to schedule: the first leader's start. Catch-up never runs a slot
from before it, nor from before the job itself existed (a channel set up, a schedule created, a wave
opened), so a new installation does not post "last week's" digest for a week it did not exist."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import insert_ignoring_duplicates
from storage.models import Installation


def scheduling_since(*, session: Session, now: datetime) -> datetime:
    """The recorded start of scheduling; the first call records `now` (concurrent first calls agree)."""
    session.execute(insert_ignoring_duplicates(session, Installation, [{"id": 1, "first_scheduled_at": now}]))
    return session.scalar(select(Installation.first_scheduled_at).where(Installation.id == 1))
