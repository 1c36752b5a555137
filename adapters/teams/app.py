"""Wires the Teams platform into the bot's web server: POST /api/messages on botbuilder's CloudAdapter.

The adapter, port and bot are built when the server starts, on its event loop: the port sends
proactive messages by scheduling continue_conversation on that loop from the bot's worker threads.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import SimpleNamespace

from aiohttp import web

from bot.logs import request_scope
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from adapters.teams.handler import XgovTeamsHandler
from adapters.teams.images import ImagePublisher
from adapters.teams.port import TeamsPort
from adapters.teams.references import ReferenceStore
from adapters.teams.settings import TeamsSettings
from bot.app import XgovBot
from bot.clock import Clock, system_clock
from bot.config import Settings
from storage.db import Database

log = logging.getLogger(__name__)
MESSAGES_PATH = "/api/messages"
PLATFORM = "teams"
WORKER_THREADS = 16


def cloud_adapter(teams: TeamsSettings) -> CloudAdapter:
    """botbuilder's adapter; without credentials (development) it neither checks nor sends tokens."""
    configuration = SimpleNamespace(APP_ID=teams.app_id, APP_PASSWORD=teams.app_password,
                                    APP_TYPE=teams.app_type if teams.has_credentials else "",
                                    APP_TENANTID=teams.tenant_id)
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(configuration))

    async def on_error(turn_context: TurnContext, error: Exception) -> None:
        log.exception("Teams activity %s failed", turn_context.activity.type, exc_info=error)

    adapter.on_turn_error = on_error
    return adapter


@dataclass
class TeamsPlatform:
    adapter: CloudAdapter
    store: ReferenceStore
    port: TeamsPort | None = None
    bot: XgovBot | None = None
    handler: XgovTeamsHandler | None = None


def add_teams_routes(web_app: web.Application, *, db: Database, settings: Settings, teams: TeamsSettings,
                     clock: Clock = system_clock) -> TeamsPlatform:
    platform = TeamsPlatform(adapter=cloud_adapter(teams), store=ReferenceStore(db, platform=PLATFORM, clock=clock))
    executor = ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="teams-turn")

    async def start(_app: web.Application) -> None:
        import asyncio

        platform.port = TeamsPort(platform.adapter, teams.app_id, platform.store, asyncio.get_running_loop(),
                                  governance_channel=settings.governance_channel,
                                  default_locale=settings.default_locale,
                                  image_url=ImagePublisher(db, settings.public_url, clock))
        platform.bot = XgovBot(db=db, port=platform.port, settings=settings, clock=clock, platform=PLATFORM)
        platform.handler = XgovTeamsHandler(platform.bot, platform.store, executor)

    async def stop(_app: web.Application) -> None:
        executor.shutdown(wait=False, cancel_futures=True)

    async def messages(request: web.Request) -> web.Response:
        with request_scope():
            return await platform.adapter.process(request, platform.handler)

    web_app.on_startup.append(start)
    web_app.on_cleanup.append(stop)
    web_app.router.add_post(MESSAGES_PATH, messages)
    return platform
