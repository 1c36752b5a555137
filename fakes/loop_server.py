"""What every fake server shares: a free port on 127.0.0.1, an asyncio loop in a thread of its own,
start (waiting until it serves), stop, and use as a context manager."""
from __future__ import annotations

import asyncio
import socket
import threading
from abc import ABC, abstractmethod


class LoopServer(ABC):
    """Subclasses serve from `_serve_forever(sock, ready)` on `self._loop`, set `ready` once they serve,
    and return when the loop stops; `_bound()` runs once the port is known, before serving."""

    title = "the fake server"  # for the error when it does not start
    thread_name = "fake"

    def __init__(self) -> None:
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._bound()
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(sock, ready), name=f"{self.thread_name}-{self.port}",
                                        daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError(f"{self.title} did not start")
        return self

    def _bound(self) -> None:
        """Anything that needs the port (URLs handed out), before the first request."""

    def _run(self, sock: socket.socket, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._serve_forever(sock, ready)

    @abstractmethod
    def _serve_forever(self, sock: socket.socket, ready: threading.Event) -> None:
        """Serve on `sock` from `self._loop`, set `ready` once serving, return when the loop stops."""

    def stop(self) -> None:
        if self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
