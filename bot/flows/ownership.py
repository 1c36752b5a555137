"""An owner accepts, declines (with a reason) or resolves (with an outcome) an assignment."""
from __future__ import annotations

from functools import partial

from bot import friction_messages as views
from bot import general_messages
from bot.errors import N_, UserError
from bot.events import ButtonAnswer, CommandEvent, FormSubmission
from bot.messages import MessageRef
from bot.services import friction_queries as queries
from bot.services import frictions
from bot.turn import Turn


def accept(turn: Turn, friction_id: int, message: MessageRef | None) -> None:
    frictions.accept(session=turn.session, friction_id=friction_id, owner_email=turn.actor.email, now=turn.now)
    view = queries.owner_view(session=turn.session, friction_id=friction_id)
    turn.update(message, partial(views.assignment_status_message, view))


def decline(turn: Turn, friction_id: int, reason: str) -> None:
    frictions.decline(session=turn.session, friction_id=friction_id, owner_email=turn.actor.email, reason=reason, now=turn.now)
    view = queries.governance_view(session=turn.session, friction_id=friction_id)
    turn.post_to_governance(partial(views.declined_notice, view, turn.actor.name))
    turn.reply(partial(general_messages.done, _msg=N_("F-{id} is back with the governance team, with your reason."), id=friction_id))


def resolve(turn: Turn, friction_id: int, outcome: str, note: str) -> None:
    frictions.resolve(session=turn.session, friction_id=friction_id, owner_email=turn.actor.email,
                      outcome=outcome, note=note, now=turn.now)
    view = queries.owner_view(session=turn.session, friction_id=friction_id)
    turn.post_to_governance(partial(views.resolved_notice, view, outcome, note, turn.actor.name))
    reporters = frictions.reporter_emails(session=turn.session, friction_id=friction_id)
    for reporter in reporters:
        turn.tell(reporter, partial(views.reporter_resolution, view, outcome, note))
    turn.reply(partial(general_messages.done, _msg=N_("F-{id} is resolved. Reporters told: {count}."),
                       id=friction_id, count=len(reporters)))


def on_accept_button(turn: Turn, event: ButtonAnswer) -> None:
    accept(turn, frictions.parse_friction_ref(event.value), event.message)


def on_decline_button(turn: Turn, event: ButtonAnswer) -> None:
    friction_id = frictions.parse_friction_ref(event.value)
    _check_owner(turn, friction_id)
    turn.open_form(partial(views.decline_form, friction_id), event.trigger)


def on_resolve_button(turn: Turn, event: ButtonAnswer) -> None:
    friction_id = frictions.parse_friction_ref(event.value)
    _check_owner(turn, friction_id)
    turn.open_form(partial(views.resolve_form, friction_id), event.trigger)


def _check_owner(turn: Turn, friction_id: int) -> None:
    """Refuse before a form opens, so that nobody fills in a form for nothing."""
    frictions.require_owner(session=turn.session, friction_id=friction_id, email=turn.actor.email)


def on_decline_form(turn: Turn, event: FormSubmission) -> None:
    decline(turn, frictions.parse_friction_ref(event.metadata), str(event.values.get("reason") or ""))


def on_resolve_form(turn: Turn, event: FormSubmission) -> None:
    resolve(turn, frictions.parse_friction_ref(event.metadata), str(event.values.get("outcome") or ""),
            str(event.values.get("note") or ""))


def on_accept_command(turn: Turn, event: CommandEvent) -> None:
    accept(turn, frictions.parse_friction_ref(event.text or "?"), None)


def on_decline_command(turn: Turn, event: CommandEvent) -> None:
    ref, _sep, reason = event.text.strip().partition(" ")
    decline(turn, frictions.parse_friction_ref(ref or "?"), reason)


def on_resolve_command(turn: Turn, event: CommandEvent) -> None:
    words = event.text.strip().split(maxsplit=2)
    if len(words) < 2:
        raise UserError(N_("Write it like: /xgov resolve F-12 policy-changed what changed"))
    outcome = words[1].replace("-", "_").lower()
    resolve(turn, frictions.parse_friction_ref(words[0]), outcome, words[2] if len(words) == 3 else "")


def on_assignments_command(turn: Turn, event: CommandEvent) -> None:
    items = queries.assignments_of(session=turn.session, owner_email=turn.actor.email)
    turn.reply(partial(views.my_assignments_message, items))
