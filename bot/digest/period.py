"""The digest's period: an ISO week ("2026-W03"), a date range ("2026-01-05..2026-01-18"),
or by default the last complete week (Monday to Sunday) before now."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from bot.digest.model import Period
from bot.errors import N_, UserError

WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def last_complete_week(now: datetime) -> Period:
    today = now.astimezone(timezone.utc).date()
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=1)
    return week_period(monday)


def week_period(monday: date) -> Period:
    year, week, _ = monday.isocalendar()
    return Period(monday, monday + timedelta(days=6), f"{year}-W{week:02d}")


def parse_period(text: str | None, now: datetime) -> Period:
    if not text:
        return last_complete_week(now)
    text = text.strip()
    match = WEEK.match(text)
    try:
        if match:
            return _sensible(week_period(date.fromisocalendar(int(match[1]), int(match[2]), 1)), now)
        start_text, separator, end_text = text.partition("..")
        if separator:
            start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
            if end >= start:
                return _sensible(Period(start, end, f"{start.isoformat()}..{end.isoformat()}"), now)
    except (ValueError, OverflowError):  # 9999-W52 ends after the last date Python knows
        pass
    raise UserError(N_("{period!r} is not a period: use a week like 2026-W03 or dates like 2026-01-05..2026-01-18."),
                    period=text)


def _sensible(period: Period, now: datetime) -> Period:
    """A period the digest can compare with earlier weeks: from 1970 to a year from now (ValueError else:
    9999-W52 would overflow the dates before and after it)."""
    if period.start.year < 1970 or period.end > now.date() + timedelta(days=366):
        raise ValueError(f"{period.label} is out of range")
    return period


def bounds(period: Period) -> tuple[datetime, datetime]:
    """The period as [start, end) in UTC."""
    start = datetime.combine(period.start, time(), tzinfo=timezone.utc)
    end = datetime.combine(period.end + timedelta(days=1), time(), tzinfo=timezone.utc)
    return start, end
