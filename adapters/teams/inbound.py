"""Teams activities to the bot's neutral events (pure functions, no Bot Connector calls).

Text written to the bot: ``/friction …`` and ``/xgov …`` work as in Slack; a first word that is an
xgov command (``help``, ``reports``, ``triage F-3``…) runs it; a greeting gets the help; anything
else is a friction report. In a channel the bot only hears messages that @mention it; the mention
is removed first. Card buttons arrive as ``value`` (Action.Submit): see adapters/teams/cards.py.
"""
from __future__ import annotations

import html
import re

from adapters.teams.cards import Click, FormCancel, FormSubmit, parse_submit
from bot.events import Actor, ButtonAnswer, CommandEvent, FormSubmission, InboundEvent
from bot.messages import MessageRef

HELP_WORDS = frozenset({"help", "pomoc", "?", "hi", "hello", "cześć", "czesc", "hej"})
_TAGS = re.compile(r"<[^>]+>")


def delivery_id(conversation_id: str, activity_id: str | None) -> str:
    """Bot Framework redelivers an activity with the same id in the same conversation."""
    return f"{conversation_id}|{activity_id}" if activity_id else ""


def plain(text: str) -> str:
    """Teams sends typed text as plain text, pasted or formatted text sometimes as HTML: keep the words."""
    if "<" in text and ">" in text:
        text = _TAGS.sub("", text.replace("<br>", "\n").replace("<br/>", "\n").replace("</p>", "\n"))
    return html.unescape(text).replace("\u00a0", " ").strip()


def text_event(text: str, actor: Actor, *, subcommands, delivery: str = "") -> CommandEvent | None:
    text = plain(text)
    if not text:
        return None
    if text.startswith("/"):
        command, _sep, rest = text.partition(" ")
        return CommandEvent(actor=actor, command=command.lower(), text=rest.strip(), delivery_id=delivery)
    first = text.split(maxsplit=1)[0].lower()
    if first in subcommands:
        return CommandEvent(actor=actor, command="/xgov", text=text, delivery_id=delivery)
    if text.lower().strip("!.") in HELP_WORDS:
        return CommandEvent(actor=actor, command="/xgov", text="help", delivery_id=delivery)
    return CommandEvent(actor=actor, command="/friction", text=text, delivery_id=delivery)


def submit_event(value: object, actor: Actor, message: MessageRef | None, *, delivery: str = "",
                 conversation: str = "") -> InboundEvent | None:
    """A card's Action.Submit as a click or a form; None for a cancel or for data that is not ours."""
    submitted = parse_submit(value)
    if isinstance(submitted, Click):
        return ButtonAnswer(actor=actor, action_id=submitted.action_id, value=submitted.value, message=message,
                            trigger="teams", delivery_id=delivery)
    if isinstance(submitted, FormSubmit):
        return FormSubmission(actor=actor, form_id=submitted.form_id, values=submitted.values,
                              metadata=submitted.metadata, delivery_id=delivery,
                              conversation=conversation)
    if isinstance(submitted, FormCancel):
        return None
    return None
