"""Builds the bot for command-line use: settings, database (migrated), console platform."""
from __future__ import annotations

from pathlib import Path

from adapters.console.port import ConsolePort
from bot.app import XgovBot
from bot.config import Settings, console_mailbox_path
from storage.db import Database
from storage.migrate import upgrade


def console_bot(settings: Settings, mailbox: str | None = None) -> tuple[XgovBot, ConsolePort]:
    upgrade(settings.database_url)
    port = ConsolePort(Path(mailbox or console_mailbox_path(settings)))
    return XgovBot(db=Database(settings.database_url), port=port, settings=settings), port
