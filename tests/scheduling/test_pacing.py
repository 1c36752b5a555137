"""The sending threads' pace (bot/outbox/pacing.py): the full rate despite late wake-ups, never a
burst after a stall, and everyone held back by a 429 (a simulated clock, one thread; and real threads)."""
from __future__ import annotations

import threading
import time

import pytest

from bot.outbox.pacing import RateLimiter


class Clock:
    """A monotonic clock whose sleep overshoots as a busy machine's does (`late` seconds each)."""

    def __init__(self, late: float = 0.0) -> None:
        self.now, self.late = 100.0, late
        self.on_sleep = None

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        if self.on_sleep:
            self.on_sleep()
        self.now += seconds + self.late


def times_of_calls(limiter: RateLimiter, clock: Clock, calls: int) -> list[float]:
    sent = []
    for _ in range(calls):
        limiter.wait()
        sent.append(round(clock.now - 100.0, 6))
    return sent


def test_calls_go_one_interval_apart():
    clock = Clock()
    limiter = RateLimiter(10, monotonic=clock.monotonic, sleep=clock.sleep)
    assert times_of_calls(limiter, clock, 5) == [0.0, 0.1, 0.2, 0.3, 0.4]


def test_late_wake_ups_do_not_lower_the_rate():
    """Each sleep ends 20 ms late (a fifth of the interval): a hundred calls still take ten seconds,
    where a one-token bucket would take twelve."""
    clock = Clock(late=0.02)
    limiter = RateLimiter(10, monotonic=clock.monotonic, sleep=clock.sleep)
    sent = times_of_calls(limiter, clock, 101)
    assert sent[-1] == pytest.approx(10.0, abs=0.03)
    assert min(later - earlier for earlier, later in zip(sent, sent[1:])) >= 0.1 - 0.02 - 1e-9


def test_a_call_that_wakes_long_after_its_slot_takes_a_new_one_instead_of_bursting():
    clock = Clock()
    limiter = RateLimiter(10, monotonic=clock.monotonic, sleep=clock.sleep)
    limiter.wait()  # at 0.0
    clock.late = 0.35  # the process stalls while the next call sleeps towards its slot (0.1)
    limiter.wait()
    clock.late = 0.0
    woke_late = clock.now
    limiter.wait()
    assert clock.now - woke_late >= 0.1 - 1e-9  # the stalled call did not leave its lost slots to the next


def test_idle_time_allows_no_more_than_the_burst():
    clock = Clock()
    limiter = RateLimiter(10, burst=3, monotonic=clock.monotonic, sleep=clock.sleep)
    clock.now += 60  # a minute of silence
    assert times_of_calls(limiter, clock, 5) == pytest.approx([60.0, 60.0, 60.0, 60.1, 60.2])


def test_a_hold_stops_everyone_including_a_call_already_waiting_for_its_slot():
    clock = Clock()
    limiter = RateLimiter(10, monotonic=clock.monotonic, sleep=clock.sleep)
    limiter.wait()  # at 0.0
    # another thread gets a 429 with Retry-After 2 while this call sleeps towards its slot at 0.1
    clock.on_sleep = lambda: (setattr(clock, "on_sleep", None), limiter.hold(2.0))
    limiter.wait()
    assert clock.now - 100.0 == pytest.approx(2.0)
    limiter.wait()
    assert clock.now - 100.0 == pytest.approx(2.1)  # one at a time again after the hold


def test_threads_sharing_a_pace_never_go_faster_than_it():
    limiter = RateLimiter(400)
    sent: list[float] = []
    lock = threading.Lock()

    def send(count: int) -> None:
        for _ in range(count):
            limiter.wait()
            with lock:
                sent.append(time.monotonic())

    threads = [threading.Thread(target=send, args=(25,)) for _ in range(8)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 200
    assert max(sent) - began >= 199 / 400 - 0.005  # 200 calls at 400 a second: at least half a second
