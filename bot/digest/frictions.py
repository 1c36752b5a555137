"""Friction figures of the digest and the owners' accountability table, counted in SQL.

Queue figures (waiting for triage, open, overdue) describe the moment `as_of`; flow
figures (new, resolved) the digest's period. No reporter is named or counted per person.
"""
from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from bot.digest.control_chart import HISTORY_WEEKS
from bot.digest.ex import as_utc
from bot.digest.model import BarrierRow, FrictionSection, OwnerRow, WeekCount
from bot.services.friction_queries import recurring_barriers
from bot.services.frictions import OPEN_ASSIGNMENT_STATUSES, TRIAGE_STATUSES
from storage.models import Friction, FrictionReporter, Person

CHANGE_OUTCOMES = ("policy_changed", "decision_made", "procedure_updated")
UNTAGGED = "untagged"
WINDOW = timedelta(weeks=4)


def _counted(session: Session, column, start: datetime, end: datetime) -> dict[str, int]:
    label = func.coalesce(column, UNTAGGED)
    query = (select(label, func.count()).where(Friction.created_at >= start, Friction.created_at < end)
             .group_by(label))
    return {name: int(n) for name, n in session.execute(query)}


def friction_section(session: Session, *, start: datetime, end: datetime, as_of: datetime,
                     trend_start: datetime) -> FrictionSection:
    """`start`/`end`: the period as [start, end); `as_of`: when the queue is read."""
    by_kind = _counted(session, Friction.kind, start, end)
    resolved_query = select(Friction.created_at, Friction.resolved_at, Friction.outcome).where(
        Friction.resolved_at >= start, Friction.resolved_at < end)
    resolved = session.execute(resolved_query).all()
    days = [(resolved_at - created_at).total_seconds() / 86400 for created_at, resolved_at, _ in resolved]
    return FrictionSection(
        new=sum(by_kind.values()),
        by_kind=by_kind,
        by_experience=_counted(session, Friction.experience, start, end),
        weekly_by_kind=_weekly_by_kind(session, trend_start, end),
        top_barriers=_barriers(session, end),
        unassigned=session.scalar(select(func.count()).where(Friction.status.in_(TRIAGE_STATUSES))),
        overdue=session.scalar(select(func.count()).where(_overdue(as_of))),
        resolved=len(resolved),
        resolved_with_change=sum(1 for *_, outcome in resolved if outcome in CHANGE_OUTCOMES),
        median_days_to_resolve=round(statistics.median(days), 1) if days else None,
    )


def _overdue(as_of: datetime):
    return and_(Friction.status.in_(OPEN_ASSIGNMENT_STATUSES), Friction.due_at < as_of)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weekly_by_kind(session: Session, start: datetime, end: datetime) -> tuple[WeekCount, ...]:
    query = select(Friction.created_at, Friction.kind).where(Friction.created_at >= start, Friction.created_at < end)
    counts: dict[date, Counter] = {}
    first = week_start(start.date())
    weeks = (end.date() - first).days // 7 + (1 if (end.date() - first).days % 7 else 0)
    for offset in range(weeks):
        counts[first + timedelta(weeks=offset)] = Counter()
    for created_at, kind in session.execute(query):
        counts.setdefault(week_start(created_at.date()), Counter())[kind or UNTAGGED] += 1
    return tuple(WeekCount(week, dict(sorted(counter.items()))) for week, counter in sorted(counts.items()))


def weekly_counts(moments: list[datetime], end: datetime, weeks: int = HISTORY_WEEKS) -> tuple[int, ...]:
    """Counts per 7-day span ending at `end` (the last span is the digest's week), oldest first."""
    counts = [0] * weeks
    for moment in moments:
        back = (end - as_utc(moment)).total_seconds() // (7 * 86400)
        if 0 <= back < weeks:
            counts[weeks - 1 - int(back)] += 1
    return tuple(counts)


