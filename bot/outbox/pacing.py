"""A token bucket shared by a port's sending threads: at most `rate` calls a second (bursts up to
`burst`), and everyone holds back together when the platform says to wait (HTTP 429 Retry-After)."""
from __future__ import annotations

import threading
import time
from typing import Callable


class RateLimiter:
    def __init__(self, rate: float, burst: float = 1.0, *, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.rate, self.burst = rate, max(1.0, burst)
        self._monotonic, self._sleep = monotonic, sleep
        self._tokens = self.burst
        self._stamp = monotonic()
        self._held_until = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until a call may go out, then take its token."""
        while True:
            with self._lock:
                now = self._monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                delay = max(self._held_until - now, 0.0)
                if not delay:
                    if self._tokens >= 1:
                        self._tokens -= 1
                        return
                    delay = (1 - self._tokens) / self.rate
            self._sleep(delay)

    def hold(self, seconds: float) -> None:
        """Nobody sends for `seconds` (the platform answered 429 with this Retry-After)."""
        with self._lock:
            self._held_until = max(self._held_until, self._monotonic() + seconds)
            self._tokens = 0.0
