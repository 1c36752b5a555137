"""`xgov run --platform slack` (HTTP or Socket Mode) and `xgov slack manifest` (the app, ready to paste)."""
from __future__ import annotations

import argparse
import logging
import sys

from aiohttp import web

from bot.config import Settings
from storage.db import Database


def attach_slack(web_app: web.Application, *, db: Database, settings: Settings, log: logging.Logger):
    """Serve Slack beside the dashboard: its SlackPlatform, or None (after saying why) when the
    credentials are missing."""
    from adapters.slack.bolt_app import freeze_start_up, slack_platform
    from adapters.slack.http import EVENTS_PATH, add_slack_routes
    from adapters.slack.settings import SlackSettings
    from adapters.slack.socket_mode import start_socket_mode

    slack = SlackSettings()
    if slack.problems():
        for problem in slack.problems():
            log.error("Slack: %s", problem)
        log.error("Slack: see docs/slack.md to create the app from adapters/slack/manifest.yml")
        return None
    platform = slack_platform(db=db, settings=settings, slack=slack)
    if slack.socket_mode:
        handler = start_socket_mode(platform.app, slack.app_token)
        web_app.on_cleanup.append(lambda _app: _close(handler))
        log.info("Slack: Socket Mode connected (SLACK_APP_TOKEN is set); no public URL is needed")
    else:
        add_slack_routes(web_app, platform.app)
        log.info("Slack: HTTP mode; Request URL %s%s", settings.public_url.rstrip("/"), EVENTS_PATH)
    log.info("Slack: Web API at %s", platform.port.client.base_url)
    freeze_start_up(platform)
    return platform


async def _close(handler) -> None:
    """The Socket Mode client waits out its socket's timeouts when closing: not on the event loop."""
    import asyncio

    await asyncio.get_running_loop().run_in_executor(None, handler.close)


def cmd_manifest(args: argparse.Namespace) -> int:
    from adapters.slack.manifest import manifest_for

    url = args.url or Settings().public_url
    try:
        print(manifest_for(url, socket_mode=args.socket_mode), end="")
    except ValueError as problem:
        print(problem, file=sys.stderr)
        return 2
    return 0


def register(commands) -> None:
    slack = commands.add_parser("slack", help="the Slack app").add_subparsers(dest="slack_command", required=True)
    manifest = slack.add_parser("manifest", help="print the Slack app manifest to paste at api.slack.com/apps")
    manifest.add_argument("--url", help="the bot's public https address (default: XGOV_PUBLIC_URL)")
    manifest.add_argument("--socket-mode", action="store_true", help="for Socket Mode: no public address needed")
    manifest.set_defaults(func=cmd_manifest)
