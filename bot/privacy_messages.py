"""Messages about a person's data: erasure requests and the whistleblowing boundary."""
from __future__ import annotations

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
