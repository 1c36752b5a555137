"""When the bot may write to a person unasked: not in quiet hours, not on days off (weekends,
public holidays, the workspace's own days off), each in the person's own time zone."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from bot.calendar_text import parse_days_off, parse_quiet_hours, parse_workdays
from bot.config import Settings


@dataclass(frozen=True)
class WorkingTime:
    quiet_from: int = 20  # hour the quiet starts (local)
    quiet_until: int = 8  # hour it ends
    workdays: frozenset[int] = frozenset(range(5))  # 0 = Monday
    holiday_country: str = "PL"
    days_off: frozenset[date] = frozenset()

    def is_day_off(self, day: date) -> bool:
        return day.weekday() not in self.workdays or day in self.days_off or day in _holidays(self.holiday_country)

    def is_quiet(self, hour: int) -> bool:
        if self.quiet_from == self.quiet_until:
            return False
        if self.quiet_from > self.quiet_until:  # over midnight, e.g. 20-8
            return hour >= self.quiet_from or hour < self.quiet_until
        return self.quiet_from <= hour < self.quiet_until

    def next_allowed(self, moment: datetime, zone: str) -> datetime:
        """`moment` if it is working time in `zone`, else the start of the next working time (UTC)."""
        tz = _zone(zone)
        local = moment.astimezone(tz)
        for _day in range(400):
            if not self.is_day_off(local.date()) and not self.is_quiet(local.hour):
                return local.astimezone(timezone.utc)
            local = self._next_opening(local, tz)
        return moment  # no working time within a year (misconfigured): do not hold messages forever

    def _next_opening(self, local: datetime, tz: ZoneInfo) -> datetime:
        """The next local hour at which quiet ends (the next day's if today's has passed)."""
        opening = datetime.combine(local.date(), time(self.quiet_until if self.quiet_from != self.quiet_until else 0))
        if self.is_day_off(local.date()) or local.hour >= self.quiet_until:
            opening += timedelta(days=1)
        return opening.replace(tzinfo=tz)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@lru_cache(maxsize=8)
def _holidays(country: str):
    if not country:
        return frozenset()
    return holidays.country_holidays(country)


def working_time(settings: Settings) -> WorkingTime:
    return _working_time(settings.quiet_hours, settings.workdays, settings.holidays, settings.days_off)


@lru_cache(maxsize=16)
def _working_time(quiet: str, workdays: str, country: str, days_off: str) -> WorkingTime:
    quiet_from, quiet_until = parse_quiet_hours(quiet)
    return WorkingTime(quiet_from, quiet_until, parse_workdays(workdays), country.strip().upper(),
                       parse_days_off(days_off))
