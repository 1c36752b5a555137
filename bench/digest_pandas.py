"""The naive reference: the same digest figures, computed by loading whole tables into pandas first.

This is what the SQL aggregation in bot/digest/ is measured against, both for speed and memory
and for correctness: every table the digest needs is read whole with ``pd.read_sql`` (the
answers, the responses, the waves, the frictions and their reporters, people, policies, units,
KPI readings), joined and filtered in pandas, and aggregated there into the same per-wave counts
and sums; the series rules (same audience, intervals, change tests, Holm) and the signal rules on
already-computed figures are shared with the bot, the aggregation is not.

Maturity and diagnostic sections are not computed (the benchmark data has no such waves), so
only SHARED_SECTIONS are comparable.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import text

from bot.digest.model import (
    BarrierRow,
    Digest,
    FrictionSection,
    KpiFigure,
    OwnerRow,
    Period,
    Point,
    Signal,
    SurveyFigure,
    WeekCount,
)
from bot.digest.ex import WaveAggregate, figures_of_series
from bot.digest.control_chart import HISTORY_WEEKS, weekly_signal
from bot.digest.signals import LATELY_WEEKS
from bot.digest.noise import kpi_change
from bot.digest.period import bounds
from bot.digest.signals import barrier_signals, nps_enps_signals, owner_signals
from bot.services.frictions import OPEN_ASSIGNMENT_STATUSES, TRIAGE_STATUSES
from bot.services.kpis import kpi_group
from storage.db import make_engine
from surveys import DEFAULT_K, load_definition
from surveys.model import LocalizedText

SHARED_SECTIONS = ("ex", "cx", "business", "frictions", "owners", "signals")
TREND_WEEKS = 26
CHANGE_OUTCOMES = ("policy_changed", "decision_made", "procedure_updated")
UNTAGGED = "untagged"
WINDOW = timedelta(weeks=4)
BARRIERS = 5
ENPS_LABEL = LocalizedText(pl="eNPS", en="eNPS")
TABLES = ("survey_answers", "survey_responses", "survey_waves", "surveys", "frictions", "friction_reporters",
          "people", "policies", "org_units", "kpi_values")
DATETIMES = {
    "survey_waves": ("opens_at", "closes_at", "closed_at"),
    "frictions": ("created_at", "assigned_at", "due_at", "resolved_at"),
}


def load_tables(url: str) -> dict[str, pd.DataFrame]:
    """Every table the digest reads, whole."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = {name: pd.read_sql(text(f"SELECT * FROM {name}"), connection) for name in TABLES}
    finally:
        engine.dispose()
    for name, columns in DATETIMES.items():
        for column in columns:  # SQLite gives text, PostgreSQL aware datetimes: both to UTC timestamps
            tables[name][column] = pd.to_datetime(tables[name][column], utc=True, format="ISO8601")
    tables["kpi_values"]["on_date"] = pd.to_datetime(tables["kpi_values"]["on_date"]).dt.date
    return tables


def pandas_digest(url: str, period: Period, *, now: datetime, k: int = DEFAULT_K,
                  trend_weeks: int = TREND_WEEKS) -> Digest:
    return digest_from_tables(load_tables(url), period, now=now, k=k, trend_weeks=trend_weeks)


def digest_from_tables(t: dict[str, pd.DataFrame], period: Period, *, now: datetime, k: int = DEFAULT_K,
                       trend_weeks: int = TREND_WEEKS) -> Digest:
    start, end = bounds(period)
    as_of = min(now, end)
    trend_start = end - timedelta(weeks=trend_weeks)
    ex = ex_figures(t, since=trend_start, until=end)
    kpis = kpi_figures(t, trend_start=trend_start.date(), end=period.end)
    cx = tuple(f for f in kpis if f.group == "cx")
    business = tuple(f for f in kpis if f.group == "business")
    frictions = friction_section(t, start=start, end=end, as_of=as_of, trend_start=trend_start)
    owners = owner_rows(t, start=start, end=end, as_of=as_of)
    enps = next((f for f in ex if f.key == "enps"), None)
    signals = (nps_enps_signals(cx, enps) + complaints_signals(t, business, end=end, k=k)
               + owner_signals(owners) + barrier_signals(frictions.top_barriers))
    return Digest(period=period, generated_at=now, k=k, ex=ex, cx=cx, business=business, frictions=frictions,
                  owners=owners, maturity=None, diagnostic=None, signals=tuple(signals))


# --- EX ---------------------------------------------------------------------------------------------

