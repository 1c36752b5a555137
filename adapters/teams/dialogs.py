"""Forms that open in a Teams dialog (a task module) instead of as a card in the personal chat.

Teams opens a dialog only as the answer to an invoke (the message action's
``composeExtension/fetchTask``), while the core opens forms through ``ChatPort.open_form(email,
form, trigger)`` from a worker thread. The handler therefore expects a dialog under a fresh trigger,
runs the core with that trigger, and takes the form the port caught under it; the port catches a
form whose trigger is expected instead of sending it (as Slack opens a modal with a trigger_id).
"""
from __future__ import annotations

import secrets
import threading

from bot.messages import Form

PREFIX = "teams-dialog:"


class Dialogs:
    """Shared by the handler (expect, take) and the port (catch), across threads."""

    def __init__(self) -> None:
        self._waiting: dict[str, Form | None] = {}
        self._lock = threading.Lock()

    def expect(self) -> str:
        """A new trigger to run the core with; a form opened with it is caught."""
        trigger = PREFIX + secrets.token_urlsafe(12)
        with self._lock:
            self._waiting[trigger] = None
        return trigger

    def catch(self, trigger: str | None, form: Form) -> bool:
        """True when `trigger` is expected (the form waits for the handler); False: send it as usual."""
        with self._lock:
            if trigger not in self._waiting or self._waiting[trigger] is not None:
                return False
            self._waiting[trigger] = form
            return True

    def take(self, trigger: str) -> Form | None:
        """The form caught under `trigger` (None if the core opened none); the trigger is forgotten."""
        with self._lock:
            return self._waiting.pop(trigger, None)
