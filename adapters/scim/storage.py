"""The directory as a scim2-server storage: the server does the protocol (validation, PATCH as Entra ID
and Okta send it, filters, ETags, errors); this storage reads and writes people and groups through the
directory's services, inside one turn per request (so a leaver's returned assignments are told to
governance through the outbox, and every change is recorded as made by "scim").

DELETE of a User deactivates the person and hides them from SCIM: their reports keep their place.
"""
from __future__ import annotations

import re
import uuid
from typing import Any, Union

from scim2_models import (InvalidValueException, NotFoundException, NotImplementedException,
                          PreconditionFailedException, Resource, ResourceType, ScimFilter, SearchRequest,
                          UniquenessException)
from scim2_server.storage import ScimStorage, SearchPage
from scim2_server.utils import parametrize
from sqlalchemy import select

from adapters.scim import convert, writes
from bot.turn import Turn
from storage.models import OrgUnit, Person, ScimGroup, ScimGroupMember

USER_NAME_EQ = re.compile(r'^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


class DirectoryStorage(ScimStorage):
    def __init__(self, turn: Turn, group_roles: dict[str, str], models: dict[str, type[Resource[Any]]]) -> None:
        self.models = models  # the provider's User (with the enterprise extension) and Group models
        self.turn = turn
        self.session = turn.session
        self.group_roles = group_roles  # a group's display name (lower case) -> role

    # -- reading ---------------------------------------------------------------------------------
    def get(self, resource_type: ResourceType, resource_id: str, *, response_parameters=None) -> Resource[Any]:
        if resource_type.name == "User":
            return self._user(self._person(resource_id))
        return self._group(self._group_row(resource_id))

    def search(self, resource_types: list[ResourceType], search_request: SearchRequest[Any], *,
               position: Any = None) -> SearchPage:
        if len({rt.name for rt in resource_types}) != 1:
            raise NotImplementedException(detail="Search one resource type at a time: /Users or /Groups.")
        found = self._candidates(resource_types[0].name, search_request.filter)
        scim_filter = search_request.filter
        if scim_filter is not None and not scim_filter.models and found:
            models = tuple(dict.fromkeys(type(resource) for resource in found))
            scim_filter = parametrize(ScimFilter, Union[models])(str(scim_filter))  # noqa: UP007
        found = [resource for resource in found if scim_filter is None or scim_filter.match(resource)]
        start = search_request.start_index_0 or 0
        stop = None if search_request.count is None else start + search_request.count
        return SearchPage(len(found), found[start:stop])

    def _candidates(self, name: str, scim_filter) -> list[Resource[Any]]:
        if name == "Group":
            return [self._group(group) for group in self.session.scalars(select(ScimGroup).order_by(ScimGroup.id))]
        query = select(Person).where(Person.scim_deleted.is_(False)).order_by(Person.id)
        wanted = USER_NAME_EQ.match(str(scim_filter)) if scim_filter is not None else None
        if wanted:  # Entra ID and Okta ask this before every create: one row, not the whole directory
            query = query.where(Person.email == wanted.group(1).replace('\\"', '"').strip().lower())
        return [self._user(person) for person in self.session.scalars(query)]

    def _person(self, resource_id: str) -> Person:
        person = self.session.get(Person, int(resource_id)) if resource_id.isdigit() else None
        if person is None or person.scim_deleted:
            raise NotFoundException(detail=f"No user {resource_id}.")
        return person

    def _group_row(self, resource_id: str) -> ScimGroup:
        group = self.session.get(ScimGroup, resource_id)
        if group is None:
            raise NotFoundException(detail=f"No group {resource_id}.")
        return group

    def _user(self, person: Person) -> Resource[Any]:
        unit = self.session.get(OrgUnit, person.org_unit_id) if person.org_unit_id else None
        return convert.user_of(self.models["User"], person_id=person.id, email=person.email, name=person.name,
                               external_id=person.external_id, active=bool(person.active), locale=person.locale,
                               department=unit.name if unit else None, manager_id=person.manager_id,
                               modified=person.updated_at, stored=person.scim_resource)

    def _group(self, group: ScimGroup) -> Resource[Any]:
        members = self.session.execute(
            select(Person.id, Person.name).join(ScimGroupMember, ScimGroupMember.person_id == Person.id)
            .where(ScimGroupMember.group_id == group.id).order_by(Person.id)).all()
        return convert.group_of(self.models["Group"], group_id=group.id, display_name=group.display_name, external_id=group.external_id,
                                members=[(pid, name) for pid, name in members], created=group.created_at,
                                modified=group.updated_at, stored=group.scim_resource)

    # -- writing ---------------------------------------------------------------------------------
    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        with writes.refusals():
            if resource_type.name == "User":
                person = writes.create_person(self.turn, convert.fields_of_user(resource), convert.stored_json(resource))
                return self._user(person)
            if self.session.scalar(select(ScimGroup.id).where(ScimGroup.display_name == resource.display_name)):
                raise UniquenessException(detail=f"A group called {resource.display_name} exists.")
            group = ScimGroup(id=uuid.uuid4().hex, display_name=resource.display_name or "",
                              external_id=resource.external_id, role=self._role_of(resource.display_name),
                              created_at=self.turn.now, updated_at=self.turn.now,
                              scim_resource=convert.stored_json(resource))
            if not group.display_name:
                raise InvalidValueException(detail="A group needs a displayName.")
            self.session.add(group)
            self.session.flush()
            writes.set_members(self.turn, group, convert.member_ids(resource))
            return self._group(group)

    def update(self, resource_type: ResourceType, resource: Resource[Any], *,
               expected_version: str | None = None) -> Resource[Any]:
        current = self.get(resource_type, resource.id)
        if expected_version is not None and current.meta.version != expected_version:
            raise PreconditionFailedException(detail="The resource changed since you read it.")
        with writes.refusals():
            if resource_type.name == "User":
                person = writes.update_person(self.turn, self._person(resource.id), convert.fields_of_user(resource),
                                              convert.stored_json(resource))
                return self._user(person)
            group = self._group_row(resource.id)
            writes.rename_group(self.turn, group, resource.display_name, resource.external_id,
                                self._role_of(resource.display_name))
            writes.set_members(self.turn, group, convert.member_ids(resource))
            group.scim_resource = convert.stored_json(resource)
            return self._group(group)

    def delete(self, resource_type: ResourceType, resource_id: str, *, expected_version: str | None = None) -> None:
        current = self.get(resource_type, resource_id)
        if expected_version is not None and current.meta.version != expected_version:
            raise PreconditionFailedException(detail="The resource changed since you read it.")
        with writes.refusals():
            if resource_type.name == "User":
                writes.delete_person(self.turn, self._person(resource_id))
            else:
                group = self._group_row(resource_id)
                writes.set_members(self.turn, group, set())
                self.session.delete(group)
                self.session.flush()

    def _role_of(self, display_name: str | None) -> str | None:
        return self.group_roles.get((display_name or "").strip().lower())
