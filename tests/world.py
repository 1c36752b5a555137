"""A small organisation talking to the bot through the console port, for tests."""
from __future__ import annotations

from sqlalchemy import func, select

from adapters.console.port import ConsolePort
from adapters.console.render import render_form, render_message
from bot.app import XgovBot
from bot.clock import SimulatedClock
from bot.config import Settings
from bot.events import Actor, ButtonAnswer, CommandEvent, FormSubmission
from bot.messages import Message, MessageRef
from bot.services import directory, registry
from storage.db import Database
from storage.models import Friction

ADMIN = "gosia.admin@example.pl"
OWNER = "olek.owner@example.pl"
OTHER_OWNER = "iga.inna@example.pl"
EMPLOYEE = "ewa.lecka@example.pl"
EMPLOYEE_EN = "john.smith@example.pl"
REPORTER_NAME = "Ewa Łęcka"


class World:
    def __init__(self, url: str, start, default_locale: str = "en") -> None:
        self.db = Database(url)
        self.clock = SimulatedClock(start)
        self.port = ConsolePort()
        self.settings = Settings(database_url=url, default_locale=default_locale,
                                 whistleblowing_url="https://sygnalisci.example.pl")
        self.bot = XgovBot(db=self.db, port=self.port, settings=self.settings, clock=self.clock)
        with self.db.unit_of_work() as session:
            directory.add_org_unit(session=session, name="Spółka")
            directory.add_org_unit(session=session, name="Obsługa Klienta", parent="Spółka")
            add = lambda email, name, roles, locale: directory.add_person(  # noqa: E731
                session=session, email=email, name=name, org_unit="Obsługa Klienta", roles=roles, locale=locale)
            add(ADMIN, "Gosia Admin", ("employee", "governance_admin"), "pl")
            add(OWNER, "Olek Owner", ("employee", "manager", "owner"), "en")
            add(OTHER_OWNER, "Iga Inna", ("employee", "owner"), "pl")
            add(EMPLOYEE, REPORTER_NAME, ("employee",), "pl")
            add(EMPLOYEE_EN, "John Smith", ("employee",), "en")
            registry.add_policy(session=session, kind="policy", title="Zwroty powyżej 500 zł wymagają zgody dyrektora",
                                owner_email=OWNER, now=start)
            registry.add_policy(session=session, kind="process", title="Invoices retyped from the CRM",
                                owner_email=OTHER_OWNER, now=start)

    # Acting
    def say(self, email: str, line: str) -> None:
        command, _sep, text = line.partition(" ")
        self.bot.handle(CommandEvent(actor=Actor(email), command=command, text=text, trigger="t"))

    def press(self, email: str, label_or_number: str | int) -> None:
        """Press an option of the last message with options the person received."""
        ref, message = self._last_interactive(email)
        choices = message.choices.options if message.choices else ()
        options = [(message.choices.action_id, o.value, o.label) for o in choices]
        options += [(b.action_id, b.value, b.label) for b in message.buttons]
        if isinstance(label_or_number, int):
            action_id, value, _label = options[label_or_number - 1]
        else:
            action_id, value, _label = next(o for o in options if label_or_number in o[2])
        self.bot.handle(ButtonAnswer(actor=Actor(email), action_id=action_id, value=value, message=ref, trigger="t"))

    def _last_interactive(self, email: str):
        current = self.port.current_messages(email)
        for delivery in reversed(self.port.deliveries_for(email)):
            message = current.get(delivery.message_id)
            if message is not None and (message.buttons or message.choices):
                return MessageRef(conversation=email, message_id=delivery.message_id), message
        raise AssertionError(f"{email} has no message with options")

    def submit(self, email: str, **values) -> None:
        form = self.port.last_form(email)
        self.bot.handle(FormSubmission(actor=Actor(email), form_id=form.form_id, values=values, metadata=form.metadata))

    # Observing
    def last(self, target: str) -> Message:
        return self.port.last_message(target)[1]

    def seen(self, target: str) -> str:
        return "\n\n".join(self.port.seen_by(target))

    def everything_received_by(self, target: str) -> str:
        return "\n".join(render_form(d.form) if d.form else render_message(d.message)
                         for d in self.port.deliveries_for(target))

    def friction_count(self) -> int:
        with self.db.unit_of_work() as session:
            return session.scalar(select(func.count()).select_from(Friction))

    def stored_texts(self) -> list[str]:
        with self.db.unit_of_work() as session:
            return list(session.scalars(select(Friction.text).order_by(Friction.id)))
