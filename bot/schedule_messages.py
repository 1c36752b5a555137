"""Messages of the scheduled jobs: an owner's nudge, an escalation, a job that could not run."""
from __future__ import annotations

from datetime import datetime

from bot.friction_messages import assignment_message, assignment_notice
from bot.i18n import Translate
from bot.messages import Message
from bot.services.friction_queries import OwnerFrictionView
from bot.errors import NP_


def owner_nudge(view: OwnerFrictionView, days: int, _: Translate) -> Message:
    base = assignment_message(view, _)
    return Message(header=_("Still waiting for you: F-{id}", id=view.id),
                   text=_(NP_("This assignment has waited {n} day for you to accept or decline it.",
                            "This assignment has waited {n} days for you to accept or decline it."), n=days)
                   + "\n\n" + base.text, fields=base.fields, buttons=base.buttons, context=base.context)


def overdue_escalation(view: OwnerFrictionView, owner_name: str, now: datetime, _: Translate) -> Message:
    base = assignment_notice(view, owner_name, _)
    days = (now - view.due_at).days if view.due_at else 0
    return Message(header=_("Overdue: F-{id} ({owner})", id=view.id, owner=owner_name),
                   text=_(NP_("Past its due date by {n} day and not resolved.", "Past its due date by {n} days and not resolved."), n=days) + "\n\n" + base.text,
                   fields=base.fields)


def job_refused(title: str, problem: str, _: Translate) -> Message:
    return Message(header=_("A scheduled job could not run"), text=_("{job}: {problem}", job=title, problem=problem))
