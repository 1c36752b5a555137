"""`xgov org sync FILE.csv`: the file is the truth for the people it lists. The plan (added, changed,
deactivated, unchanged, each with its fields) is made first and checked against the directory; it is
applied in one unit of work, so either all of it happens or nothing does.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.org_csv import CsvRefused, PersonRow, Problem
from bot.errors import N_, UserError
from bot.flows import people as people_flow
from bot.services import directory, people
from bot.turn import Turn
from storage.models import DirectoryChange, OrgUnit, Person, PersonRole

FIELDS = ("name", "org_unit", "manager_email", "roles", "locale", "active")


@dataclass(frozen=True)
class Difference:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class PersonPlan:
    email: str
    name: str
    line: int
    differences: tuple[Difference, ...] = ()


@dataclass
class SyncPlan:
    units_added: list[tuple[str, str | None]] = field(default_factory=list)
    units_moved: list[tuple[str, str | None, str]] = field(default_factory=list)
    added: list[PersonPlan] = field(default_factory=list)
    changed: list[PersonPlan] = field(default_factory=list)
    deactivated: list[PersonPlan] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Known:
    """A person as the directory has them now, in the file's terms."""

    email: str
    values: dict  # field -> text, as in FIELDS
    locale_chosen: bool
    is_admin: bool


def _directory(session: Session) -> tuple[dict[str, _Known], dict[str, str | None]]:
    units = {unit.id: unit for unit in session.scalars(select(OrgUnit))}
    emails = {person_id: email for person_id, email in session.execute(select(Person.id, Person.email))}
    roles: dict[int, set[str]] = {}
    for person_id, role in session.execute(select(PersonRole.person_id, PersonRole.role)):
        roles.setdefault(person_id, set()).add(role)
    known = {}
    for person in session.scalars(select(Person)):
        held = roles.get(person.id, set())
        known[person.email] = _Known(person.email, {
            "name": person.name, "org_unit": units[person.org_unit_id].name if person.org_unit_id else "",
            "manager_email": emails.get(person.manager_id, ""), "roles": ";".join(sorted(held)),
            "locale": person.locale or "", "active": "yes" if person.active else "no",
        }, bool(person.locale_chosen), "governance_admin" in held and person.active)
    parents = {unit.name: units[unit.parent_id].name if unit.parent_id else None for unit in units.values()}
    return known, parents


def _wanted(row: PersonRow, now: _Known | None) -> dict:
    """The fields the file sets for this person (columns left out keep what the directory has)."""
    wanted = {"name": row.name, "active": "yes"}
    if "org_unit" in row.columns:
        wanted["org_unit"] = row.org_unit or ""
    if "manager_email" in row.columns:
        wanted["manager_email"] = row.manager_email or ""
    if "roles" in row.columns or now is None:
        wanted["roles"] = ";".join(row.roles)
    if row.locale and not (now and now.locale_chosen):  # a person's own choice (/xgov language) wins
        wanted["locale"] = row.locale
    return wanted


def plan_sync(session: Session, rows: list[PersonRow], *, deactivate_missing: bool) -> SyncPlan:
    """What the sync would do; CsvRefused when the file does not fit the directory."""
    known, parents = _directory(session)
    plan, problems = SyncPlan(), []
    _plan_units(rows, parents, plan, problems)
    in_file = {row.email for row in rows}
    leaving = {email for email, person in known.items()
               if deactivate_missing and email not in in_file and person.values["active"] == "yes"}
    for row in rows:
        _plan_person(row, known.get(row.email), plan)
        manager = row.manager_email
        if manager and manager not in in_file and (manager not in known or manager in leaving
                                                   or known[manager].values["active"] == "no"):
            problems.append(Problem(row.line, "manager_email", N_("{email} is neither in the file nor active in "
                                                                  "the directory."), {"email": manager}))
    plan.deactivated = [PersonPlan(email, known[email].values["name"], 0) for email in sorted(leaving)]
    admins = {row.email for row in rows if "governance_admin" in row.roles}
    admins |= {email for email, person in known.items()
               if person.is_admin and email not in in_file and email not in leaving}
    if not admins and any(person.is_admin for person in known.values()):  # a sync never removes the last one
        problems.append(Problem(0, "roles", N_("After this sync nobody would be an active governance admin; keep "
                                               "at least one person with the role governance_admin.")))
    if problems:
        raise CsvRefused(problems)
    return plan


def _plan_person(row: PersonRow, now: _Known | None, plan: SyncPlan) -> None:
    wanted = _wanted(row, now)
    if now is None:
        differences = tuple(Difference(name, "", wanted[name]) for name in FIELDS
                            if wanted.get(name) and name != "active")
        plan.added.append(PersonPlan(row.email, row.name, row.line, differences))
        return
    differences = tuple(Difference(name, now.values[name], wanted[name]) for name in FIELDS
                        if name in wanted and wanted[name] != now.values[name])
    if differences:
        plan.changed.append(PersonPlan(row.email, row.name, row.line, differences))
    else:
        plan.unchanged.append(row.email)


