"""The weekly governance digest as data: computed once, rendered many ways.

Every figure carries its n; a figure from a group smaller than k carries neither value
nor n (``value is None and n is None``). Labels that come from survey definitions are
kept in both languages; everything else is translated by the renderers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from surveys.diagnostic import DataAnswer
from surveys.model import LocalizedText


@dataclass(frozen=True)
class Period:
    start: date  # a Monday
    end: date  # inclusive, a Sunday for a week
    label: str  # "2026-W03", or "2026-01-05..2026-01-25"


@dataclass(frozen=True)
class Change:
    """Latest minus previous; `significant` means beyond noise at 95% (rules in docs/digest.md)."""

    delta: float
    significant: bool

    @property
    def direction(self) -> int:
        """+1 a real rise, -1 a real fall, 0 within noise."""
        if not self.significant or self.delta == 0:
            return 0
        return 1 if self.delta > 0 else -1


@dataclass(frozen=True)
class Point:
    on: date
    value: float | None  # None: fewer than k answered (then n is None too)
    n: int | None


@dataclass(frozen=True)
class SurveyFigure:
    """eNPS or one 1-5 pulse item at its latest wave, with its trend over the digest's window."""

    key: str  # "enps" or "<survey id>/<question id>"
    label: LocalizedText
    scale: str  # the question type's name: "nps" (-100..100), "likert" (1..5); surveys/question_types
    latest: Point
    ci: tuple[float, float] | None
    top2_box: float | None  # likert only: percent answering 4 or 5
    change: Change | None  # against the previous wave; None without two shown waves
    trend: tuple[Point, ...]


@dataclass(frozen=True)
class KpiFigure:
    """An imported KPI (NPS, complaints, churn, staff turnover, ...) for the organisation or one unit."""

    kpi: str
    group: str  # "cx" or "business"
    unit: str | None  # None: the whole organisation
    latest: Point | None
    previous: Point | None
    change: Change | None
    trend: tuple[Point, ...]
    change_note: str | None = None  # msgid: why the change is left out (bot/digest/noise.py), else None


@dataclass(frozen=True)
class BarrierRow:
    policy_id: int
    policy_title: str
    owner: str
    reports: int  # all time, declined links left out
    open_reports: int
    last_4_weeks: int
    prior_4_weeks: int
    weekly: tuple[int, ...] = ()  # reports per 7-day span up to the period's end, oldest first (the chart's data)


@dataclass(frozen=True)
class OwnerRow:
    owner: str
    email: str
    open: int
    overdue: int
    oldest_open_days: int | None
    resolved_in_period: int


@dataclass(frozen=True)
class WeekCount:
    week_start: date
    counts: dict[str, int]  # kind (or "untagged") -> reports created that week


@dataclass(frozen=True)
class FrictionSection:
    new: int
    by_kind: dict[str, int]  # "untagged" for reports without a kind
    by_experience: dict[str, int]
    weekly_by_kind: tuple[WeekCount, ...]
    top_barriers: tuple[BarrierRow, ...]
    unassigned: int  # waiting for triage now (new or declined back)
    overdue: int
    resolved: int  # resolved within the period
    resolved_with_change: int  # ... with a policy change, a decision or an updated procedure
    median_days_to_resolve: float | None  # of those resolved within the period


@dataclass(frozen=True)
class DimensionFigure:
    dimension: str
    label: LocalizedText
    score: float | None
    previous: float | None
    ci: tuple[float, float] | None = None  # 95%, conservative (surveys/maturity.py)
    near_boundary: bool = False


@dataclass(frozen=True)
class MaturitySection:
    wave_id: int
    on: date
    respondents: int | None
    overall: float | None
    level: int | None
    previous_wave_id: int | None
    previous_overall: float | None
    dimensions: tuple[DimensionFigure, ...]
    ci: tuple[float, float] | None = None  # of the overall score
    near_boundary: bool = False  # the overall interval reaches past a level boundary


@dataclass(frozen=True)
class DiagnosticItem:
    question_id: str
    label: LocalizedText
    yes: int | None
    n: int | None
    answer: bool | None  # the people's majority; None when hidden or tied
    data_answer: DataAnswer | None  # the bot's own data, questions 1 to 5 (None: no rule for the question)


@dataclass(frozen=True)
class DiagnosticSection:
    wave_id: int
    on: date
    respondents: int | None
    verdict_key: str
    items: tuple[DiagnosticItem, ...]


@dataclass(frozen=True)
class Signal:
    """A reading across the silos that exceeds noise; `rule` names the rule in docs/digest.md."""

    rule: str
    subject: str  # the area, owner or policy it concerns; "" for the organisation
    figures: dict[str, float]


@dataclass(frozen=True)
class OpenWave:
    """A survey wave still open at the end of the period (or now): left out of every figure."""

    wave_id: int
    survey: LocalizedText
    closes_on: date


@dataclass(frozen=True)
class Digest:
    period: Period
    generated_at: datetime
    k: int
    ex: tuple[SurveyFigure, ...]
    cx: tuple[KpiFigure, ...]
    business: tuple[KpiFigure, ...]
    frictions: FrictionSection
    owners: tuple[OwnerRow, ...]
    maturity: MaturitySection | None
    diagnostic: DiagnosticSection | None
    signals: tuple[Signal, ...]
    open_waves: tuple[OpenWave, ...] = ()  # left out until they close, so that two readings cannot be subtracted
