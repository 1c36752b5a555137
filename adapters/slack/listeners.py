"""The bolt app: Slack's commands, shortcuts, clicks, modal submissions and events, to the neutral bot.

Slack wants an answer within 3 s. bolt runs with process_before_response=True, so each listener
runs in the thread that dispatches the request and its answer goes back as soon as it returns:
every listener acknowledges first and hands the request over by name and body ("command", body) to
the work after acks (adapters/slack/work.py), which runs in the worker process when served
(adapters/slack/worker.py). The acknowledgement never waits behind earlier requests' work (with
process_before_response=False bolt runs the whole listener, ack included, on its small listener
pool, and under load acks waited for a free thread: bench/slack_ack.py measured it).

A modal's submission is the one exception, and is handled in this process: the bot decides in the
database first (milliseconds), so that a refusal can be shown in the open modal instead of closing
it and losing what the person typed; its messages go out on this process's work pool. Who sent it
is looked up for at most LOOKUP_BUDGET; when Slack is slower (a 429 on users.info), the submission
is acknowledged first and handled after, like any other request.
"""
from __future__ import annotations

import re
from concurrent.futures import Executor
from typing import Callable

from slack_bolt import Ack, App, BoltRequest

from adapters.slack import inbound, ingress
from adapters.slack.actors import SlackActors
from adapters.slack.work import REQUEST_ID_KEY, AfterAck, Unfinished, log_failure
from bot.app import XgovBot
from bot.logs import new_request_id, request_scope

ANY = re.compile(".+")
COMMANDS = ("/friction", "/xgov")  # as in manifest.yml
EVENTS = ("app_home_opened", "message")  # message: message.im in manifest.yml
LOOKUP_BUDGET = 1.0  # seconds a modal's submission waits for users.info before acknowledging without it


class SlackListeners:
    def __init__(self, bot: XgovBot, actors: SlackActors, after_ack: AfterAck, executor: Executor) -> None:
        """`after_ack` takes the work of acknowledged requests; `executor` sends a modal submission's messages."""
        self.bot = bot
        self.actors = actors
        self.after_ack = after_ack
        self.executor = executor
        self.finishing = Unfinished()  # modal submissions whose messages are not sent yet

    def register(self, app: App) -> App:
        for command in COMMANDS:
            app.command(command)(self._acknowledged("command"))
        for callback_id in inbound.REPORT_SHORTCUTS:
            app.shortcut(callback_id)(self._acknowledged("report_shortcut"))
        app.block_action(ANY)(self._acknowledged("action"))  # Block Kit only: xgov sends no legacy attachments or dialogs
        app.view_submission(ANY)(self.on_view_submission)
        app.event("app_home_opened")(self._acknowledged("home_opened"))
        app.event("message")(self._acknowledged("message"))
        app.error(self.on_error)
        return app

    def _acknowledged(self, work: str) -> Callable:
        """A bolt listener that acknowledges and hands the body over for the work named `work`."""
        def listener(ack: Ack, body: dict, request: BoltRequest) -> None:
            ack()
            body = named(body, request)
            body[REQUEST_ID_KEY] = new_request_id()  # the worker's lines and outbox rows carry it (bot/logs.py)
            self.after_ack.submit(work, body)
        return listener

    # -- a modal's submission: decided before the ack ----------------------------------------------
    def on_view_submission(self, ack: Ack, body: dict, request: BoltRequest) -> None:
        body = named(body, request)
        body[REQUEST_ID_KEY] = new_request_id()
        with request_scope(body[REQUEST_ID_KEY]):
            self._submitted(ack, body)

    def _submitted(self, ack: Ack, body: dict) -> None:
        """Decided before the ack when the person is known within LOOKUP_BUDGET seconds (a refusal then
        shows in the modal); else acknowledged at once and handled after, as any other request (a
        users.info waiting out a 429 must not hold the ack past Slack's 3 s)."""
        actor = self._actor_in_time(body["user"]["id"])
        if actor is None:
            ack()
            self.after_ack.submit("form", body)
            return
        submission = inbound.form_submission(body, actor)
        prepared = self.bot.prepare(submission)
        block = prepared.refusal and inbound.refusal_block(body["view"], submission.values, prepared.refusal)
        if block:
            ack(response_action="errors", errors={block: prepared.refusal[:300]})
            self._finish_later(lambda: prepared.finish(refusal_shown=True), body)
            return
        ack()
        self._finish_later(prepared.finish, body)

    def _actor_in_time(self, user_id: str):
        known = self.actors.known(user_id)
        if known is not None:
            return known
        lookup = self.executor.submit(self.actors.actor, user_id)
        try:
            return lookup.result(timeout=LOOKUP_BUDGET)
        except Exception:  # noqa: BLE001 - too slow, or not a person: the work after the ack deals with it
            return None

    def _finish_later(self, finish: Callable[[], None], body: dict) -> None:
        self.finishing.add()
        self.executor.submit(self._finish, finish, body)

    def _finish(self, finish: Callable[[], None], body: dict) -> None:
        try:
            with request_scope(body.get(REQUEST_ID_KEY)):
                finish()
        except Exception as error:  # noqa: BLE001 - logged as bolt logs a failed listener
            log_failure(error, body)
        finally:
            self.finishing.done()

    def on_error(self, error: Exception, body: dict) -> None:
        log_failure(error, body)


def named(body: dict, request: BoltRequest) -> dict:
    """The body with its delivery's name (a signed request's signature; Socket Mode: none), so that the
    bot takes an identical request once (adapters/slack/ingress.py)."""
    signature = (request.headers.get("x-slack-signature") or [""])[0]
    return {**body, ingress.DELIVERY_KEY: ingress.delivery_id(signature)} if signature else body
