"""Scheduled jobs on a simulated clock: each slot runs once, missed slots run once (the latest),
people are written to in their working hours, ageing assignments nudge and escalate once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.scheduler import Scheduler, latest_slot, next_slot
from bot.flows import surveying
from bot.scheduling.rules import MonthlyFirst, Weekly
from bot.services import channels, survey_schedules, survey_waves
from storage.models import OutboxMessage, SurveyWave
from tests.test_survey_answering import answer_pulse
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OWNER, World

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)  # 09:00 in Warsaw


@pytest.fixture
def world(database_url):
    """An installation whose scheduler first ran on MONDAY, 08:00 UTC (so its slots from then on count)."""
    world = World(database_url, MONDAY)
    world.scheduler = Scheduler(world.bot, process_id="test-leader", clock=world.clock)
    assert world.scheduler.began() == MONDAY
    return world


def posts(world, channel: str) -> list:
    return [d for d in world.port.deliveries_for("#" + channel) if d.kind == "channel"]


def reminders(world, email: str) -> int:
    return sum(1 for d in world.port.deliveries_for(email)
               if d.kind == "dm" and d.message.header.startswith(("Reminder", "Przypomnienie")))


def at(world, moment: datetime) -> None:
    world.clock.set(moment)


def test_each_channel_gets_its_digest_at_its_own_day_hour_and_zone_once(world):
    with world.db.unit_of_work() as session:
        channels.set_channel(session=session, name="gov-pl", locale="pl", now=MONDAY, weekday="fri", hour=15,
                             timezone="Europe/Warsaw")
        channels.set_channel(session=session, name="gov-us", locale="en", now=MONDAY, weekday="fri", hour=15,
                             timezone="America/New_York")
    at(world, datetime(2026, 3, 6, 14, 1, tzinfo=timezone.utc))  # 15:01 in Warsaw, 09:01 in New York
    world.scheduler.catch_up()
    world.scheduler.catch_up()  # asked again (a restart, a second leader): nothing more
    assert len(posts(world, "gov-pl")) == 1 and "2026-W09" in posts(world, "gov-pl")[0].message.header
    assert posts(world, "gov-us") == []  # its Friday 15:00 has not come yet in New York
    at(world, datetime(2026, 3, 6, 20, 1, tzinfo=timezone.utc))
    world.scheduler.catch_up()
    assert len(posts(world, "gov-us")) == 1 and len(posts(world, "gov-pl")) == 1


def test_a_digest_missed_for_three_weeks_is_posted_once_for_the_latest_week(world):
    with world.db.unit_of_work() as session:
        channels.set_channel(session=session, name="governance", locale="en", now=MONDAY, weekday="mon", hour=9,
                             timezone="Europe/Warsaw")
    at(world, MONDAY + timedelta(minutes=1))
    world.scheduler.catch_up()
    assert len(posts(world, "governance")) == 1
    at(world, MONDAY + timedelta(weeks=3, hours=5))  # down for three Mondays
    world.scheduler.catch_up()
    world.scheduler.catch_up()
    digests = posts(world, "governance")
    assert len(digests) == 2 and "2026-W12" in digests[-1].message.header


def test_survey_reminders_reach_only_people_who_have_not_answered_within_working_hours(world):
    def send(turn):
        wave_id, emails = survey_waves.send_wave(session=turn.session, key="employee-pulse", audience="everyone",
                                                 now=turn.now,
                                                 days=7, k=5, max_reminders=2)
        surveying.invite(turn, wave_id, emails)
        return wave_id

    with world.db.unit_of_work() as session:
        survey_waves.ensure_builtin_surveys(session=session, now=MONDAY)
    wave_id = world.bot.run_job(send)
    answer_pulse(world, EMPLOYEE_EN)
    first, second = MONDAY + timedelta(days=7) / 3, MONDAY + timedelta(days=7) * 2 / 3
    assert second.weekday() == 5 and second.hour == 0  # Saturday, 01:00 in Warsaw: night and weekend

    at(world, first + timedelta(minutes=1))  # Wednesday 16:01 UTC
    world.scheduler.catch_up()
    assert [reminders(world, email) for email in (ADMIN, OWNER, EMPLOYEE, EMPLOYEE_EN)] == [1, 1, 1, 0]

    at(world, second + timedelta(minutes=1))
    world.scheduler.catch_up()
    with world.db.unit_of_work() as session:
        waiting = session.scalars(select(OutboxMessage.not_before).where(OutboxMessage.status == "pending")).all()
    monday_morning = datetime(2026, 3, 9, 7, 0, tzinfo=timezone.utc)  # 08:00 in Warsaw, the quiet hours' end
    assert len(waiting) == 4 and set(waiting) == {monday_morning}
    assert world.bot.sender.send_due() == 0  # not yet
    at(world, monday_morning)
    assert world.bot.sender.send_due() == 4

    at(world, MONDAY + timedelta(days=7, minutes=1))
    world.scheduler.catch_up()
    with world.db.unit_of_work() as session:
        assert session.get(SurveyWave, wave_id).closed_at is not None
    assert [d.key.split("@")[0] for d in posts(world, "governance") if d.key.startswith("wave:")] == ["wave:1:close"]


def test_an_owner_is_nudged_once_and_an_overdue_assignment_is_escalated_once(world):
    world.say(EMPLOYEE_EN, "/friction refunds need three signatures")
    world.say(ADMIN, "/xgov assign F-1 P-1")
    for days in (1, 3, 4, 15, 16):
        at(world, MONDAY.replace(hour=8) + timedelta(days=days, minutes=1))
        world.scheduler.catch_up()
    nudges = [d for d in world.port.deliveries_for(OWNER) if d.kind == "dm" and "F-1" in d.message.header
              and "Still waiting" in d.message.header]
    escalations = [d for d in posts(world, "governance") if d.message.header.startswith("Overdue")
                   or d.message.header.startswith("Po terminie")]
    assert len(nudges) == 1 and len(escalations) == 1


def test_a_scheduled_survey_opens_a_wave_every_other_week_and_a_refusal_is_told_once(world):
    with world.db.unit_of_work() as session:
        survey_waves.ensure_builtin_surveys(session=session, now=MONDAY)
        survey_schedules.add_schedule(session=session, key="employee-pulse", cadence="biweekly", weekday="tue", hour=10,
                                      timezone="Europe/Warsaw", audience="everyone", unit=None, window_days=3, k=5,
                                      max_reminders=0, now=MONDAY)
        survey_schedules.add_schedule(session=session, key="conditions-pulse", cadence="weekly", weekday="tue",
                                      hour=10, timezone="Europe/Warsaw", audience="managers", unit=None,
                                      window_days=3, k=5, max_reminders=0, now=MONDAY)
    for week in range(4):
        at(world, MONDAY + timedelta(weeks=week, days=1, hours=1, minutes=5))  # Tuesdays 10:05 in Warsaw
        world.scheduler.catch_up()
    with world.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(SurveyWave)) == 2  # weeks 0 and 2
    refusals = [d for d in posts(world, "governance") if "scheduled job" in d.message.header]
    assert len(refusals) == 4  # one per weekly slot: one manager is fewer than k = 5, said each time, never retried


def test_rules_give_the_slots_a_person_expects():
    tuesday_10 = Weekly(1, 10, "Europe/Warsaw")
    now = datetime(2026, 3, 31, 12, 0, tzinfo=timezone.utc)  # a Tuesday, after DST began (UTC+2)
    assert latest_slot(tuesday_10, now, timedelta(days=7)) == datetime(2026, 3, 31, 8, 0, tzinfo=timezone.utc)
    assert next_slot(tuesday_10, now) == datetime(2026, 4, 7, 8, 0, tzinfo=timezone.utc)
    quarterly = MonthlyFirst(0, 9, "Europe/Warsaw", (1, 4, 7, 10))
    assert next_slot(quarterly, now) == datetime(2026, 4, 6, 7, 0, tzinfo=timezone.utc)  # first Monday of April


def test_a_wave_that_closes_while_the_leader_starts_still_closes(world):
    """The leader catches up, then tells APScheduler of the jobs ahead. A wave whose close falls between the
    two (seen once on a busy machine) was neither caught up nor ahead, and stayed open for good."""
    with world.db.unit_of_work() as session:
        survey_waves.ensure_builtin_surveys(session=session, now=MONDAY)
        channels.set_channel(session=session, name="governance", locale="en", now=MONDAY, weekday="mon", hour=9)
        wave_id, _emails = survey_waves.send_wave(session=session, key="employee-pulse", audience="everyone",
                                                  now=MONDAY, days=7, k=5, max_reminders=0)
        session.get(SurveyWave, wave_id).closes_at = MONDAY + timedelta(hours=2)
    at(world, MONDAY + timedelta(hours=2) - timedelta(seconds=1))
    catch_up = world.scheduler.catch_up

    def catch_up_then_the_close_passes() -> int:
        ran = catch_up()
        at(world, MONDAY + timedelta(hours=2, seconds=1))
        return ran

    world.scheduler.catch_up = catch_up_then_the_close_passes
    world.scheduler.start()
    try:
        with world.db.unit_of_work() as session:
            assert session.get(SurveyWave, wave_id).closed_at is not None
        assert [d.key.split("@")[0] for d in posts(world, "governance") if d.key.startswith("wave:")] == ["wave:1:close"]
        world.scheduler.refresh()  # the next look runs nothing twice
        assert len([d for d in posts(world, "governance") if d.key.startswith("wave:")]) == 1
    finally:
        world.scheduler.stop()
