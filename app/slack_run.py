"""`xgov run --platform slack`: the Slack platform on the bot's web server, or over Socket Mode."""
from __future__ import annotations

import logging

from aiohttp import web

from bot.config import Settings
from storage.db import Database


def attach_slack(web_app: web.Application, *, db: Database, settings: Settings, log: logging.Logger) -> bool:
    """Serve Slack beside the dashboard; False (after saying why) when the credentials are missing."""
    from adapters.slack.bolt_app import slack_platform
    from adapters.slack.http import EVENTS_PATH, add_slack_routes
    from adapters.slack.settings import SlackSettings
    from adapters.slack.socket_mode import start_socket_mode

    slack = SlackSettings()
    if slack.problems():
        for problem in slack.problems():
            log.error("Slack: %s", problem)
        log.error("Slack: see docs/slack.md to create the app from adapters/slack/manifest.yml")
        return False
    platform = slack_platform(db=db, settings=settings, slack=slack)
    if slack.socket_mode:
        handler = start_socket_mode(platform.app, slack.app_token)
        web_app.on_cleanup.append(lambda _app: _close(handler))
        log.info("Slack: Socket Mode connected (SLACK_APP_TOKEN is set); no public URL is needed")
    else:
        add_slack_routes(web_app, platform.app)
        log.info("Slack: HTTP mode; Request URL %s%s", settings.public_url.rstrip("/"), EVENTS_PATH)
    log.info("Slack: Web API at %s", platform.port.client.base_url)
    return True


async def _close(handler) -> None:
    handler.close()
