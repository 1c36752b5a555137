"""The governance team triages reports to policies and owners, and keeps the registry."""
from __future__ import annotations

from functools import partial

from bot import friction_messages as views
from bot import general_messages
from bot.errors import N_, UserError
from bot.events import ButtonAnswer, CommandEvent, FormSubmission
from bot.services import friction_queries as queries
from bot.services import frictions, registry
from bot.turn import Turn


def _require_admin(turn: Turn) -> None:
    frictions.require_admin(session=turn.session, email=turn.actor.email)


def on_triage_command(turn: Turn, event: CommandEvent) -> None:
    _require_admin(turn)
    items = queries.triage_queue(session=turn.session, limit=10)
    total = queries.triage_queue_size(session=turn.session)
    turn.reply(partial(views.triage_queue_message, items, total))


def on_triage_button(turn: Turn, event: ButtonAnswer) -> None:
    _require_admin(turn)
    view = queries.governance_view(session=turn.session, friction_id=frictions.parse_friction_ref(event.value))
    if view.status not in frictions.TRIAGE_STATUSES:
        raise UserError(N_("F-{id} is {status}, not waiting for triage."), id=view.id, status=view.status)
    policies = registry.list_policies(session=turn.session)
    if not policies:
        raise UserError(N_("The registry has no policies yet. Add one with /xgov policy add KIND OWNER-EMAIL TITLE."))
    turn.open_form(partial(views.triage_form, view, policies), event.trigger)


def on_triage_form(turn: Turn, event: FormSubmission) -> None:
    values = event.values
    assign(
        turn,
        friction_id=frictions.parse_friction_ref(event.metadata),
        policy_id=registry.parse_policy_ref(str(values.get("policy") or "")),
        owner_email=str(values.get("owner") or "").strip() or None,
        kind=str(values.get("kind") or "") or None,
        experience=str(values.get("experience") or "") or None,
    )


def on_assign_command(turn: Turn, event: CommandEvent) -> None:
    words = event.text.split()
    if len(words) not in (2, 3):
        raise UserError(N_("Write it like: /xgov assign F-12 P-3 [owner e-mail]"))
    assign(
        turn,
        friction_id=frictions.parse_friction_ref(words[0]),
        policy_id=registry.parse_policy_ref(words[1]),
        owner_email=words[2] if len(words) == 3 else None,
    )


def assign(turn: Turn, *, friction_id: int, policy_id: int, owner_email: str | None,
           kind: str | None = None, experience: str | None = None) -> None:
    owner = frictions.triage_and_assign(
        session=turn.session, friction_id=friction_id, admin_email=turn.actor.email, policy_id=policy_id,
        now=turn.now, due_days=turn.settings.assignment_due_days, owner_email=owner_email, kind=kind, experience=experience,
    )
    view = queries.owner_view(session=turn.session, friction_id=friction_id)
    turn.tell(owner.email, partial(views.assignment_message, view))
    turn.post_to_governance(partial(views.assignment_notice, view, owner.name))
    for reporter in frictions.reporter_emails(session=turn.session, friction_id=friction_id):
        turn.tell(reporter, partial(views.reporter_assigned, view))
    turn.reply(partial(general_messages.done, _msg=N_("F-{id} is assigned to {owner}."), id=friction_id, owner=owner.name))


def on_policy_command(turn: Turn, event: CommandEvent) -> None:
    sub, _sep, rest = event.text.strip().partition(" ")
    if sub in ("", "list"):
        turn.reply(partial(general_messages.policy_list, registry.list_policies(session=turn.session)))
        return
    if sub != "add":
        raise UserError(N_("Write /xgov policy list, or /xgov policy add KIND OWNER-EMAIL TITLE."))
    _require_admin(turn)
    words = rest.split(maxsplit=2)
    if len(words) < 3:
        raise UserError(N_("Write it like: /xgov policy add decision anna@example.com Refunds above 500 PLN need a director"))
    kind, owner_email, title = words
    policy = registry.add_policy(session=turn.session, kind=kind, title=title, owner_email=owner_email, now=turn.now)
    turn.reply(partial(general_messages.done, _msg=N_("{ref} added: {title} (owner: {owner})."),
                       ref=policy.ref, title=policy.title, owner=policy.owner_name))


def on_barriers_command(turn: Turn, event: CommandEvent) -> None:
    turn.reply(partial(general_messages.barriers_message, queries.recurring_barriers(session=turn.session)))
