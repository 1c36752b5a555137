"""The outbox sender in the background: every row once, one recipient's rows in order, a fan-out's
progress in the log, and nothing decided by a refused action."""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, update

from adapters.console.port import ConsolePort
from bot.app import XgovBot
from bot.clock import SimulatedClock
from bot.config import Settings
from bot.messages import Message
from bot.outbox import store
from bot.outbox.processes import new_process_id
from bot.outbox.sender import OutboxSender
from storage.db import Database
from storage.models import OutboxMessage

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def test_background_sender_sends_each_row_once_in_order_per_recipient_and_logs_progress(database_url, caplog):
    db, port = Database(database_url), ConsolePort()
    clock = SimulatedClock(NOW)
    bot = XgovBot(db=db, port=None, settings=Settings(database_url=database_url), clock=clock)

    def fan_out(turn):
        for n in range(3):
            for person in range(40):
                turn.tell(f"p{person}@example.pl", lambda _, n=n: Message(text=f"message {n}"))

    bot.run_job(fan_out, batch="pulse:1")  # no port: queued only, as `xgov survey send` does for Slack
    clock.advance(store.FRESH_FOR)
    sender = OutboxSender(db, {"console": port}, process_id=new_process_id(), clock=clock, threads=4,
                          poll_seconds=0.05, progress_seconds=0)
    caplog.set_level(logging.INFO, logger="xgov.outbox")
    sender.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with db.unit_of_work() as session:
                if store.batch_counts(session=session, batch="pulse:1") == {"sent": 120}:
                    break
            time.sleep(0.05)
        sender.progress.report(force=True)
    finally:
        sender.stop()
    for person in range(40):
        texts = [d.message.text for d in port.deliveries_for(f"p{person}@example.pl")]
        assert texts == ["message 0", "message 1", "message 2"]
    assert any("fan-out pulse:1: 120 / 120 sent, 0 not deliverable" in r.getMessage() for r in caplog.records)


def test_a_refused_action_leaves_no_row_and_a_repeated_key_is_stored_once(database_url):
    db = Database(database_url)
    bot = XgovBot(db=db, port=None, settings=Settings(database_url=database_url), clock=SimulatedClock(NOW))

    def refused(turn):
        turn.post_to_governance(lambda _: Message(text="never"))
        raise RuntimeError("the job failed after deciding a message")

    with pytest.raises(RuntimeError):
        bot.run_job(refused)
    for _ in range(2):  # the same slot's job run twice: its keys are the same
        bot.run_job(lambda turn: turn.post_to_governance(lambda _: Message(text="digest")), batch="digest@W09")
    with db.unit_of_work() as session:
        assert session.scalars(select(OutboxMessage.payload)).all() == [
            '{"text": "digest", "header": "", "fields": [], "choices": null, "buttons": [], "image": null, '
            '"context": ""}']


def test_two_claimers_reading_the_same_rows_never_both_take_one(database_url):
    """The drain reads the rows while a turn's own claim is still uncommitted (pysqlite reads outside
    the write transaction): the claim is conditional on what was read, so each row has one sender."""
    import threading
    from datetime import timedelta

    db = Database(database_url)
    old = NOW - timedelta(seconds=10)
    with db.unit_of_work() as session:
        ids = sorted(store.insert(session=session, platform="slack", batch="b", now=old, items=[
            store.Outgoing(f"k{i}", store.USER, f"p{i}@example.pl", "{}", old) for i in range(5)]).values())
    first_claimed, second_tried, got = threading.Event(), threading.Event(), {}

    def first() -> None:
        with db.unit_of_work() as session:
            got["first"] = [r.id for r in store.claim_ids(session=session, ids=ids, process="a", now=NOW)]
            first_claimed.set()
            second_tried.wait(2)  # commits only after the second has read and tried

    def second() -> None:
        first_claimed.wait(5)
        threading.Timer(0.3, second_tried.set).start()
        try:
            with db.unit_of_work() as session:
                got["second"] = [r.id for r in store.claim_due(session=session, platforms=("slack",),
                                                                 process="b", now=NOW, limit=64)]
        except Exception:  # noqa: BLE001 - PostgreSQL: the rows are locked, SKIP LOCKED skips them
            got["second"] = []

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert got["first"] == ids and got["second"] == []


def test_a_message_to_many_goes_in_each_persons_language_and_waits_for_their_working_hours(database_url):
    """turn.tell_each, as a survey's invitations use it: one directory query for everyone; a job's
    messages wait for each person's working hours in their own time zone."""
    from bot.services.directory import add_person
    from storage.models import Person

    db = Database(database_url)
    sunday_night = datetime(2026, 3, 2, 3, 0, tzinfo=timezone.utc)  # Mon 04:00 in Warsaw, Sun 22:00 in New York
    with db.unit_of_work() as session:
        for email, locale, zone in (("ola@example.pl", "pl", "Europe/Warsaw"),
                                    ("tom@example.com", "en", "America/New_York")):
            add_person(session=session, email=email, name=email.split("@")[0], locale=locale)
            session.execute(update(Person).where(Person.email == email).values(timezone=zone))
    settings = Settings(database_url=database_url, default_locale="pl", timezone="Europe/Warsaw")
    bot = XgovBot(db=db, port=None, settings=settings, clock=SimulatedClock(sunday_night))
    bot.run_job(lambda turn: turn.tell_each(["OLA@example.pl", "tom@example.com", "nowy@example.pl"],
                                            lambda _: Message(text=_("(optional)"))), batch="many", scheduled=True)
    with db.unit_of_work() as session:
        rows = {row.target: (row.not_before, json.loads(row.payload)["text"])
                for row in session.scalars(select(OutboxMessage).where(OutboxMessage.batch == "many"))}
    assert rows == {
        "OLA@example.pl": (datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc), "(nieobowiązkowe)"),  # 08:00 in Warsaw
        "tom@example.com": (datetime(2026, 3, 2, 13, 0, tzinfo=timezone.utc), "(optional)"),  # Mon 08:00 in New York
        "nowy@example.pl": (datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc), "(nieobowiązkowe)"),  # the workspace's zone
    }
