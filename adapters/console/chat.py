"""`xgov chat --as EMAIL`: a terminal chat with the same commands as in Slack.

Type /friction, /xgov help, ...; answer a message's options by number ("2", or
"17.2" for option 2 of message 17); forms are asked one field at a time.
"""
from __future__ import annotations

import re
from typing import Callable

from adapters.console.form_filler import FormFiller
from adapters.console.mailbox import Delivery
from adapters.console.port import ConsolePort
from adapters.console.render import answer_hint, first_number, option_labels, render_message, visible
from bot.app import XgovBot
from bot.events import Actor, ButtonAnswer, CommandEvent, FormSubmission
from bot.messages import Message, MessageRef

_ANSWER = re.compile(r"^(?:(\d+)\.)?(\d+)$")


class ConsoleChat:
    def __init__(self, bot: XgovBot, port: ConsolePort, email: str, *, watch: tuple[str, ...] = (),
                 write: Callable[[str], None] = print) -> None:
        self.bot = bot
        self.port = port
        self.actor = Actor(email=email.strip().lower())
        self.targets = {self.actor.email, *("#" + channel.lstrip("#") for channel in watch)}
        self.write = write
        self.seen_seq = 0
        self.filler: FormFiller | None = None
        self.last_interactive: str | None = None

    def start(self, recent: int = 5) -> None:
        mine = [d for d in self.port.mailbox.all() if d.target in self.targets and d.kind != "form"]
        self.seen_seq = mine[-recent - 1].seq if len(mine) > recent else 0
        self.write(f"xgov console — you are {self.actor.email}. Type /xgov help; 'quit' leaves.")
        self.show_new()

    def handle_line(self, line: str) -> bool:
        """Handle one line the person typed; False when they want to leave."""
        if self.filler is not None:
            self._fill(line)
        elif line.strip().lower() in ("quit", "exit", "/quit"):
            return False
        elif line.startswith("/"):
            command, _sep, text = line.partition(" ")
            self.bot.handle(CommandEvent(actor=self.actor, command=command, text=text))
        elif _ANSWER.match(line.strip()):
            self._press(line.strip())
        elif line.strip():
            self.write("Commands start with /, e.g. /friction what got in your way, or /xgov help.")
        self.show_new()
        return True

    def show_new(self) -> None:
        self.port.mailbox.refresh()
        for delivery in self.port.mailbox.all():
            if delivery.seq > self.seen_seq and delivery.target in self.targets:
                self.seen_seq = delivery.seq
                self._show(delivery)

    def _show(self, delivery: Delivery) -> None:
        if delivery.form is not None:
            self.filler = FormFiller(delivery.form)
            self.write(f"\n== {visible(delivery.form.title)} ==" + (f"\n{visible(delivery.form.intro)}" if delivery.form.intro else ""))
            self.write(self.filler.prompt())
            return
        where = "" if delivery.target == self.actor.email else f" in {delivery.target}"
        updated = " (updated)" if delivery.kind == "update" else ""
        hint = answer_hint(delivery.message)
        self.write(f"\n[message {delivery.message_id}{where}{updated}]\n{render_message(delivery.message)}"
                   + (f"\n{hint}" if hint else ""))
        if hint:
            self.last_interactive = f"{delivery.target}|{delivery.message_id}"

    def _fill(self, line: str) -> None:
        complaint = self.filler.answer(line)
        if complaint:
            self.write(complaint)
        if not self.filler.done:
            self.write(self.filler.prompt())
            return
        form, values = self.filler.form, self.filler.values
        self.filler = None
        self.bot.handle(FormSubmission(actor=self.actor, form_id=form.form_id, values=values, metadata=form.metadata))

    def _press(self, text: str) -> None:
        match = _ANSWER.match(text)
        message_number, option_number = match.group(1), int(match.group(2))
        key = self._message_key(message_number)
        if key is None:
            self.write("There is no message with options to answer.")
            return
        target, message_id = key.split("|", 1)
        message = self.port.current_messages(target).get(message_id)
        event = self._button_event(message, option_number, MessageRef(conversation=target, message_id=message_id))
        if event is None:
            hint = answer_hint(message).strip("()") if message is not None else "answer a message with options"
            self.write(f"There is no option {option_number} here: {hint}.")
            return
        self.bot.handle(event)

    def _message_key(self, message_number: str | None) -> str | None:
        if message_number is None:
            return self.last_interactive
        for target in self.targets:
            if message_number in self.port.current_messages(target):
                return f"{target}|{message_number}"
        return None

    def _button_event(self, message: Message | None, number: int, ref: MessageRef) -> ButtonAnswer | None:
        if message is None:
            return None
        index = number - first_number(message)
        if not 0 <= index < len(option_labels(message)):
            return None
        choices = message.choices.options if message.choices else ()
        if index < len(choices):
            return ButtonAnswer(self.actor, message.choices.action_id, choices[index].value, ref, trigger="console")
        button = message.buttons[index - len(choices)]
        return ButtonAnswer(self.actor, button.action_id, button.value, ref, trigger="console")
