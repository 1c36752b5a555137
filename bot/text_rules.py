"""What user text may contain. Text that passes is stored exactly as typed."""
from __future__ import annotations

from bot.errors import N_, NP_, UserError

MAX_REPORT_CHARS = 3000
MAX_REASON_CHARS = 2000
MAX_TITLE_CHARS = 300


def check_free_text(text: str, *, limit: int, empty_msgid: str) -> str:
    """Refuse empty, over-long or unstorable text; otherwise return it unchanged."""
    if not text or not text.strip():
        raise UserError(empty_msgid)
    if len(text) > limit:
        raise UserError(
            NP_("That text has {n} character; the limit is {limit}. Shorten it and send it again.",
                "That text has {n} characters; the limit is {limit}. Shorten it and send it again."),
            n=len(text),
            limit=limit,
        )
    if "\x00" in text:
        raise UserError(N_("The text contains a NUL character (U+0000), which cannot be stored. Remove it and send it again."))
    if any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        raise UserError(N_("The text contains a broken character (a lone surrogate). Retype it and send it again."))
    return text


def check_report_text(text: str) -> str:
    return check_free_text(
        text,
        limit=MAX_REPORT_CHARS,
        empty_msgid=N_("Your report is empty. Write in a sentence or two what got in your way."),
    )


def check_reason(text: str) -> str:
    return check_free_text(
        text, limit=MAX_REASON_CHARS, empty_msgid=N_("Please give a reason: the reporter and the governance team will read it.")
    )


def check_title(text: str) -> str:
    return check_free_text(text, limit=MAX_TITLE_CHARS, empty_msgid=N_("A title is needed."))


def shorten(text: str, width: int) -> str:
    """At most `width` characters, cut after a whole word with an ellipsis rather than mid-word
    (a word longer than the width is cut where it must be)."""
    if len(text) <= width:
        return text
    cut = text[:width - 1]
    ends_a_word = cut[-1:].isspace() or text[width - 1].isspace()
    if not ends_a_word and " " in cut.strip():
        cut = cut[:cut.rstrip().rindex(" ")]
    return cut.rstrip(" ,;:-–") + "…"
