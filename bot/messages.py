"""The neutral message model every adapter renders (Block Kit, Adaptive Cards, text).

All strings here are plain text, never markup: a renderer escapes or sends them as
plain text, so user text such as ``<!channel>`` can never ping anyone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ButtonStyle = Literal["primary", "danger", "default"]


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = "default"


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Choices:
    """A single-choice question answered by one click (or by number in a console)."""

    action_id: str
    options: tuple[Option, ...]
    prompt: str = ""
    first_number: int = 1  # what a console numbers the first option: a 0-10 scale starts at 0, so 9 answers 9


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Image:
    filename: str
    alt_text: str
    data: bytes = b""
    url: str = ""


@dataclass(frozen=True)
class Message:
    text: str = ""
    header: str = ""
    fields: tuple[Field, ...] = ()
    choices: Choices | None = None
    buttons: tuple[Button, ...] = ()
    image: Image | None = None
    context: str = ""


FormFieldKind = Literal["text", "multiline", "select", "multiselect"]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FormFieldKind = "text"
    options: tuple[Option, ...] = ()
    required: bool = False
    max_length: int | None = None
    initial: str | tuple[str, ...] = ""
    hint: str = ""


@dataclass(frozen=True)
class Form:
    """A modal (Slack), a card with inputs (Teams) or a prompt sequence (console)."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str
    metadata: str = ""
    intro: str = ""
    cancel_label: str = ""  # set by Turn.open_form in the person's language


@dataclass(frozen=True)
class MessageRef:
    """Where a sent message lives, so that it can be updated later."""

    conversation: str
    message_id: str
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
