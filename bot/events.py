"""Neutral inbound events: what a person did, whatever the platform."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.messages import MessageRef


@dataclass(frozen=True)
class Actor:
    """Who acted. ``email`` is the neutral key of a person in the directory."""

    email: str
    locale: str | None = None
    display_name: str = ""


GREETINGS = frozenset({"help", "pomoc", "?", "hi", "hello", "cześć", "czesc", "hej"})


@dataclass(frozen=True)
class CommandEvent:
    """A command typed, or chosen from a menu. ``quoted`` is the text of a message the person
    applied it to (Slack's message shortcut, a Teams message action)."""

    actor: Actor
    command: str
    text: str = ""
    channel: str | None = None  # the platform's id of the channel it was given in; None in a direct chat
    trigger: str | None = None
    quoted: str = ""
    delivery_id: str = ""  # the platform's id of this delivery: a repeat of it is handled once
    channel_name: str = ""  # that channel's name, as the platform showed it (a label only)


@dataclass(frozen=True)
class FormSubmission:
    actor: Actor
    form_id: str
    values: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    metadata: str = ""  # what the form was opened with; a client may alter it where the platform lets it
    delivery_id: str = ""
    conversation: str = ""  # where the platform says it was submitted, when it says (Teams: a card in a chat)


@dataclass(frozen=True)
class ButtonAnswer:
    actor: Actor
    action_id: str
    value: str = ""
    message: MessageRef | None = None
    trigger: str | None = None
    delivery_id: str = ""


InboundEvent = CommandEvent | FormSubmission | ButtonAnswer


def free_text_event(actor: Actor, text: str, **place) -> CommandEvent:
    """What a person writes to the bot that is not a command: a greeting (or a call for help) gets the
    help; anything else is their friction report, as typed. Every adapter reads free text this way."""
    if text.lower().strip("!.") in GREETINGS:
        return CommandEvent(actor=actor, command="/xgov", text="help", **place)
    return CommandEvent(actor=actor, command="/friction", text=text, **place)
