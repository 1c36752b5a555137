"""Slack's HTTP mode on the bot's aiohttp server: POST /slack/events (events, commands, interactivity).

Every request passes adapters/slack/ingress.py first: 401 unless Slack signed it within five
minutes (checked on the raw bytes, before any parsing), 400 with a short reason when it is signed
but malformed. Only then does bolt dispatch it (its own signature check runs again, harmlessly),
and it answers as soon as a listener acknowledges (a request no listener takes is acknowledged with
an empty 200 instead of bolt's 404, so that Slack does not retry it); the dispatch runs on threads of its own so that
slow work never holds the event loop.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

from adapters.slack import ingress

EVENTS_PATH = "/slack/events"
DISPATCH_THREADS = 64  # each request holds one while bolt verifies it and its listener acknowledges
MAX_BODY = 1024 * 1024  # Slack's largest payloads (a modal's state) are far below this
log = logging.getLogger(__name__)


def add_slack_routes(web_app: web.Application, bolt_app: App, *, threads: int = DISPATCH_THREADS,
                     signing_secret: str | None = None) -> None:
    """`signing_secret`: by default the bolt app's; without one every request is refused (401)."""
    executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slack-dispatch")
    secret = signing_secret or getattr(bolt_app, "_signing_secret", None)
    verifier = SignatureVerifier(secret) if secret else None

    async def slack_events(request: web.Request) -> web.Response:
        try:
            checked = await _checked(request, verifier)
        except ingress.Refused as refusal:
            log.info("Slack request refused: %s %s", refusal.status, refusal.reason)
            return web.Response(status=refusal.status, text=refusal.reason)
        headers = {name.lower(): request.headers.getall(name) for name in request.headers.keys()}
        headers["content-type"] = [checked.content_type]
        bolt_request = BoltRequest(body=checked.body, query=request.query_string, headers=headers)
        response = await asyncio.get_running_loop().run_in_executor(executor, bolt_app.dispatch, bolt_request)
        if response.status == 404:  # bolt's "unhandled request": signed, well formed, not for xgov
            log.info("Slack request acknowledged and ignored: no listener for it")
            return web.Response(status=200, text="")
        content_type = (response.headers.pop("content-type", None) or ["text/plain"])[0].split(";")[0]
        return web.Response(status=response.status, body=response.body.encode("utf-8"), content_type=content_type,
                            charset="utf-8", headers=response.first_headers_without_set_cookie())

    async def close_executor(_app: web.Application) -> None:
        executor.shutdown(wait=False, cancel_futures=True)

    web_app.router.add_post(EVENTS_PATH, slack_events)
    web_app.on_cleanup.append(close_executor)


async def _checked(request: web.Request, verifier: SignatureVerifier | None) -> ingress.Checked:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise ingress.Refused(413, "too large")
    body = await request.content.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise ingress.Refused(413, "too large")
    text = ingress.authenticate(verifier, body, request.headers)
    return ingress.check_shape(text, request.content_type)
