"""Plain-text renderer of the neutral message model, for terminals and transcripts.

User text is shown literally; control characters and bidirectional overrides are
shown as visible escapes so that no text can move the cursor or reorder a line.
"""
from __future__ import annotations

import unicodedata

from bot.messages import Form, Message

_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}


def visible(text: str) -> str:
    """Escape what a terminal would interpret; keep newlines, tabs and all printable text."""
    out = []
    for char in text:
        if char in "\n\t":
            out.append(char)
        elif char in _BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            out.append(f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return "".join(out)


def _indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def option_labels(message: Message) -> list[str]:
    """The options of a message: its choices first, then its buttons."""
    labels = [option.label for option in message.choices.options] if message.choices else []
    return labels + [button.label for button in message.buttons]


def first_number(message: Message) -> int:
    """The number a person types for the first option: a scale's lowest score (0 on a 0-10 scale), else 1."""
    return message.choices.first_number if message.choices else 1


def answer_hint(message: Message) -> str:
    """How to answer a message with options, with the numbers it takes."""
    count = len(option_labels(message))
    first = first_number(message)
    if not count:
        return ""
    if first != 1 and message.choices:
        last_score = first + len(message.choices.options) - 1
        return f"(type a score from {first} to {last_score}, or the number of a button)"
    return f"(type the number of an option, {first}-{first + count - 1})"


def render_message(message: Message) -> str:
    lines: list[str] = []
    if message.header:
        lines.append(f"== {visible(message.header)} ==")
    if message.text:
        lines.append(visible(message.text))
    for field in message.fields:
        lines.append(f"* {visible(field.label)}")
        lines.append(_indent(visible(field.value), "    "))
    if message.image:
        lines.append(f"[image: {visible(message.image.filename)} - {visible(message.image.alt_text)}]")
    if message.choices and message.choices.prompt:
        lines.append(visible(message.choices.prompt))
    options = option_labels(message)
    if options:
        start = first_number(message)
        lines.append("  ".join(f"[{number}] {visible(label)}" for number, label in enumerate(options, start=start)))
    if message.context:
        lines.append(f"({visible(message.context)})")
    return "\n".join(lines)


def render_form(form: Form) -> str:
    lines = [f"== {visible(form.title)} =="]
    if form.intro:
        lines.append(visible(form.intro))
    for number, field in enumerate(form.fields, start=1):
        required = " *" if field.required else ""
        lines.append(f"{number}. {visible(field.label)}{required}")
        for index, option in enumerate(field.options, start=1):
            lines.append(f"     {index}) {visible(option.label)}")
    return "\n".join(lines)
