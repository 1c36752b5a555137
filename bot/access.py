"""Who may do what: the one table every command, button and form passes through (bot/app.py checks it
before any flow runs; the dashboard's web route checks its link the same way through require_role).

Anything not listed is open to every active person in the directory; what a listed action refuses is
said in the person's language. Owners' actions (accept, decline, resolve) are checked per assignment
in bot/services/frictions.py, since being an owner of one report does not open another.
"""
from __future__ import annotations

from bot.errors import N_
from bot.services.dashboard_links import ADMINS_ONLY as DASHBOARD_ADMINS_ONLY
from bot.services.directory import require_role
from bot.services.frictions import ADMINS_ONLY as TRIAGE_ADMINS_ONLY
from bot.turn import Turn

CHANNEL_ADMINS_ONLY = N_("Only a governance admin can make a channel a governance channel.")
PEOPLE_ADMINS_ONLY = N_("Only a governance admin can change or list the people in the directory.")
MANAGERS_ONLY = N_("Only managers see their team's results. If you manage a team, ask a governance admin to "
                   "give you the manager role.")

GOVERNANCE = "governance_admin"
COMMANDS: dict[str, tuple[str, str]] = {  # /xgov subcommand -> (role, refusal)
    "triage": (GOVERNANCE, TRIAGE_ADMINS_ONLY),
    "assign": (GOVERNANCE, TRIAGE_ADMINS_ONLY),
    "dashboard": (GOVERNANCE, DASHBOARD_ADMINS_ONLY),
    "people": (GOVERNANCE, PEOPLE_ADMINS_ONLY),
    "channel": (GOVERNANCE, CHANNEL_ADMINS_ONLY),
    "whistleblowing": (GOVERNANCE, TRIAGE_ADMINS_ONLY),
    "team": ("manager", MANAGERS_ONLY),
}
BUTTONS: dict[str, tuple[str, str]] = {
    "triage.open": (GOVERNANCE, TRIAGE_ADMINS_ONLY),
}
FORMS: dict[str, tuple[str, str]] = {
    "friction.triage": (GOVERNANCE, TRIAGE_ADMINS_ONLY),
}

# Open to every active person: their own things, or checked inside per item (an owner's assignment; a
# policy added, not listed). tests/test_roles.py fails when a new command is in neither list.
OPEN_COMMANDS = frozenset({"help", "language", "forget", "reports", "policy", "barriers", "assignments", "accept", "decline",
                           "resolve"})
OPEN_BUTTONS = frozenset({"friction.new", "friction.kind", "friction.experience", "friction.flag", "friction.done",
                          "friction.hide", "assignment.accept", "assignment.decline", "assignment.resolve",
                          "survey.start", "survey.answer", "survey.skip", "survey.goto", "survey.change",
                          "survey.text", "survey.keep", "enrol.join"})
OPEN_FORMS = frozenset({"friction.report", "assignment.decline", "assignment.resolve", "survey.text"})


def check(turn: Turn, table: dict[str, tuple[str, str]], key: str) -> None:
    """Refuse (UserError) unless the turn's person holds the role the action needs."""
    needed = table.get(key)
    if needed is not None:
        role, refusal = needed
        require_role(session=turn.session, email=turn.actor.email, role=role, refusal=refusal)
