"""XgovBot: routes neutral events to flows inside one unit of work, then delivers."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Callable, TypeVar

from bot import general_messages
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.errors import UserError
from bot.events import Actor, ButtonAnswer, CommandEvent, FormSubmission, InboundEvent
from bot.flows import general, home, ownership, reporting, surveying, triage
from bot.i18n import normalise_locale, translator
from bot.messages import Message
from bot.outbox.processes import new_process_id
from bot.outbox.sender import OutboxSender
from bot.ports import ChatPort
from bot.services import deliveries
from bot.services.directory import PersonView, find_person, follow_platform_locale
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
    "friction.new": home.on_new_report_button,
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
    "survey.keep": surveying.on_keep,
}
FORMS: dict[str, Callable] = {
    "friction.report": reporting.on_report_form,
    "friction.triage": triage.on_triage_form,
    "assignment.decline": ownership.on_decline_form,
    "assignment.resolve": ownership.on_resolve_form,
    "survey.text": surveying.on_text_form,
}


@dataclass
class Prepared:
    """An event handled in the database (committed), its messages not yet sent.

    An adapter that must answer the platform quickly (a Slack modal's submission) prepares,
    answers with :attr:`refusal` if there is one, then calls :meth:`finish` to send."""

    refusal: str | None = None  # the refusal, translated, when the person asked for something impossible
    _sends: list[Callable[[], object]] = field(default_factory=list)

    def finish(self, *, refusal_shown: bool = False) -> None:
        """Send what the event produced; a refusal goes to the person unless the adapter showed it."""
        if not (refusal_shown and self.refusal):
            for send in self._sends:
                send()
        self._sends.clear()


class XgovBot:
    """The platform-neutral bot. Adapters call :meth:`handle`; it answers through the port."""

    def __init__(self, *, db: Database, port: ChatPort | None, settings: Settings, clock: Clock = system_clock,
                 platform: str = "console", sender: OutboxSender | None = None) -> None:
        """Without a port (a command line queueing for a server) messages wait in the outbox for
        `xgov run`; with one, the bot sends its own messages right after each commit."""
        self.db = db
        self.port = port
        self.settings = settings
        self.clock = clock
        self.platform = platform  # names the inbound deliveries this bot takes once, and where its messages go
        if sender is None and port is not None:
            sender = OutboxSender(db, {platform: port}, process_id=new_process_id(), clock=clock)
        self.sender = sender

    def handle(self, event: InboundEvent) -> None:
        self.prepare(event).finish()

    def prepare(self, event: InboundEvent) -> Prepared:
        """Run the event's flow in one unit of work; nothing is sent yet. A delivery whose
        ``delivery_id`` was taken before does nothing."""
        prepared = Prepared()
        try:
            with self.db.unit_of_work() as session:
                now = self.clock()
                if event.delivery_id and not deliveries.claim(session=session, platform=self.platform,
                                                              delivery_id=event.delivery_id, now=now):
                    log.info("%s delivery %s was handled before: skipped", self.platform, event.delivery_id)
                    return prepared
                turn, stranger = self._start_turn(session, event)
                if turn is None:
                    prepared._sends.append(lambda: self.tell_at_once(event, stranger))
                    return prepared
                self._route(turn, event)
                turn.store_outbox()
        except UserError as refusal:
            return self._refusal(event, refusal)
        prepared._sends.append(lambda: turn.deliver(self.sender, self.port))
        return prepared

    def run_job(self, job: Callable[[Turn], T], *, batch: str = "", scheduled: bool = False) -> T:
        """Run work that no person started (a CLI command, a scheduled job) in one unit of work,
        then deliver what it queued. A UserError propagates to the caller. `batch` names the job's
        messages (a scheduled job's slot: running it again adds no message); a scheduled job's
        messages to people wait for their working hours."""
        with self.db.unit_of_work() as session:
            turn = Turn(session=session, actor=None, locale=self.settings.default_locale, settings=self.settings,
                        now=self.clock(), platform=self.platform, batch=batch, scheduled=scheduled)
            result = job(turn)
            turn.store_outbox()
        turn.deliver(self.sender, self.port)
        return result

    def tell_at_once(self, event: InboundEvent, message: Message) -> None:
        """A message outside any flow (a refusal, a stranger's answer), through the outbox all the same."""
        with self.db.unit_of_work() as session:
            turn = Turn(session=session, actor=None, locale=self.settings.default_locale, settings=self.settings,
                        now=self.clock(), platform=self.platform,
                        batch=f"{self.platform}:{event.delivery_id}:answer" if event.delivery_id else "")
            turn.tell(event.actor.email, lambda _: message)
            turn.store_outbox()
        turn.deliver(self.sender, self.port)

    def view_for(self, actor: Actor, build: Callable[[Turn], list[Message]]) -> list[Message]:
        """What a person sees on a page of their own (Slack's App Home), read in one unit of work."""
        with self.db.unit_of_work() as session:
            turn, stranger = self._start_turn(session, CommandEvent(actor=actor, command=""))
            return [stranger] if turn is None else build(turn)

    def _start_turn(self, session, event: InboundEvent) -> tuple[Turn | None, Message | None]:
        """The turn of a person in the directory, or (None, the message telling a stranger why not)."""
        person = find_person(session=session, email=event.actor.email)
        reported = normalise_locale(event.actor.locale)
        if person is None:
            locale = reported or self.settings.default_locale
            return None, general_messages.not_in_directory(translator(locale), email=event.actor.email)
        if reported and reported != person.locale and not person.locale_chosen:
            follow_platform_locale(session=session, email=person.email, locale=reported)
        turn = Turn(session=session, actor=person, locale=self._locale_of(person, reported),
                    settings=self.settings, now=self.clock(), platform=self.platform,
                    batch=f"{self.platform}:{event.delivery_id}" if event.delivery_id else "")
        return turn, None

    def _locale_of(self, person: PersonView, reported: str | None) -> str:
        if person.locale_chosen and person.locale:
            return person.locale
        return reported or person.locale or self.settings.default_locale

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
        handler(turn, replace(event, text=rest.strip()))

    def _refusal(self, event: InboundEvent, refusal: UserError) -> Prepared:
        with self.db.unit_of_work() as session:
            person = find_person(session=session, email=event.actor.email)
        reported = normalise_locale(event.actor.locale)
        locale = self._locale_of(person, reported) if person else reported or self.settings.default_locale
        _ = translator(locale)
        message = general_messages.error(_, msgid=refusal.msgid, params=refusal.params)
        prepared = Prepared(refusal=_(refusal.msgid, **refusal.params))
        prepared._sends.append(lambda: self.tell_at_once(event, message))
        return prepared
