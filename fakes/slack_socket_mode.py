"""A fake Slack Socket Mode server on 127.0.0.1 for tests: nothing in the suite talks to slack.com.

    with FakeSlackApi(token=BOT) as api, FakeSocketMode() as socket_mode:
        api.socket_mode_url = socket_mode.issue_url       # apps.connections.open hands out its URLs
        handler = SocketModeHandler(app, "xapp-1-...")     # the app's WebClient points at api.base_url
        handler.connect()
        socket_mode.wait_connected()
        envelope_id = socket_mode.slash_command({...})     # the form fields of an HTTP slash command
        ack = socket_mode.wait_ack(envelope_id)            # what the client answered, and how fast

The socket speaks the messages Slack's Socket Mode does (api.slack.com/apis/connections/socket-implement;
the same shapes as slack_sdk's own mock server, tests/slack_sdk/socket_mode/mock_socket_mode_server.py
in slackapi/python-slack-sdk):

  * on connect:  {"type": "hello", "num_connections": 1, "debug_info": {"host": ..., "build_number": ...,
                  "approximate_connection_time": 18060}, "connection_info": {"app_id": "A..."}}
  * envelopes:   {"envelope_id": "...", "type": "slash_commands" | "interactive" | "events_api",
                  "payload": {...}, "accepts_response_payload": bool, and for events_api
                  "retry_attempt": 0, "retry_reason": ""}
  * acks back:   {"envelope_id": "..."} or {"envelope_id": "...", "payload": {...}}
  * refresh:     {"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": ...}}

Each URL from issue_url carries a fresh ticket that opens one connection only (as Slack's do).
Pings from the client are answered with pongs; ping() sends one the other way. The server is
aiohttp's WebSocketResponse on its own event loop in a background thread; everything it saw sits
behind one lock, and waits use a Condition, so tests never sleep.
"""
from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import WSMsgType, web
from fakes.loop_server import LoopServer

ENVELOPE_TYPES = ("slash_commands", "interactive", "events_api")
# Interactive payloads whose ack may carry an answer (response_action, options): the fake marks their
# envelopes accepts_response_payload=true. An assumption from what those answers do over HTTP;
# slack_bolt's handler sends an ack's payload whatever the flag says.
ANSWERABLE_INTERACTIONS = frozenset({"view_submission", "block_suggestion"})


@dataclass(frozen=True)
class Envelope:
    """One envelope the fake pushed."""

    envelope_id: str
    message: dict  # the whole JSON sent
    connection: int  # index into FakeSocketMode.connections
    sent_at: float  # time.monotonic()


@dataclass(frozen=True)
class Ack:
    """The client's answer to an envelope."""

    envelope_id: str
    payload: dict | None  # None: a plain ack ({"envelope_id": ...} alone)
    message: dict  # the whole JSON received
    connection: int
    seconds: float  # from pushing the envelope to receiving this ack (inf for an unknown envelope)


@dataclass
class Connection:
    """One WebSocket the client opened."""

    index: int
    ticket: str
    opened_at: float
    ws: web.WebSocketResponse = field(repr=False)
    open: bool = True
    pings: int = 0  # ping frames from the client (each answered with a pong)
    pongs: int = 0  # pong frames from the client (answers to ping())
    texts: list[dict] = field(default_factory=list)  # every JSON text message from the client


