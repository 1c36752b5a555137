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
from botbuilder.core import TurnContext, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from adapters.teams import ingress
from adapters.teams.handler import XgovTeamsHandler
from adapters.teams.images import ImagePublisher
from adapters.teams.port import TeamsPort
from adapters.teams.references import ReferenceStore
from adapters.teams.settings import TeamsSettings
from bot.app import XgovBot
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.logs import request_scope
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


async def _process(request: web.Request, platform: TeamsPlatform, *, checked: bool) -> web.Response:
    """As CloudAdapter.process, with adapters/teams/ingress.py's order: the bearer token before the body,
    authentication before the turn, 401/400 instead of a traceback."""
    header = request.headers.get("Authorization", "")
    if checked:
        ingress.check_bearer(header)
    activity = await ingress.read_activity(request, authenticated=not checked)
    try:
        authenticated = await platform.adapter.bot_framework_authentication.authenticate_request(activity, header)
    except Exception as problem:  # noqa: BLE001 - any failure to authenticate is a 401, logged without a traceback
        raise ingress.Refused(401, "unauthorized") from problem
    invoke_response = await platform.adapter.process_activity(authenticated, activity, platform.handler.on_turn)
    if invoke_response:
        return web.json_response(data=serializer_helper(invoke_response.body), status=invoke_response.status)
    return web.Response(status=201)


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
                                  image_url=ImagePublisher(db, settings.public_url, clock))
        platform.bot = XgovBot(db=db, port=platform.port, settings=settings, clock=clock, platform=PLATFORM)
        platform.handler = XgovTeamsHandler(platform.bot, platform.store, executor)

    async def stop(_app: web.Application) -> None:
        executor.shutdown(wait=False, cancel_futures=True)

    async def messages(request: web.Request) -> web.Response:
        with request_scope():
            try:
                return await _process(request, platform, checked=teams.has_credentials)
            except ingress.Refused as refusal:
                log.info("Teams request refused: %s %s", refusal.status, refusal.reason)
                return web.Response(status=refusal.status, text=refusal.reason)

    web_app.on_startup.append(start)
    web_app.on_cleanup.append(stop)
    web_app.router.add_post(MESSAGES_PATH, messages)
    return platform
