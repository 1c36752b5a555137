"""The directory as an identity provider (Entra ID, Okta) provisions it over SCIM: people it may see and
change, and the groups it pushes, whose name may map to a role. Read models only leave this module; the
SCIM protocol (resources, PATCH, filters, errors) is the adapter's (adapters/scim/).

A person the provider deletes stays in the directory, hidden from it (``scim_deleted``): their reports keep
their place. Every change is recorded in ``directory_changes`` as made by "scim".
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.services import directory, people
from storage.models import OrgUnit, Person, ScimGroup, ScimGroupMember

BY_SCIM = people.ChangedBy("scim", "scim")


class ScimRefusal(Exception):
    """A provisioning request the directory refuses; ``detail`` tells the provider's admin why (English)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotInDirectory(ScimRefusal):
    """No such user or group (or the user was deleted by the provider)."""


class AlreadyTaken(ScimRefusal):
    """Another user has this e-mail, or another group this name."""


class MissingValue(ScimRefusal):
    """A value the directory needs is empty."""


@dataclass(frozen=True)
class PersonFields:
    """What a provider says of a person, in the directory's terms."""

    email: str
    name: str
    external_id: str | None
    active: bool
    locale: str | None
    department: str | None
    manager_id: int | None


@dataclass(frozen=True)
class ProvisionedUser:
    id: int
    email: str
    name: str
    external_id: str | None
    active: bool
    locale: str | None
    department: str | None  # the name of their org unit
    manager_id: int | None
    modified: datetime | None
    stored: str | None  # the other attributes the provider sent (JSON), so that they round-trip


@dataclass(frozen=True)
class ProvisionedGroup:
    id: str
    display_name: str
    external_id: str | None
    members: tuple[tuple[int, str], ...]  # (person id, name), by id
    created: datetime
    modified: datetime
    stored: str | None


# -- reading -------------------------------------------------------------------------------------------
def _user_query():
    return (select(Person, OrgUnit.name).outerjoin(OrgUnit, OrgUnit.id == Person.org_unit_id)
            .where(Person.scim_deleted.is_(False)).order_by(Person.id))


def _user_view(person: Person, unit_name: str | None) -> ProvisionedUser:
    return ProvisionedUser(id=person.id, email=person.email, name=person.name, external_id=person.external_id,
                           active=bool(person.active), locale=person.locale, department=unit_name,
                           manager_id=person.manager_id, modified=person.updated_at, stored=person.scim_resource)


def users(*, session: Session, email: str | None = None) -> list[ProvisionedUser]:
    """Everyone the provider may see, by id; only the one with this e-mail when it is given (Entra ID and
    Okta ask before every create: one row, not the whole directory)."""
    query = _user_query()
    if email is not None:
        query = query.where(Person.email == directory.normalise_email(email))
    return [_user_view(person, unit_name) for person, unit_name in session.execute(query)]


def user(*, session: Session, person_id: int) -> ProvisionedUser:
    row = session.execute(_user_query().where(Person.id == person_id)).first()
    if row is None:
        raise NotInDirectory(f"No user {person_id}.")
    return _user_view(*row)


def _group_view(session: Session, group: ScimGroup) -> ProvisionedGroup:
    members = session.execute(
        select(Person.id, Person.name).join(ScimGroupMember, ScimGroupMember.person_id == Person.id)
        .where(ScimGroupMember.group_id == group.id).order_by(Person.id)).all()
    return ProvisionedGroup(id=group.id, display_name=group.display_name, external_id=group.external_id,
                            members=tuple((person_id, name) for person_id, name in members),
                            created=group.created_at, modified=group.updated_at, stored=group.scim_resource)


def groups(*, session: Session) -> list[ProvisionedGroup]:
    return [_group_view(session, group) for group in session.scalars(select(ScimGroup).order_by(ScimGroup.id))]


def group(*, session: Session, group_id: str) -> ProvisionedGroup:
    return _group_view(session, _group_row(session, group_id))


def _group_row(session: Session, group_id: str) -> ScimGroup:
    found = session.get(ScimGroup, group_id)
    if found is None:
        raise NotInDirectory(f"No group {group_id}.")
    return found


def _visible_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.scim_deleted:
        raise NotInDirectory(f"No user {person_id}.")
    return person


# -- people --------------------------------------------------------------------------------------------
def create_user(*, session: Session, fields: PersonFields, stored: str, now: datetime) -> ProvisionedUser:
    """A new employee, or one the provider deleted coming back. Whether they are active is the caller's
    to follow (a leaver's assignments are told to governance): see ProvisionedUser.active."""
    if not fields.email:  # the e-mail people use in Slack or Teams: other values reach nobody in chat
        raise MissingValue("userName is required: the e-mail address people use in Slack or Teams.")
    person = session.scalar(select(Person).where(Person.email == fields.email))
    if person is not None and not person.scim_deleted:
        raise AlreadyTaken(f"{fields.email} is in the directory already; find it with "
                           f'filter=userName eq "{fields.email}".')
    if person is None:
        directory.add_person(session=session, email=fields.email, name=fields.name, roles=("employee",))
        person = session.scalar(select(Person).where(Person.email == fields.email))
        people.record(session, BY_SCIM, now, "added", fields.email)
    person.scim_deleted = False
    return update_user(session=session, person_id=person.id, fields=fields, stored=stored, now=now)


