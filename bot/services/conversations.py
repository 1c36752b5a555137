"""Conversation references: where the bot may write to a person or a channel on platforms that
need one (Teams). The reference itself is the adapter's JSON; the core only keeps it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import insert_ignoring_duplicates
from storage.models import ConversationRef

PERSON, CHANNEL = "person", "channel"


def _key(kind: str, key: str) -> str:
    """People by e-mail (any case), channels by name (with or without #)."""
    return key.strip().lower() if kind == PERSON else key.lstrip("#")


@dataclass(frozen=True)
class StoredReference:
    key: str
    reference: dict
    platform_user_id: str | None
    reachable: bool


def save_reference(*, session: Session, platform: str, kind: str, key: str, reference: dict, now: datetime,
                   platform_user_id: str | None = None) -> None:
    """Keep the latest reference; a person who writes again is reachable again."""
    key = _key(kind, key)
    row = session.get(ConversationRef, (platform, kind, key))
    if row is None:
        row = ConversationRef(platform=platform, kind=kind, key=key)
        session.add(row)
    row.reference = json.dumps(reference, sort_keys=True)
    row.platform_user_id = platform_user_id or row.platform_user_id
    row.reachable = True
    row.updated_at = now


def find_reference(*, session: Session, platform: str, kind: str, key: str) -> StoredReference | None:
    key = _key(kind, key)
    row = session.get(ConversationRef, (platform, kind, key))
    if row is None:
        return None
    return StoredReference(row.key, json.loads(row.reference), row.platform_user_id, row.reachable)


def email_of_platform_user(*, session: Session, platform: str, platform_user_id: str) -> str | None:
    """The e-mail learnt for a platform's user id (Teams' 29:… id), without asking the platform again."""
    return session.scalar(select(ConversationRef.key).where(
        ConversationRef.platform == platform, ConversationRef.kind == PERSON,
        ConversationRef.platform_user_id == platform_user_id))


def mark_unreachable(*, session: Session, platform: str, kind: str, key: str, now: datetime) -> bool:
    """True when this changed something (the first failure), so that the governance team is told once."""
    key = _key(kind, key)
    row = session.get(ConversationRef, (platform, kind, key))
    if row is None or not row.reachable:
        return False
    row.reachable = False
    row.updated_at = now
    return True


def mark_never_reached(*, session: Session, platform: str, email: str, now: datetime) -> bool:
    """A person the bot tried to reach before any reference existed: kept as an unreachable row with an
    empty reference. True only for the first (in this or any other process), so the governance team is
    told once; False when anything is known of them. Concurrent first calls agree: the insert skips a row
    another transaction made, no error is raised."""
    inserted = session.execute(insert_ignoring_duplicates(session, ConversationRef, [{
        "platform": platform, "kind": PERSON, "key": _key(PERSON, email), "reference": "{}", "reachable": False,
        "updated_at": now}]).returning(ConversationRef.key)).all()
    return len(inserted) == 1
