"""`xgov kpi import FILE.csv`: customer and business KPIs in long format.

Columns: date (YYYY-MM-DD), kpi, value, and optionally unit (an org unit; empty for the
whole organisation), n (how many answers, customers or employees a figure rests on), kind
(count | rate | share | amount | score: which change test applies, docs/digest.md) and span
(day | week | month | quarter | year: the time one reading covers). A share, a rate and a
score need n; a share lies in 0-100, a score in -100..100, a count is a whole number >= 0. A decimal
comma is accepted ("12,5" in quotes). Every problem names its line and column, and a
file with any problem imports nothing. Importing the same file again changes nothing.
"""
from __future__ import annotations

import csv
import io
import math
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import N_
from bot.services.kpis import KPI_KINDS, SPANS, ImportCounts, KpiReading, normalise_kpi_name, store_readings
from storage.models import OrgUnit

REQUIRED_COLUMNS = ("date", "kpi", "value")
OPTIONAL_COLUMNS = ("unit", "n", "kind", "span")
NEEDS_N = ("share", "rate", "score")
MAX_PROBLEMS_SHOWN = 20


class KpiImportError(ValueError):
    """The file cannot be imported; `problems` are (msgid, params) pairs, each naming a line and column."""

    def __init__(self, problems: list[tuple[str, dict]]) -> None:
        super().__init__("; ".join(msgid.format(**params) for msgid, params in problems))
        self.problems = problems


def read_kpi_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        raise KpiImportError([(N_("Cannot read {file}: {reason}"), {"file": str(path), "reason": str(problem)})]) from problem


def parse_kpi_csv(text: str, known_units: set[str]) -> list[KpiReading]:
    """All readings of the file, or KpiImportError listing every problem found."""
    reader = csv.DictReader(io.StringIO(text))
    header = [column.strip().lower() for column in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise KpiImportError([(N_("Line 1: the header must have the columns date, kpi and value (missing: {columns})."),
                               {"columns": ", ".join(missing)})])
    reader.fieldnames = header
    problems: list[tuple[str, dict]] = []
    readings: dict[tuple, tuple[int, KpiReading]] = {}
    for line, row in enumerate(reader, start=2):
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        reading = _reading(row, line, known_units, problems)
        if reading is None:
            continue
        key = (reading.kpi, reading.on_date, reading.unit)
        if key in readings and readings[key][1] != reading:
            problems.append((N_("Line {line}, column value: {kpi} on {date} is given a second time with another "
                                "value (first on line {first})."),
                             {"line": line, "kpi": reading.kpi, "date": reading.on_date.isoformat(),
                              "first": readings[key][0]}))
        readings.setdefault(key, (line, reading))
    if problems:
        raise KpiImportError(problems)
    return [reading for _line, reading in readings.values()]


def _reading(row: dict, line: int, known_units: set[str], problems: list) -> KpiReading | None:
    before = len(problems)

    def problem(column: str, msgid: str, **params) -> None:
        problems.append((msgid, {"line": line, "column": column, **params}))

    raw_date = (row.get("date") or "").strip()
    try:
        on_date = date.fromisoformat(raw_date)
    except ValueError:
        on_date = None
        problem("date", N_("Line {line}, column {column}: {value!r} is not a date like 2026-01-31."), value=raw_date)
    raw_kpi = (row.get("kpi") or "").strip()
    kpi = normalise_kpi_name(raw_kpi)
    if kpi is None:
        problem("kpi", N_("Line {line}, column {column}: {value!r} is not a KPI name (letters, digits, spaces)."),
                value=raw_kpi)
    value = _number(row.get("value"))
    if value is None:
        problem("value", N_("Line {line}, column {column}: {value!r} is not a number."), value=row.get("value") or "")
    unit = (row.get("unit") or "").strip() or None
    if unit is not None and unit not in known_units:
        problem("unit", N_("Line {line}, column {column}: there is no org unit {value!r}."), value=unit)
    raw_n = (row.get("n") or "").strip()
    n = int(raw_n) if raw_n.isdigit() and int(raw_n) > 0 else None
    if raw_n and n is None:
        problem("n", N_("Line {line}, column {column}: {value!r} is not a positive whole number."), value=raw_n)
    kind, span = _kind_and_span(row, value, n, problem)
    if len(problems) > before:
        return None
    return KpiReading(on_date=on_date, kpi=kpi, value=value, unit=unit, n=n, kind=kind, span=span)


def _kind_and_span(row: dict, value: float | None, n: int | None, problem) -> tuple[str | None, str | None]:
    kind = (row.get("kind") or "").strip().lower() or None
    span = (row.get("span") or "").strip().lower() or None
    if kind is not None and kind not in KPI_KINDS:
        problem("kind", N_("Line {line}, column {column}: {value!r} is not a KPI kind (count, rate, share, amount, "
                           "score)."), value=kind)
    if span is not None and span not in SPANS:
        problem("span", N_("Line {line}, column {column}: {value!r} is not a span (day, week, month, quarter, "
                           "year)."), value=span)
    if kind in NEEDS_N and n is None:
        problem("n", N_("Line {line}, column {column}: a {kind} needs n (how many it rests on)."), kind=kind)
    if value is not None and not _fits(kind, value):
        problem("value", N_("Line {line}, column {column}: {value} does not fit the kind {kind}."), value=value,
                kind=kind)
    return kind, span


def _fits(kind: str | None, value: float) -> bool:
    if kind == "count":
        return value >= 0 and float(value).is_integer()
    if kind in ("share", "rate"):
        return 0 <= value <= 100 if kind == "share" else value >= 0
    if kind == "score":
        return -100 <= value <= 100
    return True


def _number(raw: str | None) -> float | None:
    text = (raw or "").strip().replace(" ", "").replace("\u00a0", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def import_kpis(session: Session, text: str, now) -> ImportCounts:
    known_units = set(session.scalars(select(OrgUnit.name)))
    readings = parse_kpi_csv(text, known_units)
    return store_readings(session=session, readings=readings, now=now)
