"""When a job runs, said without any scheduler's vocabulary (app/scheduler.py translates)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Union
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Weekly:
    weekday: int  # 0 = Monday
    hour: int
    timezone: str
    every_weeks: int = 1  # 2: every other week, counted from `anchor`
    anchor: date | None = None

    def keeps(self, slot: datetime) -> bool:
        if self.every_weeks == 1 or self.anchor is None:
            return True
        weeks = (slot.astimezone(ZoneInfo(self.timezone)).date() - self.anchor).days // 7
        return weeks % self.every_weeks == 0


@dataclass(frozen=True)
class MonthlyFirst:
    """The first given weekday of the month (of some months: quarterly is 1, 4, 7, 10)."""

    weekday: int
    hour: int
    timezone: str
    months: tuple[int, ...] = tuple(range(1, 13))

    def keeps(self, slot: datetime) -> bool:
        return True


@dataclass(frozen=True)
class Daily:
    hour: int
    timezone: str

    def keeps(self, slot: datetime) -> bool:
        return True


@dataclass(frozen=True)
class At:
    moment: datetime

    def keeps(self, slot: datetime) -> bool:
        return True


@dataclass(frozen=True)
class Every:
    minutes: int

    def keeps(self, slot: datetime) -> bool:
        return True


Rule = Union[Weekly, MonthlyFirst, Daily, At, Every]
