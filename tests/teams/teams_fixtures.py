"""A Teams world for tests: the fake Bot Connector, a development-mode CloudAdapter on an event loop in
a background thread, references in a database, a TeamsPort, and what a recipient sees as plain text.

    world = TeamsWorld.start(sqlite_url, monkeypatch)   # anna@example.pl, olek@example.pl, #governance
    world.port.send_to_user("anna@example.pl", Message(text="hi"))
    assert world.seen_by("anna@example.pl") == ["hi"]
    world.stop()
"""
from __future__ import annotations

import asyncio
import re
import socket
import threading
from dataclasses import dataclass

from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from adapters.teams.cards import CONTENT_TYPE, SUBMIT_KEY
from adapters.teams.cards_text import WORD_JOINER
from adapters.teams.port import TeamsPort
from adapters.teams.references import ReferenceStore
from storage.db import Database
from fakes.bot_connector import FakeBotConnector, fake_member

BOT_ID = "28:xgov-development"
TENANT = FakeBotConnector.DEFAULT_TENANT
PEOPLE = {  # e-mail -> (Teams user id, personal conversation id)
    "anna@example.pl": ("29:1anna", "a:1anna-personal"),
    "olek@example.pl": ("29:1olek", "a:1olek-personal"),
}
GOVERNANCE = ("governance", "19:governance0xgov@thread.tacv2")


class DevelopmentConfig:
    """What app.py reads from TeamsSettings in development mode: no credentials, so no token."""

    APP_ID = APP_PASSWORD = APP_TYPE = APP_TENANTID = ""


def development_adapter() -> CloudAdapter:
    return CloudAdapter(ConfigurationBotFrameworkAuthentication(DevelopmentConfig()))


def forbid_outside_connections(monkeypatch) -> None:
    """Nothing may reach an outside host (login.microsoftonline.com, smba.trafficmanager.net, …): the
    guard of fakes/test_fake_bot_connector.py, as a function for harnesses."""
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo
    local = ("127.0.0.1", "localhost", "::1")

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in local:
            raise AssertionError(f"outside connection attempted: {address}")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in local:
            raise AssertionError(f"outside name lookup attempted: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


class LoopThread:
    """An asyncio event loop running forever in a daemon thread (as the aiohttp app's loop would)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="teams-adapter-loop", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def start(self) -> LoopThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self.loop.shutdown_default_executor(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


def reference_to(service_url: str, conversation_id: str, user_id: str | None = None, *,
                 conversation_type: str = "personal") -> ConversationReference:
    """A reference as TurnContext.get_conversation_reference gives it for an incoming Teams activity."""
    return ConversationReference(
        channel_id="msteams", service_url=service_url, bot=ChannelAccount(id=BOT_ID, name="xgov"),
        user=ChannelAccount(id=user_id) if user_id else None,
        conversation=ConversationAccount(id=conversation_id, tenant_id=TENANT, conversation_type=conversation_type,
                                         is_group=conversation_type != "personal" or None))


def seed(fake: FakeBotConnector, store: ReferenceStore) -> None:
    """The two people's personal chats and the governance channel, in the fake and in the store."""
    for email, (user_id, conversation_id) in PEOPLE.items():
        fake.add_conversation(conversation_id, [fake_member(user_id, email.split("@")[0].title(), email)])
        store.save_person(email, reference_to(fake.service_url, conversation_id, user_id), user_id)
    name, conversation_id = GOVERNANCE
    fake.add_conversation(conversation_id, [fake_member(user_id, "x") for user_id, _ in PEOPLE.values()],
                          is_group=True)
    store.save_channel(name, reference_to(fake.service_url, conversation_id, conversation_type="channel"))


# --- what a recipient sees ------------------------------------------------------------------

_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation


def shown(text: str, markdown: bool = False) -> str:
    """A card string as Teams shows it: escapes undone, WORD JOINERs invisible, paragraphs as lines."""
    if markdown:
        text = _MARKDOWN_ESCAPE.sub(r"\1", text).replace("\n\n", "\n")
    return text.replace(WORD_JOINER, "")


def card_texts(node) -> list[str]:
    """Every text of an Adaptive Card (or part of one) in reading order; submit data is not shown."""
    if isinstance(node, list):
        return [text for item in node for text in card_texts(item)]
    if not isinstance(node, dict):
        return []
    kind = node.get("type", "")
    if kind == "TextBlock":
        return [shown(node.get("text", ""), markdown=True)]
    if kind == "FactSet":
        return [f"{shown(f['title'], True)}: {shown(f['value'], True)}" for f in node.get("facts", [])]
    if kind == "Image":
        return [f"[image: {shown(node.get('altText', ''))}]"]
    if kind.startswith("Action."):
        return [shown(node.get("title", ""))]
    found = [shown(node[key]) for key in ("label", "placeholder") if isinstance(node.get(key), str)]
    found += [shown(choice.get("title", "")) for choice in node.get("choices", []) if isinstance(choice, dict)]
    for key in ("body", "items", "columns", "actions"):
        found += card_texts(node.get(key))
    return found


def activity_text(activity: dict) -> str:
    parts = [activity["text"]] if activity.get("text") else []
    for attachment in activity.get("attachments") or []:
        if attachment.get("contentType") == CONTENT_TYPE:
            parts += card_texts(attachment.get("content"))
        elif str(attachment.get("contentType", "")).startswith("image/"):
            parts.append(f"[image: {attachment.get('name', '')}]")
    return "\n".join(parts)


def form_ids(activity: dict) -> list[str]:
    """The form ids of the form cards in an activity (their submit carries kind "form")."""
    found = []

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            ours = (node.get("data") or {}).get(SUBMIT_KEY) if node.get("type") == "Action.Submit" else None
            if isinstance(ours, dict) and ours.get("kind") == "form":
                found.append(ours.get("form_id"))
            for key in ("body", "items", "columns", "actions"):
                walk(node.get(key))

    for attachment in activity.get("attachments") or []:
        if attachment.get("contentType") == CONTENT_TYPE:
            walk(attachment.get("content"))
    return found


# --- the world ------------------------------------------------------------------------------

@dataclass
class TeamsWorld:
    fake: FakeBotConnector
    loop: LoopThread
    db: Database
    store: ReferenceStore
    port: TeamsPort

    @classmethod
    def start(cls, database_url: str, monkeypatch, **port_options) -> TeamsWorld:
        forbid_outside_connections(monkeypatch)
        fake = FakeBotConnector().start()
        loop = LoopThread().start()
        db = Database(database_url)
        store = ReferenceStore(db)
        seed(fake, store)
        port = TeamsPort(development_adapter(), "", store, loop.loop, **port_options)
        return cls(fake, loop, db, store, port)

    def stop(self) -> None:
        self.loop.stop()
        self.fake.stop()
        self.db.dispose()

    def conversation_of(self, target: str) -> str | None:
        """`target`: a person's e-mail or "#channel", as the ChatPort addresses them."""
        reference = self.store.channel(target[1:]) if target.startswith("#") else self.store.person(target)
        return reference.conversation.id if reference else None

    def seen_by(self, target: str) -> list[str]:
        """What `target` sees now, one plain text per message (updates applied)."""
        conversation = self.conversation_of(target)
        return [activity_text(a) for a in self.fake.current_activities(conversation)] if conversation else []

    def forms_opened_for(self, email: str) -> list[str]:
        conversation = self.conversation_of(email)
        if conversation is None:
            return []
        return [form_id for activity in self.fake.activities_in(conversation) for form_id in form_ids(activity)]