def update_user(*, session: Session, person_id: int, fields: PersonFields, stored: str,
                now: datetime) -> ProvisionedUser:
    """Everything but whether they are active (the caller follows ``fields.active``)."""
    person, changed = _visible_person(session, person_id), []
    person.scim_resource = stored
    if fields.email != person.email:
        if not fields.email or session.scalar(select(Person.id).where(Person.email == fields.email)):
            raise AlreadyTaken(f"{fields.email} cannot be this user's userName.")
        changed.append(f"email: {person.email} -> {fields.email}")
        person.email = fields.email
    for column, value in (("name", fields.name), ("external_id", fields.external_id)):
        if getattr(person, column) != value:
            setattr(person, column, value)
            changed.append(column)
    if fields.locale and fields.locale != person.locale and not person.locale_chosen:
        person.locale = fields.locale
        changed.append(f"locale: {fields.locale}")
    changed += _place(session, person, fields)
    person.updated_at = now
    session.flush()
    if changed:
        people.record(session, BY_SCIM, now, "changed", person.email, "; ".join(changed))
    return user(session=session, person_id=person.id)


def _place(session: Session, person: Person, fields: PersonFields) -> list[str]:
    """Their org unit (made when new) and manager (when in the directory, and not themselves)."""
    changed = []
    unit_id = directory.ensure_org_unit(session=session, name=fields.department[:200]) if fields.department else None
    if unit_id != person.org_unit_id:
        person.org_unit_id = unit_id
        changed.append(f"org_unit: {fields.department or '-'}")
    manager_id = fields.manager_id if fields.manager_id and session.get(Person, fields.manager_id) else None
    if manager_id != person.manager_id and manager_id != person.id:
        person.manager_id = manager_id
        changed.append("manager")
    return changed


def leave_groups(*, session: Session, person_id: int, now: datetime) -> None:
    """Out of every pushed group (and the roles those groups gave), as before a provider's DELETE."""
    person = _visible_person(session, person_id)
    held = session.scalars(select(ScimGroup).join(ScimGroupMember, ScimGroupMember.group_id == ScimGroup.id)
                           .where(ScimGroupMember.person_id == person.id)).all()
    for joined in held:
        _set_members(session, joined, _member_ids(session, joined) - {person.id}, now)


def hide_user(*, session: Session, person_id: int, now: datetime) -> None:
    """The provider's DELETE: hidden from it, never removed (their reports keep their place)."""
    person = _visible_person(session, person_id)
    person.scim_deleted = True
    person.updated_at = now


# -- groups --------------------------------------------------------------------------------------------
def create_group(*, session: Session, display_name: str | None, external_id: str | None, role: str | None,
                 member_ids: set[int], stored: str, now: datetime) -> ProvisionedGroup:
    """A pushed group; ``role`` (its name mapped to a role, or None) is granted to its members."""
    _check_name(session, display_name, group_id=None)
    created = ScimGroup(id=uuid.uuid4().hex, display_name=display_name, external_id=external_id, role=role,
                        created_at=now, updated_at=now, scim_resource=stored)
    session.add(created)
    session.flush()
    _set_members(session, created, member_ids, now)
    return _group_view(session, created)


def update_group(*, session: Session, group_id: str, display_name: str | None, external_id: str | None,
                 role: str | None, member_ids: set[int], stored: str, now: datetime) -> ProvisionedGroup:
    """Renamed (a new role for its members when the new name maps to another), and its members set."""
    row = _group_row(session, group_id)
    _check_name(session, display_name, group_id=row.id)
    if role != row.role:  # the members lose the old group's role and get the new one
        members = _member_ids(session, row)
        _set_members(session, row, set(), now)
        row.role = role
        _set_members(session, row, members, now)
    row.display_name, row.external_id, row.updated_at = display_name, external_id, now
    _set_members(session, row, member_ids, now)
    row.scim_resource = stored
    return _group_view(session, row)


def delete_group(*, session: Session, group_id: str, now: datetime) -> None:
    row = _group_row(session, group_id)
    _set_members(session, row, set(), now)
    session.delete(row)
    session.flush()


def _check_name(session: Session, display_name: str | None, *, group_id: str | None) -> None:
    if not display_name:
        raise MissingValue("A group needs a displayName.")
    taken = session.scalar(select(ScimGroup.id).where(ScimGroup.display_name == display_name,
                                                      ScimGroup.id != (group_id or "")))
    if taken:
        raise AlreadyTaken(f"A group called {display_name} exists.")


def _member_ids(session: Session, of: ScimGroup) -> set[int]:
    return set(session.scalars(select(ScimGroupMember.person_id).where(ScimGroupMember.group_id == of.id)))


def _set_members(session: Session, of: ScimGroup, wanted: set[int], now: datetime) -> None:
    """A group mapped to a role grants it to who joins and revokes it from who leaves (unless another
    group of the same role keeps them in it). Ids of nobody (or of someone deleted) are left out."""
    known = {pid for pid in wanted if (p := session.get(Person, pid)) is not None and not p.scim_deleted}
    current = _member_ids(session, of)
    for person_id in sorted(known - current):
        session.add(ScimGroupMember(group_id=of.id, person_id=person_id))
        if of.role:
            people.grant(session=session, email=session.get(Person, person_id).email, role=of.role, by=BY_SCIM,
                         now=now)
    gone = sorted(current - known)
    if gone:
        session.execute(delete(ScimGroupMember).where(ScimGroupMember.group_id == of.id,
                                                      ScimGroupMember.person_id.in_(gone)))
    session.flush()
    for person_id in gone:
        if of.role and not _in_another_group_of(session, person_id, of):
            people.revoke(session=session, email=session.get(Person, person_id).email, role=of.role, by=BY_SCIM,
                          now=now)
    if known != current:
        of.updated_at = now


def _in_another_group_of(session: Session, person_id: int, of: ScimGroup) -> bool:
    query = (select(ScimGroupMember.group_id).join(ScimGroup, ScimGroup.id == ScimGroupMember.group_id)
             .where(ScimGroupMember.person_id == person_id, ScimGroup.role == of.role, ScimGroup.id != of.id))
    return session.scalar(query) is not None
