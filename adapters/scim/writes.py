"""What a SCIM write does to the directory, through its services (each change recorded as by "scim"), and
the directory's refusals as SCIM errors."""
from __future__ import annotations

from contextlib import contextmanager

from scim2_models import InvalidValueException, NotFoundException, UniquenessException

from bot.errors import UserError
from bot.flows import people as people_flow
from bot.i18n import translator
from bot.services import people, scim_directory
from bot.services.scim_directory import BY_SCIM, PersonFields, ProvisionedUser
from bot.turn import Turn

REFUSED_AS = ((scim_directory.NotInDirectory, NotFoundException), (scim_directory.AlreadyTaken, UniquenessException),
              (scim_directory.MissingValue, InvalidValueException))


@contextmanager
def refusals():
    """A refusal of the directory is a SCIM error: no such resource 404, a name or e-mail taken 409, a value
    missing (or the last governance admin, an unknown unit...) 400."""
    try:
        yield
    except scim_directory.ScimRefusal as refusal:
        answer = next(scim_error for kind, scim_error in REFUSED_AS if isinstance(refusal, kind))
        raise answer(detail=refusal.detail) from refusal
    except UserError as refusal:
        raise InvalidValueException(detail=translator("en")(refusal.msgid, **refusal.params)) from refusal


def create_person(turn: Turn, fields: PersonFields, stored: str) -> ProvisionedUser:
    user = scim_directory.create_user(session=turn.session, fields=fields, stored=stored, now=turn.now)
    return _follow_active(turn, user, fields.active)


def update_person(turn: Turn, person_id: int, fields: PersonFields, stored: str) -> ProvisionedUser:
    user = scim_directory.update_user(session=turn.session, person_id=person_id, fields=fields, stored=stored,
                                      now=turn.now)
    return _follow_active(turn, user, fields.active)


def delete_person(turn: Turn, person_id: int) -> None:
    """Out of their groups, deactivated and hidden from SCIM, never removed: their reports keep their place."""
    scim_directory.leave_groups(session=turn.session, person_id=person_id, now=turn.now)
    _follow_active(turn, scim_directory.user(session=turn.session, person_id=person_id), False)
    scim_directory.hide_user(session=turn.session, person_id=person_id, now=turn.now)


def _follow_active(turn: Turn, user: ProvisionedUser, active: bool) -> ProvisionedUser:
    """A leaver goes through the people flow, so that their returned assignments are told to governance."""
    if active == user.active:
        return user
    if active:
        people.reactivate(session=turn.session, email=user.email, by=BY_SCIM, now=turn.now)
    else:
        people_flow.deactivate(turn, user.email, BY_SCIM)
    return scim_directory.user(session=turn.session, person_id=user.id)
