"""XgovBot: routes neutral events to flows inside one unit of work, then delivers."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Callable, TypeVar

from bot import access, general_messages, people_messages
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.errors import UserError
from bot.events import Actor, ButtonAnswer, CommandEvent, FormSubmission, InboundEvent
from bot.flows import general, home, ownership, people, privacy, reporting, surveying, team, triage
from bot.i18n import normalise_locale, translator
from bot.messages import Message
from bot.outbox.processes import new_process_id
from bot.outbox.sender import OutboxSender
from bot.ports import ChatPort, Unreachable
from bot.services import deliveries
from bot.services import people as people_service
from bot.services.directory import PersonView, find_person, follow_platform_locale
from bot.turn import Turn
from storage.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")

XGOV_SUBCOMMANDS: dict[str, Callable] = {
    "help": general.on_help,
    "language": general.on_language,
    "dashboard": general.on_dashboard,
    "channel": general.on_channel,
    "reports": reporting.on_my_reports,
    "triage": triage.on_triage_command,
    "assign": triage.on_assign_command,
    "policy": triage.on_policy_command,
    "barriers": triage.on_barriers_command,
    "assignments": ownership.on_assignments_command,
    "accept": ownership.on_accept_command,
    "decline": ownership.on_decline_command,
    "resolve": ownership.on_resolve_command,
    "people": people.on_people_command,
    "team": team.on_team_command,
    "forget": privacy.on_forget_request,
    "whistleblowing": privacy.on_whistleblowing_command,
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
    "enrol.join": general.on_joined,
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
            sender.on_newly_unreachable = lambda _platform, key, problem: self.tell_governance_unreachable(key, problem)
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

    def tell_governance_unreachable(self, key: str, problem: Unreachable) -> None:
        """A person the platform will not let the bot reach, found so for the first time (the message with
        outbox key `key` failed): one notice to the governance channel, through the outbox like any other."""
        notice = general_messages.person_not_reached if problem.never_opened else general_messages.person_unreachable
        self.run_job(lambda turn: turn.post_to_governance(
            partial(notice, email=problem.person, platform=general_messages.platform_name(self.platform))),
            batch=f"unreachable:{key}")

    def tell_at_once(self, event: InboundEvent, message: Message) -> None:
        """A message outside any flow (a refusal, a stranger's answer), through the outbox all the same."""
        with self.db.unit_of_work() as session:
            turn = Turn(session=session, actor=None, locale=self.settings.default_locale, settings=self.settings,
                        now=self.clock(), platform=self.platform,
                        batch=f"{self.platform}:{event.delivery_id}:answer" if event.delivery_id else "")
            turn.answer(event.actor.email, message)
            turn.store_outbox()
        turn.deliver(self.sender, self.port)

    def view_for(self, actor: Actor, build: Callable[[Turn], list[Message]]) -> list[Message]:
        """What a person sees on a page of their own (Slack's App Home), read in one unit of work."""
        with self.db.unit_of_work() as session:
            turn, stranger = self._start_turn(session, CommandEvent(actor=actor, command=""), may_enrol=False)
            return [stranger] if turn is None else build(turn)

    def _start_turn(self, session, event: InboundEvent, *,
                    may_enrol: bool = True) -> tuple[Turn | None, Message | None]:
        """The turn of an active person in the directory (enrolled first if XGOV_ENROL says so), or
        (None, the message telling a stranger or a leaver why not)."""
        person = find_person(session=session, email=event.actor.email)
        reported = normalise_locale(event.actor.locale)
        enrolled = person is None and may_enrol and self._may_enrol(event)
        if enrolled:
            person = people_service.enrol(session=session, email=event.actor.email, now=self.clock(),
                                          name=event.actor.display_name, locale=reported)
        if person is None:
            _ = translator(reported or self.settings.default_locale)
            if self.settings.enrol == "ask" and may_enrol:
                return None, people_messages.enrol_question(_, email=event.actor.email)
            return None, general_messages.not_in_directory(_, email=event.actor.email)
        if not person.active:
            return None, people_messages.deactivated_refusal(translator(self._locale_of(person, reported)))
        if reported and reported != person.locale and not person.locale_chosen:
            follow_platform_locale(session=session, email=person.email, locale=reported)
        turn = Turn(session=session, actor=person, locale=self._locale_of(person, reported),
                    settings=self.settings, now=self.clock(), platform=self.platform,
                    batch=f"{self.platform}:{event.delivery_id}" if event.delivery_id else "")
        if enrolled:
            turn.post_to_governance(partial(people_messages.enrolled_notice, person))
        return turn, None

    def _may_enrol(self, event: InboundEvent) -> bool:
        """auto: anyone who writes joins; ask: who pressed "Join xgov"; off: nobody."""
        if self.settings.enrol == "auto":
            return True
        return (self.settings.enrol == "ask" and isinstance(event, ButtonAnswer)
                and event.action_id == "enrol.join")

    def _locale_of(self, person: PersonView, reported: str | None) -> str:
        if person.locale_chosen and person.locale:
            return person.locale
        return reported or person.locale or self.settings.default_locale

    def _route(self, turn: Turn, event: InboundEvent) -> None:
        if isinstance(event, CommandEvent):
            self._route_command(turn, event)
        elif isinstance(event, ButtonAnswer):
            access.check(turn, access.BUTTONS, event.action_id)
            self._lookup(BUTTONS, event.action_id)(turn, event)
        elif isinstance(event, FormSubmission):
            access.check(turn, access.FORMS, event.form_id)
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
        access.check(turn, access.COMMANDS, sub.lower() or "help")
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
