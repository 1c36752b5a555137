"""One inbound event or job being handled: its session, its actor, its language, its outbox.

Outbound messages become outbox rows in the unit of work that decided them (bot/outbox/), so a
refused or failed action sends nothing and a committed one cannot lose its messages; after the
commit the rows are sent, in the order the turn queued them.
"""
from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Union

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.i18n import Translate, translator
from bot.messages import Form, Image, Message, MessageRef
from bot.outbox import codec, store
from bot.outbox.store import Outgoing
from bot.ports import ChatPort, Unreachable
from bot.services.channels import channel_locale
from bot.services.directory import PersonView, normalise_email, recipients_settings
from bot.services.quiet_hours import working_time

if TYPE_CHECKING:
    from bot.outbox.sender import OutboxSender

MessageBuilder = Callable[[Translate], Message]
DirectCall = Callable[[ChatPort], object]  # not a message: a form opens now or never (its trigger expires)
log = logging.getLogger(__name__)


@dataclass
class Turn:
    session: Session
    actor: PersonView | None
    locale: str
    settings: Settings
    now: datetime
    platform: str = "console"  # where this turn's messages go
    batch: str = ""  # names this turn's messages: their keys and the fan-out log
    scheduled: bool = False  # a job, not a person: messages to people wait out their quiet hours
    _queued: list[Union[Outgoing, DirectCall]] = field(default_factory=list)
    _steps: list[Union[int, DirectCall]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.batch = self.batch or f"turn-{uuid.uuid4().hex[:16]}"

    @property
    def _(self) -> Translate:
        zone = (self.actor.timezone if self.actor else None) or self.settings.timezone
        return translator(self.locale, zone)

    def reply(self, build: MessageBuilder) -> None:
        self._queue(store.USER, self.actor.email, codec.message_to_dict(build(self._)))

    def tell(self, email: str, build: MessageBuilder) -> None:
        """Send to another person, in that person's language (after their quiet hours, from a job)."""
        self.tell_each([email], build)

    def tell_each(self, emails: list[str], build: MessageBuilder) -> None:
        """Send the same message to each of these people, each in their own language (after their
        quiet hours, from a job): one query for all of them, the message built once per language and time zone."""
        known = recipients_settings(session=self.session, emails=emails)
        payloads: dict[tuple[str, str | None], str] = {}
        not_before: dict[str | None, datetime] = {}
        for email in emails:
            locale, zone = known.get(normalise_email(email), (None, None))
            locale = locale or self.settings.default_locale
            if (locale, zone) not in payloads:
                reader = translator(locale, zone or self.settings.timezone)
                payloads[locale, zone] = _json(codec.message_to_dict(build(reader)))
            if zone not in not_before:
                not_before[zone] = (working_time(self.settings).next_allowed(self.now, zone or self.settings.timezone)
                                    if self.scheduled else self.now)
            self._queue_json(store.USER, email, payloads[locale, zone], not_before=not_before[zone])

    def post_to_governance(self, build: MessageBuilder, *, key: str = "") -> None:
        """Post to the governance channel in the language set for it where it was set (else the workspace's).
        A `key` names the post, so that :meth:`update_governance_post` can change it later."""
        self.post(self.settings.governance_channel, self._governance_locale(), build, key=key)

    def update_governance_post(self, key: str, build: MessageBuilder) -> None:
        """Change the governance post named `key`: one still waiting is rewritten before it goes out; a sent
        one is updated in place. (A post being sent at this very moment keeps its first version.)"""
        posted = store.find_by_key(session=self.session, key=key)
        if posted is None:
            return
        message = codec.message_to_dict(build(translator(self._governance_locale(), self.settings.timezone)))
        if posted.status == store.PENDING:
            posted.payload = _json(message)
        elif posted.status == store.SENT and posted.sent_ref:
            self._queue(store.UPDATE, posted.sent_ref, message)

    def _governance_locale(self) -> str:
        return channel_locale(session=self.session, name=self.settings.governance_channel,
                              default=self.settings.default_locale)

    def post(self, channel: str, locale: str, build: MessageBuilder, *, key: str = "") -> None:
        """Post to a named channel in that channel's language."""
        payload = _json(codec.message_to_dict(build(translator(locale, self.settings.timezone))))
        self._queue_json(store.CHANNEL, channel, payload, not_before=self.now, key=key)

    def upload(self, channel: str, image: Image, comment: str = "") -> None:
        self._queue(store.UPLOAD, channel, {"image": codec.image_to_dict(image), "comment": comment})

    def update(self, ref: MessageRef | None, build: MessageBuilder) -> None:
        message = codec.message_to_dict(build(self._))
        if ref is None:
            self._queue(store.USER, self.actor.email, message)
        else:
            self._queue(store.UPDATE, codec.ref_to_json(ref), message)

    def open_form(self, build: Callable[[Translate], Form], trigger: str | None) -> None:
        form = build(self._)
        if not form.cancel_label:
            form = replace(form, cancel_label=self._("Cancel"))
        self._queued.append(lambda port: port.open_form(self.actor.email, form, trigger))

    def _queue(self, operation: str, target: str, payload: dict) -> None:
        self._queue_json(operation, target, _json(payload), not_before=self.now)

    def _queue_json(self, operation: str, target: str, payload: str, *, not_before: datetime, key: str = "") -> None:
        key = key or f"{_short(self.batch)}:{len(self._queued)}"
        self._queued.append(Outgoing(key, operation, target, payload, not_before))

    def store_outbox(self) -> int:
        """Store the queued messages in this unit of work (before it commits); returns how many."""
        rows = [item for item in self._queued if isinstance(item, Outgoing)]
        ids = store.insert(session=self.session, platform=self.platform, batch=self.batch, items=rows, now=self.now)
        self._steps = [ids[item.key] if isinstance(item, Outgoing) else item
                       for item in self._queued if not isinstance(item, Outgoing) or item.key in ids]
        self._queued.clear()
        return len(ids)

    def deliver(self, sender: OutboxSender | None, port: ChatPort | None) -> None:
        """After the commit: send the stored rows and open the forms, in the order they were queued.
        Without a sender (a command line queueing for a server) the rows wait for `xgov run`."""
        rows: list[int] = []
        for step in self._steps + [None]:
            if isinstance(step, int):
                rows.append(step)
                continue
            if rows and sender is not None:
                sender.deliver(rows)
            rows = []
            if step is not None and port is not None:
                try:
                    step(port)
                except Unreachable as problem:
                    log.warning("not delivered: %s", problem)
        self._steps = []


def _short(batch: str) -> str:
    """Keys stay within the column: a long batch name (a Teams activity id) is hashed."""
    return batch if len(batch) <= 150 else hashlib.sha256(batch.encode()).hexdigest()[:40]


def _json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False)
