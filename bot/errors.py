"""Errors a person can act on. The message is an English msgid translated when shown."""
from __future__ import annotations


def N_(msgid: str) -> str:
    """Mark a msgid for the catalog without translating it yet."""
    return msgid


class UserError(Exception):
    """Something the person asked for cannot be done; says what and what to do."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.params = params
