"""What `xgov run` does besides answering requests: one outbox sender for every platform it serves,
the heartbeat, the leader election and, while this process leads, the scheduler."""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Callable

from app.leader import LeaderElection
from app.scheduler import Scheduler
from bot.app import XgovBot
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.outbox.processes import new_process_id
from bot.outbox.sender import OutboxSender
from storage.db import Database

log = logging.getLogger("xgov")


class Background:
    def __init__(self, db: Database, settings: Settings, clock: Clock = system_clock) -> None:
        self.db, self.settings, self.clock = db, settings, clock
        self.process_id = new_process_id()
        self._bots: list[Callable[[], XgovBot]] = []  # Teams builds its bot when the server starts
        self.sender: OutboxSender | None = None
        self.scheduler: Scheduler | None = None
        self.election: LeaderElection | None = None

    def serve(self, bot: Callable[[], XgovBot]) -> None:
        self._bots.append(bot)

    def start(self) -> None:
        bots = [get() for get in self._bots]
        self.sender = OutboxSender(self.db, {}, process_id=self.process_id, clock=self.clock,
                                   threads=self.settings.send_threads,
                                   silent_after=timedelta(seconds=self.settings.process_silent_seconds))
        for bot in bots:
            self.sender.add_port(bot.platform, bot.port)
            bot.sender = self.sender
        by_platform = {bot.platform: bot for bot in bots}
        self.sender.on_newly_unreachable = lambda platform, key, problem: \
            by_platform[platform].tell_governance_unreachable(key, problem)
        scheduling_bot = next((bot for bot in bots if bot.platform == self.settings.platform), bots[0])
        self.scheduler = Scheduler(scheduling_bot, process_id=self.process_id, clock=self.clock)
        self.election = LeaderElection(self.db, on_elected=self.scheduler.start, on_deposed=self.scheduler.stop,
                                       poll_seconds=self.settings.leader_poll_seconds)
        self.sender.is_leader = lambda: self.election.leading
        self.sender.start()
        self.election.start()
        log.info("process %s: sending the outbox for %s; scheduled messages go to %s", self.process_id,
                 ", ".join(self.sender.platforms), scheduling_bot.platform)

    def stop(self) -> None:
        if self.election is not None:
            self.election.stop()
        if self.sender is not None:
            self.sender.stop()

    async def on_startup(self, _app) -> None:
        self.start()

    async def on_cleanup(self, _app) -> None:
        import asyncio

        await asyncio.get_running_loop().run_in_executor(None, self.stop)