def _barrier_weeks(session: Session, policy_ids: list[int], end: datetime) -> dict[int, tuple[int, ...]]:
    query = select(Friction.policy_id, Friction.created_at).where(
        Friction.policy_id.in_(policy_ids), Friction.status != "declined",
        Friction.created_at >= end - timedelta(weeks=HISTORY_WEEKS), Friction.created_at < end)
    moments: dict[int, list[datetime]] = {pid: [] for pid in policy_ids}
    for policy_id, created_at in session.execute(query):
        moments[policy_id].append(created_at)
    return {pid: weekly_counts(found, end) for pid, found in moments.items()}


def _barriers(session: Session, end: datetime, limit: int = 5) -> tuple[BarrierRow, ...]:
    barriers = recurring_barriers(session=session, limit=limit)
    if not barriers:
        return ()
    recent = case((Friction.created_at >= end - WINDOW, 1), else_=0)
    prior = case((and_(Friction.created_at >= end - 2 * WINDOW, Friction.created_at < end - WINDOW), 1), else_=0)
    query = (select(Friction.policy_id, func.sum(recent), func.sum(prior))
             .where(Friction.policy_id.in_([b.policy_id for b in barriers]), Friction.status != "declined",
                    Friction.created_at < end)
             .group_by(Friction.policy_id))
    windows = {pid: (int(r or 0), int(p or 0)) for pid, r, p in session.execute(query)}
    weeks = _barrier_weeks(session, [b.policy_id for b in barriers], end)
    return tuple(BarrierRow(b.policy_id, b.policy_title, b.owner_name, b.reports, b.open_reports,
                            *windows.get(b.policy_id, (0, 0)), weeks[b.policy_id]) for b in barriers)


def owner_rows(session: Session, *, start: datetime, end: datetime, as_of: datetime) -> tuple[OwnerRow, ...]:
    """Every owner with open assignments or with reports resolved in the period; most overdue first."""
    is_open = Friction.status.in_(OPEN_ASSIGNMENT_STATUSES)
    query = (
        select(Person.name, Person.email,
               func.sum(case((is_open, 1), else_=0)),
               func.sum(case((_overdue(as_of), 1), else_=0)),
               func.min(case((is_open, Friction.assigned_at), else_=None)),
               func.sum(case((and_(Friction.resolved_at >= start, Friction.resolved_at < end), 1), else_=0)))
        .join(Friction, Friction.owner_id == Person.id)
        .where(is_open | and_(Friction.resolved_at >= start, Friction.resolved_at < end))
        .group_by(Person.id, Person.name, Person.email)
    )
    rows = []
    for name, email, open_count, overdue, oldest, resolved in session.execute(query):
        oldest_days = (as_of - as_utc(oldest)).days if oldest is not None else None
        rows.append(OwnerRow(name, email, int(open_count or 0), int(overdue or 0), oldest_days, int(resolved or 0)))
    rows.sort(key=lambda r: (-r.overdue, -r.open, r.owner))
    return tuple(rows)


def weekly_workarounds_by_unit(session: Session, *, unit_ids: list[int], end: datetime,
                               weeks: int = HISTORY_WEEKS) -> tuple[int, ...]:
    """Workaround reports by people of the given units per 7-day span ending at `end`, oldest first."""
    reporters = (select(FrictionReporter.friction_id).join(Person, Person.id == FrictionReporter.person_id)
                 .where(Person.org_unit_id.in_(unit_ids)))
    query = select(Friction.created_at).where(Friction.kind == "workaround", Friction.id.in_(reporters),
                                              Friction.created_at >= end - timedelta(weeks=weeks),
                                              Friction.created_at < end)
    return weekly_counts(list(session.scalars(query)), end, weeks)


def workaround_reports_by_unit(session: Session, *, unit_ids: list[int], start: datetime, end: datetime) -> int:
    """Workaround reports created in [start, end) by people of the given units (each report once)."""
    reporters = (select(FrictionReporter.friction_id).join(Person, Person.id == FrictionReporter.person_id)
                 .where(Person.org_unit_id.in_(unit_ids)))
    query = select(func.count()).where(Friction.kind == "workaround", Friction.created_at >= start,
                                       Friction.created_at < end, Friction.id.in_(reporters))
    return int(session.scalar(query) or 0)
