"""Help and personal settings."""
from __future__ import annotations

from functools import partial

from bot import general_messages
from bot.errors import N_, UserError
from bot.events import CommandEvent
from bot.i18n import normalise_locale
from bot.privacy_messages import boundary_line
from bot.services.dashboard_links import dashboard_url, make_token
from bot.services.channels import bind_channel
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


HERE_WORDS = frozenset({"here", "tutaj"})


def on_channel(turn: Turn, event: CommandEvent) -> None:
    """`/xgov channel here [pl|en]`: a governance admin binds the channel they write in, by its id; the
    confirmation is posted there."""
    words = event.text.split()
    if not words or words[0].lower() not in HERE_WORDS:
        raise UserError(N_("Write /xgov channel here inside the channel that should become a governance channel."))
    if not event.channel:
        raise UserError(N_("Write /xgov channel here inside a channel, not in a direct message."))
    locale = normalise_locale(words[1]) if len(words) > 1 else turn.locale
    if locale is None:
        raise UserError(N_("The language must be pl or en, not {locale}."), locale=words[1])
    view = bind_channel(session=turn.session, platform=turn.platform, channel_id=event.channel,
                        name=event.channel_name, locale=locale, now=turn.now)
    turn.post(view.target, view.locale, partial(general_messages.channel_bound, by=turn.actor.name))
    turn.reply(partial(general_messages.done, _msg=N_("{channel} is now a governance channel."), channel=view.name))


def on_joined(turn: Turn, event) -> None:
    """The "Join xgov" button (XGOV_ENROL=ask): the person is in the directory by now."""
    turn.reply(partial(general_messages.done, _msg=N_("You are in xgov now. Send your message again, or write "
                                                      "/xgov help to see what I can do.")))
