"""Read models of frictions, one per audience.

- :class:`OwnerFrictionView` is what an owner may see: it has no reporter field, and
  :func:`owner_view` / :func:`assignments_of` never join ``friction_reporters``.
- :class:`GovernanceFrictionView` names reporters unless they chose full anonymity.
- :class:`ReporterFrictionView` is a reporter's own report.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.services.frictions import OPEN_ASSIGNMENT_STATUSES, TRIAGE_STATUSES, _load
from storage.models import Friction, FrictionReporter, Person, Policy


@dataclass(frozen=True)
class OwnerFrictionView:
    id: int
    text: str
    status: str
    kind: str | None
    experience: str | None
    flags: tuple[str, ...]
    policy_id: int | None
    policy_title: str | None
    due_at: datetime | None

    @property
    def ref(self) -> str:
        return f"F-{self.id}"


@dataclass(frozen=True)
class GovernanceFrictionView(OwnerFrictionView):
    reporters: tuple[str, ...]  # the names of those who reported it and let the governance team see them
    anonymous_reporters: int  # how many others chose full anonymity
    decline_reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class ReporterFrictionView:
    id: int
    text: str
    status: str
    policy_title: str | None
    outcome: str | None
    outcome_note: str | None

    @property
    def ref(self) -> str:
        return f"F-{self.id}"


@dataclass(frozen=True)
class Barrier:
    """A recurring barrier: reports traced to one policy."""

    policy_id: int
    policy_title: str
    owner_name: str
    reports: int
    open_reports: int


def _flags(friction: Friction) -> tuple[str, ...]:
    pairs = (("emotions", friction.flag_emotions), ("decision_needed", friction.flag_decision_needed),
             ("procedure_gap", friction.flag_procedure_gap))
    return tuple(name for name, is_set in pairs if is_set)


def _policy_title(session: Session, policy_id: int | None) -> str | None:
    return session.scalar(select(Policy.title).where(Policy.id == policy_id)) if policy_id else None


def _owner_fields(session: Session, friction: Friction) -> dict:
    return dict(
        id=friction.id, text=friction.text, status=friction.status, kind=friction.kind,
        experience=friction.experience, flags=_flags(friction), policy_id=friction.policy_id,
        policy_title=_policy_title(session, friction.policy_id), due_at=friction.due_at,
    )


def owner_view(*, session: Session, friction_id: int) -> OwnerFrictionView:
    return OwnerFrictionView(**_owner_fields(session, _load(session, friction_id)))


def assignments_of(*, session: Session, owner_email: str) -> list[OwnerFrictionView]:
    query = (
        select(Friction)
        .join(Person, Person.id == Friction.owner_id)
        .where(Person.email == owner_email, Friction.status.in_(OPEN_ASSIGNMENT_STATUSES))
        .order_by(Friction.due_at, Friction.id)
    )
    return [OwnerFrictionView(**_owner_fields(session, friction)) for friction in session.scalars(query)]


def owners_with_open_assignments(*, session: Session) -> list[str]:
    """The e-mails of owners with an assignment waiting on them (assigned or accepted), sorted."""
    query = (select(Person.email).join(Friction, Friction.owner_id == Person.id)
             .where(Friction.status.in_(OPEN_ASSIGNMENT_STATUSES)).distinct().order_by(Person.email))
    return list(session.scalars(query))


def governance_view(*, session: Session, friction_id: int) -> GovernanceFrictionView:
    friction = _load(session, friction_id)
    query = (select(Person.name, FrictionReporter.hidden_from_governance)
             .join(FrictionReporter, FrictionReporter.person_id == Person.id)
             .where(FrictionReporter.friction_id == friction.id).order_by(Person.name))
    rows = session.execute(query).all()
    return GovernanceFrictionView(
        **_owner_fields(session, friction),
        reporters=tuple(name for name, hidden in rows if not hidden),
        anonymous_reporters=sum(1 for _name, hidden in rows if hidden),
        decline_reason=friction.decline_reason,
        created_at=friction.created_at,
    )


def hidden_from_governance(*, session: Session, friction_id: int, reporter_email: str) -> bool:
    """Whether this reporter of the report chose full anonymity (even from the governance team)."""
    query = (select(FrictionReporter.hidden_from_governance)
             .join(Person, Person.id == FrictionReporter.person_id)
             .where(FrictionReporter.friction_id == friction_id, Person.email == reporter_email))
    return bool(session.scalar(query))


def triage_queue(*, session: Session, limit: int = 20) -> list[GovernanceFrictionView]:
    query = select(Friction.id).where(Friction.status.in_(TRIAGE_STATUSES)).order_by(Friction.created_at, Friction.id)
    return [governance_view(session=session, friction_id=fid) for fid in session.scalars(query.limit(limit))]


def triage_queue_size(*, session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Friction).where(Friction.status.in_(TRIAGE_STATUSES)))


def reports_of(*, session: Session, reporter_email: str, limit: int = 20) -> list[ReporterFrictionView]:
    query = (
        select(Friction)
        .join(FrictionReporter, FrictionReporter.friction_id == Friction.id)
        .join(Person, Person.id == FrictionReporter.person_id)
        .where(Person.email == reporter_email)
        .order_by(Friction.created_at.desc(), Friction.id.desc())
        .limit(limit)
    )
    return [
        ReporterFrictionView(
            id=f.id, text=f.text, status=f.status, policy_title=_policy_title(session, f.policy_id),
            outcome=f.outcome, outcome_note=f.outcome_note,
        )
        for f in session.scalars(query)
    ]


def recurring_barriers(*, session: Session, limit: int = 10) -> list[Barrier]:
    """Policies ranked by how many reports trace to them (open ones break ties)."""
    is_open = case((Friction.status != "resolved", 1), else_=0)
    reports = func.count(Friction.id).label("reports")
    open_reports = func.sum(is_open).label("open_reports")
    query = (
        select(Policy.id, Policy.title, Person.name, reports, open_reports)
        .join(Friction, Friction.policy_id == Policy.id)
        .join(Person, Person.id == Policy.owner_id)
        .where(Friction.status != "declined")  # a declined link is disputed until re-triaged
        .group_by(Policy.id, Policy.title, Person.name)
        .order_by(reports.desc(), open_reports.desc(), Policy.id)
        .limit(limit)
    )
    return [Barrier(pid, title, owner, int(n), int(n_open or 0)) for pid, title, owner, n, n_open in session.execute(query)]


def workaround_share(*, session: Session, since: datetime, until: datetime | None = None) -> tuple[float | None, int]:
    """Share of tagged reports in [since, until) that are manual workarounds, and how many were tagged."""
    tagged = select(func.count()).select_from(Friction).where(Friction.created_at >= since, Friction.kind.is_not(None))
    if until is not None:
        tagged = tagged.where(Friction.created_at < until)
    total = session.scalar(tagged)
    if not total:
        return None, 0
    workarounds = session.scalar(tagged.where(Friction.kind == "workaround"))
    return workarounds / total, total
