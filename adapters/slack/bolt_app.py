"""Wires the Slack platform: WebClient (with retry handlers), port, bot, bolt app, and where the work runs.

The work after each ack runs in a worker process (adapters/slack/worker.py) unless
XGOV_SLACK_WORK_PROCESS=false, a `listener_executor` is given (tests, which await it), the
database cannot be opened by another process (SQLite in memory) or the clock is not the system's:
then on threads of this process (WorkInThreads).

FREEZE: with the worker process, the serving web process also freezes what it holds after start-up
(gc.freeze: the imported bot, bolt, SQLAlchemy, the platform), so that the garbage collector never
walks it again: a full collection of ~150,000 objects took 50-170 ms on a busy machine, a pause of
every ack in flight at that moment, which set xgov's p99 (bench/slack_ack.py).
"""
from __future__ import annotations

import gc
import logging
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt import App

from adapters.slack.listeners import SlackListeners
from adapters.slack.port import SlackPort
from adapters.slack.settings import SlackSettings
from adapters.slack.work import PLATFORM, AfterAck, SlackWork, WorkInThreads, slack_work
from adapters.slack.worker import WORK_THREADS, WorkerProcess, WorkerSpec
from bot.app import XgovBot
from bot.clock import Clock, system_clock
from bot.config import Settings
from storage.db import Database

__all__ = ["PLATFORM", "WORK_THREADS", "SlackPlatform", "slack_platform"]
log = logging.getLogger(__name__)


@dataclass
class SlackPlatform:
    app: App
    bot: XgovBot
    port: SlackPort
    listeners: SlackListeners
    after_ack: AfterAck  # WorkerProcess when served, else WorkInThreads

    def idle(self, timeout: float) -> bool:
        """True once the work after every ack so far is done, a modal's messages included (False after
        `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        return self.after_ack.idle(timeout) and self.listeners.finishing.idle(max(0.0, deadline - time.monotonic()))

    def stop(self) -> None:
        """Finish the work after the acks so far and end the worker process (also done at exit)."""
        self.after_ack.stop()
        self.listeners.finishing.idle(None)


def slack_platform(*, db: Database, settings: Settings, slack: SlackSettings,
                   clock: Clock = system_clock, listener_executor: Executor | None = None) -> SlackPlatform:
    """`listener_executor` runs the work after each ack in this process (else a pool of WORK_THREADS
    does when the work cannot go to a worker process); it also sends a modal submission's messages."""
    work = slack_work(db=db, settings=settings, slack=slack, clock=clock)
    executor = listener_executor or ThreadPoolExecutor(max_workers=WORK_THREADS, thread_name_prefix="slack-work")
    after_ack = _after_ack(work, executor, db=db, settings=settings, slack=slack,
                           in_process=listener_executor is not None or clock is not system_clock)
    listeners = SlackListeners(work.bot, work.actors, after_ack, executor)
    app = App(client=work.client, signing_secret=slack.signing_secret or None,
              request_verification_enabled=not slack.socket_mode, token_verification_enabled=False,
              process_before_response=True, ignoring_self_events_enabled=True, listener_executor=executor)
    listeners.register(app)
    return SlackPlatform(app=app, bot=work.bot, port=work.bot.port, listeners=listeners, after_ack=after_ack)


def freeze_start_up(platform: SlackPlatform) -> None:
    """A serving process whose work runs in a worker process freezes what it holds after start-up
    (see FREEZE); called once by the server (and the benchmark that measures it), never by a factory."""
    if isinstance(platform.after_ack, WorkerProcess):
        gc.freeze()


def _after_ack(work: SlackWork, executor: Executor, *, db: Database, settings: Settings, slack: SlackSettings,
               in_process: bool) -> AfterAck:
    if in_process or db.in_memory or not slack.work_process:
        return WorkInThreads(work, executor)
    worker = WorkerProcess(WorkerSpec(database_url=db.url, settings=settings, slack=slack,
                                      log_level=min(logging.getLogger().getEffectiveLevel(), logging.INFO)))
    log.info("Slack: the work after each acknowledgement runs in a worker process (pid %s)", worker.pid)
    return worker
