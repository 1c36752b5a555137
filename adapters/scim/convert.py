"""SCIM resources (scim2-models) to and from the directory: a User is a person (userName = the e-mail
people use in Slack or Teams; the enterprise extension's department = their org unit, manager = their
manager); a Group is a group the identity provider pushes, whose name may map to a role. The directory's
side is bot/services/scim_directory.py: its read models in, PersonFields out."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from scim2_models import Meta, Resource

from bot.i18n import normalise_locale
from bot.services.directory import normalise_email
from bot.services.scim_directory import PersonFields, ProvisionedGroup, ProvisionedUser

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)  # meta.created of people who came before SCIM


def fields_of_user(user: Resource) -> PersonFields:
    data = user.model_dump(mode="json")
    email = normalise_email(data.get("userName") or "")
    name_parts = data.get("name") or {}
    given = " ".join(part for part in (name_parts.get("givenName"), name_parts.get("familyName")) if part)
    name = data.get("displayName") or name_parts.get("formatted") or given or email.split("@")[0]
    extension = data.get(ENTERPRISE) or {}
    manager = (extension.get("manager") or {}).get("value")
    return PersonFields(
        email=email, name=str(name).strip()[:200], external_id=data.get("externalId"),
        active=data.get("active") is not False,
        locale=normalise_locale(data.get("preferredLanguage") or data.get("locale")),
        department=(extension.get("department") or "").strip() or None,
        manager_id=int(manager) if manager and str(manager).isdigit() else None,
    )


def stored_json(resource: Resource) -> str:
    """The attributes the provider sent, kept so that they round-trip (never a password)."""
    return json.dumps(resource.model_dump(mode="json", exclude={"meta", "id", "password"}), ensure_ascii=False)


def user_of(model: type[Resource], user: ProvisionedUser) -> Resource:
    """What the provider sent, with the directory's values over it (a CSV sync or chat may change them)."""
    data = json.loads(user.stored) if user.stored else {"schemas": [USER], "displayName": user.name,
                                                        "name": {"formatted": user.name},
                                                        "preferredLanguage": user.locale}
    data.update(id=str(user.id), userName=user.email, externalId=user.external_id)
    if "displayName" in data:
        data["displayName"] = user.name
    if "active" in data or not user.active or not user.stored:
        data["active"] = user.active
    if not data.get("emails") and "@" in user.email:
        data["emails"] = [{"value": user.email, "primary": True, "type": "work"}]
    extension = dict(data.get(ENTERPRISE) or {})
    extension.pop("department", None)
    if user.department:
        extension["department"] = user.department
    if not user.manager_id:
        extension.pop("manager", None)
    elif (extension.get("manager") or {}).get("value") != str(user.manager_id):
        extension["manager"] = {"value": str(user.manager_id)}
    data.pop(ENTERPRISE, None)
    schemas = [schema for schema in data.get("schemas", [USER]) if schema != ENTERPRISE]
    if {key: value for key, value in extension.items() if key != "schemas"}:
        data[ENTERPRISE], schemas = extension, schemas + [ENTERPRISE]
    data["schemas"] = schemas
    return _with_meta(model.model_validate(_without_none(data)), "User", None, user.modified)


def group_of(model: type[Resource], group: ProvisionedGroup) -> Resource:
    data = json.loads(group.stored) if group.stored else {"schemas": [GROUP]}
    data.update(id=group.id, displayName=group.display_name, externalId=group.external_id)
    sent = {str(member.get("value")): member for member in data.get("members") or ()}
    data["members"] = [{"display": name, **sent.get(str(person_id), {}), "value": str(person_id)}
                       for person_id, name in group.members] or None
    return _with_meta(model.model_validate(_without_none(data)), "Group", group.created, group.modified)


def member_ids(group: Resource) -> set[int]:
    members = group.model_dump(mode="json").get("members") or ()
    return {int(member["value"]) for member in members if str(member.get("value") or "").isdigit()}


def _without_none(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None}


def _with_meta(resource, resource_type: str, created: datetime | None, modified: datetime | None):
    content = json.dumps(resource.model_dump(mode="json", exclude={"meta"}), sort_keys=True, default=str)
    resource.meta = Meta(resource_type=resource_type, created=created or EPOCH,
                         last_modified=modified or created or EPOCH,
                         version=f'W/"{hashlib.sha256(content.encode()).hexdigest()[:16]}"')
    return resource
