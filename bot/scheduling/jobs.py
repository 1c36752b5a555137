"""The jobs, read from the database: each governance channel's digest, the owners' weekly list, the
daily nudges and escalations, survey cadences, each open wave's reminders and its closing, and
housekeeping. A job's work gets a turn (its messages go to the outbox) and the slot it runs for."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.digest.period import last_complete_week
from bot.errors import N_
from bot.flows import surveying
from bot.flows.digest import post_digest, send_pending_reminders
from bot.scheduling import ageing, runs
from bot.scheduling.rules import At, Daily, Every, MonthlyFirst, Rule, Weekly
from bot.services import retention, survey_waves
from bot.services.channels import governance_channels
from bot.services.quiet_hours import working_time
from bot.turn import Turn
from storage.models import SurveyRecord, SurveySchedule, SurveyWave

Work = Callable[[Turn, datetime], None]


@dataclass(frozen=True)
class Origin:
    """What made a job exist, and when: no slot before it is ever caught up."""

    what: str  # for the log, in English
    at: datetime


@dataclass(frozen=True)
class JobSpec:
    id: str
    title: tuple[str, dict]  # msgid and parameters: logs in English, refusals in the channel's language
    rule: Rule
    work: Work
    catch_up: timedelta | None  # a slot missed by at most this much runs once when the scheduler starts
    origin: Origin | None = None  # None: the job exists since the installation began to schedule


def job_specs(*, session: Session, settings: Settings, now: datetime) -> list[JobSpec]:
    specs = [
        JobSpec("owners-weekly", (N_("the owners' weekly list of pending assignments"), {}),
                Weekly(0, settings.daily_hour, settings.timezone), _owners_weekly, timedelta(days=2)),
        JobSpec("daily-ageing", (N_("the daily nudges to owners and escalations of overdue items"), {}),
                Daily(settings.daily_hour, settings.timezone), _daily_ageing, timedelta(hours=20)),
        JobSpec("housekeeping", (N_("housekeeping"), {}), Every(60), _housekeeping, None),
    ]
    for channel in governance_channels(session=session, settings=settings):
        specs.append(JobSpec(f"digest:{channel.name}", (N_("the weekly digest to #{channel}"), {"channel": channel.name}),
                             Weekly(channel.digest_weekday, channel.digest_hour, channel.timezone),
                             partial(_digest, channel.name), timedelta(days=6),
                             Origin(f"#{channel.name} was set up", channel.created_at) if channel.created_at else None))
    for schedule, key in session.execute(select(SurveySchedule, SurveyRecord.key)
                                         .join(SurveyRecord, SurveyRecord.id == SurveySchedule.survey_id)):
        specs.append(JobSpec(f"survey-schedule:{schedule.id}",
                             (N_("survey {survey}, {cadence}"), {"survey": key, "cadence": schedule.cadence}),
                             cadence_rule(schedule), partial(_scheduled_survey, schedule.id),
                             timedelta(days=max(schedule.window_days - 1, 0), hours=12),
                             Origin(f"schedule {schedule.id} was created", schedule.created_at)))
    for wave in session.scalars(select(SurveyWave).where(SurveyWave.closed_at.is_(None))):
        specs.extend(_wave_jobs(wave))
    return specs


def cadence_rule(schedule: SurveySchedule) -> Rule:
    if schedule.cadence in ("weekly", "biweekly"):
        anchor = schedule.created_at.astimezone(ZoneInfo(schedule.timezone)).date()
        return Weekly(schedule.weekday, schedule.hour, schedule.timezone,
                      every_weeks=2 if schedule.cadence == "biweekly" else 1,
                      anchor=anchor - timedelta(days=anchor.weekday()))
    months = (1, 4, 7, 10) if schedule.cadence == "quarterly" else tuple(range(1, 13))
    return MonthlyFirst(schedule.weekday, schedule.hour, schedule.timezone, months)


def reminder_times(opens_at: datetime, closes_at: datetime, count: int) -> list[datetime]:
    """`count` reminders spread evenly over the window (a 7-day window with 2: after days 2⅓ and 4⅔)."""
    window = closes_at - opens_at
    return [opens_at + window * i / (count + 1) for i in range(1, count + 1)]


def _wave_jobs(wave: SurveyWave) -> list[JobSpec]:
    opened = Origin(f"wave {wave.id} opened", wave.opens_at)
    jobs = [JobSpec(f"wave:{wave.id}:close", (N_("closing wave {wave}"), {"wave": wave.id}),
                    At(wave.closes_at), partial(_close_wave, wave.id), timedelta(days=365), opened)]
    for n, moment in enumerate(reminder_times(wave.opens_at, wave.closes_at, wave.max_reminders), start=1):
        jobs.append(JobSpec(f"wave:{wave.id}:remind:{n}", (N_("wave {wave}: reminder {n}"),
                                                             {"n": n, "wave": wave.id}),
                            At(moment), partial(_remind, wave.id), wave.closes_at - moment, opened))
    return jobs


# -- the work of each job --------------------------------------------------------------------------------
def _digest(channel: str, turn: Turn, slot: datetime) -> None:
    post_digest(turn, last_complete_week(slot), only_channel=channel)


def _owners_weekly(turn: Turn, slot: datetime) -> None:
    send_pending_reminders(turn)


def _daily_ageing(turn: Turn, slot: datetime) -> None:
    local_day = slot.astimezone(ZoneInfo(turn.settings.timezone)).date()
    if working_time(turn.settings).is_day_off(local_day):
        return
    ageing.nudge_owners(turn, after=timedelta(days=turn.settings.nudge_after_days))
    ageing.escalate_overdue(turn)


def _scheduled_survey(schedule_id: int, turn: Turn, slot: datetime) -> None:
    schedule = turn.session.get(SurveySchedule, schedule_id)
    if schedule is None:
        return
    key = turn.session.get(SurveyRecord, schedule.survey_id).key
    wave_id, emails = survey_waves.send_wave(session=turn.session, key=key, audience=schedule.audience,
                                             unit=schedule.audience_unit, now=turn.now, days=schedule.window_days,
                                             k=schedule.k, max_reminders=schedule.max_reminders)
    surveying.invite(turn, wave_id, emails)


def _remind(wave_id: int, turn: Turn, slot: datetime) -> None:
    emails = survey_waves.due_reminders(session=turn.session, wave_id=wave_id, now=turn.now)
    surveying.invite(turn, wave_id, emails, reminder=True)


def _close_wave(wave_id: int, turn: Turn, slot: datetime) -> None:
    if not survey_waves.get_wave(session=turn.session, wave_id=wave_id).closed:
        surveying.close_and_report(turn, wave_id)


def _housekeeping(turn: Turn, slot: datetime) -> None:
    runs.prune(session=turn.session, now=turn.now)
    retention.apply(session=turn.session, now=turn.now, days=turn.settings.retention_days)
