"""Images published on the bot's own web server (``/images/{token}.png``) for chat clients that show
images only from an https address (Teams cards): stored under an unguessable random token."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import PublishedImage

TOKEN_BYTES = 24


def store_image(*, session: Session, data: bytes, content_type: str, now: datetime) -> str:
    """Keep the bytes under a new unguessable token; the token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(PublishedImage(id=token, content_type=content_type, data=data, created_at=now))
    return token


def find_image(db: Database, token: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of a published image; None for an unknown token."""
    if not token or len(token) > 64:
        return None
    with db.unit_of_work() as session:
        row = session.get(PublishedImage, token)
        return (row.content_type, row.data) if row else None
