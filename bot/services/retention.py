"""Retention of free text (XGOV_RETENTION_DAYS): the housekeeping job erases the text of reports closed
that long ago and the payloads of outbox messages settled that long ago; `xgov jobs` shows what it would do.
A report's record stays (its tags, policy, owner, outcome): the figures of the digest do not move."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.services.text_erasure import ERASED_PAYLOAD, erase_report_text
from storage.models import Friction, FrictionEvent, OutboxMessage

CLOSED_STATUSES = ("resolved",)
SETTLED_STATUSES = ("sent", "failed", "unreachable")


@dataclass(frozen=True)
class RetentionReport:
    days: int
    reports: int  # closed reports whose text is (or would be) erased
    messages: int  # settled outbox messages whose payload is (or would be) erased


def _closed_reports(cutoff: datetime):
    return (Friction.status.in_(CLOSED_STATUSES), Friction.resolved_at < cutoff, Friction.text_erased.is_(None))


def _settled_messages(cutoff: datetime):
    return (OutboxMessage.status.in_(SETTLED_STATUSES), OutboxMessage.created_at < cutoff,
            OutboxMessage.payload != ERASED_PAYLOAD)


def due(*, session: Session, now: datetime, days: int) -> RetentionReport:
    """What applying retention now would erase (0 days: retention is off, nothing)."""
    if days <= 0:
        return RetentionReport(0, 0, 0)
    cutoff = now - timedelta(days=days)
    reports = session.scalar(select(func.count()).select_from(Friction).where(*_closed_reports(cutoff)))
    messages = session.scalar(select(func.count()).select_from(OutboxMessage).where(*_settled_messages(cutoff)))
    return RetentionReport(days, reports, messages)


def apply(*, session: Session, now: datetime, days: int, batch: int = 500) -> RetentionReport:
    """Erase up to `batch` report texts (with the reasons given on declining them) and every old payload."""
    if days <= 0:
        return RetentionReport(0, 0, 0)
    cutoff = now - timedelta(days=days)
    frictions = session.scalars(select(Friction).where(*_closed_reports(cutoff)).order_by(Friction.id)
                                .limit(batch)).all()
    for friction in frictions:
        erase_report_text(session=session, friction=friction, why="retention")
        friction.decline_reason = None
    if frictions:
        session.execute(update(FrictionEvent).where(FrictionEvent.friction_id.in_([f.id for f in frictions]),
                                                    FrictionEvent.action == "declined").values(note=None))
    messages = session.execute(update(OutboxMessage).where(*_settled_messages(cutoff)).values(payload=ERASED_PAYLOAD))
    return RetentionReport(days, len(frictions), messages.rowcount or 0)