class FakeSocketMode(LoopServer):
    """The fake server and what it saw. Configure: issue_url (give it to FakeSlackApi.socket_mode_url).
    Act: push, slash_command, interactive, events_api, disconnect, ping. Wait: wait_connected,
    wait_ack, wait_closed, wait_until. Inspect: connections, envelopes, acks, ack_for, refused_tickets, errors."""

    def __init__(self, *, app_id: str = "A0XGOVAPP1", host: str = "applink-fake-1", build_number: int = 1,
                 approximate_connection_time: int = 18060):
        super().__init__()
        self.app_id = app_id
        self.host = host
        self.build_number = build_number
        self.approximate_connection_time = approximate_connection_time
        self.connections: list[Connection] = []
        self.envelopes: list[Envelope] = []
        self.acks: list[Ack] = []
        self.refused_tickets: list[str] = []  # connection attempts with an unknown or used ticket
        self.errors: list[Exception] = []  # bugs in the fake itself, or messages that are not JSON
        self._tickets: set[str] = set()
        self._sent_at: dict[str, float] = {}
        self._changed = threading.Condition()
        self._runner: web.AppRunner | None = None

    # -- lifecycle ------------------------------------------------------------------------
    title, thread_name = "the fake Socket Mode server", "fake-socket-mode"

    def _serve_forever(self, sock: socket.socket, ready: threading.Event) -> None:
        app = web.Application()
        app.router.add_get("/link/", self._link)
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        self._loop.run_until_complete(web.SockSite(self._runner, sock).start())
        ready.set()
        self._loop.run_forever()
        self._loop.close()

    def stop(self) -> None:
        """Close every socket (a close frame, as Slack's servers send) and stop the server."""
        if self._thread is None:
            return

        async def shutdown() -> None:
            for connection in list(self.connections):
                if not connection.ws.closed:
                    await connection.ws.close()
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        super().stop()

    # -- what apps.connections.open hands out ---------------------------------------------------
    def issue_url(self) -> str:
        """A ws:// URL with a new single-use ticket, shaped like Slack's wss://…/link/?ticket=…&app_id=…"""
        ticket = str(uuid.uuid4())
        with self._changed:
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    # -- acting as Slack ------------------------------------------------------------------------
    def push(self, kind: str, payload: dict, *, accepts_response_payload: bool = False,
             retry_attempt: int | None = None, retry_reason: str | None = None,
             envelope_id: str | None = None) -> str:
        """Send an envelope on the newest open connection; its envelope_id."""
        if kind not in ENVELOPE_TYPES:
            raise ValueError(f"Socket Mode envelopes are {ENVELOPE_TYPES}, not {kind!r}")
        envelope_id = envelope_id or f"{uuid.uuid4()}"
        message: dict[str, Any] = {"envelope_id": envelope_id, "payload": payload, "type": kind,
                                   "accepts_response_payload": accepts_response_payload}
        if retry_attempt is not None:
            message["retry_attempt"] = retry_attempt
            message["retry_reason"] = retry_reason or ""
        connection = self._current()
        with self._changed:
            sent_at = time.monotonic()
            self._sent_at[envelope_id] = sent_at
            self.envelopes.append(Envelope(envelope_id, message, connection.index, sent_at))
        self._send(connection, json.dumps(message))
        return envelope_id

    def slash_command(self, payload: dict) -> str:
        """payload: the fields Slack would POST for the command (command, text, user_id, trigger_id, ...)."""
        return self.push("slash_commands", payload, accepts_response_payload=True)

    def interactive(self, payload: dict) -> str:
        """payload: what Slack would POST as `payload=` (block_actions, view_submission, shortcut, ...)."""
        return self.push("interactive", payload,
                         accepts_response_payload=payload.get("type") in ANSWERABLE_INTERACTIONS)

    def events_api(self, payload: dict, *, retry_attempt: int = 0, retry_reason: str = "") -> str:
        """payload: the event_callback body Slack would POST; a redelivery has retry_attempt > 0."""
        return self.push("events_api", payload, retry_attempt=retry_attempt, retry_reason=retry_reason)

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to move to a new connection (it calls apps.connections.open again)."""
        self._send(self._current(), json.dumps({"type": "disconnect", "reason": reason,
                                                "debug_info": {"host": self.host}}))

    def ping(self, data: bytes = b"fake-slack", *, connection: int | None = None) -> None:
        """A ping frame, as Slack's servers send now and then, on the newest open connection (or the
        one given); the client should answer with a pong."""
        target = self._current() if connection is None else self.connections[connection]
        asyncio.run_coroutine_threadsafe(target.ws.ping(data), self._loop).result(5)

    # -- waiting ----------------------------------------------------------------------------
    def wait_connected(self, count: int = 1, timeout: float = 5) -> Connection:
        """Until `count` connections have been opened and the newest is open; that connection."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.connections) >= count and self.connections[-1].open,
                                          timeout):
                raise AssertionError(f"expected connection number {count}; connections: {self.connections}, "
                                     f"refused tickets: {self.refused_tickets}, errors: {self.errors}")
            return self.connections[-1]

    def wait_ack(self, envelope_id: str, timeout: float = 5) -> Ack:
        with self._changed:
            if not self._changed.wait_for(lambda: self._ack(envelope_id) is not None, timeout):
                raise AssertionError(f"no ack for envelope {envelope_id} within {timeout} s; "
                                     f"acks: {[a.envelope_id for a in self.acks]}, errors: {self.errors}")
            return self._ack(envelope_id)

    def wait_closed(self, index: int, timeout: float = 5) -> None:
        self.wait_until(lambda fake: not fake.connections[index].open, f"connection {index} to close", timeout)

    def wait_until(self, condition: Callable[[FakeSocketMode], bool], what: str, timeout: float = 5) -> None:
        """Until condition(self) holds (checked under the lock at every change), e.g. a pong arrived."""
        with self._changed:
            if not self._changed.wait_for(lambda: condition(self), timeout):
                raise AssertionError(f"waited {timeout} s for {what}; connections: {self.connections}")

    # -- what happened ----------------------------------------------------------------------
    def ack_for(self, envelope_id: str) -> Ack | None:
        with self._changed:
            return self._ack(envelope_id)

    def acks_for(self, envelope_id: str) -> list[Ack]:
        with self._changed:
            return [a for a in self.acks if a.envelope_id == envelope_id]

    def open_connections(self) -> list[Connection]:
        with self._changed:
            return [c for c in self.connections if c.open]

    # -- serving ------------------------------------------------------------------------------
    def _ack(self, envelope_id: str) -> Ack | None:
        return next((a for a in self.acks if a.envelope_id == envelope_id), None)

    def _current(self) -> Connection:
        with self._changed:
            for connection in reversed(self.connections):
                if connection.open:
                    return connection
        raise AssertionError("no client is connected to the fake Socket Mode server")

    def _send(self, connection: Connection, text: str) -> None:
        asyncio.run_coroutine_threadsafe(connection.ws.send_str(text), self._loop).result(5)

    def _hello(self) -> dict:
        return {"type": "hello", "num_connections": len([c for c in self.connections if c.open]),
                "debug_info": {"host": self.host, "build_number": self.build_number,
                               "approximate_connection_time": self.approximate_connection_time},
                "connection_info": {"app_id": self.app_id}}

    async def _link(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        with self._changed:
            known = ticket in self._tickets
            self._tickets.discard(ticket)
            if not known:
                self.refused_tickets.append(ticket)
                self._changed.notify_all()
        if not known:
            return web.Response(status=401, text="invalid_ticket")
        ws = web.WebSocketResponse(autoping=False, compress=False)
        await ws.prepare(request)
        with self._changed:
            connection = Connection(index=len(self.connections), ticket=ticket, opened_at=time.monotonic(), ws=ws)
            self.connections.append(connection)
            hello = json.dumps(self._hello())
        await ws.send_str(hello)
        with self._changed:
            self._changed.notify_all()
        try:
            while True:
                message = await ws.receive()
                if message.type == WSMsgType.TEXT:
                    self._received(connection, message.data)
                elif message.type == WSMsgType.PING:
                    with self._changed:
                        connection.pings += 1
                    await ws.pong(message.data)
                elif message.type == WSMsgType.PONG:
                    with self._changed:
                        connection.pongs += 1
                        self._changed.notify_all()
                elif message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                    break
        finally:
            if not ws.closed:
                await ws.close()
            with self._changed:
                connection.open = False
                self._changed.notify_all()
        return ws

    def _received(self, connection: Connection, text: str) -> None:
        now = time.monotonic()
        try:
            message = json.loads(text)
        except ValueError as problem:
            with self._changed:
                self.errors.append(problem)
            return
        with self._changed:
            connection.texts.append(message)
            envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
            if envelope_id:
                sent_at = self._sent_at.get(envelope_id)
                self.acks.append(Ack(envelope_id, message.get("payload"), message, connection.index,
                                     now - sent_at if sent_at is not None else float("inf")))
            self._changed.notify_all()
