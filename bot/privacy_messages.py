"""Messages about a person's data: erasure requests and the whistleblowing boundary."""
from __future__ import annotations

from bot.config import Settings
from bot.i18n import Translate
from bot.messages import Message


def erasure_requested_notice(_: Translate, *, email: str) -> Message:
    """To the governance channel: a person asked to be erased."""
    return Message(header=_("Erasure request"),
                   text=_("{email} asked xgov to erase their personal data (GDPR art. 17). A governance admin "
                          "checks it and runs: xgov forget --user {email} (try --dry-run first).", email=email))


def erasure_request_received(_: Translate) -> Message:
    return Message(header=_("Your request is with the governance team"),
                   text=_("You asked to have your personal data in xgov erased. The governance team has been told "
                          "and will carry it out; anonymous survey answers hold nothing of you and stay. "
                          "Reports you filed keep their text only if you chose so when filing."))


def boundary_line(_: Translate, settings: Settings) -> str:
    """Where breaches of law go instead of xgov, in the reader's language; empty while not configured."""
    if not settings.whistleblowing_url:
        return ""
    own = settings.whistleblowing_text_pl if getattr(_, "locale", "") == "pl" else settings.whistleblowing_text_en
    line = _("Breaches of law (fraud, corruption, safety, harassment, data protection and the like) do not belong "
             "in xgov: report them in the organisation's whistleblowing channel, which protects you: {url}",
             url=settings.whistleblowing_url)
    return line + (f"\n{own.strip()}" if own.strip() else "")


def redirected_to_reporter(friction_id: int, settings: Settings, _: Translate) -> Message:
    return Message(header=_("F-{id} belongs to the whistleblowing channel", id=friction_id),
                   text=_("The governance team read your report F-{id} as a possible breach of law. Such reports are "
                          "handled, and their authors protected, in the whistleblowing channel, not in xgov. Its text "
                          "has been erased from xgov; please report it there.", id=friction_id)
                   + "\n\n" + boundary_line(_, settings))
