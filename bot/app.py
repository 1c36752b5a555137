"""XgovBot: routes neutral events to flows inside one unit of work, then delivers."""
from __future__ import annotations

import logging
from functools import partial
from typing import Callable, TypeVar

from bot import general_messages
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.errors import UserError
from bot.events import ButtonAnswer, CommandEvent, FormSubmission, InboundEvent
from bot.flows import general, ownership, reporting, surveying, triage
from bot.i18n import normalise_locale, translator
from bot.ports import ChatPort
from bot.services.directory import find_person, set_locale
from bot.turn import Turn
from storage.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")

XGOV_SUBCOMMANDS: dict[str, Callable] = {
    "help": general.on_help,
    "language": general.on_language,
    "dashboard": general.on_dashboard,
    "reports": reporting.on_my_reports,
    "triage": triage.on_triage_command,
    "assign": triage.on_assign_command,
    "policy": triage.on_policy_command,
    "barriers": triage.on_barriers_command,
    "assignments": ownership.on_assignments_command,
    "accept": ownership.on_accept_command,
    "decline": ownership.on_decline_command,
    "resolve": ownership.on_resolve_command,
}
BUTTONS: dict[str, Callable] = {
    "friction.kind": reporting.on_kind,
    "friction.experience": reporting.on_experience,
    "friction.flag": reporting.on_flag,
    "friction.done": reporting.on_done,
    "friction.hide": reporting.on_hide,
    "triage.open": triage.on_triage_button,
    "assignment.accept": ownership.on_accept_button,
    "assignment.decline": ownership.on_decline_button,
    "assignment.resolve": ownership.on_resolve_button,
    "survey.start": surveying.on_start,
    "survey.answer": surveying.on_answer,
    "survey.skip": surveying.on_skip,
    "survey.goto": surveying.on_goto,
    "survey.change": surveying.on_change,
    "survey.text": surveying.on_text_button,
}
FORMS: dict[str, Callable] = {
    "friction.report": reporting.on_report_form,
    "friction.triage": triage.on_triage_form,
    "assignment.decline": ownership.on_decline_form,
    "assignment.resolve": ownership.on_resolve_form,
    "survey.text": surveying.on_text_form,
}


class XgovBot:
    """The platform-neutral bot. Adapters call :meth:`handle`; it answers through the port."""

    def __init__(self, *, db: Database, port: ChatPort, settings: Settings, clock: Clock = system_clock) -> None:
        self.db = db
        self.port = port
        self.settings = settings
        self.clock = clock

    def handle(self, event: InboundEvent) -> None:
        try:
            with self.db.unit_of_work() as session:
                turn = self._start_turn(session, event)
                if turn is None:
                    return
                self._route(turn, event)
        except UserError as refusal:
            self._refuse(event, refusal)
            return
        turn.deliver(self.port)

    def run_job(self, job: Callable[[Turn], T]) -> T:
        """Run work that no person started (a CLI command, a scheduled job) in one unit of work,
        then deliver what it queued. A UserError propagates to the caller."""
        with self.db.unit_of_work() as session:
            turn = Turn(session=session, actor=None, locale=self.settings.default_locale,
                        settings=self.settings, now=self.clock())
            result = job(turn)
        turn.deliver(self.port)
        return result

    def _start_turn(self, session, event: InboundEvent) -> Turn | None:
        person = find_person(session=session, email=event.actor.email)
        reported = normalise_locale(event.actor.locale)
        if person is None:
            locale = reported or self.settings.default_locale
            message = general_messages.not_in_directory(translator(locale), email=event.actor.email)
            self.port.send_to_user(event.actor.email, message)
            return None
        if reported and reported != person.locale:
            set_locale(session=session, email=person.email, locale=reported)
        locale = reported or person.locale or self.settings.default_locale
        return Turn(session=session, actor=person, locale=locale, settings=self.settings, now=self.clock())

    def _route(self, turn: Turn, event: InboundEvent) -> None:
        if isinstance(event, CommandEvent):
            self._route_command(turn, event)
        elif isinstance(event, ButtonAnswer):
            self._lookup(BUTTONS, event.action_id)(turn, event)
        elif isinstance(event, FormSubmission):
            self._lookup(FORMS, event.form_id)(turn, event)

    @staticmethod
    def _lookup(table: dict[str, Callable], key: str) -> Callable:
        handler = table.get(key)
        if handler is None:
            return lambda turn, _event: general.on_unknown(turn, key)
        return handler

    def _route_command(self, turn: Turn, event: CommandEvent) -> None:
        command = event.command.strip().lower()
        if command == "/friction":
            reporting.on_friction_command(turn, event)
            return
        if command != "/xgov":
            general.on_unknown(turn, event.command)
            return
        sub, _sep, rest = event.text.strip().partition(" ")
        handler = XGOV_SUBCOMMANDS.get(sub.lower() or "help")
        if handler is None:
            general.on_unknown(turn, f"/xgov {sub}")
            return
        handler(turn, CommandEvent(actor=event.actor, command=event.command, text=rest.strip(),
                                   channel=event.channel, trigger=event.trigger))

    def _refuse(self, event: InboundEvent, refusal: UserError) -> None:
        with self.db.unit_of_work() as session:
            person = find_person(session=session, email=event.actor.email)
        locale = normalise_locale(event.actor.locale) or (person.locale if person else None) or self.settings.default_locale
        build = partial(general_messages.error, msgid=refusal.msgid, params=refusal.params)
        self.port.send_to_user(event.actor.email, build(translator(locale)))