def _plan_units(rows: list[PersonRow], parents: dict[str, str | None], plan: SyncPlan, problems: list) -> None:
    """New units, and existing units the file puts under another parent; a loop of parents is refused."""
    stated = {row.org_unit: (row.parent_unit, row.line) for row in rows if row.org_unit and row.parent_unit}
    wanted = dict(parents)
    lines = {}
    for row in rows:
        for unit in (row.parent_unit, row.org_unit):
            if unit and unit not in wanted:
                wanted[unit] = None
                lines[unit] = row.line
    for unit, (parent, line) in stated.items():
        wanted[unit] = parent
        if unit in parents and parents[unit] != parent:
            plan.units_moved.append((unit, parents[unit], parent))
    for unit, (parent, line) in stated.items():
        if _loops(unit, wanted):
            problems.append(Problem(line, "parent_unit", N_("{unit} under {parent} makes a loop of units."),
                                    {"unit": unit, "parent": parent}))
    plan.units_added = [(unit, wanted[unit]) for unit in _parents_first([u for u in wanted if u not in parents], wanted)]


def _loops(unit: str, parent_of: dict[str, str | None]) -> bool:
    seen, current = set(), unit
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def _parents_first(new_units: list[str], parent_of: dict[str, str | None]) -> list[str]:
    ordered: list[str] = []

    def visit(unit: str, depth: int = 0) -> None:
        if unit in ordered or unit not in new_units or depth > len(new_units):
            return
        if parent_of.get(unit):
            visit(parent_of[unit], depth + 1)
        ordered.append(unit)

    for unit in sorted(new_units):
        visit(unit)
    return ordered


def apply_sync(turn: Turn, rows: list[PersonRow], plan: SyncPlan, by: people.ChangedBy, *,
               only_additions: bool = False) -> None:
    """Apply a plan in the turn's unit of work; a refusal names the line it came from."""
    session = turn.session
    for unit, parent in plan.units_added:
        directory.add_org_unit(session=session, name=unit, parent=parent)
    for unit, _old, parent in ([] if only_additions else plan.units_moved):
        session.scalar(select(OrgUnit).where(OrgUnit.name == unit)).parent_id = session.scalar(
            select(OrgUnit.id).where(OrgUnit.name == parent))
    by_email = {row.email: row for row in rows}
    _add_all(turn, [by_email[item.email] for item in plan.added], plan.added, by)
    steps = [] if only_additions else [(item, _change_except_revokes) for item in plan.changed]
    steps += [] if only_additions else [(item, _revoke) for item in plan.changed]
    for item, step in steps:
        _at_line(item.line, lambda: step(turn, item, by_email[item.email], by))
    for item in ([] if only_additions else plan.deactivated):
        _at_line(0, lambda: people_flow.deactivate(turn, item.email, by))
    session.flush()


def _at_line(line: int, action) -> None:
    try:
        action()
    except UserError as problem:
        raise CsvRefused([Problem(line, "", problem.msgid, problem.params)]) from problem


def _add_all(turn: Turn, rows: list[PersonRow], items: list[PersonPlan], by: people.ChangedBy) -> None:
    """New people in a few statements (5,000 in one sync), then their roles, managers and records."""
    if not rows:
        return
    session = turn.session
    units = dict(session.execute(select(OrgUnit.name, OrgUnit.id)).all())
    session.execute(insert(Person.__table__), [
        {"email": row.email, "name": row.name, "locale": row.locale, "org_unit_id": units.get(row.org_unit),
         "timezone": "Europe/Warsaw", "locale_chosen": False, "active": True, "scim_deleted": False}
        for row in rows])
    managers = {row.manager_email for row in rows if row.manager_email}
    ids = dict(session.execute(select(Person.email, Person.id)
                               .where(Person.email.in_(sorted({r.email for r in rows} | managers)))).all())
    session.execute(insert(PersonRole.__table__), [{"person_id": ids[row.email], "role": role}
                                                   for row in rows for role in row.roles])
    with_manager = [{"pid": ids[row.email], "mid": ids[row.manager_email]} for row in rows if row.manager_email]
    if with_manager:
        session.execute(update(Person.__table__).where(Person.__table__.c.id == bindparam("pid"))
                        .values(manager_id=bindparam("mid")), with_manager)
    if items:
        session.execute(insert(DirectoryChange.__table__), [
            {"at": turn.now, "actor": by.actor, "source": by.source, "action": "added", "person_email": item.email,
             "detail": _describe(item.differences)} for item in items])


def _change_except_revokes(turn: Turn, item: PersonPlan, row: PersonRow, by: people.ChangedBy) -> None:
    session, person = turn.session, turn.session.scalar(select(Person).where(Person.email == row.email))
    for difference in item.differences:
        if difference.field == "active":
            people.reactivate(session=session, email=row.email, by=by, now=turn.now)
        elif difference.field == "roles":
            for role in set(difference.new.split(";")) - set(difference.old.split(";")) - {""}:
                people.grant(session=session, email=row.email, role=role, by=by, now=turn.now)
        elif difference.field == "org_unit":
            person.org_unit_id = session.scalar(select(OrgUnit.id).where(OrgUnit.name == difference.new))
        elif difference.field == "manager_email":
            person.manager_id = session.scalar(select(Person.id).where(Person.email == difference.new))
        else:
            setattr(person, difference.field, difference.new)
    session.flush()
    people.record(session, by, turn.now, "changed", row.email, _describe(item.differences))


def _revoke(turn: Turn, item: PersonPlan, row: PersonRow, by: people.ChangedBy) -> None:
    for difference in item.differences:
        if difference.field == "roles":
            for role in set(difference.old.split(";")) - set(difference.new.split(";")) - {""}:
                people.revoke(session=turn.session, email=row.email, role=role, by=by, now=turn.now)


def _describe(differences: tuple[Difference, ...]) -> str:
    return "; ".join(f"{d.field}: {d.old or '-'} -> {d.new or '-'}" for d in differences)
