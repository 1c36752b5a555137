"""Socket Mode: Slack sends the same requests over a WebSocket the bot opens (no public URL needed).

slack_sdk's built-in client asks apps.connections.open (with the app-level token) for the socket's
address, reconnects by itself and answers each envelope with the listener's ack.
"""
from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler


def start_socket_mode(app: App, app_token: str) -> SocketModeHandler:
    """Connect in the background; the caller keeps serving its web server (dashboard, health)."""
    handler = SocketModeHandler(app, app_token)
    handler.connect()
    return handler
