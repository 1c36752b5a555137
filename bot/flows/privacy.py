"""A person's requests about their own data, made in chat."""
from __future__ import annotations

from functools import partial

from bot import privacy_messages as views
from bot.events import CommandEvent
from bot.turn import Turn
from storage import audit


def on_forget_request(turn: Turn, event: CommandEvent) -> None:
    """/xgov forget: the request goes to governance (an admin runs xgov forget) and into the audit trail."""
    audit.record(turn.session, "erasure.requested", audit.person_ref(turn.actor.id))
    turn.post_to_governance(partial(views.erasure_requested_notice, email=turn.actor.email))
    turn.reply(views.erasure_request_received)
