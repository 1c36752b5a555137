"""An employee reports a friction, tags it (optionally) and follows it."""
from __future__ import annotations

from functools import partial

from bot import friction_messages as views
from bot.privacy_messages import boundary_line
from bot.events import ButtonAnswer, CommandEvent, FormSubmission
from bot.services import friction_queries as queries
from bot.services import frictions
from bot.turn import Turn


def on_friction_command(turn: Turn, event: CommandEvent) -> None:
    """Text after the command files at once; without text (or on a quoted message) the form opens."""
    if event.quoted or not event.text.strip():
        turn.open_form(partial(views.report_form, quoted=event.quoted,
                               boundary=boundary_line(turn._, turn.settings)), event.trigger)
        return
    friction_id = frictions.report(session=turn.session, reporter_email=turn.actor.email, text=event.text, now=turn.now)
    turn.reply(partial(views.acknowledgement, friction_id, event.text, offer_tags=True))
    _notify_governance(turn, friction_id)


def on_report_form(turn: Turn, event: FormSubmission) -> None:
    values = event.values
    flags = values.get("flags") or ()
    friction_id = frictions.report(
        session=turn.session,
        reporter_email=turn.actor.email,
        text=str(values.get("text") or ""),
        now=turn.now,
        kind=_optional(values, "kind"),
        experience=_optional(values, "experience"),
        flags=(flags,) if isinstance(flags, str) else tuple(flags),
        hidden_from_governance=values.get("anonymity") == "nobody",
        keep_text_on_erasure=values.get("after_erasure") == "keep",
    )
    view = queries.owner_view(session=turn.session, friction_id=friction_id)
    turn.reply(partial(views.tagged_summary, view, hidden=values.get("anonymity") == "nobody"))
    turn.post_to_governance(partial(views.new_report_notice, view), key=_notice_key(friction_id))


def _optional(values: dict, key: str) -> str | None:
    value = values.get(key)
    return str(value) if value else None


def _notice_key(friction_id: int) -> str:
    return f"friction-notice:{friction_id}"


def _notify_governance(turn: Turn, friction_id: int) -> None:
    view = queries.owner_view(session=turn.session, friction_id=friction_id)
    turn.post_to_governance(partial(views.new_report_notice, view), key=_notice_key(friction_id))


def _retag_notice(turn: Turn, view) -> None:
    """The governance channel's post about the report shows the reporter's tags as they are added."""
    turn.update_governance_post(_notice_key(view.id), partial(views.new_report_notice, view))


def _split(value: str) -> tuple[int, str]:
    friction_ref, _sep, tag = value.partition(":")
    return frictions.parse_friction_ref(friction_ref), tag


def on_kind(turn: Turn, event: ButtonAnswer) -> None:
    friction_id, kind = _split(event.value)
    frictions.tag_by_reporter(session=turn.session, friction_id=friction_id, reporter_email=turn.actor.email, kind=kind)
    view = queries.owner_view(session=turn.session, friction_id=friction_id)
    _retag_notice(turn, view)
    turn.update(event.message, partial(views.experience_step, friction_id, view.text))


def on_experience(turn: Turn, event: ButtonAnswer) -> None:
    friction_id, experience = _split(event.value)
    frictions.tag_by_reporter(
        session=turn.session, friction_id=friction_id, reporter_email=turn.actor.email, experience=experience
    )
    view = queries.owner_view(session=turn.session, friction_id=friction_id)
    _retag_notice(turn, view)
    turn.update(event.message, partial(views.flags_step, friction_id, view.text, view.flags))


def on_flag(turn: Turn, event: ButtonAnswer) -> None:
    friction_id, flag = _split(event.value)
    frictions.tag_by_reporter(session=turn.session, friction_id=friction_id, reporter_email=turn.actor.email, flag=flag)
    view = queries.owner_view(session=turn.session, friction_id=friction_id)
    _retag_notice(turn, view)
    turn.update(event.message, partial(views.flags_step, friction_id, view.text, view.flags))


def on_done(turn: Turn, event: ButtonAnswer) -> None:
    _show_summary(turn, event, frictions.parse_friction_ref(event.value))


def on_hide(turn: Turn, event: ButtonAnswer) -> None:
    friction_id = frictions.parse_friction_ref(event.value)
    frictions.tag_by_reporter(
        session=turn.session, friction_id=friction_id, reporter_email=turn.actor.email, hide_from_governance=True
    )
    _show_summary(turn, event, friction_id)


def _show_summary(turn: Turn, event: ButtonAnswer, friction_id: int) -> None:
    frictions.require_reporter(session=turn.session, friction_id=friction_id, email=turn.actor.email)
    hidden = queries.hidden_from_governance(session=turn.session, friction_id=friction_id,
                                            reporter_email=turn.actor.email)
    view = queries.owner_view(session=turn.session, friction_id=friction_id)
    turn.update(event.message, partial(views.tagged_summary, view, hidden=hidden))


def on_my_reports(turn: Turn, event: CommandEvent) -> None:
    items = queries.reports_of(session=turn.session, reporter_email=turn.actor.email)
    turn.reply(partial(views.my_reports_message, items))
