"""One inbound event being handled: its session, its actor, its language, its outbox.

Outbound messages are collected while the unit of work runs and handed to the
ChatPort only after it commits, so that a refused or failed action sends nothing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.i18n import Translate, translator
from bot.messages import Form, Image, Message, MessageRef
from bot.ports import ChatPort, Unreachable
from bot.services.directory import PersonView, find_person

MessageBuilder = Callable[[Translate], Message]
log = logging.getLogger(__name__)


@dataclass
class Turn:
    session: Session
    actor: PersonView | None
    locale: str
    settings: Settings
    now: datetime
    _pending: list[Callable[[ChatPort], object]] = field(default_factory=list)

    @property
    def _(self) -> Translate:
        return translator(self.locale)

    def locale_of(self, email: str) -> str:
        person = find_person(session=self.session, email=email)
        return (person.locale if person and person.locale else None) or self.settings.default_locale

    def reply(self, build: MessageBuilder) -> None:
        message = build(self._)
        self._pending.append(lambda port: port.send_to_user(self.actor.email, message))

    def tell(self, email: str, build: MessageBuilder) -> None:
        """Send to another person, in that person's language."""
        message = build(translator(self.locale_of(email)))
        self._pending.append(lambda port: port.send_to_user(email, message))

    def post_to_governance(self, build: MessageBuilder) -> None:
        message = build(translator(self.settings.default_locale))
        channel = self.settings.governance_channel
        self._pending.append(lambda port: port.post_to_channel(channel, message))

    def post(self, channel: str, locale: str, build: MessageBuilder) -> None:
        """Post to a named channel in that channel's language."""
        message = build(translator(locale))
        self._pending.append(lambda port: port.post_to_channel(channel, message))

    def upload(self, channel: str, image: Image, comment: str = "") -> None:
        self._pending.append(lambda port: port.upload_image(channel, image, comment))

    def update(self, ref: MessageRef | None, build: MessageBuilder) -> None:
        message = build(self._)
        if ref is None:
            self._pending.append(lambda port: port.send_to_user(self.actor.email, message))
        else:
            self._pending.append(lambda port: port.update_message(ref, message))

    def open_form(self, build: Callable[[Translate], Form], trigger: str | None) -> None:
        form = build(self._)
        if not form.cancel_label:
            form = replace(form, cancel_label=self._("Cancel"))
        self._pending.append(lambda port: port.open_form(self.actor.email, form, trigger))

    def deliver(self, port: ChatPort) -> None:
        """Send what the turn queued, in order; one unreachable recipient does not stop the others."""
        for send in self._pending:
            try:
                send(port)
            except Unreachable as problem:
                log.warning("not delivered: %s", problem)
        self._pending.clear()