def ex_figures(t: dict[str, pd.DataFrame], *, since: datetime, until: datetime) -> tuple[SurveyFigure, ...]:
    surveys = t["surveys"][t["surveys"]["kind"] == "pulse"]
    definitions = {row.key: load_definition(row.definition_toml, source=f"{row.key}.toml")
                   for row in surveys.itertuples()}
    waves = t["survey_waves"].merge(surveys[["id", "key"]].rename(columns={"id": "survey_id"}), on="survey_id")
    waves["ended"] = waves["closed_at"].fillna(waves["closes_at"])
    waves = waves[(waves["ended"] >= since) & (waves["ended"] < until)]

    answers = t["survey_answers"].merge(t["survey_responses"][["id", "wave_id"]], left_on="response_id", right_on="id")
    answers = answers.merge(waves[["id", "key"]].rename(columns={"id": "wave_id"}), on="wave_id")
    answers = answers[answers["value_int"].notna()]
    per_wave = (answers.groupby(["key", "question_id", "wave_id", "value_int"]).size().rename("count").reset_index()
                .merge(waves[["id", "ended", "k"]].rename(columns={"id": "wave_id"}), on="wave_id"))
    audiences = {int(w.id): (str(w.audience), None if pd.isna(w.audience_unit_id) else int(w.audience_unit_id))
                 for w in waves.itertuples()}

    series = {(key, question_id): [_aggregate(wave_id, answers, audiences)
                                   for wave_id, answers in rows.groupby("wave_id", sort=True)]
              for (key, question_id), rows in per_wave.groupby(["key", "question_id"], sort=True)}
    return figures_of_series(definitions, series)


def _aggregate(wave_id: int, answers: pd.DataFrame, audiences: dict) -> WaveAggregate:
    first = answers.iloc[0]
    counts = tuple(sorted((int(value), int(count)) for value, count in zip(answers["value_int"], answers["count"])))
    return WaveAggregate(int(wave_id), first["ended"].date(), int(first["k"]), counts, audiences[int(wave_id)])


# --- CX and business KPIs ------------------------------------------------------------------------------

def kpi_figures(t: dict[str, pd.DataFrame], *, trend_start: date, end: date) -> tuple[KpiFigure, ...]:
    units = t["org_units"][["id", "name"]].rename(columns={"id": "org_unit_id", "name": "unit"})
    values = t["kpi_values"].merge(units, on="org_unit_id", how="left")
    values = values[values["on_date"] <= end].copy()
    values["has_unit"] = values["unit"].notna()
    values = values.sort_values(["kpi", "has_unit", "unit", "on_date"], na_position="first")
    figures = []
    for (kpi, _has_unit, unit), rows in values.groupby(["kpi", "has_unit", "unit"], sort=False, dropna=False):
        unit = None if pd.isna(unit) else str(unit)
        points = [Point(on, float(v), None if pd.isna(n) else int(n))
                  for on, v, n in zip(rows["on_date"], rows["value"], rows["n"])]
        history = [(p.value, p.n) for p in points]
        kinds = [None if pd.isna(v) else str(v) for v in rows["kind"]]
        spans = [None if pd.isna(v) else str(v) for v in rows["span"]]
        change, note = kpi_change(history, str(kpi), kinds, spans)
        figures.append(KpiFigure(kpi=str(kpi), group=kpi_group(str(kpi)), unit=unit, latest=points[-1],
                                 previous=points[-2] if len(points) > 1 else None, change=change,
                                 trend=tuple(p for p in points if p.on >= trend_start), change_note=note))
    return tuple(figures)


# --- Frictions and owners -------------------------------------------------------------------------

def _between(column: pd.Series, start: datetime, end: datetime) -> pd.Series:
    return (column >= start) & (column < end)


def friction_section(t: dict[str, pd.DataFrame], *, start: datetime, end: datetime, as_of: datetime,
                     trend_start: datetime) -> FrictionSection:
    f = t["frictions"]
    created = f[_between(f["created_at"], start, end)]
    by_kind = {str(key): int(n) for key, n in created["kind"].fillna(UNTAGGED).value_counts().items()}
    by_experience = {str(key): int(n) for key, n in created["experience"].fillna(UNTAGGED).value_counts().items()}
    resolved = f[_between(f["resolved_at"], start, end)]
    days = (resolved["resolved_at"] - resolved["created_at"]).dt.total_seconds() / 86400
    return FrictionSection(
        new=len(created), by_kind=by_kind, by_experience=by_experience,
        weekly_by_kind=_weekly_by_kind(f, trend_start, end),
        top_barriers=_barriers(t, end),
        unassigned=int(f["status"].isin(TRIAGE_STATUSES).sum()),
        overdue=int(_overdue(f, as_of).sum()),
        resolved=len(resolved),
        resolved_with_change=int(resolved["outcome"].isin(CHANGE_OUTCOMES).sum()),
        median_days_to_resolve=round(float(days.median()), 1) if len(days) else None,
    )


