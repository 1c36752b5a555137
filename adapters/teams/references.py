"""Teams conversation references in the database: where the bot may write to a person or a channel.

A thin wrapper over bot.services.conversations: every call is its own unit of work (its own session),
so the store may be used from any thread. References are kept as botbuilder-schema's JSON
(``ConversationReference.serialize()``: camelCase, as the Bot Framework sends them) and come back as
ConversationReference objects.

A person the bot tried to reach before any reference existed is kept as an unreachable row with an
empty reference ({}), so that the governance team is told once: ``find_person`` gives (None, False)
for them, and the first real reference (the person opens xgov) replaces it.
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Callable

from botbuilder.schema import ConversationReference

from bot.services import conversations
from bot.services.conversations import CHANNEL, PERSON
from storage.db import Database


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ReferenceStore:
    def __init__(self, db: Database, platform: str = "teams", clock: Callable[[], datetime] = _utc_now) -> None:
        self.db = db
        self.platform = platform
        self.clock = clock
        self._marking = threading.Lock()  # so that two threads of this process do not both report a first failure

    # --- reading ---------------------------------------------------------------------------
    def find_person(self, email: str) -> tuple[ConversationReference | None, bool] | None:
        """The person's personal-chat reference (None: never had one) and whether it is still reachable;
        None when the bot never tried to reach them."""
        stored = self._find(PERSON, email)
        if stored is None:
            return None
        return (ConversationReference.deserialize(stored.reference) if stored.reference else None), stored.reachable

    def person(self, email: str) -> ConversationReference | None:
        found = self.find_person(email)
        return found[0] if found else None

    def channel(self, channel_id: str) -> ConversationReference | None:
        """The reference kept for this channel id (saved when someone wrote in it)."""
        stored = self._find(CHANNEL, channel_id)
        return ConversationReference.deserialize(stored.reference) if stored else None

    def email_of(self, user_id: str) -> str | None:
        """The e-mail learnt for a Teams user id (29:…)."""
        with self.db.unit_of_work() as session:
            return conversations.email_of_platform_user(session=session, platform=self.platform,
                                                        platform_user_id=user_id)

    def _find(self, kind: str, key: str) -> conversations.StoredReference | None:
        with self.db.unit_of_work() as session:
            return conversations.find_reference(session=session, platform=self.platform, kind=kind, key=key)

    # --- writing ---------------------------------------------------------------------------
    def save_person(self, email: str, reference: ConversationReference, user_id: str | None = None) -> None:
        """Keep the latest reference of the person's personal chat; the person is reachable again."""
        self._save(PERSON, email, reference, user_id)

    def save_channel(self, channel_id: str, reference: ConversationReference) -> None:
        self._save(CHANNEL, channel_id, reference, None)

    def _save(self, kind: str, key: str, reference: ConversationReference, user_id: str | None) -> None:
        with self.db.unit_of_work() as session:
            conversations.save_reference(session=session, platform=self.platform, kind=kind, key=key,
                                         reference=reference.serialize(), now=self.clock(), platform_user_id=user_id)

    def mark_never_reached(self, email: str) -> bool:
        """A person with no reference at all: True the first time (and recorded), so that the governance
        team is told once; False when anything is known of them (or another process recorded it first)."""
        with self._marking, self.db.unit_of_work() as session:
            return conversations.mark_never_reached(session=session, platform=self.platform, email=email,
                                                    now=self.clock())

    def mark_unreachable(self, email: str) -> bool:
        """True the first time (the reference was reachable), so that the governance team is told once."""
        with self._marking, self.db.unit_of_work() as session:
            return conversations.mark_unreachable(session=session, platform=self.platform, kind=PERSON, key=email,
                                                  now=self.clock())
