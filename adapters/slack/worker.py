"""The worker process: the work after Slack's acks, out of the GIL of the process that acknowledges.

A Python process runs one thread at a time. In one process the bot's work after each ack
(SQLAlchemy, Block Kit rendering, Web API calls) took the GIL from the aiohttp loop and bolt's
dispatching threads, and acks waited for it: under load xgov acknowledged 2-3x slower than a bare
bolt app (bench/slack_ack.py). So the web process only acknowledges, and hands each request's body
to a child process ('spawn') that builds the same bot from the same settings and database URL and
runs the work (adapters/slack/work.py) on threads of its own. The child runs at the lowest CPU
priority (nice 19), so that acks win the CPU; under load the work waits, the acks do not.

- The child's log records (a failed request, say) go to the web process's logging.
- `idle(timeout)` waits until all the work handed over is done (tests, the benchmark).
- `stop()` (also at interpreter exit) lets the child finish what it was given, then ends it;
  Ctrl-C, which reaches the whole process group, leaves the child to the parent. A child that
  dies is logged (with the number of requests whose work was lost) and replaced; a child whose
  parent died ends itself.
"""
from __future__ import annotations

import atexit
import logging
import logging.handlers
import multiprocessing
import os
import pickle
import signal
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from ctypes import c_int64
from dataclasses import dataclass
from multiprocessing.connection import Connection

from adapters.slack.settings import SlackSettings
from adapters.slack.work import SlackWork, slack_work
from bot.config import Settings
from bot.logs import QUIET_LIBRARIES, WithRequestId

log = logging.getLogger(__name__)
WORK_THREADS = 8  # the work mostly waits on Slack's Web API, which takes 100-300 ms a call
NICENESS = 19  # the lowest priority: a web process's thread that wakes takes the CPU from the child at once
START_SECONDS = 60.0
STOP_SECONDS = 20.0
IDLE_POLL_SECONDS = 0.002


@dataclass(frozen=True)
class WorkerSpec:
    """What the child needs to build the same bot (pickled to it)."""
    database_url: str
    settings: Settings
    slack: SlackSettings
    threads: int = WORK_THREADS
    niceness: int = NICENESS
    log_level: int = logging.INFO


@dataclass
class _Child:
    process: multiprocessing.Process
    jobs: multiprocessing.Queue  # pickled (name, body) for the child, never blocking the sender; None: finish, exit
    done: c_int64  # how many jobs the child has finished (shared memory: no message, no wake-up per job)
    messages: Connection  # from the child: ("ready"|"failed"|"log", value); EOF once it has ended
    sent: int = 0
    reader: threading.Thread | None = None  # the parent's thread reading `messages`

    def unfinished(self) -> int:
        return self.sent - self.done.value


