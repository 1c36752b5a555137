"""The directory as a scim2-server storage: the server does the protocol (validation, PATCH as Entra ID
and Okta send it, filters, ETags, errors); this storage reads and writes people and groups through the
directory's services, inside one turn per request (so a leaver's returned assignments are told to
governance through the outbox, and every change is recorded as made by "scim").

DELETE of a User deactivates the person and hides them from SCIM: their reports keep their place.
"""
from __future__ import annotations

import re
from typing import Any, Union

from scim2_models import (NotFoundException, NotImplementedException, PreconditionFailedException, Resource,
                          ResourceType, ScimFilter, SearchRequest)
from scim2_server.storage import ScimStorage, SearchPage
from scim2_server.utils import parametrize

from adapters.scim import convert, writes
from bot.services import scim_directory
from bot.turn import Turn

USER_NAME_EQ = re.compile(r'^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


class DirectoryStorage(ScimStorage):
    def __init__(self, turn: Turn, group_roles: dict[str, str], models: dict[str, type[Resource[Any]]]) -> None:
        self.models = models  # the provider's User (with the enterprise extension) and Group models
        self.turn = turn
        self.session = turn.session
        self.group_roles = group_roles  # a group's display name (lower case) -> role

    # -- reading ---------------------------------------------------------------------------------
    def get(self, resource_type: ResourceType, resource_id: str, *, response_parameters=None) -> Resource[Any]:
        with writes.refusals():
            if resource_type.name == "User":
                return self._user(scim_directory.user(session=self.session, person_id=self._person_id(resource_id)))
            return self._group(scim_directory.group(session=self.session, group_id=resource_id))

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
            return [self._group(group) for group in scim_directory.groups(session=self.session)]
        wanted = USER_NAME_EQ.match(str(scim_filter)) if scim_filter is not None else None
        email = wanted.group(1).replace('\\"', '"') if wanted else None  # one row, not the whole directory
        return [self._user(user) for user in scim_directory.users(session=self.session, email=email)]

    @staticmethod
    def _person_id(resource_id: str) -> int:
        if not resource_id.isdigit():
            raise NotFoundException(detail=f"No user {resource_id}.")
        return int(resource_id)

    def _user(self, user: scim_directory.ProvisionedUser) -> Resource[Any]:
        return convert.user_of(self.models["User"], user)

    def _group(self, group: scim_directory.ProvisionedGroup) -> Resource[Any]:
        return convert.group_of(self.models["Group"], group)

    # -- writing ---------------------------------------------------------------------------------
    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        with writes.refusals():
            if resource_type.name == "User":
                return self._user(writes.create_person(self.turn, convert.fields_of_user(resource),
                                                       convert.stored_json(resource)))
            return self._group(scim_directory.create_group(
                session=self.session, display_name=resource.display_name, external_id=resource.external_id,
                role=self._role_of(resource.display_name), member_ids=convert.member_ids(resource),
                stored=convert.stored_json(resource), now=self.turn.now))

    def update(self, resource_type: ResourceType, resource: Resource[Any], *,
               expected_version: str | None = None) -> Resource[Any]:
        current = self.get(resource_type, resource.id)
        if expected_version is not None and current.meta.version != expected_version:
            raise PreconditionFailedException(detail="The resource changed since you read it.")
        with writes.refusals():
            if resource_type.name == "User":
                return self._user(writes.update_person(self.turn, self._person_id(resource.id),
                                                       convert.fields_of_user(resource), convert.stored_json(resource)))
            return self._group(scim_directory.update_group(
                session=self.session, group_id=resource.id, display_name=resource.display_name,
                external_id=resource.external_id, role=self._role_of(resource.display_name),
                member_ids=convert.member_ids(resource), stored=convert.stored_json(resource), now=self.turn.now))

    def delete(self, resource_type: ResourceType, resource_id: str, *, expected_version: str | None = None) -> None:
        current = self.get(resource_type, resource_id)
        if expected_version is not None and current.meta.version != expected_version:
            raise PreconditionFailedException(detail="The resource changed since you read it.")
        with writes.refusals():
            if resource_type.name == "User":
                writes.delete_person(self.turn, self._person_id(resource_id))
            else:
                scim_directory.delete_group(session=self.session, group_id=resource_id, now=self.turn.now)

    def _role_of(self, display_name: str | None) -> str | None:
        return self.group_roles.get((display_name or "").strip().lower())
