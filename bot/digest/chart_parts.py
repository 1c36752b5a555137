"""Pure helpers of the digest's charts: the plotted series, short labels, dates, PNG bytes.

Kept apart from the drawing so that what a chart shows (a gap where fewer than k answered,
an index on the first reading) can be tested without looking at pixels.
"""
from __future__ import annotations

import io
import math
from datetime import date

from babel.dates import format_date
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.digest.model import Point, WeekCount

DPI = 110
HIDDEN_COLOUR = "0.55"
LABEL_LENGTH = 45


def values(points: tuple[Point, ...]) -> tuple[list[date], list[float]]:
    """Dates and values to draw; a hidden point (fewer than k answered) is NaN, so the line breaks there."""
    return [p.on for p in points], [math.nan if p.value is None else float(p.value) for p in points]


def hidden_dates(points: tuple[Point, ...]) -> list[date]:
    return [p.on for p in points if p.value is None]


def indexed(series: list[float]) -> list[float] | None:
    """The series as an index, its first shown reading = 100; None when that reading is 0 (no index).

    A negative base keeps the direction: a rise of the raw value is a rise of the index.
    """
    base = next((v for v in series if not math.isnan(v)), None)
    if base is None or base == 0:
        return None
    return [100 + (v - base) / abs(base) * 100 for v in series]


def shorten(text: str, length: int = LABEL_LENGTH) -> str:
    """The text cut at a word boundary to at most `length` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if text[length - 1] != " " and " " in cut:  # drop the word the cut went through
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def two_lines(text: str, width: int = 16) -> str:
    """A label broken at the space nearest its middle when it is longer than `width`."""
    spaces = [i for i, char in enumerate(text) if char == " "]
    if len(text) <= width or not spaces:
        return text
    middle = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:middle] + "\n" + text[middle + 1:]


def trimmed_weeks(weeks: tuple[WeekCount, ...]) -> tuple[WeekCount, ...]:
    """The weeks from the first one with a report on; () when there are no reports."""
    first = next((i for i, week in enumerate(weeks) if sum(week.counts.values()) > 0), None)
    return () if first is None else weeks[first:]


def day_label(day: date, locale: str, *, with_year: bool = False) -> str:
    """'12 Jan' / '12 sty', with the year when the chart spans more than one."""
    return format_date(day, "d MMM yyyy" if with_year else "d MMM", locale=locale)


def spans_years(days: list[date]) -> bool:
    return len({day.year for day in days}) > 1


def number_digits(value: float) -> int:
    size = abs(value)
    return 0 if size >= 100 else 1 if size >= 10 else 2


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes; no timestamp or software tag, so equal figures give equal bytes."""
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
