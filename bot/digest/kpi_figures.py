"""CX and business figures of the digest from imported KPI readings."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.digest.model import KpiFigure, Point
from bot.digest.noise import kpi_change
from bot.services.kpis import kpi_group, kpi_series


def kpi_figures(session: Session, *, trend_start: date, end: date) -> tuple[KpiFigure, ...]:
    """Each KPI and unit with readings up to `end`: latest, previous, change, and the trend since `trend_start`.

    The whole history up to `end` is read so that the change rule can see earlier changes; the
    trend shows only the window.
    """
    figures = []
    for series in kpi_series(session=session, start=date.min, end=end):
        points = [Point(on, value, n) for on, value, n in series.points]
        history = [(value, n) for _on, value, n in series.points]
        change, note = kpi_change(history, series.kpi, series.kinds, series.spans)
        figures.append(KpiFigure(
            kpi=series.kpi, group=kpi_group(series.kpi), unit=series.unit,
            latest=points[-1], previous=points[-2] if len(points) > 1 else None,
            change=change, change_note=note,
            trend=tuple(p for p in points if p.on >= trend_start),
        ))
    return tuple(figures)
