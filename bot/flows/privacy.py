"""A person's requests about their own data, made in chat."""
from __future__ import annotations

from functools import partial

from bot import general_messages
from bot import privacy_messages as views
from bot.errors import N_, UserError
from bot.events import CommandEvent
from bot.services import frictions
from bot.turn import Turn
from storage import audit


def on_forget_request(turn: Turn, event: CommandEvent) -> None:
    """/xgov forget: the request goes to governance (an admin runs xgov forget) and into the audit trail."""
    audit.record(turn.session, "erasure.requested", audit.person_ref(turn.actor.id))
    turn.post_to_governance(partial(views.erasure_requested_notice, email=turn.actor.email))
    turn.reply(views.erasure_request_received)


def on_whistleblowing_command(turn: Turn, event: CommandEvent) -> None:
    """/xgov whistleblowing F-12 (governance admin): the reporter is told where to go; the text is erased."""
    if not turn.settings.whistleblowing_url:
        raise UserError(N_("No whistleblowing channel is configured: set XGOV_WHISTLEBLOWING_URL first."))
    friction_id = frictions.parse_friction_ref(event.text or "?")  # the admin role: bot/access.py
    reporters = frictions.reporter_emails(session=turn.session, friction_id=friction_id)
    frictions.redirect_to_whistleblowing(session=turn.session, friction_id=friction_id, admin_email=turn.actor.email,
                                         now=turn.now)
    turn.tell_each(reporters, partial(views.redirected_to_reporter, friction_id, turn.settings))
    turn.reply(partial(general_messages.done, _msg=N_("F-{id} is out of xgov: its text is erased, and its reporters were told where to go "
                                                      "(reporters: {count})."),
                       id=friction_id, count=len(reporters)))
