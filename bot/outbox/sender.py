"""OutboxSender: sends claimed outbox rows through the platforms' ports.

- `deliver(ids)`: the process that made the rows sends them at once, in order, in the calling
  thread (a person's answer does not wait for a poll).
- `start()`: a drain thread claims due rows (scheduled fan-outs, deferred reminders, retries,
  rows of other processes that died) and worker threads send them: rows to one person or channel
  in order, different recipients side by side, as fast as the ports' rate limiters allow.
- Rows left `sending` by a process that went silent are in doubt: the port is asked whether the
  platform has the message (its key travels with it), and only if not is it sent again.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from datetime import timedelta
from typing import Callable

from bot.clock import Clock, system_clock
from bot.outbox import processes, sending, store
from bot.outbox.progress import FanoutProgress
from bot.outbox.sending import Claimed
from bot.ports import ChatPort, Unreachable
from storage.db import Database

log = logging.getLogger(__name__)
SETTLE_SECONDS = 0.2  # the sending threads' outcomes reach the database at least this often
SETTLE_BATCH = 100  # or as soon as this many are waiting


class OutboxSender:
    def __init__(self, db: Database, ports: dict[str, ChatPort], *, process_id: str, clock: Clock = system_clock,
                 threads: int = 8, silent_after: timedelta = timedelta(seconds=30), poll_seconds: float = 0.5,
                 heartbeat_seconds: float = 5.0, progress_seconds: float = 10.0) -> None:
        self.db, self.ports, self.process_id, self.clock = db, ports, process_id, clock
        self.platforms = tuple(ports)
        self.threads, self.silent_after = max(1, threads), silent_after
        # a heartbeat well inside the silence that marks a process dead, or its own rows look abandoned
        self.poll_seconds = poll_seconds
        self.heartbeat_seconds = min(heartbeat_seconds, silent_after.total_seconds() / 3)
        self.progress = FanoutProgress(db, clock, every_seconds=progress_seconds)
        self._lanes: dict[str, deque[Claimed]] = {}
        self._ready: deque[str] = deque()
        self._in_flight = 0
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._workers: list[threading.Thread] = []
        self.is_leader: Callable[[], bool] = lambda: False  # shown beside the heartbeat (xgov_processes.leader)
        # the core's answer to a person found unreachable for the first time: (platform, row key, problem)
        self.on_newly_unreachable: Callable[[str, str, Unreachable], None] | None = None
        self._registered = False
        self._outcomes: list[store.Settlement] = []  # sent by the sending threads, not yet written
        self._outcomes_lock = threading.Lock()
        self._outcomes_waiting = threading.Event()
        self._alive_lock = threading.Lock()
        self._last_beat = 0.0

    def add_port(self, platform: str, port: ChatPort) -> None:
        """Another platform served by this process (xgov run --platform all)."""
        self.ports[platform] = port
        self.platforms = tuple(self.ports)

    # -- the process itself ---------------------------------------------------------------------------
    def register(self) -> None:
        with self.db.unit_of_work() as session:
            processes.register(session=session, process_id=self.process_id, platforms=self.platforms, now=self.clock())
        self._registered, self._last_beat = True, time.monotonic()

    def heartbeat(self) -> None:
        with self.db.unit_of_work() as session:
            processes.heartbeat(session=session, process_id=self.process_id, now=self.clock(), leader=self.is_leader())
        self._last_beat = time.monotonic()

    def _keep_alive(self) -> None:
        """Rows this process claims must not look abandoned: say it is alive before and while sending."""
        with self._alive_lock:  # many threads deliver at once: one registers, one beats
            if not self._registered:
                self.register()
            elif time.monotonic() - self._last_beat >= self.heartbeat_seconds:
                self.heartbeat()

    # -- sending at once ------------------------------------------------------------------------------
    def deliver(self, ids: list[int]) -> None:
        """Claim these rows (made by this process a moment ago) and send them in order: here, or, for a
        fan-out in a process whose sending threads run, on those threads (each person's rows in order)."""
        if not ids:
            return
        self._keep_alive()
        with self.db.unit_of_work() as session:
            rows = [Claimed.of(row) for row in store.claim_ids(session=session, ids=ids, process=self.process_id,
                                                                 now=self.clock())]
        if self._workers and len(rows) > self.threads:  # a fan-out: the sending threads take it, side by side
            self._enqueue(rows)
            return
        for row in rows:
            self._send(row)
            if len(rows) > 1:
                self._keep_alive()

    def send_due(self, limit: int = 1000) -> int:
        """Claim due rows and send them here, one after another (a command line, a test); returns how many."""
        self._keep_alive()
        with self.db.unit_of_work() as session:
            rows = [Claimed.of(row) for row in store.claim_due(session=session, platforms=self.platforms,
                                                                 process=self.process_id, now=self.clock(),
                                                                 limit=limit)]
        for row in rows:
            self._send(row)
        return len(rows)

    def _send(self, row: Claimed) -> None:
        self._settle(self._settlement(row))

    def _settlement(self, row: Claimed) -> store.Settlement:
        port = self.ports.get(row.platform)
        if port is None:  # claimed only for our platforms; a mistake here must not lose the row
            outcome = sending.Outcome(store.FAILED, error=f"no port for {row.platform}",
                                      retry_at=self.clock() + timedelta(minutes=1))
        else:
            outcome = sending.send(port, row, self.clock())
            if outcome.newly_unreachable is not None and self.on_newly_unreachable is not None:
                try:
                    self.on_newly_unreachable(row.platform, row.key, outcome.newly_unreachable)
                except Exception:  # noqa: BLE001 - the notice failing must not leave this row unsettled
                    log.exception("outbox %s: telling the governance channel failed", row.key)
        return self._settled(row, outcome)

    def _settled(self, row: Claimed, outcome: sending.Outcome) -> store.Settlement:
        return store.Settlement(row.id, outcome.status, self.clock(), sent_ref=outcome.sent_ref, error=outcome.error,
                                retry_at=outcome.retry_at)

    def _settle(self, settlement: store.Settlement) -> None:
        with self.db.unit_of_work() as session:
            store.settle_all(session=session, settlements=[settlement])

    # -- the sending threads' outcomes, written in batches ----------------------------------------------
    def _settle_soon(self, settlement: store.Settlement) -> None:
        with self._outcomes_lock:
            self._outcomes.append(settlement)
            if len(self._outcomes) >= SETTLE_BATCH:
                self._outcomes_waiting.set()

    def _write_outcomes(self) -> None:
        with self._outcomes_lock:
            batch, self._outcomes = self._outcomes, []
            self._outcomes_waiting.clear()
        if not batch:
            return
        try:
            with self.db.unit_of_work() as session:
                store.settle_all(session=session, settlements=batch)
        except Exception:  # the rows stay claimed by this living process: write them with the next batch
            with self._outcomes_lock:
                self._outcomes[:0] = batch
            raise

    def _settle_forever(self) -> None:
        while not self._stopping.is_set():
            self._outcomes_waiting.wait(SETTLE_SECONDS)
            try:
                self._write_outcomes()
            except Exception:  # noqa: BLE001 - the database may be briefly away
                log.exception("outbox: writing sent messages' outcomes failed; trying again")
                self._stopping.wait(self.poll_seconds)

    # -- draining in the background -------------------------------------------------------------------
    def start(self) -> None:
        self.register()
        for n in range(self.threads):
            worker = threading.Thread(target=self._work, name=f"outbox-send-{n}", daemon=True)
            worker.start()
            self._workers.append(worker)
        for target, name in ((self._drain_forever, "outbox-drain"), (self._settle_forever, "outbox-settle")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._workers.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._outcomes_waiting.set()
        with self._changed:
            self._changed.notify_all()
        for thread in self._workers:
            thread.join(timeout)
        try:
            self._write_outcomes()
        except Exception:  # noqa: BLE001 - those rows are in doubt for the next process, which asks the platform
            log.exception("outbox: the last outcomes could not be written")

    def drain_once(self) -> int:
        """One round: rows in doubt, then due rows; returns how many were handed to the workers."""
        taken = self._take_in_doubt()
        room = self.threads * 4 - self._queued()
        if room > 0:
            with self.db.unit_of_work() as session:
                rows = [Claimed.of(row) for row in store.claim_due(session=session, platforms=self.platforms,
                                                                     process=self.process_id, now=self.clock(),
                                                                     limit=room)]
            self._enqueue(rows)
            taken += len(rows)
        return taken

    def _drain_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                self._keep_alive()
                taken = self.drain_once()
                self.progress.report()
            except Exception:  # noqa: BLE001 - the database may be briefly away; keep draining
                log.exception("outbox drain failed; trying again")
                taken = 0
            if not taken:
                self._stopping.wait(self.poll_seconds)
            else:
                self._wait_for_room()

    def _take_in_doubt(self) -> int:
        with self.db.unit_of_work() as session:
            rows = [Claimed.of(row) for row in store.claim_in_doubt(session=session, platforms=self.platforms,
                                                                      process=self.process_id, now=self.clock(),
                                                                      silent_for=self.silent_after)]
        if rows:
            log.warning("outbox: %d messages were being sent by a process that stopped; checking each", len(rows))
        to_send = []
        for row in rows:
            try:
                found = sending.find_sent(self.ports[row.platform], row)
            except Exception as problem:  # noqa: BLE001 - cannot tell now: ask again on the next scan
                log.warning("outbox %s: could not check whether it arrived (%s); will ask again", row.key, problem)
                with self.db.unit_of_work() as session:
                    store.leave_in_doubt(session=session, row_id=row.id)
                continue
            if found is not None:
                log.info("outbox %s had arrived before the stop; not sent again", row.key)
                self._settle(self._settled(row, sending.Outcome(store.SENT,
                                                                 sent_ref=sending.codec.ref_to_json(found))))
            else:
                to_send.append(row)
        self._enqueue(to_send)
        return len(rows)

    # -- lanes: one recipient's rows in order, recipients side by side ---------------------------------
    def _enqueue(self, rows: list[Claimed]) -> None:
        if not rows:
            return
        self.progress.watch({row.batch for row in rows})
        with self._changed:
            for row in rows:
                lane = self._lanes.get(row.lane)
                if lane is None:
                    self._lanes[row.lane] = deque([row])
                    self._ready.append(row.lane)
                else:
                    lane.append(row)
            self._changed.notify_all()

    def _queued(self) -> int:
        with self._changed:
            return sum(len(lane) for lane in self._lanes.values()) + self._in_flight

    def _wait_for_room(self) -> None:
        with self._changed:
            while (not self._stopping.is_set()
                   and sum(len(lane) for lane in self._lanes.values()) + self._in_flight > self.threads * 2):
                self._changed.wait(self.poll_seconds)

    def _work(self) -> None:
        while True:
            with self._changed:
                while not self._ready and not self._stopping.is_set():
                    self._changed.wait()
                if self._stopping.is_set():
                    return
                lane_name = self._ready.popleft()
                row = self._lanes[lane_name].popleft()
                self._in_flight += 1
            try:
                self._settle_soon(self._settlement(row))
            except Exception:  # noqa: BLE001 - a bug: the row stays claimed, in doubt if this process stops
                log.exception("outbox %s: sending failed", row.key)
            finally:
                with self._changed:
                    self._in_flight -= 1
                    if self._lanes[lane_name]:
                        self._ready.append(lane_name)
                    else:
                        del self._lanes[lane_name]
                    self._changed.notify_all()
