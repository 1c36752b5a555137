"""Benchmark helpers in processes of their own (a fake platform, a server under test), talked to over
a pipe with (command, *args) tuples: their CPU and GIL stay apart from what is measured."""
from __future__ import annotations

import multiprocessing
import traceback

START_TIMEOUT = 60.0
SPAWN = multiprocessing.get_context("spawn")


class Child:
    """A spawned process that answers (command, *args) tuples over a pipe."""

    def __init__(self, context, target, *args, daemon: bool = True) -> None:
        """daemon=False for a child that starts processes of its own (xgov's worker process)."""
        self.name = target.__name__
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(target=target, args=(child_conn, *args), daemon=daemon)
        self.process.start()
        child_conn.close()
        self.info = None

    def ready(self) -> "Child":
        """Wait for the child's ("ready", info); a child that fails to start is stopped and said so."""
        if not self.conn.poll(START_TIMEOUT):
            self.stop()
            raise RuntimeError(f"{self.name} did not start")
        kind, value = self.conn.recv()
        if kind != "ready":
            self.stop()
            raise RuntimeError(f"{self.name} failed to start:\n{value}")
        self.info = value
        return self

    def call(self, command: str, *args):
        self.conn.send((command, *args))
        kind, value = self.conn.recv()
        if kind == "error":
            raise RuntimeError(f"{self.name} {command}: {value}")
        return value

    def stop(self) -> None:
        if self.process.is_alive():
            try:
                self.call("stop")
            except (EOFError, OSError, RuntimeError):
                pass  # already gone: terminated below if not
            self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)

    def __enter__(self) -> "Child":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def answer_commands(conn, handlers: dict) -> None:
    """In the child: until "stop", or until the benchmark's process is gone (then stop all the same:
    no orphans)."""
    while True:
        try:
            command, *args = conn.recv()
        except (EOFError, OSError):
            handlers["stop"]()
            return
        try:
            conn.send(("ok", handlers[command](*args)))
        except Exception:  # noqa: BLE001 - reported to the parent
            conn.send(("error", traceback.format_exc()))
        if command == "stop":
            return