class WorkerProcess:
    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._stopping = False
        self._child = self._start()
        atexit.register(self.stop)

    @property
    def pid(self) -> int | None:
        return self._child.process.pid

    def submit(self, name: str, body: dict) -> None:
        """Hand the work `name` for `body` to the child; returns at once (the child may be busy).

        The job is pickled here: while the child is busy, jobs wait in this process as bytes, which
        the garbage collector does not walk (as dicts, a backlog of them made its pauses long)."""
        job = pickle.dumps((name, body), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self._stopping:
                raise RuntimeError("the Slack worker process is stopped")
            self._child.sent += 1
            self._child.jobs.put(job)

    def unfinished(self) -> int:
        """Requests handed over whose work is not done yet."""
        return self._child.unfinished()

    def idle(self, timeout: float | None) -> bool:
        """True once all the work handed over is done (or lost with a child that died); False after `timeout` s."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.unfinished() > 0:
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(IDLE_POLL_SECONDS)
        return True

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Let the child finish the work it was given (up to `timeout` seconds), then end it."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            child = self._child
            child.jobs.put(None)
        atexit.unregister(self.stop)
        child.process.join(timeout)
        if child.process.is_alive():
            log.warning("the Slack worker process did not finish its work within %.0f s: ended", timeout)
            child.process.terminate()
            child.process.join(5)
        child.reader.join(5)

    # -- the parent's side ---------------------------------------------------------------------------------
    def _start(self) -> _Child:
        """A new child, once it has built its bot; RuntimeError (with the child's traceback) if it cannot."""
        jobs, done = self._context.Queue(), self._context.RawValue(c_int64, 0)
        messages, child_end = self._context.Pipe(duplex=False)
        process = self._context.Process(target=serve_work, args=(self.spec, jobs, done, child_end),
                                        name="xgov-slack-worker", daemon=True)
        process.start()
        child_end.close()  # the child's alone now: its exit is the parent's EOF
        try:
            if not messages.poll(START_SECONDS):
                raise EOFError
            kind, value = messages.recv()
        except EOFError:
            process.kill()
            raise RuntimeError("the Slack worker process did not start") from None
        if kind != "ready":
            process.join(5)
            raise RuntimeError(f"the Slack worker process could not start:\n{value}")
        child = _Child(process, jobs, done, messages)
        child.reader = threading.Thread(target=self._read, args=(child,), name="slack-worker-log", daemon=True)
        child.reader.start()
        return child

    def _read(self, child: _Child) -> None:
        """Log what the child logs, until it exits."""
        while True:
            try:
                kind, value = child.messages.recv()
            except (EOFError, OSError):
                break
            if kind == "log":
                _log_in_parent(value)
        self._exited(child)

    def _exited(self, child: _Child) -> None:
        child.process.join(5)
        if child.process.exitcode != 0:
            child.jobs.cancel_join_thread()  # what nobody will read must not hold this process's exit
        child.jobs.close()
        child.jobs.join_thread()  # the queue's feeder thread, which has sent all there was (or gives up)
        child.messages.close()
        replacement = None
        if not self._stopping:
            log.error("the Slack worker process ended (exit code %s): starting another", child.process.exitcode)
            try:
                replacement = self._start()
            except RuntimeError:
                log.exception("no Slack worker process: requests are acknowledged but not handled")
        with self._lock:
            lost = child.unfinished()
            child.sent = child.done.value  # nothing to wait for any more
            if replacement is None:
                self._stopping = True  # submit refuses from now on, so that nothing waits for a dead child
            elif self._stopping:
                replacement.jobs.put(None)  # stopped while the replacement started: it ends at once
            else:
                self._child = replacement
        if lost:
            log.error("the work of %d Slack requests was lost with the worker process", lost)


def _log_in_parent(record: logging.LogRecord) -> None:
    logger = logging.getLogger(record.name)
    if logger.isEnabledFor(record.levelno):
        logger.handle(record)


# -- the child's side ----------------------------------------------------------------------------------------

class _ToParent:
    """The child's end of the parent's `messages`, shared by its threads."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.lock = threading.Lock()

    def put(self, message: tuple) -> None:
        with self.lock:
            self.connection.send(message)


class _LogToParent(logging.handlers.QueueHandler):
    def enqueue(self, record: logging.LogRecord) -> None:
        self.queue.put(("log", record))


class _Counter:
    """`done`, counted by the child's threads (the parent only reads it)."""

    def __init__(self, value: c_int64) -> None:
        self.value = value
        self.lock = threading.Lock()

    def add_one(self) -> None:
        with self.lock:
            self.value.value += 1


def serve_work(spec: WorkerSpec, jobs: multiprocessing.Queue, done: c_int64, connection: Connection) -> None:
    """The child: build the bot, then run each job on a pool of spec.threads until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent says when to stop, after the work
    os.nice(spec.niceness)
    to_parent = _ToParent(connection)
    root = logging.getLogger()
    handler = _LogToParent(to_parent)
    handler.addFilter(WithRequestId())  # set here, where the request's id is known; kept by the parent
    root.handlers[:] = [handler]
    root.setLevel(spec.log_level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(spec.log_level, logging.WARNING))
    try:
        from storage.db import Database

        work = slack_work(db=Database(spec.database_url), settings=spec.settings, slack=spec.slack)
    except Exception:  # noqa: BLE001 - reported to the parent, which refuses to start
        to_parent.put(("failed", traceback.format_exc()))
        return
    threading.Thread(target=_end_with_parent, name="watch-parent", daemon=True).start()
    to_parent.put(("ready", os.getpid()))
    finished = _Counter(done)
    with ThreadPoolExecutor(max_workers=spec.threads, thread_name_prefix="slack-work") as pool:
        while (job := jobs.get()) is not None:
            pool.submit(_run, work, finished, *pickle.loads(job))
    work.bot.db.dispose()


def _run(work: SlackWork, done: _Counter, name: str, body: dict) -> None:
    try:
        work.run(name, body)
    finally:
        done.add_one()


def _end_with_parent() -> None:
    multiprocessing.parent_process().join()
    os._exit(1)
