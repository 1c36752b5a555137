"""Help and personal settings."""
from __future__ import annotations

from functools import partial

from bot import general_messages
from bot.errors import N_, UserError
from bot.events import CommandEvent
from bot.i18n import normalise_locale
from bot.privacy_messages import boundary_line
from bot.services.dashboard_links import dashboard_url, make_token
from bot.services.directory import set_locale
from bot.turn import Turn


def on_help(turn: Turn, event: CommandEvent) -> None:
    turn.reply(partial(general_messages.help_message, boundary=boundary_line(turn._, turn.settings)))


def on_unknown(turn: Turn, command: str) -> None:
    turn.reply(partial(general_messages.help_message, unknown=command,
                       boundary=boundary_line(turn._, turn.settings)))


def on_language(turn: Turn, event: CommandEvent) -> None:
    locale = normalise_locale(event.text.strip())
    if locale is None:
        raise UserError(N_("Choose pl or en, for example: /xgov language pl"))
    set_locale(session=turn.session, email=turn.actor.email, locale=locale)
    turn.locale = locale
    turn.reply(partial(general_messages.done, _msg=N_("From now on I will write to you in English.")))


def on_dashboard(turn: Turn, event: CommandEvent) -> None:
    """A governance admin gets a private, signed, expiring link to the dashboard."""
    token = make_token(session=turn.session, secret=turn.settings.web_secret, email=turn.actor.email)
    url = dashboard_url(turn.settings.public_url, token)
    turn.reply(partial(general_messages.dashboard_link, url=url, days=turn.settings.dashboard_link_days))
