"""Running xgov processes: each says it is alive every few seconds; outbox rows claimed by one that
went silent are in doubt (bot/outbox/store.py claim_in_doubt)."""
from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.db import insert_ignoring_duplicates
from storage.models import XgovProcess


def new_process_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def register(*, session: Session, process_id: str, platforms: tuple[str, ...], now: datetime) -> None:
    session.execute(insert_ignoring_duplicates(session, XgovProcess, [{
        "id": process_id, "host": socket.gethostname()[:200], "pid": os.getpid(),
        "platforms": ",".join(platforms)[:64], "started_at": now, "seen_at": now, "leader": False}]))


def heartbeat(*, session: Session, process_id: str, now: datetime, leader: bool | None = None) -> None:
    values: dict = {"seen_at": now}
    if leader is not None:
        values["leader"] = leader
    session.execute(update(XgovProcess).where(XgovProcess.id == process_id).values(**values))
