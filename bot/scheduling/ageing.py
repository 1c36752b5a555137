"""Assignments that age: the owner is nudged once when one waits unaccepted, and an overdue one is
escalated to the governance channel once. Each is recorded as a friction event."""
from __future__ import annotations

from datetime import timedelta
from functools import partial

from sqlalchemy import select

from bot import schedule_messages
from bot.services.friction_queries import owner_view
from bot.services.frictions import OPEN_ASSIGNMENT_STATUSES
from bot.turn import Turn
from storage.models import Friction, FrictionEvent, Person

NUDGED, ESCALATED = "nudged", "escalated"


def _not_yet(action: str):
    return ~select(FrictionEvent.id).where(FrictionEvent.friction_id == Friction.id,
                                           FrictionEvent.action == action).exists()


def nudge_owners(turn: Turn, *, after: timedelta) -> int:
    query = (select(Friction.id, Person.email).join(Person, Person.id == Friction.owner_id)
             .where(Friction.status == "assigned", Friction.assigned_at <= turn.now - after, _not_yet(NUDGED))
             .order_by(Friction.id))
    rows = list(turn.session.execute(query))
    for friction_id, email in rows:
        view = owner_view(session=turn.session, friction_id=friction_id)
        days = (turn.now - turn.session.get(Friction, friction_id).assigned_at).days
        turn.tell(email, partial(schedule_messages.owner_nudge, view, days))
        turn.session.add(FrictionEvent(friction_id=friction_id, at=turn.now, action=NUDGED))
    return len(rows)


def escalate_overdue(turn: Turn) -> int:
    query = (select(Friction.id, Person.name).join(Person, Person.id == Friction.owner_id)
             .where(Friction.status.in_(OPEN_ASSIGNMENT_STATUSES), Friction.due_at < turn.now, _not_yet(ESCALATED))
             .order_by(Friction.id))
    rows = list(turn.session.execute(query))
    for friction_id, owner_name in rows:
        view = owner_view(session=turn.session, friction_id=friction_id)
        turn.post_to_governance(partial(schedule_messages.overdue_escalation, view, owner_name, turn.now))
        turn.session.add(FrictionEvent(friction_id=friction_id, at=turn.now, action=ESCALATED))
    return len(rows)
