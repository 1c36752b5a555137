"""The outbound port the core talks to; each adapter implements it."""
from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.messages import Form, Image, Message, MessageRef


class NotDelivered(Exception):
    """The platform will not take this message, and trying again would not change that (no such person
    or channel there). Anything else a port raises (a network fault, a 5xx, a bug) is tried again."""


class Unreachable(NotDelivered):
    """The platform will not deliver to this person or channel (blocked the bot, left, not installed).

    The port has already recorded it; the rest of a turn's messages still go out. `newly`: the port
    recorded `person` as unreachable just now, for the first time in any process, so the core tells
    the governance channel once (`never_opened`: the person never opened the bot, rather than left it)."""

    def __init__(self, message: str, *, person: str | None = None, newly: bool = False,
                 never_opened: bool = False) -> None:
        super().__init__(message)
        self.person, self.newly, self.never_opened = person, newly, never_opened


class MessageGone(NotDelivered):
    """The message to update is not there any more (deleted), or this port never knew where it is."""


@runtime_checkable
class ChatPort(Protocol):
    """Everything the core may do on a chat platform.

    People are addressed by e-mail (the directory's key); channels by the name the
    workspace configured. Implementations translate both to platform ids.
    """

    def send_to_user(self, email: str, message: Message, *, key: str = "") -> MessageRef: ...

    def post_to_channel(self, channel: str, message: Message, *, key: str = "") -> MessageRef: ...

    def open_form(self, email: str, form: Form, trigger: str | None = None) -> None: ...

    def update_message(self, ref: MessageRef, message: Message) -> MessageRef: ...

    def upload_image(self, channel: str, image: Image, comment: str = "") -> MessageRef: ...


@runtime_checkable
class FindsSent(Protocol):
    """A port that can tell whether a message with this outbox key reached the platform."""

    def find_sent(self, key: str, operation: str, target: str, *, since: datetime) -> MessageRef | None: ...
