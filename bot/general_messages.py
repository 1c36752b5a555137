"""Messages shared by every flow: confirmations, errors, help, registry listings."""
from __future__ import annotations

from bot.errors import N_, NP_
from bot.i18n import Translate
from bot.labels import POLICY_KIND_LABELS, STATUS_LABELS, label
from bot.messages import Field, Message
from bot.services.friction_queries import Barrier
from bot.services.registry import PolicyView

HELP_COMMANDS = (
    ("/friction", N_("Report what got in your way (a form opens), or /friction and your words to send at once.")),
    ("/xgov reports", N_("Your reports and what happened to them.")),
    ("/xgov assignments", N_("Reports assigned to you as an owner.")),
    ("/xgov accept F-12", N_("Accept an assignment.")),
    ("/xgov decline F-12 REASON", N_("Decline an assignment; it goes back to triage with your reason.")),
    ("/xgov resolve F-12 OUTCOME NOTE", N_("Resolve: policy-changed, decision-made, procedure-updated or no-change.")),
    ("/xgov triage", N_("Governance: the reports waiting for triage.")),
    ("/xgov assign F-12 P-3 [EMAIL]", N_("Governance: link a report to a policy and hand it to its owner (or another).")),
    ("/xgov policy list", N_("The registry of policies, decisions and processes with their owners.")),
    ("/xgov policy add KIND EMAIL TITLE", N_("Governance: add a policy, decision or process and its owner.")),
    ("/xgov barriers", N_("Recurring barriers: policies ranked by the reports traced to them.")),
    ("/xgov dashboard", N_("Governance: a private link to the dashboard of the weekly digest.")),
    ("/xgov channel here [pl|en]", N_("Governance: make the channel you write this in a governance channel.")),
    ("/xgov people list|show|grant|revoke|move|deactivate|reactivate",
     N_("Governance: the people in the directory, their roles and units; leavers and returns.")),
    ("/xgov team", N_("Managers: your team's latest pulse results (only when enough people answered).")),
    ("/xgov whistleblowing F-12", N_("Governance: the report belongs to the whistleblowing channel; the reporter is "
                                     "told where to go and its text is erased.")),
    ("/xgov language pl|en", N_("Choose the language xgov writes to you in: pl or en.")),
    ("/xgov forget", N_("Ask the governance team to erase your personal data from xgov.")),
    ("/xgov help", N_("What xgov understands: every command in one message.")),
)


def done(_: Translate, *, _msg: str, **params: object) -> Message:
    return Message(text=_(_msg, **params))


def error(_: Translate, *, msgid: str, params: dict) -> Message:
    shown = {key: label(STATUS_LABELS, value, _) if key == "status" else value for key, value in params.items()}
    return Message(header=_("That did not work"), text=_(msgid, **shown))


def help_message(_: Translate, *, unknown: str | None = None, boundary: str = "") -> Message:
    text = _("xgov traces what gets in the way of customers and colleagues to the policy, decision and owner behind it.")
    if boundary:
        text += "\n\n" + boundary
    if unknown:
        text = _("I do not know the command \"{command}\". Here is what I understand.", command=unknown) + "\n\n" + text
    fields = tuple(Field(usage, _(description)) for usage, description in HELP_COMMANDS)
    return Message(header=_("xgov help"), text=text, fields=fields)


def not_in_directory(_: Translate, *, email: str) -> Message:
    return Message(
        header=_("You are not in the xgov directory yet"),
        text=_("Nobody with the e-mail {email} is in the directory. Ask your governance team to add you.", email=email),
    )


def channel_bound(_: Translate, *, by: str) -> Message:
    """Posted in a channel a governance admin has just bound."""
    return Message(header=_("This is now a governance channel"),
                   text=_("{name} made this channel a governance channel: xgov posts assignments, notices and the "
                          "weekly digest here.", name=by))


def not_identified(_: Translate) -> Message:
    """For someone the chat platform does not identify to xgov (no e-mail it may read)."""
    return Message(
        header=_("xgov cannot tell who you are"),
        text=_("Your chat account does not show xgov an e-mail address (for example a guest from another "
               "organisation, or the app lacks permission to read e-mails), and xgov knows people by e-mail. "
               "Nothing was saved. Ask your governance team to check the app's permissions or your account."),
    )


def policy_list(policies: list[PolicyView], _: Translate) -> Message:
    if not policies:
        return Message(header=_("Policies, decisions and processes"), text=_("The registry is empty."))
    fields = tuple(
        Field(f"{p.ref} · {label(POLICY_KIND_LABELS, p.kind, _)}", _("{title}\nOwner: {owner}", title=p.title, owner=p.owner_name))
        for p in policies
    )
    return Message(header=_("Policies, decisions and processes"), fields=fields)


def barriers_message(barriers: list[Barrier], _: Translate) -> Message:
    if not barriers:
        return Message(header=_("Recurring barriers"), text=_("No report has been traced to a policy yet."))
    fields = tuple(
        Field(f"{rank}. P-{b.policy_id} {b.policy_title}",
              _("Reports: {reports} (open: {open}) · owner: {owner}", reports=b.reports, open=b.open_reports, owner=b.owner_name))
        for rank, b in enumerate(barriers, start=1)
    )
    return Message(header=_("Recurring barriers"), text=_("Policies ranked by the reports traced to them."), fields=fields)


def dashboard_link(_: Translate, *, url: str, days: int) -> Message:
    return Message(header=_("Governance dashboard"),
                   text=_(NP_("Your private link, valid for {n} day; do not share it:",
                             "Your private link, valid for {n} days; do not share it:"), n=days) + "\n" + url)


PLATFORM_NAMES = {"teams": "Microsoft Teams", "slack": "Slack"}


def platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform)


def person_not_reached(_: Translate, *, email: str, platform: str) -> Message:
    """To the governance channel: someone the bot has never been able to write to (Teams)."""
    return Message(
        header=_("Cannot reach {email}", email=email),
        text=_("{email} has not opened xgov in {platform} yet, and {platform} lets a bot write first only to "
               "people who have. Assignments and surveys will not reach them until they do: ask them to open "
               "xgov, or have an admin install it for everyone (an app setup policy).",
               email=email, platform=platform),
    )


def person_unreachable(_: Translate, *, email: str, platform: str) -> Message:
    """To the governance channel: someone the bot can no longer write to."""
    return Message(
        header=_("Cannot reach {email}", email=email),
        text=_("{platform} refuses messages to {email}: the person blocked or removed the bot, or left. "
               "Assignments and surveys will not reach them until they open the bot again.",
               platform=platform, email=email),
    )
