"""Text for Block Kit: what Slack shows literally, measured, shortened and split within its limits.

Every human-readable string becomes a list of atomic pieces: one character, or its Slack escape
(``&amp;`` ``&lt;`` ``&gt;``, the three control characters Slack documents), or a visible escape
(``\\x1b``, ``\\u202e``) for a control character or bidirectional override, as the console shows
them. Shortening and splitting only ever cut between pieces, so never inside an escape sequence.
Lengths are counted in UTF-16 code units (an emoji outside the BMP counts two): never more than
Slack counts, so a text that fits here fits there.
"""
from __future__ import annotations

import unicodedata

# Slack's limits: texts (UTF-16 code units), values and ids (characters), counts (blocks, elements, options)
MAX_MESSAGE_BLOCKS, MAX_MODAL_BLOCKS = 50, 100
SECTION_TEXT, FIELD_TEXT, FIELDS_PER_SECTION, LABEL_TEXT = 3000, 2000, 10, 1000
HEADER_TEXT, CONTEXT_TEXT, NOTIFICATION_TEXT, ALT_TEXT, IMAGE_URL = 150, 2000, 3000, 2000, 3000
BUTTON_TEXT, BUTTON_VALUE, ELEMENTS_PER_ACTIONS, ACTION_ID = 75, 2000, 25, 255
OPTION_TEXT, OPTION_VALUE, OPTIONS_PER_SELECT, PLACEHOLDER_TEXT = 75, 150, 100, 150
VIEW_TITLE, PRIVATE_METADATA, INPUT_LABEL, INPUT_MAX_LENGTH = 24, 3000, 2000, 3000

ELLIPSIS = "…"
MRKDWN_FORMATTING = frozenset("*_~`")  # a value containing one of these is never put into mrkdwn

_SLACK_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F))


def _piece(char: str) -> str:
    if char in _SLACK_ESCAPES:
        return _SLACK_ESCAPES[char]
    if char not in "\n\t" and (char in _BIDI_CONTROLS or unicodedata.category(char) == "Cc"):
        return f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}"
    return char


def _pieces(raw: str) -> list[str]:
    return [_piece(char) for char in raw]


def slack_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def escape(raw: str) -> str:
    """`raw` as Slack shows it literally: no mention, link or control character can act."""
    return "".join(_pieces(raw))


def shortened(raw: str, limit: int) -> str:
    """`raw` escaped; when longer than `limit`, cut and ended with "…"."""
    text = escape(raw)
    if slack_length(text) <= limit:
        return text
    kept: list[str] = []
    used = slack_length(ELLIPSIS)
    for piece in _pieces(raw):
        used += slack_length(piece)
        if used > limit:
            break
        kept.append(piece)
    return "".join(kept).rstrip() + ELLIPSIS


def one_line(raw: str) -> str:
    return " ".join(raw.split())


def chunks(raw: str, limit: int) -> list[str]:
    """`raw` escaped and split into non-blank chunks of at most `limit`.

    Each chunk ends at the last line break that fits, else at the last space, else between two pieces;
    the line break or space where it was split is dropped.
    """
    pieces = _pieces(raw)
    result: list[str] = []
    start = 0
    while start < len(pieces):
        end, used, last_break, last_space = start, 0, None, None
        while end < len(pieces) and used + slack_length(pieces[end]) <= limit:
            if pieces[end] == "\n":
                last_break = end
            elif pieces[end] == " ":
                last_space = end
            used += slack_length(pieces[end])
            end += 1
        end = max(end, start + 1)  # a limit below one piece still moves on
        if end == len(pieces):
            result.append("".join(pieces[start:]))
            break
        cut = next((at for at in (last_break, last_space) if at is not None and at > start), None)
        result.append("".join(pieces[start:cut if cut is not None else end]))
        start = cut + 1 if cut is not None else end
    return [chunk.strip("\n") for chunk in result if chunk.strip()]


def plain_text(escaped: str) -> dict:
    return {"type": "plain_text", "text": escaped}


def mrkdwn(escaped: str) -> dict:
    """mrkdwn for formatting we add; verbatim: Slack links no URL, channel or mention by itself."""
    return {"type": "mrkdwn", "text": escaped, "verbatim": True}


def has_mrkdwn_formatting(*raw: str) -> bool:
    return any(char in MRKDWN_FORMATTING for text in raw for char in text)
