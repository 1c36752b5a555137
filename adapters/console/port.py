"""ConsolePort: the ChatPort of the console platform."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Callable

from adapters.console.mailbox import Delivery, Mailbox
from adapters.console.render import render_message
from bot.messages import Form, Image, Message, MessageRef
from bot.ports import MessageGone


class ConsolePort:
    """Delivers to a mailbox that console sessions, the demo and the tests read."""

    def __init__(self, mailbox_path: Path | None = None, *, stamp: Callable[[], str] = lambda: "") -> None:
        self.mailbox = Mailbox(mailbox_path)
        self._stamp = stamp

    def _deliver(self, kind: str, target: str, *, message: Message | None = None, form: Form | None = None,
                 message_id: str | None = None, key: str = "") -> MessageRef:
        if message is not None and message.image is not None and message.image.data:
            message = replace(message, image=self._saved(message.image))
        seq = self.mailbox.next_seq()
        message_id = message_id or str(seq)
        self.mailbox.append(Delivery(seq, kind, target, message_id, self._stamp(), message, form, key))
        return MessageRef(conversation=target, message_id=message_id)

    def _saved(self, image: Image) -> Image:
        """Image bytes go to a file beside the mailbox (the mailbox keeps its path), so a console user can open it."""
        if self.mailbox.path is None:
            return image
        folder = Path(str(self.mailbox.path) + ".files")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / Path(image.filename).name
        target.write_bytes(image.data)
        return replace(image, url=str(target))

    def send_to_user(self, email: str, message: Message, *, key: str = "") -> MessageRef:
        return self._deliver("dm", email, message=message, key=key)

    def post_to_channel(self, channel: str, message: Message, *, key: str = "") -> MessageRef:
        return self._deliver("channel", "#" + channel.lstrip("#"), message=message, key=key)

    def find_sent(self, key: str, operation: str, target: str, *, since: datetime) -> MessageRef | None:
        """The mailbox keeps each message's outbox key: after a crash, a message it has is not sent again."""
        self.mailbox.refresh()
        conversation = target if operation == "user" else "#" + target.lstrip("#")
        for delivery in self.mailbox.for_target(conversation):
            if key and delivery.key == key:
                return MessageRef(conversation=conversation, message_id=delivery.message_id)
        return None

    def open_form(self, email: str, form: Form, trigger: str | None = None) -> None:
        self._deliver("form", email, form=form)

    def update_message(self, ref: MessageRef, message: Message) -> MessageRef:
        if ref.message_id not in self.mailbox.current(ref.conversation):
            raise MessageGone(f"no console message {ref.message_id} in {ref.conversation}")
        return self._deliver("update", ref.conversation, message=message, message_id=ref.message_id)

    def upload_image(self, channel: str, image: Image, comment: str = "") -> MessageRef:
        return self._deliver("image", "#" + channel.lstrip("#"), message=Message(text=comment, image=image))

    # What a person or a channel sees: the latest version of each message, in order.
    def deliveries_for(self, target: str) -> list[Delivery]:
        return self.mailbox.for_target(target)

    def current_messages(self, target: str) -> dict[str, Message]:
        return self.mailbox.current(target)

    def seen_by(self, target: str) -> list[str]:
        return [render_message(message) for message in self.current_messages(target).values()]

    def last_message(self, target: str) -> tuple[MessageRef, Message]:
        for delivery in reversed(self.mailbox.for_target(target)):
            if delivery.message is not None:
                ref = MessageRef(conversation=target, message_id=delivery.message_id)
                return ref, self.mailbox.current(target)[delivery.message_id]
        raise LookupError(f"nothing was delivered to {target}")

    def last_form(self, email: str) -> Form:
        for delivery in reversed(self.deliveries_for(email)):
            if delivery.form is not None:
                return delivery.form
        raise LookupError(f"no form was opened for {email}")
