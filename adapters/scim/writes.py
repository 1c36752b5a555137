"""What a SCIM write does to the directory, through its services (each change recorded as by "scim")."""
from __future__ import annotations

from contextlib import contextmanager

from scim2_models import InvalidValueException, UniquenessException
from sqlalchemy import delete, select

from adapters.scim.convert import PersonFields
from bot.errors import UserError
from bot.flows import people as people_flow
from bot.i18n import translator
from bot.services import directory, people
from bot.turn import Turn
from storage.models import OrgUnit, Person, ScimGroup, ScimGroupMember

BY_SCIM = people.ChangedBy("scim", "scim")


@contextmanager
def refusals():
    """A refusal of the directory (the last governance admin, an unknown unit...) is a SCIM 400."""
    try:
        yield
    except UserError as refusal:
        raise InvalidValueException(detail=translator("en")(refusal.msgid, **refusal.params)) from refusal


def create_person(turn: Turn, fields: PersonFields, stored: str) -> Person:
    if not fields.email:  # the e-mail people use in Slack or Teams: other values reach nobody in chat
        raise InvalidValueException(detail="userName is required: the e-mail address people use in Slack or Teams.")
    person = turn.session.scalar(select(Person).where(Person.email == fields.email))
    if person is not None and not person.scim_deleted:
        raise UniquenessException(detail=f"{fields.email} is in the directory already; find it with "
                                         f'filter=userName eq "{fields.email}".')
    if person is None:
        directory.add_person(session=turn.session, email=fields.email, name=fields.name, roles=("employee",))
        person = turn.session.scalar(select(Person).where(Person.email == fields.email))
        people.record(turn.session, BY_SCIM, turn.now, "added", fields.email)
    person.scim_deleted = False
    return update_person(turn, person, fields, stored)


def update_person(turn: Turn, person: Person, fields: PersonFields, stored: str) -> Person:
    session, changed = turn.session, []
    person.scim_resource = stored
    if fields.email != person.email:
        if not fields.email or session.scalar(select(Person.id).where(Person.email == fields.email)):
            raise UniquenessException(detail=f"{fields.email} cannot be this user's userName.")
        changed.append(f"email: {person.email} -> {fields.email}")
        person.email = fields.email
    for column, value in (("name", fields.name), ("external_id", fields.external_id)):
        if getattr(person, column) != value:
            setattr(person, column, value)
            changed.append(column)
    if fields.locale and fields.locale != person.locale and not person.locale_chosen:
        person.locale = fields.locale
        changed.append(f"locale: {fields.locale}")
    unit_id = _unit_id(turn, fields.department) if fields.department else None
    if unit_id != person.org_unit_id:
        person.org_unit_id = unit_id
        changed.append(f"org_unit: {fields.department or '-'}")
    manager_id = fields.manager_id if fields.manager_id and session.get(Person, fields.manager_id) else None
    if manager_id != person.manager_id and manager_id != person.id:
        person.manager_id = manager_id
        changed.append("manager")
    person.updated_at = turn.now
    session.flush()
    if changed:
        people.record(session, BY_SCIM, turn.now, "changed", person.email, "; ".join(changed))
    _follow_active(turn, person, fields.active)
    return person


def _follow_active(turn: Turn, person: Person, active: bool) -> None:
    if active and not person.active:
        people.reactivate(session=turn.session, email=person.email, by=BY_SCIM, now=turn.now)
    elif not active and person.active:
        people_flow.deactivate(turn, person.email, BY_SCIM)


def _unit_id(turn: Turn, name: str) -> int:
    unit_id = turn.session.scalar(select(OrgUnit.id).where(OrgUnit.name == name))
    return unit_id if unit_id is not None else directory.add_org_unit(session=turn.session, name=name[:200])


def delete_person(turn: Turn, person: Person) -> None:
    """Deactivated and hidden from SCIM, never removed: their reports keep their place."""
    for group in turn.session.scalars(select(ScimGroup).join(ScimGroupMember, ScimGroupMember.group_id == ScimGroup.id)
                                      .where(ScimGroupMember.person_id == person.id)).all():
        members = set(turn.session.scalars(select(ScimGroupMember.person_id).where(ScimGroupMember.group_id == group.id)))
        set_members(turn, group, members - {person.id})
    _follow_active(turn, person, False)
    person.scim_deleted = True
    person.updated_at = turn.now


def rename_group(turn: Turn, group: ScimGroup, display_name: str | None, external_id: str | None,
                 role: str | None) -> None:
    if not display_name:
        raise InvalidValueException(detail="A group needs a displayName.")
    taken = turn.session.scalar(select(ScimGroup.id).where(ScimGroup.display_name == display_name,
                                                           ScimGroup.id != group.id))
    if taken:
        raise UniquenessException(detail=f"A group called {display_name} exists.")
    if role != group.role:  # the members lose the old group's role and get the new one
        members = set(turn.session.scalars(select(ScimGroupMember.person_id).where(ScimGroupMember.group_id == group.id)))
        set_members(turn, group, set())
        group.role = role
        set_members(turn, group, members)
    group.display_name, group.external_id, group.updated_at = display_name, external_id, turn.now


def set_members(turn: Turn, group: ScimGroup, wanted: set[int]) -> None:
    """A group's members; a group mapped to a role grants it to who joins and revokes it from who leaves
    (unless another group of the same role keeps them in it)."""
    session = turn.session
    known = {pid for pid in wanted if (p := session.get(Person, pid)) is not None and not p.scim_deleted}
    current = set(session.scalars(select(ScimGroupMember.person_id).where(ScimGroupMember.group_id == group.id)))
    for person_id in sorted(known - current):
        session.add(ScimGroupMember(group_id=group.id, person_id=person_id))
        if group.role:
            people.grant(session=session, email=session.get(Person, person_id).email, role=group.role, by=BY_SCIM,
                         now=turn.now)
    gone = sorted(current - known)
    if gone:
        session.execute(delete(ScimGroupMember).where(ScimGroupMember.group_id == group.id,
                                                      ScimGroupMember.person_id.in_(gone)))
    session.flush()
    for person_id in gone:
        if group.role and not _in_another_group_of(turn, person_id, group):
            people.revoke(session=session, email=session.get(Person, person_id).email, role=group.role, by=BY_SCIM,
                          now=turn.now)
    if known != current:
        group.updated_at = turn.now


def _in_another_group_of(turn: Turn, person_id: int, group: ScimGroup) -> bool:
    query = (select(ScimGroupMember.group_id).join(ScimGroup, ScimGroup.id == ScimGroupMember.group_id)
             .where(ScimGroupMember.person_id == person_id, ScimGroup.role == group.role, ScimGroup.id != group.id))
    return turn.session.scalar(query) is not None
