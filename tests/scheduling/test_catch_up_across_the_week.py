"""What the scheduler's start-up catches up depends on the instant it starts and on when each job began
to exist, never on the day the tests run: every instant here is simulated."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.scheduler import Scheduler
from bot.services import channels, survey_schedules, survey_waves
from storage.models import OutboxMessage, ScheduledRun
from tests.world import World

UTC = timezone.utc
JOBS = ("digest:governance", "owners-weekly", "daily-ageing")  # the default channel's digest: Mondays 09:00 Warsaw

# instant (UTC) -> the slots a three-week-old installation, down since, catches up at start (hand-worked:
# digest window 6 days, owners' list 2 days, daily ageing 20 hours; 09:00 in Warsaw is 08:00 UTC in winter,
# 07:00 UTC in summer)
INSTANTS = {
    "Monday 07:59": (datetime(2026, 3, 2, 7, 59, tzinfo=UTC), {}),
    "Monday 08:01": (datetime(2026, 3, 2, 8, 1, tzinfo=UTC), {
        job: datetime(2026, 3, 2, 8, 0, tzinfo=UTC) for job in JOBS}),
    "Wednesday": (datetime(2026, 3, 4, 12, 0, tzinfo=UTC), {
        "digest:governance": datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        "daily-ageing": datetime(2026, 3, 4, 8, 0, tzinfo=UTC)}),
    "Sunday 23:59": (datetime(2026, 3, 8, 23, 59, tzinfo=UTC), {
        "daily-ageing": datetime(2026, 3, 8, 8, 0, tzinfo=UTC)}),
    "Monday after DST began, 08:59 Warsaw": (datetime(2026, 3, 30, 6, 59, tzinfo=UTC), {}),
    "Monday after DST began, 09:01 Warsaw": (datetime(2026, 3, 30, 7, 1, tzinfo=UTC), {
        job: datetime(2026, 3, 30, 7, 0, tzinfo=UTC) for job in JOBS}),
    "Monday after DST ended, 08:59 Warsaw": (datetime(2026, 10, 26, 7, 59, tzinfo=UTC), {}),
    "Monday after DST ended, 09:01 Warsaw": (datetime(2026, 10, 26, 8, 1, tzinfo=UTC), {
        job: datetime(2026, 10, 26, 8, 0, tzinfo=UTC) for job in JOBS}),
}


def start_scheduler_at(url: str, instant: datetime, *, installed: datetime) -> tuple[World, int]:
    world = World(url, installed)
    scheduler = Scheduler(world.bot, process_id="leader", clock=world.clock)
    assert scheduler.began() == installed  # the first leader's start is recorded once
    world.clock.set(instant)
    return world, scheduler.catch_up()


def runs(world: World) -> dict[str, datetime]:
    with world.db.unit_of_work() as session:
        return {job: slot for job, slot in session.execute(select(ScheduledRun.job, ScheduledRun.slot))}


@pytest.mark.parametrize("name", list(INSTANTS))
def test_an_installation_down_for_weeks_catches_up_the_latest_slot_of_each_job_in_its_window(sqlite_url, name):
    instant, expected = INSTANTS[name]
    world, ran = start_scheduler_at(sqlite_url, instant, installed=instant - timedelta(weeks=3))
    assert runs(world) == expected and ran == len(expected)
    digests = [d for d in world.port.deliveries_for("#governance") if d.message.header.startswith("Governance digest")]
    assert len(digests) == ("digest:governance" in expected)


@pytest.mark.parametrize("name", list(INSTANTS))
def test_a_new_installation_catches_up_nothing_and_says_what_it_skipped(sqlite_url, name, caplog):
    instant, expected = INSTANTS[name]
    with caplog.at_level(logging.INFO, logger="xgov.scheduler"):
        world, ran = start_scheduler_at(sqlite_url, instant, installed=instant)
    assert ran == 0 and runs(world) == {}
    with world.db.unit_of_work() as session:
        assert session.scalars(select(OutboxMessage.id)).all() == []  # no digest, no list, nothing queued
    skipped = [r.getMessage() for r in caplog.records if r.getMessage().startswith("skipped")]
    assert len(skipped) == len(expected)
    if "digest:governance" in expected:
        assert any(m.startswith("skipped the weekly digest to #governance for ") and "before xgov first scheduled"
                   in m for m in skipped)


def test_a_channel_or_schedule_set_up_after_its_slot_waits_for_the_next_slot(sqlite_url, caplog):
    monday_0801 = datetime(2026, 3, 2, 8, 1, tzinfo=UTC)  # the 08:00 UTC slots have just passed
    world = World(sqlite_url, monday_0801 - timedelta(weeks=3))
    scheduler = Scheduler(world.bot, process_id="leader", clock=world.clock)
    scheduler.began()
    with world.db.unit_of_work() as session:
        survey_waves.ensure_builtin_surveys(session=session, now=world.clock())
        for name, created in (("gov-early", monday_0801 - timedelta(hours=1)), ("gov-late", monday_0801)):
            channels.set_channel(session=session, name=name, locale="en", now=created, weekday="mon", hour=9)
        survey_schedules.add_schedule(session=session, key="employee-pulse", cadence="weekly", weekday="mon",
                                      hour=9, timezone="Europe/Warsaw", audience="everyone", unit=None,
                                      window_days=3, k=5, max_reminders=0, now=monday_0801)
    world.clock.set(monday_0801)
    with caplog.at_level(logging.INFO, logger="xgov.scheduler"):
        scheduler.catch_up()
    done = runs(world)
    assert "digest:gov-early" in done and "digest:gov-late" not in done
    assert not any(job.startswith("survey-schedule:") for job in done)
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "#gov-late was set up (2026-03-02 08:01 UTC)" in said and "schedule 1 was created" in said

    world.clock.set(monday_0801 + timedelta(weeks=1))  # the next Monday: both channels, and the survey
    scheduler.catch_up()
    done = runs(world)
    assert done["digest:gov-late"] == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert done["survey-schedule:1"] == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
