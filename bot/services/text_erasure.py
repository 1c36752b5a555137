"""Erasing a report's free text: on a person's erasure, by retention, or when it belongs to the
whistleblowing channel. The text goes from the report and from every stored message that quoted it."""
from __future__ import annotations

import json

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.messages import Message
from bot.outbox import codec
from storage.models import Friction, OutboxMessage

ERASED_TEXT = {
    "erasure": "[Treść usunięta na prośbę osoby zgłaszającej. / Text erased at the reporter's request.]",
    "retention": "[Treść usunięta po okresie przechowywania. / Text erased after the retention period.]",
    "whistleblowing": "[Treść usunięta: sprawa dla kanału zgłoszeń naruszeń prawa. / "
                      "Text erased: it belongs to the whistleblowing channel.]",
}
ERASED_PAYLOAD = json.dumps(codec.message_to_dict(Message(text="[erased]")))  # still a message, if not yet sent
_QUOTED_CHARS = 40  # a message quotes a report from its start (whole, or an excerpt)


def erase_report_text(*, session: Session, friction: Friction, why: str) -> None:
    """Replace the text with a note saying why; messages stored with its words lose their payload."""
    if friction.text_erased:
        return
    erase_quotes(session=session, text=friction.text)
    friction.text, friction.text_erased = ERASED_TEXT[why], why


def erase_quotes(*, session: Session, text: str) -> int:
    """Outbox rows whose message quotes this text (as JSON stores it) keep their row, not the words."""
    if len(text.strip()) < 3:
        return 0
    quoted = json.dumps(text[:_QUOTED_CHARS], ensure_ascii=False)[1:-1]
    result = session.execute(update(OutboxMessage).where(OutboxMessage.payload.contains(quoted, autoescape=True))
                             .values(payload=ERASED_PAYLOAD))
    return result.rowcount or 0

