"""Wires the Slack platform: WebClient (with retry handlers), port, bot, bolt app."""
from __future__ import annotations

from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt import App

from adapters.slack.actors import SlackActors
from adapters.slack.listeners import SlackListeners
from adapters.slack.port import SlackPort, slack_client
from adapters.slack.settings import SlackSettings
from bot.app import XgovBot
from bot.clock import Clock, system_clock
from bot.config import Settings
from storage.db import Database

PLATFORM = "slack"
WORK_THREADS = 8  # the work after acks: database and Web API calls (which mostly wait on the network)


@dataclass
class SlackPlatform:
    app: App
    bot: XgovBot
    port: SlackPort
    listeners: SlackListeners


def slack_platform(*, db: Database, settings: Settings, slack: SlackSettings,
                   clock: Clock = system_clock, listener_executor: Executor | None = None) -> SlackPlatform:
    """`listener_executor` runs the work after each ack (a pool of WORK_THREADS by default)."""
    client = slack_client(slack.bot_token, slack.base_url())
    port = SlackPort(client)
    bot = XgovBot(db=db, port=port, settings=settings, clock=clock, platform=PLATFORM)
    work = listener_executor or ThreadPoolExecutor(max_workers=WORK_THREADS, thread_name_prefix="slack-work")
    listeners = SlackListeners(bot, SlackActors(client, port), client, work)
    app = App(client=client, signing_secret=slack.signing_secret or None,
              request_verification_enabled=not slack.socket_mode, token_verification_enabled=False,
              process_before_response=True, ignoring_self_events_enabled=True, listener_executor=work)
    listeners.register(app)
    return SlackPlatform(app=app, bot=bot, port=port, listeners=listeners)
