"""The work after an ack: a Slack request's body to the bot (database, messages), by the work's name.

The listeners (adapters/slack/listeners.py) acknowledge and hand each request over as
(name, body); `SlackWork.run` does what the name says, in the process that runs the work: the
worker process (adapters/slack/worker.py) when served, or this process's threads
(`WorkInThreads`: tests, a database only this process can open).
"""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Executor
from typing import Protocol

from slack_sdk import WebClient

from adapters.slack import inbound
from adapters.slack.actors import NotAPerson, SlackActors
from adapters.slack.home import home_view
from adapters.slack.port import SlackPort, slack_client
from adapters.slack.settings import SlackSettings
from bot.app import XgovBot
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.flows.home import home_page
from bot.general_messages import not_identified
from bot.i18n import normalise_locale, translator
from bot.logs import request_scope
from storage.db import Database

log = logging.getLogger(__name__)
PLATFORM = "slack"
REQUEST_ID_KEY = "xgov_request_id"  # put in a body by the listener that acknowledged it (listeners.py)


def slack_work(*, db: Database, settings: Settings, slack: SlackSettings, clock: Clock = system_clock) -> SlackWork:
    """The bot on Slack's Web API (a WebClient with retry handlers, the port, the user cache), ready to work."""
    client = slack_client(slack.bot_token, slack.base_url())
    port = SlackPort(client, send_rate=slack.send_rate or None)
    bot = XgovBot(db=db, port=port, settings=settings, clock=clock, platform=PLATFORM)
    return SlackWork(bot, SlackActors(client, port), client)


def log_failure(error: BaseException, body: dict) -> None:
    """What a failed request leaves in the log (as bolt logs a failed listener)."""
    if isinstance(error, NotAPerson):
        log.info("ignored a request from someone without a readable e-mail: %s", error)
        return
    log.error("Slack request failed (type %s)", body.get("type"), exc_info=error)


class SlackWork:
    """What each kind of request does once acknowledged; the names are the listeners' (listeners.py)."""

    NAMES = ("command", "report_shortcut", "action", "home_opened", "message", "form")

    def __init__(self, bot: XgovBot, actors: SlackActors, client: WebClient) -> None:
        self.bot = bot
        self.actors = actors
        self.client = client

    def run(self, name: str, body: dict) -> None:
        """The work `name` (one of NAMES) for the request `body`; a failure is logged, never raised."""
        if name not in self.NAMES:
            raise ValueError(f"no Slack work named {name!r}")
        with request_scope(body.pop(REQUEST_ID_KEY, None)):
            started = time.monotonic()
            try:
                getattr(self, name)(body)
            except NotAPerson as stranger:
                log_failure(stranger, body)
                self.tell_not_identified(stranger)
                return
            except Exception as error:  # noqa: BLE001 - logged as bolt logs a failed listener
                log_failure(error, body)
                return
            log.info("Slack %s handled in %.0f ms", name, (time.monotonic() - started) * 1000)

    def tell_not_identified(self, stranger: NotAPerson) -> None:
        """Someone Slack does not identify (no e-mail) hears why nothing happened, in their Slack language."""
        if stranger.is_bot:
            return
        locale = normalise_locale(stranger.locale) or self.bot.settings.default_locale
        try:
            self.bot.port.send_to_user_id(stranger.user_id, not_identified(translator(locale)))
        except Exception as problem:  # noqa: BLE001 - a failed notice is only logged
            log.warning("could not tell Slack user %s why nothing happened: %s", stranger.user_id, problem)

    def command(self, body: dict) -> None:
        self.bot.handle(inbound.command_event(body, self.actors.actor(body["user_id"])))

    def report_shortcut(self, body: dict) -> None:
        self.bot.handle(inbound.shortcut_event(body, self.actors.actor(body["user"]["id"])))

    def action(self, body: dict) -> None:
        user_id = body["user"]["id"]
        self.bot.handle(inbound.button_event(body, self.actors.actor(user_id)))
        if inbound.from_home_tab(body):
            self.publish_home(user_id)

    def form(self, body: dict) -> None:
        """A modal's submission acknowledged before the person was known: handled as any other request."""
        self.bot.handle(inbound.form_submission(body, self.actors.actor(body["user"]["id"])))

    def home_opened(self, body: dict) -> None:
        event = body.get("event") or {}
        if event.get("tab") == "home":
            self.publish_home(event["user"])

    def message(self, body: dict) -> None:
        event = body.get("event") or {}
        if not inbound.written_to_the_bot(event):
            return
        neutral = inbound.direct_message_event(body, self.actors.actor(event["user"]))
        if neutral is not None:
            self.bot.handle(neutral)

    def publish_home(self, user_id: str) -> None:
        page = self.bot.view_for(self.actors.actor(user_id), home_page)
        self.client.views_publish(user_id=user_id, view=home_view(page))


class Unfinished:
    """How many pieces of work were handed over and are not done yet; `idle` waits for none."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def add(self, count: int = 1) -> None:
        with self._changed:
            self.count += count

    def done(self, count: int = 1) -> None:
        with self._changed:
            self.count -= count
            if self.count <= 0:
                self._changed.notify_all()

    def idle(self, timeout: float | None) -> bool:
        """True once nothing is unfinished; False after `timeout` seconds (None: no limit)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while self.count > 0:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._changed.wait(left)
        return True


class AfterAck(Protocol):
    """Where the listeners hand acknowledged requests: WorkInThreads (below) or WorkerProcess (worker.py)."""

    def submit(self, name: str, body: dict) -> None:
        """Start the work `name` (a SlackWork.NAMES) for `body`; returns at once."""

    def idle(self, timeout: float | None) -> bool:
        """True once all the work handed over is done; False after `timeout` seconds."""

    def stop(self) -> None:
        """Finish the work handed over; nothing more may be submitted."""


class WorkInThreads:
    """The work after each ack on an executor of this process (it shares this process's GIL with the acks)."""

    def __init__(self, work: SlackWork, executor: Executor) -> None:
        self.work = work
        self.executor = executor
        self.unfinished = Unfinished()

    def submit(self, name: str, body: dict) -> None:
        self.unfinished.add()
        self.executor.submit(self._run, name, body)

    def _run(self, name: str, body: dict) -> None:
        try:
            self.work.run(name, body)
        finally:
            self.unfinished.done()

    def idle(self, timeout: float) -> bool:
        return self.unfinished.idle(timeout)

    def stop(self) -> None:
        """Wait for the work handed over (the executor stays usable: the platform's modal submissions use it too)."""
        self.unfinished.idle(None)
