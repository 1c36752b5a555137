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
from bot.logs import current_request_id
from bot.messages import Form, Image, Message, MessageRef
from bot.outbox import codec, store
from bot.services.channels import notice_channels
from bot.outbox.store import Outgoing
from bot.ports import ChatPort, Unreachable
from bot.services.directory import PersonView, normalise_email, recipients_settings
from bot.services.quiet_hours import working_time
from storage import audit

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
        # who the audit trail names for what this turn changes (storage/audit.py)
        self.session.info[audit.ACTOR] = self.actor.id if self.actor else ("scheduler" if self.scheduled
                                                                          else "command line")
        self.session.info[audit.NOW] = self.now

    @property
    def _(self) -> Translate:
        zone = (self.actor.timezone if self.actor else None) or self.settings.timezone
        return translator(self.locale, zone)

    def reply(self, build: MessageBuilder) -> None:
        self._queue(store.USER, self.actor.email, codec.message_to_dict(build(self._)))

    def answer(self, email: str, message: Message) -> None:
        """Answer whoever just wrote (a stranger, a leaver, a refusal): asked for, so sent whatever the
        directory says of them, and now."""
        self._queue(store.USER, email, codec.message_to_dict(message))

    def tell(self, email: str, build: MessageBuilder) -> None:
        """Send to another person, in that person's language (after their quiet hours, from a job)."""
        self.tell_each([email], build)

    def tell_each(self, emails: list[str], build: MessageBuilder) -> None:
        """Send the same message to each of these people, each in their own language (after their
        quiet hours, from a job): one query for all of them, the message built once per language and time zone.
        Nobody deactivated in the directory is sent anything (surveys, reminders, nudges, notices)."""
        known = recipients_settings(session=self.session, emails=emails)
        payloads: dict[tuple[str, str | None], str] = {}
        not_before: dict[str | None, datetime] = {}
        for email in emails:
            locale, zone, active = known.get(normalise_email(email), (None, None, True))
            if not active:  # deactivated: left the organisation, so nothing more reaches them
                log.info("not sent to %s: deactivated in the directory", email)
                continue
            locale = locale or self.settings.default_locale
            if (locale, zone) not in payloads:
                reader = translator(locale, zone or self.settings.timezone)
                payloads[locale, zone] = _json(codec.message_to_dict(build(reader)))
            if zone not in not_before:
                not_before[zone] = (working_time(self.settings).next_allowed(self.now, zone or self.settings.timezone)
                                    if self.scheduled else self.now)
            self._queue_json(store.USER, email, payloads[locale, zone], not_before=not_before[zone])

    def post_to_governance(self, build: MessageBuilder, *, key: str = "") -> None:
        """To every governance channel bound on this turn's platform, each in its language
        (bot/services/channels.py: else the settings' channel by name, in the language set for it). A `key`
        names the post, so that :meth:`update_governance_post` can change it later."""
        for channel in self._governance_channels():
            self.post(channel.target, channel.locale, build, key=f"{key}:{channel.target}" if key else "")

    def update_governance_post(self, key: str, build: MessageBuilder) -> None:
        """Change the governance posts named `key`: one still waiting is rewritten before it goes out; a sent
        one is updated in place. (A post being sent at this very moment keeps its first version.)"""
        for channel in self._governance_channels():
            posted = store.find_by_key(session=self.session, key=f"{key}:{channel.target}")
            if posted is None:
                continue
            message = codec.message_to_dict(build(translator(channel.locale, self.settings.timezone)))
            if posted.status == store.PENDING:
                posted.payload = _json(message)
            elif posted.status == store.SENT and posted.sent_ref:
                self._queue(store.UPDATE, posted.sent_ref, message)

    def _governance_channels(self):
        return notice_channels(session=self.session, settings=self.settings, platform=self.platform)

    def post(self, channel: str, locale: str, build: MessageBuilder, *, key: str = "") -> None:
        """Post to a named channel in that channel's language."""
        payload = _json(codec.message_to_dict(build(translator(locale, self.settings.timezone))))
        self._queue_json(store.CHANNEL, channel, payload, not_before=self.now, key=key)

    def upload(self, channel: str, image: Image, comment: str = "") -> None:
        self._queue(store.UPLOAD, channel, {"image": codec.image_to_dict(image), "comment": comment})

    def update(self, ref: MessageRef | None, build: MessageBuilder) -> None:
        """Replace the message a click or form came from; when the bot did not send it to this person (or,
        for a governance admin, to a channel), whatever the request claims, the person gets a new message."""
        message = codec.message_to_dict(build(self._))
        if ref is None or not self._may_update(ref):
            self._queue(store.USER, self.actor.email, message)
        else:
            self._queue(store.UPDATE, codec.ref_to_json(ref), message)

    def _may_update(self, ref: MessageRef) -> bool:
        if self.actor is None:
            return False
        return store.sent_where_actor_may_update(
            session=self.session, platform=self.platform, conversation=ref.conversation, message_id=ref.message_id,
            email=self.actor.email, channels_too=self.actor.has_role("governance_admin"))

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
        ids = store.insert(session=self.session, platform=self.platform, batch=self.batch, items=rows, now=self.now,
                           request_id=current_request_id())
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
