"""Slack's HTTP mode on the bot's aiohttp server: POST /slack/events (events, commands, interactivity).

bolt checks the signature (401 when it is missing, wrong or older than five minutes) and answers
as soon as a listener acknowledges; the dispatch runs on threads of its own so that slow work
never holds the event loop.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from slack_bolt import App, BoltRequest

EVENTS_PATH = "/slack/events"
DISPATCH_THREADS = 64  # each request holds one while bolt verifies it and its listener acknowledges


def add_slack_routes(web_app: web.Application, bolt_app: App, *, threads: int = DISPATCH_THREADS) -> None:
    executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slack-dispatch")

    async def slack_events(request: web.Request) -> web.Response:
        body = await request.text()
        headers = {name.lower(): request.headers.getall(name) for name in request.headers.keys()}
        bolt_request = BoltRequest(body=body, query=request.query_string, headers=headers)
        response = await asyncio.get_running_loop().run_in_executor(executor, bolt_app.dispatch, bolt_request)
        content_type = (response.headers.pop("content-type", None) or ["text/plain"])[0].split(";")[0]
        return web.Response(status=response.status, body=response.body.encode("utf-8"), content_type=content_type,
                            charset="utf-8", headers=response.first_headers_without_set_cookie())

    async def close_executor(_app: web.Application) -> None:
        executor.shutdown(wait=False, cancel_futures=True)

    web_app.router.add_post(EVENTS_PATH, slack_events)
    web_app.on_cleanup.append(close_executor)
