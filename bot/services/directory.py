"""The organisation directory: org units as a tree, people, managers and roles."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import N_, UserError
from storage.models import OrgUnit, Person, PersonRole

ROLES = ("employee", "manager", "owner", "governance_admin")


@dataclass(frozen=True)
class PersonView:
    id: int
    email: str
    name: str
    locale: str | None
    roles: frozenset[str]
    org_unit: str | None
    locale_chosen: bool = False
    active: bool = True  # false: deactivated (left the organisation); kept so that their reports keep their place
    timezone: str | None = None  # IANA name; times shown to the person are in it

    def has_role(self, role: str) -> bool:
        return role in self.roles


def normalise_email(email: str) -> str:
    return email.strip().lower()


def add_org_unit(*, session: Session, name: str, parent: str | None = None) -> int:
    parent_id = None
    if parent is not None:
        parent_id = _unit_id(session, parent)
    unit = OrgUnit(name=name, parent_id=parent_id)
    session.add(unit)
    session.flush()
    return unit.id


def org_unit_exists(*, session: Session, name: str) -> bool:
    return _find_unit_id(session, name) is not None


def ensure_org_unit(*, session: Session, name: str) -> int:
    """The id of the org unit of this name, made (at the top of the tree) when there is none."""
    unit_id = _find_unit_id(session, name)
    return unit_id if unit_id is not None else add_org_unit(session=session, name=name)


def _find_unit_id(session: Session, name: str) -> int | None:
    return session.scalar(select(OrgUnit.id).where(OrgUnit.name == name))


def _unit_id(session: Session, name: str) -> int:
    unit_id = _find_unit_id(session, name)
    if unit_id is None:
        raise UserError(N_("There is no org unit called {name}."), name=name)
    return unit_id


def add_person(
    *,
    session: Session,
    email: str,
    name: str,
    org_unit: str | None = None,
    manager_email: str | None = None,
    roles: tuple[str, ...] = ("employee",),
    locale: str | None = None,
) -> PersonView:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise UserError(N_("Unknown role {role}; use one of: {roles}."), role=sorted(unknown)[0], roles=", ".join(ROLES))
    person = Person(
        email=normalise_email(email),
        name=name,
        locale=locale,
        org_unit_id=_unit_id(session, org_unit) if org_unit else None,
        manager_id=_person_row(session, manager_email).id if manager_email else None,
    )
    session.add(person)
    session.flush()
    session.add_all(PersonRole(person_id=person.id, role=role) for role in sorted(set(roles)))
    session.flush()
    return get_person(session=session, email=person.email)


def _person_row(session: Session, email: str) -> Person:
    person = session.scalar(select(Person).where(Person.email == normalise_email(email)))
    if person is None:
        raise UserError(N_("Nobody with the e-mail {email} is in the directory."), email=email)
    return person


def find_person(*, session: Session, email: str) -> PersonView | None:
    row = session.execute(
        select(Person, OrgUnit.name).outerjoin(OrgUnit, OrgUnit.id == Person.org_unit_id)
        .where(Person.email == normalise_email(email))
    ).first()
    return _view(session, row[0], row[1]) if row else None


def recipients_settings(*, session: Session, emails: list[str]) -> dict[str, tuple[str | None, str | None, bool]]:
    """(locale, time zone, active) of each of these people who is in the directory, by normalised
    e-mail, in one query per thousand (a fan-out to everyone asks once, not once a person)."""
    wanted = sorted({normalise_email(email) for email in emails})
    found: dict[str, tuple[str | None, str | None, bool]] = {}
    for start in range(0, len(wanted), 1000):
        query = (select(Person.email, Person.locale, Person.timezone, Person.active)
                 .where(Person.email.in_(wanted[start:start + 1000])))
        found.update((email, (locale, zone, bool(active))) for email, locale, zone, active in session.execute(query))
    return found


def get_person(*, session: Session, email: str) -> PersonView:
    return _view(session, _person_row(session, email))


_NO_UNIT = object()


def _view(session: Session, person: Person, unit_name=_NO_UNIT) -> PersonView:
    roles = frozenset(session.scalars(select(PersonRole.role).where(PersonRole.person_id == person.id)))
    if unit_name is _NO_UNIT:
        unit = session.get(OrgUnit, person.org_unit_id) if person.org_unit_id else None
        unit_name = unit.name if unit else None
    return PersonView(id=person.id, email=person.email, name=person.name, locale=person.locale, roles=roles,
                      org_unit=unit_name, locale_chosen=bool(person.locale_chosen), active=bool(person.active),
                      timezone=person.timezone)


def require_role(*, session: Session, email: str, role: str, refusal: str) -> PersonView:
    """The person, if they are active and hold the role; otherwise the refusal (a msgid)."""
    person = get_person(session=session, email=email)
    if not person.active or not person.has_role(role):
        raise UserError(refusal)
    return person


def set_manager(*, session: Session, email: str, manager_email: str) -> None:
    _person_row(session, email).manager_id = _person_row(session, manager_email).id


def set_locale(*, session: Session, email: str, locale: str) -> None:
    """The person's own choice (/xgov language): it wins over the chat platform's language."""
    person = _person_row(session, email)
    person.locale = locale
    person.locale_chosen = True


def follow_platform_locale(*, session: Session, email: str, locale: str) -> None:
    """Take the language the chat platform reports, unless the person chose one with /xgov language."""
    person = _person_row(session, email)
    if not person.locale_chosen:
        person.locale = locale


def unit_and_descendants(*, session: Session, unit_name: str) -> list[int]:
    """Ids of an org unit and every unit below it."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in session.execute(select(OrgUnit.id, OrgUnit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    found, stack = [], [_unit_id(session, unit_name)]
    while stack:
        unit_id = stack.pop()
        found.append(unit_id)
        stack.extend(children.get(unit_id, []))
    return sorted(found)


def unit_tree(*, session: Session) -> dict[str, list[str]]:
    """Every org unit's name -> the names of itself and all units below it."""
    rows = session.execute(select(OrgUnit.id, OrgUnit.name, OrgUnit.parent_id)).all()
    names = {unit_id: name for unit_id, name, _parent in rows}
    children: dict[int | None, list[int]] = {}
    for unit_id, _name, parent_id in rows:
        children.setdefault(parent_id, []).append(unit_id)

    def below(unit_id: int) -> list[str]:
        found = [names[unit_id]]
        for child in children.get(unit_id, []):
            found += below(child)
        return found

    return {names[unit_id]: sorted(below(unit_id)) for unit_id in names}
