"""The working calendar as the settings write it ("20-8", "mon,tue,wed,thu,fri", "2026-12-24,2026-12-31"),
read by the settings' own validation and by bot/services/quiet_hours.py alike."""
from __future__ import annotations

from datetime import date

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_quiet_hours(text: str) -> tuple[int, int]:
    """"20-8" -> (20, 8); "" or "none" -> no quiet hours."""
    if text.strip().lower() in ("", "none"):
        return 0, 0
    start, _sep, end = text.partition("-")
    quiet = int(start), int(end)
    if not all(0 <= hour <= 23 for hour in quiet):
        raise ValueError(f"quiet hours are two hours 0-23 like 20-8, not {text!r}")
    return quiet


def parse_workdays(text: str) -> frozenset[int]:
    days = [day.strip().lower()[:3] for day in text.split(",") if day.strip()]
    unknown = [day for day in days if day not in WEEKDAYS]
    if unknown or not days:
        raise ValueError(f"workdays are names like mon,tue,wed,thu,fri, not {text!r}")
    return frozenset(WEEKDAYS.index(day) for day in days)


def parse_days_off(text: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(day.strip()) for day in text.split(",") if day.strip())
