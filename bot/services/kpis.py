"""Imported customer and business KPIs: store readings idempotently, read series back.

A KPI name is a lower-case slug ("NPS" -> "nps", "staff turnover" -> "staff_turnover").
Customer measures (CX_KPIS) are shown with CX in the digest; every other KPI with the
business figures.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import KpiValue, OrgUnit

CX_KPIS = ("nps", "csat", "ces")
KPI_KINDS = ("count", "rate", "share", "amount", "score")
SPANS = ("day", "week", "month", "quarter", "year")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")


def kpi_group(kpi: str) -> str:
    return "cx" if kpi in CX_KPIS else "business"


def normalise_kpi_name(raw: str) -> str | None:
    """The slug of a KPI name, or None when it is not a usable name."""
    slug = re.sub(r"[\s\-./]+", "_", raw.strip().lower()).strip("_")
    return slug if NAME_PATTERN.match(slug) else None


@dataclass(frozen=True)
class KpiReading:
    on_date: date
    kpi: str
    value: float
    unit: str | None = None  # org unit name; None for the whole organisation
    n: int | None = None
    kind: str | None = None  # KPI_KINDS; None: not declared
    span: str | None = None  # SPANS; None: not declared


@dataclass(frozen=True)
class ImportCounts:
    added: int
    changed: int
    unchanged: int


def store_readings(*, session: Session, readings: list[KpiReading], now: datetime) -> ImportCounts:
    """Insert new readings, update changed ones; a reading already stored as it is changes nothing."""
    unit_ids = dict(session.execute(select(OrgUnit.name, OrgUnit.id)).all())
    kpis = sorted({reading.kpi for reading in readings})
    stored = {
        (row.kpi, row.on_date, row.org_unit_id): row
        for row in session.scalars(select(KpiValue).where(KpiValue.kpi.in_(kpis)))
    } if kpis else {}
    added = changed = unchanged = 0
    for reading in readings:
        unit_id = unit_ids[reading.unit] if reading.unit else None
        row = stored.get((reading.kpi, reading.on_date, unit_id))
        if row is None:
            row = KpiValue(kpi=reading.kpi, on_date=reading.on_date, org_unit_id=unit_id, value=reading.value,
                           n=reading.n, kind=reading.kind, span=reading.span, imported_at=now)
            session.add(row)
            stored[(reading.kpi, reading.on_date, unit_id)] = row
            added += 1
        elif (row.value, row.n, row.kind, row.span) == (reading.value, reading.n, reading.kind, reading.span):
            unchanged += 1
        else:
            row.value, row.n, row.kind, row.span, row.imported_at = (reading.value, reading.n, reading.kind,
                                                                     reading.span, now)
            changed += 1
    session.flush()
    return ImportCounts(added, changed, unchanged)


@dataclass(frozen=True)
class KpiSeries:
    kpi: str
    unit: str | None
    points: tuple[tuple[date, float, int | None], ...]  # oldest first
    kinds: tuple[str | None, ...] = ()  # each reading's declared kind, as points
    spans: tuple[str | None, ...] = ()  # each reading's declared span, as points


def kpi_series(*, session: Session, start: date, end: date) -> list[KpiSeries]:
    """Every KPI and unit with its readings between two dates (inclusive), oldest first."""
    query = (
        select(KpiValue.kpi, OrgUnit.name, KpiValue.on_date, KpiValue.value, KpiValue.n, KpiValue.kind, KpiValue.span)
        .outerjoin(OrgUnit, OrgUnit.id == KpiValue.org_unit_id)
        .where(KpiValue.on_date >= start, KpiValue.on_date <= end)
        .order_by(KpiValue.kpi, OrgUnit.name.is_not(None), OrgUnit.name, KpiValue.on_date)
    )
    series: dict[tuple[str, str | None], list] = {}
    for kpi, unit, on_date, value, n, kind, span in session.execute(query):
        series.setdefault((kpi, unit), []).append((on_date, float(value), n, kind, span))
    return [KpiSeries(kpi, unit, tuple(r[:3] for r in rows), tuple(r[3] for r in rows), tuple(r[4] for r in rows))
            for (kpi, unit), rows in series.items()]
