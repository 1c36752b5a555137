"""Keeping the directory in step with the organisation: roles granted and revoked, moves, leavers
(deactivated) and returns. Every change is recorded in ``directory_changes`` with who made it.

A leaver keeps their row (their reports keep their place); they get nothing more (bot/turn.py skips
them) and their open assignments go back to the triage queue, returned to the caller so that the
governance team is told.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.errors import N_, UserError
from bot.services import directory
from bot.services.frictions import OPEN_ASSIGNMENT_STATUSES
from storage.models import DirectoryChange, Friction, FrictionEvent, OrgUnit, Person, PersonRole


@dataclass(frozen=True)
class ChangedBy:
    """Who changes the directory: an admin's e-mail or a tool's name, and through what."""

    actor: str
    source: str  # csv | cli | chat | scim | enrol


@dataclass(frozen=True)
class PersonDetail:
    person: directory.PersonView
    manager_email: str | None
    open_assignments: int
    changes: tuple[tuple[datetime, str, str, str, str | None], ...]  # (at, actor, source, action, detail), newest first


@dataclass(frozen=True)
class ReturnedAssignment:
    friction_id: int
    policy_id: int | None


def record(session: Session, by: ChangedBy, now: datetime, action: str, email: str, detail: str | None = None) -> None:
    session.add(DirectoryChange(at=now, actor=by.actor, source=by.source, action=action,
                                person_email=directory.normalise_email(email), detail=detail))


def check_role(role: str) -> str:
    if role not in directory.ROLES:
        raise UserError(N_("Unknown role {role}; use one of: {roles}."), role=role, roles=", ".join(directory.ROLES))
    return role


def _row(session: Session, email: str) -> Person:
    person = session.scalar(select(Person).where(Person.email == directory.normalise_email(email)))
    if person is None:
        raise UserError(N_("Nobody with the e-mail {email} is in the directory."), email=email)
    return person


def grant(*, session: Session, email: str, role: str, by: ChangedBy, now: datetime) -> bool:
    """Give a role; False when the person had it already (nothing recorded)."""
    person = _row(session, email)
    if session.get(PersonRole, (person.id, check_role(role))) is not None:
        return False
    session.add(PersonRole(person_id=person.id, role=role))
    record(session, by, now, "grant", person.email, role)
    return True


def revoke(*, session: Session, email: str, role: str, by: ChangedBy, now: datetime) -> bool:
    """Take a role away; False when the person did not have it. The last active governance admin keeps theirs."""
    person = _row(session, email)
    held = session.get(PersonRole, (person.id, check_role(role)))
    if held is None:
        return False
    if role == "governance_admin" and person.active:
        _keep_an_admin(session, leaving={person.id})
    session.delete(held)
    session.flush()
    record(session, by, now, "revoke", person.email, role)
    return True


def active_admin_ids(session: Session) -> set[int]:
    query = (select(Person.id).join(PersonRole, PersonRole.person_id == Person.id)
             .where(PersonRole.role == "governance_admin", Person.active.is_(True)))
    return set(session.scalars(query))


def _keep_an_admin(session: Session, *, leaving: set[int]) -> None:
    if not active_admin_ids(session) - leaving:
        raise UserError(N_("That would leave no active governance admin; grant the role to someone else first."))


def move(*, session: Session, email: str, unit: str, by: ChangedBy, now: datetime) -> bool:
    """Put a person in another org unit (which must exist); False when they are in it already."""
    person = _row(session, email)
    unit_id = session.scalar(select(OrgUnit.id).where(OrgUnit.name == unit))
    if unit_id is None:
        raise UserError(N_("There is no org unit called {name}."), name=unit)
    if person.org_unit_id == unit_id:
        return False
    person.org_unit_id = unit_id
    record(session, by, now, "move", person.email, unit)
    return True


def deactivate(*, session: Session, email: str, by: ChangedBy, now: datetime) -> list[ReturnedAssignment]:
    """A leaver: no more messages; their open assignments back to triage (returned). Refused for the
    last active governance admin."""
    person = _row(session, email)
    if not person.active:
        raise UserError(N_("{email} is already deactivated."), email=person.email)
    _keep_an_admin(session, leaving={person.id})
    person.active = False
    person.deactivated_at = now
    returned = _return_assignments(session, person, now)
    record(session, by, now, "deactivate", person.email,
           ", ".join(f"F-{item.friction_id}" for item in returned) or None)
    return returned


def _return_assignments(session: Session, owner: Person, now: datetime) -> list[ReturnedAssignment]:
    """Open assignments of a leaver go back to the triage queue, still linked to their policy."""
    frictions = session.scalars(select(Friction).where(Friction.owner_id == owner.id,
                                                       Friction.status.in_(OPEN_ASSIGNMENT_STATUSES))
                                .order_by(Friction.id)).all()
    for friction in frictions:
        friction.status = "triaged"
        friction.owner_id = None
        friction.assigned_at = None
        friction.due_at = None
        session.add(FrictionEvent(friction_id=friction.id, at=now, action="owner_left", note=owner.email))
    return [ReturnedAssignment(friction.id, friction.policy_id) for friction in frictions]


def reactivate(*, session: Session, email: str, by: ChangedBy, now: datetime) -> None:
    person = _row(session, email)
    if person.active:
        raise UserError(N_("{email} is active already."), email=person.email)
    person.active = True
    person.deactivated_at = None
    record(session, by, now, "reactivate", person.email)


def list_people(*, session: Session, unit: str | None = None, include_inactive: bool = False) -> list[directory.PersonView]:
    query = select(Person, OrgUnit.name).outerjoin(OrgUnit, OrgUnit.id == Person.org_unit_id).order_by(Person.email)
    if unit:
        query = query.where(Person.org_unit_id.in_(directory.unit_and_descendants(session=session, unit_name=unit)))
    if not include_inactive:
        query = query.where(Person.active.is_(True))
    rows = session.execute(query).all()
    roles: dict[int, set[str]] = {}
    for person_id, role in session.execute(select(PersonRole.person_id, PersonRole.role)):
        roles.setdefault(person_id, set()).add(role)
    return [directory.PersonView(id=p.id, email=p.email, name=p.name, locale=p.locale,
                                 roles=frozenset(roles.get(p.id, ())), org_unit=unit_name,
                                 locale_chosen=bool(p.locale_chosen), active=bool(p.active)) for p, unit_name in rows]


def person_detail(*, session: Session, email: str) -> PersonDetail:
    """What an admin sees of a person: never what they reported (reporters may stay anonymous)."""
    person = _row(session, email)
    manager = session.get(Person, person.manager_id) if person.manager_id else None
    open_count = session.scalar(select(func.count()).select_from(Friction).where(
        Friction.owner_id == person.id, Friction.status.in_(OPEN_ASSIGNMENT_STATUSES)))
    return PersonDetail(person=directory.get_person(session=session, email=person.email),
                        manager_email=manager.email if manager else None, open_assignments=open_count,
                        changes=tuple(_changes_of(session, person.email)))


def _changes_of(session: Session, email: str, limit: int = 10) -> list[tuple]:
    query = (select(DirectoryChange.at, DirectoryChange.actor, DirectoryChange.source, DirectoryChange.action,
                    DirectoryChange.detail)
             .where(DirectoryChange.person_email == email).order_by(DirectoryChange.id.desc()).limit(limit))
    return [tuple(row) for row in session.execute(query)]


def enrol(*, session: Session, email: str, now: datetime, name: str = "", locale: str | None = None) -> directory.PersonView:
    """Someone who wrote from Slack or Teams joins as an employee without a unit (XGOV_ENROL)."""
    email = directory.normalise_email(email)
    person = directory.add_person(session=session, email=email, name=name.strip() or email.split("@")[0],
                                  roles=("employee",), locale=locale)
    record(session, ChangedBy(email, "enrol"), now, "added", email, "employee, no unit")
    return person
