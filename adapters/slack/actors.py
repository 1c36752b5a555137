"""Slack user ids to the bot's neutral actors: e-mail (the directory's key) and Slack language.

users.info with include_locale; kept for a while so that a click does not cost a Web API call.
The port learns the id of each e-mail on the way, so answers need no users.lookupByEmail.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from slack_sdk import WebClient

from adapters.slack.port import SlackPort
from bot.events import Actor

KEEP_SECONDS = 600.0  # a language or e-mail changed in Slack shows within ten minutes


class NotAPerson(LookupError):
    """A bot, or a user whose e-mail the app may not read (Slack Connect, a missing users:read.email
    scope): `locale` is their Slack language, `is_bot` says whether anyone could be told why."""

    def __init__(self, message: str, *, user_id: str, locale: str | None = None, is_bot: bool = False) -> None:
        super().__init__(message)
        self.user_id, self.locale, self.is_bot = user_id, locale, is_bot


class SlackActors:
    def __init__(self, client: WebClient, port: SlackPort | None = None, *, keep_seconds: float = KEEP_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.port = port
        self.keep_seconds = keep_seconds
        self.clock = clock
        self._known: dict[str, tuple[float, Actor]] = {}
        self._lock = threading.Lock()

    def known(self, user_id: str) -> Actor | None:
        """The actor kept from an earlier lookup, without asking Slack; None when not kept (or too old)."""
        with self._lock:
            known = self._known.get(user_id)
        return known[1] if known and self.clock() - known[0] < self.keep_seconds else None

    def actor(self, user_id: str) -> Actor:
        known = self.known(user_id)
        if known is not None:
            return known
        user = self.client.users_info(user=user_id, include_locale=True)["user"]
        profile = user.get("profile") or {}
        email = (profile.get("email") or "").strip().lower()
        if user.get("is_bot") or not email:
            raise NotAPerson(f"Slack user {user_id} has no e-mail the app may read", user_id=user_id,
                             locale=user.get("locale"), is_bot=bool(user.get("is_bot")))
        actor = Actor(email=email, locale=user.get("locale"),
                      display_name=profile.get("display_name") or profile.get("real_name") or user.get("name", ""))
        with self._lock:
            self._known[user_id] = (self.clock(), actor)
        if self.port is not None:
            self.port.remember_user(email, user_id)
        return actor
