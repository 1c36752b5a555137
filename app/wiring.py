"""Builds the bot for command-line use: settings, database (migrated), console platform."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, TypeVar

from adapters.console.port import ConsolePort
from bot.app import XgovBot
from bot.config import Settings, console_mailbox_path
from bot.errors import UserError
from bot.i18n import translator
from bot.turn import Turn
from storage.db import Database
from storage.migrate import upgrade

T = TypeVar("T")


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings from the environment, with the command line's --database-url over them."""
    overrides = {}
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    return Settings(**overrides)


def console_bot(settings: Settings, mailbox: str | None = None) -> tuple[XgovBot, ConsolePort]:
    upgrade(settings.database_url)
    port = ConsolePort(Path(mailbox or console_mailbox_path(settings)))
    return XgovBot(db=Database(settings.database_url), port=port, settings=settings), port


def cli_bot(settings: Settings) -> XgovBot:
    """The bot of a command: on the console platform it sends through the console mailbox; for Slack
    or Teams (XGOV_PLATFORM) its messages wait in the outbox, and `xgov run` sends them."""
    if settings.platform == "console":
        return console_bot(settings)[0]
    upgrade(settings.database_url)
    return XgovBot(db=Database(settings.database_url), port=None, settings=settings, platform=settings.platform)


def run_cli_job(settings: Settings, lang: str, job: Callable[[Turn], T]) -> T:
    """Run a command-line job through the bot; a refusal is printed in `lang` and exits with 2."""
    bot = cli_bot(settings)
    try:
        return bot.run_job(job)
    except UserError as refusal:
        print(translator(lang)(refusal.msgid, **refusal.params), file=sys.stderr)
        raise SystemExit(2) from refusal
