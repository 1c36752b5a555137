"""Errors a person can act on. The message is an English msgid translated when shown."""
from __future__ import annotations


def N_(msgid: str) -> str:
    """Mark a msgid for the catalog without translating it yet."""
    return msgid


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a text with a count `{n}` for the catalog's plural entries (Polish has three forms);
    `_(NP_("{n} day", "{n} days"), n=3)` picks the form for n."""
    return singular, plural


class UserError(Exception):
    """Something the person asked for cannot be done; says what and what to do."""

    def __init__(self, msgid: str | tuple[str, str], **params: object) -> None:
        english = msgid if isinstance(msgid, str) else msgid[params.get("n") != 1]
        super().__init__(english.format(**params) if params else english)
        self.msgid = msgid
        self.params = params
