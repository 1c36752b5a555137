"""The log of a large fan-out: sent / total, rate and time left, every few seconds, from the database
(so the figures count what every process sent)."""
from __future__ import annotations

import logging
import threading
import time

from bot.clock import Clock
from bot.outbox import store
from storage.db import Database

log = logging.getLogger("xgov.outbox")
LARGE = 50  # a batch with at least this many messages is a fan-out worth reporting


class FanoutProgress:
    def __init__(self, db: Database, clock: Clock, *, every_seconds: float = 10.0) -> None:
        self.db, self.clock, self.every_seconds = db, clock, every_seconds
        self._batches: dict[str, tuple[float, int]] = {}  # batch -> (when, settled then): the rate's baseline
        self._last = 0.0
        self._lock = threading.Lock()

    def watch(self, batches: set[str]) -> None:
        with self._lock:
            for batch in batches - set(self._batches):
                self._batches[batch] = (time.monotonic(), -1)

    def report(self, *, force: bool = False) -> list[str]:
        """Log a line per watched fan-out if it is time; forget finished ones. Returns the lines."""
        if not force and time.monotonic() - self._last < self.every_seconds:
            return []
        self._last = time.monotonic()
        with self._lock:
            watched = dict(self._batches)
        lines = []
        for batch, baseline in watched.items():
            with self.db.unit_of_work() as session:
                counts = store.batch_counts(session=session, batch=batch)
            now, settled, total = time.monotonic(), _settled(counts), sum(counts.values())
            if baseline[1] < 0:  # first look: the rate is measured from here
                baseline = (now, settled)
            if total >= LARGE:
                lines.append(_line(batch, counts, total, settled, baseline, now))
                log.info(lines[-1])
            with self._lock:
                if settled == total:
                    self._batches.pop(batch, None)
                else:
                    self._batches[batch] = baseline
        return lines


def _line(batch: str, counts: dict[str, int], total: int, settled: int, baseline: tuple[float, int],
          now: float) -> str:
    elapsed = now - baseline[0]
    rate = (settled - baseline[1]) / elapsed if elapsed > 0 else 0.0
    if settled == total:
        left = "done"
    elif rate > 0:
        left = f"about {(total - settled) / rate:.0f} s left"
    else:
        left = "starting"
    problems = counts.get(store.FAILED, 0) + counts.get(store.UNREACHABLE, 0)
    return (f"fan-out {batch}: {counts.get(store.SENT, 0)} / {total} sent, {problems} not deliverable, "
            f"{rate:.1f}/s, {left}")


def _settled(counts: dict[str, int]) -> int:
    return sum(n for status, n in counts.items() if status not in (store.PENDING, store.SENDING))
