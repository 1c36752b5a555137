"""The governance admin keeps the directory from chat (/xgov people ...), and what every path that
deactivates someone does (chat, `xgov people`, `xgov org sync`, SCIM): the leaver's open assignments
go back to triage and the governance team is told."""
from __future__ import annotations

from functools import partial

from bot import general_messages
from bot import people_messages as views
from bot.errors import N_, UserError
from bot.events import CommandEvent
from bot.services import people
from bot.services.directory import get_person
from bot.turn import Turn

USAGE = N_("Write /xgov people list [UNIT] | show EMAIL | grant EMAIL ROLE | revoke EMAIL ROLE | "
           "move EMAIL UNIT | deactivate EMAIL | reactivate EMAIL")


def deactivate(turn: Turn, email: str, by: people.ChangedBy) -> list[people.ReturnedAssignment]:
    """Deactivate a leaver; their open assignments go back to triage with a notice to governance."""
    returned = people.deactivate(session=turn.session, email=email, by=by, now=turn.now)
    if returned:
        name = get_person(session=turn.session, email=email).name
        turn.post_to_governance(partial(views.assignments_returned, returned, name))
    return returned


def on_people_command(turn: Turn, event: CommandEvent) -> None:
    """Reached only by active governance admins (bot/access.py)."""
    sub, _sep, rest = event.text.strip().partition(" ")
    handler = _SUBCOMMANDS.get(sub.lower() or "list")
    if handler is None:
        raise UserError(USAGE)
    handler(turn, rest.strip(), people.ChangedBy(turn.actor.email, "chat"))


def _list(turn: Turn, rest: str, by: people.ChangedBy) -> None:
    unit = rest or None
    found = people.list_people(session=turn.session, unit=unit, include_inactive=True)
    turn.reply(partial(views.people_list, found, unit))


def _show(turn: Turn, rest: str, by: people.ChangedBy) -> None:
    detail = people.person_detail(session=turn.session, email=_one_email(rest))
    turn.reply(partial(views.person_card, detail))


def _grant(turn: Turn, rest: str, by: people.ChangedBy) -> None:
    email, role = _email_and(rest)
    done = people.grant(session=turn.session, email=email, role=role.lower(), by=by, now=turn.now)
    _confirm(turn, N_("{email} is now {role}.") if done else N_("{email} was {role} already."), email, role.lower())


def _revoke(turn: Turn, rest: str, by: people.ChangedBy) -> None:
    email, role = _email_and(rest)
    done = people.revoke(session=turn.session, email=email, role=role.lower(), by=by, now=turn.now)
    _confirm(turn, N_("{email} is no longer {role}.") if done else N_("{email} was not {role}."), email, role.lower())


def _confirm(turn: Turn, msgid: str, email: str, role: str) -> None:
    turn.reply(lambda _: general_messages.done(_, _msg=msgid, email=email, role=_(views.ROLE_LABELS[role])))


def _move(turn: Turn, rest: str, by: people.ChangedBy) -> None:
    email, unit = _email_and(rest)
    done = people.move(session=turn.session, email=email, unit=unit, by=by, now=turn.now)
    turn.reply(partial(general_messages.done, email=email, unit=unit,
                       _msg=N_("{email} is now in {unit}.") if done else N_("{email} was in {unit} already.")))


def _deactivate(turn: Turn, rest: str, by: people.ChangedBy) -> None:
    email = _one_email(rest)
    returned = deactivate(turn, email, by)
    turn.reply(partial(general_messages.done, email=email, count=len(returned),
                       _msg=N_("{email} is deactivated: no more surveys or messages. Assignments back in triage: {count}.")))


def _reactivate(turn: Turn, rest: str, by: people.ChangedBy) -> None:
    email = _one_email(rest)
    people.reactivate(session=turn.session, email=email, by=by, now=turn.now)
    turn.reply(partial(general_messages.done, email=email, _msg=N_("{email} is active again.")))


def _one_email(rest: str) -> str:
    words = rest.split()
    if len(words) != 1:
        raise UserError(USAGE)
    return words[0]


def _email_and(rest: str) -> tuple[str, str]:
    words = rest.split(maxsplit=1)
    if len(words) != 2:
        raise UserError(USAGE)
    return words[0], words[1].strip()


_SUBCOMMANDS = {"list": _list, "show": _show, "grant": _grant, "revoke": _revoke, "move": _move,
                "deactivate": _deactivate, "reactivate": _reactivate}
