"""Log lines: text or JSON (XGOV_LOG_FORMAT), each with the id of the inbound request it belongs to.

An adapter opens :func:`request_scope` for each inbound request (a new id, or the one the web process
gave the worker process); every line logged inside it carries the id, and the outbox rows the request
creates store it (bot/turn.py). Lines never carry what people wrote: the code logs ids and counts only,
SQL errors hide their parameters (storage/db.py), chatty libraries stay at WARNING, and
:class:`Redact` masks the configured secrets and anything shaped like a platform token in every line.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

_REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("xgov_request_id", default=None)
TOKEN_SHAPES = re.compile(r"\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9._-]+)"
                          r"|(Bearer\s+)[A-Za-z0-9._~+/=-]+")
QUIET_LIBRARIES = ("slack_bolt", "slack_sdk", "urllib3", "botbuilder", "msrest", "apscheduler",
                   "sqlalchemy", "alembic")
MASK = "[secret]"
HANDLER_NAME = "xgov"


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


def current_request_id() -> str | None:
    return _REQUEST_ID.get()


@contextlib.contextmanager
def request_scope(request_id: str | None = None) -> Iterator[str]:
    """Lines logged (and outbox rows stored) inside carry this id; a new one if none is given."""
    token = _REQUEST_ID.set(request_id or new_request_id())
    try:
        yield _REQUEST_ID.get()
    finally:
        _REQUEST_ID.reset(token)


class WithRequestId(logging.Filter):
    """Puts the current request id on a record (a record from the worker process keeps its own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


class Redact(logging.Filter):
    """Masks the given secrets and token-shaped words in the message and its arguments, once formatted."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.clean(record.getMessage()), None
        if record.exc_info and record.exc_info[1] is not None and not getattr(record, "exc_text", None):
            record.exc_text = self.clean(logging.Formatter().formatException(record.exc_info))
        return True

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return TOKEN_SHAPES.sub(lambda m: (m.group(2) + MASK) if m.group(2) else MASK, text)


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                "request_id": getattr(record, "request_id", None), "process": record.process}
        if record.exc_info or record.exc_text:
            line["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def formatter(log_format: str) -> logging.Formatter:
    return JsonLines() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure(*, log_format: str, secrets: Iterable[str] = (), level: int = logging.INFO,
              stream=None) -> logging.Handler:
    """The process's logging: a handler on the root logger with the id, the redaction and the format (it
    replaces the one an earlier call added; handlers others added, such as a test's, stay)."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(WithRequestId())
    handler.addFilter(Redact(secrets))
    handler.setFormatter(formatter(log_format))
    handler.set_name(HANDLER_NAME)
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if h.get_name() != HANDLER_NAME] + [handler]
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    return handler
