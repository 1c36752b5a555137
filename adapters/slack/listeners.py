"""The bolt app: Slack's commands, shortcuts, clicks, modal submissions and events, to the neutral bot.

Every listener acknowledges first (Slack wants an answer within 3 s) and then does the work on
bolt's listener threads (process_before_response=False). The one exception is a modal's
submission: the bot decides in the database first (fast), so that a refusal can be shown in the
open modal instead of closing it and losing what the person typed; messages go out after ack.
"""
from __future__ import annotations

import logging
import re

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
    def __init__(self, bot: XgovBot, actors: SlackActors, client: WebClient) -> None:
        self.bot = bot
        self.actors = actors
        self.client = client

    def register(self, app: App) -> App:
        for command in COMMANDS:
            app.command(command)(self.on_command)
        for callback_id in inbound.REPORT_SHORTCUTS:
            app.shortcut(callback_id)(self.on_report_shortcut)
        app.action(ANY)(self.on_action)
        app.view_submission(ANY)(self.on_view_submission)
        app.event("app_home_opened")(self.on_home_opened)
        app.event("message")(self.on_message)
        app.error(self.on_error)
        return app

    # -- listeners (bolt passes arguments by name) ------------------------------------------
    def on_command(self, ack: Ack, body: dict) -> None:
        ack()
        self.bot.handle(inbound.command_event(body, self.actors.actor(body["user_id"])))

    def on_report_shortcut(self, ack: Ack, body: dict) -> None:
        ack()
        self.bot.handle(inbound.shortcut_event(body, self.actors.actor(body["user"]["id"])))

    def on_action(self, ack: Ack, body: dict) -> None:
        ack()
        user_id = body["user"]["id"]
        self.bot.handle(inbound.button_event(body, self.actors.actor(user_id)))
        if inbound.from_home_tab(body):
            self.publish_home(user_id)

    def on_view_submission(self, ack: Ack, body: dict) -> None:
        submission = inbound.form_submission(body, self.actors.actor(body["user"]["id"]))
        prepared = self.bot.prepare(submission)
        block = prepared.refusal and inbound.refusal_block(body["view"], submission.values, prepared.refusal)
        if block:
            ack(response_action="errors", errors={block: prepared.refusal[:300]})
            prepared.finish(refusal_shown=True)
            return
        ack()
        prepared.finish()

    def on_home_opened(self, event: dict) -> None:
        if event.get("tab") == "home":
            self.publish_home(event["user"])

    def on_message(self, body: dict) -> None:
        event = body.get("event") or {}
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return
        neutral = inbound.direct_message_event(body, self.actors.actor(event["user"]))
        if neutral is not None:
            self.bot.handle(neutral)

    def on_error(self, error: Exception, body: dict) -> None:
        if isinstance(error, NotAPerson):
            log.info("ignored a request from someone without a readable e-mail: %s", error)
            return
        log.exception("Slack request failed (type %s)", body.get("type"), exc_info=error)

    # -- the App Home ---------------------------------------------------------------------------
    def publish_home(self, user_id: str) -> None:
        page = self.bot.view_for(self.actors.actor(user_id), home_page)
        self.client.views_publish(user_id=user_id, view=home_view(page))
