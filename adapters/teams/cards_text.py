"""Text for Adaptive Cards as Teams shows it literally: escaped, shortened and split.

Two escapes, both applied after cutting, so that a cut never falls inside an escape:

* ``plain`` for properties Teams shows as plain text (action titles, choice titles, input labels,
  placeholders, alt text, tooltips): control characters and bidirectional overrides become
  visible escapes as in the console, and a WORD JOINER (U+2060, invisible, zero width) follows every
  ``<`` and splits ``{{`` and ``${``, so that no ``<at>`` mention, HTML tag, ``{{DATE(...)}}`` /
  ``{{TIME(...)}}`` function or ``${...}`` template expression can form, whatever processes it.
* ``markdown`` for TextBlock text and Fact title/value, where Teams applies its Markdown (a CommonMark
  subset): ``plain``, then a backslash before every ``\\ ` * _ ~ [ ] & |`` (inline constructs:
  emphasis, code, strike, links, entities, tables), and before a line's first character when it
  is one of ``# > + - =`` or ends a leading number (``1.`` ``1)``): headings, quotes, lists, rules.
  CommonMark shows a backslash-escaped ASCII punctuation character as the character itself.
  Each line is stripped and becomes a paragraph (``\\n\\n``, the line break Teams documents for
  TextBlocks; a single ``\\n`` shows as a space); blank lines therefore collapse.

A bare URL typed by a person may still be made clickable by the client: it shows its own target,
so it cannot disguise a link as ``[x](https://evil)`` can.
"""
from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
WORD_JOINER = "\u2060"
MARKDOWN_ESCAPED = frozenset("\\`*_~[]&|")
LINE_START_ESCAPED = frozenset("#>+-=")
PARAGRAPH = "\n\n"

_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F))
_ORDERED_MARKER = re.compile(r"(\d+)([.)])")


def visible(raw: str) -> str:
    """Control characters (except newline and tab) and bidi overrides as visible escapes."""
    out = []
    for char in raw:
        if char not in "\n\t" and (char in _BIDI_CONTROLS or unicodedata.category(char) == "Cc"):
            out.append(f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return "".join(out)


def _break_tokens(text: str) -> str:
    """A WORD JOINER after ``<`` and inside ``{{`` and ``${``."""
    out = []
    for at, char in enumerate(text):
        out.append(char)
        if char == "<" or (char in "{$" and text[at + 1:at + 2] == "{"):
            out.append(WORD_JOINER)
    return "".join(out)


def plain(raw: str) -> str:
    """`raw` for a plain-text property: nothing in it can act."""
    return _break_tokens(visible(raw))


def _markdown_line(line: str) -> str:
    text = "".join("\\" + char if char in MARKDOWN_ESCAPED else char for char in visible(line.strip()))
    if text[:1] in LINE_START_ESCAPED:
        text = "\\" + text
    elif marker := _ORDERED_MARKER.match(text):
        text = f"{marker.group(1)}\\{marker.group(2)}{text[marker.end():]}"
    return _break_tokens(text)


def markdown(raw: str) -> str:
    """`raw` for a TextBlock or a Fact: shown literally, one paragraph per non-blank line."""
    return PARAGRAPH.join(_markdown_line(line) for line in raw.splitlines() if line.strip())


def one_line(raw: str) -> str:
    return " ".join(raw.split())


def cut(raw: str, limit: int) -> str:
    """`raw` (not escaped) at most `limit` characters long, ending with "…" when cut."""
    if len(raw) <= limit:
        return raw
    return raw[:max(0, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS


def chunks(raw: str, limit: int) -> list[str]:
    """`raw` (not escaped) split into non-blank pieces of at most `limit` characters.

    Each piece ends at the last line break that fits, else at the last space, else at the limit;
    the line break or space where it was split is dropped.
    """
    result: list[str] = []
    rest = raw.strip()
    while rest:
        if len(rest) <= limit:
            result.append(rest)
            break
        window = rest[:limit + 1]
        cut_at = max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        result.append(rest[:cut_at])
        rest = rest[cut_at:].lstrip(" \n") if cut_at < len(rest) else ""
    return [piece.strip() for piece in result if piece.strip()]
