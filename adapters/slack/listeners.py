"""The bolt app: Slack's commands, shortcuts, clicks, modal submissions and events, to the neutral bot.

Slack wants an answer within 3 s. bolt runs with process_before_response=True, so each listener
runs in the thread that dispatches the request and its answer goes back as soon as it returns:
every listener acknowledges first and hands the work (database, messages) to the work pool. The
acknowledgement never waits behind earlier requests' work (with process_before_response=False
bolt runs the whole listener, ack included, on its small listener pool, and under load acks waited
for a free thread: bench/slack_ack.py measured it). A modal's submission is the one exception:
the bot decides in the database first (milliseconds), so that a refusal can be shown in the open
modal instead of closing it and losing what the person typed; its messages go out on the pool.
"""
from __future__ import annotations

import logging
import re
from concurrent.futures import Executor
from typing import Callable

from slack_bolt import Ack, App
from slack_sdk import WebClient

from adapters.slack import inbound
from adapters.slack.actors import NotAPerson, SlackActors
from adapters.slack.home import home_view
from bot.app import XgovBot
from bot.flows.home import home_page

log = logging.getLogger(__name__)
ANY = re.compile(".+")
COMMANDS = ("/friction", "/xgov")  # as in manifest.yml
EVENTS = ("app_home_opened", "message")  # message: message.im in manifest.yml


class SlackListeners:
    def __init__(self, bot: XgovBot, actors: SlackActors, client: WebClient, work: Executor) -> None:
        self.bot = bot
        self.actors = actors
        self.client = client
        self.work = work

    def register(self, app: App) -> App:
        for command in COMMANDS:
            app.command(command)(self._acknowledged(self.on_command))
        for callback_id in inbound.REPORT_SHORTCUTS:
            app.shortcut(callback_id)(self._acknowledged(self.on_report_shortcut))
        app.action(ANY)(self._acknowledged(self.on_action))
        app.view_submission(ANY)(self.on_view_submission)
        app.event("app_home_opened")(self._acknowledged(self.on_home_opened))
        app.event("message")(self._acknowledged(self.on_message))
        app.error(self.on_error)
        return app

    def _acknowledged(self, work: Callable[[dict], None]) -> Callable:
        """A bolt listener that acknowledges and submits `work(body)` to the work pool."""
        def listener(ack: Ack, body: dict) -> None:
            ack()
            self.work.submit(self._guarded, work, body)
        return listener

    def _guarded(self, work: Callable[[dict], None], body: dict) -> None:
        try:
            work(body)
        except Exception as error:  # noqa: BLE001 - logged as bolt logs a failed listener
            self.on_error(error, body)

    # -- the work after the ack --------------------------------------------------------------------
    def on_command(self, body: dict) -> None:
        self.bot.handle(inbound.command_event(body, self.actors.actor(body["user_id"])))

    def on_report_shortcut(self, body: dict) -> None:
        self.bot.handle(inbound.shortcut_event(body, self.actors.actor(body["user"]["id"])))

    def on_action(self, body: dict) -> None:
        user_id = body["user"]["id"]
        self.bot.handle(inbound.button_event(body, self.actors.actor(user_id)))
        if inbound.from_home_tab(body):
            self.publish_home(user_id)

    def on_home_opened(self, body: dict) -> None:
        event = body.get("event") or {}
        if event.get("tab") == "home":
            self.publish_home(event["user"])

    def on_message(self, body: dict) -> None:
        event = body.get("event") or {}
        if not inbound.written_to_the_bot(event):
            return
        neutral = inbound.direct_message_event(body, self.actors.actor(event["user"]))
        if neutral is not None:
            self.bot.handle(neutral)

    # -- a modal's submission: decided before the ack ----------------------------------------------
    def on_view_submission(self, ack: Ack, body: dict) -> None:
        submission = inbound.form_submission(body, self.actors.actor(body["user"]["id"]))
        prepared = self.bot.prepare(submission)
        block = prepared.refusal and inbound.refusal_block(body["view"], submission.values, prepared.refusal)
        if block:
            ack(response_action="errors", errors={block: prepared.refusal[:300]})
            self.work.submit(self._guarded, lambda _body: prepared.finish(refusal_shown=True), body)
            return
        ack()
        self.work.submit(self._guarded, lambda _body: prepared.finish(), body)

    def on_error(self, error: Exception, body: dict) -> None:
        if isinstance(error, NotAPerson):
            log.info("ignored a request from someone without a readable e-mail: %s", error)
            return
        log.error("Slack request failed (type %s)", body.get("type"), exc_info=error)

    # -- the App Home ---------------------------------------------------------------------------
    def publish_home(self, user_id: str) -> None:
        page = self.bot.view_for(self.actors.actor(user_id), home_page)
        self.client.views_publish(user_id=user_id, view=home_view(page))
