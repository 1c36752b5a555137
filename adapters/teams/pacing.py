"""Pacing of Bot Connector requests: Teams' rate limits, kept before Teams has to refuse (429).

A Pacer shared by all threads keeps every request within CONVERSATION_LIMITS per conversation and
APP_LIMITS for the app.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

# Teams' limits, "Optimize your bot with rate limiting in Teams"
# (learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit): per bot per thread (a personal
# chat, group chat or channel) 7 operations in 1 s, 8 in 2 s, 60 in 30 s, 1800 in 3600 s; 50 requests
# a second per app per tenant in all. We keep 30 a second app-wide: room for the handler's replies.
CONVERSATION_LIMITS = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))  # (seconds, operations)
APP_LIMITS = ((1.0, 30),)


class Pacer:
    """Sliding windows over request times, per conversation and app-wide, shared by all threads.

    A request counts from when it is let through; when it finishes its time becomes the finish
    time (the latest the service can have seen it), so the next one keeps the window by the
    service's clock too. A request still in flight counts as happening now."""

    def __init__(self, per_conversation=CONVERSATION_LIMITS, app_wide=APP_LIMITS,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.per_conversation, self.app_wide = tuple(per_conversation), tuple(app_wide)
        self.clock, self.sleep = clock, sleep
        self._stamps: dict[str | None, list[list]] = {}  # key (None: the app) -> [[time or None in flight]]
        self._lock = threading.Lock()

    def acquire(self, conversation: str) -> list[list]:
        """Wait until a request to `conversation` keeps every window; the slots to release after it."""
        keys = [(None, self.app_wide), (conversation, self.per_conversation)]
        while True:
            with self._lock:
                now = self.clock()
                ready = max(self._ready_at(key, limits, now) for key, limits in keys)
                if ready <= now:
                    slots = [[None] for key, limits in keys if limits]
                    for slot, key in zip(slots, [key for key, limits in keys if limits]):
                        self._stamps.setdefault(key, []).append(slot)
                    return slots
            self.sleep(ready - now)

    def release(self, slots: list[list]) -> None:
        with self._lock:
            now = self.clock()
            for slot in slots:
                slot[0] = now

    def _ready_at(self, key: str | None, limits, now: float) -> float:
        stamps = self._stamps.get(key)
        if not stamps or not limits:
            return now
        longest = max(seconds for seconds, _ in limits)
        stamps[:] = [s for s in stamps if s[0] is None or s[0] > now - longest]
        if not stamps:
            del self._stamps[key]
            return now
        times = sorted(now if s[0] is None else s[0] for s in stamps)
        ready = now
        for seconds, most in limits:
            inside = [t for t in times if t > now - seconds]
            if len(inside) >= most:
                ready = max(ready, inside[-most] + seconds)
        return ready
