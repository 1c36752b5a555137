"""Surveys on a cadence: weekly, every two weeks, monthly or quarterly (the first given weekday of
the month), at an hour in a time zone; each slot opens a wave (bot/scheduling/jobs.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import N_, UserError
from bot.services.channels import WEEKDAYS, check_weekly_time
from bot.services.survey_waves import AUDIENCES, audience_emails, check_wave_settings
from storage.models import SurveyRecord, SurveySchedule

CADENCES = ("weekly", "biweekly", "monthly", "quarterly")


@dataclass(frozen=True)
class ScheduleView:
    id: int
    survey_key: str
    cadence: str
    weekday: str
    hour: int
    timezone: str
    audience: str
    window_days: int
    k: int
    max_reminders: int


def add_schedule(*, session: Session, key: str, cadence: str, weekday: str, hour: int, timezone: str,
                 audience: str, unit: str | None, window_days: int, k: int, max_reminders: int,
                 now: datetime) -> ScheduleView:
    record = session.scalar(select(SurveyRecord).where(SurveyRecord.key == key))
    if record is None:
        raise UserError(N_("There is no survey {key}. See xgov survey list."), key=key)
    if cadence not in CADENCES:
        raise UserError(N_("The cadence is weekly, biweekly, monthly or quarterly, not {cadence}."), cadence=cadence)
    check_weekly_time(weekday, hour, timezone)
    check_wave_settings(days=window_days, k=k)
    if audience not in AUDIENCES:
        raise UserError(N_("The audience is everyone, unit or managers, not {audience}."), audience=audience)
    audience_emails(session=session, audience=audience, unit=unit)  # refuses a unit that does not exist
    row = SurveySchedule(survey_id=record.id, audience=audience, audience_unit=unit, cadence=cadence,
                         weekday=WEEKDAYS.index(weekday), hour=hour, timezone=timezone, window_days=window_days,
                         k=k, max_reminders=max_reminders, created_at=now)
    session.add(row)
    session.flush()
    return _view(row, key)


def list_schedules(*, session: Session) -> list[ScheduleView]:
    query = (select(SurveySchedule, SurveyRecord.key).join(SurveyRecord, SurveyRecord.id == SurveySchedule.survey_id)
             .order_by(SurveySchedule.id))
    return [_view(row, key) for row, key in session.execute(query)]


def remove_schedule(*, session: Session, schedule_id: int) -> None:
    row = session.get(SurveySchedule, schedule_id)
    if row is None:
        raise UserError(N_("There is no survey schedule {id}."), id=schedule_id)
    session.delete(row)


def _view(row: SurveySchedule, key: str) -> ScheduleView:
    audience = f"unit:{row.audience_unit}" if row.audience == "unit" else row.audience
    return ScheduleView(row.id, key, row.cadence, WEEKDAYS[row.weekday], row.hour, row.timezone, audience,
                        row.window_days, row.k, row.max_reminders)
