"""A pace shared by a port's sending threads: at most `rate` calls a second (bursts up to `burst`),
and everyone holds back together when the platform says to wait (HTTP 429 Retry-After).

Each call reserves the next free slot on a schedule one 1/rate apart (the generic cell rate
algorithm) and sleeps until it. A thread that wakes a little late does not push the later slots
back, so a fan-out keeps the full rate; a token bucket holding one token loses the time of every
late wake-up (at 200 calls a second, 5-10 % of the rate on a busy machine). A thread that wakes
more than `burst` slots late (the process stalled) takes a new slot instead: the stalled threads
must not all go at once, as a burst the platform would refuse.
"""
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
        self._next_slot = monotonic()  # the earliest time the next call may go out
        self._held_until = 0.0
        self._holds = 0  # how many holds began: a slot reserved before a hold is not used during it
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until a call may go out (its slot has come and no hold is on)."""
        while True:
            with self._lock:
                now = self._monotonic()
                if self._held_until > now:
                    slot, holds = self._held_until, None
                else:
                    # idle time counts for at most `burst` calls at once
                    slot = max(self._next_slot, now - (self.burst - 1) / self.rate)
                    self._next_slot = slot + 1 / self.rate
                    holds = self._holds
            if slot > now:
                self._sleep(slot - now)
            if holds is not None:
                with self._lock:
                    # no hold began while this call slept, and it did not wake too late: its slot stands
                    if holds == self._holds and self._monotonic() - slot <= self.burst / self.rate:
                        return

    def hold(self, seconds: float) -> None:
        """Nobody sends for `seconds` (the platform answered 429 with this Retry-After); then the pace
        starts again from the end of the hold, one call at a time."""
        with self._lock:
            self._held_until = max(self._held_until, self._monotonic() + seconds)
            self._next_slot = self._held_until
            self._holds += 1