def _overdue(f: pd.DataFrame, as_of: datetime) -> pd.Series:
    return f["status"].isin(OPEN_ASSIGNMENT_STATUSES) & (f["due_at"] < as_of)


def _weekly_by_kind(f: pd.DataFrame, start: datetime, end: datetime) -> tuple[WeekCount, ...]:
    window = f[_between(f["created_at"], start, end)]
    day = window["created_at"].dt.tz_convert("UTC").dt.normalize().dt.tz_localize(None)
    monday = (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.date
    counts = (pd.DataFrame({"week": monday, "kind": window["kind"].fillna(UNTAGGED)})
              .groupby(["week", "kind"]).size())
    first = start.date() - timedelta(days=start.date().weekday())
    weeks = math.ceil((end.date() - first).days / 7)
    table: dict[date, dict[str, int]] = {first + timedelta(weeks=i): {} for i in range(weeks)}
    for (week, kind), n in counts.items():
        table.setdefault(week, {})[str(kind)] = int(n)
    return tuple(WeekCount(week, dict(sorted(kinds.items()))) for week, kinds in sorted(table.items()))


def _barriers(t: dict[str, pd.DataFrame], end: datetime) -> tuple[BarrierRow, ...]:
    f = t["frictions"]
    linked = f[f["policy_id"].notna() & (f["status"] != "declined")].copy()
    linked["policy_id"] = linked["policy_id"].astype("int64")
    linked["is_open"] = (linked["status"] != "resolved").astype(int)
    ranked = (linked.groupby("policy_id").agg(reports=("id", "size"), open_reports=("is_open", "sum")).reset_index()
              .sort_values(["reports", "open_reports", "policy_id"], ascending=[False, False, True]).head(BARRIERS))
    if ranked.empty:
        return ()
    policies = t["policies"].merge(t["people"][["id", "name"]].rename(columns={"id": "owner_id", "name": "owner"}),
                                   on="owner_id").set_index("id")
    before = linked[linked["created_at"] < end]
    recent = before[before["created_at"] >= end - WINDOW].groupby("policy_id").size()
    prior = before[_between(before["created_at"], end - 2 * WINDOW, end - WINDOW)].groupby("policy_id").size()
    return tuple(BarrierRow(int(row.policy_id), str(policies.at[row.policy_id, "title"]),
                            str(policies.at[row.policy_id, "owner"]), int(row.reports), int(row.open_reports),
                            int(recent.get(row.policy_id, 0)), int(prior.get(row.policy_id, 0)),
                            _weekly(before.loc[before["policy_id"] == row.policy_id, "created_at"], end))
                 for row in ranked.itertuples())


def _weekly(moments: pd.Series, end: datetime) -> tuple[int, ...]:
    """Counts per 7-day span ending at `end`, oldest first, over the control chart's history."""
    back = ((end - moments).dt.total_seconds() // (7 * 86400)).astype(int)
    counts = back[(back >= 0) & (back < HISTORY_WEEKS)].value_counts()
    return tuple(int(counts.get(HISTORY_WEEKS - 1 - i, 0)) for i in range(HISTORY_WEEKS))


def owner_rows(t: dict[str, pd.DataFrame], *, start: datetime, end: datetime, as_of: datetime) -> tuple[OwnerRow, ...]:
    f = t["frictions"]
    is_open = f["status"].isin(OPEN_ASSIGNMENT_STATUSES)
    resolved = _between(f["resolved_at"], start, end)
    rows = f[f["owner_id"].notna() & (is_open | resolved)].assign(
        is_open=is_open.astype(int), overdue=_overdue(f, as_of).astype(int), resolved=resolved.astype(int),
        open_assigned=f["assigned_at"].where(is_open))
    per_owner = rows.groupby("owner_id").agg(open=("is_open", "sum"), overdue=("overdue", "sum"),
                                             oldest=("open_assigned", "min"), resolved=("resolved", "sum"))
    people = t["people"].set_index("id")
    result = []
    for owner_id, row in per_owner.iterrows():
        oldest = None if pd.isna(row["oldest"]) else (as_of - row["oldest"].to_pydatetime()).days
        person = people.loc[int(owner_id)]
        result.append(OwnerRow(str(person["name"]), str(person["email"]), int(row["open"]), int(row["overdue"]),
                               oldest, int(row["resolved"])))
    result.sort(key=lambda r: (-r.overdue, -r.open, r.owner))
    return tuple(result)


# --- Signals that need rows (the others are rules over figures, shared with the bot) ----------------------

def _unit_and_descendants(units: pd.DataFrame, name: str) -> list[int]:
    children: dict[Any, list[int]] = {}
    for unit_id, parent in zip(units["id"], units["parent_id"]):
        children.setdefault(None if pd.isna(parent) else int(parent), []).append(int(unit_id))
    found, stack = [], [int(units.loc[units["name"] == name, "id"].iloc[0])]
    while stack:
        unit_id = stack.pop()
        found.append(unit_id)
        stack.extend(children.get(unit_id, []))
    return sorted(found)


def complaints_signals(t: dict[str, pd.DataFrame], business: tuple[KpiFigure, ...], *, end: datetime,
                       k: int) -> list[Signal]:
    recent_start, prior_start = end - WINDOW, end - 2 * WINDOW
    f, units = t["frictions"], t["org_units"]
    reporters = t["friction_reporters"].merge(t["people"][["id", "org_unit_id"]].rename(columns={"id": "person_id"}),
                                              on="person_id")
    signals = []
    for figure in business:
        if figure.kpi != "complaints":
            continue
        complaints = _weekly_complaints(t, figure, end)
        if complaints is None or not weekly_signal(complaints):
            continue
        recent = sum(p.value for p in figure.trend if p.value is not None and recent_start.date() <= p.on < end.date())
        prior = sum(p.value for p in figure.trend
                    if p.value is not None and prior_start.date() <= p.on < recent_start.date())
        unit_ids = (units["id"].tolist() if figure.unit is None else _unit_and_descendants(units, figure.unit))
        reported = set(reporters.loc[reporters["org_unit_id"].isin(unit_ids), "friction_id"])
        workarounds = f[(f["kind"] == "workaround") & f["id"].isin(reported)]
        reports_recent = int(_between(workarounds["created_at"], recent_start, end).sum())
        reports_prior = int(_between(workarounds["created_at"], prior_start, recent_start).sum())
        created = workarounds["created_at"]
        lately = any(weekly_signal(_weekly(created, end - timedelta(weeks=back))) for back in range(LATELY_WEEKS))
        if reports_recent >= k and lately:
            signals.append(Signal("complaints_with_workarounds", figure.unit or "", {
                "complaints_recent": recent, "complaints_prior": prior,
                "workarounds_recent": reports_recent, "workarounds_prior": reports_prior}))
    return signals


def _weekly_complaints(t: dict[str, pd.DataFrame], figure: KpiFigure, end: datetime) -> list[int] | None:
    values = t["kpi_values"]
    units = t["org_units"][["id", "name"]]
    unit_id = None if figure.unit is None else int(units.loc[units["name"] == figure.unit, "id"].iloc[0])
    rows = values[(values["kpi"] == figure.kpi)
                  & (values["org_unit_id"].isna() if unit_id is None else values["org_unit_id"] == unit_id)]
    start = (end - timedelta(weeks=HISTORY_WEEKS)).date()
    rows = rows[(rows["on_date"] >= start) & (rows["on_date"] < end.date())].sort_values("on_date")
    days = list(rows["on_date"])
    if len(days) != HISTORY_WEEKS or any((b - a).days != 7 for a, b in zip(days, days[1:])):
        return None
    if any(v < 0 or not float(v).is_integer() for v in rows["value"]):
        return None
    return [int(v) for v in rows["value"]]


# --- Comparing two digests ------------------------------------------------------------------------------

def differences(a: Any, b: Any, path: str = "", *, tolerance: float = 0.0101) -> list[str]:
    """Where two digest_to_dict() values differ; floats (already rounded to 2 digits) within `tolerance`."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                found.append(f"{path}.{key}: only in {'first' if key in a else 'second'}")
            else:
                found += differences(a[key], b[key], f"{path}.{key}", tolerance=tolerance)
        return found
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items against {len(b)}"]
        found = []
        for index, (x, y) in enumerate(zip(a, b)):
            found += differences(x, y, f"{path}[{index}]", tolerance=tolerance)
        return found
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        if isinstance(a, float) or isinstance(b, float):
            return [] if abs(a - b) <= tolerance else [f"{path}: {a!r} against {b!r}"]
    return [] if a == b and type(a) is type(b) else [f"{path}: {a!r} against {b!r}"]


def shared_differences(first: dict, second: dict, sections=SHARED_SECTIONS) -> list[str]:
    found = []
    for section in sections:
        found += differences(first[section], second[section], section)
    return found
